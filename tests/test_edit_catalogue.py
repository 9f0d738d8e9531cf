"""The round-trip catalogue: formatting cases with the exact diff each edit must produce.

Each case in ``roundtrip_cases/`` is ``NAME.md`` (the file), ``NAME.edits.json`` (edits,
each applied alone to a fresh load) and ``NAME.expected.json`` (for each edit, the
zero-context unified diff of the result, or the name of the error that refused it).
Set ``NEWSMETA_REGEN=1`` to rewrite the expected files after reviewing a change.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

import newsmeta
from newsmeta.errors import EditError

CASES = Path(__file__).parent / "roundtrip_cases"
NAMES = sorted(p.name[: -len(".md")] for p in CASES.glob("*.md"))


def _read(name: str) -> str:
    with open(CASES / f"{name}.md", encoding="utf-8", newline="") as handle:
        return handle.read()


def _diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), n=0, lineterm="\n"
    )
    return "".join(line if line.endswith("\n") else line + "\\ no newline\n" for line in lines)


def _apply(doc: newsmeta.Document, edit: dict[str, Any]) -> None:
    op, path, args = edit["op"], edit["path"], edit["args"]
    if op == "set":
        doc.set(path, *args)
    elif op == "unset":
        doc.unset(path)
    elif op == "append":
        doc.append(path, *args)
    else:
        doc.insert(path, *args)


def _outcomes(name: str) -> list[dict[str, str | None]]:
    text = _read(name)
    edits = json.loads((CASES / f"{name}.edits.json").read_text(encoding="utf-8"))
    results: list[dict[str, str | None]] = []
    for edit in edits:
        doc = newsmeta.loads(text)
        try:
            _apply(doc, edit)
        except EditError as exc:
            results.append({"error": type(exc).__name__, "diff": None})
            continue
        results.append({"error": None, "diff": _diff(text, doc.dumps())})
    return results


@pytest.mark.parametrize("name", NAMES)
def test_unedited_case_dumps_identical_bytes(name: str) -> None:
    raw = (CASES / f"{name}.md").read_bytes()
    doc = newsmeta.load(CASES / f"{name}.md")
    assert doc.encoded() == raw
    assert newsmeta.dumps(doc) == raw.decode("utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_each_edit_gives_exactly_the_expected_diff(name: str) -> None:
    expected_path = CASES / f"{name}.expected.json"
    actual = _outcomes(name)
    if os.environ.get("NEWSMETA_REGEN"):
        expected_path.write_text(
            json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("name", NAMES)
def test_each_edit_keeps_line_endings_and_bom(name: str) -> None:
    text = _read(name)
    edits = json.loads((CASES / f"{name}.edits.json").read_text(encoding="utf-8"))
    for edit in edits:
        doc = newsmeta.loads(text)
        try:
            _apply(doc, edit)
        except EditError:
            continue
        out = doc.dumps()
        assert out.startswith("\ufeff") == text.startswith("\ufeff")
        if "\r\n" in text:
            assert "\n" not in out.replace("\r\n", "")
        assert doc.body == newsmeta.loads(text).body
