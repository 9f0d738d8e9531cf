"""``--format json``: the documented, stable machine-readable shape.

::

    {
      "version": 1,
      "summary": {"files": N, "errors": E, "warnings": W},
      "files": [
        {"path": "...", "ok": false,
         "problems": [{"code", "severity", "message", "pointer",
                       "line", "column", "end_line", "end_column"}]}
      ]
    }
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from newsmeta.validation import FileResult

__all__ = ["SHAPE_VERSION", "render"]

SHAPE_VERSION = 1


def render(results: Sequence[FileResult], stream: TextIO) -> None:
    """Write the results as one JSON document."""
    document = {
        "version": SHAPE_VERSION,
        "summary": {
            "files": len(results),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
        },
        "files": [r.to_dict() for r in results],
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
