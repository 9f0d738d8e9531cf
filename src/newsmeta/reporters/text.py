"""The default output: one ``path:line:col: severity code message`` line per problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from newsmeta.validation import FileResult

__all__ = ["render"]


def render(results: Sequence[FileResult], stream: TextIO) -> None:
    """Write one line per problem, then a summary line."""
    errors = warnings = 0
    for result in results:
        for p in result.problems:
            stream.write(
                f"{result.path}:{p.line}:{p.column}: {p.severity.value} {p.code} {p.message}\n"
            )
        errors += result.errors
        warnings += result.warnings
    files = len(results)
    stream.write(
        f"{files} file{'s' if files != 1 else ''}, "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}\n"
    )
