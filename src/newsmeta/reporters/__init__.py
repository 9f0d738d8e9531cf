"""Reporters render validation results; they decide nothing.

Each format lives in its own module, loaded only when asked for, with one function::

    render(results: Iterable[FileResult | CleanPaths], stream: TextIO, options: Options) -> None

``results`` may hold, in place of the results of files without problems, runs of such
files' paths (:data:`newsmeta.validation.CleanPaths`, a list): a reporter renders a run
exactly as it renders those results, one by one (a warm cached run hands most of its files
on this way).

``results`` may be a lazy iterator: ``text`` and ``github`` write each file's lines as it
arrives, and ``json`` its file entries, in blocks (so output streams and memory stays
flat); ``sarif`` and ``junit`` must see every file before writing their one document.
Every string that came from a file or a file name is escaped with :mod:`newsmeta._escape`
before it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final, TextIO

import attrs

from newsmeta.problems import Severity

if TYPE_CHECKING:
    from newsmeta.problems import Problem
    from newsmeta.validation import Reported

__all__ = ["FORMATS", "Options", "Renderer", "fails", "load"]

#: Every ``--format`` value except ``auto``, which the CLI resolves.
FORMATS: Final = ("text", "json", "github", "sarif", "junit")


@attrs.frozen
class Options:
    """How to render.

    ``color``: use ANSI colours (``text`` only). ``fail_on``: the lowest severity that
    fails a file (``junit`` marks such files as failures). ``step_summary``: a path to
    append a Markdown summary to (``github`` only; ``$GITHUB_STEP_SUMMARY`` in Actions).
    ``fixable``: the codes ``newsmeta fix`` repairs; ``text`` and ``github`` count them.
    """

    color: bool = False
    fail_on: Severity = Severity.ERROR
    step_summary: str | None = None
    fixable: frozenset[str] = frozenset()


Renderer = Callable[["Iterable[Reported]", TextIO, Options], None]


def fails(severity: Severity, fail_on: Severity) -> bool:
    """True when a problem of ``severity`` fails a run that fails on ``fail_on``."""
    return severity is Severity.ERROR or fail_on is Severity.WARNING


def load(name: str) -> Renderer:
    """The ``render`` function of format ``name``; ``KeyError`` for an unknown format."""
    if name not in FORMATS:
        raise KeyError(name)
    import importlib

    module = importlib.import_module(f"newsmeta.reporters.{name}")
    renderer: Renderer = module.render
    return renderer


def _int_positions(problem: Problem) -> tuple[int, int, int, int]:
    """``problem``'s line, column, end line and end column, for a reporter that writes
    them as text; ``TypeError`` when any is not a plain ``int`` (a bool or a float is
    written otherwise, so such a problem takes the reporter's general form)."""
    positions = problem.line, problem.column, problem.end_line, problem.end_column
    for value in positions:
        if type(value) is not int:
            raise TypeError("not an int")
    return positions
