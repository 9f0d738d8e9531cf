"""A loaded document that a program keeps holds little for the garbage collector.

A program may keep thousands of loaded documents. Every container object each one holds
is visited by the collector again and again, so a document read on the quick path keeps,
beyond its data and typed article, only itself and its unchecked read: no path object,
no split, no view, no list of positions. What it gives back is unchanged.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest

import newsmeta
from newsmeta.document import Document, _Unchecked

from .conftest import EXAMPLES, ROOT, load_module


def _reachable_tracked(roots: Iterable[object], seen: set[int]) -> int:
    """How many objects the collector tracks among ``roots`` and what they hold (JSON
    values, tuples and attrs instances), each counted once across calls (``seen``)."""
    count = 0
    stack = list(roots)
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        count += gc.is_tracked(value)
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif attrs.has(type(value)):
            stack.extend(attrs.astuple(value, recurse=False))  # type: ignore[arg-type]
    return count


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")
    for name, text, _ in make_corpus.generate(60, 18, 0.0, related_rate=0.5):
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    return sorted(tmp_path.glob("*.md"))


def _load_all(paths: list[Path]) -> list[Document]:
    kept = []
    for path in paths:
        document = newsmeta.load(path)
        assert document.article is not None
        kept.append(document)
    return kept


def test_a_kept_document_holds_two_tracked_objects_besides_its_data_and_article(
    articles: list[Path],
) -> None:
    _load_all(articles)  # first use: the readers' memos, imports
    gc.collect()
    before = len(gc.get_objects())
    kept = _load_all(articles)
    gc.collect()
    added = len(gc.get_objects()) - before
    assert all(isinstance(document._read, _Unchecked) for document in kept)
    seen: set[int] = set()
    own = _reachable_tracked((d.data for d in kept), seen)
    own += _reachable_tracked((d.article for d in kept), seen)
    # Each document itself and its unchecked read; a few more may be shared memos.
    assert added - own <= 2 * len(kept) + 10, (added - own) / len(kept)


def test_what_a_kept_document_gives_is_what_a_checked_one_gives(
    articles: list[Path],
) -> None:
    paths = [*articles, *sorted(EXAMPLES.glob("*.md"))]
    for path in paths:
        kept, checked = newsmeta.load(path), newsmeta.load(path)
        checked.problems  # noqa: B018 - checks now: the analysis holds split and view
        assert kept.text == checked.text
        assert kept.data == checked.data
        assert kept.article == checked.article
        assert kept.body == checked.body
        assert (kept.newline, kept.bom) == (checked.newline, checked.bom)
        assert kept.path == checked.path == path
        assert kept.problems == checked.problems
        places = range(0, len(kept.text), 5)
        assert [kept.locate(i) for i in places] == [checked.locate(i) for i in places]


def test_the_path_is_made_once_when_asked_and_is_the_path_given(tmp_path: Path) -> None:
    source = next(iter(sorted(EXAMPLES.glob("*.md"))))
    for given in (str(source), source, f"{source.parent}//./{source.name}"):
        document = newsmeta.load(given)
        assert document.path == Path(given)
        assert document.path is document.path
    document = newsmeta.load(source)
    document.path = tmp_path / "moved.md"
    assert document.path == tmp_path / "moved.md"


def _keys(value: object) -> Iterable[str]:
    """Every mapping key in a JSON value, depth first."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_kept_documents_share_one_string_per_key(articles: list[Path]) -> None:
    kept = _load_all(articles)
    assert all(isinstance(document._read, _Unchecked) for document in kept)
    by_text: dict[str, set[int]] = {}
    for document in kept:
        for key in _keys(document.data):
            by_text.setdefault(key, set()).add(id(key))
    assert {"title", "images", "url", "provider"} <= by_text.keys()
    # Every document holds the same object for a key, not a copy of its own.
    assert all(len(ids) == 1 for ids in by_text.values()), {
        key: len(ids) for key, ids in by_text.items() if len(ids) > 1
    }


def test_a_kept_document_holds_no_dictionary_but_its_data(articles: list[Path]) -> None:
    kept = _load_all(articles)
    assert all(isinstance(document._read, _Unchecked) for document in kept)
    for document in kept:
        read = document._read
        held = [getattr(read, name) for name in _Unchecked.__slots__ if hasattr(read, name)]
        # An index of the values (by key, by path) would be as large as the data's own
        # mapping: it is made from the data when a problem is to be located.
        assert [value for value in held if isinstance(value, dict)] == [document.data]
    # Problems are located as before: test_quick_path compares loaded documents failing
    # the schema or a rule with the full path's.


def test_the_view_made_again_indexes_the_values_as_the_read_did(articles: list[Path]) -> None:
    from newsmeta._check import quick_read

    empty = articles[0].read_text("utf-8").replace("\ntitle: ", "\nsubtitle:\ntitle: ", 1)
    # A plain timestamp in a text field: the rules must look for it when checking.
    dated = articles[0].read_text("utf-8").replace("\ntitle: ", "\nnote: 2024-01-02\ntitle: ", 1)
    texts = [*(path.read_text("utf-8") for path in articles), empty, dated]
    for text in texts:
        document = newsmeta.loads(text)
        read = document._read
        assert isinstance(read, _Unchecked)
        fresh = quick_read(text)
        assert fresh is not None
        again = read._quick_view()
        assert list(again.top_level.items()) == list(fresh[1].top_level.items())
        assert again.values == fresh[1].values
        assert again.plain_dates_elsewhere is fresh[1].plain_dates_elsewhere
    assert newsmeta.loads(empty).data["subtitle"] is None  # type: ignore[index,call-overload]
    fresh_views = [quick_read(text) for text in texts]
    flags = {view[1].plain_dates_elsewhere for view in fresh_views if view is not None}
    assert flags == {False, True}  # both kinds of view were compared


def test_a_file_with_thousands_of_errors_leaves_no_garbage_per_error() -> None:
    # Its article is None: building it must not make, for every failing value, an
    # exception with a traceback and notes that only the collector can free.
    head = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text("utf-8")
    text = head.replace("\ntopics:\n", "\ntopics:\n" + "  - null\n" * 2000, 1)
    document = newsmeta.loads(text)
    assert document.data["topics"][:2] == [None, None]  # type: ignore[index,call-overload]
    assert document.article is None  # first use: the converter's hooks are made
    gc.collect()
    gc.disable()
    try:
        assert newsmeta.loads(text).article is None
        found = gc.collect()
    finally:
        gc.enable()
    assert found < 100, found
