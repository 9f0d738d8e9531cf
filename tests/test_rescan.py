"""An edited text is read again only where it changed, and that gives what reading it all
gives (:func:`newsmeta._quick.rescan`, used by every edit of a file read on the quick path).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmeta import _edit, _quick, jqprogram, load
from newsmeta._check import quick_read
from newsmeta._quick import QuickView, quick_view, rescan
from newsmeta._spec import spec_verdict
from newsmeta._yamltree import DEFAULT_LIMITS, Limits

from .test_line_reader import _LINE_TOKENS

_TOKENS = [t.decode("utf-8") for t in _LINE_TOKENS] + ["a", "b", "c: 1\n", "\nd:\n  - 2\n"]


def _same_view(found: QuickView, full: QuickView) -> None:
    assert list(found.data.items()) == list(full.data.items())
    assert found.values == full.values
    assert list(found.top_level.items()) == list(full.top_level.items())
    assert found.offset == full.offset
    # Not knowing (True) is always allowed; knowing better than the full read is not.
    assert found.plain_dates_elsewhere or not full.plain_dates_elsewhere


def _agrees(old: str, lo: int, hi: int, new_part: str, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Replace ``old[lo:hi]`` by ``new_part``; when :func:`rescan` tells, it must tell what
    reading the whole new text tells. True when it told."""
    view = quick_view(old, 5, limits)
    if view is None or view.event_source is None:
        return False
    new = old[:lo] + new_part + old[hi:]
    found = rescan(view, old, new, lo, hi, limits)
    if found is None:
        return False
    full = quick_view(new, 5, limits)
    assert full is not None, (old, new)
    _same_view(found, full)
    return True


_OLD = (
    "category: news\n"
    'title: "A title"  # kept\n'
    "published: true\n"
    "\n"
    "provider:\n"
    "  name: Someone\n"
    "  images:\n"
    "    - url: x\n"
    "      width: 50\n"
    "\n"
    "# topics follow\n"
    "topics:\n"
    "  - one\n"
    "  - two\n"
    "empty:\n"
    "quality: 70\n"
)


@pytest.mark.parametrize(
    ("old_part", "new_part"),
    [
        ("  - two\n", "  - two\n  - three\n"),  # an item added
        ("  - one\n", ""),  # an item removed
        ("quality: 70\n", "quality: 71\n"),  # the last entry
        ("category: news\n", "category: blog\n"),  # the first entry
        ("empty:\n", "empty:\n  - x\n"),  # an empty value becomes a list
        ("empty:\n", ""),  # a key removed
        ("published: true\n", "published: true\nextra: 'q''r'\n"),  # a new key
        ("      width: 50\n", "      width: 51\n      height: 2\n"),  # deep inside
        ("# topics follow\n", "# the topics\n"),  # a comment
        ("quality: 70\n", 'quality: "[1]"\n'),  # for the spec parser, which agrees
    ],
)
def test_an_edit_read_again_where_it_changed_reads_as_the_whole(
    old_part: str, new_part: str
) -> None:
    lo = _OLD.index(old_part)
    assert _agrees(_OLD, lo, lo + len(old_part), new_part) or new_part == ""


def test_a_text_for_the_spec_parser_is_read_again_in_part() -> None:
    # A quoted bracket sends every read of the text to the spec parser too: the part read
    # again is still the part, and the spec parser's reading of the whole is asked.
    old = _OLD.replace('"A title"', '"A [bracketed] title"')
    lo = old.index("  - two")
    asked: list[str] = []

    def verdict(text: str) -> Any:
        asked.append(text)
        return spec_verdict(text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_quick, "spec_verdict", verdict)
        assert _agrees(old, lo, lo, "  - zero\n")
    new = old[:lo] + "  - zero\n" + old[lo:]
    assert asked == [old, new, new]  # the load, the part, the whole read that checks it


@pytest.mark.parametrize(
    ("old_part", "new_part"),
    [
        ("quality: 70\n", "category: again\n"),  # a key defined twice
        ("quality: 70\n", "quality: [1]\n"),  # a flow collection: the spec parser decides
        ("  - two\n", "- two\n"),  # a list item at its key's column
        ("  - two\n", "    - two\n"),  # deeper than the item before
        ("empty:\n", "  empty:\n"),  # an entry moved under the one before
        ('title: "A title"  # kept\n', 'title: "open\n'),  # a quote left open
        ("published: true\n", "published: true\n---\n"),  # what looks like a fence
    ],
)
def test_an_edit_the_part_cannot_tell_is_read_whole(old_part: str, new_part: str) -> None:
    lo = _OLD.index(old_part)
    view = quick_view(_OLD, 0)
    assert view is not None
    new = _OLD[:lo] + new_part + _OLD[lo + len(old_part) :]
    found = rescan(view, _OLD, new, lo, lo + len(old_part))
    full = quick_view(new, 0)
    if found is not None:
        assert full is not None
        _same_view(found, full)
    else:
        # Read whole, it is refused or read another way; either way not by the part alone.
        assert full is None or full.event_source is not None


def test_the_node_limit_sends_a_long_text_to_the_whole_read() -> None:
    limits = Limits(max_nodes=40)  # above its nodes, below twice its length
    view = quick_view(_OLD, 0, limits)
    assert view is not None
    new = _OLD.replace("quality: 70", "quality: 71")
    lo = _OLD.index("quality")
    assert rescan(view, _OLD, new, lo, lo + len("quality: 70"), limits) is None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(_OLD)),
    st.integers(0, 40),
    st.lists(st.sampled_from(_TOKENS), max_size=8),
)
def test_random_replacements_read_again_as_the_whole(
    at: int, length: int, tokens: list[str]
) -> None:
    _agrees(_OLD, at, min(len(_OLD), at + length), "".join(tokens))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=30),
    st.integers(0, 400),
    st.integers(0, 20),
    st.lists(st.sampled_from(_TOKENS), max_size=6),
)
def test_random_texts_read_again_as_the_whole(
    old_tokens: list[str], at: int, length: int, tokens: list[str]
) -> None:
    old = "".join(old_tokens)
    at = min(at, len(old))
    _agrees(old, at, min(len(old), at + length), "".join(tokens))


_PROGRAMS = [
    '.topics |= (if index(["AI"]) then . else . + ["AI"] end)',
    "if .quality > 50 then .published = true else . end",
    ".publishedDateTime = .publishDateTime | del(.publishDateTime)",
    'del(.images) | .category = "blog"',
    '.title |= gsub("  +"; " ") + "!"',
    '.provider.name = "Someone else" | .zzz = {"a": [1, "b"]}',
]


def _edit_both_ways(path: Path, program: jqprogram.Program, monkeypatch: Any) -> None:
    """Edit ``path`` with the part read again and with the whole read again: the same
    text, data and problems, and the part agrees with the whole where it tells."""
    told: list[bool] = []
    quick_reread = _edit._quick_reread

    def checked(*args: Any) -> Any:
        found = quick_reread(*args)
        told.append(found is not None)
        if found is not None:
            full = quick_read(args[1])
            assert full is not None
            assert found[0] == full[0]
            _same_view(found[1], full[1])
        return found

    monkeypatch.setattr(_edit, "_quick_reread", checked)
    by_part = load(path)
    try:
        by_part.apply(program.bind(path=str(path)), copy=False)
    except Exception as exc:  # the same refusal the whole read gives
        by_whole = load(path)
        monkeypatch.setattr(_edit, "_quick_reread", lambda *args: None)
        with pytest.raises(type(exc)):
            by_whole.apply(program.bind(path=str(path)), copy=False)
        return
    finally:
        monkeypatch.setattr(_edit, "_quick_reread", quick_reread)
    monkeypatch.setattr(_edit, "_quick_reread", lambda *args: None)
    by_whole = load(path)
    by_whole.apply(program.bind(path=str(path)), copy=False)
    monkeypatch.setattr(_edit, "_quick_reread", quick_reread)
    assert by_part.dumps() == by_whole.dumps()
    assert by_part.data == by_whole.data
    assert by_part.problems == by_whole.problems


@pytest.mark.parametrize("source", _PROGRAMS)
def test_real_files_edit_the_same_read_again_in_part(
    corpus: list[Path], source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = jqprogram.compile(source)
    for path in corpus[::7]:
        _edit_both_ways(path, program, monkeypatch)


def test_an_edit_of_a_file_read_on_the_quick_path_reads_only_its_part_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\n" + _OLD + "---\nbody\n", encoding="utf-8")
    read: list[int] = []
    real_scan = _quick._scan

    def counted(text: str, *args: Any) -> Any:
        read.append(len(text))
        return real_scan(text, *args)

    monkeypatch.setattr("newsmeta._quick._scan", counted)
    document = load(path)
    document.append("topics", "three")
    data = document.data
    assert isinstance(data, dict)
    assert data["topics"] == ["one", "two", "three"]
    assert read[0] == len(_OLD)  # the load read it all
    assert read[1] < len(_OLD) // 2  # the edit read its part again
    document.save()
    assert load(path).data == document.data
