"""A failing file's problems located through its quick view, as the node tree locates them.

:func:`newsmeta._check.analyse_view` explains schema errors with a locator that answers
from the view's index of scalar values and from the text around them, and builds the
tree only for what they cannot tell. Every answer must be the tree's, exactly: these
tests ask both about every value, key and mapping of real, generated and mutated files.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from newsmeta._check import _ViewLocator, analyse, analyse_view, decode, quick_read
from newsmeta._yamltree import JSONValue, Locator
from newsmeta.schema import _key_span, _mapping_span, _value_span

from .articles import mutated
from .conftest import EXAMPLES

_SAMPLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()
#: Lines a failing file often holds: empty values and list items, unknown and quoted keys.
_TOKENS = (
    b"\n  -\n",
    b"\n  - \n",
    b"\nextra: 1\n",
    b'\n"quoted": x\n',
    b"\ntopics:\n  - a\n  -\n",
    b"\nprovider: {}\n",
    b"\n# a comment\n",
    b"\n  # an indented comment\n",
    b"quality: high",
    b"type: blog",
    b": ",
)


def _paths(data: JSONValue) -> list[tuple[list[str | int], JSONValue]]:
    found: list[tuple[list[str | int], JSONValue]] = []
    stack: list[tuple[list[str | int], JSONValue]] = [([], data)]
    while stack:
        parts, value = stack.pop()
        found.append((parts, value))
        if isinstance(value, dict):
            stack.extend(([*parts, k], v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(([*parts, i], v) for i, v in enumerate(value))
    return found


def _assert_located_like_the_tree(text: str) -> bool:
    """Every place the schema errors of ``text`` could be shown, asked of both; False
    when ``text`` has no quick view."""
    read = quick_read(text)
    if read is None:
        return False
    split, view = read
    fence = (len(split.bom), len(split.bom) + 3)
    tree = Locator(view.tree())
    for parts, value in _paths(view.data):
        quick = _ViewLocator(view, text, split)
        assert _value_span(quick, parts, fence, text) == _value_span(tree, parts, fence, text)
        if isinstance(value, dict):
            assert _mapping_span(quick, parts, fence) == _mapping_span(tree, parts, fence)
            for key in [*value, "noSuchKey"]:
                expected = _key_span(tree, parts, key, fence)
                assert _key_span(quick, parts, key, fence) == expected, (parts, key)
    assert _value_span(_ViewLocator(view, text, split), ["noSuchKey"], fence, text) == fence
    return True


def _assert_same_analysis(text: str) -> None:
    read = quick_read(text)
    if read is not None:
        assert analyse_view(text, *read).problems == analyse(text).problems


def test_real_files_are_located_like_the_tree(corpus: list[Path]) -> None:
    located = sum(_assert_located_like_the_tree(p.read_text(encoding="utf-8")) for p in corpus)
    assert located > 0.9 * len(corpus)


def test_generated_failing_files_are_located_like_the_tree(
    generated: list[tuple[Path, str | None]],
) -> None:
    located = 0
    for path, _defect in generated:
        text = path.read_text(encoding="utf-8")
        located += _assert_located_like_the_tree(text)
        _assert_same_analysis(text)
    assert located > len(generated) // 2


def test_the_tree_is_built_only_for_what_the_view_cannot_locate(
    generated: list[tuple[Path, str | None]],
) -> None:
    """Schema errors about scalar values and missing or unknown top-level keys need no
    tree; the analysis then builds it on first use of ``root``, the same tree."""
    untouched = 0
    for path, defect in generated:
        text = path.read_text(encoding="utf-8")
        read = quick_read(text)
        if read is None or defect is None:
            continue
        analysis = analyse_view(text, *read)
        assert analysis.problems
        if analysis.tree_limits is not None:  # no tree yet
            untouched += 1
            assert analysis.root is not None
            assert _paths_and_spans(analysis.root) == _paths_and_spans(read[1].tree())
    assert untouched > 0


def _paths_and_spans(node: object) -> list[tuple[str, int, int]]:
    from newsmeta._yamltree import Mapping, Sequence

    found: list[tuple[str, int, int]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        found.append((type(item).__name__, item.start, item.end))  # type: ignore[attr-defined]
        if isinstance(item, Mapping):
            for key, value in item.pairs:
                stack.extend((key, value))
        elif isinstance(item, Sequence):
            stack.extend(item.items)
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _TOKENS))
def test_mutated_files_are_located_like_the_tree(raw: bytes) -> None:
    text, findings = decode(raw)
    if findings:
        return
    _assert_located_like_the_tree(text)
    _assert_same_analysis(text)
