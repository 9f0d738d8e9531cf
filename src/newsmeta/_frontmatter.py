"""Lossless split of an article's text into BOM, fences, YAML text and body.

Nothing here parses YAML. The pieces always join back to the exact input:
``bom + opening + yaml + closing + body == text``.

Fence rules (documented in the format reference):

- the first line, after an optional U+FEFF byte-order mark, is exactly ``---``;
- the front matter ends at the next line that is exactly ``---``;
- ``...`` does *not* close the front matter: site generators disagree (Jekyll accepts it,
  others do not), so one strict rule keeps files portable; inside the front matter it is
  a YAML document-end marker, and a ``...`` line where the closing fence should be is
  reported there.

A line ending is ``\\n`` or ``\\r\\n``; lines are split on ``\\n`` only.
"""

from __future__ import annotations

import re
from typing import Final

from newsmeta._records import FrozenRecord

__all__ = ["FenceError", "Split", "split_front_matter"]

BOM: Final = "\ufeff"
# Lines that look like a fence but are not one: '----', ' ---', '--- ', '...'.
_NEAR_FENCE: Final = re.compile(r"^(?:[ \t]*-{3,}[ \t]*|\.\.\.[ \t]*)(?:\r?\n|\Z)", re.MULTILINE)

_set = object.__setattr__

_NEVER_CLOSED: Final = "The opening '---' fence is never closed by a line that is exactly '---'."


def _why_not_opening(first_line: str) -> str:
    """A message saying how the first line fails to be the opening fence."""
    line = first_line.rstrip("\r")
    stripped = line.strip()
    if not stripped:
        return "The file starts with a blank line; '---' must be the very first line."
    if stripped.startswith("---") and set(stripped) == {"-"}:
        if stripped != "---":
            return f"The first line is {stripped!r}; the opening fence is exactly three dashes."
        return "The opening '---' fence has spaces around it; it must be exactly '---'."
    return "The first line must be exactly '---' to open the front matter."


class Split(FrozenRecord):
    """The pieces of an article's text; they join back to it exactly."""

    __slots__ = ("body", "bom", "closing", "opening", "yaml")
    _fields = ("bom", "opening", "yaml", "closing", "body")
    bom: str
    opening: str
    yaml: str
    closing: str
    body: str

    def __init__(self, bom: str, opening: str, yaml: str, closing: str, body: str) -> None:
        _set(self, "bom", bom)
        _set(self, "opening", opening)
        _set(self, "yaml", yaml)
        _set(self, "closing", closing)
        _set(self, "body", body)

    @property
    def yaml_start(self) -> int:
        """Index in the whole text of the first character of the YAML text."""
        return len(self.bom) + len(self.opening)

    @property
    def closing_start(self) -> int:
        """Index in the whole text of the closing fence."""
        return self.yaml_start + len(self.yaml)

    @property
    def newline(self) -> str:
        """The line ending the file uses, judged by its opening fence."""
        return "\r\n" if self.opening.endswith("\r\n") else "\n"

    def join(self, yaml: str | None = None) -> str:
        """Return the whole text, with the YAML text replaced when ``yaml`` is given."""
        return "".join(
            (self.bom, self.opening, self.yaml if yaml is None else yaml, self.closing, self.body)
        )


class FenceError(FrozenRecord):
    """Why the text could not be split: ``code`` is a problem code, ``start``/``end`` indices."""

    __slots__ = ("code", "end", "message", "start")
    _fields = ("code", "message", "start", "end")
    code: str
    message: str
    start: int
    end: int

    def __init__(self, code: str, message: str, start: int, end: int) -> None:
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "start", start)
        _set(self, "end", end)


def split_front_matter(text: str) -> Split | FenceError:
    """Split ``text`` at its front-matter fences, or say why it cannot be split."""
    bom = BOM if text.startswith(BOM) else ""
    pos = len(bom)
    if text.startswith("---\r\n", pos):
        opening = "---\r\n"
    elif text.startswith("---\n", pos):
        opening = "---\n"
    elif text[pos:] in ("---", "---\r"):
        # The opening fence alone, with no line after it: nothing closes it.
        return FenceError("fence-close-missing", _NEVER_CLOSED, pos, pos + 3)
    else:
        first_line_end = text.find("\n", pos)
        end = len(text) if first_line_end < 0 else first_line_end
        message = (
            _why_not_opening(text[pos:end])
            if len(text) > pos
            else "The file is empty; an article starts with a '---' line."
        )
        return FenceError("fence-open-missing", message, pos, max(end, pos))
    yaml_start = pos + len(opening)
    closing = _find_closing_fence(text, yaml_start)
    if closing is None:
        near = _NEAR_FENCE.search(text, yaml_start)
        if near is not None:
            # Point at the line that was probably meant to close the front matter.
            line = near.group(0).rstrip("\r\n")
            return FenceError(
                "fence-close-missing",
                f"The front matter is never closed: {line!r} is not exactly '---'.",
                near.start(),
                near.start() + len(line),
            )
        return FenceError("fence-close-missing", _NEVER_CLOSED, pos, pos + 3)
    closing_start, closing_end = closing
    spaced = _spaced_fence(text, yaml_start, closing_start)
    if spaced is not None:
        # `--- ` closes nothing: it would start a second YAML document, and the front
        # matter would run on to a later `---` (often a rule in the body).
        start, end = spaced
        return FenceError(
            "fence-close-missing",
            f"The closing fence {text[start:end]!r} has trailing spaces; it must be exactly '---'.",
            start,
            end,
        )
    return Split(
        bom=bom,
        opening=opening,
        yaml=text[yaml_start:closing_start],
        closing=text[closing_start:closing_end],
        body=text[closing_end:],
    )


def _spaced_fence(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the first line in ``text[start:end]`` that is ``---`` and spaces or tabs
    (at least one), without its line ending; ``text[start - 1]`` is a newline.

    str.find for the same reason as :func:`_find_closing_fence`: a multi-line regular
    expression tries every character of the front matter, at a few times the cost.
    """
    newline = start - 1
    while True:
        newline = text.find("\n---", newline, end)
        if newline < 0:
            return None
        fence = newline + 1
        after = stop = fence + 3
        while stop < end and text[stop] in " \t":
            stop += 1
        if stop > after and (
            stop == end or text[stop] == "\n" or text.startswith("\r\n", stop, end)
        ):
            return fence, stop
        newline = after


def _find_closing_fence(text: str, yaml_start: int) -> tuple[int, int] | None:
    """The span of the first line from ``yaml_start`` on that is exactly ``---``, with its
    line ending; ``text[yaml_start - 1]`` is the newline of the opening fence."""
    # str.find rather than a multi-line regular expression: this runs on every file, and
    # the search for a literal is several times faster.
    newline = yaml_start - 1
    while True:
        newline = text.find("\n---", newline)
        if newline < 0:
            return None
        start = newline + 1
        after = start + 3
        if after == len(text) or text[after] == "\n":
            return start, min(after + 1, len(text))
        if text.startswith("\r\n", after):
            return start, after + 2
        newline = after
