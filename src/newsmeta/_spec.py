"""The YAML 1.2 arbiter: who decides what a front matter means where parsers disagree.

newsmeta reads YAML through ruamel.yaml: its C parser (the libyaml 0.1.7 inside
ruamel.yaml.clib) when installed, else its pure-Python parser. Both give the events with
exact character marks that validation and editing are built on, and both are fast enough
for every file. Neither follows the YAML 1.2 spec everywhere (measured on the official
YAML test suite, see ``tests/test_yaml_suite.py``):

- libyaml 0.1.7 refuses valid YAML: ``:`` or ``?`` inside a plain scalar in a flow
  collection (``{url: https://a.example/x}``), tabs used as separation (a tab-only line
  between two keys), empty keys, some anchors and block-scalar forms;
- both accept invalid YAML: ``key: "value"# comment``, flow and quoted continuation lines
  indented no deeper than their parent, ``[-]``, a block-scalar header with a comment
  glued to it, a comma in a tag;
- both read ``{ ?foo: bar }`` as the key ``foo``, where the spec reads ``?foo``.

The spec decides through `yaml-rs <https://pypi.org/project/yaml-rs/>`_ (a binding of the
Rust parser saphyr, which passes the test suite); only its verdict and data are used. It
runs only where the parsers may disagree, so a clean file costs a few substring
tests (:func:`needs_spec`):

1. when the ruamel.yaml parser refuses the text (then the spec's verdict and position
   are the ones reported, whichever ruamel.yaml parser ran);
2. when the text holds a construct of the disagreement set: a tab, a flow collection, a
   tag, a directive, a comment glued to a quote or a block-scalar header, a block
   scalar, a quoted scalar over several lines, an anchor (the last three are seen on
   the parser's events).

What follows from the spec's answer:

- the spec refuses the text: ``yaml-syntax`` at the spec parser's position, with its words;
- the spec accepts it and ruamel.yaml read it: the two readings must agree (strings,
  structure); where they do not, the tree of ruamel.yaml's pure-Python parser is tried,
  and if that disagrees too the value is reported as ``yaml-unportable``;
- the spec accepts it and ruamel.yaml refused it: the pure-Python parser is tried, then
  the same text with tabs turned into spaces, whitespace-only lines emptied and a space
  put after a ``:`` glued to a JSON-like key in a flow sequence (``["key":value]``),
  every position mapped back to the text (the data comparison proves no value
  changed); failing both, ``yaml-unportable`` at the place ruamel.yaml stopped. These
  forms (a flow-mapping key whose ``:`` is on the next line, an empty document made of
  ``...``) are also refused by libyaml, which PyYAML and Ruby's Psych (Jekyll) use: a
  file that holds them does not travel.

A differential test runs the spec on every case of the suite and every real file and
checks that the cheap scan never skips a text on which the verdict or the data would
change.

Without yaml-rs installed (it is a dependency; a platform without a wheel may lack it)
the ruamel.yaml parsers decide, as before.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

from newsmeta._records import FrozenRecord

__all__ = ["SpecVerdict", "difference", "needs_spec", "spec_verdict"]

#: A block-scalar header at the end of a line (the character before it is checked apart).
_BLOCK_HEADER: Final = re.compile(r"[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)

#: The spec parser is recursive: nesting is bounded before it runs. Each level of
#: nesting needs one of these characters, so their count bounds the depth.
_NESTING_CHARS: Final = "[{-?:"
_MAX_NESTING: Final = 2000


def needs_spec(text: str) -> bool:
    """True when ``text`` holds a text-level construct on which parsers may disagree: a
    tab, a flow collection, a tag, a directive, a comment glued to a closing quote or a
    block-scalar header, or a block-scalar header.

    Plain substring tests first: this runs on every file, and most hold none of these.
    """
    if "\t" in text or "[" in text or "{" in text or "!" in text:
        return True
    if text.startswith("%") or "\n%" in text:
        return True  # a directive
    if "#" in text and ('"#' in text or "'#" in text or "|#" in text or ">#" in text):
        return True
    if "|" not in text and ">" not in text:
        return False
    for header in _BLOCK_HEADER.finditer(text):
        at = header.start()
        if at == 0 or text[at - 1] in " \t\n":
            return True
    return False


class SpecVerdict(FrozenRecord):
    """What the YAML 1.2 spec parser says of a YAML text.

    ``ok`` with ``data`` (the value it reads, scalars typed by the 1.2 core schema,
    timestamps left as text), or a refusal with the 0-based ``index`` of the position it
    reports in the text and its ``message`` (its own words, one sentence).
    """

    __slots__ = ("data", "index", "message", "ok")
    _fields = ("ok", "data", "index", "message")
    ok: bool
    data: Any
    index: int
    message: str

    def __init__(self, ok: bool, data: Any = None, index: int = 0, message: str = "") -> None:
        object.__setattr__(self, "ok", ok)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "message", message)


@functools.cache
def _loader() -> Any:
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency
        return None
    limits = yaml_rs.AliasLimits(max_total_replayed_events=10_000)
    policy = yaml_rs.DuplicateKeyPolicy.FirstWins
    return functools.partial(
        yaml_rs.loads, parse_datetime=False, alias_limits=limits, duplicate_key_policy=policy
    )


_POSITION: Final = re.compile(r"YAML parse error at line (\d+), column (\d+)")


def spec_verdict(text: str) -> SpecVerdict | None:
    """The spec's verdict on ``text`` (the YAML between the fences); ``None`` when there is
    no verdict to have: yaml-rs is missing, the text nests too deep to hand to it, or it
    failed for a reason other than syntax (an alias limit). Never raises."""
    load = _loader()
    if load is None or sum(map(text.count, _NESTING_CHARS)) > _MAX_NESTING:
        return None
    try:
        data = load(text)
    except Exception as exc:
        words = str(exc)
        found = _POSITION.match(words)
        if found is None:
            return None
        line, column = int(found.group(1)), int(found.group(2))
        message = words.rstrip().rsplit("\n", 1)[-1].strip()
        message = message[:1].upper() + message[1:]
        return SpecVerdict(False, None, _index(text, line, column), message.rstrip(".") + ".")
    if isinstance(data, dict | list):
        tab = _tab_before_block(text)
        if tab >= 0:
            return SpecVerdict(False, None, tab, _TAB_BEFORE_BLOCK)
    return SpecVerdict(True, data)


_TAB_BEFORE_BLOCK: Final = (
    "Tabs disallowed within indentation: YAML indents with spaces only, and a key or "
    "list item cannot follow a tab."
)


def _tab_before_block(text: str) -> int:
    """Index of a tab before the first line of a top-level block mapping or list, or -1.

    yaml-rs reads ``\ttitle: x`` as a mapping; the spec has no room for a tab before a
    block collection (it is indentation, which is spaces only), as libyaml and ruamel.yaml
    say and the suite says of the same at deeper levels (4EJS, DK95/06, Y79Y). Only called
    on a text read as a mapping or list, whose first content line begins it: a flow one
    (``\t{...}``) and one with properties (``&a``, ``!tag``) are left to the parser.
    """
    for line_match in re.finditer(r"[^\n]*\n?", text):
        line = line_match.group()
        content = line.lstrip(" \t")
        if not content.strip() or content.startswith("#"):
            continue  # blank or comment lines come before the collection
        lead = line[: len(line) - len(content)]
        if "\t" not in lead or content[0] in "{[&!%" or content.startswith("---"):
            return -1
        return line_match.start() + lead.index("\t")
    return -1


def _index(text: str, line: int, column: int) -> int:
    """The index in ``text`` of 1-based ``line`` and character ``column``."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found < 0:
            return len(text)
        start = found + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return min(start + max(column - 1, 0), end)


def difference(ours: object, spec: object) -> list[str | int] | None:
    """Where newsmeta's JSON view ``ours`` first reads differently from the spec's
    ``spec``: the path to it (``[]`` for the whole), or ``None`` when they agree.

    Structure and text are compared: mappings key by key in order (a key the spec does
    not read as a string is not compared: newsmeta reports those keys itself), lists
    item by item, strings exactly. Other scalars only have to be scalars on both sides:
    both typings are the YAML 1.2 core schema, and a misreading that matters changes the
    structure or the text.
    """
    if isinstance(spec, dict):
        if not isinstance(ours, dict) or len(ours) != len(spec):
            return []
        for (our_key, our_value), (key, value) in zip(ours.items(), spec.items(), strict=True):
            if isinstance(key, str) and key != our_key:
                return [our_key]
            inner = difference(our_value, value)
            if inner is not None:
                return [our_key, *inner]
        return None
    if isinstance(spec, list):
        if not isinstance(ours, list) or len(ours) != len(spec):
            return []
        for index, (a, b) in enumerate(zip(ours, spec, strict=True)):
            inner = difference(a, b)
            if inner is not None:
                return [index, *inner]
        return None
    if isinstance(ours, dict | list) or (
        isinstance(spec, str) and isinstance(ours, str) and ours != spec
    ):
        return []
    return None
