"""Positions across the language-server edge: the one place where they are converted.

newsmeta and the Language Server Protocol count positions differently:

- a :class:`~newsmeta.problems.Problem` has 1-based lines that end at ``\\n`` (a ``\\r\\n``
  ends one line, a bare ``\\r`` does not) and 1-based columns in code points, where a
  byte-order mark at the start of the file is not a column;
- LSP has 0-based lines that end at ``\\n``, ``\\r\\n`` or a bare ``\\r`` (and at nothing
  else: U+2028, U+0085 and form feeds are characters like any other), and 0-based
  characters counted in the code units of the negotiated encoding: UTF-16 by default, so
  a character outside the Basic Multilingual Plane (an emoji) counts two.

Everything that crosses the edge goes through a :class:`TextMap` of the text it refers to,
by way of a character index into that text. Nothing here imports the LSP libraries, so it
is tested on its own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Final

__all__ = ["ENCODINGS", "TextMap", "apply_change"]

#: The position encodings the server can speak, by their LSP names.
ENCODINGS: Final = ("utf-16", "utf-8", "utf-32")

_LSP_BREAK: Final = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-16":
        # Lone surrogates (text that came from undecodable bytes) count one unit each.
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


def _char_width(char: str, encoding: str) -> int:
    code = ord(char)
    if encoding == "utf-32" or code < 0x80:
        return 1
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    return 2 if code < 0x800 else (3 if code < 0x10000 else 4)


class TextMap:
    """Converts between character indices into ``text`` and the positions of both sides.

    ``encoding`` is the negotiated LSP position encoding (one of :data:`ENCODINGS`). Every
    method clamps what it is given to the text, so a stale or hostile position from a
    client never raises.
    """

    __slots__ = ("_lib_starts", "_starts", "encoding", "text")

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown position encoding {encoding!r}")
        self.text = text
        self.encoding = encoding
        self._starts = self._line_starts(text, lsp=True)
        self._lib_starts: list[int] | None = None if "\r" in text else self._starts

    @staticmethod
    def _line_starts(text: str, *, lsp: bool) -> list[int]:
        if lsp and "\r" in text:
            return [0, *(match.end() for match in _LSP_BREAK.finditer(text))]
        # Each line starts one past the end of the one before: summed in C, as this runs
        # for every version of a document the client sends.
        lines = text.split("\n")
        lines.pop()
        return [0, *itertools.accumulate(map((1).__add__, map(len, lines)))]

    @property
    def line_count(self) -> int:
        """The number of LSP lines (an empty last line after a final break counts)."""
        return len(self._starts)

    def line_text(self, line: int) -> str:
        """The text of LSP line ``line`` without its line break ('' past the end)."""
        if not 0 <= line < len(self._starts):
            return ""
        start = self._starts[line]
        end = self._starts[line + 1] if line + 1 < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_start(self, line: int) -> int:
        """The index of the first character of LSP line ``line`` (clamped)."""
        line = max(0, min(line, len(self._starts) - 1))
        return self._starts[line]

    # --- LSP ----------------------------------------------------------------------------------

    def to_lsp(self, index: int) -> tuple[int, int]:
        """The LSP ``(line, character)`` of character ``index`` (clamped to the text)."""
        index = max(0, min(index, len(self.text)))
        line = bisect.bisect_right(self._starts, index) - 1
        segment = self.text[self._starts[line] : index]
        # An index between the \r and \n of one line break is the end of the line.
        return line, _units(segment.rstrip("\r"), self.encoding)

    def from_lsp(self, line: int, character: int) -> int:
        """The character index of the LSP position ``(line, character)``.

        A line past the end gives the end of the text; a character past the end of its
        line gives the end of the line (as the protocol says); a character in the middle
        of a character's code units gives the start of that character.
        """
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        start = self._starts[line]
        content = self.line_text(line)
        if character <= 0:
            return start
        if self.encoding == "utf-32" or content.isascii():
            return start + min(character, len(content))
        units = 0
        for offset, char in enumerate(content):
            units += _char_width(char, self.encoding)
            if units > character:
                return start + offset
        return start + len(content)

    # --- newsmeta ------------------------------------------------------------------------------

    def from_problem(self, line: int, column: int) -> int:
        """The character index of a problem's 1-based ``line`` and ``column``."""
        starts = self._lib_starts
        if starts is None:
            starts = self._lib_starts = self._line_starts(self.text, lsp=False)
        line = max(1, min(line, len(starts)))
        start = starts[line - 1]
        offset = max(0, column - 1)
        if line == 1 and self.text.startswith("\ufeff"):
            offset += 1  # the mark is not a column (see newsmeta._check.LineIndex)
        return min(start + offset, len(self.text))

    def problem_range(
        self, line: int, column: int, end_line: int, end_column: int
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """A problem's span as the LSP ``((line, character), (line, character))``."""
        start = self.from_problem(line, column)
        end = max(start, self.from_problem(end_line, end_column))
        return self.to_lsp(start), self.to_lsp(end)


def apply_change(lines: TextMap, start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    """The text ``lines`` maps with the LSP range ``start``..``end`` replaced by ``new``
    (a didChange)."""
    text = lines.text
    first = lines.from_lsp(*start)
    last = max(first, lines.from_lsp(*end))
    return text[:first] + new + text[last:]
