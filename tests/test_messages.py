"""Messages a writer understands: YAML mistakes located at their cause, schema failures in
words, and the closest known name suggested for a mistyped one."""

from __future__ import annotations

import json

import pytest

import newsmeta
from newsmeta._check import analyse
from newsmeta.schema import keys_at
from newsmeta.suggestions import closest, did_you_mean

from .conftest import EXAMPLES

GOOD = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")

# --- YAML mistakes ------------------------------------------------------------------------

#: (front matter, expected line:column of the cause, words the message must hold). Line 1
#: is the opening fence.
YAML_MISTAKES = {
    "colon-in-value": ("title: Breaking: the council votes\n", (2, 8), "Quote the value"),
    "tab-indent": ("provider:\n\tname: Foo\n", (3, 1), "indented with a tab"),
    "unclosed-double-quote": (
        'category: news\ntitle: "Hello world\nexcerpt: something\nheat: 3\n',
        (3, 8),
        'This " opens a quoted value that is never closed',
    ),
    "unclosed-single-quote": (
        "title: 'Hello world\nheat: 3\n",
        (2, 8),
        "This ' opens a quoted value that is never closed",
    ),
    "quote-closed-by-a-later-value": (
        'category: news\ntitle: "Hello\nexcerpt: "A summary"\nheat: 3\n',
        (3, 8),
        "not closed on its line",
    ),
    "no-space-after-colon": (
        "category: news\ntitle:Hello\nheat: 3\n",
        (3, 6),
        "space after the ':'",
    ),
    "no-space-after-dash": ("images:\n  -url: x\n    width: 3\n", (3, 3), "space after the '-'"),
    "deeper-than-a-key-with-a-value": (
        "provider:\n  name: Foo\n   domain: foo.org\n",
        (4, 4),
        "line it up with 'name' (2 spaces)",
    ),
    "indented-to-no-level": (
        "provider:\n    name: Foo\n  domain: foo.org\n",
        (4, 3),
        "4 spaces (like 'name') or 0 spaces (like 'provider')",
    ),
    "misaligned-list-item": ("keywords:\n  - one\n - two\n", (4, 2), "indented 1 space"),
    "unclosed-bracket": ("keywords: [a, b\ntitle: x\n", (2, 11), "never closed; end it with ]"),
    "reserved-first-character": ("title: @handle\n", (2, 8), "cannot start with '@'"),
    "text-after-closing-quote": ('title: "Hello" world\n', (2, 16), "Text follows the closing"),
    "backslash-in-double-quotes": ('path: "C:\\temp\\q"\n', (2, 15), "'\\q' is not one"),
    "anchor-only-value-opens-a-block": ("a: &x\n  b: 1\n   c: 2\n", (4, 4), "line it up with 'b'"),
}


@pytest.mark.parametrize("pure", [False, True], ids=["C parser", "pure parser"])
@pytest.mark.parametrize("name", YAML_MISTAKES)
def test_a_common_yaml_mistake_is_named_at_its_cause(name: str, pure: bool) -> None:
    yaml, position, words = YAML_MISTAKES[name]
    analysis = analyse(f"---\n{yaml}---\nbody\n", pure=pure)
    (problem,) = [p for p in analysis.problems if p.code == "yaml-syntax"]
    assert (problem.line, problem.column) == position
    assert words in problem.message
    # The parser's words are kept as the detail, never as the message.
    assert problem.detail
    assert problem.detail not in problem.message


def test_the_parser_words_are_in_the_json_output_not_the_message(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from newsmeta.cli import main

    path = Path(str(tmp_path)) / "a.md"
    path.write_text("---\ntitle: Breaking: news\n---\n", encoding="utf-8")
    assert main(["validate", "--format", "json", str(path)]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["files"][0]["problems"]
    assert problem["message"].startswith("Quote the value")
    assert "not allowed" in problem["detail"].lower()


def test_an_unrecognised_yaml_error_keeps_the_parser_words_in_its_message() -> None:
    doc = newsmeta.loads("---\ntitle: x %\n%YAML 1.2\n---\n")
    problem = next(p for p in doc.problems if p.code == "yaml-syntax")
    assert problem.detail
    assert problem.message.startswith("The front matter is not valid YAML here (the parser")


def test_problems_without_a_detail_keep_the_json_shape() -> None:
    doc = newsmeta.loads(GOOD.replace("quality: 64", "quality: -1"))
    (problem,) = doc.problems
    assert "detail" not in problem.to_dict()
    assert problem.detail == ""


# --- schema failures in words -------------------------------------------------------------


def _messages(text: str) -> dict[str, str]:
    return {p.code: p.message for p in newsmeta.loads(text).problems}


def test_a_pattern_failure_is_described_in_words_with_the_obvious_fix() -> None:
    message = _messages(GOOD.replace("domain: example.org", "domain: www.Example.org"))[
        "schema-pattern"
    ]
    assert "lower case" in message
    assert "without a leading 'www.'" in message
    assert 'did you mean "example.org"?' in message
    assert "^" not in message  # never the regular expression
    assert "(?" not in message


def test_a_mistyped_url_scheme_is_corrected() -> None:
    message = _messages(GOOD.replace('originalUrl: "https', 'originalUrl: "htps'))["schema-pattern"]
    assert "absolute http or https IRI" in message
    assert 'did you mean "https://news.example.org/' in message


def test_a_date_without_a_zone_is_given_its_rfc_3339_form() -> None:
    message = _messages(GOOD.replace("2024-03-05T18:30:00Z", "2024-03-05T18:30:00"))[
        "schema-format"
    ]
    assert 'write "2024-03-05T18:30:00Z" if the time is UTC' in message


def test_no_fix_is_offered_when_none_is_obvious() -> None:
    message = _messages(GOOD.replace("domain: example.org", 'domain: "not a domain"'))[
        "schema-pattern"
    ]
    assert "did you mean" not in message


def test_a_list_written_without_spaces_after_the_dashes_gets_a_hint() -> None:
    text = GOOD.replace("topics:\n  - Solar Energy\n  - Education", "topics:\n  -Solar\n  -Energy")
    assert "space after each '-'" in _messages(text)["schema-type"]


# --- suggestions --------------------------------------------------------------------------


def test_an_unknown_key_suggests_the_missing_key_it_stands_for() -> None:
    text = GOOD.replace("publishedDateTime:", "publishDateTime:")
    messages = _messages(text)
    assert "did you mean 'publishedDateTime', which is missing?" in messages["schema-unknown-key"]
    assert "'publishDateTime' may be a misspelling of it" in messages["schema-required"]


def test_an_unknown_key_suggests_a_present_key_without_saying_it_is_missing() -> None:
    text = GOOD.replace("heat: 38\n", "heat: 38\nHeat: 3\n")
    message = _messages(text)["schema-unknown-key"]
    assert message.endswith("did you mean 'heat'?")


def test_suggestions_look_at_the_keys_of_the_same_level() -> None:
    text = GOOD.replace("  domain: example.org", "  domain: example.org\n  nmae: Gazette")
    assert "did you mean 'name'?" in _messages(text)["schema-unknown-key"]
    assert keys_at("/provider") == ("name", "domain", "images")
    assert "isCached" in keys_at("/related/0/images/3")
    assert keys_at("/nowhere") == ()


def test_the_suggestion_helper_ignores_case_and_underscores() -> None:
    assert closest("Type", ["title", "type"]) == "type"
    assert closest("fail_on", ["include", "fail-on"]) == "fail-on"
    assert closest("mojibake", newsmeta.CODES) == "text-mojibake"
    assert closest("zzz", ["title"]) is None
    assert closest("type", ["type"]) is None  # a word is never its own suggestion
    assert did_you_mean("titel", ["title"]) == "; did you mean 'title'?"
    assert did_you_mean("zzz", ["title"]) == ""
