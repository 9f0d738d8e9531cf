"""The syntax diagnosis's scan of quoted scalars and flow brackets, against a reference.

:class:`newsmeta._diagnose._Scan` jumps over runs of characters that change nothing but
the last one seen, and finds a quoted scalar's end with a regular expression. The
reference here reads one character at a time, as the rules are written: both must find
the same quoted scalars (and where each closes) and the same unclosed brackets.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsmeta._diagnose import _Scan

from .conftest import EXAMPLES


def _close(yaml: str, opening: int) -> int | None:
    quote = yaml[opening]
    i = opening + 1
    while i < len(yaml):
        char = yaml[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "'" and yaml.startswith("''", i):
                i += 2
                continue
            return i
        i += 1
    return None


def _reference(yaml: str) -> tuple[list[tuple[int, int | None, str]], list[int]]:
    quoted: list[tuple[int, int | None, str]] = []
    flow: list[int] = []
    i, n = 0, len(yaml)
    previous, spaced = "\n", True
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
            close = _close(yaml, i)
            quoted.append((i, close, char))
            if close is None:
                return quoted, []
            i = close + 1
            previous, spaced = char, False
            continue
        if char in "[{" and starts_node:
            flow.append(i)
        elif char in "]}" and flow:
            flow.pop()
        previous, spaced = char, False
        i += 1
    return quoted, flow


def _scanned(yaml: str) -> tuple[list[tuple[int, int | None, str]], list[int]]:
    scan = _Scan(yaml)
    return [(q.open, q.close, q.quote) for q in scan.quoted], scan.unclosed_flow


_PIECES = st.sampled_from(
    [*"ab :-?,#'\"\\[]{}\n\t\r", "  ", "- ", ": ", "''", '\\"', "\\\n", "x: 'it''s'", 'k: "a\\"b"']
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_scan_finds_what_a_scan_one_character_at_a_time_finds(yaml: str) -> None:
    assert _scanned(yaml) == _reference(yaml)


def test_the_examples_front_matter_is_scanned_alike_whole_and_cut_anywhere() -> None:
    for path in sorted(EXAMPLES.glob("*.md")):
        yaml = path.read_text(encoding="utf-8").split("---", 2)[1]
        assert _scanned(yaml) == _reference(yaml)
        for cut in range(0, len(yaml), max(1, len(yaml) // 40)):
            assert _scanned(yaml[:cut]) == _reference(yaml[:cut])
