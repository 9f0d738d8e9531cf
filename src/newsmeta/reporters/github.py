"""``--format github``: GitHub Actions workflow-command annotations.

One line per problem::

    ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::MESSAGE

(``::warning`` for warnings), then the plain summary line. Property values and the message
are escaped (:func:`newsmeta._escape.github_property`, :func:`~newsmeta._escape.github_message`),
so a file name or a quoted value holding ``::error::``, a ``,`` or a newline cannot forge
another annotation or property. GitHub's ``endColumn`` is inclusive, so it is ``end_column - 1``
(at least ``col``) on a one-line problem, and omitted on multi-line ones, where GitHub
ignores it.

With ``Options.step_summary`` (``$GITHUB_STEP_SUMMARY``) a Markdown summary is appended to
that file. It opens with the summary line, a table of how often each code occurs (most
frequent first, fixable codes marked) and how many problems ``newsmeta fix`` can repair,
then lists the first :data:`MAX_SUMMARY_ROWS` problems; GitHub shows only a few
annotations per step, so for more, upload ``--format sarif`` to code scanning (see the
GitHub Actions guide).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Final, TextIO

from newsmeta._escape import github_message, github_property, markdown_cell
from newsmeta.problems import Problem
from newsmeta.reporters import Options
from newsmeta.reporters.text import fixable_line, summary_line
from newsmeta.validation import Reported

__all__ = ["MAX_SUMMARY_ROWS", "SARIF_GUIDE", "annotation", "render"]

#: Problems listed one by one in the step summary, after the per-code table: enough to
#: act on, short enough to read (GitHub caps a step summary at 1 MiB).
MAX_SUMMARY_ROWS: Final = 50

#: Where the guide explains uploading SARIF, for runs with more problems than are listed.
SARIF_GUIDE: Final = "https://newsmeta.github.io/newsmeta/guides/github-actions/#sarif"


def annotation(path: str, problem: Problem) -> str:
    """One workflow-command line (without a newline) for ``problem`` in ``path``."""
    props = [
        f"file={github_property(path)}",
        f"line={problem.line}",
        f"col={problem.column}",
        f"endLine={problem.end_line}",
    ]
    if problem.end_line == problem.line:
        props.append(f"endColumn={max(problem.column, problem.end_column - 1)}")
    props.append(f"title={github_property(problem.code)}")
    return f"::{problem.severity.value} {','.join(props)}::{github_message(problem.message)}"


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write annotations as results arrive, the summary line, and the step summary."""
    files = errors = warnings = 0
    rows: list[str] = []
    counts: Counter[str] = Counter()
    severities: dict[str, str] = {}
    for result in results:
        if isinstance(result, list):  # files without problems: nothing to write
            files += len(result)
            continue
        files += 1
        errors += result.errors
        warnings += result.warnings
        for problem in result.problems:
            stream.write(annotation(result.path, problem) + "\n")
            counts[problem.code] += 1
            severities.setdefault(problem.code, problem.severity.value)
            if len(rows) < MAX_SUMMARY_ROWS:
                rows.append(
                    f"| {markdown_cell(result.path)} | {problem.line}:{problem.column} "
                    f"| {problem.severity.value} | `{markdown_cell(problem.code)}` "
                    f"| {markdown_cell(problem.message)} |"
                )
    line = summary_line(files, errors, warnings)
    stream.write(line + "\n")
    fixable = options.fixable if options is not None else frozenset()
    fixable_count = sum(number for code, number in counts.items() if code in fixable)
    if fixable_count:
        stream.write(fixable_line(fixable_count) + "\n")
    if options is not None and options.step_summary:
        table = [
            f"| `{markdown_cell(code)}` | {severities[code]} | {number} "
            f"| {'yes' if code in fixable else ''} |"
            for code, number in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        _write_summary(options.step_summary, line, table, fixable_count, rows, errors + warnings)


def _write_summary(
    path: str, line: str, table: list[str], fixable: int, rows: list[str], total: int
) -> None:
    parts = ["## newsmeta validate", "", line, ""]
    if table:
        parts += ["| code | severity | count | fixable |", "|---|---|--:|---|", *table, ""]
    if fixable:
        parts += [fixable_line(fixable), ""]
    if rows:
        shown = f"the first {len(rows)} of {total}" if total > len(rows) else f"all {total}"
        parts += [f"### Problems ({shown})", ""]
        parts += ["| file | line:col | severity | code | message |", "|---|---|---|---|---|"]
        parts += rows
        if total > len(rows):
            parts += [
                "",
                f"{total - len(rows)} more problems are not listed here. To see every "
                f"problem in the pull request, upload `--format sarif` to code scanning "
                f"([how]({SARIF_GUIDE})).",
            ]
        parts.append("")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(parts) + "\n")
