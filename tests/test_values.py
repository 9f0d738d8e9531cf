"""``newsmeta.values``: the text of a command-line VALUE read as the front matter would, and a
value written as an edit writes it; paths as pointers and as the commands print them."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsmeta
from newsmeta.problems import dotted_path, parts_from_pointer, pointer_from_parts
from newsmeta.values import always_quoted, format_scalar, parse_value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("null", None),
        ("~", None),
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.2: not a boolean
        ("42", 42),
        ("0x2a", 42),
        ("1.5", 1.5),
        ("Harbour City", "Harbour City"),
        ("'42'", "42"),
        ('"caf\\u00e9"', "café"),
        ("2024-03-05T18:30:00Z", datetime(2024, 3, 5, 18, 30, tzinfo=UTC)),
        ("2024-03-05T18:30:00", "2024-03-05T18:30:00"),  # no zone: stays text
    ],
)
def test_a_value_is_typed_as_yaml_1_2_reads_it(text: str, value: object) -> None:
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_infinity_is_a_float() -> None:
    assert math.isinf(parse_value(".inf"))  # type: ignore[arg-type]


def test_json_and_string_modes() -> None:
    assert parse_value('{"a": [1, null]}', as_json=True) == {"a": [1, None]}
    assert parse_value("42", as_string=True) == "42"
    with pytest.raises(ValueError, match="Expecting"):
        parse_value("{", as_json=True)


def test_it_is_a_public_name_of_the_package() -> None:
    assert newsmeta.parse_value is parse_value
    assert "parse_value" in newsmeta.__all__


def test_explain_text_is_public_next_to_the_codes() -> None:
    text = newsmeta.explain_text("text-mojibake")
    assert text is not None
    assert text.startswith("text-mojibake (warning, rules)\n")
    assert "\nBad:\n" in text
    assert text.endswith("\n")
    assert newsmeta.explain_text("no-such-code") is None


# --- values written: format_scalar --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key", "text"),
    [
        ("Harbour City", "name", "Harbour City"),
        ("Harbour City", "title", '"Harbour City"'),  # titles are always quoted
        ("on", "name", '"on"'),  # plain, YAML 1.1 would read a boolean
        ("12", None, '"12"'),
        ("a: b", "name", '"a: b"'),
        ("article", "type", "article"),
        (True, "secured", "true"),
        (42, "width", "42"),
        (None, "excerpt", "null"),
        (datetime(2024, 3, 5, 18, 30, tzinfo=UTC), "publishedDateTime", "2024-03-05T18:30:00Z"),
    ],
)
def test_format_scalar_writes_the_house_style(value: object, key: str | None, text: str) -> None:
    assert format_scalar(value, key) == text


def test_format_scalar_is_what_an_edit_writes() -> None:
    doc = newsmeta.loads('---\ntitle: "x"\nprovider:\n  name: P\n---\n')
    for key, value in (("title", "Tides & times"), ("category", "on"), ("secured", False)):
        doc.set(key, value)
        assert f"\n{key}: {format_scalar(value, key)}\n" in doc.text


@given(st.text(max_size=30), st.sampled_from([None, "title", "name", "topics"]))
def test_a_formatted_string_reads_back_as_itself(value: str, key: str | None) -> None:
    assert parse_value(format_scalar(value, key)) == value


def test_format_scalar_refuses_what_no_scalar_holds() -> None:
    with pytest.raises(newsmeta.EditError):
        format_scalar(["a"], "topics")
    with pytest.raises(newsmeta.EditError):
        format_scalar(math.nan)


def test_always_quoted_names_the_keys_the_real_files_quote() -> None:
    assert always_quoted("title")
    assert always_quoted("webUrl")
    assert not always_quoted("name")
    assert not always_quoted("topics")


# --- paths in messages: parts_from_pointer and dotted_path ---------------------------------


@given(st.lists(st.text(max_size=8), max_size=5))
def test_a_pointer_splits_back_into_its_parts(parts: list[str]) -> None:
    assert parts_from_pointer(pointer_from_parts(parts)) == tuple(parts)


def test_pointers_and_dotted_paths() -> None:
    assert parts_from_pointer("") == ()
    assert parts_from_pointer("/related/0/a~1b~0c") == ("related", "0", "a/b~c")
    with pytest.raises(ValueError, match="JSON Pointer"):
        parts_from_pointer("related/0")
    assert dotted_path(["related", 0, "provider", "name"]) == "related[0].provider.name"
    assert dotted_path([]) == ""
