"""Where a cursor is in an article's front matter: on a key, on a value, in a list item.

Two ways to find out, both pure (no LSP library):

- :meth:`newsmeta.Document.locate` walks the parsed front matter of a document that
  parses;
- :func:`cursor_at` reads the lines around the cursor and their indentation, so it also
  works on the half-typed, unparsable text an editor holds most of the time. It
  understands block style (``key: value`` lines, ``- `` items, nested by indentation),
  which is what articles are written in; inside a flow collection it gives up.

Indices are character indices into the whole text (see :mod:`newsmeta.lsp.positions`).
"""

from __future__ import annotations

import re
from typing import Final, Literal

import attrs

from newsmeta.document import front_matter_span

__all__ = ["Cursor", "Line", "cursor_at"]

Part = str | int

# A block line: indentation, an optional list dash, an optional `key:`, and the rest.
_LINE: Final = re.compile(
    r"(?P<indent> *)"
    r"(?:(?P<dash>-)(?: +|$))?"
    r"(?:(?P<key>\"[^\"\n]*\"|'[^'\n]*'|[^\s:#'\"\[\]{},&*!|>%@`-][^\n:#]*?|-[^\s:#][^\n:#]*?)"
    r"[ \t]*:(?: +|\t|$))?"
    r"(?P<rest>.*)"
)
_WORD: Final = re.compile(r"[A-Za-z0-9_]*")


@attrs.frozen
class Line:
    """One block-style line of front matter, as far as its indentation tells."""

    start: int
    text: str
    #: Column of the list dash, or -1.
    dash: int
    #: Column where the line's content (a key, or an item's value) starts.
    column: int
    #: The key the line starts (quotes removed), or None.
    key: str | None
    #: What follows ``key:`` (or the item's dash) on the line, comment included.
    rest: str

    @property
    def blank(self) -> bool:
        """True for a line with nothing but spaces or a comment."""
        stripped = self.text.strip()
        return not stripped or stripped.startswith("#")

    @property
    def opens_block(self) -> bool:
        """True for ``key:`` with no value on its line (a block mapping or list follows)."""
        rest = self.rest.strip()
        return self.key is not None and (not rest or rest.startswith("#"))


def _parse_line(start: int, text: str) -> Line:
    match = _LINE.match(text)
    assert match is not None  # every group is optional
    indent = len(match.group("indent"))
    dash = indent if match.group("dash") else -1
    key = match.group("key")
    if key is not None and key[:1] in "\"'":
        key = key[1:-1]
    column = match.start("key") if key is not None else match.start("rest")
    return Line(start, text, dash, column, key, match.group("rest"))


class _Lines:
    """The front matter's lines, parsed on demand."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.starts: list[int] = []
        pos = start
        while pos <= end:
            self.starts.append(pos)
            newline = text.find("\n", pos, end)
            if newline < 0:
                break
            pos = newline + 1
        self.end = end
        self._cache: dict[int, Line] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, number: int) -> Line:
        line = self._cache.get(number)
        if line is None:
            start = self.starts[number]
            stop = self.starts[number + 1] if number + 1 < len(self.starts) else self.end
            content = self.text[start:stop].rstrip("\r\n")
            line = self._cache[number] = _parse_line(start, content)
        return line

    def number_of(self, index: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(self.starts, index) - 1)


@attrs.frozen
class Cursor:
    """What the cursor is on.

    ``kind`` is ``key`` (typing a key: ``parts`` is the mapping it goes into), ``value``
    (after ``key:``; ``key`` names it and ``parts`` is its mapping), ``item`` (after a
    list dash; ``parts`` is the list) or ``none``. ``word`` is the span of what was typed
    so far, to be replaced by a completion. ``present`` holds the keys the mapping already
    has (block lines above and below the cursor). ``column`` is the column of keys in the
    mapping (or of the item's dash).
    """

    kind: Literal["key", "value", "item", "none"]
    parts: tuple[Part, ...] = ()
    key: str | None = None
    word: tuple[int, int] = (0, 0)
    present: frozenset[str] = frozenset()
    column: int = 0
    #: The line of the cursor starts with a list dash.
    dashed: bool = False


_NOWHERE: Final = Cursor("none")


def cursor_at(text: str, index: int) -> Cursor:
    """What the cursor at ``index`` is on, read from the block-style lines around it."""
    span = front_matter_span(text)
    if span is None or not span[0] <= index <= span[1]:
        return _NOWHERE
    lines = _Lines(text, *span)
    number = lines.number_of(index)
    line = lines[number]
    col = index - line.start
    if col > len(line.text):
        return _NOWHERE
    head = _parse_line(line.start, line.text[:col])
    tail_word = _WORD.match(line.text, col)
    word_end = line.start + (tail_word.end() if tail_word else col)
    if head.key is None:
        typed = head.rest
        if "#" in typed:
            return _NOWHERE
        if head.dash >= 0 and _parent_is_list(lines, number, head.dash):
            parts = _list_parts(lines, number, head.dash)
            if parts is None:
                return _NOWHERE
            return Cursor(
                "item",
                parts,
                word=(line.start + head.column, line.start + len(line.text.rstrip())),
                column=head.dash,
                dashed=True,
            )
        if _WORD.fullmatch(typed) is None:
            return _NOWHERE
        found = _mapping_of(lines, number, head.column, head.dash)
        if found is None:
            return _NOWHERE
        parts, present = found
        return Cursor(
            "key",
            parts,
            word=(index - len(typed), max(index, word_end)),
            present=present - {typed},
            column=head.column,
            dashed=head.dash >= 0,
        )
    found = _mapping_of(lines, number, head.column, head.dash)
    if found is None:
        return _NOWHERE
    parts, present = found
    value_start = line.start + _rest_start(head)
    value_text = line.text[_rest_start(head) :]
    comment = re.search(r"(^|\s)#", value_text)
    value_end = value_start + (comment.start() if comment else len(value_text.rstrip()))
    return Cursor(
        "value",
        parts,
        key=head.key,
        word=(value_start, max(value_end, index)),
        present=present,
        column=head.column,
        dashed=head.dash >= 0,
    )


def _rest_start(line: Line) -> int:
    return len(line.text) - len(line.rest)


def _parent_is_list(lines: _Lines, number: int, dash: int) -> bool:
    """Whether a dash at column ``dash`` on line ``number`` starts a scalar list item
    rather than the first key of a mapping item (``- url: ...``)."""
    line = lines[number]
    return line.key is None or line.dash != dash


def _mapping_of(
    lines: _Lines, number: int, column: int, dash: int
) -> tuple[tuple[Part, ...], frozenset[str]] | None:
    """The path of the mapping whose keys sit at ``column`` on line ``number``, and the
    keys it already has. ``dash`` is the column of a dash on that line (-1: none)."""
    present: set[str] = set()
    own = lines[number]
    if own.key is not None and own.column == column:
        present.add(own.key)
    # Siblings below, up to the end of the mapping (or of the list item).
    for below in range(number + 1, len(lines)):
        line = lines[below]
        if line.blank:
            continue
        if line.column < column or (line.dash >= 0 and line.column <= column):
            break
        if line.column == column and line.key is not None:
            present.add(line.key)
    if dash >= 0:
        parts = _list_parts(lines, number, dash)
        if parts is None:
            return None
        return (*parts, _item_index(lines, number, dash)), frozenset(present)
    # Siblings above, then the key that opens the mapping.
    for above in range(number - 1, -1, -1):
        line = lines[above]
        if line.blank or line.column > column:
            continue
        if line.column == column:
            if line.key is not None:
                present.add(line.key)
            if line.dash >= 0:
                parts = _list_parts(lines, above, line.dash)
                if parts is None:
                    return None
                return (*parts, _item_index(lines, above, line.dash)), frozenset(present)
            continue
        if not line.opens_block:
            return None
        outer = _mapping_of(lines, above, line.column, line.dash)
        if outer is None:
            return None
        assert line.key is not None
        return (*outer[0], line.key), frozenset(present)
    return ((), frozenset(present)) if column == 0 else None


def _list_parts(lines: _Lines, number: int, dash: int) -> tuple[Part, ...] | None:
    """The path of the list whose items have their dash at column ``dash``."""
    for above in range(number - 1, -1, -1):
        line = lines[above]
        if line.blank or line.column > dash or (line.dash == dash):
            continue
        if line.column < dash or (line.column == dash and line.dash < 0):
            if not line.opens_block:
                return None
            outer = _mapping_of(lines, above, line.column, line.dash)
            if outer is None:
                return None
            assert line.key is not None
            return (*outer[0], line.key)
    return None


def _item_index(lines: _Lines, number: int, dash: int) -> int:
    """How many items of the same list come before the one on line ``number``."""
    count = 0
    for above in range(number - 1, -1, -1):
        line = lines[above]
        if line.blank or line.column > dash:
            continue
        if line.dash == dash:
            count += 1
            continue
        break
    return count
