"""Why the YAML could not be read, in words a writer understands, located at the cause.

A YAML parser reports where it gave up ("mapping values are not allowed here", at the
second colon of a line), which is often not where the mistake is (an unclosed quote three
lines up). :func:`diagnose` reads the *source text* before and around that position and
recognises the common mistakes:

- a tab in the indentation;
- a quote (``"`` or ``'``) that is never closed, or that swallowed the following lines,
  and text after a closing quote;
- a ``[`` or ``{`` that is never closed;
- a missing space after the ``-`` of a list item or after the ``:`` of a key;
- a ``: `` (or a leading ``@`` or backtick) inside an unquoted value;
- a line indented deeper than a key that already has a value, or to no level above.

Only the text and the reported position are used, never the parser's wording: the parser
may change (or be another one) and the diagnosis stays the same. When nothing is
recognised, :func:`diagnose` returns None and the caller keeps the parser's own words.
"""

from __future__ import annotations

import re
from typing import Final

from newsmeta._records import FrozenRecord

__all__ = ["Diagnosis", "diagnose"]

_set = object.__setattr__


class Diagnosis(FrozenRecord):
    """A plain-words ``message`` and the span it points at (indices into the YAML text)."""

    __slots__ = ("end", "message", "start")
    _fields = ("message", "start", "end")
    message: str
    start: int
    end: int

    def __init__(self, message: str, start: int, end: int) -> None:
        _set(self, "message", message)
        _set(self, "start", start)
        _set(self, "end", end)


class _Line(FrozenRecord):
    __slots__ = ("start", "text")
    _fields = ("start", "text")
    start: int  # index of the line's first character in the YAML text
    text: str  # without its line break (a trailing CR is kept out too)

    def __init__(self, start: int, text: str) -> None:
        _set(self, "start", start)
        _set(self, "text", text)

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def blank(self) -> bool:
        stripped = self.text.strip(" \t")
        return not stripped or stripped.startswith("#")


class _Quoted(FrozenRecord):
    """A quoted scalar: where it opens, where it closes (None: never), and its quote."""

    __slots__ = ("close", "open", "quote")
    _fields = ("open", "close", "quote")
    open: int
    close: int | None
    quote: str

    def __init__(self, open: int, close: int | None, quote: str) -> None:
        _set(self, "open", open)
        _set(self, "close", close)
        _set(self, "quote", quote)


def _lines(yaml: str) -> list[_Line]:
    lines = []
    start = 0
    for raw in yaml.split("\n"):
        lines.append(_Line(start, raw.removesuffix("\r")))
        start += len(raw) + 1
    return lines


def _line_index(lines: list[_Line], index: int) -> int:
    for number in range(len(lines) - 1, -1, -1):
        if lines[number].start <= index:
            return number
    return 0


class _Scan:
    """One pass over the YAML text finding quoted scalars and flow brackets.

    It knows just enough YAML to tell a quote that opens a scalar (at the start of a
    node: after indentation, ``- ``, ``: ``, ``? ``, ``[``, ``{`` or ``,``) from a quote
    inside plain text (``Bob's``), and to skip comments.
    """

    def __init__(self, yaml: str) -> None:
        self.quoted: list[_Quoted] = []
        self.unclosed_flow: list[int] = []
        self._run(yaml)

    def _run(self, yaml: str) -> None:
        flow: list[int] = []
        i, n = 0, len(yaml)
        previous = "\n"  # the last significant character before i on this line
        spaced = True  # whitespace since ``previous``
        plain_run = _PLAIN_RUN.match
        while i < n:
            char = yaml[i]
            if char == "\n":
                previous, spaced = "\n", True
                i += 1
                continue
            if char in " \t\r":
                spaced = True
                i += 1
                continue
            if char == "#" and (spaced or previous == "\n"):
                end = yaml.find("\n", i)
                i = n if end < 0 else end
                continue
            starts_node = previous in "\n[{," or (previous in ":-?" and spaced)
            if char in "\"'" and starts_node:
                close = self._close(yaml, i)
                self.quoted.append(_Quoted(i, close, char))
                if close is None:
                    return
                i = close + 1
                previous, spaced = char, False
                continue
            if char in "[{" and starts_node:
                flow.append(i)
            elif char in "]}" and flow:
                flow.pop()
            previous, spaced = char, False
            i += 1
            # Characters that are none of the above only become ``previous``, one after
            # another: the last of a run of them is all that counts.
            run = plain_run(yaml, i)
            if run is not None:
                previous, i = yaml[run.end() - 1], run.end()
        self.unclosed_flow = flow

    @staticmethod
    def _close(yaml: str, opening: int) -> int | None:
        rest = _DOUBLE_QUOTED_REST if yaml[opening] == '"' else _SINGLE_QUOTED_REST
        closed = rest.match(yaml, opening + 1)
        return None if closed is None else closed.end() - 1


#: Characters that :class:`_Scan` only remembers as the last one seen: no line break,
#: blank, ``#`` (a comment), quote or bracket.
_PLAIN_RUN: Final = re.compile(r"[^\n \t\r#\"'\[\]{}]+")
#: The rest of a double-quoted scalar up to its closing quote (a backslash escapes the
#: character after it, whatever it is), and of a single-quoted one (``''`` is a quote,
#: so the closing quote is one no quote follows). Written without possessive quantifiers,
#: which CPython before 3.11.5 matches wrongly (gh-100061, gh-106052).
_DOUBLE_QUOTED_REST: Final = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SINGLE_QUOTED_REST: Final = re.compile(r"[^']*(?:''[^']*)*'(?!')")


_KEY_LINE: Final = re.compile(
    r"^(?P<lead> *(?:- +)*)(?P<key>[^\s\"'#\-\[\]{},&*!|>%@`][^:#]*?):(?: +|$)"
)
_DASH_NO_SPACE: Final = re.compile(r"^ *(?:- +)*-(?P<next>[^\s\-\d.])")
_COLON_NO_SPACE: Final = re.compile(r"^ *(?:- +)*(?P<key>[A-Za-z_][\w.-]*):(?P<next>[^\s:/])")


#: A line after which deeper lines belong to it: a key without a value (perhaps with an
#: anchor or tag only), a block scalar indicator, or a bare ``-``.
_OPENS_BLOCK: Final = re.compile(r"(?:^\s*-|:)(?:\s+[&!]\S*)*(?:\s+[|>][-+0-9]*)?\s*(?:\s#.*)?$")

#: The characters a backslash may escape in a double-quoted scalar (YAML 1.2, 5.7).
_ESCAPES: Final = frozenset('0abtnvfre "/\\N_LP\txuU\n\r')


def _quote_value(value: str) -> str:
    escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def diagnose(yaml: str, index: int) -> Diagnosis | None:
    """A plain-words diagnosis of a YAML error reported at ``index`` in ``yaml``.

    ``yaml`` is the front-matter text (between the fences); ``index`` is where the parser
    stopped (clamped into the text). Returns None when no common mistake explains it.
    """
    index = max(0, min(index, len(yaml)))
    lines = _lines(yaml)
    reported = _line_index(lines, index)
    # At the end of the text, the line that matters is the last one with content.
    while reported > 0 and lines[reported].blank and index >= lines[reported].start:
        reported -= 1
    scan = _Scan(yaml)
    for check in (_tab, _unclosed_quote, _unclosed_flow, _bad_escape, _dash, _colon,
                  _text_after_quote, _colon_in_value, _indentation):  # fmt: skip
        found = check(yaml, lines, reported, index, scan)
        if found is not None:
            return found
    return None


def _nearby(lines: list[_Line], reported: int, count: int = 2) -> list[int]:
    """The reported line and up to ``count`` content lines before it, nearest first."""
    found = [reported]
    number = reported - 1
    while number >= 0 and len(found) <= count:
        if not lines[number].blank:
            found.append(number)
        number -= 1
    return found


def _inside_quote(scan: _Scan, position: int) -> bool:
    return any(q.open < position and (q.close is None or position <= q.close) for q in scan.quoted)


def _tab(yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan) -> Diagnosis | None:
    for number in _nearby(lines, reported, 1):
        line = lines[number]
        lead = line.text[: len(line.text) - len(line.text.lstrip(" \t"))]
        tab = lead.find("\t")
        if tab >= 0 and not _inside_quote(scan, line.start + tab):
            return Diagnosis(
                "This line is indented with a tab; YAML indents with spaces only.",
                line.start + tab,
                line.start + tab + 1,
            )
    return None


def _unclosed_quote(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    for quoted in scan.quoted:
        if quoted.open > index:
            break
        quote = quoted.quote
        if quoted.close is None:
            return Diagnosis(
                f"This {quote} opens a quoted value that is never closed; "
                f"add the closing {quote} at the end of the value.",
                quoted.open,
                quoted.open + 1,
            )
        # A quote closed lines later, by a quote of a later value: the lines in between
        # (which look like keys) were swallowed into this value.
        first = _line_index(lines, quoted.open)
        last = _line_index(lines, quoted.close)
        if last > first and quoted.close >= lines[reported].start - 1:
            swallowed = any(
                _KEY_LINE.match(lines[number].text) for number in range(first + 1, last + 1)
            )
            if swallowed:
                return Diagnosis(
                    f"This {quote} opens a quoted value that is not closed on its line, so "
                    f"the lines after it were read as part of the value; add the closing "
                    f"{quote} at the end of the value.",
                    quoted.open,
                    quoted.open + 1,
                )
    return None


def _bad_escape(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    for quoted in scan.quoted:
        if quoted.quote != '"' or quoted.close is None or quoted.open > index:
            continue
        i = quoted.open + 1
        while i < quoted.close:
            if yaml[i] == "\\":
                if yaml[i + 1] not in _ESCAPES:
                    return Diagnosis(
                        "In double quotes a backslash starts an escape, and "
                        f"'\\{yaml[i + 1]}' is not one; write '\\\\' for a backslash, or "
                        "put the value in single quotes.",
                        i,
                        i + 2,
                    )
                i += 2
                continue
            i += 1
    return None


def _unclosed_flow(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    for opening in scan.unclosed_flow:
        if opening <= index:
            bracket = yaml[opening]
            closing = "]" if bracket == "[" else "}"
            kind = "list" if bracket == "[" else "mapping"
            return Diagnosis(
                f"This {bracket} opens a {kind} that is never closed; end it with {closing}.",
                opening,
                opening + 1,
            )
    return None


def _dash(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    for number in _nearby(lines, reported):
        line = lines[number]
        match = _DASH_NO_SPACE.match(line.text)
        if match is None or line.text.strip() in ("---", "..."):
            continue
        previous = _previous_content(lines, number)
        # "-one" is a list item only where a list can be: under a key that opens a block
        # or beside other items.
        if previous is not None and (
            previous.text.rstrip().endswith(":") or previous.text.lstrip().startswith("- ")
        ):
            dash = line.start + match.start("next") - 1
            fixed = line.text.strip()
            return Diagnosis(
                f"Put a space after the '-' that starts a list item: '- {fixed[1:]}'.",
                dash,
                dash + 1,
            )
    return None


def _colon(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    for number in _nearby(lines, reported):
        line = lines[number]
        match = _COLON_NO_SPACE.match(line.text)
        if match is None or _inside_quote(scan, line.start):
            continue
        if ": " in line.text or line.text.rstrip().endswith(":"):
            continue  # the line has a key already; this colon is in its value
        colon = line.start + match.end("key")
        key = match.group("key")
        rest = line.text[match.end("key") + 1 :]
        return Diagnosis(
            f"Put a space after the ':' that ends the key {key!r}: '{key}: {rest.strip()}'.",
            colon,
            colon + 1,
        )
    return None


def _text_after_quote(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    line = lines[reported]
    end = line.start + len(line.text)
    for quoted in scan.quoted:
        if quoted.close is None or not line.start <= quoted.close < end:
            continue
        after = yaml[quoted.close + 1 : end]
        stripped = after.lstrip(" \t")
        if not stripped or stripped[0] in "#:,]}":
            continue
        start = quoted.close + 1 + len(after) - len(stripped)
        return Diagnosis(
            f"Text follows the closing {quoted.quote} of the value; put the whole value "
            f"inside the quotes.",
            start,
            end,
        )
    return None


def _colon_in_value(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    line = lines[reported]
    match = _KEY_LINE.match(line.text)
    if match is None:
        return None
    value = line.text[match.end() :]
    comment = re.search(r"\s#", value)
    if comment is not None:
        value = value[: comment.start()]
    value = value.rstrip()
    start = line.start + match.end()
    if not value or value[0] in "\"'[{|>&*!":
        return None
    key = match.group("key").strip()
    if value[0] in "@`":
        why = f"a value cannot start with {value[0]!r}"
    elif ": " in value or value.endswith(":"):
        why = "the value holds ': ', which YAML reads as the start of another key"
    else:
        return None
    example = f"; write {key}: {_quote_value(value)}" if len(value) <= 60 else ""
    return Diagnosis(f"Quote the value: {why}{example}.", start, start + len(value))


def _previous_content(lines: list[_Line], number: int) -> _Line | None:
    for previous in range(number - 1, -1, -1):
        if not lines[previous].blank:
            return lines[previous]
    return None


def _levels(line: _Line) -> list[tuple[int, str]]:
    """The columns where this line's nodes start, each with how to name it: the line's
    indent, and, past each ``- ``, a key that starts there."""
    text = line.text.strip()
    levels = [(line.indent, f"the list item {text[:30]!r}" if text.startswith("-") else "")]
    match = re.match(r"^ *((?:- +)+)", line.text)
    if match:
        rest = line.text[match.end() :]
        position = line.indent + len(match.group(1))
        key = _KEY_LINE.match(rest)
        if key is not None:
            levels.append((position, repr(key.group("key").strip())))
    elif (key := _KEY_LINE.match(line.text)) is not None:
        levels[0] = (line.indent, repr(key.group("key").strip()))
    return [(level, name or repr(text[:30])) for level, name in levels]


def _owner(text: str) -> str:
    match = _KEY_LINE.match(text)
    return match.group("key").strip() if match else text.strip()[:30]


def _spaces(count: int) -> str:
    return f"{count} space{'s' if count != 1 else ''}"


def _indentation(
    yaml: str, lines: list[_Line], reported: int, index: int, scan: _Scan
) -> Diagnosis | None:
    line = lines[reported]
    if line.blank or _inside_quote(scan, line.start):
        return None
    previous = _previous_content(lines, reported)
    if previous is None:
        return None
    here = line.indent
    start = line.start + here
    end = line.start + len(line.text)
    opens_block = _OPENS_BLOCK.search(previous.text) is not None
    if here > max(level for level, _ in _levels(previous)) and not opens_block:
        owner = _owner(previous.text)
        return Diagnosis(
            f"This line is indented deeper than the line above, but {owner!r} there already "
            f"has a value; line it up with {owner!r} ({_spaces(previous.indent)}).",
            start,
            end,
        )
    # The columns a line may start at: those of the lines it could continue, from the
    # line above out to the top level.
    allowed: dict[int, str] = {}
    ceiling = None
    for number in range(reported - 1, -1, -1):
        other = lines[number]
        if other.blank or _inside_quote(scan, other.start):
            continue
        for level, name in _levels(other):
            if ceiling is None or level < ceiling:
                allowed.setdefault(level, name)
        ceiling = other.indent if ceiling is None else min(ceiling, other.indent)
        if ceiling == 0:
            break
    if here in allowed or opens_block:
        return None
    choices = sorted(allowed.items(), key=lambda item: -item[0])
    described = " or ".join(f"{_spaces(level)} (like {name})" for level, name in choices)
    return Diagnosis(
        f"This line is indented {_spaces(here)}, which lines up with no line above; "
        f"use {described}.",
        start,
        end,
    )
