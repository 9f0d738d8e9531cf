"""Problems: located findings about one file, and the catalogue of their codes.

A :class:`Problem` is a value, never raised by itself. Every problem carries a stable
``code`` from :data:`CODES`, a ``severity``, a one-sentence ``message`` with no location in
it, an RFC 6901 JSON Pointer into the front matter, and a 1-based start and end position
counted in the ``.md`` file (the opening fence is line 1). ``end_column`` is exclusive: it
is the column just past the last character of the finding, as in SARIF.

Failed *operations* raise exceptions, all derived from :class:`NewsmetaError`; see
:mod:`newsmeta.errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from newsmeta._severity import Severity

__all__ = [
    "CODES",
    "Code",
    "Problem",
    "Severity",
    "dotted_path",
    "escape_pointer_token",
    "explain_text",
    "matches_code",
    "parts_from_pointer",
    "pointer_from_parts",
]


if TYPE_CHECKING:
    from newsmeta._catalogue import Code

    #: Every problem code newsmeta can report, by name. Codes are stable: they are never
    #: renamed or reused, so CI configuration and inline suppressions keep working.
    CODES: Mapping[str, Code]


@attrs.frozen(order=False)
class Problem:
    """One located finding in one file.

    A problem found in memory by :func:`newsmeta.check`, where there is no text, has
    ``line``, ``column``, ``end_line`` and ``end_column`` 0: its ``pointer`` locates it.

    ``detail`` is optional, more technical text behind the message: for ``yaml-syntax``,
    the YAML parser's own words, while ``message`` says in plain words what is wrong and
    how to fix it. It is empty for most problems.
    """

    code: str
    severity: Severity
    message: str
    pointer: str
    line: int
    column: int
    end_line: int
    end_column: int
    detail: str = ""

    @property
    def sort_key(self) -> tuple[int, int, int, int, str, str]:
        """The order problems are reported in: by position, then code, then message."""
        return (self.line, self.column, self.end_line, self.end_column, self.code, self.message)

    def to_dict(self) -> dict[str, str | int]:
        """The stable JSON shape of a problem (documented in the CLI reference).

        ``detail`` is present only when the problem has one.
        """
        shape: dict[str, str | int] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }
        if self.detail:
            shape["detail"] = self.detail
        return shape


def matches_code(code: str, selector: str) -> bool:
    """True when ``selector`` names ``code`` exactly or is a prefix of it ending at a ``-``.

    ``schema`` selects ``schema-enum`` and ``schema-unknown-key``; ``schema-e`` selects
    nothing, so a typo cannot silently select half a family.
    """
    return code == selector or code.startswith(selector + "-")


def escape_pointer_token(token: str | int) -> str:
    """Escape one reference token as RFC 6901 requires (``~`` then ``/``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_from_parts(parts: Iterable[str | int]) -> str:
    """Join keys and indices into an RFC 6901 JSON Pointer (``""`` is the whole document)."""
    return "".join("/" + escape_pointer_token(part) for part in parts)


def parts_from_pointer(pointer: str) -> tuple[str, ...]:
    """The reference tokens of an RFC 6901 JSON Pointer, unescaped: ``/related/0/url``
    gives ``("related", "0", "url")``, and ``""`` (the whole document) gives ``()``.

    Tokens stay strings: ``"0"`` is an index where it meets a list. Raises
    :class:`ValueError` for text that is neither empty nor starts with ``/``.
    """
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON Pointer: it does not start with '/'")
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/"))


def dotted_path(parts: Iterable[str | int]) -> str:
    """Keys and indices as the dotted path the commands take and print:
    ``("related", 0, "provider", "name")`` gives ``related[0].provider.name``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def __getattr__(name: str) -> object:
    """``CODES`` and ``Code``, from :mod:`newsmeta._catalogue`, imported on first use: a run
    that reports no code's documentation never builds them (PEP 562)."""
    if name not in ("CODES", "Code"):
        raise AttributeError(f"module 'newsmeta.problems' has no attribute {name!r}")
    from newsmeta import _catalogue

    value: object = getattr(_catalogue, name)
    globals()[name] = value  # later reads are plain attribute reads
    return value


def explain_text(code: str) -> str | None:
    """The documentation of ``code`` as plain text (what ``newsmeta explain`` prints).

    The text holds the name, severity and layer, the summary, the explanation, the bad
    and good examples and the fix, each block separated by a blank line, and ends with a
    newline. ``code`` is matched without regard to case. Returns None when it is not in
    :data:`CODES`.
    """
    from newsmeta._catalogue import CODES

    info = CODES.get(code.lower())
    if info is None:
        return None
    parts = [
        f"{info.name} ({info.severity.value}, {info.layer})",
        "",
        info.summary,
        "",
        info.explanation,
    ]
    if info.bad:
        parts += ["", "Bad:", *("    " + line for line in info.bad.splitlines())]
    if info.good:
        parts += ["", "Good:", *("    " + line for line in info.good.splitlines())]
    if info.fix:
        parts += ["", "Fix: " + info.fix]
    return "\n".join(parts) + "\n"
