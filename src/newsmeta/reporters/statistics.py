"""``newsmeta validate --statistics``: how often each code occurs, instead of each problem.

Text output is one line per code, most frequent first (then by code)::

    114  text-html-entity  warning  [fix]  The text holds an HTML entity.

then the summary line, and the count of problems ``newsmeta fix`` can repair. With
``--format json``::

    {"version": 1,
     "statistics": [{"code", "severity", "count", "fixable", "summary"}],
     "summary": {"files": N, "errors": E, "warnings": W, "fixable": F}}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

import attrs

from newsmeta._escape import printable
from newsmeta.problems import CODES
from newsmeta.reporters import Options
from newsmeta.validation import Reported

__all__ = ["CodeCount", "Tally", "count", "render", "render_json"]


@attrs.frozen
class CodeCount:
    """How often one code occurred, at which severity, and whether ``fix`` repairs it."""

    code: str
    severity: str
    count: int
    fixable: bool


@attrs.frozen
class Tally:
    """Counts over a run: files, errors, warnings, and each code (most frequent first)."""

    files: int
    errors: int
    warnings: int
    codes: list[CodeCount]

    @property
    def fixable(self) -> int:
        """How many of the problems ``newsmeta fix`` can repair."""
        return sum(entry.count for entry in self.codes if entry.fixable)


def count(results: Iterable[Reported], fixable: frozenset[str] = frozenset()) -> Tally:
    """Count the problems of ``results`` by code, most frequent first."""
    files = errors = warnings = 0
    counts: Counter[str] = Counter()
    severities: dict[str, str] = {}
    for result in results:
        if isinstance(result, list):  # files without problems
            files += len(result)
            continue
        files += 1
        if not result.problems:
            continue
        errors += result.errors
        warnings += result.warnings
        for problem in result.problems:
            counts[problem.code] += 1
            severities.setdefault(problem.code, problem.severity.value)
    codes = [
        CodeCount(code, severities[code], number, code in fixable)
        for code, number in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Tally(files, errors, warnings, codes)


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write the per-code table, the summary line and the fixable count."""
    from newsmeta.reporters.text import fixable_line, summary_line

    tally = count(results, options.fixable if options is not None else frozenset())
    if tally.codes:
        width = max(len(str(entry.count)) for entry in tally.codes)
        code_width = max(len(entry.code) for entry in tally.codes)
        for entry in tally.codes:
            mark = "[fix]" if entry.fixable else "     "
            info = CODES.get(entry.code)
            summary = printable(info.summary) if info is not None else ""
            stream.write(
                f"{entry.count:>{width}}  {printable(entry.code):<{code_width}}  "
                f"{entry.severity:<7}  {mark}  {summary}\n"
            )
    stream.write(summary_line(tally.files, tally.errors, tally.warnings) + "\n")
    if tally.fixable:
        stream.write(fixable_line(tally.fixable) + "\n")


def render_json(
    results: Iterable[Reported], stream: TextIO, options: Options | None = None
) -> None:
    """Write the statistics as one JSON document."""
    tally = count(results, options.fixable if options is not None else frozenset())
    document = {
        "version": 1,
        "statistics": [
            {
                "code": entry.code,
                "severity": entry.severity,
                "count": entry.count,
                "fixable": entry.fixable,
                "summary": CODES[entry.code].summary if entry.code in CODES else "",
            }
            for entry in tally.codes
        ],
        "summary": {
            "files": tally.files,
            "errors": tally.errors,
            "warnings": tally.warnings,
            "fixable": tally.fixable,
        },
    }
    stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
