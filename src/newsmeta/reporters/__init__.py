"""Reporters render validation results; they decide nothing.

Each reporter is a function ``render(results, stream, options)`` in its own module, loaded
only when its format is asked for.
"""
