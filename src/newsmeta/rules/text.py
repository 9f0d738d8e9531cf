"""Rules about text values: mojibake, HTML entities, stray whitespace, placeholders."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Final

from newsmeta._yamltree import Finding
from newsmeta.rules.base import FIXES, RuleContext, finding, rule

_PLACEHOLDERS: Final = frozenset({"", "na", "n/a", "placeholder", "tbd", "todo", "-", "none"})
_ENTITY: Final = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Python's str.strip() strips every Unicode space, the no-break space included.


def repair_mojibake(value: str) -> str:
    """``value`` with UTF-8-read-as-Windows-1252/Latin-1 sequences decoded (ftfy)."""
    import ftfy

    return ftfy.fix_encoding(value)


def _misread_sequence(space: str) -> re.Pattern[str]:
    """A misread UTF-8 sequence, with ``space`` as the pattern for a (folded) space.

    It starts with one character class, which the regex engine scans for quickly.
    """
    lead, continuation = "[\u00c2-\u00f4]", "[^\x00-\x7f]"
    two_byte_lead, longer_lead = "(?<=[\u00c2-\u00df])", "(?<=[\u00e0-\u00f4])"
    return re.compile(
        f"{lead}(?:{continuation}|{two_byte_lead}{space}|{longer_lead}{space}{continuation})"
    )


#: A UTF-8 lead byte (0xC2-0xF4) read as Windows-1252 or Latin-1 is one of the
#: characters U+00C2-U+00F4, and the continuation byte after it (0x80-0xBF) a non-ASCII
#: character, or a space where a no-break space (0xA0) was normalised; after the lead of a
#: three- or four-byte sequence, yet another continuation follows that space. Text
#: without such a sequence cannot hold this kind of mojibake. The filter keeps ftfy (and
#: its import) off the vast majority of values, accented words included ("Société").
_MISREAD_SEQUENCE: Final = _misread_sequence(" ")
#: The same in the front matter's text, where the space may be a folded line break.
_MISREAD_IN_TEXT: Final = _misread_sequence(r"\s+")
#: What the UTF-8 form of every match of :data:`_MISREAD_IN_TEXT` starts with: the lead
#: (U+00C2-U+00F4 is C3 82-C3 B4), then the first byte of a non-ASCII character or an
#: ASCII space (``\\s`` holds U+001C-U+001F too). A search for it starts at each C3 byte
#: only: most front matter is ruled out at the speed of a byte search.
_MISREAD_IN_UTF8: Final = re.compile(rb"\xc3[\x82-\xb4][\t-\r\x1c-\x20\x80-\xff]")


def _looks_mojibake(value: str) -> bool:
    return _MISREAD_SEQUENCE.search(value) is not None and repair_mojibake(value) != value


@rule("text-mojibake")
def mojibake(context: RuleContext) -> Iterator[Finding]:
    """Text that is UTF-8 decoded as Windows-1252 or Latin-1 (``â€™`` for ``’``)."""
    if not context.text_may_hold(_MISREAD_IN_TEXT, non_ascii=True, utf8=_MISREAD_IN_UTF8):
        return
    for parts, value in context.strings:
        if parts == ["secured"] or not _looks_mojibake(value):
            continue
        repaired = repair_mojibake(value)
        sample = next(
            (
                value[i : i + 6]
                for i, (a, b) in enumerate(zip(value, repaired, strict=False))
                if a != b
            ),
            value[:6],
        )
        yield finding(
            context,
            "text-mojibake",
            f"The text holds mojibake ({sample!r}): UTF-8 read as Windows-1252.",
            parts,
        )


@rule("text-html-entity")
def html_entities(context: RuleContext) -> Iterator[Finding]:
    """HTML character references such as ``&#8217;`` or ``&amp;`` in titles and excerpts."""
    for parts, value in context.prose:
        match = _ENTITY.search(value)
        if match and html.unescape(match.group(0)) != match.group(0):
            yield finding(
                context,
                "text-html-entity",
                f"The text holds the HTML entity {match.group(0)!r}; write the character.",
                parts,
            )


@rule("text-whitespace")
def untrimmed(context: RuleContext) -> Iterator[Finding]:
    """Leading or trailing whitespace (no-break space included) in titles and excerpts."""
    for parts, value in context.prose:
        if value and value != value.strip():
            yield finding(
                context,
                "text-whitespace",
                "The text starts or ends with whitespace.",
                parts,
            )


@rule("excerpt-placeholder")
def placeholder_excerpt(context: RuleContext) -> Iterator[Finding]:
    """An empty excerpt, or a placeholder such as ``NA`` or ``Placeholder.``."""
    for parts, value in context.prose:
        if parts[-1] != "excerpt":
            continue
        if value.strip().rstrip(".").lower() in _PLACEHOLDERS:
            what = "empty" if not value.strip() else f"the placeholder {value.strip()!r}"
            yield finding(
                context,
                "excerpt-placeholder",
                f"The excerpt is {what}.",
                parts,
            )


def _unescape(value: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), value)


FIXES["text-mojibake"] = repair_mojibake
FIXES["text-html-entity"] = _unescape
FIXES["text-whitespace"] = str.strip
