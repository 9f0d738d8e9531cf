"""Positions across the language-server edge: newsmeta's 1-based code points against LSP's
0-based UTF-16 (or UTF-8, UTF-32) code units, lines ending at \\n, \\r\\n or a bare \\r.

Expected positions are computed here independently of the module under test: by encoding
each line's prefix and counting code units.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsmeta
from newsmeta.lsp.positions import TextMap, apply_change

_BREAK = re.compile(r"\r\n|\r|\n")
_UNIT = {"utf-16": ("utf-16-le", 2), "utf-8": ("utf-8", 1), "utf-32": ("utf-32-le", 4)}


def lsp_position(text: str, index: int, encoding: str = "utf-16") -> tuple[int, int]:
    """The LSP position of ``index``, the slow and obvious way."""
    line_start = 0
    line = 0
    for match in _BREAK.finditer(text):
        if match.end() > index:
            break
        line += 1
        line_start = match.end()
    codec, width = _UNIT[encoding]
    prefix = text[line_start:index].rstrip("\r")
    return line, len(prefix.encode(codec, "surrogatepass")) // width


EMOJI_LINE = '---\ntitle: "🍒🍒 Cherries"\ntopics: ["🍒", 5]\n---\n'


def test_a_problem_after_non_bmp_characters_is_shifted_by_their_second_units() -> None:
    doc = newsmeta.loads(EMOJI_LINE)
    problem = next(p for p in doc.problems if p.pointer == "/topics/1")
    assert (problem.line, problem.column) == (3, 15)  # code points, 1-based
    lines = TextMap(EMOJI_LINE)
    start, end = lines.problem_range(
        problem.line, problem.column, problem.end_line, problem.end_column
    )
    # 0-based; the cherry before it counts two UTF-16 units.
    assert start == (2, 15)
    assert end == (2, 16)
    assert start == lsp_position(EMOJI_LINE, EMOJI_LINE.index("5]"))


@pytest.mark.parametrize(("encoding", "column"), [("utf-16", 15), ("utf-8", 17), ("utf-32", 14)])
def test_every_position_encoding_counts_its_own_units(encoding: str, column: int) -> None:
    lines = TextMap(EMOJI_LINE, encoding)
    index = EMOJI_LINE.index("5]")
    assert lines.to_lsp(index) == (2, column)
    assert lines.from_lsp(2, column) == index


def test_a_position_inside_a_surrogate_pair_means_the_character_it_splits() -> None:
    lines = TextMap(EMOJI_LINE)
    cherry = EMOJI_LINE.index("🍒")
    assert lines.from_lsp(1, 8) == cherry
    assert lines.from_lsp(1, 9) == cherry  # between the two units of the first cherry
    assert lines.from_lsp(1, 10) == cherry + 1


def test_unicode_line_separators_are_not_lsp_line_breaks() -> None:
    text = "---\ntitle: a\u2028b\x85c\x0cd\nquality: x\n---\n"
    lines = TextMap(text)
    assert lines.line_count == 5
    assert lines.to_lsp(text.index("x")) == (2, 9)
    assert lines.from_lsp(2, 9) == text.index("x")


def test_a_bare_carriage_return_is_an_lsp_line_break_but_not_a_newsmeta_one() -> None:
    text = "---\ntitle: a\rquality: x\n---\n"
    doc = newsmeta.loads(text)
    assert any(p.code == "line-ending-bare-cr" for p in doc.problems)
    lines = TextMap(text)
    # newsmeta's line 2 column 9 is the '\r'; in LSP it is the end of line 1.
    assert lines.to_lsp(lines.from_problem(2, 9)) == (1, 8)
    assert lines.to_lsp(lines.from_problem(2, 10)) == (2, 0)
    assert lines.to_lsp(text.index("quality")) == (2, 0)


def test_crlf_counts_once_and_positions_never_land_between_its_characters() -> None:
    text = "---\r\ntitle: a\r\n---\r\n"
    lines = TextMap(text)
    assert lines.to_lsp(text.index("\r\n", 5) + 1) == (1, 8)  # the '\n' of line 1
    assert lines.from_lsp(1, 99) == text.index("\r\n", 5)
    assert lines.line_text(1) == "title: a"


def test_a_byte_order_mark_is_not_a_newsmeta_column_but_is_an_lsp_character() -> None:
    text = "\ufeff---\ntitle: 1\n---\n"
    doc = newsmeta.loads("\ufefftitle: 1\n")
    problem = doc.problems[0]
    assert (problem.line, problem.column) == (1, 1)
    lines = TextMap(text)
    assert lines.from_problem(1, 1) == 1
    assert lines.to_lsp(1) == (0, 1)


def test_out_of_range_positions_are_clamped_never_raised() -> None:
    lines = TextMap("ab\ncd")
    assert lines.from_lsp(-1, 5) == 0
    assert lines.from_lsp(9, 0) == 5
    assert lines.from_lsp(0, -3) == 0
    assert lines.to_lsp(99) == (1, 2)
    assert lines.from_problem(0, 0) == 0
    assert lines.from_problem(99, 99) == 5


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="encoding"):
        TextMap("", "utf-7")


_TEXT = st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\r", "é", "🍒", "\u2028", "\ufeff", "-"]),
    max_size=60,
)


@given(_TEXT, st.data(), st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_to_lsp_matches_the_slow_count_and_from_lsp_inverts_it(
    text: str, data: st.DataObject, encoding: str
) -> None:
    index = data.draw(st.integers(0, len(text)))
    lines = TextMap(text, encoding)
    position = lines.to_lsp(index)
    assert position == lsp_position(text, index, encoding)
    back = lines.from_lsp(*position)
    inside_crlf = 0 < index < len(text) and text[index - 1 : index + 1] == "\r\n"
    assert back == (index - 1 if inside_crlf else index)


@given(_TEXT, st.data())
def test_apply_change_replaces_exactly_the_range(text: str, data: st.DataObject) -> None:
    lines = TextMap(text)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    if any(0 < i < len(text) and text[i - 1 : i + 1] == "\r\n" for i in (a, b)):
        return  # not a position a client can name
    new = data.draw(st.text(max_size=5))
    changed = apply_change(lines, lines.to_lsp(a), lines.to_lsp(b), new)
    assert changed == text[:a] + new + text[b:]
