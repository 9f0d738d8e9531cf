"""The quick path: YAML text -> JSON view in one pass over the C parser's events.

Most files of a CI run have nothing to report, and a file with nothing to report needs
no node tree and no positions. :func:`quick_view` builds the JSON view straight from the
events and gives up (returns ``None``) at the first thing that the full path
(:func:`~newsmeta._yamltree.compose` then :func:`~newsmeta._yamltree.to_data`) would
report or treat specially: a syntax error, a limit, an anchor, alias or tag, a duplicate
or non-string key, a YAML 1.1 ambiguity (a plain timestamp anywhere but under a
date-time key included), an escaped control character, a number JSON cannot hold, more
than one document. Giving up is always safe; the caller then runs the
full path, which finds and locates the problem.

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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import attrs

from newsmeta._frontmatter import BOM
from newsmeta._spec import difference, needs_spec, spec_verdict
from newsmeta._yamltree import (
    CONTROL_CHARACTERS,
    DEFAULT_LIMITS,
    JSONValue,
    Limits,
    _plain_info,
    event_source,
    read_plain,
)
from newsmeta.schema import date_time_keys

__all__ = ["QuickView", "quick_view"]


@attrs.frozen
class QuickView:
    """The JSON view of a front matter that is a mapping, and where its values are.

    ``values`` holds the parser event of every scalar *value* (not key) in document
    order, which is the depth-first order of ``data``; ``offset`` is the index of the
    YAML text in the file. :meth:`span` locates a value through them, without a tree.
    """

    data: dict[str, JSONValue]
    values: list[Any]
    offset: int
    #: The ordinal in ``values`` of each top-level scalar value, by key.
    top_level: dict[str, int] = attrs.field(factory=dict)

    def span(self, parts: Sequence[str | int]) -> tuple[int, int] | None:
        """The character span in the file of the scalar value at ``parts``, or ``None``
        when ``parts`` names no scalar value (a list, a mapping, nothing)."""
        if len(parts) == 1 and isinstance(parts[0], str) and parts[0] in self.top_level:
            ordinal: int | None = self.top_level[parts[0]]
        else:
            ordinal = _scalar_ordinal(self.data, parts)
        if ordinal is None:
            return None
        event = self.values[ordinal]
        return self.offset + event.start_mark.index, self.offset + event.end_mark.index


def _scalar_ordinal(data: JSONValue, parts: Sequence[str | int]) -> int | None:
    """How many scalar values come before the one at ``parts`` in depth-first order."""
    before = 0
    node = data
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            for key, value in node.items():
                if key == part:
                    break
                before += _count_scalars(value)
            node = node[part]
        elif isinstance(node, list) and type(part) is int and 0 <= part < len(node):
            before += sum(_count_scalars(value) for value in node[:part])
            node = node[part]
        else:
            return None
    if isinstance(node, dict | list):
        return None
    return before


def _count_scalars(value: JSONValue) -> int:
    if isinstance(value, dict):
        return sum(_count_scalars(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_scalars(v) for v in value)
    return 1


@attrs.frozen
class _EventKit:
    """One C parser's event classes (each has ``anchor``, ``tag``, ``value``...)."""

    parse: Callable[[str], Iterator[object]]
    scalar: type
    mapping_start: type
    sequence_start: type
    mapping_end: type
    sequence_end: type
    document_start: type
    #: Events that carry nothing for the view; anything else not named here gives up.
    inert: tuple[type, ...]
    #: True for PyYAML's parser: hand flow collections and directives over to ruamel.yaml.
    defers: bool


def _kit(events: Any, parse: Callable[[str], Iterator[object]], *, defers: bool) -> _EventKit:
    """The kit of a parser whose event classes are in the module ``events``."""
    return _EventKit(
        parse=parse,
        scalar=events.ScalarEvent,
        mapping_start=events.MappingStartEvent,
        sequence_start=events.SequenceStartEvent,
        mapping_end=events.MappingEndEvent,
        sequence_end=events.SequenceEndEvent,
        document_start=events.DocumentStartEvent,
        inert=(events.StreamStartEvent, events.StreamEndEvent, events.DocumentEndEvent),
        defers=defers,
    )


@functools.cache
def _ruamel_kit() -> _EventKit | None:
    from newsmeta._yamltree import _c_events

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


def quick_view(
    text: str, offset: int = 0, limits: Limits = DEFAULT_LIMITS, *, pyyaml: bool = True
) -> QuickView | None:
    """The JSON view of ``text`` (the YAML between the fences, at ``offset`` in the file).

    Returns ``None`` unless ``text`` is one YAML document holding a mapping in which the
    full path would find nothing to report, and when no C parser is installed. Never
    raises for bad input. ``pyyaml=False`` reads ruamel.yaml's events only.
    """
    if len(text) > limits.max_front_matter_chars:
        return None
    ruamel = _ruamel_kit()
    if ruamel is None:
        # The full path would read this with ruamel.yaml's pure-Python parser, which
        # accepts other texts than libyaml (a tab after `key:`): only it may decide.
        return None
    kits = (_pyyaml_kit(), ruamel) if pyyaml else (ruamel,)
    try:
        for kit in kits:
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
#: Plain scalars known to read as strings when used as keys (the format's keys repeat).
_PLAIN_KEYS: set[str] = set()
_MEMO_MAX: Final = 4096
_GIVE_UP: Final = object()


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


def _build(kit: _EventKit, text: str, offset: int, limits: Limits) -> QuickView | object | None:
    """The view of ``text`` from ``kit``'s events; ``None`` to give up, or :data:`_DEFER`."""
    scalar_t, map_t, seq_t = kit.scalar, kit.mapping_start, kit.sequence_start
    map_end_t, seq_end_t = kit.mapping_end, kit.sequence_end
    doc_start_t, inert, defers = kit.document_start, kit.inert, kit.defers
    max_scalar_chars, max_depth, max_nodes = (
        limits.max_scalar_chars,
        limits.max_depth,
        limits.max_nodes,
    )
    max_key_chars, max_number_chars = limits.max_key_chars, limits.max_number_chars
    if text.startswith(BOM):
        offset += 1  # libyaml reads a leading byte-order mark without counting it in marks
    # The memo holds values read under the default number limit only: a value read under
    # another limit would skip that limit's check when the memo serves it later.
    plain_values = _PLAIN_VALUES if max_number_chars == DEFAULT_LIMITS.max_number_chars else {}
    remembered = plain_values.get
    plain_keys = _PLAIN_KEYS
    give_up = _GIVE_UP
    stamp_keys = date_time_keys()

    root: JSONValue = None
    # The collection being filled, whether it is a mapping, and the key waiting for its
    # value (None: none yet, or a list); `outer` saves these for the enclosing ones.
    parent: Any = None
    in_mapping = False
    key: str | None = None
    outer: list[tuple[Any, bool, str | None]] = []
    values: list[Any] = []
    top_level: dict[str, int] = {}
    nodes = 0
    documents = 0
    suspect = False
    value: JSONValue | object
    for event in kit.parse(text):
        kind = type(event)
        if kind is scalar_t:
            nodes += 1
            # (ruamel.yaml's `tag` is a property, but its events are read only after a
            # flow collection or when PyYAML is missing.)
            if event.anchor is not None or event.tag is not None:  # type: ignore[attr-defined]
                return None
            scalar: str = event.value  # type: ignore[attr-defined]
            style = event.style  # type: ignore[attr-defined]
            if len(scalar) > max_scalar_chars or nodes > max_nodes:
                return None
            if in_mapping and key is None:
                # A key: a plain one must read as a string.
                if not style and scalar not in plain_keys:
                    if _plain_info(scalar)[0] not in ("str", "timestamp"):
                        return None
                    if len(plain_keys) >= _MEMO_MAX:
                        plain_keys.clear()
                    plain_keys.add(scalar)
                if len(scalar) > max_key_chars or scalar in parent:
                    return None
                key = scalar
                continue
            if not style:
                value = remembered(scalar, give_up)
                if value is give_up:
                    value = _plain_value(scalar, max_number_chars)
                    if value is give_up:
                        return None
                    if value is _TIMESTAMP:
                        # Timestamps are text in the view, and unique enough not to be
                        # remembered. A plain one anywhere but under a date-time key is
                        # a date to YAML 1.1 readers: the full path decides (a rule).
                        if key is None or key not in stamp_keys:
                            return None
                        value = scalar
                    else:
                        if len(plain_values) >= _MEMO_MAX:
                            plain_values.clear()
                        plain_values[scalar] = value
            else:
                if (
                    style == '"'
                    and not scalar.isprintable()
                    and CONTROL_CHARACTERS.search(scalar) is not None
                ):
                    return None
                if style in "|>" or event.start_mark.line != event.end_mark.line:  # type: ignore[attr-defined]
                    suspect = True  # a block scalar, or a quoted one over several lines
                value = scalar
            if key is not None:
                parent[key] = value
                if len(outer) == 1:
                    top_level[key] = len(values)
                key = None
            elif parent is not None:
                parent.append(value)
            else:
                root = value  # type: ignore[assignment]
            values.append(event)
        elif kind is map_t or kind is seq_t:
            nodes += 1
            if event.anchor is not None or event.tag is not None:  # type: ignore[attr-defined]
                return None
            if defers and event.flow_style:  # type: ignore[attr-defined]
                return _DEFER
            container: Any = {} if kind is map_t else []
            if in_mapping:
                if key is None:
                    return None  # a list or mapping as a key
                parent[key] = container
            elif parent is not None:
                parent.append(container)
            else:
                root = container
            outer.append((parent, in_mapping, None))
            parent, in_mapping, key = container, kind is map_t, None
            if len(outer) > max_depth or nodes > max_nodes:
                return None
        elif kind is map_end_t or kind is seq_end_t:
            parent, in_mapping, key = outer.pop()
        elif kind is doc_start_t:
            documents += 1
            if documents > 1:
                return None
            if defers and (event.explicit or event.version or event.tags):  # type: ignore[attr-defined]
                return _DEFER
        elif kind not in inert:
            return None
    if not isinstance(root, dict):
        return None
    if suspect or needs_spec(text):
        # A construct on which libyaml and the YAML 1.2 spec may disagree: the view
        # stands only if the spec reads the same (see newsmeta._spec).
        verdict = spec_verdict(text)
        if verdict is not None and (not verdict.ok or difference(root, verdict.data) is not None):
            return None
    return QuickView(root, values, offset, top_level)
