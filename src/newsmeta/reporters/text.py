"""The default output: one ``path:line:col: severity code message`` line per problem.

A closing line summarises the run: ``N files, E errors, W warnings``, followed, when some
problems can be repaired, by ``N of these are fixable with `newsmeta fix`.``. With
``Options.color`` the path is bold, the severity red or yellow and the code dim; the CLI
turns colour on only for a terminal and never when ``NO_COLOR`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from newsmeta._escape import printable
from newsmeta.problems import Severity
from newsmeta.reporters import Options
from newsmeta.validation import Reported

__all__ = ["fixable_line", "render", "summary_line"]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RED = "\x1b[31m"
_YELLOW = "\x1b[33m"
_GREEN = "\x1b[32m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary_line(files: int, errors: int, warnings: int) -> str:
    """``N files, E errors, W warnings`` with correct singulars, without a newline."""
    return f"{_plural(files, 'file')}, {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def fixable_line(count: int) -> str:
    """``N of these are fixable with `newsmeta fix`.``, without a newline."""
    return f"{count} of these {'are' if count != 1 else 'is'} fixable with `newsmeta fix`."


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write one line per problem as results arrive, then the summary line."""
    color = options.color if options is not None else False
    fixable_codes = options.fixable if options is not None else frozenset()
    files = errors = warnings = fixable = 0
    for result in results:
        if isinstance(result, list):  # files without problems: nothing to write
            files += len(result)
            continue
        files += 1
        if not result.problems:
            continue
        errors += result.errors
        warnings += result.warnings
        path = printable(result.path)
        for p in result.problems:
            if p.code in fixable_codes:
                fixable += 1
            message = printable(p.message)
            if color:
                tint = _RED if p.severity is Severity.ERROR else _YELLOW
                stream.write(
                    f"{_BOLD}{path}{_RESET}:{p.line}:{p.column}: "
                    f"{tint}{p.severity.value}{_RESET} {_DIM}{p.code}{_RESET} {message}\n"
                )
            else:
                stream.write(f"{path}:{p.line}:{p.column}: {p.severity.value} {p.code} {message}\n")
    line = summary_line(files, errors, warnings)
    if color:
        tint = _RED if errors else _YELLOW if warnings else _GREEN
        line = f"{tint}{line}{_RESET}"
    stream.write(line + "\n")
    if fixable:
        stream.write(fixable_line(fixable) + "\n")
