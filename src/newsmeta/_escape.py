"""Escaping shared by the reporters: no file content or file name may control the output.

Paths and messages quote file content (keys, values), and file names are chosen by whoever
wrote the file, so before anything reaches a terminal, a CI log or a Markdown table:

- :func:`printable` turns C0/C1 control characters (which include ESC, the start of every
  ANSI sequence, and CR/LF), Unicode line and paragraph separators, bidirectional
  overrides and isolates (Trojan-Source style reordering) and lone surrogates (undecodable
  bytes kept by ``surrogateescape``) into visible ``\\xNN`` / ``\\uNNNN`` escapes. The
  result is one line of valid, encodable text.
- :func:`github_message` and :func:`github_property` apply the GitHub Actions
  workflow-command escaping on top of that, so that a message containing ``::error::`` or
  a newline cannot start a command of its own.
- :func:`markdown_cell` makes text safe inside a Markdown table cell.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["github_message", "github_property", "json_text", "markdown_cell", "printable"]

#: Characters that are never written raw: C0 and C1 controls (TAB included: it would
#: break column-aligned output), DEL, U+2028/U+2029 line breaks, bidi embeddings,
#: overrides, marks and isolates, the BOM / zero-width no-break space, and surrogates.
_UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character replaced by a visible backslash escape.

    The result contains no control character, no line break, no bidi control and no
    surrogate, so it is one line that any UTF-8 stream can encode. A backslash already in
    the text is kept as it is: the escapes are for reading, not for decoding back.
    Characters in ``keep`` (say ``"\n\t"`` for a multi-line value) are left as they are.
    """
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m), text)
    return _UNSAFE.sub(_escape_char, text)


def json_text(text: str) -> str:
    """JSON text with every unsafe character inside its strings written as ``\\uXXXX``.

    The result decodes to the same data: ``json.dumps`` already escapes C0 controls, and
    the rest (C1 controls, bidi overrides, line separators) become valid JSON escapes.
    Newlines between tokens are kept.
    """
    return _UNSAFE.sub(
        lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text
    )


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
