"""The regular expressions of newsmeta match the same on every supported Python.

CPython 3.11.0 to 3.11.4 match some possessive quantifiers and atomic groups wrongly
(gh-100061, gh-106052): a pattern using them cut the first character of list items there.
So no module-level pattern of the package may use them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest

import newsmeta

# The pattern parser of the standard library (private, and untyped for that reason).
parser: Any = importlib.import_module("re._parser")
constants: Any = importlib.import_module("re._constants")

_REFUSED = {constants.POSSESSIVE_REPEAT, constants.ATOMIC_GROUP}


def _operations(parsed: Any) -> set[Any]:
    """Every opcode in a parsed pattern, nested groups and branches included."""
    found: set[Any] = set()
    for op, argument in parsed:
        found.add(op)
        stack = [argument]
        while stack:
            item = stack.pop()
            if isinstance(item, parser.SubPattern):
                found |= _operations(item)
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
    return found


def _module_patterns() -> list[tuple[str, re.Pattern[str] | re.Pattern[bytes]]]:
    patterns = []
    for info in pkgutil.walk_packages(newsmeta.__path__, "newsmeta."):
        if info.name.endswith("__main__"):  # importing it runs the command line
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (the language server, Dask) is absent
            continue
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                patterns.append((f"{info.name}.{name}", value))
    return patterns


def test_the_package_has_patterns_to_check() -> None:
    names = {name for name, _ in _module_patterns()}
    assert "newsmeta._quick._LINES" in names
    assert "newsmeta._diagnose._SINGLE_QUOTED_REST" in names


@pytest.mark.parametrize(("name", "pattern"), _module_patterns())
def test_no_pattern_uses_possessive_quantifiers_or_atomic_groups(
    name: str, pattern: re.Pattern[str] | re.Pattern[bytes]
) -> None:
    used = _operations(parser.parse(pattern.pattern, pattern.flags)) & _REFUSED
    assert not used, f"{name} uses {sorted(map(str, used))}"


def test_a_single_quoted_rest_ends_at_a_quote_no_quote_follows() -> None:
    from newsmeta._diagnose import _SINGLE_QUOTED_REST

    assert _SINGLE_QUOTED_REST.match("it''s' tail").group() == "it''s'"  # type: ignore[union-attr]
    assert _SINGLE_QUOTED_REST.match("a''' tail").group() == "a'''"  # type: ignore[union-attr]
    # An escaped quote at the end is no closing quote: the scalar is still open.
    assert _SINGLE_QUOTED_REST.match("abc''") is None


def test_a_double_quoted_rest_skips_escaped_quotes() -> None:
    from newsmeta._diagnose import _DOUBLE_QUOTED_REST

    assert _DOUBLE_QUOTED_REST.match('a\\"b" tail').group() == 'a\\"b"'  # type: ignore[union-attr]
    assert _DOUBLE_QUOTED_REST.match('a\\\\" tail').group() == 'a\\\\"'  # type: ignore[union-attr]
    assert _DOUBLE_QUOTED_REST.match('open \\"') is None
