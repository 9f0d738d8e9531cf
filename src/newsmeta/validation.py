"""Validating files: one path -> a :class:`FileResult`; many paths -> many results.

A file that cannot be read, decoded or parsed is a result with problems, never an
exception, so one bad file never stops a run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor

import attrs

from newsmeta._check import analyse, decode
from newsmeta.problems import Problem, Severity

__all__ = ["FileResult", "check_path", "check_text", "validate_many"]


@attrs.frozen
class FileResult:
    """The problems found in one file. ``path`` is the path as given."""

    path: str
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        """How many error-level problems the file has."""
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many warnings the file has."""
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when the file has no error-level problem."""
        return self.errors == 0

    def to_dict(self) -> dict[str, object]:
        """The stable JSON shape of one file's result."""
        return {
            "path": self.path,
            "ok": self.ok,
            "problems": [p.to_dict() for p in self.problems],
        }


def _io_problem(exc: OSError) -> Problem:
    reason = exc.strerror or type(exc).__name__
    return Problem(
        code="io-error",
        severity=Severity.ERROR,
        message=f"The file could not be read: {reason}.",
        pointer="",
        line=1,
        column=1,
        end_line=1,
        end_column=1,
    )


def check_text(text: str, path: str = "<stdin>") -> FileResult:
    """Validate an article given as text."""
    return FileResult(path, tuple(analyse(text).problems))


def check_path(path: str | os.PathLike[str]) -> FileResult:
    """Validate the article file at ``path``. Never raises: I/O failures are problems."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return FileResult(name, (_io_problem(exc),))
    text, findings = decode(raw)
    return FileResult(name, tuple(analyse(text, prior=findings).problems))


def _check_chunk(paths: list[str]) -> list[FileResult]:
    return [check_path(p) for p in paths]


def _chunks(paths: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(paths), size):
        yield paths[i : i + size]


def validate_many(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    chunk_size: int = 64,
) -> list[FileResult]:
    """Validate every path and return one result per path, in the order given.

    With ``executor`` (any :class:`concurrent.futures.Executor`: a process pool, or a Dask
    ``distributed.Client(...).get_executor()``), files are sent in chunks of
    ``chunk_size`` to be checked there; without one they are checked in this process.
    """
    names = [os.fspath(p) for p in paths]
    if executor is None:
        return _check_chunk(names)
    results: list[FileResult] = []
    for chunk_result in executor.map(_check_chunk, list(_chunks(names, chunk_size))):
        results.extend(chunk_result)
    return results
