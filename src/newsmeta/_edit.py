"""Edits as splices on the source text.

The source text is the truth. An edit is a list of operations (:class:`SetOp`,
:class:`UnsetOp`, :class:`InsertOp`, :class:`RenameOp`); each becomes one splice on the text
at the exact span of the node it touches, with new text styled from its surroundings:

- a replaced scalar keeps its quoting or block style when the new value can be written in
  it, else it takes the field's house style (``FORMAT.md``);
- a new key goes to its canonical position, with the mapping's indentation;
- a new list item copies its sibling's dash column and content column, and lands right
  after the last item (before any blank line or comment that follows it);
- deleting a key or an item removes exactly its lines, end-of-line comment included, and
  the comment lines right after it that are indented into it;
- renaming a key replaces only the key's text: the value, its position and comments stay;
- generated text uses the file's line ending.

After the splices, :func:`apply` re-analyses the text and compares its JSON view with the
intended data (the same operations applied to the old view); a mismatch raises
:class:`~newsmeta.errors.VerificationError` and nothing changes. Editing through an anchor or
alias is refused.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping as AbcMapping
from collections.abc import Sequence as AbcSequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeGuard

import attrs

from newsmeta._check import Analysis, analyse_quickly, analyse_view
from newsmeta._records import FrozenRecord
from newsmeta._yamltree import (
    Alias,
    JSONValue,
    Mapping,
    Node,
    Scalar,
    Sequence,
    compose,
    find_node,
    resolve_plain,
    yaml11_differs,
)
from newsmeta.errors import (
    AliasEditError,
    DuplicateKeyEditError,
    EditError,
    InvalidPathError,
    PathNotFoundError,
    VerificationError,
)
from newsmeta.problems import dotted_path, parts_from_pointer

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsmeta._frontmatter import Split
    from newsmeta._quick import QuickView

__all__ = [
    "InsertOp",
    "Op",
    "Part",
    "QuoteOp",
    "RenameOp",
    "SetOp",
    "UnsetOp",
    "apply",
    "copy_view",
    "diff_data",
    "format_path",
    "parse_path",
    "to_json",
    "to_json_from",
]

Part: TypeAlias = str | int

#: Keys whose string values are double-quoted in real files (FORMAT.md, house style).
DOUBLE_QUOTED_KEYS: Final = frozenset(
    {
        "title",
        "excerpt",
        "featuredContent",
        "secured",
        "url",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "attribution",
    }
)
#: Keys whose values are timestamps, written plain as ``YYYY-MM-DDTHH:MM:SSZ``.
TIMESTAMP_KEYS: Final = frozenset({"publishedDateTime"})


class Stamp(str):
    """A string that came from a datetime: written plain in the ``T...Z`` form."""

    __slots__ = ()


class Quoted(str):
    """A string moved from a quoted scalar: written double-quoted wherever it goes."""

    __slots__ = ()


# --- paths ---------------------------------------------------------------------------------

_DOTTED: Final = re.compile(r"\[(-?\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str | AbcSequence[Part]) -> list[Part]:
    """Split a path into keys and indices.

    Accepts ``provider.name``, ``images[0].width``, ``related[-1]``, a JSON Pointer
    (``/provider/name``, ``/images/0``; ``~1`` and ``~0`` unescaped) or a ready list of parts.
    A JSON Pointer segment of digits is an index when it meets a list (see :func:`resolve`).
    Raises :class:`~newsmeta.errors.InvalidPathError` for an empty or malformed path.
    """
    if not isinstance(path, str):
        parts = list(path)
        if not parts or not all(isinstance(p, str | int) for p in parts):
            raise InvalidPathError(repr(path), "a path is a non-empty list of keys and indices")
        return parts
    if path.startswith("/"):
        return list(parts_from_pointer(path))
    if not path:
        raise InvalidPathError(path, "the path is empty")
    parts = []
    pos = 0
    for match in _DOTTED.finditer(path):
        if match.start() != pos or (match.group(2) is not None and pos and path[pos] != "."):
            raise InvalidPathError(path, f"unexpected text at character {pos + 1}")
        index, key = match.groups()
        parts.append(int(index) if index is not None else key)
        pos = match.end()
    if pos != len(path) or not parts:
        raise InvalidPathError(path, f"unexpected text at character {pos + 1}")
    return parts


#: Write parts as a dotted path: ``related[0].provider.name``.
format_path: Final = dotted_path


def resolve(data: JSONValue, parts: AbcSequence[Part], *, allow_end: bool = False) -> list[Part]:
    """Make ``parts`` concrete against ``data``: negative indices counted from the end,
    digit keys read as indices where they meet a list. The last part may be a missing key
    (or, with ``allow_end``, the index just past the end). Raises PathNotFoundError."""
    out: list[Part] = []
    node = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if isinstance(part, str):
                if part == "-" and last and allow_end:
                    part = len(node)
                elif re.fullmatch(r"-?\d+", part):
                    part = int(part)
                else:
                    raise PathNotFoundError(format_path([*out, part]), "a list has no keys")
            n = len(node)
            index = part + n if part < 0 else part
            if 0 <= index < n:
                out.append(index)
                node = node[index]
                continue
            if last and allow_end and index == n:
                out.append(index)
                return out
            raise PathNotFoundError(format_path([*out, part]), f"the list has {n} item(s)")
        if isinstance(node, dict):
            key = str(part)
            out.append(key)
            if key in node:
                node = node[key]
                continue
            if last:
                return out
            raise PathNotFoundError(format_path(out), "no such key")
        raise PathNotFoundError(format_path([*out, part]), "the value here is not a container")
    return out


def get(data: JSONValue, parts: AbcSequence[Part]) -> JSONValue:
    """The value at ``parts`` (concrete), or raise PathNotFoundError."""
    node = data
    for i, part in enumerate(parts):
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            continue
        raise PathNotFoundError(format_path(parts[: i + 1]), "no such key or index")
    return node


# --- values ---------------------------------------------------------------------------------


def to_json(value: object) -> JSONValue:
    """Normalise a value given to an edit into the JSON view the file will read back as.

    Datetimes become :class:`Stamp` strings (RFC 3339, ``Z`` for UTC), dates ISO text,
    model objects their unstructured view, tuples lists. Raises EditError for NaN,
    infinities and other types.
    """
    # Plain JSON data (a jq program's output, say) first: it is most of what comes here.
    # It comes back as the very same objects, so that a diff against the view it was made
    # from tells the parts left alone by identity, without walking them; telling it plain
    # builds nothing.
    if _plain(value):
        return value
    kind = type(value)
    if kind is dict:
        items = value.items()  # type: ignore[attr-defined]
        mapping = {k if type(k) is str else str(k): to_json(v) for k, v in items}
        if all(type(k) is str and mapping[k] is v for k, v in items):
            return value  # type: ignore[return-value]
        return mapping
    if kind is list:
        values = [to_json(v) for v in value]  # type: ignore[attr-defined]
        if all(a is b for a, b in zip(values, value, strict=True)):  # type: ignore[call-overload]
            return value  # type: ignore[return-value]
        return values
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EditError(f"{value!r} cannot be written: the JSON view has no such number")
        return value
    if isinstance(value, datetime):
        from newsmeta.convert import format_datetime

        return Stamp(format_datetime(value))
    if isinstance(value, date):
        return Stamp(value.isoformat())
    if attrs.has(type(value)):
        from newsmeta.convert import unstructure

        return to_json(unstructure(value))  # type: ignore[arg-type]
    if isinstance(value, AbcMapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    raise EditError(f"a value of type {type(value).__name__} cannot be written to front matter")


def to_json_from(value: object, view: JSONValue) -> JSONValue:
    """:func:`to_json` of ``value``, a new front matter made from the JSON view ``view``.

    A part of ``value`` that is ``view``'s own object at the same place (what a jq
    program's output restored from the view keeps, see
    :func:`newsmeta.jqprogram.restore`) is plain JSON already, as every part of a view
    is: it is not walked again."""
    if _plain_from(value, view):
        return value  # type: ignore[return-value]
    return to_json(value)


def _plain_from(value: object, view: object) -> bool:
    """:func:`_plain` of ``value``, taking the parts that are ``view``'s own as plain."""
    if value is view:
        return True
    kind = type(value)
    if kind is dict:
        inner = view if type(view) is dict else None
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                return False
            if inner is None:
                if not _plain(item):
                    return False
            elif not _plain_from(item, inner.get(key)):
                return False
        return True
    if kind is list:
        items = view if type(view) is list else ()
        for index, item in enumerate(value):  # type: ignore[arg-type]
            if not _plain_from(item, items[index] if index < len(items) else None):
                return False
        return True
    return _plain(value)


def _plain(value: object) -> TypeGuard[JSONValue]:
    """True when :func:`to_json` gives ``value`` back as it is: mappings with text keys,
    lists, text, integers, booleans, None and finite floats, all the way down."""
    # Loops rather than all() over generators: this runs on every value of a front matter.
    kind = type(value)
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]  # noqa: SIM110
            if type(key) is not str or not _plain(item):
                return False
        return True
    if kind is list:
        for item in value:  # type: ignore[attr-defined]  # noqa: SIM110
            if not _plain(item):
                return False
        return True
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    return value is None or isinstance(value, bool | int | str)


def same(a: JSONValue, b: JSONValue) -> bool:
    """Strict JSON equality: ``True`` is not ``1`` and ``1`` is not ``1.0``."""
    # Python's equality is looser (True == 1 == 1.0), never stricter: what it tells
    # apart differs, and only what it calls equal needs the strict walk.
    if a is b:
        return True
    if a != b:
        return False
    return _strictly_same(a, b)


def _strictly_same(a: JSONValue, b: JSONValue) -> bool:
    # Loops and exact types first rather than all() over generators and isinstance: this
    # walks every value of a front matter for each edit's re-read.
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return isinstance(a, str) and isinstance(b, str) and str(a) == str(b)
    if kind is str:
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        for key, value in a.items():  # noqa: SIM110
            if not _strictly_same(value, b[key]):
                return False
        return True
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):  # noqa: SIM110
            if not _strictly_same(x, y):
                return False
        return True
    if isinstance(a, str):
        return str(a) == str(b)
    return a == b


# --- operations ------------------------------------------------------------------------------


class SetOp(FrozenRecord):
    """Set the value at ``parts``; a missing last key is added in its canonical place."""

    __slots__ = ("parts", "value")
    _fields = ("parts", "value")

    parts: tuple[Part, ...]
    value: JSONValue

    def __init__(self, parts: tuple[Part, ...], value: JSONValue) -> None:
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "value", value)


class UnsetOp(FrozenRecord):
    """Remove the key or list item at ``parts``."""

    __slots__ = ("parts",)
    _fields = ("parts",)

    parts: tuple[Part, ...]

    def __init__(self, parts: tuple[Part, ...]) -> None:
        object.__setattr__(self, "parts", parts)


class InsertOp(FrozenRecord):
    """Insert ``value`` into the list at ``parts`` before ``index`` (at the end when None)."""

    __slots__ = ("index", "parts", "value")
    _fields = ("parts", "index", "value")

    parts: tuple[Part, ...]
    index: int | None
    value: JSONValue

    def __init__(self, parts: tuple[Part, ...], index: int | None, value: JSONValue) -> None:
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "value", value)


class RenameOp(FrozenRecord):
    """Rename the key at ``parts`` (a mapping key) to ``new_key``, keeping its value and place."""

    __slots__ = ("new_key", "parts")
    _fields = ("parts", "new_key")

    parts: tuple[Part, ...]
    new_key: str

    def __init__(self, parts: tuple[Part, ...], new_key: str) -> None:
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "new_key", new_key)


class QuoteOp(FrozenRecord):
    """Write the plain string at ``parts`` double-quoted, keeping its value (a spelling
    that YAML 1.1 readers read as something else: ``yes``, ``12:30``, a date in a text
    field). A value already quoted is left as it is."""

    __slots__ = ("parts",)
    _fields = ("parts",)

    parts: tuple[Part, ...]

    def __init__(self, parts: tuple[Part, ...]) -> None:
        object.__setattr__(self, "parts", parts)


Op: TypeAlias = SetOp | UnsetOp | InsertOp | RenameOp | QuoteOp


def copy_view(value: JSONValue) -> JSONValue:
    """A deep copy of a JSON view (faster than :func:`copy.deepcopy` for plain data)."""
    return _copy(value)


def _copy(value: JSONValue) -> JSONValue:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _apply_data(data: JSONValue, op: Op) -> JSONValue:
    """Apply ``op`` (with concrete parts) to the JSON view ``data`` in place; return it."""
    parent = get(data, op.parts[:-1])
    last = op.parts[-1]
    if isinstance(op, QuoteOp):
        return data
    if isinstance(op, SetOp):
        if isinstance(parent, dict):
            parent[str(last)] = _copy(op.value)
        elif isinstance(parent, list) and isinstance(last, int):
            parent[last] = _copy(op.value)
    elif isinstance(op, UnsetOp):
        if isinstance(parent, dict):
            del parent[str(last)]
        elif isinstance(parent, list) and isinstance(last, int):
            del parent[last]
    elif isinstance(op, RenameOp):
        if isinstance(parent, dict):
            renamed = {(op.new_key if key == last else key): value for key, value in parent.items()}
            parent.clear()
            parent.update(renamed)
    else:
        target = get(data, op.parts)
        assert isinstance(target, list)
        index = len(target) if op.index is None else op.index
        target.insert(index, _copy(op.value))
    return data


# --- rendering --------------------------------------------------------------------------------

#: Characters a rewritten value never holds raw: C0 and C1 controls, DEL, the line and
#: paragraph separators (line breaks to YAML 1.1 readers), the byte-order mark,
#: non-characters and surrogates. Everything else printable stays as it is: a no-break
#: space, ZWNJ/ZWJ, U+3000, Persian and CJK text are written raw, never as escapes.
_NOT_RAW: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")

_PLAIN_BAD_START: Final = frozenset("?:,[]{}#&*!|>'\"%@`")


def plain_ok(value: str, *, flow: bool = False, timestamp: bool = False) -> bool:
    """True when ``value`` written plain reads back as this same string."""
    if not value or value != value.strip(" ") or value[0] in _PLAIN_BAD_START:
        return False
    if value[0] == "-" and (len(value) == 1 or value[1] == " "):
        return False
    if value.startswith(("---", "...")) or ": " in value or " #" in value or value[-1] == ":":
        return False
    if "\t" in value or _NOT_RAW.search(value):
        return False
    # '?' too: the libyaml in ruamel.yaml.clib refuses it inside a plain scalar in flow
    # context ("[0?]"), though YAML 1.2 allows it.
    if flow and any(c in ",[]{}:?" for c in value):
        return False
    kind = resolve_plain(value)
    if kind == "str" and yaml11_differs(value, kind):
        return False  # `yes`, `on`: other tools in a pipeline read YAML 1.1
    return kind == "str" or (timestamp and kind == "timestamp")


def _escape_char(c: str) -> str:
    if c == '"':
        return '\\"'
    if c == "\\":
        return "\\\\"
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if c == "\r":
        return "\\r"
    if "\ud800" <= c <= "\udfff":
        raise EditError("the value holds bytes that are not UTF-8 and cannot be written")
    if _NOT_RAW.match(c):
        code = ord(c)
        return (
            f"\\x{code:02x}"
            if code < 0x100
            else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        )
    return c


def double_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (non-ASCII kept, controls escaped)."""
    return '"' + "".join(_escape_char(c) for c in value) + '"'


def single_ok(value: str) -> bool:
    """True when ``value`` can be written single-quoted on one line."""
    return _NOT_RAW.search(value) is None


def _plain_text(value: JSONValue) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text:
            # PyYAML reads a float only with a dot: `1e+20` would be text there.
            return text.replace("e", ".0e")
        return text if ("." in text or "n" in text) else text + ".0"
    return str(value)


def _is_timestamp(value: str, key: str | None) -> bool:
    """True when ``value`` for ``key`` may be written as a plain timestamp: the key holds
    timestamps, or the value came from a datetime and the format does not type the key
    as text (a plain timestamp in a text field reads as a date to YAML 1.1 readers)."""
    if key in TIMESTAMP_KEYS:
        return True
    return isinstance(value, Stamp) and not _is_text_key(key)


def _is_text_key(key: str | None) -> bool:
    from newsmeta.schema import text_keys

    return key in text_keys()


def house_scalar(value: JSONValue, key: str | None, *, flow: bool = False) -> str:
    """A one-line scalar in the house style of ``key`` (FORMAT.md)."""
    if not isinstance(value, str):
        return _plain_text(value)
    if (
        key not in DOUBLE_QUOTED_KEYS
        and not isinstance(value, Quoted)
        and plain_ok(value, flow=flow, timestamp=_is_timestamp(value, key))
    ):
        return value
    return double_quoted(value)


def _block_scalar(value: str, indicator: str, indent: int, owner: int = 0) -> str | None:
    """``value`` as a block scalar (header, newline, lines, final newline), or None.

    Lines are indented by ``indent`` spaces; ``owner`` is the column of the key or dash
    the scalar belongs to, from which an indentation indicator counts when the first line
    starts with a space.
    """
    if not value or any((c != "\n" and _NOT_RAW.match(c) is not None) or c == "\t" for c in value):
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    if not body:
        return None
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    if indicator == ">" and ("\n" in body or body != body.strip(" ") or "  " in body):
        indicator = "|"
    lines = body.split("\n")
    explicit = ""
    if lines[0].startswith(" "):
        if not 1 <= indent - owner <= 9:
            return None
        explicit = str(indent - owner)
    header = indicator + explicit + chomp
    pad = " " * indent
    out = header + "\n" + "".join((pad + line if line else "") + "\n" for line in lines)
    return out + "\n" * (trailing - 1 if trailing > 1 else 0)


class _Style(FrozenRecord):
    """How the file lays out new block text."""

    __slots__ = ("blank_before_blocks", "newline", "seq_offset")
    _fields = ("newline", "seq_offset", "blank_before_blocks")

    newline: str
    #: Columns between a mapping key and the dash of its block-sequence items.
    seq_offset: int
    #: True when top-level keys that open a group (see :func:`opens_group`) follow a
    #: blank line.
    blank_before_blocks: bool

    def __init__(self, newline: str, seq_offset: int, blank_before_blocks: bool) -> None:
        object.__setattr__(self, "newline", newline)
        object.__setattr__(self, "seq_offset", seq_offset)
        object.__setattr__(self, "blank_before_blocks", blank_before_blocks)


#: The house style of ``FORMAT.md``: LF, list items indented two columns under their key,
#: a blank line before every top-level key that opens a group.
HOUSE_STYLE: Final = _Style("\n", 2, True)

#: The top-level keys of the real files' first group: the article's scalar header
#: (``category`` ... ``removed``, in canonical order, without blank lines between them).
_HEADER_GROUP: Final = frozenset(
    {
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "quality",
        "heat",
        "published",
        "removed",
    }
)


def opens_group(key: str) -> bool:
    """True when the top-level ``key`` starts a group of its own in the house style.

    The real files put the scalar header (``category`` to ``removed``) together, then
    ``featuredContent``, ``provider``, ``topics``, ``images``, ``related`` and ``secured``
    each after a blank line; a key the format does not know comes last, in a group of its
    own too.
    """
    return key not in _HEADER_GROUP


def house_order(value: JSONValue, parts: tuple[Part, ...] = ()) -> JSONValue:
    """``value`` with every mapping's keys in canonical order (``FORMAT.md``), all the way
    down; keys the format does not know follow the known ones, in their own order."""
    if isinstance(value, list):
        return [house_order(item, (*parts, index)) for index, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    order = _canonical_order(parts) or ()
    keys = [key for key in order if key in value]
    keys.extend(key for key in value if key not in order)
    return {key: house_order(value[key], (*parts, key)) for key in keys}


def render_front_matter(data: AbcMapping[str, JSONValue]) -> str:
    """The YAML text of new front matter holding ``data``, in the house style (LF).

    This is what adding every key of ``data`` to an empty mapping writes, one after the
    other in canonical order (:func:`house_order`): the same lines, through the same
    functions, as :meth:`_Splicer.set` writes for a new key, with a blank line before each
    key that :func:`opens_group`. ``data`` is a JSON view normalised by :func:`to_json`.
    """
    ordered = house_order(dict(data))
    assert isinstance(ordered, dict)
    lines: list[str] = []
    for key, value in ordered.items():
        if lines and opens_group(key):
            lines.append("")
        lines.extend(_entry_lines(key, value, 0, HOUSE_STYLE))
    return "".join(line + "\n" for line in lines)


def flow_text(value: JSONValue, key: str | None = None) -> str:
    """``value`` in flow style (JSON-like, strings quoted unless plain is safe in flow)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key_text(k)}: {flow_text(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(v, key) for v in value) + "]"
    return house_scalar(value, key, flow=True)


def _key_text(key: str) -> str:
    return key if plain_ok(key, flow=True) else double_quoted(key)


def _value_lines(
    value: JSONValue, key: str | None, col: int, style: _Layout
) -> tuple[str, list[str]]:
    """What follows ``key:`` on its line, and the lines after it, for a key at ``col``."""
    if isinstance(value, dict) and value:
        lines: list[str] = []
        for k, v in value.items():
            lines.extend(_entry_lines(k, v, col + 2, style))
        return "", lines
    if isinstance(value, list) and value:
        dash = col + style.seq_offset
        lines = []
        for item in value:
            lines.extend(_item_lines(item, dash, dash + 2, key, style))
        return "", lines
    if isinstance(value, dict | list):
        return " " + flow_text(value), []
    return " " + house_scalar(value, key), []


def _entry_lines(key: str, value: JSONValue, col: int, style: _Layout) -> list[str]:
    head, rest = _value_lines(value, key, col, style)
    return [" " * col + _key_text(key) + ":" + head, *rest]


def _item_lines(
    value: JSONValue, dash_col: int, content_col: int, key: str | None, style: _Layout
) -> list[str]:
    prefix = " " * dash_col + "-" + " " * max(1, content_col - dash_col - 1)
    if isinstance(value, dict) and value:
        lines: list[str] = []
        for k, v in value.items():
            lines.extend(_entry_lines(k, v, content_col, style))
        return [prefix + lines[0][content_col:], *lines[1:]]
    if isinstance(value, list):
        return [prefix + flow_text(value, key)]
    return [prefix + house_scalar(value, key)]


# --- spans ------------------------------------------------------------------------------------


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just after the line ending of the line holding ``index`` (or the text end).
    An index already at a line start is returned unchanged."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _block_scalar_end(text: str, node: Scalar) -> int:
    """End of a block scalar's last line of text (after its line ending).

    Trailing blank lines are not the scalar's, but a line of spaces deeper than the
    scalar's indentation is: those spaces are part of its value. With keep chomping
    (``|+``, ``>+``) every trailing blank line is part of the value, so the scalar ends
    where its node does.
    """
    if _keeps_blank_lines(text, node):
        return node.end
    span = text[node.start : node.end]
    last = len(span.rstrip(" \t\r\n"))
    lines = span[last:].split("\n")
    first_line = span.find("\n") + 1
    content = span[first_line:last] if first_line else ""
    indent = min(
        (len(line) - len(line.lstrip(" ")) for line in content.split("\n") if line.strip()),
        default=0,
    )
    for i in range(len(lines) - 1, 0, -1):
        if len(lines[i].rstrip("\r")) > indent:
            last += sum(len(line) + 1 for line in lines[:i]) + len(lines[i].rstrip("\r"))
            break
    found = text.find("\n", node.start + last)
    return len(text) if found < 0 or found >= node.end else found + 1


def _last_block_scalar(node: Node) -> Scalar | None:
    """The block scalar (``|``, ``>``) that ``node``'s text ends with, if any."""
    while isinstance(node, Mapping | Sequence) and not node.flow:
        children = [v for _, v in node.pairs] if isinstance(node, Mapping) else node.items
        if not children:
            return None
        node = children[-1]
    return node if isinstance(node, Scalar) and node.style in ("|", ">") else None


def _keeps_blank_lines(text: str, node: Node) -> bool:
    """True when ``node``'s text ends with a block scalar that keeps its trailing blank
    lines (``|+``, ``>+``): a blank line written right after it joins its value."""
    found = _last_block_scalar(node)
    if found is None:
        return False
    node = found
    header_end = text.find("\n", node.start, node.end)
    header = text[node.start : node.end if header_end < 0 else header_end]
    return "+" in header.split("#", 1)[0]


def content_end(text: str, node: Node) -> int:
    """Where a node's own text ends: block collections end with their last descendant,
    block scalars with their last non-blank line (trailing blank lines are not theirs)."""
    while True:
        if isinstance(node, Scalar):
            return _block_scalar_end(text, node) if node.style in ("|", ">") else node.end
        if isinstance(node, Mapping) and not node.flow and node.pairs:
            node = node.pairs[-1][1]
        elif isinstance(node, Sequence) and not node.flow and node.items:
            node = node.items[-1]
        else:
            return node.end


def _dash_index(text: str, item: Node) -> int:
    """Index of the ``-`` that introduces a block-sequence item.

    Between the dash and the item there may be spaces, line breaks, comments
    (``- # note`` with the value on the next line) and the item's properties.
    """
    i = item.start - 1
    while i >= 0:
        if text[i] in " \t\r\n":
            i -= 1
            continue
        if text[i] == "-" and (i == 0 or text[i - 1] in " \t\n"):
            return i
        start = _line_start(text, i)
        comment = _comment_start(text, start, i + 1)
        if comment < 0:
            break
        i = comment - 1
    line = text.count("\n", 0, item.start) + 1
    raise EditError(
        f"the list item at line {line} of the file has no dash of its own that the editor "
        "can find (a nested list on one line such as '- - a'); edit it by hand"
    )


def _comment_start(text: str, start: int, end: int) -> int:
    """Index of the ``#`` that starts a comment in ``text[start:end]`` (one line), or -1."""
    at = text.find("#", start, end)
    while at >= 0:
        if at == start or text[at - 1] in " \t":
            return at
        at = text.find("#", at + 1, end)
    return -1


def _only_spaces(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip(" \t")


def _check_no_alias(node: Node | None, where: str, text: str) -> None:
    """Refuse an edit of ``node`` (at ``where``) when it is an alias or holds an anchor or
    alias anywhere inside; the refusal names the first one and its line in ``text``."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, Alias) or n.anchor is not None:
            words = _property_words(text, n)
            if n is not node:
                cause = f"the value holds {words}"
            elif isinstance(n, Alias):
                cause = f"the value is {words}"
            else:
                cause = f"the value carries {words}"
            raise AliasEditError(where, cause)
        if isinstance(n, Mapping):
            for k, v in reversed(n.pairs):
                stack.extend((v, k))
        elif isinstance(n, Sequence):
            stack.extend(reversed(n.items))


def _property_words(text: str, node: Node) -> str:
    """``the anchor '&a' at line 3`` (or the alias), for an edit's refusal."""
    line = text.count("\n", 0, node.start) + 1
    if isinstance(node, Alias):
        return f"the alias '*{node.anchor}' at line {line}"
    return f"the anchor '&{node.anchor}' at line {line}"


# --- the splicer -------------------------------------------------------------------------------

_CHILD_CLASS: Final = {"provider": "Provider", "images": "Image", "related": "RelatedArticle"}


def _canonical_order(parts: AbcSequence[Part]) -> tuple[str, ...] | None:
    """The canonical key order of the mapping at ``parts`` (None for unknown mappings)."""
    from newsmeta import model

    name = "Article"
    for part in parts:
        if isinstance(part, int):
            continue
        child = _CHILD_CLASS.get(part)
        if child is None:
            return None
        name = child
    cls = getattr(model, name)
    return model.CANONICAL_KEY_ORDER[cls]


class _Splice(FrozenRecord):
    """One planned replacement of ``text[start:end]`` by ``new``.

    ``order`` ranks insertions at the same position: the lower one comes first in the
    text. ``container`` is the path of the mapping or list the insertion goes into, and
    ``key`` is True for a new mapping key.
    """

    __slots__ = ("container", "end", "key", "new", "order", "start")
    _fields = ("start", "end", "new", "order", "container", "key")

    start: int
    end: int
    new: str
    order: tuple[int, int]
    container: tuple[Part, ...]
    key: bool

    def __init__(
        self,
        start: int,
        end: int,
        new: str,
        order: tuple[int, int],
        container: tuple[Part, ...],
        key: bool,
    ) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "new", new)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "container", container)
        object.__setattr__(self, "key", key)


class _Splicer:
    """One text, its tree, and the splices that edit it.

    By default each splice is made at once (``text`` changes, the tree goes stale). With
    ``record``, splices are only collected in ``recorded``, each computed against the
    unchanged text and tree, for :func:`_join` to make all at once.
    """

    def __init__(
        self, text: str, split: Split, root: Node | None, style: _Layout, *, record: bool = False
    ) -> None:
        self.text = text
        self.split = split
        self.root = root
        self.style = style
        self.recorded: list[_Splice] | None = [] if record else None
        #: Where the splices of the op being applied go (see :class:`_Splice`).
        self.order: tuple[int, int] = (0, 0)
        self.container: tuple[Part, ...] = ()
        self.key = False

    def _splice(self, start: int, end: int, new: str) -> None:
        nl = self.style.newline
        if nl != "\n":
            new = new.replace("\n", nl)
        if self.recorded is not None:
            self.recorded.append(_Splice(start, end, new, self.order, self.container, self.key))
            return
        self.text = self.text[:start] + new + self.text[end:]

    def _walk(self, parts: AbcSequence[Part]) -> tuple[list[Node], Node | None, Node | None]:
        """Nodes along ``parts``: the chain of containers, the key node, the target node."""
        chain: list[Node] = []
        node = self.root
        key: Node | None = None
        for depth, part in enumerate(parts):
            if node is None:
                return chain, None, None
            chain.append(node)
            if node.anchor is not None or isinstance(node, Alias):
                outer = format_path(parts[:depth]) or "the front matter"
                words = _property_words(self.text, node)
                raise AliasEditError(
                    format_path(parts),
                    f"it is inside {outer}, which is {words}"
                    if isinstance(node, Alias)
                    else f"it is inside {outer}, which carries {words}",
                )
            if isinstance(node, Mapping) and isinstance(part, str):
                pair = node.get(part)
                key, node = pair if pair is not None else (None, None)
            elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
                key, node = None, node.items[part]
            else:
                return chain, None, None
        return chain, key, node

    # set -------------------------------------------------------------------------------------

    def set(self, parts: tuple[Part, ...], value: JSONValue, old_scalar: JSONValue) -> None:
        chain, key, node = self._walk(parts)
        where = format_path(parts)
        if node is None:
            parent = chain[-1] if chain else None
            if parent is None and len(parts) == 1:
                self._add_root_key(str(parts[0]), value)
                return
            if isinstance(parent, Mapping):
                self._add_key(parent, parts, value)
                return
            raise PathNotFoundError(where, "no such key or index")  # pragma: no cover
        _check_no_alias(node, where, self.text)
        parent = chain[-1]
        name = parts[-1] if isinstance(parts[-1], str) else _last_key(parts)
        flow = getattr(parent, "flow", False)
        if (
            flow
            and isinstance(key, Scalar)
            and key.plain
            and not key.value
            and isinstance(node, Scalar)
            and node.start == node.end
        ):
            # `{ ? }`: neither key nor value has text to place a new value by.
            line = self.text.count("\n", 0, key.start) + 1
            raise EditError(
                f"{where or repr('')}: the key at line {line} is empty (YAML reads it as "
                "null, not as a name) and has no value; write the key out first"
            )
        if isinstance(parent, Mapping) and not flow and key is not None:
            question = _explicit_without_value(self.text, key, node)
            if question >= 0:
                # `? key` with no `: value` line: the value gets its own line after the
                # key's, its `:` under the `?`.
                col = question - _line_start(self.text, question)
                head, rest = _value_lines(value, name, col, self.style)
                pos = _line_end(self.text, content_end(self.text, key))
                new = "".join(line + "\n" for line in [" " * col + ":" + head, *rest])
                if pos == len(self.text) or self.text[pos - 1] != "\n":
                    new = "\n" + new
                self._splice(pos, pos, new)
                return
        if isinstance(node, Scalar) and not isinstance(value, dict | list):
            if isinstance(parent, Mapping) and key is not None:
                owner = key.start - _line_start(self.text, key.start)
            elif node.style in ("|", ">") and not flow:
                dash = _dash_index(self.text, node)
                owner = dash - _line_start(self.text, dash)
            else:
                owner = 0
            self._replace_scalar(node, value, name, bool(flow), old_scalar, owner)
            return
        self._replace_subtree(parent, key, node, value, name)

    def _replace_scalar(
        self,
        node: Scalar,
        value: JSONValue,
        key: str | None,
        flow: bool,
        old: JSONValue,
        owner: int = 0,
    ) -> None:
        text = self.text
        start, end = node.start, node.end
        if node.style in ("|", ">"):
            end = _block_scalar_end(text, node)
        new: str | None = None
        if isinstance(value, str):
            # A plain timestamp replaced by another stays plain, except in a text field.
            stamp = _is_timestamp(value, key) or (
                node.plain
                and isinstance(old, str)
                and resolve_plain(node.value) == "timestamp"
                and not _is_text_key(key)
            )
            if node.style == "" and plain_ok(value, flow=flow, timestamp=stamp):
                new = value
            elif node.style == '"':
                new = double_quoted(value)
            elif node.style == "'" and single_ok(value):
                new = "'" + value.replace("'", "''") + "'"
            elif node.style in ("|", ">") and not flow:
                indent = self._block_indent(node)
                new = _block_scalar(value, node.style, indent, owner)
            if new is None:
                new = house_scalar(value, key, flow=flow)
                if node.style in ("|", ">"):
                    new += "\n"
        else:
            new = _plain_text(value)
            if node.style in ("|", ">"):
                new += "\n"
        if start == end:
            # An empty value (`key:` or `  - `) has no text of its own: its span sits
            # on the indicator's trailing space, or right after the indicator.
            if text[start : start + 1] == " ":
                start = end = start + 1
            elif text[start - 1 : start] not in (" ", "\t"):
                new = " " + new
            if text[start : start + 1] == "#":
                new += " "  # `key: # note`: the value goes before the comment
        self._splice(start, end, new)

    def _block_indent(self, node: Scalar) -> int:
        text = self.text
        first = text.find("\n", node.start) + 1
        for line in text[first : node.end].split("\n"):
            stripped = line.rstrip("\r")
            if stripped.strip(" "):
                return len(stripped) - len(stripped.lstrip(" "))
        line_start = _line_start(text, node.start)
        line = text[line_start : node.start]
        return len(line) - len(line.lstrip(" ")) + 2

    def _replace_subtree(
        self,
        parent: Node,
        key: Node | None,
        node: Node,
        value: JSONValue,
        name: str | None,
        *,
        emptied: bool = False,
    ) -> None:
        """Write ``value`` in place of ``node``; ``emptied`` when its last child is being
        removed, whose comment lines go with it (see :meth:`_own_comments_end`)."""
        text = self.text
        if getattr(parent, "flow", False):
            self._splice(node.start, content_end(text, node), flow_text(value, name))
            return
        end = _line_end(text, content_end(text, node))
        if isinstance(parent, Mapping):
            assert key is not None
            colon = text.index(":", key.end)
            col = key.start - _line_start(text, key.start)
            if emptied:
                end = self._own_comments_end(end, col)
            head, rest = _value_lines(value, name, col, self.style)
            self._splice(colon + 1, end, head + "\n" + "".join(line + "\n" for line in rest))
            return
        assert isinstance(parent, Sequence)
        dash = _dash_index(text, node)
        start = _line_start(text, dash)
        if not _only_spaces(text, start, dash):
            raise EditError(f"cannot rewrite the list item at {name!r}: nested inline lists")
        dash_col = dash - start
        content_col = node.start - start if _line_start(text, node.start) == start else dash_col + 2
        lines = _item_lines(value, dash_col, content_col, name, self.style)
        self._splice(start, end, "".join(line + "\n" for line in lines))

    def _add_root_key(self, key: str, value: JSONValue) -> None:
        # Empty front matter (only comments and blank lines): the key goes last.
        lines = _entry_lines(key, value, 0, self.style)
        pos = self.split.closing_start
        self._splice(pos, pos, "".join(line + "\n" for line in lines))

    def _add_key(self, mapping: Mapping, parts: tuple[Part, ...], value: JSONValue) -> None:
        text = self.text
        key = str(parts[-1])
        if mapping.flow:
            entry = f"{_key_text(key)}: {flow_text(value, key)}"
            if mapping.pairs:
                pos = content_end(text, mapping.pairs[-1][1])
                self._splice(pos, pos, ", " + entry)
            else:
                pos = text.rindex("}", mapping.start, mapping.end)
                self._splice(pos, pos, entry)
            return
        order = _canonical_order(parts[:-1])
        rank = {k: i for i, k in enumerate(order or ())}
        first_key = mapping.pairs[0][0]
        col = first_key.start - _line_start(text, first_key.start)
        lines = _entry_lines(key, value, col, self.style)
        block_value = isinstance(value, dict | list) and bool(value)
        top = len(parts) == 1 and self.style.blank_before_blocks
        after: tuple[Node, Node] | None = None
        before: tuple[Node, Node] | None = None
        if key in rank:
            mine = rank[key]
            lower = [p for p in mapping.pairs if rank.get(_scalar_value(p[0]), 1 << 30) < mine]
            if lower:
                after = max(lower, key=lambda p: rank[_scalar_value(p[0])])
            else:
                higher = [p for p in mapping.pairs if _scalar_value(p[0]) in rank]
                before = higher[0] if higher else None
        if after is None and before is None:
            after = mapping.pairs[-1]
        if after is not None:
            pos = _line_end(text, content_end(text, after[1]))
            after_block = isinstance(after[1], Mapping | Sequence) and not getattr(
                after[1], "flow", False
            )
            blank = "\n" if top and (block_value or after_block or opens_group(key)) else ""
            if _keeps_blank_lines(text, after[1]):
                blank = ""  # a blank line right after a ``|+`` scalar would be its content
            if pos == len(text) or (pos > 0 and text[pos - 1] != "\n"):
                blank = "\n" + blank
            self._splice(pos, pos, blank + "".join(line + "\n" for line in lines))
            return
        assert before is not None
        kstart = before[0].start
        start = _line_start(text, kstart)
        # The key it goes before keeps the blank line it opens its group with.
        before_block = isinstance(before[1], Mapping | Sequence) and not getattr(
            before[1], "flow", False
        )
        tail = (
            "\n"
            if top and (block_value or before_block or opens_group(_scalar_value(before[0])))
            else ""
        )
        if _only_spaces(text, start, kstart):
            self._splice(start, start, "".join(line + "\n" for line in lines) + tail)
        else:
            # The first key sits after a list dash: the new key takes its place there.
            new = "".join(line + "\n" for line in lines)[col:]
            self._splice(kstart, kstart, new + " " * col)

    # unset -----------------------------------------------------------------------------------

    def unset(self, parts: tuple[Part, ...]) -> None:
        chain, _key, node = self._walk(parts)
        where = format_path(parts)
        if node is None or not chain:  # pragma: no cover - resolved beforehand
            raise PathNotFoundError(where, "no such key or index")
        _check_no_alias(node, where, self.text)
        parent = chain[-1]
        text = self.text
        if isinstance(parent, Mapping):
            index = next(i for i, p in enumerate(parent.pairs) if p[1] is node)
            siblings: list[Node] = [p[0] for p in parent.pairs]
            first: Node = siblings[index]
        else:
            assert isinstance(parent, Sequence)
            index = parent.items.index(node)
            siblings = list(parent.items)
            first = node
        count = len(siblings)
        if getattr(parent, "flow", False):
            start = _flow_entry_start(text, first)
            if index < count - 1:
                self._splice(start, _flow_entry_start(text, siblings[index + 1]), "")
            elif index > 0:
                prev_end = content_end(text, _value_of(parent, index - 1))
                end = content_end(text, node)
                if node.start == end and not text[first.end : end].strip():
                    end = first.end  # an empty value with no `:` sits at the next token
                self._splice(prev_end, end, "")
            else:
                self._splice(start, content_end(text, node), "")
            return
        if count == 1 and len(chain) > 1:
            # The container would be left empty (null): write it as an empty flow one.
            grand = chain[-2]
            gparts = parts[:-1]
            _, gkey, _ = self._walk(gparts)
            self._replace_subtree(
                grand,
                gkey,
                parent,
                {} if isinstance(parent, Mapping) else [],
                _last_key(gparts),
                emptied=True,
            )
            return
        end = _line_end(text, content_end(text, node))
        if isinstance(parent, Sequence):
            dash = _dash_index(text, node)
            start = _line_start(text, dash)
            if not _only_spaces(text, start, dash):
                raise EditError(f"cannot remove {where}: the item shares its line with a dash")
            end = self._own_comments_end(end, dash - start)
            self._splice(self._blank_before(start, end, parent, index), end, "")
            return
        start = _line_start(text, first.start)
        if _only_spaces(text, start, first.start) or text[start : first.start].strip() == "?":
            # A key on its own line, or an explicit one (``? key`` then ``: value``): its
            # lines go, through the value's last line.
            end = self._own_comments_end(end, first.start - start)
            self._splice(self._blank_before(start, end, parent, index), end, "")
        elif index + 1 < count:
            # First key of a list item (``- url: ...``): the next key moves up after the dash.
            self._splice(first.start, siblings[index + 1].start, "")
        else:  # pragma: no cover - a lone key of a list item is handled above
            raise EditError(f"cannot remove {where}: it shares its line with other text")

    def _own_comments_end(self, end: int, column: int) -> int:
        """Where the lines of a removed key or item end, given ``end`` (after its last line
        of content) and ``column`` (its dash's or key's column): comment lines right after
        it that are indented deeper than ``column`` are written inside it, and go with it.
        A comment at ``column`` or left of it, or after a blank line, stays: it stands
        before what follows."""
        text = self.text
        limit = self.split.closing_start
        if not text[_line_start(text, end - 1) : end].strip():
            # It ends with a blank line (a `|+` scalar keeps it): a comment after it stays.
            return end
        while end < limit:
            found = text.find("\n", end, limit)
            line_end = limit if found < 0 else found + 1
            line = text[end:line_end]
            indent = len(line) - len(line.lstrip(" "))
            if indent <= column or not line[indent:].startswith("#"):
                break
            end = line_end
        return end

    def _blank_before(self, start: int, end: int, parent: Node, index: int) -> int:
        """Where removing the whole lines ``text[start:end]`` (child ``index`` of
        ``parent``) starts: one line earlier when they stand between two blank lines (or
        a blank line and the closing fence), so that a block set apart by blank lines
        leaves one blank line, not two. A blank line that a block scalar keeps (``|+``)
        is its content, and stays."""
        text = self.text
        if start <= self.split.yaml_start:
            return start
        previous = _line_start(text, start - 1)
        line = text[previous:start]
        if previous < self.split.yaml_start or line.strip(" \t\r\n"):
            return start
        if (
            line.strip("\r\n")
            and index > 0
            and _last_block_scalar(_value_of(parent, index - 1)) is not None
        ):
            # Spaces or a tab after a block scalar may be its content (a tab, or spaces
            # deeper than its indentation): the line stays.
            return start
        after = text.find("\n", end)
        following = text[end : len(text) if after < 0 else after + 1]
        if end < self.split.closing_start and following.strip(" \t\r\n"):
            return start
        if index > 0 and _keeps_blank_lines(text, _value_of(parent, index - 1)):
            return start
        return previous

    # rename ----------------------------------------------------------------------------------

    def rename(self, parts: tuple[Part, ...], new_key: str) -> None:
        chain, key, node = self._walk(parts)
        where = format_path(parts)
        parent = chain[-1] if chain else None
        if key is None or node is None or not isinstance(parent, Mapping):
            raise PathNotFoundError(where, "no such key")  # pragma: no cover - resolved before
        if parent.get(new_key) is not None:
            raise EditError(f"cannot rename {where}: the mapping already has {new_key!r}")
        _check_no_alias(key, where, self.text)
        self._splice(key.start, key.end, _key_text(new_key))

    # quote -----------------------------------------------------------------------------------

    def quote(self, parts: tuple[Part, ...]) -> bool:
        """Double-quote the plain scalar at ``parts``; False when it is not plain."""
        _, _, node = self._walk(parts)
        where = format_path(parts)
        if not isinstance(node, Scalar):  # pragma: no cover - checked beforehand
            raise EditError(f"{where} is not a single value")
        _check_no_alias(node, where, self.text)
        if not node.plain:
            return False
        self._splice(node.start, node.end, double_quoted(node.value))
        return True

    # insert ----------------------------------------------------------------------------------

    def insert(self, parts: tuple[Part, ...], index: int | None, value: JSONValue) -> None:
        chain, key, node = self._walk(parts)
        where = format_path(parts)
        if not isinstance(node, Sequence):  # pragma: no cover - checked beforehand
            raise EditError(f"{where} is not a list")
        if node.anchor is not None:
            # Its items may carry anchors: a new item leaves them as they are.
            raise AliasEditError(where, f"the list carries {_property_words(self.text, node)}")
        text = self.text
        items = node.items
        n = len(items)
        at = n if index is None else index
        name = _last_key(parts)
        if node.flow:
            if not items:
                parent = chain[-1] if chain else None
                if isinstance(parent, Mapping) and not parent.flow:
                    self._replace_subtree(parent, key, node, [value], name)
                    return
                pos = text.rindex("]", node.start, node.end)
                self._splice(pos, pos, flow_text(value, name))
            elif at >= n:
                pos = content_end(text, items[-1])
                self._splice(pos, pos, ", " + flow_text(value, name))
            else:
                pos = items[at].start
                self._splice(pos, pos, flow_text(value, name) + ", ")
            return
        sibling = items[min(at, n - 1)]
        dash = _dash_index(text, sibling)
        start = _line_start(text, dash)
        if not _only_spaces(text, start, dash):
            raise EditError(f"cannot add to {where}: its items share a line with another dash")
        dash_col = dash - start
        content_col = (
            sibling.start - start if _line_start(text, sibling.start) == start else dash_col + 2
        )
        if isinstance(sibling, Scalar) and sibling.start == sibling.end:
            content_col = dash_col + 2  # a null item (`- `): nothing to align with
        lines = _item_lines(value, dash_col, content_col, name, self.style)
        new = "".join(line + "\n" for line in lines)
        if at >= n:
            pos = _line_end(text, content_end(text, items[-1]))
            if pos == len(text) or text[pos - 1] != "\n":
                new = "\n" + new
            self._splice(pos, pos, new)
        else:
            self._splice(start, start, new)


def _flow_entry_start(text: str, key: Node) -> int:
    """Where the flow-mapping entry of ``key`` starts: at its ``?`` when it is an explicit
    key (``{ ? a: 1 }``), else at the key."""
    at = key.start
    while at > 0 and text[at - 1] in " \t\r\n":
        at -= 1
    return at - 1 if at > 0 and text[at - 1] == "?" else key.start


def _explicit_without_value(text: str, key: Node, value: Node) -> int:
    """The index of the ``?`` of an explicit block key (``? key``) that has no ``:`` value
    indicator (its value is empty), or -1."""
    if not isinstance(value, Scalar) or value.start != value.end or value.value:
        return -1
    line = _line_start(text, key.start)
    head = text[line : key.start]
    if head.strip() != "?":
        return -1
    at = content_end(text, key)
    while at < len(text):
        char = text[at]
        if char == "#":
            at = _line_end(text, at)
        elif char in " \t\r\n":
            at += 1
        else:
            break
    if at < len(text) and text[at] == ":" and text[at + 1 : at + 2] in ("", " ", "\t", "\r", "\n"):
        return -1
    return line + head.index("?")


def _value_of(parent: Node, index: int) -> Node:
    if isinstance(parent, Mapping):
        return parent.pairs[index][1]
    assert isinstance(parent, Sequence)
    return parent.items[index]


def _scalar_value(node: Node) -> str:
    return node.value if isinstance(node, Scalar) else ""


def _last_key(parts: AbcSequence[Part]) -> str | None:
    for part in reversed(parts):
        if isinstance(part, str):
            return part
    return None


def _detect_style(text: str, split: Split, root: Node | None) -> _Style:
    """The file's line ending, block-sequence offset and blank-line habit.

    The habit is judged on the top-level keys after the first that hold a block
    collection or open a group (:func:`opens_group`): a blank line before any of them
    means blank lines. A file with no such key shows no habit and gets the house style's.
    """
    seq_offset = 2
    blank = False
    evidence = False
    found_offset = False
    if isinstance(root, Mapping) and not root.flow:
        for index, (key, value) in enumerate(root.pairs):
            block = isinstance(value, Mapping | Sequence) and not value.flow
            start = _line_start(text, key.start)
            if index and (block or (isinstance(key, Scalar) and opens_group(key.value))):
                evidence = True
                if start > 0 and not text[_line_start(text, start - 1) : start].strip():
                    blank = True
            if not block:
                continue
            if isinstance(value, Sequence) and value.items and not found_offset:
                dash = _dash_index(text, value.items[0])
                seq_offset = max(0, dash - _line_start(text, dash) - (key.start - start))
                found_offset = True
            if blank and found_offset:
                break  # nothing later changes either
    return _Style(split.newline, seq_offset, blank or not evidence)


class _FileStyle:
    """The file's style (:func:`_detect_style`), judged only when an edit needs it.

    The line ending is known from the fences; the block-sequence offset and the
    blank-line habit take a walk of the top-level keys, which only a new key or a new
    block list needs: replacing a scalar or adding a scalar item to a list never asks.
    """

    __slots__ = ("_judged", "_root", "_split", "_text", "newline")

    def __init__(self, text: str, split: Split, root: Node | None) -> None:
        self.newline = split.newline
        self._text = text
        self._split = split
        self._root = root
        self._judged: _Style | None = None

    def _judge(self) -> _Style:
        judged = self._judged
        if judged is None:
            judged = self._judged = _detect_style(self._text, self._split, self._root)
        return judged

    @property
    def seq_offset(self) -> int:
        """See :attr:`_Style.seq_offset`."""
        return self._judge().seq_offset

    @property
    def blank_before_blocks(self) -> bool:
        """See :attr:`_Style.blank_before_blocks`."""
        return self._judge().blank_before_blocks


#: What lays out new block text: a style known in advance, or a file's, judged on use.
_Layout: TypeAlias = _Style | _FileStyle


# --- applying ----------------------------------------------------------------------------------


def _prepare(data: JSONValue, op: Op) -> Op:
    """Make an op concrete against ``data``: resolve indices, create missing parents."""
    if isinstance(op, QuoteOp):
        parts = resolve(data, op.parts)
        if not isinstance(get(data, parts), str):
            raise EditError(f"{format_path(parts)} is not text: quoting it would change its value")
        return QuoteOp(tuple(parts))
    if isinstance(op, RenameOp):
        parts = resolve(data, op.parts)
        parent = get(data, parts[:-1])
        if not isinstance(parent, dict) or not isinstance(parts[-1], str):
            raise EditError(f"{format_path(parts)} is not a key of a mapping")
        if parts[-1] not in parent:
            raise PathNotFoundError(format_path(parts), "no such key")
        if not op.new_key:
            raise EditError("a key cannot be renamed to the empty string")
        if op.new_key in parent and op.new_key != parts[-1]:
            raise EditError(
                f"cannot rename {format_path(parts)}: the mapping already has {op.new_key!r}"
            )
        return RenameOp(tuple(parts), op.new_key)
    if isinstance(op, InsertOp):
        parts = resolve(data, op.parts)
        target: JSONValue
        try:
            target = get(data, parts)
        except PathNotFoundError:
            return SetOp(tuple(parts), [op.value])
        if target is None:
            return SetOp(tuple(parts), [op.value])
        if not isinstance(target, list):
            raise EditError(f"{format_path(parts)} is not a list")
        index = op.index
        if index is not None:
            n = len(target)
            index = index + n if index < 0 else index
            if not 0 <= index <= n:
                raise PathNotFoundError(format_path(parts), f"index {op.index} is out of range")
        return InsertOp(tuple(parts), index, op.value)
    # Missing parents of a set are created: the first missing key takes the nested rest.
    node = data
    for i, part in enumerate(op.parts[:-1]):
        if (
            isinstance(node, dict)
            and isinstance(part, str)
            and (part not in node or node[part] is None)
        ):
            if isinstance(op, UnsetOp):
                raise PathNotFoundError(format_path(op.parts[: i + 1]), "no such key")
            value = op.value
            for inner in reversed(op.parts[i + 1 :]):
                if not isinstance(inner, str):
                    raise PathNotFoundError(format_path(op.parts[: i + 2]), "no such list")
                value = {inner: value}
            return SetOp(tuple(resolve(data, op.parts[: i + 1])), value)
        if isinstance(node, dict) and isinstance(part, str):
            node = node[part]
        elif isinstance(node, list):
            node = get(node, resolve(node, [part]))
        else:
            break
    parts = resolve(data, op.parts)
    if isinstance(op, UnsetOp):
        get(data, parts)
        return UnsetOp(tuple(parts))
    return SetOp(tuple(parts), op.value)


def apply(
    analysis: Analysis,
    ops: AbcSequence[Op],
    *,
    path: str | None = None,
    intent: JSONValue = None,
    view: QuickView | None = None,
) -> Analysis:
    """Apply ``ops`` to the analysed text and return the analysis of the result.

    The ops are applied in order to the JSON view, which gives the intended data; the
    difference between the old view and the intent (see :func:`diff_data`) is then spliced
    into the text in one pass over the tree already built (a single op is spliced as
    given), and the result is analysed once: its JSON view must equal the intent. An op
    that changes nothing is skipped, so a document edited to its own values keeps its
    exact text.

    ``path`` is the file's name, for rules that look at it. ``intent``, when given, is the
    new view that ``ops`` came from (``ops == diff_data(analysis.data, intent)``): they are
    then spliced as they are, without being applied to a copy of the view first.
    ``view``, when given, is the line reader's view of the analysed text (with its
    spans): the result is then read again only where it changed (see
    :func:`~newsmeta._quick.rescan`), which gives what reading all of it would.
    Raises :class:`~newsmeta.errors.EditError` (or a subclass: InvalidPathError,
    PathNotFoundError, AliasEditError, VerificationError) and changes nothing then.
    """
    split = analysis.split
    if split is None or not analysis.readable or not isinstance(analysis.data, dict):
        first = next((p for p in analysis.problems if p.severity == "error"), None)
        why = (
            f": line {first.line}: {first.code}: {first.message}"
            if first is not None
            else "; fix its fences and YAML first"
        )
        raise EditError("the front matter cannot be read as a mapping" + why)
    old = analysis.data
    if intent is not None:
        plan = list(ops)
        if not plan:
            return analysis
        return _splice_and_verify(analysis, plan, intent, path, view=view)
    intent = _copy(old)
    prepared: list[Op] = []
    for raw_op in ops:
        op = _prepare(intent, raw_op)
        if isinstance(op, SetOp):
            current, exists = _current(intent, op.parts)
            if exists and same(current, op.value):
                continue
        elif isinstance(op, RenameOp) and op.parts[-1] == op.new_key:
            continue
        prepared.append(op)
        intent = _apply_data(intent, op)
    if not prepared:
        return analysis
    plan = prepared if _as_given(prepared, old) else diff_data(old, intent)
    if not plan:
        return analysis  # the ops cancel out
    return _splice_and_verify(analysis, plan, intent, path, one_by_one=plan is prepared, view=view)


def _splice_and_verify(
    analysis: Analysis,
    plan: list[Op],
    intent: JSONValue,
    path: str | None,
    *,
    one_by_one: bool = False,
    view: QuickView | None = None,
) -> Analysis:
    """Splice ``plan`` into the analysed text and verify the result reads as ``intent``
    (``view``: see :func:`apply`)."""
    split = analysis.split
    assert split is not None
    old = analysis.data
    # The splices look into the keys the plan names; of the others, only where they are.
    touched = frozenset(str(op.parts[0]) for op in plan if op.parts)
    root = _splice_root(analysis, view, touched if all(op.parts for op in plan) else None)
    if any(isinstance(op, UnsetOp) for op in plan) and any(isinstance(op, SetOp) for op in plan):
        plan = _moved_with_style(plan, root, old)
    text = None
    # The part of the text the splices replaced, when known: only it is read again.
    changed: tuple[int, int] | None = None
    if len(plan) == 1 or not one_by_one:
        spliced = _splice_at_once(analysis.text, split, root, plan, old)
        if spliced is not None:
            text, changed = spliced
    if text is None:
        text = _splice_one_by_one(analysis.text, split, root, plan, old)
    if text == analysis.text:
        return analysis  # quoting what was quoted already
    # The re-read finds what the full analysis would (a differential test holds them
    # equal), the cheapest way: a clean result needs no node tree until one is asked for,
    # and its rules (warnings) run only when its problems are.
    result = _read_again(analysis, text, path, view, changed)
    if not result.readable or not same(result.data, intent):
        # Name the cause when the re-read stopped at a limit or a syntax error.
        before = {(p.code, p.pointer) for p in analysis.problems}
        cause = next(
            (
                p
                for p in result.problems
                if (p.code, p.pointer) not in before
                and p.code.startswith(("limit-", "yaml-", "fence-"))
            ),
            None,
        )
        if cause is not None:
            detail = f" ({cause.code}: {cause.message})"
        elif result.readable:
            where, expected, actual = _first_difference(intent, result.data)
            detail = (
                f": at {format_path(where) or 'the top level'} it would read "
                f"{_shown(actual)} instead of {_shown(expected)}"
            )
        else:
            detail = ""
        raise VerificationError(
            "the edited text does not read back as the intended data; nothing was changed" + detail,
            intent,
            result.data,
        )
    return result


def _splice_root(
    analysis: Analysis, view: QuickView | None, only: frozenset[str] | None
) -> Node | None:
    """The tree to splice ``analysis`` against: ``analysis.tree(only)``, or, for a text
    the line reader read whose tree is not built yet (``view`` is its view), a root
    whose top-level entries are read one by one as they are asked for
    (:class:`_EntryRoot`)."""
    from newsmeta._quick import LINE_READER_SOURCE

    split = analysis.split
    data = analysis.data
    if (
        only is None
        or view is None
        or split is None
        or analysis.tree_limits is None  # the tree is built: it costs nothing more
        or view.event_source is not LINE_READER_SOURCE
        or view.offset != split.yaml_start
        or not isinstance(data, dict)
    ):
        return analysis.tree(only)
    root = _entry_root(split.yaml, split.yaml_start, list(data), lambda: analysis.tree(only))
    return root if root is not None else analysis.tree(only)


def _entry_root(
    text: str, offset: int, keys: list[str], whole: Callable[[], Node | None]
) -> _EntryRoot | None:
    """An :class:`_EntryRoot` of ``text``, the YAML text the line reader read as a
    mapping of ``keys`` (at ``offset`` in the file), whose whole tree ``whole`` builds;
    None when its first key's line is not found."""
    if not keys:
        return None
    first = 0 if text.startswith(keys[0] + ":") else text.find("\n" + keys[0] + ":") + 1
    if not first and not text.startswith(keys[0] + ":"):
        return None
    return _EntryRoot(text, offset, first, keys, whole)


#: The slot that holds a mapping's pairs, under :class:`_EntryRoot`'s property.
_PAIRS: Final[Any] = Mapping.__dict__["pairs"]


class _EntryRoot(Mapping):
    """The top-level mapping of a YAML text the line reader read, for an edit that looks
    into a few of its keys: the nodes of an entry are read from its own lines when
    :meth:`get` first asks for its key, and ``pairs`` (every entry) are the whole tree's,
    built on first use.

    The line reader reads a mapping whose top-level keys are plain names at the left
    margin, each once, every other line of it being indented, blank or a comment: an
    entry's lines run from its key's line to the next key's line (``keys`` are the keys
    in the text's order), and its nodes, read from those lines alone at the same place in
    the file, are the whole tree's (the reader's state at a top-level key's line does not
    depend on the lines before it, and a block collection ends where the next key starts).
    ``whole`` builds the whole tree: it is built, and its pairs taken, whenever ``pairs``
    is asked for or an entry's lines are of a shape that only the whole read can tell.
    The entries handed out before stay the ones in ``pairs`` (an edit finds a child among
    its parent's pairs by identity).
    """

    __slots__ = ("_entries", "_keys", "_offset", "_text", "_whole")

    def __init__(
        self,
        text: str,
        offset: int,
        first: int,
        keys: list[str],
        whole: Callable[[], Node | None],
    ) -> None:
        super().__init__(offset + first, offset + len(text), None, None, False)
        self._text = text
        self._offset = offset
        self._keys = keys
        self._whole: Callable[[], Node | None] | None = whole
        self._entries: dict[str, tuple[Node, Node]] = {}

    @property
    def pairs(self) -> list[tuple[Node, Node]]:
        whole = self._whole
        if whole is not None:
            self._whole = None
            root = whole()
            if not isinstance(root, Mapping):  # pragma: no cover - the reader read a mapping
                raise VerificationError("the front matter is not a mapping", None, None)
            entries = self._entries
            pairs = [
                entries.get(key.value, (key, value)) if isinstance(key, Scalar) else (key, value)
                for key, value in root.pairs
            ]
            _PAIRS.__set__(self, pairs)
            self.start, self.end = root.start, root.end
        held: list[tuple[Node, Node]] = _PAIRS.__get__(self)
        return held

    @pairs.setter
    def pairs(self, pairs: list[tuple[Node, Node]]) -> None:
        _PAIRS.__set__(self, pairs)

    def get(self, key: str) -> tuple[Node, Node] | None:
        """The pair of the string ``key`` (read from its lines), or None."""
        if self._whole is None:
            return super().get(key)
        found = self._entries.get(key)
        if found is None:
            if key not in self._keys:
                return None  # the keys read are the tree's
            found = self._entry(key)
            if found is None:
                self.pairs  # noqa: B018 - only the whole read can tell: make it
                return super().get(key)
            self._entries[key] = found
        return found

    def named(self, key: str) -> list[tuple[Node, Node]]:
        """Every pair of the string ``key``: one at most until the whole tree is read (the
        line reader reads no key twice)."""
        if self._whole is not None:
            found = self.get(key)
            if self._whole is not None:  # still not read whole
                return [] if found is None else [found]
        return [(k, v) for k, v in self.pairs if isinstance(k, Scalar) and k.value == key]

    def _entry(self, key: str) -> tuple[Node, Node] | None:
        """The pair of ``key`` read from its own lines; None when only the whole read
        can tell."""
        from newsmeta._quick import line_tree

        keys = self._keys
        number = keys.index(key)
        text = self._text
        start = self.start - self._offset  # the first key's line
        if number:
            start = text.find("\n" + key + ":", start) + 1
            if not start:  # pragma: no cover - every key has its line
                return None
        end = len(text)
        if number + 1 < len(keys):
            end = text.find("\n" + keys[number + 1] + ":", start) + 1
            if not end:  # pragma: no cover - every key has its line
                return None
        part = line_tree(text[start:end], self._offset + start)
        if not isinstance(part, Mapping) or len(part.pairs) != 1:
            return None
        found = part.pairs[0]
        name = found[0]
        return found if isinstance(name, Scalar) and name.value == key else None


def _read_again(
    analysis: Analysis,
    text: str,
    path: str | None,
    view: QuickView | None,
    changed: tuple[int, int] | None = None,
) -> Analysis:
    """The analysis of ``text``, an edit of the analysed text, as
    ``analyse_quickly(text, path=path, rules=False)`` gives it: with ``view`` (the line
    reader's view of the analysed text), only the top-level entries the edit changed
    are read again when the edit stays inside the YAML text (see
    :func:`~newsmeta._quick.rescan`). ``changed``, when known, is the part of the
    analysed text the edit replaced (else the texts are compared to find it)."""
    read = _quick_reread(analysis, text, view, changed) if view is not None else None
    if read is None:
        result, _ = analyse_quickly(text, path=path, rules=False)
        return result
    split, new_view = read
    return analyse_view(text, split, new_view, path, rules=False)


def _quick_reread(
    analysis: Analysis, text: str, view: QuickView, changed: tuple[int, int] | None = None
) -> tuple[Split, QuickView] | None:
    """:func:`~newsmeta._check.quick_read` of ``text``, found from ``view``, the line
    reader's view of the analysed text; None when only reading ``text`` whole can tell."""
    from newsmeta._frontmatter import Split, split_front_matter
    from newsmeta._quick import rescan

    old_split = analysis.split
    split = split_front_matter(text)
    if not isinstance(split, Split) or old_split is None:
        return None
    old_text = analysis.text
    start = split.yaml_start
    delta = len(text) - len(old_text)
    if start != old_split.yaml_start or len(split.yaml) - len(old_split.yaml) != delta:
        return None  # the fences moved: the change is not inside the YAML text alone
    if "\x00" in text or "\r" in text or "\x85" in split.yaml:
        return None  # what quick_read looks at more closely
    if changed is None:
        lo, hi = _changed(old_split.yaml, split.yaml)
    else:
        lo, hi = changed[0] - start, changed[1] - start
        if lo < 0 or hi > len(old_split.yaml):
            return None  # a fence or the body changed too
    new_view = rescan(view, old_split.yaml, split.yaml, lo, hi)
    return None if new_view is None else (split, new_view)


def _changed(old: str, new: str) -> tuple[int, int]:
    """``lo`` and ``hi`` such that ``new`` is ``old`` with ``old[lo:hi]`` replaced, as
    short a part as can be: the texts agree before ``lo`` and after ``hi``."""
    shorter = min(len(old), len(new))
    # The longest common beginning and end, by halving (each comparison is one memcmp).
    low, high = 0, shorter
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    lo = low
    low, high = 0, shorter - lo
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle :] == new[len(new) - middle :]:
            low = middle
        else:
            high = middle - 1
    return lo, len(old) - low


def _moved_with_style(plan: list[Op], root: Node | None, old: JSONValue) -> list[Op]:
    """``plan`` with each string it moves to a new key (``.new = .old | del(.old)``, a
    rename through ``with_entries``) marked with the quoting it had, so that a YAML 1.1
    reader (PyYAML, Jekyll) reads the same type as before: a quoted string stays quoted
    (a date would become a timestamp), a plain timestamp stays plain. The source is a
    string scalar the plan removes, with that text; all such sources must agree."""
    styles: dict[str, set[str]] = {}
    for op in plan:
        if isinstance(op, UnsetOp):
            value, _ = _current(old, op.parts)
            _, node = find_node(root, list(op.parts))
            if isinstance(value, str) and isinstance(node, Scalar):
                quoted = node.style in ("'", '"')
                styles.setdefault(value, set()).add("quoted" if quoted else node.style)
    moved: list[Op] = []
    for op in plan:
        text = op.value if isinstance(op, SetOp) else None
        # Only a new key: an existing one keeps its own quoting.
        if isinstance(text, str) and len(styles.get(text, ())) == 1:
            style = next(iter(styles[text]))
            if not _current(old, op.parts)[1]:
                if style == "quoted":
                    op = SetOp(op.parts, Quoted(text))
                elif style == "" and resolve_plain(text) == "timestamp":
                    op = SetOp(op.parts, Stamp(text))
        moved.append(op)
    return moved


def _first_difference(
    expected: JSONValue, actual: JSONValue, where: tuple[Part, ...] = ()
) -> tuple[tuple[Part, ...], JSONValue, JSONValue]:
    """The first place where ``actual`` is not ``expected``, and the two values there."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            if key not in actual:
                return (*where, key), expected[key], None
            if not same(expected[key], actual[key]):
                return _first_difference(expected[key], actual[key], (*where, key))
        extra = next((key for key in actual if key not in expected), None)
        if extra is not None:
            return (*where, extra), None, actual[extra]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            if not same(a, b):
                return _first_difference(a, b, (*where, index))
    return where, expected, actual


def _shown(value: JSONValue) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def refuse_duplicates(text: str, root: Node | None, parts: AbcSequence[Part]) -> None:
    """Raise :class:`~newsmeta.errors.DuplicateKeyEditError` when ``parts`` (concrete)
    go through a key that one mapping defines more than once."""
    node = root
    for i, part in enumerate(parts):
        if isinstance(node, Mapping) and isinstance(part, str):
            # An edit's root reads only the entries asked for; any other mapping is whole.
            if isinstance(node, _EntryRoot):
                found = node.named(part)
            else:
                found = [(k, v) for k, v in node.pairs if isinstance(k, Scalar) and k.value == part]
            if len(found) > 1:
                lines = [text.count("\n", 0, k.start) + 1 for k, _ in found]
                raise DuplicateKeyEditError(format_path(parts[: i + 1]), lines)
            if not found:
                return
            node = found[0][1]
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            return


def _current(data: JSONValue, parts: AbcSequence[Part]) -> tuple[JSONValue, bool]:
    """The value at ``parts`` and True, or None and False when there is none."""
    try:
        return get(data, parts), True
    except PathNotFoundError:
        return None, False


def _as_given(prepared: list[Op], old: JSONValue) -> bool:
    """True when ``prepared`` is spliced as it is rather than as the difference of data.

    A single insert or unset keeps its exact place (inserting an item equal to its
    neighbour, say); so does a single set, unless it replaces a list or mapping by
    another, which is spliced item by item like any other difference. A rename is a
    rename, not a removal and an addition, and quoting changes no data: ops with either
    are spliced as given, one by one.
    """
    if any(isinstance(op, RenameOp | QuoteOp) for op in prepared):
        return True
    if len(prepared) != 1:
        return False
    op = prepared[0]
    if not isinstance(op, SetOp) or not isinstance(op.value, dict | list):
        return True
    current, _ = _current(old, op.parts)
    return not isinstance(current, dict | list)


def _run(splicer: _Splicer, op: Op, data: JSONValue) -> None:
    """Splice ``op``; ``data`` is the view the splicer's tree reads as."""
    refuse_duplicates(splicer.text, splicer.root, op.parts)
    if isinstance(op, QuoteOp):
        splicer.quote(op.parts)  # a value already quoted needs no splice
    elif isinstance(op, SetOp):
        current, _ = _current(data, op.parts)
        splicer.set(op.parts, op.value, current)
    elif isinstance(op, UnsetOp):
        splicer.unset(op.parts)
    elif isinstance(op, RenameOp):
        splicer.rename(op.parts, op.new_key)
    else:
        splicer.insert(op.parts, op.index, op.value)


def _placement(op: Op, index: int) -> tuple[tuple[int, int], tuple[Part, ...], bool]:
    """How an insertion by ``op`` (the ``index``-th of its plan) ranks against others
    at the same position: deeper containers first (an item appended to a list comes
    before the key that follows the list), new keys in canonical order, list items in
    reverse plan order (:func:`diff_data` lists a run of inserted items backwards)."""
    if isinstance(op, InsertOp):
        return (-len(op.parts), -index), op.parts, False
    container = op.parts[:-1]
    order = _canonical_order(container) if isinstance(op, SetOp) else None
    rank = {k: i for i, k in enumerate(order or ())}.get(str(op.parts[-1]), (1 << 20) + index)
    return (-len(container), rank), container, isinstance(op, SetOp)


def _splice_at_once(
    text: str, split: Split, root: Node | None, plan: list[Op], data: JSONValue
) -> tuple[str, tuple[int, int]] | None:
    """``text`` with every op of ``plan`` spliced in, each computed against the one tree
    ``root``, and the part of ``text`` the splices replaced (from the first one's start
    to the last one's end); None when two splices would overlap (their order would
    matter).

    Every op's path must name the same thing in ``data`` (the view ``root`` reads as) as
    after the ops before it: true of a single op and of :func:`diff_data`'s plans.
    """
    splicer = _Splicer(text, split, root, _FileStyle(text, split, root), record=True)
    for index, op in enumerate(plan):
        splicer.order, splicer.container, splicer.key = _placement(op, index)
        _run(splicer, op, data)
    recorded = splicer.recorded
    assert recorded is not None
    joined = _join(text, recorded)
    if joined is None:
        return None
    if not recorded:
        return joined, (0, 0)
    return joined, (min(s.start for s in recorded), max(s.end for s in recorded))


def _join(text: str, splices: list[_Splice]) -> str | None:
    """Make ``splices`` (computed against ``text``) at once; None when two overlap, or
    two new keys of one mapping would go to the same place (the blank lines between
    them depend on their order: the one-by-one path knows it)."""
    pieces: list[str] = []
    pos = 0
    previous: _Splice | None = None
    for splice in sorted(splices, key=lambda s: (s.start, s.end, s.order)):
        if splice.start < pos:
            return None
        if (
            previous is not None
            and previous.start == previous.end == splice.start == splice.end
            and (previous.order == splice.order or previous.container == splice.container)
            and (previous.key or splice.key)
        ):
            return None
        pieces.append(text[pos : splice.start])
        pieces.append(splice.new)
        pos = splice.end
        previous = splice
    pieces.append(text[pos:])
    return "".join(pieces)


def _splice_one_by_one(
    text: str, split: Split, root: Node | None, plan: list[Op], data: JSONValue
) -> str:
    """``text`` with the ops of ``plan`` spliced in order, the tree re-read after each."""
    from newsmeta._frontmatter import split_front_matter

    view = _copy(data)
    for op in plan:
        splicer = _Splicer(text, split, root, _FileStyle(text, split, root))
        _run(splicer, op, view)
        view = _apply_data(view, op)
        text = splicer.text
        new_split = split_front_matter(text)
        if not isinstance(new_split, type(split)):
            raise VerificationError("the edit broke the front-matter fences", view, None)
        split = new_split
        root = compose(split.yaml, split.yaml_start).root
    return text


# --- the difference of two views ------------------------------------------------------------------


def diff_data(old: JSONValue, new: JSONValue, parts: tuple[Part, ...] = ()) -> list[Op]:
    """The ops that turn the view ``old`` into ``new``, touching only what changed.

    - Mappings are compared key by key: removed keys are unset, new keys set, and the
      values of common keys compared in turn.
    - Lists are aligned item by item (a longest-matching-run alignment, as ``diff``
      does for lines): removed items are unset, inserted items inserted where they
      appear, and a changed item (paired with the old item it resembles most) is
      compared in turn; a list or mapping emptied becomes ``[]`` or ``{}``.
    - Anything else that changed is set.

    Applied in order, the ops give ``new``; every op's path also names the same node in
    ``old`` (list ops run from the end of the list to its start), so all of them can be
    spliced against the text ``old`` was read from. Raises EditError when ``new`` is not
    a mapping at the top.
    """
    if same(old, new):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        if parts and not any(key in new for key in old):
            # Nothing of the old mapping stays: it is written anew (``{}`` when empty).
            return [SetOp(parts, new)]
        ops: list[Op] = []
        for key in old:
            if key not in new:
                ops.append(UnsetOp((*parts, key)))
        for key, value in new.items():
            if key in old:
                ops.extend(diff_data(old[key], value, (*parts, key)))
            else:
                ops.append(SetOp((*parts, key), value))
        return ops
    if isinstance(old, list) and isinstance(new, list) and parts and old and new:
        return _diff_list(old, new, parts)
    if not parts:
        raise EditError("the whole front matter cannot be replaced by a non-mapping")
    return [SetOp(parts, new)]


def _diff_list(old: list[JSONValue], new: list[JSONValue], parts: tuple[Part, ...]) -> list[Op]:
    ends = _diff_at_end(old, new, parts)
    return ends if ends is not None else _aligned(old, new, parts)


def _diff_at_end(
    old: list[JSONValue], new: list[JSONValue], parts: tuple[Part, ...]
) -> list[Op] | None:
    """The ops of :func:`_aligned` when one list is the other with items added or
    removed at its end (``.topics += ["AI"]``), found without aligning; else None.

    The alignment would keep the shorter list's items where they are (the longest
    matching run is all of them, and of the runs that long it takes the earliest), and
    add or remove the rest at the end, last first.
    """
    n, m = len(old), len(new)
    shorter = min(n, m)
    for a, b in zip(old, new, strict=False):
        if a is not b and _item_key(a) != _item_key(b):  # equal as the alignment sees them
            return None
    if m > n:
        return [InsertOp(parts, n, new[j]) for j in range(m - 1, n - 1, -1)]
    return [UnsetOp((*parts, i)) for i in range(n - 1, shorter - 1, -1)]


def _aligned(old: list[JSONValue], new: list[JSONValue], parts: tuple[Part, ...]) -> list[Op]:
    """The ops of :func:`diff_data` for two lists, by aligning their items."""
    import difflib

    matcher = difflib.SequenceMatcher(
        None, [_item_key(v) for v in old], [_item_key(v) for v in new], autojunk=False
    )
    blocks = [
        (tag, i1, i2, j1, j2, [] if tag == "equal" else _pair_items(old[i1:i2], new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    if not any(tag == "equal" or pairs for tag, *_, pairs in blocks):
        # No old item stays: the list is written anew.
        return [SetOp(parts, new)]
    ops: list[Op] = []
    # From the end of the list to its start, so that every index is still an index into
    # ``old`` when its op runs.
    for tag, i1, i2, j1, j2, pairs in reversed(blocks):
        if tag == "equal":
            continue
        # Between two kept (paired) items, or after the last one: the new items of the
        # gap go before the next kept item, the old items of the gap are removed.
        bounds = [(-1, -1), *pairs, (i2 - i1, j2 - j1)]
        for (a0, b0), (a1, b1) in reversed(list(itertools.pairwise(bounds))):
            if a1 < i2 - i1:
                ops.extend(diff_data(old[i1 + a1], new[j1 + b1], (*parts, i1 + a1)))
            ops.extend(InsertOp(parts, i1 + a1, new[j1 + b]) for b in range(b1 - 1, b0, -1))
            ops.extend(UnsetOp((*parts, i1 + a)) for a in range(a1 - 1, a0, -1))
    return ops


def _item_key(value: JSONValue) -> str:
    """A list item as text for alignment: equal exactly when :func:`same` says so."""
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


#: Past this many candidate pairs, a changed block of a list is paired by position.
_MAX_PAIRING: Final = 10_000


def _pair_items(old: list[JSONValue], new: list[JSONValue]) -> list[tuple[int, int]]:
    """Which items of a changed block correspond, in order: the pairing that keeps the
    most in common (mappings: equal fields; scalars: a small bonus for their place)."""
    n, m = len(old), len(new)
    if n * m > _MAX_PAIRING:
        return [(k, k) for k in range(min(n, m))]
    score = [[_likeness(a, b) for b in new] for a in old]
    # best[i][j]: the best total for old[i:] and new[j:].
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + score[i][j] if score[i][j] > 0 else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] > 0 and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _likeness(a: JSONValue, b: JSONValue) -> float:
    if isinstance(a, dict) and isinstance(b, dict):
        # Equal fields count most; a field both have, changed, counts a little.
        shared = [k for k in a if k in b]
        equal = sum(1 for k in shared if same(a[k], b[k]))
        score = equal + 0.25 * (len(shared) - equal)
        return score / max(len(a), len(b)) if shared else 0.0
    if isinstance(a, list) and isinstance(b, list):
        return 0.1
    if not isinstance(a, dict | list) and not isinstance(b, dict | list):
        return 0.1
    return 0.0
