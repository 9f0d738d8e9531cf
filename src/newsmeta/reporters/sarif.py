"""``--format sarif``: a SARIF 2.1.0 log for code-scanning upload.

One run; its tool driver declares one rule per problem code in
:data:`newsmeta.problems.CODES` (id = code, help text from the catalogue), and each
problem is a result with ``ruleId``/``ruleIndex``, a ``level`` from its (possibly
overridden) severity and one physical location whose region uses the problem's 1-based
start and exclusive end, as SARIF defines them. Relative paths are relative URIs with
``uriBaseId`` ``%SRCROOT%``; absolute paths become ``file://`` URIs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Final, TextIO
from urllib.parse import quote

from newsmeta._escape import json_text
from newsmeta._version import __version__
from newsmeta.problems import CODES, Code, Problem
from newsmeta.reporters import Options
from newsmeta.reporters import _int_positions as int_positions
from newsmeta.validation import Reported

__all__ = ["SCHEMA_URI", "VERSION", "artifact_location", "render", "rules"]

VERSION: Final = "2.1.0"
SCHEMA_URI: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_INFO_URI: Final = "https://github.com/newsmeta/newsmeta"


def _help(code: Code) -> tuple[str, str]:
    text = [code.explanation]
    markdown = [code.explanation]
    if code.bad:
        text.append(f"Bad:\n{code.bad}")
        markdown.append(f"Bad:\n\n```yaml\n{code.bad}\n```")
    if code.good:
        text.append(f"Good:\n{code.good}")
        markdown.append(f"Good:\n\n```yaml\n{code.good}\n```")
    if code.fix:
        text.append(f"Fix: {code.fix}")
        markdown.append(f"**Fix:** {code.fix}")
    return "\n\n".join(text), "\n\n".join(markdown)


def rules() -> list[dict[str, object]]:
    """One SARIF ``reportingDescriptor`` per code, in catalogue order."""
    out: list[dict[str, object]] = []
    for code in CODES.values():
        text, markdown = _help(code)
        out.append(
            {
                "id": code.name,
                "name": code.name,
                "shortDescription": {"text": code.summary},
                "fullDescription": {"text": code.explanation},
                "help": {"text": text, "markdown": markdown},
                "defaultConfiguration": {"level": code.severity.value},
                "properties": {"tags": [code.layer]},
            }
        )
    return out


def artifact_location(path: str) -> dict[str, str]:
    """The SARIF ``artifactLocation`` of ``path`` (bytes percent-encoded, ``/`` separators)."""
    raw = os.fsencode(path).replace(os.sep.encode(), b"/")
    if os.path.isabs(path):
        return {"uri": "file://" + quote(raw, safe="/")}
    if raw.startswith(b"./"):
        raw = raw[2:]
    return {"uri": quote(raw, safe="/"), "uriBaseId": "%SRCROOT%"}


#: Each file's results are written at this depth of the log: a line break within one is
#: followed by this much indentation, as ``json.dumps(log, indent=2)`` writes it.
_RESULT_BREAK: Final = "\n" + " " * 8
#: The C function ``json.dumps(..., ensure_ascii=True)`` writes every string with.
_quote: Final[Callable[[str], str]] = json.encoder.encode_basestring_ascii


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write one SARIF 2.1.0 log holding every problem of every result.

    The log is the one ``json.dumps(log, ensure_ascii=True, indent=2)`` writes; each
    result is written as text by :func:`_result_text` (Python's encoder with an indent
    is written in Python, and took most of the time of a run with many problems)."""
    index = {name: i for i, name in enumerate(CODES)}
    descriptors = rules()
    texts: list[str] = []
    for result in results:
        if isinstance(result, list):  # files without problems: no SARIF result
            continue
        location = artifact_location(result.path)
        for p in result.problems:
            if p.code not in index:  # never emit a ruleId the driver does not declare
                index[p.code] = len(descriptors)
                descriptors.append({"id": p.code, "shortDescription": {"text": p.code}})
            texts.append(_result_text(p, index[p.code], location))
    log = {
        "$schema": SCHEMA_URI,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "newsmeta",
                        "version": __version__,
                        "informationUri": _INFO_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [],
            }
        ],
    }
    text = json.dumps(log, ensure_ascii=True, indent=2)
    if texts:
        # The last key of the log: no string holds it (their quotes are escaped).
        before, found, after = text.rpartition('"results": []')
        if not found:  # pragma: no cover - json.dumps writes it so
            raise AssertionError("no results list in the SARIF log")
        text = (
            f'{before}"results": [{_RESULT_BREAK}'
            + f",{_RESULT_BREAK}".join(texts)
            + f"\n      ]{after}"
        )
    # ASCII-only already escapes every non-ASCII character; json_text adds DEL and the
    # "##[" that a CI log would run as a command.
    stream.write(json_text(text))
    stream.write("\n")


def _result(p: Problem, rule_index: int, location: dict[str, str]) -> dict[str, object]:
    """The SARIF result of problem ``p``, whose rule is at ``rule_index``, at ``location``."""
    return {
        "ruleId": p.code,
        "ruleIndex": rule_index,
        "level": p.severity.value,
        "message": {"text": p.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": p.line,
                        "startColumn": p.column,
                        "endLine": p.end_line,
                        "endColumn": max(p.end_column, p.column),
                    },
                }
            }
        ],
        "properties": (
            {"pointer": p.pointer, "detail": p.detail} if p.detail else {"pointer": p.pointer}
        ),
    }


def _result_text(p: Problem, rule_index: int, location: dict[str, str]) -> str:
    """:func:`_result` as ``json.dumps(log, ensure_ascii=True, indent=2)`` writes it in the
    log's list of results: ``json.dumps(_result(...), ensure_ascii=True, indent=2)`` with
    each line break followed by :data:`_RESULT_BREAK`. Written line by line where every
    value has the type its field declares, else by ``json.dumps`` itself."""
    quote = _quote
    try:
        line, column, end_line, end_column = int_positions(p)
        where = [f"          {quote(key)}: {quote(value)}," for key, value in location.items()]
        where[-1] = where[-1][:-1]
        properties = [f'    "pointer": {quote(p.pointer)}']
        if p.detail:
            properties[0] += ","
            properties.append(f'    "detail": {quote(p.detail)}')
        lines = [
            "{",
            f'  "ruleId": {quote(p.code)},',
            f'  "ruleIndex": {rule_index:d},',
            f'  "level": {quote(p.severity.value)},',
            '  "message": {',
            f'    "text": {quote(p.message)}',
            "  },",
            '  "locations": [',
            "    {",
            '      "physicalLocation": {',
            '        "artifactLocation": {',
            *where,
            "        },",
            '        "region": {',
            f'          "startLine": {line},',
            f'          "startColumn": {column},',
            f'          "endLine": {end_line},',
            f'          "endColumn": {max(end_column, column)}',
            "        }",
            "      }",
            "    }",
            "  ],",
            '  "properties": {',
            *properties,
            "  }",
            "}",
        ]
    except (TypeError, AttributeError, ValueError, IndexError):
        lines = json.dumps(_result(p, rule_index, location), ensure_ascii=True, indent=2).split(
            "\n"
        )
    return _RESULT_BREAK.join(lines)
