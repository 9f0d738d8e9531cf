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
from collections.abc import Iterable
from typing import Final, TextIO
from urllib.parse import quote

from newsmeta._escape import json_text
from newsmeta._version import __version__
from newsmeta.problems import CODES, Code
from newsmeta.reporters import Options
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


def render(results: Iterable[Reported], stream: TextIO, options: Options | None = None) -> None:
    """Write one SARIF 2.1.0 log holding every problem of every result."""
    index = {name: i for i, name in enumerate(CODES)}
    descriptors = rules()
    sarif_results: list[dict[str, object]] = []
    for result in results:
        if isinstance(result, list):  # files without problems: no SARIF result
            continue
        location = artifact_location(result.path)
        for p in result.problems:
            if p.code not in index:  # never emit a ruleId the driver does not declare
                index[p.code] = len(descriptors)
                descriptors.append({"id": p.code, "shortDescription": {"text": p.code}})
            sarif_results.append(
                {
                    "ruleId": p.code,
                    "ruleIndex": index[p.code],
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
                        {"pointer": p.pointer, "detail": p.detail}
                        if p.detail
                        else {"pointer": p.pointer}
                    ),
                }
            )
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
                "results": sarif_results,
            }
        ],
    }
    # ASCII-only already escapes every non-ASCII character; json_text adds DEL and the
    # "##[" that a CI log would run as a command.
    stream.write(json_text(json.dumps(log, ensure_ascii=True, indent=2)))
    stream.write("\n")
