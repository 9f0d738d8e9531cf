"""``--format json``: the documented, stable machine-readable shape.

::

    {
      "version": 1,
      "files": [
        {"path": "...", "ok": false,
         "problems": [{"code", "severity", "message", "pointer",
                       "line", "column", "end_line", "end_column",
                       "detail" (only when the problem has one)}]}
      ],
      "summary": {"files": N, "errors": E, "warnings": W}
    }

``detail`` holds more technical text behind the message: for ``yaml-syntax``, the YAML
parser's own words.

Files are written as they arrive, one per line, and the summary comes last, so memory
stays flat however many files there are (read it by key: object key order carries no
meaning in JSON).
Non-ASCII text is written as is, except what :mod:`newsmeta._escape` never lets through raw:
controls, bidirectional overrides, line and paragraph separators, the BOM, C1 controls,
tag characters and undecodable bytes (lone surrogates) are written as ``\\uXXXX`` escapes,
and so is the ``#`` of a ``##[`` that a CI log would read as a command. The data decoded
is exactly the data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Final, TextIO

from newsmeta._escape import json_text
from newsmeta.problems import Problem, Severity
from newsmeta.reporters import Options
from newsmeta.reporters import _int_positions as int_positions
from newsmeta.validation import FileResult, Reported

__all__ = ["BLOCK_ENTRIES", "BLOCK_SECONDS", "SHAPE_VERSION", "render"]

SHAPE_VERSION = 1

#: File entries are written in blocks of up to this many, not one write each: where output
#: is unbuffered (``PYTHONUNBUFFERED``, common in CI images) a write is a system call, and a
#: warm cached run over ten thousand files, with little else to do, felt one per file.
BLOCK_ENTRIES: Final = 64
#: ... and a block is written as soon as its first entry has waited this long (seconds),
#: or when an entry comes this long after the one before it: output that arrives slowly is
#: written as it arrives, so the output still streams.
BLOCK_SECONDS: Final = 0.05
_clock = time.monotonic


#: Compact, so the C encoder runs (an indent forces the pure-Python one): one file per
#: line keeps the output readable and fast for ten thousand files. Made once: json.dumps
#: with options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: object) -> str:
    return json_text(_ENCODER.encode(value))


#: Printable ASCII but ``"``, ``\\`` and ``#``: a path of these alone is its own JSON
#: string between quotes (nothing to escape, for JSON or for :func:`json_text`).
_VERBATIM: Final = bytes(code for code in range(0x20, 0x7F) if chr(code) not in '"\\#')


#: The C function the encoder writes every string with (``ensure_ascii=False``).
_quote: Final[Callable[[str], str]] = json.encoder.encode_basestring
#: A severity as the encoder writes its value.
_SEVERITY_JSON: Final = {severity: _quote(severity.value) for severity in Severity}


def _entry(result: FileResult) -> str:
    """One file's line: ``_dumps(result.to_dict())``, written directly for a file without
    problems (most of them), where only the path varies."""
    if result.problems:
        return _problems_entry(result.path, result.problems)[0]
    return _clean_entry(result.path)


def _problems_entry(path: str, problems: tuple[Problem, ...]) -> tuple[str, int, int]:
    """The line of the file ``path`` with ``problems``, and how many errors and warnings it
    has: ``_dumps(FileResult(path, problems).to_dict())``, written piece by piece (no
    dictionaries, no encoder per call) where every value is of the type its field
    declares, else by that general form."""
    parts: list[str] = []
    errors = warnings = 0
    quote, severities, error, warning = _quote, _SEVERITY_JSON, Severity.ERROR, Severity.WARNING
    try:
        for problem in problems:
            severity = problem.severity
            if severity is error:
                errors += 1
            elif severity is warning:
                warnings += 1
            line, column, end_line, end_column = int_positions(problem)
            detail = problem.detail
            parts.append(
                f'{{"code": {quote(problem.code)}, "severity": {severities[severity]}, '
                f'"message": {quote(problem.message)}, "pointer": {quote(problem.pointer)}, '
                f'"line": {line}, "column": {column}, "end_line": {end_line}, '
                f'"end_column": {end_column}'
                + (f', "detail": {quote(detail)}}}' if detail else "}")
            )
        text = (
            f'{{"path": {quote(path)}, "ok": {"false" if errors else "true"}, '
            f'"problems": [{", ".join(parts)}]}}'
        )
    except (TypeError, KeyError):
        result = FileResult(path, problems)
        return _dumps(result.to_dict()), result.errors, result.warnings
    return json_text(text), errors, warnings


def _clean_entry(path: str) -> str:
    """The line of the file ``path`` without problems."""
    if path.isascii() and not path.encode("ascii").translate(None, _VERBATIM):
        return '{"path": "' + path + '", "ok": true, "problems": []}'
    return '{"path": ' + json_text(_ENCODER.encode(path)) + ', "ok": true, "problems": []}'


#: What comes between two paths of files without problems that follow each other.
_BETWEEN_CLEAN: Final = '", "ok": true, "problems": []},\n    {"path": "'


def _clean_entries(paths: list[str], separator: str) -> str:
    """The lines of the files ``paths``, without problems, each after ``separator`` (the
    first) or ``",\n    "``: one join when no path needs escaping (most runs)."""
    joined = "".join(paths)
    if joined.isascii() and not joined.encode("ascii").translate(None, _VERBATIM):
        return (
            separator + '{"path": "' + _BETWEEN_CLEAN.join(paths) + '", "ok": true, "problems": []}'
        )
    return separator + ",\n    ".join(map(_clean_entry, paths))


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write the results as one JSON document, streaming the file entries as they come (in
    blocks: see :data:`BLOCK_ENTRIES` and :data:`BLOCK_SECONDS`)."""
    files = errors = warnings = 0
    stream.write(f'{{\n  "version": {SHAPE_VERSION},\n  "files": [')
    block: list[str] = []
    waiting = 0  # file entries in the block
    clock, verbatim, separator = _clock, _VERBATIM, "\n    "
    first_at = last_at = clock()
    for result in results:
        now = clock()
        if not block:
            first_at = now
        if isinstance(result, list):  # a run of files without problems
            if not result:
                continue
            block.append(_clean_entries(result, separator))
            files += len(result)
            waiting += len(result)
        elif result.problems:
            entry, their_errors, their_warnings = _problems_entry(result.path, result.problems)
            block.append(separator + entry)
            errors += their_errors
            warnings += their_warnings
            files += 1
            waiting += 1
        else:  # _entry's shortcut, inline, in one string: this runs for most files
            path = result.path
            if path.isascii() and not path.encode("ascii").translate(None, verbatim):
                block.append(f'{separator}{{"path": "{path}", "ok": true, "problems": []}}')
            else:
                block.append(separator + _clean_entry(path))
            files += 1
            waiting += 1
        separator = ",\n    "
        if (
            waiting >= BLOCK_ENTRIES
            or now - last_at >= BLOCK_SECONDS  # results come slowly: write each one
            or now - first_at >= BLOCK_SECONDS
        ):
            stream.write("".join(block))
            block.clear()
            waiting = 0
        last_at = now
    stream.write("".join(block) + ("\n  " if files else "") + "],\n")
    summary = {"files": files, "errors": errors, "warnings": warnings}
    stream.write(f'  "summary": {json.dumps(summary)}\n}}\n')
