"""The bounds on what one file may contain (:class:`Limits`), in a module of their own.

The configuration, the result cache and validation need the limits without the parsing
machinery of :mod:`newsmeta._yamltree` (which re-exports them): a ``validate`` run that
finds every result in its cache never imports a parser.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["DEFAULT_LIMITS", "Limits"]


@attrs.frozen
class Limits:
    """Bounds on what one file may contain. Configuration may lower them, never a file."""

    max_file_bytes: int = 4 * 1024 * 1024
    max_front_matter_chars: int = 256 * 1024
    max_depth: int = 32
    max_nodes: int = 10_000
    max_scalar_chars: int = 64 * 1024
    max_key_chars: int = 256
    max_number_chars: int = 100


DEFAULT_LIMITS: Final = Limits()
