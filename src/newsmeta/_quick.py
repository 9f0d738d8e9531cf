"""The quick path: YAML text -> JSON view in one pass over the C parser's events.

Most files of a CI run have nothing to report, and a file with nothing to report needs
no node tree and no positions. :func:`quick_view` builds the JSON view straight from the
events and gives up (returns ``None``) at the first thing that the full path
(:func:`~newsmeta._yamltree.compose` then :func:`~newsmeta._yamltree.to_data`) would
report or treat specially: a syntax error, a limit, an anchor, alias or tag, a duplicate
or non-string key, a YAML 1.1 ambiguity, an escaped control character, a number JSON
cannot hold, more than one document. Giving up is always safe; the caller then runs the
full path, which finds and locates the problem.

The contract, held by a differential test: whenever :func:`quick_view` returns a view,
the full path returns the same JSON view and no findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, Final

import attrs

from newsmeta._yamltree import (
    CONTROL_CHARACTERS,
    DEFAULT_LIMITS,
    JSONValue,
    Limits,
    _plain_info,
    construct_float,
    construct_int,
    event_source,
)

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

    def span(self, parts: Sequence[str | int]) -> tuple[int, int] | None:
        """The character span in the file of the scalar value at ``parts``, or ``None``
        when ``parts`` names no scalar value (a list, a mapping, nothing)."""
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


_BOOLEAN_TRUE: Final = frozenset({"true", "True", "TRUE"})


def _have_c_events() -> bool:
    from newsmeta._yamltree import _c_events

    return event_source(pure=False) is _c_events


def quick_view(text: str, offset: int = 0, limits: Limits = DEFAULT_LIMITS) -> QuickView | None:
    """The JSON view of ``text`` (the YAML between the fences, at ``offset`` in the file).

    Returns ``None`` unless ``text`` is one YAML document holding a mapping in which the
    full path would find nothing to report, and when ruamel.yaml's C parser is missing.
    Never raises for bad input.
    """
    if len(text) > limits.max_front_matter_chars or not _have_c_events():
        return None
    try:
        return _build(event_source(pure=False)(text), offset, limits)
    except Exception:
        # A syntax error (or a text the C parser refuses): the full path reports it.
        return None


def _build(events: Iterator[object], offset: int, limits: Limits) -> QuickView | None:
    from ruamel.yaml import events as ev

    scalar_t, map_t, seq_t = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end_t, seq_end_t = ev.MappingEndEvent, ev.SequenceEndEvent
    doc_start_t = ev.DocumentStartEvent
    # Events that carry nothing for the view; anything not named here (an alias) gives up.
    inert = (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)
    max_scalar_chars, max_depth, max_nodes = (
        limits.max_scalar_chars,
        limits.max_depth,
        limits.max_nodes,
    )
    max_key_chars, max_number_chars = limits.max_key_chars, limits.max_number_chars

    root: JSONValue = None
    # The open collections, and for each the key waiting for its value (None: no key yet,
    # or a list).
    stack: list[dict[str, JSONValue] | list[JSONValue]] = []
    keys: list[str | None] = []
    values: list[Any] = []
    nodes = 0
    documents = 0
    value: JSONValue
    for event in events:
        kind = type(event)
        if kind is scalar_t:
            nodes += 1
            if event.anchor is not None or event.ctag is not None:  # type: ignore[attr-defined]
                return None
            text: str = event.value  # type: ignore[attr-defined]
            style = event.style  # type: ignore[attr-defined]
            if len(text) > max_scalar_chars:
                return None
            parent = stack[-1] if stack else None
            key: str | None = None
            if type(parent) is dict:
                key = keys[-1]
                if key is None:
                    # This scalar is a key: a plain one must read as a string.
                    if not style and _plain_info(text)[0] not in ("str", "timestamp"):
                        return None
                    if len(text) > max_key_chars or text in parent:
                        return None
                    keys[-1] = text
                    continue
                keys[-1] = None
            if not style:
                resolved, yaml11_differs = _plain_info(text)
                if yaml11_differs:
                    return None
                if resolved == "str" or resolved == "timestamp":
                    value = text
                elif resolved == "null":
                    value = None
                elif resolved == "bool":
                    value = text in _BOOLEAN_TRUE
                elif len(text) > max_number_chars:
                    return None
                elif resolved == "int":
                    value = construct_int(text)
                elif resolved == "float":
                    value = construct_float(text)
                    if not math.isfinite(value):
                        return None
                else:
                    return None  # '<<' or '=' as a value: the full path decides
            else:
                if (
                    style == '"'
                    and not text.isprintable()
                    and CONTROL_CHARACTERS.search(text) is not None
                ):
                    return None
                value = text
            if parent is None:
                root = value
            elif key is None:
                parent.append(value)  # type: ignore[union-attr]
            else:
                parent[key] = value  # type: ignore[call-overload]
            values.append(event)
        elif kind is map_t or kind is seq_t:
            nodes += 1
            if event.anchor is not None or event.tag is not None:  # type: ignore[attr-defined]
                return None
            container: dict[str, JSONValue] | list[JSONValue] = {} if kind is map_t else []
            if stack:
                parent = stack[-1]
                if type(parent) is dict:
                    key = keys[-1]
                    if key is None:
                        return None  # a list or mapping as a key
                    parent[key] = container
                    keys[-1] = None
                else:
                    parent.append(container)  # type: ignore[union-attr]
            else:
                root = container
            stack.append(container)
            keys.append(None)
            if len(stack) > max_depth:
                return None
        elif kind is map_end_t or kind is seq_end_t:
            stack.pop()
            keys.pop()
        elif kind is doc_start_t:
            documents += 1
            if documents > 1:
                return None
        elif kind not in inert:
            return None
        if nodes > max_nodes:
            return None
    if not isinstance(root, dict):
        return None
    return QuickView(root, values, offset)
