"""Property tests: generated jq programs over generated articles.

Every edit that succeeds re-reads to exactly the data the program produced, and every
top-level entry the program left alone keeps its exact text. An edit is never refused
for being unable to write what was asked (``VerificationError``).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta import EditError, JqError, jqprogram
from newsmeta._edit import content_end, same, to_json
from newsmeta._yamltree import Mapping

from .conftest import ROOT, load_module

make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")

STRINGS = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(["AI", "a: b", "# not a comment", "- dash", "'quoted'", '"dq"', "yes", "1.5",
                     "2024-01-01", "null", "", " padded ", "multi\nline", "tab\there", "é😀"]),
)  # fmt: skip
NUMBERS = st.one_of(st.integers(-5, 10**6), st.sampled_from([0.5, 1e20, -0.0]))
KEYS = st.sampled_from(
    ["excerpt", "heat", "quality", "webUrl", "images", "related", "featuredContent", "topics"]
)


def literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


STEPS = st.one_of(
    STRINGS.map(lambda s: f".title = {literal(s)}"),
    st.just(".title |= ascii_upcase"),
    st.tuples(st.sampled_from("aeiou "), STRINGS).map(
        lambda t: f".title |= gsub({literal(t[0])}; {literal(t[1])})"
    ),
    NUMBERS.map(lambda n: f".quality = {literal(n)}"),
    st.integers(-3, 3).map(lambda n: f".heat += {n}"),
    st.booleans().map(lambda b: f".published = {literal(b)}"),
    KEYS.map(lambda k: f"del(.{k})"),
    STRINGS.map(lambda s: f".topics += [{literal(s)}]"),
    STRINGS.map(lambda s: f".topics |= [{literal(s)}] + (. // [])"),
    st.just('.topics |= map(select(. != "AI"))'),
    st.just(".topics |= reverse"),
    st.just(".topics |= sort"),
    st.just(".topics |= .[1:]"),
    st.integers(0, 100).map(lambda n: f".related |= (. // [] | map(select(.quality > {n})))"),
    STRINGS.map(lambda s: f"if .related then .related[0].title = {literal(s)} else . end"),
    st.just("if .related then .related |= reverse else . end"),
    st.just("del(.related | select(. == []))"),
    st.tuples(st.integers(1, 4000), st.integers(1, 4000)).map(
        lambda wh: (
            ".images = (.images // []) + "
            f'[{{"url": "https://example.org/x.jpg", "width": {wh[0]}, "height": {wh[1]}}}]'
        )
    ),
    st.just("if .images then .images[0].width += 1 else . end"),
    STRINGS.map(lambda s: f".provider.name = {literal(s)}"),
    st.just(".provider |= del(.images)"),
    st.sampled_from(["x-note", "zz"]).flatmap(
        lambda k: STRINGS.map(lambda s: f'.["{k}"] = {literal(s)}')
    ),
    st.just('with_entries(select(.key != "heat"))'),
    st.just("to_entries | reverse | from_entries"),
    st.just(".publishedDateTime = .publishDateTime // .publishedDateTime | del(.publishDateTime)"),
)
PROGRAMS = st.lists(STEPS, min_size=1, max_size=3).map(" | ".join)


def article_text(seed: int) -> str:
    article, _ = make_corpus.make_article(random.Random(seed), 0.5)
    return f"---\n{make_corpus.dump_front_matter(article)}---\n\nBody.\n"


def top_level_entries(document: newsmeta.Document) -> dict[str, str]:
    """Each top-level key's exact text, from its line's start to its content's end."""
    root = document.node
    assert isinstance(root, Mapping)
    text = document.text
    entries = {}
    for key, value in root.pairs:
        start = text.rfind("\n", 0, key.start) + 1
        entries[str(getattr(key, "value", ""))] = text[start : content_end(text, value)]
    return entries


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.integers(0, 10**6), PROGRAMS)
def test_a_generated_program_edits_a_generated_article_exactly(seed: int, source: str) -> None:
    text = article_text(seed)
    document = newsmeta.loads(text)
    old: Any = document.data
    program = jqprogram.compile(source)
    try:
        expected: Any = to_json(program(old))
    except JqError:
        return  # the program itself fails on this article (.images[0] of null, say)
    try:
        document.apply(program)
    except newsmeta.VerificationError as exc:
        pytest.fail(f"{source}: {exc}")
    except EditError:
        # Refusals that are the file's business (an unrepresentable value), never a
        # failure to write faithfully what was asked.
        return
    reread: Any = newsmeta.loads(document.dumps()).data
    assert same(reread, expected), source
    assert same(document.data, expected)
    assert document.dumps().endswith("---\n\nBody.\n")
    kept = top_level_entries(newsmeta.loads(text))
    for key, entry in kept.items():
        if key in expected and same(old[key], expected[key]):
            assert entry in document.dumps(), (source, key)
    # Applying the same data again changes nothing.
    assert document.apply(lambda _: expected) is False


CATALOGUE = sorted((ROOT / "tests" / "roundtrip_cases").glob("*.md"))
#: Steps that reach into whatever a catalogue case holds: its lists and its keys.
GENERIC_STEPS = st.one_of(
    STEPS,
    st.just("(.. | arrays) |= reverse"),
    st.just("(.. | arrays) |= .[1:]"),
    STRINGS.map(lambda s: f"(.. | arrays) |= . + [{literal(s)}]"),
    STRINGS.map(lambda s: f"(.. | arrays) |= [{literal(s)}] + ."),
    STRINGS.map(lambda s: f"(.. | strings) |= {literal(s)}"),
    st.just("(.. | numbers) |= . + 1"),
    st.just("del(.. | objects | .[keys_unsorted[0]]?)"),
    st.just('with_entries(.value |= (if type == "array" then .[:1] else . end))'),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CATALOGUE), st.lists(GENERIC_STEPS, min_size=1, max_size=3))
def test_a_generated_program_edits_every_style_of_yaml_exactly(path: Any, steps: list[str]) -> None:
    source = " | ".join(steps)
    document = newsmeta.load(path)
    old: Any = document.data
    if not isinstance(old, dict):
        return
    program = jqprogram.compile(source)
    try:
        expected: Any = to_json(program(old))
    except (JqError, EditError):
        return
    before = document.dumps()
    try:
        document.apply(program)
    except newsmeta.VerificationError as exc:
        pytest.fail(f"{path.name}: {source}: {exc}")
    except EditError:
        assert document.dumps() == before
        return
    assert same(newsmeta.loads(document.dumps()).data, expected), (path.name, source)


# --- values jq cannot tell apart come back as they were ----------------------------------------

JQ_ITEMS = st.one_of(
    st.sampled_from([1.0, 1, 2.5, 2**60 + 1, "a", "b", True, None]),
    st.fixed_dictionaries({"w": st.sampled_from([1.0, 3, 2**60 + 1])}),
)


def as_jq(value: Any) -> Any:
    """``value`` as it comes back from jq: every number a double, integral ones as ints."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        number = float(value)
        return int(number) if number.is_integer() else number
    if isinstance(value, list):
        return [as_jq(v) for v in value]
    return {k: as_jq(v) for k, v in value.items()}


def jq_key(value: Any) -> str:
    return json.dumps(as_jq(value), sort_keys=True)


@settings(max_examples=300, deadline=None)
@given(
    # Items jq tells apart: where two are the same to jq, which one a program kept is
    # not in its output, and either is right.
    st.lists(JQ_ITEMS, max_size=8, unique_by=jq_key),
    st.lists(st.sampled_from(["AI", 7, {"w": 9}]), max_size=3),
    st.integers(0, 8),
    st.integers(0, 3),
)
def test_items_a_program_kept_come_back_as_the_old_objects(
    old: list[Any], added: list[Any], at: int, removed: int
) -> None:
    """Items added or removed anywhere in a list: every item the program kept is an old
    object again, in the old order (``1.0`` stays ``1.0``, an integer past 2**53 keeps its
    digits), and the rest is what the program gave.

    Where jq's view cannot tell two old items apart (``[1.0, 1]`` with one removed is
    ``[1]`` either way), either old item is a right answer: the test asks for one of them,
    not for the one the generator happened to drop."""
    at = min(at, len(old))
    gone = min(removed, len(old) - at)
    new = as_jq(old[:at]) + added + as_jq(old[at + gone :])
    restored = jqprogram.restore(old, new)
    assert isinstance(restored, list)
    assert as_jq(restored) == as_jq(new)
    kept = restored[:at] + restored[at + len(added) :]
    assert len(kept) == len(old) - gone
    assert _is_subsequence_by_identity(kept, old)


def _is_subsequence_by_identity(items: list[Any], of: list[Any]) -> bool:
    remaining = iter(of)
    return all(any(item is candidate for candidate in remaining) for item in items)


def test_an_appended_item_keeps_the_floats_before_it() -> None:
    old: list[Any] = [1.0, {"w": 2.0}, 2**60 + 1]
    restored = jqprogram.restore(old, [1, {"w": 2}, 2**60, "AI"])
    assert restored == [1.0, {"w": 2.0}, 2**60 + 1, "AI"]
    assert isinstance(restored, list)
    assert restored[0] is old[0]
    assert restored[1] is old[1]


def test_text_jq_could_not_keep_comes_back_as_it_was() -> None:
    # An undecodable byte is a lone surrogate in the view, U+FFFD to jq; a surrogate pair
    # written as two escapes is the one character to jq. Both come back as the old text,
    # and a mapping or list of such kept values is the old object; a changed text is new.
    old: dict[str, Any] = {
        "title": "caf\udce9",
        "pair": "\ud83d\ude00",
        "topics": ["caf\udce9", "b"],
        "provider": {"name": "x\udcff"},
    }
    new: dict[str, Any] = {
        "title": "caf\ufffd",
        "pair": "\U0001f600",
        "topics": ["caf\ufffd", "b"],
        "provider": {"name": "x\ufffd"},
    }
    assert jqprogram.restore(old, new) is old
    changed = {**new, "title": "other", "topics": ["caf\ufffd", "b", "AI"]}
    restored = jqprogram.restore(old, changed)
    assert isinstance(restored, dict)
    assert restored == {**old, "title": "other", "topics": ["caf\udce9", "b", "AI"]}
    assert restored["provider"] is old["provider"]
    assert restored["pair"] is old["pair"]
    assert jqprogram.restore("caf\udce9", "cafe") == "cafe"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Programs that cannot name the path get the data alone: the same results.
        ('.topics += ["AI"] | .topics', [["a", "AI"]]),
        ("[., input]", None),
        ("try input catch .", ["No more inputs"]),
        ("keys", [["title", "topics"]]),
        # Programs that may name it, in each way it can be named, get it.
        ("$path", ["content/a.md"]),
        ('"at \\($path)"', ["at content/a.md"]),
        ("input_filename", ["content/a.md"]),
        ("[paths] | length", [3]),
        ("def f($path): $path; f(1), $path", [1, "content/a.md"]),
    ],
)
def test_a_program_runs_on_the_data_whether_or_not_it_names_the_path(
    source: str, expected: list[Any] | None
) -> None:
    data: dict[str, Any] = {"title": "T", "topics": ["a"]}
    program = jqprogram.compile(source)
    if expected is None:
        with pytest.raises(JqError, match="No more inputs"):
            list(program.outputs(data, path="content/a.md"))
    else:
        assert list(program.outputs(data, path="content/a.md")) == expected
    # The same program given the path apart from the data, as every program once was.
    wrapped = jqprogram.compile(f"{source} | . as $out | $path | $out")
    if expected is not None:
        assert list(wrapped.outputs(data, path="content/a.md")) == expected


def test_a_program_that_reads_the_path_sees_null_without_one() -> None:
    assert list(jqprogram.compile("$path, input_filename").outputs({"a": 1})) == [None, None]
    assert jqprogram.compile(".a += 1").transform({"a": 1}) == {"a": 2}
