"""The rules' building blocks: the context a rule sees, the registries, and locating findings.

Rule modules (:mod:`newsmeta.rules.text`, :mod:`newsmeta.rules.consistency`,
:mod:`newsmeta.rules.readers`) import from
here, and :mod:`newsmeta.rules` loads them on first use, so the package has no import
circle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from newsmeta._yamltree import Finding, JSONValue, Node, find_node
from newsmeta.problems import pointer_from_parts

__all__ = [
    "FIXES",
    "QUOTE_FIXES",
    "RULES",
    "UNLOCATED",
    "Fix",
    "Rule",
    "RuleContext",
    "finding",
    "rule",
    "span",
    "string_values",
]


class RuleContext:
    """What a rule may look at: the JSON view, the node tree, the text and the file name.

    ``front_matter_end`` is the index in ``text`` where the front matter ends (its closing
    fence); ``None`` means the whole text. Findings are located through ``root``, or,
    when there is no tree, through ``locate_value``: the span of the scalar value at a
    path, or ``None`` (the finding is then marked :data:`UNLOCATED`).
    ``plain_dates_only_in_date_fields`` is True when the reader has seen that every plain
    date or timestamp value sits under a date-time key (a quick view says whether it
    holds one elsewhere), so no rule needs to look for one elsewhere.

    A context is read, never changed: what several rules compute from it (:attr:`strings`,
    :attr:`prose`) is computed on first use and kept. A plain class with slots: every
    rule reads it many times per file, and plain slots are the cheapest attributes.
    """

    __slots__ = (
        "_escapes_may_add",
        "_prose",
        "_strings",
        "data",
        "front_matter_end",
        "locate_value",
        "path",
        "plain_dates_only_in_date_fields",
        "root",
        "text",
    )

    def __init__(
        self,
        data: dict[str, JSONValue],
        root: Node | None,
        text: str,
        path: str | None,
        front_matter_end: int | None = None,
        locate_value: Callable[[list[str | int]], tuple[int, int] | None] | None = None,
        plain_dates_only_in_date_fields: bool = False,
    ) -> None:
        self.data = data
        self.root = root
        self.text = text
        self.path = path
        self.front_matter_end = front_matter_end
        self.locate_value = locate_value
        self.plain_dates_only_in_date_fields = plain_dates_only_in_date_fields
        self._escapes_may_add: bool | None = None
        self._prose: list[tuple[list[str | int], str]] | None = None
        self._strings: list[tuple[list[str | int], str]] | None = None

    def __repr__(self) -> str:
        return f"RuleContext(path={self.path!r}, keys={list(self.data)!r})"

    def text_may_hold(
        self,
        needle: str | re.Pattern[str],
        *,
        non_ascii: bool = False,
        utf8: re.Pattern[bytes] | None = None,
    ) -> bool:
        """False only when no string value can contain ``needle`` (text or a pattern).

        A cheap guard before walking every value. A value's characters appear literally in
        the front matter, except that a backslash escape in double quotes stands for
        another character (``\\x41``, ``\\/``, an escaped line break...) and a line break
        inside a value is folded into a space. So any escape but ``\\"`` and ``\\\\``
        passes the guard, and a ``needle`` must match with ``\\s`` wherever the value may
        hold a space.
        ``non_ascii`` says that every match of ``needle`` holds a non-ASCII character, so
        that ASCII front matter is ruled out without a search. ``utf8`` is a pattern that
        matches the UTF-8 form of every match of ``needle`` (and may match more): front
        matter whose UTF-8 form it does not match is ruled out by a byte search, which is
        many times faster than a search of a character class in text past Latin-1.
        """
        if self.escapes_may_add:
            return True
        # Only the front matter: the body is usually most of the text and holds no value.
        text = self.text
        end = len(text) if self.front_matter_end is None else self.front_matter_end
        if isinstance(needle, str):
            return text.find(needle, 0, end) >= 0
        front = text[:end]
        if non_ascii and front.isascii():
            return False
        if utf8 is not None and utf8.search(front.encode("utf-8", "surrogatepass")) is None:
            return False
        return needle.search(front) is not None

    @property
    def escapes_may_add(self) -> bool:
        """True when a backslash escape in the front matter may put into a value a
        character that is not written there (any escape but ``\\"`` and ``\\\\``)."""
        found = self._escapes_may_add
        if found is None:
            text = self.text
            end = len(text) if self.front_matter_end is None else self.front_matter_end
            found = self._escapes_may_add = text.find("\\", 0, end) >= 0 and any(
                escape.group(1) not in '"\\' for escape in _ESCAPE.finditer(text, 0, end)
            )
        return found

    @property
    def prose(self) -> list[tuple[list[str | int], str]]:
        """The titles and excerpts of the article and of each related article, with their
        paths: the text that several rules read."""
        found = self._prose
        if found is None:
            found = self._prose = self._find_prose()
        return found

    def _find_prose(self) -> list[tuple[list[str | int], str]]:
        found: list[tuple[list[str | int], str]] = []
        data = self.data
        for key in _PROSE_KEYS:
            value = data.get(key)
            if isinstance(value, str):
                found.append(([key], value))
        related = data.get("related")
        if isinstance(related, list):
            for index, item in enumerate(related):
                if isinstance(item, dict):
                    for key in _PROSE_KEYS:
                        value = item.get(key)
                        if isinstance(value, str):
                            found.append((["related", index, key], value))
        return found

    @property
    def strings(self) -> list[tuple[list[str | int], str]]:
        """Every string in the front matter with its path, in document order.

        Computed once per file and shared: several rules look at every string.
        """
        found = self._strings
        if found is None:
            found = self._strings = list(string_values(self.data))
        return found


Rule = Callable[[RuleContext], Iterator[Finding]]

#: The keys of an article's prose (see :attr:`RuleContext.prose`).
_PROSE_KEYS: Final = ("title", "excerpt")

#: A backslash and the character after it, read left to right so that ``\\\\`` is one
#: escape. Every escape but ``\\"`` and ``\\\\`` may put another character into a value.
_ESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)

Fix = Callable[[str], str]

#: Every rule, by code, in the order they run.
RULES: dict[str, Rule] = {}
#: The safe fixes, by code: old value -> repaired value.
FIXES: dict[str, Fix] = {}
#: The codes whose safe fix keeps a string value and writes it double-quoted
#: (:meth:`newsmeta.Document.quote`).
QUOTE_FIXES: set[str] = set()


def rule(code: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule for ``code``."""

    def register(function: Rule) -> Rule:
        RULES[code] = function
        return function

    return register


#: The span of a finding that could not be located without a node tree.
UNLOCATED: Final = (-1, -1)


def span(context: RuleContext, parts: list[str | int]) -> tuple[int, int]:
    """The span of the value at ``parts`` (its key for an empty value, else the fence).

    Without a tree (``context.root`` is ``None`` and ``context.locate_value`` is set), the
    span of a non-empty scalar value, else :data:`UNLOCATED`.
    """
    if context.root is None and context.locate_value is not None:
        located = context.locate_value(parts)
        return located if located is not None and located[1] > located[0] else UNLOCATED
    key, node = find_node(context.root, parts)
    if node is not None and node.end > node.start:
        return node.start, node.end
    if key is not None:
        return key.start, key.end
    return 0, 3


def finding(context: RuleContext, code: str, message: str, parts: list[str | int]) -> Finding:
    """A finding for ``code`` located at the value at ``parts``."""
    start, end = span(context, parts)
    return Finding(code, message, pointer_from_parts(parts), start, end)


def string_values(value: JSONValue) -> Iterator[tuple[list[str | int], str]]:
    """Every string in ``value`` with the path to it, depth first in document order."""
    # An explicit stack: nested generators cost a frame resume per level per string.
    stack: list[tuple[list[str | int], JSONValue]] = [([], value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            stack.extend(([*path, k], v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(([*path, i], v) for i, v in reversed(list(enumerate(item))))
