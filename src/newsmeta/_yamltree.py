"""The front matter as a tree of positioned YAML nodes, built from parser events.

The tree is the one structure that validation, location and editing share:

- every node knows the character span (``start``, ``end``) of its source text, as indices
  into the whole file (the YAML parser's ``index`` marks, which count characters, plus the
  offset of the YAML text; libyaml does not count a leading U+FEFF, so one is added back
  then; ``line``/``column`` marks miscount after U+FEFF, U+2028...);
- a scalar keeps its raw value and style, so the JSON view and edits are derived from it.

Events come from ruamel.yaml's C parser (libyaml, via ruamel.yaml.clib) when it is
installed, or from ruamel.yaml's pure-Python parser. Both yield the same events with the
same marks; a differential test holds them to it. Composition is iterative and checks the
:class:`Limits` on the event stream, so hostile input (deep nesting, alias bombs, huge
scalars) is refused before anything large is built.

Scalars are resolved with ruamel.yaml's own YAML 1.2 implicit-resolver table (a copy in
:mod:`newsmeta._resolvers`, held to the library by a test), so values agree with what
``ruamel.yaml.YAML(typ="safe")`` loads; timestamps stay as their source
text (the schema checks them as RFC 3339 strings, and the text is what round-trips).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from newsmeta._limits import DEFAULT_LIMITS, Limits
from newsmeta._records import Record

if TYPE_CHECKING:
    from newsmeta._spec import SpecVerdict

__all__ = [
    "DEFAULT_LIMITS",
    "Finding",
    "Limits",
    "Locator",
    "Mapping",
    "Node",
    "ParseResult",
    "Scalar",
    "Sequence",
    "compose",
    "find_node",
    "to_data",
]

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


class Finding(Record):
    """A problem before it is located: character indices into the whole file."""

    __slots__ = ("code", "end", "message", "pointer", "related", "start")
    _fields = ("code", "message", "pointer", "start", "end", "related")
    code: str
    message: str
    pointer: str
    start: int
    end: int
    #: Index of a second position the message refers to as ``{related}``, or -1.
    related: int

    def __init__(
        self, code: str, message: str, pointer: str, start: int, end: int, related: int = -1
    ) -> None:
        self.code = code
        self.message = message
        self.pointer = pointer
        self.start = start
        self.end = end
        self.related = related


class Node:
    """A YAML node with its source span (character indices into the whole file)."""

    __slots__ = ("anchor", "end", "start", "tag")

    def __init__(self, start: int, end: int, anchor: str | None, tag: str | None) -> None:
        self.start = start
        self.end = end
        self.anchor = anchor
        self.tag = tag


class Scalar(Node):
    """A scalar: ``value`` is the parsed text, ``style`` one of ``'' " ' | >``."""

    __slots__ = ("style", "value")

    def __init__(
        self, start: int, end: int, anchor: str | None, tag: str | None, value: str, style: str
    ) -> None:
        # Assigned here rather than through super().__init__: one Scalar per YAML scalar
        # makes this the hottest constructor of a validation run.
        self.start = start
        self.end = end
        self.anchor = anchor
        self.tag = tag
        self.value = value
        self.style = style

    @property
    def plain(self) -> bool:
        """True when the scalar is written without quotes or block indicator."""
        return self.style == ""


class Mapping(Node):
    """A mapping: ``pairs`` in source order, duplicates included."""

    __slots__ = ("_index", "flow", "pairs")

    #: Mappings with more pairs than this are searched through an index, so that locating
    #: every key of a large mapping stays linear; small ones are scanned.
    _SCAN_MAX = 8

    def __init__(
        self, start: int, end: int, anchor: str | None, tag: str | None, flow: bool
    ) -> None:
        super().__init__(start, end, anchor, tag)
        self.flow = flow
        self.pairs: list[tuple[Node, Node]] = []
        #: The first pair of each string key, and how many pairs it was built from.
        self._index: tuple[int, dict[str, tuple[Node, Node]]] | None = None

    def get(self, key: str) -> tuple[Node, Node] | None:
        """The first pair whose key is the string ``key``."""
        pairs = self.pairs
        if len(pairs) <= self._SCAN_MAX:
            for k, v in pairs:
                if isinstance(k, Scalar) and k.value == key:
                    return k, v
            return None
        index = self._index
        if index is None or index[0] != len(pairs):
            # Built on first use, and again if pairs were added since (the tree is
            # complete before anything looks a key up, so that is once).
            first: dict[str, tuple[Node, Node]] = {}
            for pair in pairs:
                if isinstance(pair[0], Scalar):
                    first.setdefault(pair[0].value, pair)
            index = self._index = (len(pairs), first)
        return index[1].get(key)


class Sequence(Node):
    """A sequence: ``items`` in source order."""

    __slots__ = ("flow", "items")

    def __init__(
        self, start: int, end: int, anchor: str | None, tag: str | None, flow: bool
    ) -> None:
        super().__init__(start, end, anchor, tag)
        self.flow = flow
        self.items: list[Node] = []


class Alias(Node):
    """An alias (``*name``). Articles may not use them; it is kept only to be reported."""

    __slots__ = ()


class ParseResult(Record):
    """The root node (``None`` for an empty or unparsable front matter) and the findings."""

    __slots__ = ("complete", "findings", "pure", "root", "spec")
    _fields = ("root", "findings", "complete", "spec", "pure")
    root: Node | None
    findings: list[Finding]
    #: True when the tree is complete; False when parsing stopped at an error or a limit.
    complete: bool
    #: The YAML 1.2 spec's reading of the text when it was asked (see :mod:`newsmeta._spec`);
    #: the caller compares it with the tree's JSON view.
    spec: SpecVerdict | None
    #: True when the tree was read by ruamel.yaml's pure-Python parser.
    pure: bool

    def __init__(
        self,
        root: Node | None,
        findings: list[Finding],
        complete: bool,
        spec: SpecVerdict | None = None,
        pure: bool = True,
    ) -> None:
        self.root = root
        self.findings = findings
        self.complete = complete
        self.spec = spec
        self.pure = pure


def _c_events(text: str) -> Iterator[object]:
    import _ruamel_yaml

    # A callable iterator runs in C: no generator frame to resume for every event.
    events: Iterator[object] = iter(_ruamel_yaml.CParser(text).get_event, None)
    return events


def _pure_events(text: str) -> Iterator[object]:
    from ruamel.yaml import YAML

    yield from YAML(typ="safe", pure=True).parse(text)


def _have_c_parser() -> bool:
    # Found, not imported: importing the C parser imports all of ruamel.yaml, which a
    # run whose files the line reader reads (see newsmeta._quick) never needs.
    from importlib.util import find_spec

    return find_spec("_ruamel_yaml") is not None


_C_PARSER: bool | None = None


def event_source(pure: bool) -> Callable[[str], Iterator[object]]:
    """The event generator to use: the C parser unless ``pure`` or it is not installed."""
    global _C_PARSER
    if pure:
        return _pure_events
    if _C_PARSER is None:
        _C_PARSER = _have_c_parser()
    return _c_events if _C_PARSER else _pure_events


def _syntax_finding(exc: Exception, offset: int, text: str) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    # The reader's errors (a character YAML does not accept) carry a position, no mark.
    index = getattr(mark, "index", getattr(exc, "position", len(text)))
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{problem} {context}" if context else str(problem)
    message = message[0].upper() + message[1:] if message else "Invalid YAML"
    start = offset + min(max(index, 0), len(text))
    end = min(start + 1, offset + len(text))
    return Finding("yaml-syntax", message.rstrip(".") + ".", "", start, max(end, start))


def compose(
    text: str,
    offset: int = 0,
    *,
    pure: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ParseResult:
    """Compose ``text`` (the YAML between the fences) into a positioned node tree.

    ``offset`` is the index of ``text`` in the whole file; every span is shifted by it.
    Never raises for bad input: syntax errors and limit violations become findings.

    The C parser reads the text unless ``pure`` (or it is not installed). Where the
    parsers may disagree with the YAML 1.2 spec, the spec decides (see
    :mod:`newsmeta._spec`): a ``yaml-syntax`` finding carries the spec parser's position
    and words whichever parser ran, and ``spec`` holds its reading of an accepted text for
    the caller to compare with the tree.
    """
    from newsmeta._spec import needs_spec, spec_verdict

    if len(text) > limits.max_front_matter_chars:
        return ParseResult(
            None,
            [
                Finding(
                    "limit-front-matter-size",
                    f"The front matter is longer than {limits.max_front_matter_chars} characters.",
                    "",
                    offset,
                    offset,
                )
            ],
            False,
        )
    source = event_source(pure)
    result, error, suspect = _read(text, offset, source, limits)
    if error is None:
        if not result.complete or not (suspect or needs_spec(text)):
            return result
        verdict = spec_verdict(text)
        if verdict is not None and not verdict.ok:
            return ParseResult(None, [_spec_finding(verdict, offset, text)], False)
        result.spec = verdict
        return result
    if not _is_yaml_error(error):
        # Not a syntax error (the C parser refuses lone surrogates when created).
        return ParseResult(result.root, [_syntax_finding(error, offset, text)], False)
    if _is_reader_error(error):
        # A character YAML does not allow (a control character): the spec parser is
        # lenient there, ruamel.yaml's reader follows the spec's character set.
        if source is not _pure_events:
            return compose(text, offset, pure=True, limits=limits)
        return ParseResult(result.root, [_syntax_finding(error, offset, text)], False)
    verdict = spec_verdict(text)
    if verdict is not None and not verdict.ok:
        return ParseResult(None, [_spec_finding(verdict, offset, text)], False)
    if source is not _pure_events:
        # The spec accepts it, or cannot say: the pure-Python parser reads more of YAML
        # 1.2 than libyaml 0.1.7, and reading without the C parser ends the same way.
        return compose(text, offset, pure=True, limits=limits)
    if verdict is not None:
        # Forms the spec allows and ruamel.yaml refuses: tabs as separation,
        # whitespace-only lines before a block scalar's first line, and a value right
        # after a JSON-like key in a flow sequence (`["key":value]`). Read again with
        # tabs as spaces, those lines emptied and a space after such a `:`, with every
        # position mapped back to the text; the caller's comparison with the spec's
        # reading proves no value changed. First only the tabs that separate an
        # indicator from what follows (a tab in a value stays a tab), then every tab.
        tried = {text}
        for every_tab in (False, True):
            for adjacent in (False, True):
                normal, moved = _normalised(text, every_tab=every_tab, adjacent=adjacent)
                if normal in tried:
                    continue
                tried.add(normal)
                retried, again, _ = _read(normal, 0, _pure_events, limits)
                if again is None:
                    _map_back(retried, moved, offset)
                    retried.spec = verdict
                    return retried
    if verdict is None:
        return ParseResult(result.root, [_syntax_finding(error, offset, text)], False)
    return ParseResult(None, [_unportable_finding(error, offset, text)], False)


_BLANK_LINE: Final = re.compile(r"^[ \t]+(?=\r?\n|\Z)", re.MULTILINE)
_NEXT_CONTENT: Final = re.compile(r"^([ \t]*)\S", re.MULTILINE)
#: Whitespace with a tab, after an indicator.
_SEPARATING_TABS: Final = re.compile(r"(?<=[-:?,\[\]{}])[ \t]*\t[ \t]*")
#: A `:` glued to the quoted key or flow collection before it and to what follows: YAML
#: 1.2 reads it as a value indicator after a JSON-like key, ruamel.yaml's parser not
#: inside a flow sequence.
_ADJACENT_VALUE: Final = re.compile(r"(?<=[\"'\]}]):(?=[^ \t\r\n])")


def _normalised(text: str, *, every_tab: bool, adjacent: bool) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with whitespace-only lines emptied (those no deeper than the next line
    with text), tabs turned into spaces (``every_tab``, or only those after an
    indicator), and (``adjacent``) a space after a `:` glued to a JSON-like key and its
    value; and how characters moved: ``(index in the result, how many removed)`` in
    order, a negative count for characters inserted there."""
    edits: list[tuple[int, int, str]] = []
    for match in _BLANK_LINE.finditer(text):
        after = _NEXT_CONTENT.search(text, match.end())
        if after is not None and len(after.group(1).expandtabs(1)) < match.end() - match.start():
            continue  # deeper than the next line: in a block scalar, these spaces are text
        edits.append((match.start(), match.end(), ""))
    if adjacent:
        edits.extend((match.end(), match.end(), " ") for match in _ADJACENT_VALUE.finditer(text))
        edits.sort()
    moved: list[tuple[int, int]] = []
    pieces: list[str] = []
    done = 0
    gone = 0
    for start, end, replacement in edits:
        pieces.append(text[done:start])
        pieces.append(replacement)
        count = end - start - len(replacement)
        moved.append((start - gone, count))
        gone += count
        done = end
    pieces.append(text[done:])
    normal = "".join(pieces)
    if every_tab:
        return normal.replace("\t", " "), moved
    return _SEPARATING_TABS.sub(lambda m: m.group(0).replace("\t", " "), normal), moved


def _map_back(result: ParseResult, moved: list[tuple[int, int]], offset: int) -> None:
    """Shift every span of ``result`` (its tree and findings), read from
    :func:`_normalised` text at offset 0, back to the text at ``offset``."""
    import bisect

    starts = [at for at, _ in moved]
    before = [0]
    for _, count in moved:
        before.append(before[-1] + count)

    def back(index: int) -> int:
        # A position at a removal point belongs after the removed spaces only when it
        # is not the end of a node: an end stays before them.
        return offset + index + before[bisect.bisect_right(starts, index)]

    def back_end(index: int) -> int:
        return offset + index + before[bisect.bisect_left(starts, index)]

    for finding in result.findings:
        finding.start, finding.end = back(finding.start), back_end(finding.end)
    stack = [result.root] if result.root is not None else []
    while stack:
        node = stack.pop()
        node.start, node.end = back(node.start), back_end(node.end)
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                stack.extend((key, value))
        elif isinstance(node, Sequence):
            stack.extend(node.items)


def _first_property(text: str, index: int) -> int:
    """Where the properties (anchor, tag) of the node at ``index`` start.

    libyaml starts a node with properties at its first property, ruamel.yaml's pure
    parser at the last one; both are moved to the first so positions do not depend on
    the parser.
    """
    while True:
        end = index
        while end > 0 and text[end - 1] in " \t\r\n":
            end -= 1
        start = end
        while start > 0 and text[start - 1] not in " \t\r\n":
            start -= 1
        if start == end or text[start] not in "&!":
            return index
        index = start


def _anchor_name(text: str, index: int, anchor: str | None) -> str | None:
    """The anchor name as written among the properties at ``index``: the parsers end a
    name at different characters (``&an:chor``)."""
    if anchor is None:
        return None
    at = text.find("&", index)
    if at < 0:
        return anchor
    end = at + 1
    while end < len(text) and text[end] not in " \t\r\n,[]{}":
        end += 1
    return text[at + 1 : end] or anchor


def _after_indicator(text: str, since: int, index: int) -> int:
    """Where an empty scalar that a parser placed at ``index`` sits: right after the last
    ``:`` or ``?`` indicator between the end of the previous event (``since``) and
    ``index``, comments and blanks skipped; ``index`` when there is none."""
    found = index
    at = since
    while at < index:
        char = text[at]
        if char in ":?":
            found = at + 1
        elif char == "#" and (at == since or text[at - 1] in " \t\r\n"):
            at = text.find("\n", at)
            if at < 0:
                break
        elif char not in " \t\r\n,":
            break
        at += 1
    return found


_DOCUMENT_MARKER: Final = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)


def _document_marker(text: str, index: int) -> int:
    """Where a later document starting at ``index`` is reported: at its ``---`` marker.
    libyaml starts it at its first directive (``%TAG``), the pure-Python parser at the
    marker."""
    if not text.startswith("%", index):
        return index
    found = _DOCUMENT_MARKER.search(text, index)
    return index if found is None else found.start()


def _spec_finding(verdict: SpecVerdict, offset: int, text: str) -> Finding:
    start = offset + verdict.index
    return Finding("yaml-syntax", verdict.message, "", start, min(start + 1, offset + len(text)))


def _unportable_finding(exc: Exception, offset: int, text: str) -> Finding:
    """Valid YAML 1.2 that ruamel.yaml (and libyaml) cannot read, where they stopped."""
    found = _syntax_finding(exc, offset, text)
    found.code = "yaml-unportable"
    found.message = (
        "This is valid YAML 1.2 that ruamel.yaml and libyaml (PyYAML, Jekyll) cannot read: "
        + found.message[:1].lower()
        + found.message[1:]
    )
    return found


def _read(
    text: str, offset: int, source: Callable[[str], Iterator[object]], limits: Limits
) -> tuple[ParseResult, Exception | None, bool]:
    """Build the tree of ``text`` from ``source``'s events.

    Returns the result, the exception that stopped the parser (``None`` when it did not
    fail), and whether the events showed a construct on which parsers may disagree with
    the spec: a block scalar, or a quoted scalar over several lines.
    """
    from ruamel.yaml import events as ev

    findings: list[Finding] = []
    scalar_t, map_t, seq_t = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end_t, seq_end_t, alias_t = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
    doc_start_t = ev.DocumentStartEvent

    root: Node | None = None
    # The open collections; for a mapping, the key waiting for its value (or None).
    stack: list[Node] = []
    pending_key: list[Node | None] = []
    nodes = 0
    documents = 0
    complete = True

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
        elif isinstance(parent, Mapping):
            key = pending_key[-1]
            if key is None:
                pending_key[-1] = node
            else:
                parent.pairs.append((key, node))
                pending_key[-1] = None

    # Read once: these are checked on every event.
    max_scalar_chars, max_depth, max_nodes = (
        limits.max_scalar_chars,
        limits.max_depth,
        limits.max_nodes,
    )
    events: Iterator[object] = iter(())
    suspect = False
    # Where the previous event ended: an empty scalar is placed from it (see below).
    since = offset
    # libyaml reads a leading byte-order mark without counting it in its marks; the
    # pure-Python parser counts it. Shift the C parser's marks so both agree.
    shift = 1 if source is _c_events and text.startswith("\ufeff") else 0
    offset += shift
    try:
        # Inside the try: the C parser refuses some texts (lone surrogates) when created.
        events = source(text)
        for event in events:
            kind = type(event)
            if kind is scalar_t:
                nodes += 1
                value: str = event.value  # type: ignore[attr-defined]
                start = offset + event.start_mark.index  # type: ignore[attr-defined]
                end = offset + event.end_mark.index  # type: ignore[attr-defined]
                if len(value) > max_scalar_chars:
                    findings.append(
                        Finding(
                            "limit-scalar-length",
                            f"A value is longer than {limits.max_scalar_chars} characters.",
                            "",
                            start,
                            end,
                        )
                    )
                    complete = False
                    break
                # `ctag` rather than the `tag` property: a Python call per scalar saved.
                ctag = event.ctag  # type: ignore[attr-defined]
                style = event.style or ""  # type: ignore[attr-defined]
                if style and (style in "|>" or text.find("\n", start - offset, end - offset) >= 0):
                    suspect = True  # a block scalar, or a quoted one over several lines
                anchor = event.anchor  # type: ignore[attr-defined]
                if ctag is not None or anchor is not None:
                    # libyaml ends an anchor name at other characters than the spec.
                    suspect = suspect or anchor is not None
                    start = offset + _first_property(text, start - offset)
                    anchor = _anchor_name(text, start - offset, anchor)
                elif start == end and not value and not style:
                    # An empty scalar has no text: the parsers place it at different
                    # blanks (libyaml at the next token in a flow collection, the
                    # pure-Python parser at the next line in a block mapping). Both
                    # are put right after the indicator that introduces it.
                    start = end = offset + _after_indicator(text, since - offset, start - offset)
                since = end
                node: Node = Scalar(
                    start,
                    end,
                    anchor,
                    None if ctag is None else str(ctag),
                    value,
                    style,
                )
                # attach(node), inlined for the commonest event.
                if stack:
                    parent = stack[-1]
                    if type(parent) is Mapping:
                        key = pending_key[-1]
                        if key is None:
                            pending_key[-1] = node
                        else:
                            parent.pairs.append((key, node))
                            pending_key[-1] = None
                    else:
                        parent.items.append(node)  # type: ignore[attr-defined]
                else:
                    root = node
            elif kind is map_t or kind is seq_t:
                nodes += 1
                start = offset + event.start_mark.index  # type: ignore[attr-defined]
                flow = bool(event.flow_style)  # type: ignore[attr-defined]
                anchor, tag = event.anchor, event.tag  # type: ignore[attr-defined]
                if anchor is not None or tag is not None:
                    suspect = suspect or anchor is not None
                    start = offset + _first_property(text, start - offset)
                    anchor = _anchor_name(text, start - offset, anchor)
                since = offset + event.end_mark.index  # type: ignore[attr-defined]
                node = (
                    Mapping(start, start, anchor, tag, flow)
                    if kind is map_t
                    else Sequence(start, start, anchor, tag, flow)
                )
                attach(node)
                stack.append(node)
                pending_key.append(None)
                if len(stack) > max_depth:
                    findings.append(
                        Finding(
                            "limit-depth",
                            f"The front matter nests deeper than {limits.max_depth} levels.",
                            "",
                            start,
                            start + 1,
                        )
                    )
                    complete = False
                    break
            elif kind is map_end_t or kind is seq_end_t:
                closed = stack.pop()
                pending_key.pop()
                closed.end = since = offset + event.end_mark.index  # type: ignore[attr-defined]
            elif kind is alias_t:
                nodes += 1
                start = offset + event.start_mark.index  # type: ignore[attr-defined]
                end = since = offset + event.end_mark.index  # type: ignore[attr-defined]
                attach(Alias(start, end, event.anchor, None))  # type: ignore[attr-defined]
            elif kind is doc_start_t:
                documents += 1
                if documents > 1:
                    start = offset + _document_marker(text, event.start_mark.index)  # type: ignore[attr-defined]
                    findings.append(
                        Finding(
                            "yaml-multiple-documents",
                            "The front matter holds more than one YAML document.",
                            "",
                            start,
                            start + 3,
                        )
                    )
                    complete = False
                    break
            if nodes > max_nodes:
                start = offset + event.start_mark.index  # type: ignore[attr-defined]
                findings.append(
                    Finding(
                        "limit-nodes",
                        f"The front matter has more than {limits.max_nodes} YAML nodes.",
                        "",
                        start,
                        start + 1,
                    )
                )
                complete = False
                break
    except Exception as exc:
        return ParseResult(root, findings, False, pure=source is _pure_events), exc, suspect
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    return ParseResult(root, findings, complete, pure=source is _pure_events), None, suspect


def _is_reader_error(exc: BaseException) -> bool:
    from ruamel.yaml.reader import ReaderError

    return isinstance(exc, ReaderError)


def _is_yaml_error(exc: BaseException) -> bool:
    from ruamel.yaml.error import YAMLError

    return isinstance(exc, YAMLError)


# --- Scalar resolution -------------------------------------------------------------------

_Resolver = list[tuple[str, re.Pattern[str]]]
_RESOLVERS: dict[tuple[int, int], dict[str, _Resolver]] = {}


def _resolver_table(version: tuple[int, int]) -> dict[str, _Resolver]:
    """ruamel.yaml's implicit resolvers for ``version``, indexed by first character (from
    the copy in :mod:`newsmeta._resolvers`, which spares importing ruamel.yaml)."""
    table = _RESOLVERS.get(version)
    if table is None:
        from newsmeta._resolvers import RUAMEL_IMPLICIT

        table = {}
        for versions, tag, source, flags, first in RUAMEL_IMPLICIT:
            if version not in versions:
                continue
            pattern = re.compile(source, flags)
            for ch in first:
                table.setdefault(ch, []).append((tag.rsplit(":", 1)[-1], pattern))
        _RESOLVERS[version] = table
    return table


#: Memo of :func:`resolve_plain`: keys, booleans, categories and topics repeat across
#: files, and the regular expressions are the cost. Cleared when it grows past the bound,
#: so memory stays flat over any number of files.
_RESOLVED: dict[tuple[str, tuple[int, int]], str] = {}
_RESOLVED_MAX: Final = 4096


def resolve_plain(value: str, version: tuple[int, int] = (1, 2)) -> str:
    """The YAML type a plain scalar has: ``null bool int float timestamp str`` (or another
    ruamel tag suffix such as ``merge``), as ruamel.yaml resolves it for ``version``."""
    memo = (value, version)
    tag = _RESOLVED.get(memo)
    if tag is not None:
        return tag
    tag = "str"
    for candidate, regexp in _resolver_table(version).get(value[:1], ()):
        if regexp.match(value):
            tag = candidate
            break
    if tag in ("int", "float") and not _has_number(value):
        # ruamel's patterns also match digit-less '-_' or '0x_', which it then fails to
        # construct; the YAML 1.2 core schema reads them as strings, and so does newsmeta.
        tag = "str"
    if len(_RESOLVED) >= _RESOLVED_MAX:
        _RESOLVED.clear()
    _RESOLVED[memo] = tag
    return tag


def _has_number(value: str) -> bool:
    """True when a plain scalar that an int or float pattern matched has digits to read."""
    body = value.replace("_", "").lower().lstrip("+-")
    if body in (".inf", ".nan"):
        return True
    if body[:2] in ("0b", "0o", "0x"):
        return len(body) > 2
    return any(c.isdigit() for c in body.split("e", 1)[0])


def construct_int(value: str) -> int:
    """The integer a YAML 1.2 plain int scalar denotes (as ruamel.yaml constructs it)."""
    digits = value.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    if digits[0] in "+-":
        digits = digits[1:]
    if digits.startswith("0b"):
        return sign * int(digits[2:], 2)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    return sign * int(digits)


def construct_float(value: str) -> float:
    """The float a YAML 1.2 plain float scalar denotes (as ruamel.yaml constructs it)."""
    digits = value.replace("_", "").lower()
    sign = -1.0 if digits[0] == "-" else 1.0
    if digits[0] in "+-":
        digits = digits[1:]
    if digits == ".inf":
        return sign * math.inf
    if digits == ".nan":
        return math.nan
    return sign * float(digits)


def yaml11_reading(value: str, kind: str) -> str | None:
    """How a YAML 1.1 reader types the plain scalar ``value``, which YAML 1.2 reads as
    ``kind`` (see :func:`resolve_plain`), when that differs from ``kind``; else ``None``.

    The readers are the YAML 1.1 tag table (Go's yaml.v2 and most 1.1 tools), PyYAML's
    own table (which needs a dot in a float: ``1e3`` is text there) and Ruby's Psych,
    which Jekyll uses (see :func:`_psych_reading`). The answer is a type name
    (``bool int float null timestamp merge value symbol str``), or ``octal`` for an int
    with a leading zero, which YAML 1.1 reads in base 8.
    """
    if kind in ("merge", "value"):
        kind = "str"  # `<<` and `=` as values are text in YAML 1.2 core data
    elif (kind == "str" and value[:1] not in _YAML11_FIRST) or kind == "timestamp":
        # Every YAML 1.1 table has the timestamp pattern of ruamel.yaml's: whether a
        # timestamp is meant depends on the field (see newsmeta.rules.readers).
        return None
    elif kind == "str" and len(value) > 5 and value[0] in _WORD_FIRST:
        return None  # no YAML 1.1 word (yes, off, null, true...) is longer than five
    for reading in (resolve_plain(value, (1, 1)), _pyyaml_reading(value)):
        if reading != kind:
            return reading
    if kind == "str":
        psych = _psych_reading(value)
        return None if psych == "str" else psych
    # Same type, different number: 1.1 reads a leading zero as octal (`012` is 10).
    digits = value.lstrip("+-").replace("_", "")
    if (
        kind == "int"
        and len(digits) > 1
        and digits[0] == "0"
        and digits.isdigit()
        and int(digits, 8 if "8" not in digits and "9" not in digits else 10) != int(digits)
    ):
        return "octal"
    return None


def yaml11_differs(value: str, kind: str) -> bool:
    """True when a YAML 1.1 reader (PyYAML, Ruby's Psych in Jekyll...) reads the plain
    scalar ``value`` differently from YAML 1.2, which reads it as ``kind``."""
    return yaml11_reading(value, kind) is not None


#: First characters of the plain scalars that YAML 1.2 reads as strings and a YAML 1.1
#: reader may not: booleans and null in any case, numbers, dates, Psych's symbols.
_YAML11_FIRST: Final = frozenset("yYnNoOtTfF~:,+-0123456789.")
#: First letters of the words YAML 1.1 readers type (``yes``, ``Off``, ``nULL``...).
_WORD_FIRST: Final = frozenset("yYnNoOtTfF")

_PYYAML_TABLE: list[dict[str, _Resolver]] = []


def _pyyaml_reading(value: str) -> str:
    """The type PyYAML's resolver gives the plain scalar ``value`` (from the copy of its
    table in :mod:`newsmeta._resolvers`, which spares importing PyYAML)."""
    if not _PYYAML_TABLE:
        from newsmeta._resolvers import PYYAML_IMPLICIT

        table: dict[str, _Resolver] = {}
        for tag, source, flags, firsts in PYYAML_IMPLICIT:
            pattern = re.compile(source, flags)
            for first in firsts:
                table.setdefault(first, []).append((tag.rsplit(":", 1)[-1], pattern))
        _PYYAML_TABLE.append(table)
    for candidate, regexp in _PYYAML_TABLE[0].get(value[:1], ()):
        if regexp.match(value):
            return candidate
    return "str"


#: Words Psych reads in any mix of cases, up to five characters long.
_PSYCH_WORDS: Final = {
    "yes": "bool",
    "true": "bool",
    "on": "bool",
    "no": "bool",
    "false": "bool",
    "off": "bool",
    "null": "null",
    "~": "null",
}
_PSYCH_DATE: Final = re.compile(r"\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)\Z")
_PSYCH_TIME: Final = re.compile(
    r"-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?"
    r"(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?\Z"
)
_PSYCH_SEXAGESIMAL: Final = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_PSYCH_FLOAT: Final = re.compile(r"[-+]?(?:[0-9][0-9_,]*)?\.[0-9]*(?:[eE][-+][0-9]+)?\Z")
_PSYCH_INT: Final = re.compile(r"[-+]?(?:0b[0-1_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+)\Z")


def _psych_reading(value: str) -> str:
    """The type Ruby's Psych (its ``ScalarScanner``) gives the plain scalar ``value``,
    for the forms the YAML 1.1 tables do not cover: ``YeS``, ``nULL`` (any case),
    ``:name`` (a symbol, which Jekyll's safe loading refuses), ``1,000`` (commas are
    dropped from numbers), ``2024-5-1`` and ``0:30``."""
    if len(value) <= 5 and value.lower() in _PSYCH_WORDS:
        return _PSYCH_WORDS[value.lower()]
    if value[:1] == ":" and len(value) > 1:
        return "symbol"
    if value[:1] not in "+-0123456789.,":
        return "str"
    if _PSYCH_TIME.match(value) or _PSYCH_DATE.match(value):
        return "timestamp"
    if _PSYCH_SEXAGESIMAL.match(value):
        return "int" if "." not in value else "float"
    if _PSYCH_FLOAT.match(value) and value.lstrip("+-") != ".":
        return "float"
    if _PSYCH_INT.match(value.replace(",", "").replace("_", "")):
        return "int"
    return "str"


#: Every first character with which a plain scalar can read as anything but a string, in
#: YAML 1.2 or 1.1 (the first characters of ruamel.yaml's resolver tables, and those of
#: :func:`yaml11_differs`; a test holds this to them). Most values of an article (titles,
#: excerpts, URLs) start with another character, and are then strings without a lookup.
_RESOLVER_FIRST: Final = _YAML11_FIRST | frozenset("!&*+-.0123456789<=FNOTYfnoty~")

_PLAIN_INFO: dict[str, tuple[str, bool]] = {}


def _plain_info(value: str) -> tuple[str, bool]:
    """``(resolve_plain(value), yaml11_differs(value, kind))``, memoised (bounded)."""
    if value and value[0] not in _RESOLVER_FIRST:
        return _PLAIN_STRING
    info = _PLAIN_INFO.get(value)
    if info is None:
        kind = resolve_plain(value)
        info = (kind, yaml11_differs(value, kind))
        if len(_PLAIN_INFO) >= _RESOLVED_MAX:
            _PLAIN_INFO.clear()
        _PLAIN_INFO[value] = info
    return info


_AS_WORDS: Final = {
    "bool": "a boolean",
    "int": "a number",
    "float": "a number",
    "null": "null (no value)",
    "timestamp": "a date",
    "symbol": "a Ruby symbol (which Jekyll refuses)",
    "merge": "a merge key (PyYAML refuses it)",
    "value": "the special value '=' (PyYAML refuses it)",
    "str": "text",
}


def yaml11_message(text: str, kind: str, value: JSONValue) -> str:
    """The ``yaml-1.1-ambiguous`` message for the plain scalar ``text``, which YAML 1.2
    reads as ``value`` of type ``kind`` and a YAML 1.1 reader differently."""
    reading = yaml11_reading(text, kind) or "str"
    readers = "YAML 1.1 readers (PyYAML, Jekyll)"
    if kind in ("str", "timestamp", "merge", "value"):
        seen = _AS_WORDS.get(reading, "a " + reading)
        return f"{readers} read {text!r} as {seen}, not as text; quote it."
    if reading == "octal":
        digits = text.replace("_", "")
        return (
            f"{readers} read {text!r} as the octal number {int(digits, 8)}, not {value}; "
            "write the number without its leading zeros."
        )
    canonical = "null" if value is None else str(value).lower() if kind == "bool" else repr(value)
    seen = _AS_WORDS.get(reading, "a " + reading)
    return f"{readers} read {text!r} as {seen}, not as {_AS_WORDS[kind]}; write it as {canonical}."


#: Characters no article value may hold: C0/C1 controls (but tab, LF, CR) and surrogates.
CONTROL_CHARACTERS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\ud800-\udfff]")


def _scalar_data(node: Scalar, pointer: str, findings: list[Finding], limits: Limits) -> JSONValue:
    if not node.plain:
        # Only a double-quoted scalar can spell a control character as an escape (the
        # raw text scan sees every other), and printable text has none: skip the regex.
        control = (
            CONTROL_CHARACTERS.search(node.value)
            if node.style == '"' and not node.value.isprintable()
            else None
        )
        if control is not None:
            # Written as an escape ("\x01", "\ud800"): the raw text scan cannot see it.
            findings.append(
                Finding(
                    "text-control-character",
                    f"The value holds the control character U+{ord(control.group(0)):04X}.",
                    pointer,
                    node.start,
                    node.end,
                )
            )
        return node.value
    kind, differs = _plain_info(node.value)
    value, problem = read_plain(node.value, kind, limits.max_number_chars)
    if differs:
        findings.append(
            Finding(
                "yaml-1.1-ambiguous",
                yaml11_message(node.value, kind, value),
                pointer,
                node.start,
                node.end,
            )
        )
    if problem is not None:
        message = (
            f"A number is written with more than {limits.max_number_chars} characters."
            if problem == "limit-number-length"
            else "A number is infinite or not a number, which JSON cannot represent."
        )
        findings.append(Finding(problem, message, pointer, node.start, node.end))
    return value


_TRUE: Final = frozenset({"true", "True", "TRUE"})


def read_plain(text: str, kind: str, max_number_chars: int) -> tuple[JSONValue, str | None]:
    """What the plain scalar ``text``, which resolves to ``kind`` (see :func:`resolve_plain`),
    is in the JSON view, and the code of the problem that keeps it from being a value.

    The problem is ``limit-number-length`` or ``yaml-number-not-finite`` (the value is then
    ``None``), or ``None``. ``<<`` (merge) and ``=`` (value) have no meaning in YAML 1.2
    core data and read as text.
    """
    if kind == "str" or kind == "timestamp":
        return text, None
    if kind == "null":
        return None, None
    if kind == "bool":
        return text in _TRUE, None
    if len(text) > max_number_chars:
        return None, "limit-number-length"
    if kind == "int":
        return construct_int(text), None
    if kind == "float":
        number = construct_float(text)
        return (number, None) if math.isfinite(number) else (None, "yaml-number-not-finite")
    return text, None


#: Plain keys already known to be ordinary strings within the key-length limit (bounded
#: like the other memos); the keys of the article format repeat in every file.
_CHECKED_KEYS: set[str] = set()
#: What :func:`_plain_info` says of a plain scalar that is simply a string.
_PLAIN_STRING: Final = ("str", False)


def _key_text(key: Node, pointer: str, findings: list[Finding], limits: Limits) -> str | None:
    _check_node_properties(key, pointer, findings)
    if isinstance(key, Alias):
        findings.append(
            Finding(
                "yaml-alias",
                "Aliases ('*name') are not allowed in front matter.",
                pointer,
                key.start,
                key.end,
            )
        )
        return None
    if not isinstance(key, Scalar):
        findings.append(
            Finding(
                "yaml-complex-key",
                "A mapping key is itself a list or mapping; keys must be strings.",
                pointer,
                key.start,
                key.end,
            )
        )
        return None
    if len(key.value) > limits.max_key_chars:
        findings.append(
            Finding(
                "limit-key-length",
                f"A key is longer than {limits.max_key_chars} characters.",
                pointer,
                key.start,
                key.end,
            )
        )
        return None
    if key.plain:
        kind = resolve_plain(key.value)
        if kind == "str" and key.anchor is None and key.tag is None:
            if len(_CHECKED_KEYS) >= _RESOLVED_MAX:
                _CHECKED_KEYS.clear()
            _CHECKED_KEYS.add(key.value)
        if kind == "merge":
            findings.append(
                Finding(
                    "yaml-merge-key",
                    "Merge keys ('<<') are not allowed in front matter.",
                    pointer,
                    key.start,
                    key.end,
                )
            )
            return None
        if kind not in ("str", "timestamp"):
            findings.append(
                Finding(
                    "yaml-key-not-string",
                    f"The key {key.value!r} is read as a {kind}, not a string; quote it.",
                    pointer,
                    key.start,
                    key.end,
                )
            )
    return key.value


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _check_node_properties(node: Node, pointer: str, findings: list[Finding]) -> None:
    """Report an anchor or an explicit tag on ``node`` (a value or a key)."""
    if node.anchor is not None and not isinstance(node, Alias):
        findings.append(
            Finding(
                "yaml-anchor",
                "Anchors ('&name') are not allowed in front matter.",
                pointer,
                node.start,
                node.start + 1 + len(node.anchor),
            )
        )
    if node.tag is not None and not (
        isinstance(node, Scalar) and node.tag == "!" and not node.plain
    ):
        findings.append(
            Finding(
                "yaml-tag",
                "Explicit tags ('!tag') are not allowed in front matter.",
                pointer,
                node.start,
                node.end if isinstance(node, Scalar) else node.start + 1,
            )
        )


def to_data(root: Node | None, limits: Limits = DEFAULT_LIMITS) -> tuple[JSONValue, list[Finding]]:
    """The JSON-compatible view of the tree, and the findings met while building it.

    Duplicate keys keep their first value; aliases, tags and anchors are reported (the
    article format has no use for them) and an alias reads as ``null``.
    """
    findings: list[Finding] = []
    if root is None:
        return None, findings

    def build(node: Node, pointer: str) -> JSONValue:
        if node.anchor is not None or node.tag is not None:
            _check_node_properties(node, pointer, findings)
        cls = type(node)
        if cls is Scalar:
            # The common cases inline (this runs for every value of every file): a
            # string that needs no check; everything else goes through _scalar_data.
            value = node.value  # type: ignore[attr-defined]
            style = node.style  # type: ignore[attr-defined]
            if style == "":
                if _plain_info(value) == _PLAIN_STRING:
                    return value  # type: ignore[no-any-return]
            elif style != '"' or value.isprintable():
                return value  # type: ignore[no-any-return]
            return _scalar_data(node, pointer, findings, limits)  # type: ignore[arg-type]
        if cls is Mapping:
            result: dict[str, JSONValue] = {}
            for key_node, value_node in node.pairs:  # type: ignore[attr-defined]
                if (
                    type(key_node) is Scalar
                    and key_node.style == ""
                    and key_node.anchor is None
                    and key_node.tag is None
                    and key_node.value in _CHECKED_KEYS
                    and len(key_node.value) <= limits.max_key_chars
                ):
                    key: str = key_node.value
                else:
                    checked = _key_text(key_node, pointer, findings, limits)
                    if checked is None:
                        continue
                    key = checked
                if key in result:
                    # Through the mapping's index: many duplicates stay linear.
                    pair = node.get(key)  # type: ignore[attr-defined]
                    first = pair[0] if pair is not None else key_node
                    findings.append(
                        Finding(
                            "yaml-duplicate-key",
                            f"The key {key!r} repeats the key first defined at {{related}}.",
                            pointer + "/" + _escape(key),
                            key_node.start,
                            key_node.end,
                            first.start,
                        )
                    )
                    continue
                token = _escape(key) if "~" in key or "/" in key else key
                result[key] = build(value_node, pointer + "/" + token)
            return result
        if cls is Sequence:
            return [
                build(item, f"{pointer}/{i}")
                for i, item in enumerate(node.items)  # type: ignore[attr-defined]
            ]
        findings.append(
            Finding(
                "yaml-alias",
                "Aliases ('*name') are not allowed in front matter.",
                pointer,
                node.start,
                node.end,
            )
        )
        return None

    return build(root, ""), findings


class Locator:
    """Where the values of a front matter are, for locating problems (schema errors)
    about them.

    This one reads the positioned node tree it is given. A subclass may answer the
    common questions more cheaply (see :meth:`value_span`...), from an index of the
    text it has anyway, and build the tree (:meth:`tree`) only when a question needs it:
    its answers must then be the tree's, exactly.
    """

    def __init__(self, root: Node | None = None) -> None:
        self._root = root

    def tree(self) -> Node | None:
        """The positioned node tree."""
        return self._root

    def value_span(self, parts: list[str | int]) -> tuple[int, int] | None:
        """The span of the value at ``parts`` when it is a scalar (empty for an empty
        value); ``None`` when this locator cannot tell without the tree."""
        return None

    def key_span(self, parts: list[str | int], key: str) -> tuple[int, int] | None:
        """The span of the key ``key`` of the mapping at ``parts``; ``None`` when this
        locator cannot tell without the tree."""
        return None

    def first_key_span(self, parts: list[str | int]) -> tuple[int, int] | None:
        """The span of the first key of the mapping at ``parts``; ``None`` when this
        locator cannot tell without the tree."""
        return None


def find_node(root: Node | None, parts: list[str | int]) -> tuple[Node | None, Node | None]:
    """Follow ``parts`` (keys and indices) from ``root``.

    Returns ``(key_node, value_node)`` of the deepest node reached: the value node is the
    node at the full path when it exists, else ``None`` and the key node is the last key
    found (``None`` at the top level).
    """
    node = root
    key_node: Node | None = None
    for part in parts:
        if isinstance(node, Mapping) and isinstance(part, str):
            pair = node.get(part)
            if pair is None:
                return key_node, None
            key_node, node = pair
        elif (
            isinstance(node, Sequence)
            and isinstance(part, int)
            and -len(node.items) <= part < len(node.items)
        ):
            node = node.items[part]
        else:
            return key_node, None
    return key_node, node
