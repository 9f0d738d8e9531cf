"""The quick path: YAML text -> JSON view in one pass over the C parser's events.

Most files of a CI run have nothing to report, and a file with nothing to report needs
no node tree and no positions. :func:`quick_view` builds the JSON view straight from the
events and gives up (returns ``None``) at the first thing that the full path
(:func:`~newsmeta._yamltree.compose` then :func:`~newsmeta._yamltree.to_data`) would
report or treat specially: a syntax error, a limit, an anchor, alias or tag, a duplicate
or non-string key, a YAML 1.1 ambiguity, an escaped control character, a number JSON
cannot hold, more than one document. Giving up is always safe; the caller then runs the
full path, which finds and locates the problem. A plain timestamp is read as its text,
as the full path reads it; one anywhere but under a date-time key is a date to YAML 1.1
readers, which only a data-quality rule (knowing the field) may report, so the view says
that it holds one (:attr:`QuickView.plain_dates_elsewhere`) and the rules look.

The contract, held by a differential test: whenever :func:`quick_view` returns a view,
the full path returns the same JSON view and no findings.

Events come from PyYAML's C parser when it is installed with libyaml, else from
ruamel.yaml's. Both wrap libyaml and yield the same events for block-style YAML, but
PyYAML's reach Python at about two thirds of the cost (one constructor per event where
ruamel.yaml chains three). They are different libyaml releases, though: the newer one in
PyYAML accepts plain scalars with ``:`` or ``?`` inside flow collections (``[a:b]``),
which the one in ruamel.yaml.clib refuses, and they may differ on directives. So PyYAML's
events are used only up to the first flow collection or directive; the text is then read
again from ruamel.yaml's events, which are the authority, as on the full path.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from collections.abc import Sequence as AbcSequence
from itertools import islice
from typing import Any, Final

from newsmeta._frontmatter import BOM
from newsmeta._records import FrozenRecord
from newsmeta._spec import difference, needs_spec, spec_verdict
from newsmeta._yamltree import (
    _RESOLVER_FIRST,
    CONTROL_CHARACTERS,
    DEFAULT_LIMITS,
    JSONValue,
    Limits,
    Mapping,
    Node,
    Scalar,
    Sequence,
    _c_events,
    _plain_info,
    event_source,
    read_plain,
)
from newsmeta.schema import date_time_keys

__all__ = ["QuickView", "quick_view"]


class QuickView:
    """The JSON view of a front matter that is a mapping, and where its values are.

    ``values`` holds the parser event of every scalar *value* (not key) in document
    order, which is the depth-first order of ``data`` (or, with ``spans``, the start and
    end index of each, flat, as the line reader finds them); ``offset`` is the index of
    the YAML text in the file (plus one after a leading byte-order mark, which libyaml
    does not count). :meth:`span` locates a value through them, without a tree;
    :meth:`tree` builds the positioned node tree from the parser's events.

    ``plain_dates_elsewhere`` is False only when the reader has seen that every plain
    timestamp value sits under a date-time key (the rules then need not look for one in
    a text field); a view made without knowing says True.
    """

    __slots__ = (
        "_counted",
        "_kit",
        "_ordinals",
        "_spans",
        "_text",
        "data",
        "offset",
        "plain_dates_elsewhere",
        "top_level",
        "values",
    )

    def __init__(
        self,
        data: dict[str, JSONValue],
        values: list[Any],
        offset: int,
        top_level: dict[str, int] | None = None,
        text: str | None = None,
        kit: _EventKit | None = None,
        *,
        spans: bool = False,
        plain_dates_elsewhere: bool = True,
    ) -> None:
        self.data = data
        self.values = values
        self.offset = offset
        #: The ordinal in ``values`` of each top-level scalar value, by key.
        self.top_level = top_level if top_level is not None else {}
        #: The YAML text and the event source the view was read from (for :meth:`tree`).
        self._text = text
        self._kit = kit
        self._spans = spans
        self._ordinals: dict[tuple[str | int, ...], int] | None = None
        self._counted = 0
        self.plain_dates_elsewhere = plain_dates_elsewhere

    #: Values located by counting before the index of every value's path is built (so that
    #: locating many values stays linear in the size of the front matter).
    COUNTED: Final = 4

    def span(self, parts: AbcSequence[str | int]) -> tuple[int, int] | None:
        """The character span in the file of the scalar value at ``parts``, or ``None``
        when ``parts`` names no scalar value (a list, a mapping, nothing)."""
        if len(parts) == 1 and isinstance(parts[0], str) and parts[0] in self.top_level:
            ordinal: int | None = self.top_level[parts[0]]
        elif any(type(part) is bool for part in parts):
            return None  # True == 1 as a dictionary key, but it is no list index
        else:
            ordinals = self._ordinals
            if ordinals is None and self._counted < self.COUNTED:
                # A failing file usually asks for one or two values: counting the scalars
                # before each costs less than indexing every value's path.
                self._counted += 1
                ordinal = _ordinal_of(self.data, parts)
            else:
                if ordinals is None:
                    ordinals = self._ordinals = _scalar_ordinals(self.data)
                ordinal = ordinals.get(tuple(parts))
        if ordinal is None:
            return None
        if self._spans:
            at = 2 * ordinal
            return self.offset + self.values[at], self.offset + self.values[at + 1]
        event = self.values[ordinal]
        return self.offset + event.start_mark.index, self.offset + event.end_mark.index

    def tree(self) -> Node | None:
        """The positioned node tree of the text, as :func:`~newsmeta._yamltree.compose`
        builds it, read again from the view's event source: its C parser, and nothing of
        the checks the view has already made (``None`` for a view made without them)."""
        source, text = self.event_source, self._text
        if source is None or text is None:
            return None
        if source is LINE_READER_SOURCE:
            # The line reader read the text: its lines give the same tree as the parser's
            # events, without importing a parser or making an object per event.
            root = line_tree(text, self.offset)
            if root is not None:
                return root
        return tree_of(source, text, self.offset)

    @property
    def event_source(self) -> _EventKit | _LineReaderSource | None:
        """The event source :meth:`tree` reads with (one per process, shared by every
        view): with :attr:`offset`, all :func:`tree_of` needs to build the same tree
        later from the same text, without the view."""
        if self._text is None:
            return None
        if self._spans:
            return LINE_READER_SOURCE
        return self._kit


class _LineReaderSource:
    """The event source of a view the line reader made: it needed no parser, so the
    parser that builds its tree (the first of :func:`_event_kits`) is imported only when
    a tree is asked for. Most clean files never need one."""

    __slots__ = ()

    def kit(self) -> _EventKit | None:
        for kit in _event_kits(None):
            if kit is not None:
                return kit
        return _pyyaml_kit()


#: The one event source of every view the line reader made.
LINE_READER_SOURCE: Final = _LineReaderSource()


def tree_of(source: _EventKit | _LineReaderSource, text: str, offset: int) -> Node | None:
    """The tree :meth:`QuickView.tree` builds, for a view of ``text`` whose
    :attr:`~QuickView.event_source` is ``source`` and :attr:`~QuickView.offset`
    ``offset``: read again from its events, without the view's checks."""
    kit = source.kit() if isinstance(source, _LineReaderSource) else source
    if kit is None:
        return None
    return _tree(kit, kit.parse(text), offset)


def _scalars_in(value: JSONValue) -> int:
    """How many scalar values ``value`` holds (1 for a scalar itself)."""
    if isinstance(value, dict):
        return sum(_scalars_in(item) for item in value.values())
    if isinstance(value, list):
        return sum(_scalars_in(item) for item in value)
    return 1


def _ordinal_of(data: JSONValue, parts: AbcSequence[str | int]) -> int | None:
    """The ordinal of the scalar value at ``parts`` in depth-first order (what
    :func:`_scalar_ordinals` maps ``tuple(parts)`` to), found by counting the scalars
    before it; ``None`` when ``parts`` names no scalar value."""
    count = 0
    node = data
    for part in parts:
        if isinstance(node, dict):
            if not isinstance(part, str) or part not in node:
                return None
            for key, item in node.items():
                if key == part:
                    break
                count += _scalars_in(item)
        elif isinstance(node, list):
            if not isinstance(part, int) or not 0 <= part < len(node):
                return None
            for item in node[:part]:
                count += _scalars_in(item)
        else:
            return None
        node = node[part]  # type: ignore[index]
    if isinstance(node, dict | list):
        return None
    return count


def _scalar_ordinals(data: JSONValue) -> dict[tuple[str | int, ...], int]:
    """The ordinal of every scalar value of ``data`` in depth-first order, by its path.

    Built once per view, so that locating every value of a large front matter is linear.
    """
    ordinals: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[tuple[str | int, ...], JSONValue]] = [((), data)]
    count = 0
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
        else:
            ordinals[path] = count
            count += 1
    return ordinals


def _tree(kit: _EventKit, events: Iterator[Any], offset: int) -> Node | None:
    """The node tree of a view's events (no anchors, tags, aliases or second document:
    the view gives up on those), with spans as :func:`~newsmeta._yamltree.compose` sets
    them."""
    scalar_t, map_t, seq_t = kit.scalar, kit.mapping_start, kit.sequence_start
    map_end_t, seq_end_t = kit.mapping_end, kit.sequence_end
    root: Node | None = None
    stack: list[Any] = []
    pending: list[Node | None] = []
    for event in events:
        kind = type(event)
        if kind is scalar_t:
            node: Node = Scalar(
                offset + event.start_mark.index,
                offset + event.end_mark.index,
                None,
                None,
                event.value,
                event.style or "",
            )
        elif kind is map_t or kind is seq_t:
            start = offset + event.start_mark.index
            flow = bool(event.flow_style)
            node = (
                Mapping(start, start, None, None, flow)
                if kind is map_t
                else Sequence(start, start, None, None, flow)
            )
        elif kind is map_end_t or kind is seq_end_t:
            stack.pop().end = offset + event.end_mark.index
            pending.pop()
            continue
        else:
            continue
        if not stack:
            root = node
        elif type(stack[-1]) is Mapping:
            key = pending[-1]
            if key is None:
                pending[-1] = node
            else:
                stack[-1].pairs.append((key, node))
                pending[-1] = None
        else:
            stack[-1].items.append(node)
        if kind is not scalar_t:
            stack.append(node)
            pending.append(None)
    return root


class _EventKit(FrozenRecord):
    """One C parser's event classes (each has ``anchor``, ``tag``, ``value``...)."""

    __slots__ = (
        "defers",
        "document_end",
        "document_start",
        "mapping_end",
        "mapping_start",
        "parse",
        "scalar",
        "sequence_end",
        "sequence_start",
        "stream_end",
        "stream_start",
    )
    _fields = (
        "parse",
        "scalar",
        "mapping_start",
        "sequence_start",
        "mapping_end",
        "sequence_end",
        "document_start",
        "document_end",
        "stream_start",
        "stream_end",
        "defers",
    )
    parse: Callable[[str], Iterator[object]]
    scalar: type
    mapping_start: type
    sequence_start: type
    mapping_end: type
    sequence_end: type
    document_start: type
    document_end: type
    stream_start: type
    stream_end: type
    #: True for PyYAML's parser: hand flow collections and directives over to ruamel.yaml.
    defers: bool

    def __init__(self, parse: Callable[[str], Iterator[object]], *rest: Any) -> None:
        """The fields in the order of ``_fields``."""
        for name, value in zip(self._fields, (parse, *rest), strict=True):
            object.__setattr__(self, name, value)


def _kit(events: Any, parse: Callable[[str], Iterator[object]], *, defers: bool) -> _EventKit:
    """The kit of a parser whose event classes are in the module ``events``."""
    return _EventKit(
        parse,
        events.ScalarEvent,
        events.MappingStartEvent,
        events.SequenceStartEvent,
        events.MappingEndEvent,
        events.SequenceEndEvent,
        events.DocumentStartEvent,
        events.DocumentEndEvent,
        events.StreamStartEvent,
        events.StreamEndEvent,
        defers,
    )


@functools.cache
def _ruamel_kit() -> _EventKit | None:
    if event_source(pure=False) is not _c_events:
        return None
    from ruamel.yaml import events

    return _kit(events, _c_events, defers=False)


def _pyyaml_events(text: str) -> Iterator[object]:
    from yaml._yaml import CParser

    # A callable iterator runs in C: no generator frame to resume for every event.
    events: Iterator[object] = iter(CParser(text).get_event, None)
    return events


@functools.cache
def _pyyaml_kit() -> _EventKit | None:
    try:
        import yaml
        from yaml import events
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        return None
    if not yaml.__with_libyaml__:  # pragma: no cover - depends on the platform
        return None
    return _kit(events, _pyyaml_events, defers=True)


#: How many texts a process reads from ruamel.yaml's events before it reads them from
#: PyYAML's. PyYAML's events reach Python at about two thirds of the cost, but importing
#: PyYAML (its whole pure-Python loader and dumper come with it) costs as much as reading
#: a few hundred front matters from ruamel.yaml's events instead; and most texts that
#: the line reader leaves to the events end on the full path (a syntax error, a duplicate
#: key), which imports ruamel.yaml anyway. So a run with a few such texts never imports
#: PyYAML, and one with many imports it once it pays back. When PyYAML is already
#: imported (by the program using newsmeta), its events are read from the start.
PYYAML_AFTER: Final = 256
_event_reads = 0


def _event_kits(pyyaml: bool | None) -> tuple[_EventKit | None, ...]:
    """The event sources to read a text with, in order: PyYAML's, then ruamel.yaml's
    when ``pyyaml``; ruamel.yaml's alone when not; when None, as :data:`PYYAML_AFTER`
    says."""
    global _event_reads
    if pyyaml is None:
        _event_reads += 1
        pyyaml = _event_reads > PYYAML_AFTER or "yaml" in sys.modules
    ruamel = _ruamel_kit()
    return (_pyyaml_kit(), ruamel) if pyyaml else (ruamel,)


def quick_view(
    text: str,
    offset: int = 0,
    limits: Limits = DEFAULT_LIMITS,
    *,
    pyyaml: bool | None = None,
    lines: bool = True,
) -> QuickView | None:
    """The JSON view of ``text`` (the YAML between the fences, at ``offset`` in the file).

    Returns ``None`` unless ``text`` is one YAML document holding a mapping in which the
    full path would find nothing to report, and when no C parser is installed. Never
    raises for bad input. Texts the line reader does not read are read from parser
    events: ``pyyaml=True`` reads PyYAML's first (up to the first flow collection or
    directive), ``pyyaml=False`` ruamel.yaml's only, and the default chooses as
    :data:`PYYAML_AFTER` says; the view is the same. ``lines=False`` skips the line
    reader (see :func:`_scan`), which reads most front matters without a parser event.
    """
    if len(text) > limits.max_front_matter_chars:
        return None
    if event_source(pure=False) is not _c_events:
        # The full path would read this with ruamel.yaml's pure-Python parser, which
        # accepts other texts than libyaml (a tab after `key:`): only it may decide.
        return None
    try:
        if lines:
            scanned = _scan(text, offset, limits)
            if scanned is not None:
                return None if scanned is _REFUSED else scanned  # type: ignore[return-value]
        # Only now is a parser imported: the line reader reads most texts without one.
        for kit in _event_kits(pyyaml):
            if kit is None:
                continue
            view = _build(kit, text, offset, limits)
            if view is not _DEFER:
                return view  # type: ignore[return-value]
    except Exception:
        # A syntax error (or a text the C parser refuses): the full path reports it.
        return None
    return None


#: What :func:`_build` returns when another event source must decide.
_DEFER: Final = object()


#: What a plain scalar *value* reads as, memoised (bounded, like the memos of
#: :mod:`newsmeta._yamltree`): booleans, categories, widths and heights repeat across
#: files. :data:`_GIVE_UP` marks text the quick path leaves to the full path.
_PLAIN_VALUES: dict[str, JSONValue | object] = {}
#: Plain keys known to read as strings within the default key-length limit (the format's
#: keys repeat in every file), and without properties: they need no other check. Each
#: maps to itself: the line reader gives every view this one string of a key.
_GOOD_KEYS: dict[str, str] = {}
_MEMO_MAX: Final = 4096
_GIVE_UP: Final = object()


def _memos(limits: Limits) -> tuple[dict[str, JSONValue | object], dict[str, str]]:
    """The plain-value and good-key memos a reader under ``limits`` may use.

    The memos hold what was read under the default limits only: a value read under other
    limits would skip their checks when a memo serves it later, so other limits get
    empty ones of their own."""
    if (
        limits.max_number_chars == DEFAULT_LIMITS.max_number_chars
        and limits.max_key_chars == DEFAULT_LIMITS.max_key_chars
    ):
        return _PLAIN_VALUES, _GOOD_KEYS
    return {}, {}


#: The kinds of plain scalar the quick path reads; '<<' and '=' are left to the full path.
_VALUE_KINDS: Final = frozenset({"str", "timestamp", "null", "bool", "int", "float"})


#: What :func:`_plain_value` returns for a timestamp: the caller decides by its key.
_TIMESTAMP: Final = object()


def _plain_value(text: str, max_number_chars: int) -> JSONValue | object:
    """What the plain scalar value ``text`` reads as, :data:`_TIMESTAMP`, or
    :data:`_GIVE_UP`."""
    resolved, yaml11_differs = _plain_info(text)
    if yaml11_differs or resolved not in _VALUE_KINDS:
        return _GIVE_UP
    if resolved == "timestamp":
        return _TIMESTAMP
    value, problem = read_plain(text, resolved, max_number_chars)
    return _GIVE_UP if problem is not None else value


class _GiveUp(Exception):
    """Raised inside :func:`_build` to leave the text to the full path."""


class _Defer(Exception):
    """Raised inside :func:`_build` when ruamel.yaml's events must decide."""


def _build(kit: _EventKit, text: str, offset: int, limits: Limits) -> QuickView | object | None:
    """The view of ``text`` from ``kit``'s events; ``None`` to give up, or :data:`_DEFER`.

    The events are read by one function per collection kind, which keeps the work per
    event small: this runs for every file of a run.
    """
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    # Every node is one event, or two for a collection, plus four for the stream and the
    # document: reading stops after this many events, which bounds the work on hostile
    # input; nodes are counted exactly at the end.
    cap = 2 * max_nodes + 5
    scalar_t, map_t, seq_t = kit.scalar, kit.mapping_start, kit.sequence_start
    map_end_t, seq_end_t = kit.mapping_end, kit.sequence_end
    defers = kit.defers
    # A value cannot be longer than the text it is read from.
    check_length = len(text) > limits.max_scalar_chars
    max_scalar_chars, max_key_chars = limits.max_scalar_chars, limits.max_key_chars
    max_number_chars = limits.max_number_chars
    if text.startswith(BOM):
        offset += 1  # libyaml reads a leading byte-order mark without counting it in marks
    plain_values, good_keys = _memos(limits)
    remembered = plain_values.get
    give_up = _GIVE_UP
    stamp_keys = date_time_keys()
    resolver_first = _RESOLVER_FIRST
    control = CONTROL_CHARACTERS.search
    # Anchors need a '&' and tags a '!' in the text: without either, no event has one.
    properties = "&" in text or "!" in text
    values: list[Any] = []
    keep = values.append
    top_level: dict[str, int] = {}
    suspect = False
    dates_elsewhere = False
    # Keys and collections read so far (scalar values are counted by `values`).
    counted = 0
    # Events are read as they come, not collected first: an event kept alive is one more
    # object for the garbage collector to visit.
    following = islice(kit.parse(text), cap).__next__

    def value_of(event: Any, key: str | None) -> JSONValue:
        """The JSON value of a scalar value event under ``key`` (``None`` in a list),
        and it is remembered for spans."""
        nonlocal suspect, dates_elsewhere
        if properties and (event.anchor is not None or event.tag is not None):
            raise _GiveUp
        scalar: str = event.value
        if check_length and len(scalar) > max_scalar_chars:
            raise _GiveUp
        keep(event)
        if not event.style:
            if scalar and scalar[0] not in resolver_first:
                return scalar  # a string in YAML 1.2 and 1.1 alike
            value = remembered(scalar, give_up)
            if value is give_up:
                value = _plain_value(scalar, max_number_chars)
                if value is give_up:
                    raise _GiveUp
                if value is _TIMESTAMP:
                    # Timestamps are text in the view, and unique enough not to be
                    # remembered. A plain one anywhere but under a date-time key is
                    # a date to YAML 1.1 readers: a rule decides, told that it is there.
                    if key is None or key not in stamp_keys:
                        dates_elsewhere = True
                    return scalar
                if len(plain_values) >= _MEMO_MAX:
                    plain_values.clear()
                plain_values[scalar] = value
            return value  # type: ignore[return-value]
        style = event.style
        if style == '"' and not scalar.isprintable() and control(scalar) is not None:
            raise _GiveUp  # an escaped control character: the full path reports it
        if style in "|>" or event.start_mark.line != event.end_mark.line:
            suspect = True  # a block scalar, or a quoted one over several lines
        return scalar

    def collection(event: Any, depth: int) -> JSONValue:
        """The list or dict that starts at ``event``, read to its end event."""
        nonlocal counted
        if properties and (event.anchor is not None or event.tag is not None):
            raise _GiveUp
        if defers and event.flow_style:
            raise _Defer
        if depth > max_depth:
            raise _GiveUp
        # An empty value in a flow collection has no text: libyaml places it at the next
        # token, the full path right after its indicator; the full path locates it.
        flow = event.flow_style
        if type(event) is seq_t:
            items: list[JSONValue] = []
            add = items.append
            while True:
                event = following()
                kind = type(event)
                if kind is scalar_t:
                    if flow and not event.value and not event.style:
                        raise _GiveUp
                    add(value_of(event, None))
                elif kind is seq_end_t:
                    counted += 1
                    return items
                elif kind is map_t or kind is seq_t:
                    add(collection(event, depth + 1))
                else:
                    raise _GiveUp
        mapping: dict[str, JSONValue] = {}
        while True:
            event = following()
            kind = type(event)
            if kind is map_end_t:
                counted += 1 + len(mapping)
                return mapping
            if kind is not scalar_t:
                raise _GiveUp  # a list or mapping (or an alias) as a key
            if properties and (event.anchor is not None or event.tag is not None):
                raise _GiveUp
            key: str = event.value
            if key not in good_keys:
                if len(key) > max_key_chars:
                    raise _GiveUp
                if not event.style:
                    # A plain key must read as a string.
                    if _plain_info(key)[0] not in ("str", "timestamp"):
                        raise _GiveUp
                    if len(good_keys) >= _MEMO_MAX:
                        good_keys.clear()
                    good_keys[key] = key
            if key in mapping:
                raise _GiveUp  # a duplicate key
            event = following()
            kind = type(event)
            if kind is scalar_t:
                if flow and not event.value and not event.style:
                    raise _GiveUp
                if depth == 1:
                    top_level[key] = len(values)
                mapping[key] = value_of(event, key)
            elif kind is map_t or kind is seq_t:
                mapping[key] = collection(event, depth + 1)
            else:
                raise _GiveUp

    try:
        # A stream of one document whose root is a mapping; anything else gives up.
        if type(following()) is not kit.stream_start:
            return None
        start: Any = following()
        if type(start) is not kit.document_start:
            return None
        header: Any = start  # (the type test above narrows `start` to a bare object)
        if defers and (header.explicit or header.version or header.tags):
            return _DEFER
        first = following()
        if type(first) is not map_t:
            return None
        root = collection(first, 1)
        if type(following()) is not kit.document_end or type(following()) is not kit.stream_end:
            return None  # a second document
    except _Defer:
        return _DEFER
    except (_GiveUp, StopIteration):
        return None
    finally:
        # `collection` calls itself through its closure: a reference cycle that only the
        # garbage collector would free, and that would make it run more often.
        collection = None  # type: ignore[assignment]
    if not isinstance(root, dict):  # pragma: no cover - a mapping start gives a dict
        return None
    if counted + len(values) > max_nodes:
        return None
    if suspect or needs_spec(text):
        # A construct on which libyaml and the YAML 1.2 spec may disagree: the view
        # stands only if the spec reads the same (see newsmeta._spec).
        verdict = spec_verdict(text)
        if verdict is not None and (not verdict.ok or difference(root, verdict.data) is not None):
            return None
    return QuickView(
        root, values, offset, top_level, text, kit, plain_dates_elsewhere=dates_elsewhere
    )


# --- the line reader ------------------------------------------------------------------------
#
# Nearly every front matter is block YAML of one shape: `key: value` lines, nested mappings
# and `- ` lists indented under their key, each value plain or quoted on its own line. For
# that shape, reading the lines directly gives the view and every value's span without a
# Python object per parser event (building those is most of libyaml's cost on a clean
# file). The line reader accepts only that shape and gives up on anything else, and the
# event reader then decides, as before. A differential test holds the two to the same
# view, the same spans and the same verdicts.

#: Every line of a text, in order (as ``text.split("\n")``), as the tuple: the line,
#: its indentation, `- ` (a list item) or "", `key` (before `:` and the spaces after it)
#: or "", and the rest of the line. One call for all the lines: a quoted scalar is then
#: found with ``str.find``, many times faster than a character class per character.
#: The rest of the line matches anything, so the first way through always matches and
#: nothing is given back. (No possessive quantifiers: CPython before 3.11.5 matches some
#: of them wrongly, gh-100061 and gh-106052, and cut the first character of list items.)
_LINES: Final = re.compile(
    r"^(( *)(-(?: +|$))?(?:([A-Za-z][A-Za-z0-9_]*):(?: +|$))?(.*))$", re.MULTILINE
)
#: A double-quoted scalar with backslash escapes, at the start of what it is matched on.
_DOUBLE_QUOTED: Final = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
#: The escapes of a double-quoted scalar the line reader decodes; any other one sends the
#: text to the event reader.
_ESCAPES: Final = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE_SEQUENCE: Final = re.compile(r"\\(.)")
#: First characters of a value that the line reader leaves to the event reader: flow
#: collections, anchors, aliases, tags, block scalars, reserved indicators, `?` and `:`,
#: `-` (unless a character other than a space follows), and an unclosed quote.
_NOT_PLAIN_START: Final = frozenset(",[]{}#&*!|>%@`?:\\-\"'")
#: Characters libyaml refuses in a text, or reads as a line break (it reads YAML 1.1).
_REFUSED_OR_BREAK: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]"
)
#: The characters of :data:`_REFUSED_OR_BREAK` up to U+00FF (a tab and a carriage return
#: are ruled out before), as Latin-1 bytes.
_REFUSED_BYTES: Final = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
#: An RFC 3339 date-time, as articles write them: every text it matches is a plain
#: timestamp to YAML 1.1 and to ruamel.yaml alike (:func:`_plain_value` gives
#: :data:`_TIMESTAMP`; a test holds it), read as text under a date-time key.
_RFC3339: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
#: What :func:`_scan` returns when the event reader would refuse the text too (a duplicate
#: key, or a text the spec reads otherwise).
_REFUSED: Final = object()


#: The characters past U+00FF in :data:`_REFUSED_OR_BREAK`, but the surrogates.
_REFUSED_WIDE: Final = ("\ufeff", "\ufffe", "\uffff", "\u2028", "\u2029")


def _refuses_wide(text: str) -> bool:
    """True when ``text`` holds a character past U+00FF of :data:`_REFUSED_OR_BREAK`.

    A few searches for one character each, and an encoding that fails on a surrogate:
    a search of the character class costs ten times more in such a text."""
    if any(char in text for char in _REFUSED_WIDE):
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate
    return False


def _unescaped(raw: str) -> str | None:
    """The value of a double-quoted scalar written ``raw``, or None for an escape the line
    reader leaves to the event reader."""
    escapes = _ESCAPES
    for escape in _ESCAPE_SEQUENCE.finditer(raw):
        if escape.group(1) not in escapes:
            return None
    return _ESCAPE_SEQUENCE.sub(lambda m: escapes[m.group(1)], raw)


def _after_quote(tail: str) -> bool:
    """True when ``tail``, what follows a closing quote, is blanks or a comment."""
    return not tail or (tail[0] == " " and tail.lstrip(" ")[:1] in ("", "#"))


def _scan(text: str, offset: int, limits: Limits) -> QuickView | object | None:
    """The view of ``text`` read line by line; ``None`` when the text is not of the shape
    the line reader knows (the event reader reads it), :data:`_REFUSED` when the event
    reader would refuse it too: a duplicate key in the lines read so far, or a text of the
    shape that the spec reads otherwise (the event reader would give the same view, and
    refuse it).

    The rules are the event reader's, value by value: the same memos, limits, YAML 1.1
    checks and timestamp keys (see :func:`_build`).
    """
    if "\t" in text or "\r" in text:
        return None
    # The characters up to U+00FF are their Latin-1 bytes, and deleting the refused ones
    # is a table lookup per byte, several times cheaper than a character class (or
    # `isprintable`) per character.
    narrow = text.encode("latin-1", "ignore")
    if len(narrow.translate(None, _REFUSED_BYTES)) != len(narrow):
        return None
    if len(narrow) != len(text) and _refuses_wide(text):
        return None
    max_depth = limits.max_depth
    max_scalar_chars, max_key_chars = limits.max_scalar_chars, limits.max_key_chars
    max_number_chars = limits.max_number_chars
    check_length = len(text) > max_scalar_chars
    plain_values, good_keys = _memos(limits)
    known_key = good_keys.get
    remembered = plain_values.get
    give_up = _GIVE_UP
    stamp_keys = date_time_keys()
    resolver_first = _RESOLVER_FIRST
    control = CONTROL_CHARACTERS.search
    not_plain_start = _NOT_PLAIN_START
    rfc3339 = _RFC3339.fullmatch

    spans: list[int] = []
    top_level: dict[str, int] = {}
    dates_elsewhere = False
    nodes = 1  # the root, counted as the event reader counts
    root: dict[str, JSONValue] = {}
    # The open collections, innermost last: (indentation, collection, is it a list).
    stack: list[tuple[int, Any, bool]] = [(0, root, False)]
    depth = 1
    collection: Any = root
    indent, is_list = 0, False
    # A key whose value is not on its line: (its mapping, the key, the column its value
    # must be deeper than, where an empty value is placed: right after the `:`).
    pending: tuple[dict[str, JSONValue], str, int, int] | None = None
    # After a scalar value, no line may be deeper than this: it would continue a plain
    # scalar on the next line (or be an error).
    deepest = -1
    target: dict[str, JSONValue]
    value: JSONValue | object
    at_line = 0
    for line, spaces, dash, key, rest in _LINES.findall(text):
        start = at_line
        at_line += len(line) + 1
        if not key and not dash:
            if not rest:
                continue  # a blank line
            if rest[0] == "#" and not spaces:
                continue  # a comment line (an indented one may end a scalar)
            return None
        n = len(spaces)
        if pending is not None:
            mapping, above, column, empty_at = pending
            pending = None
            if n > column:
                if depth >= max_depth:
                    return None
                nested: Any = [] if dash else {}
                mapping[above] = nested
                nodes += 1
                indent, collection, is_list = n, nested, bool(dash)
                stack.append((n, nested, is_list))
                depth += 1
            else:
                # An empty value reads as null.
                spans.append(empty_at)
                spans.append(empty_at)
                nodes += 1
                if mapping is root:
                    top_level[above] = len(spans) // 2 - 1
        elif n > deepest >= 0:
            return None
        if n != indent:
            while stack[-1][0] > n:
                stack.pop()
            indent, collection, is_list = stack[-1]
            depth = len(stack)
            if indent != n:
                return None
        deepest = -1
        if dash:
            if not is_list:
                return None
            column = n + len(dash)
            if key:
                # `- key: value` opens a mapping whose keys are at this column.
                if depth >= max_depth:
                    return None
                item: dict[str, JSONValue] = {}
                collection.append(item)
                nodes += 1
                indent, collection, is_list = column, item, False
                stack.append((column, item, False))
                depth += 1
                target = item
            else:
                target = root  # (unused: the value is an item)
                column = n
        else:
            if is_list:
                return None
            target = collection
            column = n
        if key:
            if key in target:
                # A duplicate key: the event reader gives up on it too, and only the full
                # path reports it (reading the text's events again here would be wasted).
                return _REFUSED
            known = known_key(key)
            if known is None:
                if len(key) > max_key_chars or _plain_info(key)[0] not in ("str", "timestamp"):
                    return None
                if len(good_keys) >= _MEMO_MAX:
                    good_keys.clear()
                good_keys[key] = key
            else:
                # The memo's own string: every document read keeps one copy of a key, not
                # one each (kept documents hold less, and the collector frees less).
                key = known
            nodes += 1
        # Where the rest of the line starts in the text (it runs to the end of the line).
        begin = at_line - 1 - len(rest)
        first = rest[:1]
        if first == '"':
            # Up to the first quote; with a backslash before it, as the escapes read.
            close = rest.find('"', 1)
            if close < 0:
                return None
            scalar = rest[1:close]
            if "\\" in scalar:
                quoted = _DOUBLE_QUOTED.match(rest)
                if quoted is None:
                    return None
                close = quoted.end() - 1
                unescaped = _unescaped(quoted.group(1))
                if unescaped is None or (
                    not unescaped.isprintable() and control(unescaped) is not None
                ):
                    return None
                scalar = unescaped
            if close + 1 < len(rest) and not _after_quote(rest[close + 1 :]):
                return None
            if check_length and len(scalar) > max_scalar_chars:
                return None
            end = begin + close + 1
            value = scalar
        elif first == "'":
            # Up to the first quote that is not one of a pair ('' is a quote).
            close = rest.find("'", 1)
            while close >= 0 and rest.startswith("'", close + 1):
                close = rest.find("'", close + 2)
            if close < 0:
                return None
            scalar = rest[1:close]
            if "''" in scalar:
                scalar = scalar.replace("''", "'")
            if close + 1 < len(rest) and not _after_quote(rest[close + 1 :]):
                return None
            if check_length and len(scalar) > max_scalar_chars:
                return None
            end = begin + close + 1
            value = scalar
        else:
            if "#" in rest:
                cut = 0 if rest[0] == "#" else rest.find(" #")
                if cut >= 0:
                    rest = rest[:cut]
            if rest and rest[-1] == " ":
                rest = rest.rstrip(" ")
            if not rest:
                if not key:
                    # An empty list item reads as null, placed right after its `-`.
                    collection.append(None)
                    spans.append(start + n + 1)
                    spans.append(start + n + 1)
                    nodes += 1
                    deepest = n
                    continue
                pending = (target, key, column, start + n + len(dash) + len(key) + 1)
                target[key] = None  # holds the key's place until its value is known
                continue
            first = rest[0]
            if first in not_plain_start and (first != "-" or rest[1:2] in ("", " ")):
                return None
            if ": " in rest or rest[-1] == ":":
                return None  # `a: b: c`, or a key with its value on the next lines
            if check_length and len(rest) > max_scalar_chars:
                return None
            end = begin + len(rest)
            value = rest
            if first in resolver_first:
                value = remembered(rest, give_up)
                if value is give_up and key in stamp_keys and rfc3339(rest) is not None:
                    # The usual date-time, unique to its file (so never memoised): what
                    # _plain_value reads as a timestamp (a test holds it), here as text.
                    value = rest
                elif value is give_up:
                    value = _plain_value(rest, max_number_chars)
                    if value is give_up:
                        return None
                    if value is _TIMESTAMP:
                        # As the event reader: a plain timestamp under another key than a
                        # date-time one is a date to YAML 1.1 readers; a rule decides.
                        if not key or key not in stamp_keys:
                            dates_elsewhere = True
                        value = rest
                    else:
                        if len(plain_values) >= _MEMO_MAX:
                            plain_values.clear()
                        plain_values[rest] = value
        if key:
            if target is root:
                top_level[key] = len(spans) // 2
            target[key] = value  # type: ignore[assignment]
            deepest = column
        else:
            collection.append(value)
            deepest = n
        spans.append(begin)
        spans.append(end)
        nodes += 1
    if pending is not None:
        mapping, above, _, empty_at = pending
        spans.append(empty_at)
        spans.append(empty_at)
        nodes += 1
        if mapping is root:
            top_level[above] = len(spans) // 2 - 1
    if not root or nodes > limits.max_nodes:
        return None
    if needs_spec(text):
        verdict = spec_verdict(text)
        if verdict is not None and (not verdict.ok or difference(root, verdict.data) is not None):
            return _REFUSED
    return QuickView(
        root, spans, offset, top_level, text, spans=True, plain_dates_elsewhere=dates_elsewhere
    )


def rescan(
    view: QuickView, old: str, new: str, lo: int, hi: int, limits: Limits = DEFAULT_LIMITS
) -> QuickView | None:
    """What :func:`quick_view` gives for the YAML text ``new``, found by reading only the
    top-level entries it changed; ``None`` when that cannot tell (then read ``new`` whole).

    ``view`` is the line reader's view of ``old`` (its spans, at the offset where ``new``
    starts too) under ``limits``, and ``new`` is ``old`` with ``old[lo:hi]`` replaced.
    The line reader's state at a top-level key's line is the same whatever came before
    it (every collection is closed, a key left without a value reads as null): the lines
    from the key line of the entry holding the character before the change up to the
    key line of the first entry after it, both in the unchanged text, are read alone,
    and the entries before and after them keep their values and spans (moved by the
    change's length). A differential test holds the result equal to reading ``new``
    whole. ``new``'s data shares the unchanged entries' values with ``view``'s.
    """
    if view.event_source is not LINE_READER_SOURCE or not 0 <= lo <= hi <= len(old):
        return None
    if len(new) > limits.max_front_matter_chars or event_source(pure=False) is not _c_events:
        return None
    # Whole-text conditions: the node limit (a node takes at least one character of the
    # text, so a short text cannot reach it), and the spec parser's say (asked below).
    if 2 * len(new) + 2 > limits.max_nodes:
        return None
    start = old.rfind("\n", 0, lo - 1) + 1 if lo > 0 else 0
    while start and not _top_level_key_at(old, start):
        start = old.rfind("\n", 0, start - 1) + 1
    end = old.find("\n", hi) + 1 or len(old)
    while end < len(old) and not _top_level_key_at(old, end):
        end = old.find("\n", end) + 1 or len(old)
    delta = len(new) - len(old)
    try:
        region = _scan(new[start : end + delta], 0, limits)
    except Exception:
        return None
    if not isinstance(region, QuickView):
        return None
    spans = view.values
    # The entries the part read again held, by their key lines (a line the line reader
    # read that starts with a letter is a top-level key's): those before and after them
    # keep their values, found by where they start (the spans are in the text's order).
    entries = list(view.data.items())
    replaced = _TOP_LEVEL_KEYS.findall(old, start, end)
    try:
        kept = [key for key, _ in entries].index(replaced[0]) if replaced else 0
    except ValueError:  # not a text the line reader read as ``view``
        return None
    following = len(entries) - kept - len(replaced)
    if following < 0:
        return None
    from bisect import bisect_left

    starts = spans[0::2]
    kept_before = bisect_left(starts, start)
    first_after = bisect_left(starts, end)
    data: dict[str, JSONValue] = dict(entries[:kept])
    for key, value in region.data.items():
        if key in data:
            return None  # a key defined twice: the event reader decides
        data[key] = value
    after = entries[len(entries) - following :] if following else []
    for key, value in after:
        if key in data:
            return None
        data[key] = value
    read = len(region.values) // 2
    values = spans[: 2 * kept_before]
    values.extend([at + start for at in region.values])
    if after:
        values.extend([at + delta for at in spans[2 * first_after :]])
    old_top = view.top_level
    top_level = {key: old_top[key] for key, _ in entries[:kept] if key in old_top}
    for key, at in region.top_level.items():
        top_level[key] = at + kept_before
    for key, _ in after:
        if key in old_top:
            top_level[key] = old_top[key] - first_after + kept_before + read
    if needs_spec(new):
        # As the whole read asks it: a spec parser that reads the text otherwise (or
        # refuses it) has the whole read refuse it.
        verdict = spec_verdict(new)
        if verdict is not None and (not verdict.ok or difference(data, verdict.data) is not None):
            return None
    return QuickView(
        data,
        values,
        view.offset,
        top_level,
        new,
        spans=True,
        # True when either part may hold one (a view that does not know says True).
        plain_dates_elsewhere=view.plain_dates_elsewhere or region.plain_dates_elsewhere,
    )


#: A top-level key at the start of a line the line reader read.
_TOP_LEVEL_KEYS: Final = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):", re.MULTILINE)


def _top_level_key_at(text: str, at: int) -> bool:
    """True when the line starting at ``at`` of a text the line reader read is a
    top-level key's line (every line it read that starts with a letter is one)."""
    first = text[at : at + 1]
    return first.isascii() and first.isalpha()


def line_tree(text: str, offset: int = 0, only: frozenset[str] | None = None) -> Node | None:
    """The positioned node tree of ``text``, read line by line, for a text the line
    reader reads (see :func:`_scan`); ``None`` for a text of another shape. Only the
    shape is checked, not what the values read as: call it on a text the line reader
    has read.

    The tree is the one :func:`tree_of` builds from the parser's events, without them:
    the same nodes, values, styles and spans, a block collection ending where the next
    token after it starts (or at the end of the text). Cheaper than the events by far,
    it is what an edit of a file the line reader read splices against. A differential
    test holds the two trees equal wherever the line reader reads.

    With ``only``, the block collection under a top-level key not in ``only`` is read
    when its pairs or items are first asked for (an edit of one key needs the other
    keys' places, rather than their contents); its lines are not looked at until then,
    so their shape decides nothing else.
    """
    if "\t" in text or "\r" in text:
        return None
    root = Mapping(offset, offset + len(text), None, None, False)
    # The open collections, innermost last: (indentation, node, is it a list).
    stack: list[tuple[int, Any, bool]] = [(0, root, False)]
    node: Any = root
    indent, is_list = 0, False
    # A key whose value is not on its line: (its mapping, its key node, its column, where
    # an empty value is placed).
    pending: tuple[Mapping, Scalar, int, int] | None = None
    started = False
    at_line = 0
    # The collection under a top-level key whose lines are read later, while its lines
    # go by: (the node, where its key's line starts).
    skipping: tuple[_LazyMapping | _LazySequence, int] | None = None
    key_line = 0
    for line, spaces, dash, key, rest in _LINES.findall(text):
        start = at_line
        at_line += len(line) + 1
        if not key and not dash:
            if not rest or (rest[0] == "#" and not spaces):
                continue  # a blank line, a comment line
            if skipping is None or not spaces:
                return None
        n = len(spaces)
        if skipping is not None:
            if n:
                continue
            lazy, lines_start = skipping
            skipping = None
            lazy.end = offset + start
            lazy.lines = (text[lines_start:start], offset + lines_start)
        here = offset + start + n  # where the line's first token starts
        if pending is not None:
            mapping, above, column, empty_at = pending
            pending = None
            if n > column and only is not None and mapping is root and above.value not in only:
                lazy_node = _LazySequence(here) if dash else _LazyMapping(here)
                mapping.pairs.append((above, lazy_node))
                skipping = (lazy_node, key_line)
                continue
            if n > column:
                nested: Any = (
                    Sequence(here, here, None, None, False)
                    if dash
                    else Mapping(here, here, None, None, False)
                )
                mapping.pairs.append((above, nested))
                indent, node, is_list = n, nested, bool(dash)
                stack.append((n, nested, is_list))
            else:
                at = offset + empty_at
                mapping.pairs.append((above, Scalar(at, at, None, None, "", "")))
        if n != indent:
            while stack[-1][0] > n:
                stack.pop()[1].end = here
            indent, node, is_list = stack[-1]
            if indent != n:
                return None
        if not started:
            root.start = here
            started = True
        if dash:
            if not is_list:
                return None
            column = n + len(dash)
            if key:
                item = Mapping(here + len(dash), here + len(dash), None, None, False)
                node.items.append(item)
                indent, node, is_list = column, item, False
                stack.append((column, item, False))
                target: Any = item
            else:
                target = None
                column = n
        else:
            if is_list:
                return None
            target = node
            column = n
        key_node: Scalar | None = None
        if key:
            at = offset + start + column
            key_node = Scalar(at, at + len(key), None, None, key, "")
            key_line = start
        begin = at_line - 1 - len(rest)
        first = rest[:1]
        if first == '"':
            close = rest.find('"', 1)
            if close < 0:
                return None
            scalar = rest[1:close]
            if "\\" in scalar:
                quoted = _DOUBLE_QUOTED.match(rest)
                if quoted is None:
                    return None
                close = quoted.end() - 1
                unescaped = _unescaped(quoted.group(1))
                if unescaped is None:
                    return None
                scalar = unescaped
            end, style = begin + close + 1, '"'
        elif first == "'":
            close = rest.find("'", 1)
            while close >= 0 and rest.startswith("'", close + 1):
                close = rest.find("'", close + 2)
            if close < 0:
                return None
            scalar = rest[1:close].replace("''", "'")
            end, style = begin + close + 1, "'"
        else:
            if "#" in rest:
                cut = 0 if rest[0] == "#" else rest.find(" #")
                if cut >= 0:
                    rest = rest[:cut]
            scalar = rest.rstrip(" ")
            if scalar and (
                (scalar[0] in _NOT_PLAIN_START and (scalar[0] != "-" or scalar[1:2] in ("", " ")))
                or ": " in scalar
                or scalar[-1] == ":"
            ):
                return None  # not plain on one line: a flow collection, a property...
            if not scalar:
                if key_node is None:
                    # An empty list item reads as null, placed right after its `-`.
                    at = here + 1
                    node.items.append(Scalar(at, at, None, None, "", ""))
                    continue
                pending = (target, key_node, column, start + column + len(key) + 1)
                continue
            end, style = begin + len(scalar), ""
        value = Scalar(offset + begin, offset + end, None, None, scalar, style)
        if key_node is not None:
            target.pairs.append((key_node, value))
        else:
            node.items.append(value)
    if pending is not None:
        mapping, above, _, empty_at = pending
        at = offset + empty_at
        mapping.pairs.append((above, Scalar(at, at, None, None, "", "")))
    end = offset + len(text)
    if skipping is not None:
        lazy, lines_start = skipping
        lazy.end = end
        lazy.lines = (text[lines_start:], offset + lines_start)
    while len(stack) > 1:
        stack.pop()[1].end = end
    return root if started else None


def _read_later(node: _LazyMapping | _LazySequence) -> Node | None:
    """The collection ``node`` stands for, read from its key's lines, which end where
    ``node`` ends: that text is a mapping of one key at the left margin, at the same
    place in the file (see :func:`line_tree`). ``None`` when the lines are of a shape
    only the parser reads."""
    lines = node.lines
    node.lines = None
    if lines is None:
        return None
    text, offset = lines
    root = line_tree(text, offset)
    if not isinstance(root, Mapping) or len(root.pairs) != 1:
        # The line reader read the whole text, so the parser's tree has this key.
        from newsmeta._yamltree import compose

        root = compose(text, offset).root
    if not isinstance(root, Mapping) or len(root.pairs) != 1:
        return None
    return root.pairs[0][1]


#: The slots that hold a mapping's pairs and a sequence's items, under the properties of
#: the collections read later.
_PAIRS: Final[Any] = Mapping.__dict__["pairs"]
_ITEMS: Final[Any] = Sequence.__dict__["items"]


class _LazyMapping(Mapping):
    """A block mapping under a top-level key whose pairs are read when first asked for
    (see :func:`line_tree`); anything else about it is known at once."""

    __slots__ = ("lines",)

    def __init__(self, start: int) -> None:
        super().__init__(start, start, None, None, False)
        #: Its key's lines and where they start in the file, until they are read.
        self.lines: tuple[str, int] | None = None

    @property
    def pairs(self) -> list[tuple[Node, Node]]:
        if self.lines is not None:
            read = _read_later(self)
            _PAIRS.__set__(self, read.pairs if isinstance(read, Mapping) else [])
        pairs: list[tuple[Node, Node]] = _PAIRS.__get__(self)
        return pairs

    @pairs.setter
    def pairs(self, pairs: list[tuple[Node, Node]]) -> None:
        _PAIRS.__set__(self, pairs)


class _LazySequence(Sequence):
    """A block sequence under a top-level key whose items are read when first asked for
    (see :func:`line_tree`); anything else about it is known at once."""

    __slots__ = ("lines",)

    def __init__(self, start: int) -> None:
        super().__init__(start, start, None, None, False)
        #: Its key's lines and where they start in the file, until they are read.
        self.lines: tuple[str, int] | None = None

    @property
    def items(self) -> list[Node]:
        if self.lines is not None:
            read = _read_later(self)
            _ITEMS.__set__(self, read.items if isinstance(read, Sequence) else [])
        items: list[Node] = _ITEMS.__get__(self)
        return items

    @items.setter
    def items(self, items: list[Node]) -> None:
        _ITEMS.__set__(self, items)
