"""The one escaping policy for everything newsmeta prints: no file can control the output.

File names are chosen by whoever wrote the files, and messages quote file content (keys,
values), so every string that came from a file or a file name goes through this module
before it reaches stdout or stderr, a CI log, a JUnit or JSON report, or a Markdown table.
The policy has three parts, applied by every function here:

1. **Hidden and control characters are made visible.** C0 and C1 controls (ESC, which
   starts every ANSI sequence, the 8-bit CSI U+009B, CR and LF), DEL, the line and
   paragraph separators U+2028/U+2029, bidirectional embeddings, overrides, marks and
   isolates (Trojan-Source reordering), the BOM / zero-width no-break space, invisible
   operators and word joiners, interlinear annotation marks, tag characters (invisible
   "ASCII smuggling"), and lone surrogates (undecodable bytes kept by
   ``surrogateescape``). :func:`printable` writes them as ``\\xNN``, ``\\uNNNN`` or
   ``\\UNNNNNNNN``; :func:`json_text` writes them as JSON ``\\uNNNN`` escapes, which
   decode back to the same data.
2. **No line can start a CI workflow command.** GitHub Actions runs a line as a command
   when it begins with ``::`` after leading whitespace, and (the legacy form, still
   accepted) when ``##[`` appears anywhere in it; Azure Pipelines does the same for
   ``##vso[``. A leading ``::`` becomes ``\\x3a:`` and the second ``#`` of ``##[`` or
   ``##vso[`` becomes ``\\x23`` (``\\u0023`` in JSON). Only newsmeta's own annotations
   (``--format github``) begin with ``::``.
3. **Formats add their own escapes on top:** :func:`github_message` and
   :func:`github_property` for workflow-command data and properties, and
   :func:`markdown_cell` for a GitHub step-summary table.

Backslashes already in the text are kept as they are: the escapes are for reading, not
for decoding back (JSON output, which is for decoding, is exact).
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = [
    "github_message",
    "github_property",
    "json_text",
    "markdown_cell",
    "printable",
    "unsafe",
]

#: Characters that are never written raw: C0 and C1 controls (TAB included: it would
#: break column-aligned output), DEL, U+2028/U+2029 line breaks, bidi embeddings,
#: overrides, marks and isolates, invisible operators and word joiners, the BOM / zero-
#: width no-break space, interlinear annotation marks, lone surrogates and tag characters.
_UNSAFE_CLASS: Final = (
    "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)

# The patterns below are compiled when first used: a run whose paths and messages are
# printable ASCII needs none of them, and the Unicode classes take about a millisecond.


@functools.cache
def _unsafe() -> re.Pattern[str]:
    """One character of :data:`_UNSAFE_CLASS`."""
    return re.compile(f"[{_UNSAFE_CLASS}]")


@functools.cache
def _command() -> re.Pattern[str]:
    """Where a workflow command could start: ``::`` first on a line (after whitespace, as
    the runner trims it), or ``##[`` / ``##vso[`` anywhere. Group ``colon`` / ``hash`` is
    the one character to escape."""
    return re.compile(
        r"(?:^|(?<=\n))[^\S\n]*(?P<colon>:)(?=:)|(?P<hash>#)(?=#(?:vso)?\[)", re.IGNORECASE
    )


@functools.cache
def _risky() -> re.Pattern[str]:
    """Everything the policy changes, for a fast "is this safe as it is?" test."""
    return re.compile(f"[{_UNSAFE_CLASS}]|^\\s*::|##(?:vso)?\\[", re.IGNORECASE)


def _escape_char(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escape(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def unsafe(text: str) -> bool:
    """True when :func:`printable` would change ``text`` (it is not safe to print raw)."""
    return _risky().search(text) is not None


def printable(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character made a visible escape and no command prefix.

    The result has no control character, line break, bidi control, invisible character or
    surrogate, so it is one line that any UTF-8 stream can encode, and it cannot start a
    CI workflow command wherever it is placed on a line. Characters in ``keep`` (say
    ``"\\n\\t"`` for a multi-line value) are left as they are; each line is then guarded.
    """
    # Most paths and messages: printable ASCII holds no unsafe character, and without "::"
    # or "##" no command can start. One table scan, not two substitutions.
    if (
        text.isascii()
        and "::" not in text
        and "##" not in text
        and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    ):
        return text
    if keep:
        text = _unsafe().sub(
            lambda m: m.group() if m.group() in keep else _escape_char(ord(m.group())), text
        )
    else:
        text = _unsafe().sub(lambda m: _escape_char(ord(m.group())), text)
    return _command().sub(_command_escape, text)


def _command_escape(match: re.Match[str]) -> str:
    # The match ends with the one character to escape: a leading ':' or the first '#'.
    return match.group()[:-1] + ("\\x3a" if match.group("colon") is not None else "\\x23")


#: Printable ASCII: a text made of these alone, without ``##``, has nothing to escape.
_PRINTABLE_ASCII: Final = bytes(range(0x20, 0x7F))
#: ... and the line break, which :func:`json_text` keeps.
_PRINTABLE_ASCII_LINES: Final = _PRINTABLE_ASCII + b"\n"


def json_text(text: str) -> str:
    """JSON text with every unsafe character inside its strings written as ``\\uXXXX``.

    The result decodes to the same data: ``json.dumps`` already escapes C0 controls, and
    the rest (C1 controls, bidi overrides, line separators, BOM, lone surrogates, tag
    characters) become valid JSON escapes, as does the ``#`` that would make ``##[`` a
    workflow command. Newlines between tokens are kept; JSON strings never hold a raw
    newline, so no line of the result can begin with a string's ``::``.
    """
    # A "#" is escaped only as the second of "##[" or "##vso[": without "##", only the
    # unsafe characters could change. Most paths and messages hold none, and finding
    # that costs one table scan (printable ASCII) or one search, not two substitutions
    # (messages quote "&#8217;" and accented text).
    if "##" not in text:
        if text.isascii():
            # Line breaks are kept as they are: an indented document (SARIF) takes this
            # way too, not a substitution that calls back for each of its lines.
            if not text.encode("ascii").translate(None, _PRINTABLE_ASCII_LINES):
                return text
        elif _unsafe().search(text) is None:
            return text
    return _json_text_escaped(text)


def _json_text_escaped(text: str) -> str:
    """:func:`json_text` without its shortcut for text with nothing to escape."""
    text = _unsafe().sub(
        lambda m: m.group() if m.group() == "\n" else _json_escape(ord(m.group())), text
    )
    return _hash().sub("\\\\u0023", text)


@functools.cache
def _hash() -> re.Pattern[str]:
    """The ``#`` that would make ``##[`` or ``##vso[`` a workflow command."""
    return re.compile(r"#(?=#(?:vso)?\[)", re.IGNORECASE)


def github_message(text: str) -> str:
    """``text`` escaped as the data part of a GitHub workflow command (after ``::``).

    GitHub decodes ``%25``, ``%0D`` and ``%0A``; escaping ``%`` first keeps a literal
    ``%0A`` in the text from turning into a newline. Control characters are made
    printable first, so the result never holds a raw CR or LF.
    """
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """``text`` escaped as a property value (``file=``, ``title=``) of a workflow command.

    Besides the message escapes, ``:`` and ``,`` are encoded: a raw ``:`` could end the
    property list (``::``) and a raw ``,`` could start another property.
    """
    return github_message(text).replace(":", "%3A").replace(",", "%2C")


def markdown_cell(text: str) -> str:
    """``text`` safe inside one cell of a GitHub-flavoured Markdown table.

    Pipes are escaped, HTML is neutralised (``<`` and ``&``), and backticks are escaped so
    the text cannot open a code span that swallows the rest of the row.
    """
    return (
        printable(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("`", "\\`")
    )
