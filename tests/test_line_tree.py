"""The line reader's tree is the parser's tree, and edits spliced against it are the same.

:func:`newsmeta._quick.line_tree` builds the positioned node tree of a text the line reader
reads (see :func:`newsmeta._quick._scan`) from its lines, without parser events; an edit of
such a file splices against it. These tests hold it equal, node for node (kind, span,
value, style, properties), to the tree :func:`newsmeta._quick.tree_of` builds from libyaml's
events, on real, generated, hand-written, mutated and random texts; and they hold every
edit spliced against it byte-identical to the same edit spliced against the events' tree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta._check import Analysis, quick_read
from newsmeta._edit import _entry_root, _EntryRoot, apply, diff_data, refuse_duplicates, to_json
from newsmeta._quick import (
    LINE_READER_SOURCE,
    QuickView,
    _LazyMapping,
    _scan,
    line_tree,
    tree_of,
)
from newsmeta._yamltree import DEFAULT_LIMITS, Mapping, Node, Scalar, Sequence, compose
from newsmeta.errors import DuplicateKeyEditError, EditError

from .articles import mutated
from .test_edit_properties import ARTICLES, render
from .test_line_reader import _LINE_TOKENS, _SAMPLE, _text_of, _yaml_of

Row = tuple[str, int, int, object, object, object, object]


def _rows(node: Node | None) -> list[Row]:
    """Every node of a tree, depth first, as what the splicer reads of it."""
    rows: list[Row] = []
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        rows.append(
            (
                # A collection read later is one of its kind.
                "Mapping"
                if isinstance(n, Mapping)
                else "Sequence"
                if isinstance(n, Sequence)
                else type(n).__name__,
                n.start,
                n.end,
                n.anchor,
                n.tag,
                n.value if isinstance(n, Scalar) else None,
                n.style if isinstance(n, Scalar) else getattr(n, "flow", None),
            )
        )
        if isinstance(n, Mapping):
            for key, value in reversed(n.pairs):
                stack.extend((value, key))
        elif isinstance(n, Sequence):
            stack.extend(reversed(n.items))
    return rows


def _trees_agree(yaml: str, offset: int = 0) -> bool:
    """Assert that the line tree is the events' tree wherever the line reader reads
    ``yaml``; return whether it reads it."""
    if not isinstance(_scan(yaml, offset, DEFAULT_LIMITS), QuickView):
        return False
    lines = line_tree(yaml, offset)
    assert lines is not None, yaml
    events = _rows(tree_of(LINE_READER_SOURCE, yaml, offset))
    assert _rows(lines) == events, yaml
    # Every top-level collection read later, when looked into, gives the same tree.
    assert _rows(line_tree(yaml, offset, frozenset())) == events, yaml
    _entries_agree(yaml, offset, lines)
    return True


def _entries_agree(yaml: str, offset: int, whole: Node | None) -> None:
    """Assert that an edit's root of ``yaml`` (a text the line reader reads, whose tree
    is ``whole``) gives each top-level entry, read from its own lines, as ``whole`` has
    it, and all of them as ``whole`` once its pairs are asked for."""
    view = _scan(yaml, offset, DEFAULT_LIMITS)
    assert isinstance(view, QuickView)
    assert isinstance(whole, Mapping)
    built: list[Node | None] = []

    def build() -> Node | None:
        built.append(line_tree(yaml, offset))
        return built[-1]

    root = _entry_root(yaml, offset, list(view.data), build)
    assert isinstance(root, _EntryRoot), yaml
    assert (root.start, root.end) == (whole.start, whole.end), yaml
    for key, value in reversed(whole.pairs):  # any order: each entry alone
        assert isinstance(key, Scalar)
        found = root.get(key.value)
        assert found is not None, yaml
        assert _rows(found[0]) + _rows(found[1]) == _rows(key) + _rows(value), yaml
        assert root.named(key.value) == [found]
    assert root.get("not a key") is None
    assert not built, yaml  # every entry was read from its own lines
    handed = list(root._entries.values())
    assert _rows(root) == _rows(whole), yaml
    assert built, yaml
    assert all(any(p is q for q in root.pairs) for p in handed), yaml


def test_every_real_file_has_the_same_tree_by_lines_as_by_events(corpus: list[Path]) -> None:
    read = 0
    for path in corpus:
        found = _yaml_of(path.read_text(encoding="utf-8"))
        assert found is not None
        read += _trees_agree(*found)
    assert read > len(corpus) * 9 // 10  # the line reader reads nearly every real file


def test_generated_files_have_the_same_tree_by_lines_as_by_events(
    generated: list[tuple[Path, str | None]],
) -> None:
    read = 0
    for path, _ in generated:
        found = _yaml_of(path.read_text(encoding="utf-8"))
        if found is not None:
            read += _trees_agree(*found)
    assert read > len(generated) // 2


@pytest.mark.parametrize(
    "yaml",
    [
        "a:\n  b: 1\n\n# c\nc: 2\n",
        "a:\n  - 1\n  - 2\n",
        "a:\n  - 1\n  - 2\nb: 3\n",
        "a:\n  - k: 1\n    j:\n  - 2\n# x\n\nb: 3  # z\n\n",
        "a:\n  - b\n  -\nc:\n",
        "a:\n  -   k: 'x''y'   # c\n      j: \"q\\\"r\\n\"\n  - k:\n    j: 2\n",
        "a:\n  b:\n    c:\n      - d: 1\n        e:\n\nf: x # y\n# z\n",
        "title: \"a \\\"b\\\" c\\nd\\te\\\\f\\/g\"\nexcerpt: 'it''s'\n",
        "a:\nb:   # nothing\nc: x # a comment\nd: 'q' # c\ne: \"q\"   \n",
    ],
)
def test_hand_written_texts_have_the_same_tree_by_lines_as_by_events(yaml: str) -> None:
    assert _trees_agree(yaml, 7)


def test_a_text_the_line_reader_leaves_has_no_line_tree() -> None:
    assert line_tree("a: 1\n  # an indented comment\n") is None
    assert line_tree("a:\n- 1\n") is None  # a list at its key's column
    assert line_tree("a: [1, 2]\n") is None
    assert line_tree("# only a comment\n") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _LINE_TOKENS))
def test_mutated_articles_have_the_same_tree_by_lines_as_by_events(raw: bytes) -> None:
    found = _text_of(raw)
    if found is not None:
        _trees_agree(*found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([t.decode("utf-8") for t in _LINE_TOKENS] + ["a", "b"])))
def test_random_lines_have_the_same_tree_by_lines_as_by_events(tokens: list[str]) -> None:
    _trees_agree("".join(tokens))


def test_collections_of_keys_not_named_are_read_when_first_looked_into() -> None:
    yaml = "title: T\nprovider:\n  name: P\n  images:\n    - url: u\n\n# note\ntopics:\n  - a\n"
    root = line_tree(yaml, 4, frozenset({"topics"}))
    assert isinstance(root, Mapping)
    provider, topics = root.pairs[1][1], root.pairs[2][1]
    assert isinstance(provider, _LazyMapping)
    assert provider.lines is not None  # not read yet
    assert (provider.start, provider.end) == (
        4 + yaml.index("  name") + 2,
        4 + yaml.index("topics"),
    )
    assert type(topics) is Sequence  # named: read at once
    assert _rows(root) == _rows(line_tree(yaml, 4))
    assert provider.lines is None
    first = provider.pairs[0][1]
    assert isinstance(first, Scalar)
    assert (first.value, first.start) == ("P", 4 + yaml.index("P"))


def test_a_collection_read_later_that_its_lines_cannot_give_is_read_by_the_parser() -> None:
    # An indented comment is a shape only the parser reads; the node still gets its pairs.
    text = "a:\n  b: 1\n  # note\n  c: [2]\n"
    node = _LazyMapping(10 + 5)
    node.lines = (text, 10)
    expected = compose(text, 10).root
    assert isinstance(expected, Mapping)
    value = expected.pairs[0][1]
    assert isinstance(value, Mapping)
    assert _rows(node)[1:] == _rows(value)[1:]
    assert [k.value for k, _ in node.pairs if isinstance(k, Scalar)] == ["b", "c"]


def test_a_loaded_file_builds_its_tree_from_its_lines() -> None:
    text = '---\ntitle: "x"\ntopics:\n  - A\n---\nBody\n'
    read = quick_read(text)
    assert read is not None
    split, view = read
    assert view.event_source is LINE_READER_SOURCE
    document = newsmeta.loads(text)
    assert _rows(document.node) == _rows(tree_of(LINE_READER_SOURCE, split.yaml, view.offset))


# --- edits spliced against either tree ------------------------------------------------------


def _both_ways(text: str, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> str | None:
    """The text an edit gives spliced against the line tree, asserted equal to the text
    it gives spliced against the events' tree (or both refuse it, alike); None when the
    line reader does not read ``text`` or the edit changes nothing."""
    read = quick_read(text)
    if read is None or read[1].event_source is not LINE_READER_SOURCE:
        return None
    split, view = read
    data = view.data
    new = to_json(fn(newsmeta.loads(text).data))  # type: ignore[arg-type]
    ops = diff_data(data, new)
    if not ops:
        return None
    by_lines = Analysis(text, split, None, data, [], True, lazy=DEFAULT_LIMITS, view=view)
    by_events = Analysis(
        text, split, tree_of(LINE_READER_SOURCE, split.yaml, view.offset), data, [], True
    )
    # With the line reader's view, the root reads only the entries the edit looks into.
    by_entries = Analysis(text, split, None, data, [], True, lazy=DEFAULT_LIMITS, view=view)
    outcomes: list[str] = []
    for analysis, line_view in ((by_lines, None), (by_events, None), (by_entries, view)):
        try:
            outcomes.append(apply(analysis, ops, intent=new, view=line_view).text)
        except EditError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
    assert outcomes[0] == outcomes[1] == outcomes[2], text
    assert by_lines.tree_limits is None  # the line tree was built, and used
    return outcomes[0]


def _add_topic(data: dict[str, Any]) -> dict[str, Any]:
    data["topics"] = [*data.get("topics", []), "AI"]
    return data


def _publish(data: dict[str, Any]) -> dict[str, Any]:
    data["published"] = not data.get("published", False)
    data["quality"] = 7
    return data


def _new_key(data: dict[str, Any]) -> dict[str, Any]:
    data["lastModifiedDateTime"] = "2024-05-06T07:08:09Z"
    data["heat"] = 3
    return data


def _drop_keys(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("heat", None)
    data.pop("excerpt", None)
    data.pop("secured", None)  # the last key
    if data.get("images"):
        del data["images"][0]
    return data


def _retitle(data: dict[str, Any]) -> dict[str, Any]:
    data["title"] = str(data.get("title", "")) + ' — it\'s "new"'
    provider = data.get("provider")
    if isinstance(provider, dict):
        provider["name"] = "Someone: else"
        provider.pop("images", None)
    return data


EDITS: list[Callable[[dict[str, Any]], dict[str, Any]]] = [
    _add_topic,
    _publish,
    _new_key,
    _drop_keys,
    _retitle,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda fn: fn.__name__)
def test_real_files_edit_the_same_against_either_tree(
    corpus: list[Path], edit: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    edited = 0
    for path in corpus:
        edited += _both_ways(path.read_text(encoding="utf-8"), edit) is not None
    assert edited > len(corpus) // 2


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ARTICLES, st.sampled_from(EDITS))
def test_generated_articles_edit_the_same_against_either_tree(
    data: dict[str, Any], edit: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    text = render(data, "\n")
    assert _both_ways(text, edit) is not None


def test_an_edit_root_refuses_a_path_through_a_duplicated_key_as_the_whole_tree_does() -> None:
    yaml = "title: a\nprovider:\n  name: A\n  name: B\nurl: x\n"
    whole = line_tree(yaml, 4)
    for parts in [("provider", "name"), ("provider", "id"), ("title",), ("gone", "name")]:
        root = _entry_root(yaml, 4, ["title", "provider", "url"], lambda: line_tree(yaml, 4))
        assert isinstance(root, _EntryRoot)
        outcomes: list[str | None] = []
        for tree in (whole, root):
            try:
                refuse_duplicates(yaml, tree, parts)
                outcomes.append(None)
            except DuplicateKeyEditError as exc:
                outcomes.append(str(exc))
        assert outcomes[0] == outcomes[1], parts
        assert (outcomes[0] is not None) == (parts == ("provider", "name")), parts
