"""The front-matter split is lossless and finds the fences exactly."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsmeta._frontmatter import FenceError, Split, split_front_matter


@pytest.mark.parametrize(
    ("text", "yaml", "body"),
    [
        ("---\na: 1\n---\n\n", "a: 1\n", "\n"),
        ("---\r\na: 1\r\n---\r\nbody\r\n", "a: 1\r\n", "body\r\n"),
        ("\ufeff---\na: 1\n---\n", "a: 1\n", ""),
        ("---\na: 1\n---", "a: 1\n", ""),
        ("---\n---\n", "", ""),
        ("---\na: 1\n---\ntext\n---\nmore\n", "a: 1\n", "text\n---\nmore\n"),
        ("---\na: 1\n...\n---\n", "a: 1\n...\n", ""),
    ],
)
def test_split_finds_fences_and_joins_back_exactly(text: str, yaml: str, body: str) -> None:
    split = split_front_matter(text)
    assert isinstance(split, Split)
    assert split.yaml == yaml
    assert split.body == body
    assert split.join() == text
    assert text[split.yaml_start : split.yaml_start + len(yaml)] == yaml


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "fence-open-missing"),
        ("title: x\n---\n", "fence-open-missing"),
        ("----\na: 1\n---\n", "fence-open-missing"),
        (" ---\na: 1\n---\n", "fence-open-missing"),
        ("\n---\na: 1\n---\n", "fence-open-missing"),
        ("---\na: 1\n", "fence-close-missing"),
        ("---\na: 1\n...\n", "fence-close-missing"),
        ("---\na: 1\n----\n", "fence-close-missing"),
    ],
)
def test_split_reports_bad_fences(text: str, code: str) -> None:
    result = split_front_matter(text)
    assert isinstance(result, FenceError)
    assert result.code == code


def test_crlf_file_reports_crlf_newline() -> None:
    split = split_front_matter("---\r\na: 1\r\n---\r\n")
    assert isinstance(split, Split)
    assert split.newline == "\r\n"


@given(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60),
    st.text(max_size=60),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_split_is_lossless_for_any_content(yaml: str, body: str, nl: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + "---" + nl + yaml + nl + "---" + nl + body
    split = split_front_matter(text)
    assert isinstance(split, Split)
    assert split.join() == text


#: The fence rule as a regular expression: the first line that is exactly ``---``.
_CLOSING_FENCE = re.compile(r"^---(\r?\n|\Z)", re.MULTILINE)


@given(st.text(alphabet="-\r\n a.", max_size=40), st.sampled_from(["\n", "\r\n"]))
@example("--- \n---\n", "\n")
@example("a\r\n---\t\r\n---", "\r\n")
def test_the_closing_fence_is_the_first_line_that_is_exactly_three_dashes(
    rest: str, nl: str
) -> None:
    text = "---" + nl + rest
    split = split_front_matter(text)
    match = _CLOSING_FENCE.search(text, 3 + len(nl))
    if match is None:
        assert isinstance(split, FenceError)
        return
    if _SPACED_FENCE.search(text, 3 + len(nl), match.start()) is not None:
        # A line of dashes and trailing spaces before it is the closing fence mistyped.
        assert isinstance(split, FenceError)
        assert split.code == "fence-close-missing"
        return
    assert isinstance(split, Split)
    assert split.closing_start == match.start()
    assert split.closing == match.group(0)


#: The spaced-fence rule as a regular expression: a line of ``---`` and spaces or tabs.
_SPACED_FENCE = re.compile(r"^---[ \t]+(?=\r?\n|\Z)", re.MULTILINE)


_FENCE_LIKE_LINES = ("---", "--- ", "---\t", "--- \t ", "---\r", "----", " ---", "a", "", "-")


@given(
    st.lists(st.sampled_from(_FENCE_LIKE_LINES), max_size=8),
    st.lists(st.sampled_from(["\n", "\r\n"]), min_size=8, max_size=8),
    st.booleans(),
)
def test_a_spaced_fence_before_the_closing_one_is_reported_where_it_is(
    lines: list[str], ends: list[str], last_ended: bool
) -> None:
    rest = "".join(line + end for line, end in zip(lines, ends, strict=False))
    text = "---" + ends[0] + (rest if last_ended else rest.rstrip("\r\n"))
    nl = ends[0]
    split = split_front_matter(text)
    closing = _CLOSING_FENCE.search(text, 3 + len(nl))
    if closing is None:
        assert isinstance(split, FenceError)
        return
    spaced = _SPACED_FENCE.search(text, 3 + len(nl), closing.start())
    if spaced is None:
        assert isinstance(split, Split)
        return
    line = spaced.group(0).rstrip("\r\n")
    assert split == FenceError(
        "fence-close-missing",
        f"The closing fence {line!r} has trailing spaces; it must be exactly '---'.",
        spaced.start(),
        spaced.start() + len(line),
    )


@pytest.mark.parametrize(
    ("text", "words", "start"),
    [
        ("", "empty", 0),
        ("\n---\na: 1\n---\n", "blank line", 0),
        (" ---\na: 1\n---\n", "spaces", 0),
        ("----\na: 1\n---\n", "exactly three dashes", 0),
        ("---\na: 1\n----\n", "'----' is not exactly", 9),
        ("---\na: 1\n...\n", "'...' is not exactly", 9),
        # A file that is the opening fence alone, without a line ending: nothing is spaced.
        ("---", "never closed", 0),
        ("---\r", "never closed", 0),
        ("\ufeff---", "never closed", 1),
    ],
)
def test_fence_messages_say_what_is_wrong_and_where(text: str, words: str, start: int) -> None:
    result = split_front_matter(text)
    assert isinstance(result, FenceError)
    assert words in result.message
    assert result.start == start
