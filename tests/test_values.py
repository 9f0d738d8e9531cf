"""``newsmeta.parse_value``: the text of a command-line VALUE read as the front matter would."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

import newsmeta
from newsmeta.values import parse_value


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
