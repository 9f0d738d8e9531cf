"""``newsmeta.check``: schema and rules on an article built in memory, located by pointer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsmeta
from newsmeta.problems import Severity

from .articles import full_article as _full_article
from .articles import with_value, without


def full_article() -> dict[str, object]:
    """A valid article without warnings (the shared one has an empty related excerpt)."""
    return with_value(_full_article(), "/related/0/excerpt", "More on the story.")


def _codes(problems: tuple[newsmeta.Problem, ...]) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in problems]


def test_a_valid_article_and_its_dict_have_no_problem() -> None:
    data = full_article()
    assert newsmeta.check(data) == ()
    assert newsmeta.check(newsmeta.from_dict(data)) == ()


def test_values_the_model_accepts_but_the_schema_does_not_are_errors_at_their_pointer() -> None:
    article = attrs.evolve(newsmeta.from_dict(full_article()), type="blog", quality=-1)
    problems = newsmeta.check(article)
    assert _codes(problems) == [("schema-enum", "/type"), ("schema-minimum", "/quality")]
    assert all(p.severity is Severity.ERROR for p in problems)


def test_a_dict_with_wrong_types_and_unknown_keys_is_checked_without_structuring() -> None:
    data = with_value(full_article(), "/quality", "high")
    data["publishDateTime"] = data.pop("publishedDateTime")
    problems = newsmeta.check(data)
    assert set(_codes(problems)) == {
        ("schema-type", "/quality"),
        ("schema-unknown-key", "/publishDateTime"),
        ("schema-required", "/publishedDateTime"),
    }


def test_problems_from_memory_have_no_position() -> None:
    problems = newsmeta.check(without(full_article(), "/title"))
    assert _codes(problems) == [("schema-required", "/title")]
    (problem,) = problems
    assert (problem.line, problem.column, problem.end_line, problem.end_column) == (0, 0, 0, 0)


def test_data_quality_rules_run_too() -> None:
    data = with_value(full_article(), "/excerpt", "It\u00e2\u20ac\u2122s here")
    data = with_value(data, "/cdnAmpWebUrl", "https://wrong.example/")
    codes = _codes(newsmeta.check(data))
    assert ("text-mojibake", "/excerpt") in codes
    assert ("url-cdn-amp-mismatch", "/cdnAmpWebUrl") in codes


def test_datetimes_in_a_dict_are_checked_as_their_rfc3339_text() -> None:
    aware = with_value(full_article(), "/publishedDateTime", datetime(2020, 7, 16, tzinfo=UTC))
    assert newsmeta.check(aware) == ()
    naive = with_value(full_article(), "/publishedDateTime", datetime(2020, 7, 16))
    assert _codes(newsmeta.check(naive)) == [("schema-format", "/publishedDateTime")]


def test_a_value_that_is_not_a_mapping_is_a_problem_not_an_exception() -> None:
    assert _codes(newsmeta.check([1, 2])) == [("front-matter-not-mapping", "")]  # type: ignore[arg-type]


def test_a_value_without_a_json_form_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="set"):
        newsmeta.check(with_value(full_article(), "/topics", {"AI"}))


def test_check_agrees_with_validating_the_file_for_every_corpus_file(corpus: list[Path]) -> None:
    for path in corpus:
        document = newsmeta.load(path)
        assert document.article is not None
        from_file = {(p.code, p.pointer, p.message) for p in document.problems}
        in_memory = newsmeta.check(document.article)
        assert {(p.code, p.pointer, p.message) for p in in_memory} == from_file, path.name
        assert newsmeta.check(document.data) == in_memory  # type: ignore[arg-type]


@given(
    st.text(alphabet="ab\n\ufeff", max_size=60),
    st.lists(st.integers(min_value=-3, max_value=70), max_size=20),
)
def test_positions_counted_and_indexed_are_the_same(text: str, indices: list[int]) -> None:
    from newsmeta._check import LineIndex

    counting, indexed = LineIndex(text), LineIndex(text)
    for _ in range(LineIndex.COUNTED):
        indexed.position(0)  # spend the counted positions: the index is built next
    for index in indices:
        line, column = indexed.position(index)
        assert counting.position(index) == (line, column)
        clamped = max(0, min(index, len(text)))
        assert line == text.count("\n", 0, clamped) + 1
