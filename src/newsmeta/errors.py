"""Exceptions raised by failed operations.

Problems found *in* a file are values (:class:`newsmeta.Problem`), never raised on their
own. An exception means an operation failed: every one derives from
:class:`NewsmetaError`, and each also derives from the builtin it is, so callers may
catch either.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsmeta.problems import Problem

__all__ = ["InvalidDocumentError", "NewsmetaError"]


class NewsmetaError(Exception):
    """Base class of every exception newsmeta raises on purpose."""


class InvalidDocumentError(NewsmetaError, ValueError):
    """A document has error-level problems; ``problems`` holds all of them, in order."""

    def __init__(self, problems: Sequence[Problem], path: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path = path
        errors = [p for p in self.problems if p.severity == "error"]
        where = path or "<text>"
        first = errors[0] if errors else None
        summary = (
            f"{where}: {len(errors)} error(s); first at {first.line}:{first.column}: "
            f"{first.code} {first.message}"
            if first
            else f"{where}: invalid"
        )
        super().__init__(summary)
