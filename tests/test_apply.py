"""Edits as data: ``diff_data`` turns two views into minimal ops, ``Document.apply`` splices
them, and each example job of the bulk-edit guide changes exactly its lines."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta import EditError
from newsmeta._edit import InsertOp, SetOp, UnsetOp, _apply_data, _prepare, diff_data, get

ARTICLE = """\
---
category: news
title: "A  title  with  doubled   spaces"
excerpt: "An excerpt"
publishedDateTime: 2020-07-16T19:15:00Z
webUrl: "https://example.org/a"
type: article
quality: 67
heat: 67
published: false

provider:
  name: Example
  domain: example.org

topics:
  - Computer Vision  # the main one
  - Robotics

related:
  - title: "Old news"
    excerpt: ""
    publishedDateTime: 2019-01-01T00:00:00Z
    webUrl: "https://example.org/old"
    type: article
    provider:
      name: Example
      domain: example.org
  - title: "Fresh news"
    excerpt: ""
    publishedDateTime: 2024-02-03T04:05:06Z
    webUrl: "https://example.org/fresh"
    type: article
    provider:
      name: Example
      domain: example.org
  - title: "Older news"
    excerpt: ""
    publishedDateTime: 2018-05-06T07:08:09Z
    webUrl: "https://example.org/older"
    type: article
    provider:
      name: Example
      domain: example.org

# Written by the importer; do not edit by hand.
secured: "QUJDREVGR0hJSktMTU5PUA==;MDEyMzQ1Njc4OWFiY2RlZg=="
---
Body
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The -/+ lines of a zero-context diff, without headers."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def view(document: newsmeta.Document) -> Any:
    """The document's JSON view, for reading in tests."""
    return document.data


def jq(source: str) -> Any:
    from newsmeta import jqprogram

    return jqprogram.compile(source)


# --- the examples of the guide, on one article ----------------------------------------------


def test_adding_a_missing_topic_adds_one_line_and_a_second_run_changes_nothing() -> None:
    document = newsmeta.loads(ARTICLE)
    program = jq('.topics |= (if index(["AI"]) then . else . + ["AI"] end)')
    assert document.apply(program) is True
    assert changed_lines(ARTICLE, document.dumps()) == ["+  - AI"]
    assert document.dumps().index("  - AI\n") == document.dumps().index("  - Robotics\n") + 13
    after = document.dumps()
    assert document.apply(program) is False
    assert document.dumps() == after


def test_a_condition_on_quality_changes_the_published_line_only() -> None:
    document = newsmeta.loads(ARTICLE)
    program = jq("if .quality > 50 then .published = true else . end")
    assert document.apply(program)
    assert changed_lines(ARTICLE, document.dumps()) == ["-published: false", "+published: true"]
    assert not document.apply(program)
    low = newsmeta.loads(ARTICLE.replace("quality: 67", "quality: 7"))
    assert not low.apply(program)


def test_a_renamed_key_lands_in_its_canonical_position() -> None:
    text = ARTICLE.replace("publishedDateTime: 2020", "publishDateTime: 2020")
    program = jq(".publishedDateTime = .publishDateTime | del(.publishDateTime)")
    document = newsmeta.loads(text)
    assert document.apply(program)
    assert document.dumps() == ARTICLE
    assert document.ok


def test_a_renamed_key_written_elsewhere_moves_to_its_canonical_position() -> None:
    text = ARTICLE.replace("publishedDateTime: 2020-07-16T19:15:00Z\n", "").replace(
        "published: false\n", "published: false\npublishDateTime: 2020-07-16T19:15:00Z\n"
    )
    document = newsmeta.loads(text)
    assert document.apply(jq(".publishedDateTime = .publishDateTime | del(.publishDateTime)"))
    assert document.dumps() == ARTICLE
    assert changed_lines(text, document.dumps()) == [
        "+publishedDateTime: 2020-07-16T19:15:00Z",
        "-publishDateTime: 2020-07-16T19:15:00Z",
    ]


def test_filtering_a_list_removes_exactly_the_dropped_items_lines() -> None:
    document = newsmeta.loads(ARTICLE)
    program = jq('.related |= map(select(.publishedDateTime >= "2024-01-01"))')
    assert document.apply(program)
    removed = changed_lines(ARTICLE, document.dumps())
    assert all(line.startswith("-") for line in removed)
    assert len(removed) == 16
    assert '-  - title: "Old news"' in removed
    assert '-  - title: "Older news"' in removed
    assert [item["title"] for item in view(document)["related"]] == ["Fresh news"]
    assert not document.apply(program)


def test_an_emptied_list_and_its_key_are_removed_with_one_blank_line() -> None:
    document = newsmeta.loads(ARTICLE)
    program = jq(
        '.related |= map(select(.publishedDateTime >= "2030-01-01")) '
        "| del(.related | select(. == []))"
    )
    assert document.apply(program)
    start = ARTICLE.index("\nrelated:")
    end = ARTICLE.index("\n# Written")
    assert document.dumps() == ARTICLE[:start] + ARTICLE[end:]
    # jq's map fails on the missing list: guarded, a second run changes nothing.
    with pytest.raises(newsmeta.JqError, match="Cannot iterate over null"):
        document.apply(program)
    assert not document.apply(jq(f'if has("related") then {program.source} else . end'))


def test_an_emptied_list_alone_becomes_an_empty_flow_list() -> None:
    document = newsmeta.loads(ARTICLE)
    assert document.apply(jq('.related |= map(select(.publishedDateTime >= "2030-01-01"))'))
    lines = changed_lines(ARTICLE, document.dumps())
    assert lines[0] == "-related:"
    assert lines[-1] == "+related: []"
    assert all(line.startswith("-") for line in lines[:-1])
    document.apply(jq("del(.related | select(. == []))"))
    assert "related" not in view(document)


def test_a_title_substitution_changes_one_line() -> None:
    document = newsmeta.loads(ARTICLE)
    program = jq('.title |= gsub("  +"; " ")')
    assert document.apply(program)
    assert changed_lines(ARTICLE, document.dumps()) == [
        '-title: "A  title  with  doubled   spaces"',
        '+title: "A title with doubled spaces"',
    ]
    assert not document.apply(program)


def test_comments_and_blank_lines_elsewhere_stay() -> None:
    document = newsmeta.loads(ARTICLE)
    document.apply(
        jq('.topics |= map(ascii_upcase) | .quality = 3 | .provider.name = "Other" | .heat = 1')
    )
    assert changed_lines(ARTICLE, document.dumps()) == [
        "-quality: 67",
        "-heat: 67",
        "+quality: 3",
        "+heat: 1",
        "-  name: Example",
        "+  name: Other",
        "-  - Computer Vision  # the main one",
        "-  - Robotics",
        "+  - COMPUTER VISION  # the main one",
        "+  - ROBOTICS",
    ]


# --- Document.apply with Python functions ----------------------------------------------------


def test_apply_takes_a_python_function_that_edits_in_place() -> None:
    document = newsmeta.loads(ARTICLE)

    def retitle(data: dict[str, Any]) -> dict[str, Any]:
        data["title"] = "New"
        data["topics"].insert(1, "Drones")
        return data

    assert document.apply(retitle)
    assert changed_lines(ARTICLE, document.dumps()) == [
        '-title: "A  title  with  doubled   spaces"',
        '+title: "New"',
        "+  - Drones",
    ]


def test_apply_gives_the_function_a_copy() -> None:
    document = newsmeta.loads(ARTICLE)
    seen: list[Any] = []

    def spoil(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data)
        data["topics"].clear()
        return {**data, "topics": ["Computer Vision", "Robotics"]}

    assert document.apply(spoil) is False
    assert document.dumps() == ARTICLE
    assert view(document)["topics"] == ["Computer Vision", "Robotics"]


def test_apply_without_a_copy_hands_over_the_view_and_edits_as_with_one() -> None:
    from datetime import UTC, datetime

    from newsmeta import jqprogram

    program = jqprogram.compile('.topics += ["AI"] | .quality = 70')
    with_copy, without = newsmeta.loads(ARTICLE), newsmeta.loads(ARTICLE)
    seen: list[Any] = []

    def run(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data)
        return program(data)

    own = without.data
    assert with_copy.apply(program)
    assert without.apply(run, copy=False)
    assert seen == [own]
    assert seen[0] is own
    assert without.dumps() == with_copy.dumps()
    assert changed_lines(ARTICLE, without.dumps()) == [
        "-quality: 67",
        "+quality: 70",
        "+  - AI",
    ]
    # What is new in the result is still normalised (a datetime) or refused (NaN), even
    # beside the parts that are the view's own objects.
    stamped = newsmeta.loads(ARTICLE)
    when = datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert stamped.apply(lambda data: {**data, "publishedDateTime": when}, copy=False)
    assert "publishedDateTime: 2021-01-02T03:04:05Z\n" in stamped.dumps()
    nan = newsmeta.loads(ARTICLE)

    def add_nan(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "related": [*data["related"], float("nan")]}

    with pytest.raises(EditError):
        nan.apply(add_nan, copy=False)
    assert nan.dumps() == ARTICLE


def test_a_view_and_what_is_built_from_it_are_normalised_by_what_is_new() -> None:
    from datetime import UTC, datetime

    from newsmeta._edit import to_json_from

    view_: dict[str, Any] = {"a": [1, {"b": "c"}], "d": {"e": [2]}}
    same_parts = {**view_, "f": [3]}
    assert to_json_from(same_parts, view_) is same_parts
    new_item = {**view_, "a": [*view_["a"], datetime(2021, 1, 2, tzinfo=UTC)]}
    converted = to_json_from(new_item, view_)
    assert converted == {**view_, "a": [1, {"b": "c"}, "2021-01-02T00:00:00Z"]}
    assert isinstance(converted, dict)
    assert converted["d"] is view_["d"]
    numbered: dict[Any, Any] = {**view_, 1: "x"}
    assert to_json_from(numbered, view_) == {**view_, "1": "x"}
    with pytest.raises(EditError):
        to_json_from({**view_, "d": {"e": [2, float("inf")]}}, view_)


@pytest.mark.parametrize("result", [None, [], "text", 3])
def test_apply_refuses_a_result_that_is_not_a_mapping(result: object) -> None:
    document = newsmeta.loads(ARTICLE)
    with pytest.raises(EditError, match="must be a mapping"):
        document.apply(lambda _: result)
    assert document.dumps() == ARTICLE


def test_apply_refuses_unreadable_front_matter() -> None:
    document = newsmeta.loads("---\ntitle: [\n---\n")
    with pytest.raises(EditError, match="cannot be read"):
        document.apply(lambda data: data)


def test_apply_lets_the_functions_own_error_through() -> None:
    document = newsmeta.loads(ARTICLE)

    def fail(data: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("nope")

    with pytest.raises(KeyError):
        document.apply(fail)


def test_apply_converts_datetimes_and_model_objects() -> None:
    from datetime import UTC, datetime

    document = newsmeta.loads(ARTICLE)

    def stamp(data: dict[str, Any]) -> dict[str, Any]:
        data["publishedDateTime"] = datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
        data["images"] = [newsmeta.Image(url="https://example.org/i.jpg", width=10, height=5)]
        return data

    assert document.apply(stamp)
    assert document.get("publishedDateTime") == "2021-01-02T03:04:05Z"
    assert "publishedDateTime: 2021-01-02T03:04:05Z\n" in document.dumps()
    assert document.get("images[0].width") == 10


def test_a_multi_op_edit_reads_the_tree_once_and_verifies_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsmeta._edit as edit

    document = newsmeta.loads(ARTICLE)
    calls = {"compose": 0, "analyse": 0}
    compose = getattr(edit, "compose")  # noqa: B009
    analyse = getattr(edit, "_read_again")  # noqa: B009

    def counted_compose(*args: Any, **kwargs: Any) -> Any:
        calls["compose"] += 1
        return compose(*args, **kwargs)

    def counted_analyse(*args: Any, **kwargs: Any) -> Any:
        calls["analyse"] += 1
        return analyse(*args, **kwargs)

    monkeypatch.setattr(edit, "compose", counted_compose)
    monkeypatch.setattr(edit, "_read_again", counted_analyse)
    document.apply(
        jq(
            '.title = "T" | .quality = 1 | .topics += ["AI"] | del(.heat) | .images = '
            '[{"url": "https://example.org/i.jpg", "width": 1, "height": 1}] '
            '| .related |= map(select(.title != "Fresh news"))'
        )
    )
    assert calls == {"compose": 0, "analyse": 1}
    assert document.get("images[0].width") == 1
    assert [i["title"] for i in view(document)["related"]] == ["Old news", "Older news"]


def test_items_appended_and_a_key_added_after_the_list_land_in_order() -> None:
    text = ARTICLE.replace(ARTICLE[ARTICLE.index("\nrelated:") : ARTICLE.index("\n# Written")], "")
    document = newsmeta.loads(text)
    document.apply(
        jq(
            '.topics += ["AI", "Drones"] | .images = '
            '[{"url": "https://example.org/i.jpg", "width": 1, "height": 1}]'
        )
    )
    assert changed_lines(text, document.dumps()) == [
        "+  - AI",
        "+  - Drones",
        "+",
        "+images:",
        '+  - url: "https://example.org/i.jpg"',
        "+    width: 1",
        "+    height: 1",
    ]


def test_two_new_keys_in_one_place_keep_their_canonical_order_and_blank_lines() -> None:
    text = "---\ncategory: news\ntitle: t\n\ntopics:\n  - a\n---\n"
    document = newsmeta.loads(text)
    document.apply(
        lambda data: {
            **data,
            "type": "article",
            "excerpt": "e",
            "images": [{"url": "https://example.org/i.jpg", "width": 1, "height": 1}],
        }
    )
    keys = [line.split(":")[0] for line in document.dumps().splitlines() if line[:1].isalpha()]
    assert keys == ["category", "title", "excerpt", "type", "topics", "images"]


def test_items_inserted_and_removed_across_a_flow_list() -> None:
    text = "---\ntitle: t\ntopics: [a, b, c, d]\n---\n"
    document = newsmeta.loads(text)
    document.apply(lambda data: {**data, "topics": ["x", "a", "c", "z"]})
    assert document.dumps() == "---\ntitle: t\ntopics: [x, a, c, z]\n---\n"


# --- diff_data ------------------------------------------------------------------------------


def test_diff_of_a_list_with_one_item_removed_unsets_that_item() -> None:
    assert diff_data({"t": ["a", "b", "c"]}, {"t": ["a", "c"]}) == [UnsetOp(("t", 1))]


def test_diff_of_a_list_with_items_inserted_inserts_them_where_they_appear() -> None:
    assert diff_data({"t": ["a", "b"]}, {"t": ["x", "a", "y", "z", "b"]}) == [
        InsertOp(("t",), 1, "z"),
        InsertOp(("t",), 1, "y"),
        InsertOp(("t",), 0, "x"),
    ]


def test_diff_of_a_changed_list_item_changes_only_its_field() -> None:
    old: Any = {"r": [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]}
    new: Any = {"r": [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 50, "c": 6}]}
    assert diff_data(old, new) == [SetOp(("r", 1, "b"), 50)]


def test_diff_pairs_a_changed_item_with_the_old_one_it_resembles() -> None:
    old: Any = {"r": [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "b": 6}]}
    new: Any = {"r": [{"a": 1, "b": 2}, {"a": 5, "b": 60}]}
    assert diff_data(old, new) == [SetOp(("r", 2, "b"), 60), UnsetOp(("r", 1))]


def test_diff_of_an_emptied_container_sets_it_empty() -> None:
    assert diff_data({"t": ["a"], "p": {"n": 1}}, {"t": [], "p": {}}) == [
        SetOp(("t",), []),
        SetOp(("p",), {}),
    ]


def test_diff_tells_true_from_one_and_one_from_one_point_zero() -> None:
    assert diff_data({"a": 1}, {"a": True}) == [SetOp(("a",), True)]
    assert diff_data({"a": 1}, {"a": 1.0}) == [SetOp(("a",), 1.0)]
    assert diff_data({"a": [1, 2]}, {"a": [1.0, 2]}) == [SetOp(("a", 0), 1.0)]


def test_diff_ignores_key_order() -> None:
    assert diff_data({"a": 1, "b": {"c": 1, "d": 2}}, {"b": {"d": 2, "c": 1}, "a": 1}) == []


def test_diff_refuses_a_top_level_that_is_not_a_mapping() -> None:
    with pytest.raises(EditError):
        diff_data({"a": 1}, [1])


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([1.0, 2.5])
    | st.text("ab", max_size=2),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3)
    ),
    max_leaves=12,
)
VIEWS = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), JSON, max_size=4)


@settings(max_examples=200, deadline=None)
@given(VIEWS, VIEWS)
def test_diff_ops_applied_in_order_give_the_new_view_and_each_names_a_node_of_the_old(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    from newsmeta._edit import same

    ops = diff_data(old, new)
    view: Any = copy.deepcopy(old)
    for op in ops:
        concrete = _prepare(view, op)
        assert concrete == op  # already concrete: resolved indices, existing parents
        parent = op.parts if isinstance(op, InsertOp) else op.parts[:-1]
        get(old, parent)  # the container exists in the old view too
        if isinstance(op, UnsetOp):
            assert same(get(view, op.parts), get(old, op.parts))
        view = _apply_data(view, op)
    assert same(view, new)
    assert ops == [] if same(old, new) else ops


KEEP = "---\ntitle: t\nexcerpt: |+\n  kept\n\ntype: article\n---\n"


def test_a_value_ending_in_kept_blank_lines_keeps_them_when_a_key_follows_it() -> None:
    # publishedDateTime goes right after the excerpt: it may not take the blank line,
    # which is the |+ scalar's content, nor add one of its own.
    document = newsmeta.loads(KEEP)
    document.apply(lambda data: {**data, "publishedDateTime": "2020-01-02T03:04:05Z"})
    assert document.get("excerpt") == "kept\n\n"
    assert document.dumps() == KEEP.replace(
        "\n\ntype", "\n\npublishedDateTime: 2020-01-02T03:04:05Z\ntype"
    )


def test_a_kept_block_scalar_is_replaced_and_removed_with_its_blank_lines() -> None:
    document = newsmeta.loads(KEEP)
    document.set("excerpt", "new\n\n")
    assert document.get("excerpt") == "new\n\n"
    document.unset("excerpt")
    assert document.dumps() == "---\ntitle: t\ntype: article\n---\n"


def test_append_unique_adds_only_a_missing_item() -> None:
    document = newsmeta.loads(ARTICLE)
    document.append("topics", "Robotics", unique=True)
    assert document.dumps() == ARTICLE
    document.append("topics", "AI", unique=True)
    document.append("topics", "AI", unique=True)
    assert view(document)["topics"] == ["Computer Vision", "Robotics", "AI"]
    document.append("tags", "x", unique=True)  # a missing list is created
    assert view(document)["tags"] == ["x"]


def test_plain_json_is_normalised_as_itself_and_other_values_into_new_containers() -> None:
    from datetime import UTC, datetime

    from newsmeta._edit import to_json

    plain: dict[str, Any] = {"a": [1, {"b": "c"}], "d": None}
    assert to_json(plain) is plain
    stamped: dict[str, Any] = {"a": [1, datetime(2021, 1, 2, tzinfo=UTC)], "d": {"e": 1}}
    converted = to_json(stamped)
    assert converted == {"a": [1, "2021-01-02T00:00:00Z"], "d": {"e": 1}}
    assert isinstance(converted, dict)
    assert converted is not stamped
    assert converted["d"] is stamped["d"]
    assert isinstance(stamped["a"][1], datetime)  # the value given is left as it was
    assert to_json({1: "x"}) == {"1": "x"}


def test_a_value_deep_in_plain_containers_that_is_not_json_is_still_caught() -> None:
    from newsmeta._edit import to_json
    from newsmeta.errors import EditError

    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(EditError):
            to_json({"a": [{"b": [1, bad]}]})
    nested: dict[str, Any] = {"a": [{"b": {2: "x"}}], "c": [1.5]}
    converted = to_json(nested)
    assert converted == {"a": [{"b": {"2": "x"}}], "c": [1.5]}
    assert isinstance(converted, dict)
    assert converted["c"] is nested["c"]  # the plain part stays the same object


def test_an_edit_leaves_the_result_the_function_returned_as_it_was() -> None:
    document = newsmeta.loads(ARTICLE)
    returned: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def edit(data: dict[str, Any]) -> dict[str, Any]:
        result = {**data, "topics": [*data["topics"], "AI"], "quality": 1.0}
        returned.append((result, copy.deepcopy(result)))
        return result

    assert document.apply(edit)
    [(result, as_returned)] = returned
    assert result == as_returned
    assert type(result["quality"]) is float
    assert view(document)["topics"][-1] == "AI"


def test_an_edit_of_a_file_with_an_error_counts_only_the_errors_it_brings(tmp_path: Any) -> None:
    from newsmeta.errors import NewProblemsError

    path = tmp_path / "a.md"
    path.write_text(ARTICLE.replace("quality: 67", 'quality: "high"'), encoding="utf-8")
    document = newsmeta.load(path)
    assert document.apply(lambda data: {**data, "heat": 1})
    assert document.new_errors() == ()
    document.save()  # refuses new errors: the one it has was there when loaded
    assert newsmeta.load(path).get("heat") == 1
    assert document.apply(lambda data: {**data, "heat": "x"})
    assert [(p.code, p.pointer) for p in document.new_errors()] == [("schema-type", "/heat")]
    assert [(p.code, p.pointer) for p in document.errors] == [
        ("schema-type", "/quality"),
        ("schema-type", "/heat"),
    ]
    with pytest.raises(NewProblemsError):
        document.save()


def test_the_loaded_text_is_checked_only_when_an_edit_leaves_errors(monkeypatch: Any) -> None:
    from newsmeta import document as module

    checked: list[object] = []
    check = module._Unchecked.check

    def counted(self: Any) -> Any:
        checked.append(self)
        return check(self)

    monkeypatch.setattr(module._Unchecked, "check", counted)
    document = newsmeta.loads(ARTICLE)
    assert document.apply(lambda data: {**data, "heat": 1})
    assert document.new_errors() == ()
    assert checked == []
    assert document.apply(lambda data: {**data, "heat": "x"})
    assert [(p.code, p.pointer) for p in document.new_errors()] == [("schema-type", "/heat")]
    assert len(checked) == 1
    assert document.apply(lambda data: {**data, "heat": 2})  # the error goes again
    assert document.new_errors() == ()
    # The edited text is checked in full: its problems are those of the same text loaded.
    assert document.problems == newsmeta.loads(document.text).problems
    assert document.problems  # the excerpt placeholders, warnings of the rules


def test_an_edited_texts_rules_run_only_when_its_problems_or_raised_levels_need_them(
    monkeypatch: Any,
) -> None:
    from newsmeta import _check
    from newsmeta.problems import Severity

    runs: list[tuple[Any, ...]] = []
    rules = _check._view_rule_findings

    def counted(*args: Any) -> Any:
        runs.append(args)
        return rules(*args)

    monkeypatch.setattr(_check, "_view_rule_findings", counted)
    document = newsmeta.loads(ARTICLE)
    assert document.apply(lambda data: {**data, "title": " Padded "})
    assert document.new_errors() == ()  # the rules report warnings: they need not run
    assert document.new_errors({"schema-minimum": Severity.WARNING}) == ()
    assert runs == []
    # A level that raises a rule's code to an error makes the rules decide: they run, and
    # the whitespace they find refuses the edit, exactly as before.
    raised = {"text-whitespace": Severity.ERROR}
    assert [(p.code, p.pointer) for p in document.new_errors(raised)] == [
        ("text-whitespace", "/title")
    ]
    # Once for the edited text, once for the loaded one it is compared with.
    assert [r[0] for r in runs] == [document.text, ARTICLE]
    # Asked for, the problems are those found then (not found again), which are those of
    # the same text loaded afresh.
    problems = document.problems
    assert len(runs) == 2
    assert problems == newsmeta.loads(document.text).problems
    assert [p.code for p in problems if p.pointer == "/title"] == ["text-whitespace"]
    # Without a raised level, asking for the problems runs the rules.
    document.set("heat", 3)
    assert document.new_errors() == ()
    assert len(runs) == 3  # the fresh load above
    assert document.problems == newsmeta.loads(document.text).problems
    assert len(runs) == 5


def test_a_saved_edit_is_the_baseline_of_the_next_with_its_rules_counted_late(
    tmp_path: Any,
) -> None:
    from newsmeta.problems import Severity

    raised = {"text-whitespace": Severity.ERROR}
    path = tmp_path / "a.md"
    path.write_text(ARTICLE, encoding="utf-8")
    document = newsmeta.load(path)
    document.set("title", " Padded ")
    document.save()  # the whitespace is a warning by default: saved
    document.set("title", " Other ")  # the saved text had it already
    assert document.new_errors(raised) == ()
    document.set("excerpt", " Padded too ")  # this one is new
    assert [(p.code, p.pointer) for p in document.new_errors(raised)] == [
        ("text-whitespace", "/excerpt")
    ]


def test_every_rule_reports_a_code_of_the_rules_layer() -> None:
    # Document.new_errors skips the rules of an edited text unless a level raises one of
    # these codes: a rule reporting another code (an error, say) would be missed.
    from newsmeta._check import rule_codes, rules_may_err
    from newsmeta.problems import CODES, Severity
    from newsmeta.rules import RULES

    codes = set(rule_codes())
    assert set(RULES) <= codes
    assert "yaml-1.1-ambiguous" in codes  # a rule's code, though of the YAML layer
    assert all(CODES[code].severity is not Severity.ERROR for code in codes)
    assert not rules_may_err({})
    assert not rules_may_err({"schema-minimum": Severity.ERROR})
    assert all(rules_may_err({code: Severity.ERROR}) for code in codes)
    assert not rules_may_err(dict.fromkeys(codes, Severity.WARNING))


def test_the_rules_report_only_their_own_codes_on_real_files(
    corpus: list[Path], monkeypatch: Any
) -> None:
    from newsmeta.rules import RULES, fixes

    fixes()  # loads every rule module
    reported: list[str] = []
    for code, check in list(RULES.items()):

        def checked(context: Any, check: Any = check, code: str = code) -> Any:
            findings = list(check(context))
            assert {f.code for f in findings} <= {code}
            reported.extend(f.code for f in findings)
            return findings

        monkeypatch.setitem(RULES, code, checked)
    for path in corpus:
        assert newsmeta.loads(path.read_text(encoding="utf-8")).problems is not None
    assert reported  # real files have warnings: the wrappers ran


_ITEM_VALUES: list[Any] = ["a", "b", "", 0, 1, 1.0, -0.0, 0.0, True, None, {"x": 1}, {"x": 1.0}, []]
_ITEMS = st.sampled_from(_ITEM_VALUES)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ITEMS, max_size=6), st.lists(_ITEMS, max_size=4), st.integers(0, 6), st.booleans())
def test_items_added_or_removed_at_a_lists_end_diff_as_the_alignment_does(
    old: list[Any], extra: list[Any], keep: int, grow: bool
) -> None:
    from newsmeta._edit import _aligned, _diff_at_end, _diff_list

    new = [*old, *extra] if grow else old[:keep]
    if not old or not new:
        return  # diff_data writes an emptied or new list anew, without aligning
    expected = _aligned(old, new, ("topics",))
    # The kept items are the very objects: the quick way is taken, and agrees.
    assert _diff_at_end(old, new, ("topics",)) == expected
    assert _diff_list(old, new, ("topics",)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_ITEMS, min_size=1, max_size=5), st.lists(_ITEMS, min_size=1, max_size=5))
def test_any_two_lists_diff_as_the_alignment_does(old: list[Any], new: list[Any]) -> None:
    from newsmeta._edit import _aligned, _diff_list

    assert _diff_list(old, new, ("topics",)) == _aligned(old, new, ("topics",))


def test_same_is_json_equality_with_every_number_type_apart() -> None:
    from newsmeta._edit import same

    class Text(str):
        pass

    assert same({"a": [1, {"b": True}], "c": "x"}, {"c": "x", "a": [1, {"b": True}]})
    assert same([Text("x")], ["x"])
    assert same({"n": 0.0}, {"n": -0.0})
    assert same({"t": Text("a")}, {"t": Text("a")})
    assert not same({"a": [1, {"b": True}]}, {"a": [1, {"b": 1}]})
    assert not same([1], [1.0])
    assert not same([0], [False])
    assert not same({"a": None}, {"a": []})
    assert not same([[1, 2]], [[1, 2, 3]])
    assert not same({"a": 1}, {"a": 1, "b": 1})
    assert not same({"a": [1]}, {"a": (1,)})  # type: ignore[dict-item]
