"""The official YAML test suite, read as front matter: newsmeta's verdicts follow YAML 1.2.

Each case of ``../shared/yaml-test-suite`` (one folder per case, sub-cases in numbered
folders: ``in.yaml``, ``error`` when it must be refused, ``in.json`` with the data when it is
valid) is wrapped as an article, ``---\\n`` + YAML + ``---\\nbody\\n``, a leading ``---`` line
of the case dropped since the opening fence plays its part. Cases with another line that
is exactly ``---`` or with several documents are set aside: the fence rule changes their
meaning.

The five goals:

1. no valid case is called ``yaml-syntax`` (a form the format refuses has its own code);
2. every error case is called ``yaml-syntax``;
3. the same problems, at the same positions, and the same node tree, without the C parser;
4. no data different from ``in.json`` with nothing reported at the YAML level;
5. no edit crashes: each succeeds, confined to the edited entry's lines and read back as
   intended, or raises an EditError that names its cause (and each ends the same way
   without the C parser).

The suite carries no licence for copying: it is read in place, and the tests skip when
it is absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsmeta
from newsmeta import _quick, _yamltree
from newsmeta._check import analyse
from newsmeta._yamltree import Mapping, Node, Sequence
from newsmeta.errors import EditError
from newsmeta.problems import CODES, Problem
from newsmeta.validation import check_bytes

from .conftest import SHARED

SUITE = SHARED / "yaml-test-suite"
YAML_LAYERS = frozenset({"file", "fence", "yaml", "limits"})


def _cases() -> Iterator[tuple[str, Path]]:
    for top in sorted(SUITE.iterdir()):
        if not top.is_dir() or len(top.name) != 4:
            continue
        if (top / "in.yaml").is_file():
            yield top.name, top
            continue
        for sub in sorted(top.iterdir()):
            if sub.is_dir() and (sub / "in.yaml").is_file():
                yield f"{top.name}/{sub.name}", sub


def _wrapped(case: Path) -> str | None:
    """The case as an article, or None when it is set aside."""
    yaml = (case / "in.yaml").read_text(encoding="utf-8")
    event = case / "test.event"
    if event.is_file() and event.read_text(encoding="utf-8").count("+DOC") > 1:
        return None
    if yaml.startswith("---\n"):
        yaml = yaml[4:]
    if any(line.rstrip("\r") == "---" for line in yaml.split("\n")):
        return None
    if yaml and not yaml.endswith("\n"):
        yaml += "\n"
    return "---\n" + yaml + "---\nbody\n"


def _expected(case: Path) -> Any:
    """The first JSON value of ``in.json`` (cases with one document hold one)."""
    text = (case / "in.json").read_text(encoding="utf-8").strip()
    if not text:
        return None
    value, _ = json.JSONDecoder().raw_decode(text)
    return value


def _yaml_level(problems: tuple[Problem, ...] | list[Problem]) -> list[Problem]:
    return [p for p in problems if CODES[p.code].layer in YAML_LAYERS]


def _key(problems: tuple[Problem, ...] | list[Problem]) -> list[tuple[object, ...]]:
    return [
        (p.code, p.line, p.column, p.end_line, p.end_column, p.message, p.pointer) for p in problems
    ]


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, Path, str]]:
    if not SUITE.is_dir():
        pytest.skip("../shared/yaml-test-suite is not present")
    found = [(name, case, _wrapped(case)) for name, case in _cases()]
    return [(name, case, text) for name, case, text in found if text is not None]


def test_the_classification_covers_the_suite(cases: list[tuple[str, Path, str]]) -> None:
    errors = sum(1 for _, case, _ in cases if (case / "error").exists())
    assert (len(cases) - errors, errors) == (275, 85)


def test_no_valid_case_is_a_syntax_error(cases: list[tuple[str, Path, str]]) -> None:
    wrong = [
        name
        for name, case, text in cases
        if not (case / "error").exists()
        and any(p.code == "yaml-syntax" for p in check_bytes(text.encode(), name).problems)
    ]
    assert wrong == []


def test_every_error_case_is_a_syntax_error(cases: list[tuple[str, Path, str]]) -> None:
    missed = [
        name
        for name, case, text in cases
        if (case / "error").exists()
        and not any(p.code == "yaml-syntax" for p in check_bytes(text.encode(), name).problems)
    ]
    assert missed == []


def _tree(node: Node | None) -> list[tuple[object, ...]]:
    """Every node of a tree, depth first: its kind, span, properties, value and style."""
    found: list[tuple[object, ...]] = []
    stack = [node]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        found.append(
            (
                type(node).__name__,
                node.start,
                node.end,
                node.anchor,
                node.tag,
                getattr(node, "value", None),
                getattr(node, "style", None),
            )
        )
        if isinstance(node, Mapping):
            stack.extend(part for pair in reversed(node.pairs) for part in reversed(pair))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))
    return found


def test_the_same_problems_and_tree_without_the_c_parser(
    cases: list[tuple[str, Path, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = {name: check_bytes(text.encode(), name).problems for name, _, text in cases}
    trees = {name: _tree(analyse(text, path=name).root) for name, _, text in cases}
    different = []
    with monkeypatch.context() as patched:
        # As on a platform without ruamel.yaml.clib: no C parser, so no quick path either.
        patched.setattr(_yamltree, "_C_PARSER", False)
        _quick._ruamel_kit.cache_clear()
        try:
            assert _quick.quick_view("a: 1\n") is None
            for name, _, text in cases:
                slow = analyse(text, path=name)
                if (
                    _key(fast[name]) != _key(check_bytes(text.encode(), name).problems)
                    or _key(fast[name]) != _key(slow.problems)
                    or trees[name] != _tree(slow.root)
                ):
                    different.append(name)
        finally:
            _quick._ruamel_kit.cache_clear()
    _quick._ruamel_kit.cache_clear()
    assert different == []


def test_no_data_differs_from_the_suite_without_a_problem(
    cases: list[tuple[str, Path, str]],
) -> None:
    silent = []
    for name, case, text in cases:
        if (case / "error").exists():
            continue
        analysis = analyse(text)
        if _yaml_level(analysis.problems):
            continue
        expected = _expected(case)
        if analysis.data != expected and not (expected is None and analysis.data == {}):
            silent.append(name)
    assert silent == []


def _edits(data: dict[str, Any]) -> Iterator[tuple[str, list[str | int], object]]:
    """Every edit kind on every top-level key: set a text, unset, append to a list."""
    for key, value in data.items():
        yield "set", [key], "edited: value #1"
        yield "unset", [key], None
        if isinstance(value, list):
            yield "append", [key], "appended"
        if isinstance(value, dict) and value:
            inner = next(iter(value))
            yield "set", [key, inner], 7
            yield "unset", [key, inner], None


def _edit_outcomes(cases: list[tuple[str, Path, str]]) -> dict[tuple[str, str, str], str]:
    """Every edit of :func:`_edits` on every case: the text it leaves, or ``refused:``
    and the refusal's words. A crash fails the test."""
    outcomes: dict[tuple[str, str, str], str] = {}
    for name, _, text in cases:
        document = newsmeta.loads(text)
        if not isinstance(document.data, dict):
            continue
        for kind, path, value in _edits(document.data):
            document = newsmeta.loads(text)
            first, last = _entry_lines(text, document.node, str(path[0]))
            try:
                if kind == "set":
                    document.set(path, value)
                elif kind == "unset":
                    document.unset(path)
                else:
                    document.append(path, value)
            except EditError as refused:
                outcomes[name, kind, repr(path)] = f"refused: {refused}"
                continue
            except Exception as exc:  # pragma: no cover - the failure being tested for
                pytest.fail(f"{name}: {kind} {path} crashed: {exc!r}")
            if kind == "set":
                assert document.get(path) == value, (name, path)
            assert document.body == "body\n", name
            # Confined to the edited entry's lines (an appended item comes right after).
            start, end = _changed_lines(text, document.text)
            assert first <= start, (name, kind, path)
            assert end <= last + 1 + (kind == "append"), (name, kind, path)
            outcomes[name, kind, repr(path)] = newsmeta.dumps(document)
    return outcomes


def _entry_lines(text: str, root: Node | None, key: str) -> tuple[int, int]:
    """The 0-based first and last line of the top-level entry ``key`` (from its key to
    the end of its value, with the blank lines that set it apart before it); in a flow
    mapping, from the line before, whose comma an edit of the last entry may take."""
    assert isinstance(root, Mapping)
    key_node, value = next((k, v) for k, v in root.pairs if getattr(k, "value", None) == key)
    first = text.count("\n", 0, key_node.start)
    lines = text.split("\n")
    while first > 1 and not lines[first - 1].strip():
        first -= 1
    end = max(value.end, key_node.end)
    last = text.count("\n", 0, max(end - 1, key_node.start))
    return (first - 1 if root.flow else first), last


def _changed_lines(before: str, after: str) -> tuple[int, int]:
    """The 0-based lines ``[start, end)`` of ``before`` that an edit replaced to give
    ``after`` (``start == end`` for lines only inserted)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    common = 0
    while common < min(len(old), len(new)) - start and old[-1 - common] == new[-1 - common]:
        common += 1
    return start, len(old) - common


@pytest.fixture(scope="module")
def edit_outcomes(cases: list[tuple[str, Path, str]]) -> dict[tuple[str, str, str], str]:
    return _edit_outcomes(cases)


def test_no_edit_of_a_suite_case_crashes(
    edit_outcomes: dict[tuple[str, str, str], str],
) -> None:
    refusals = [o for o in edit_outcomes.values() if o.startswith("refused: ")]
    assert len(edit_outcomes) > 300
    assert len(refusals) < len(edit_outcomes) // 2
    # A refusal says why: never only that the result does not read back.
    assert not [r for r in refusals if r.endswith("nothing was changed")]


def test_every_edit_ends_the_same_without_the_c_parser(
    cases: list[tuple[str, Path, str]],
    edit_outcomes: dict[tuple[str, str, str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(_yamltree, "_C_PARSER", False)
        _quick._ruamel_kit.cache_clear()
        try:
            slow = _edit_outcomes(cases)
        finally:
            _quick._ruamel_kit.cache_clear()
    _quick._ruamel_kit.cache_clear()
    assert [edit for edit, outcome in edit_outcomes.items() if slow[edit] != outcome] == []


def _problems_everywhere_checked(
    texts: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[tuple[object, ...]]]:
    """Each text's problems when the spec is asked about every text, not only the ones
    the cheap scan picks."""
    from newsmeta import _spec

    with monkeypatch.context() as patched:
        patched.setattr(_spec, "needs_spec", lambda text: True)
        patched.setattr(_quick, "needs_spec", lambda text: True)
        return {name: _key(check_bytes(text.encode(), name).problems) for name, text in texts}


def test_the_cheap_scan_skips_no_case_the_spec_would_change(
    cases: list[tuple[str, Path, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [(name, text) for name, _, text in cases]
    checked = _problems_everywhere_checked(texts, monkeypatch)
    scanned = {name: _key(check_bytes(text.encode(), name).problems) for name, text in texts}
    assert [name for name, _ in texts if scanned[name] != checked[name]] == []


def test_the_cheap_scan_skips_no_real_file_the_spec_would_change(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [(str(path), path.read_text(encoding="utf-8")) for path in corpus]
    checked = _problems_everywhere_checked(texts, monkeypatch)
    scanned = {name: _key(check_bytes(text.encode(), name).problems) for name, text in texts}
    assert [name for name, _ in texts if scanned[name] != checked[name]] == []
