"""Loading: exact typed values, and every problem at its exact line and column."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsmeta
from newsmeta import Severity

from .articles import check_seed_article


def _problems_at(doc: newsmeta.Document, code: str) -> list[tuple[int, int]]:
    return [(p.line, p.column) for p in doc.problems if p.code == code]


def test_seed_loads_with_exact_typed_values(seed_path: Path) -> None:
    doc = newsmeta.load(seed_path)
    check_seed_article(doc.article)
    assert not [p for p in doc.problems if p.severity is Severity.ERROR]
    assert doc.ok


def test_seed_text_and_body_are_kept_exactly(seed_path: Path) -> None:
    raw = seed_path.read_bytes()
    doc = newsmeta.load(seed_path)
    assert doc.text.encode("utf-8") == raw
    assert doc.body == "\n"


def test_quoted_and_unquoted_timestamps_both_validate(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    quoted = text.replace(
        "publishedDateTime: 2020-07-16T19:15:00Z", 'publishedDateTime: "2020-07-16T19:15:00Z"'
    )
    assert quoted != text
    for variant in (text, quoted):
        doc = newsmeta.loads(variant)
        assert doc.ok, doc.problems
        assert doc.article is not None
        assert doc.article.published_date_time == datetime(2020, 7, 16, 19, 15, tzinfo=UTC)


def test_every_real_file_loads_and_valid_ones_have_no_errors(corpus: list[Path]) -> None:
    failing = {}
    for path in corpus:
        doc = newsmeta.load(path)
        if doc.ok:
            assert doc.article is not None, path
        else:
            failing[path.name] = [(p.code, p.pointer) for p in doc.errors]
    # The only real defect in this corpus is a null item in `topics`: a type error.
    for name, errors in failing.items():
        assert errors, name
        for code, pointer in errors:
            assert code == "schema-type", (name, errors)
            assert re.fullmatch(r"/topics/\d+", pointer), (name, errors)
    assert len(failing) < len(corpus) // 10


def test_null_topic_is_reported_at_that_item(corpus: list[Path]) -> None:
    # Real files carry a null topic (a line "  - ") now and then; inject one into each.
    for path in corpus[::20]:
        text = path.read_text(encoding="utf-8")
        first_topic = text.index("\ntopics:\n") + len("\ntopics:\n")
        line = text.count("\n", 0, first_topic) + 1
        broken = text[:first_topic] + "  - \n" + text[first_topic:]
        doc = newsmeta.loads(broken)
        errors = [(p.code, p.pointer, p.line, p.column) for p in doc.errors]
        assert errors == [("schema-type", "/topics/0", line, 3)], path.name


_VALUE_FAULTS = [
    # (regex for the line, replacement value, expected code)
    (r"^quality: \d+$", '"high"', "schema-type"),
    (r"^type: article$", "blog", "schema-enum"),
    (r"^heat: -?\d+$", "-5", "schema-minimum"),
    (r"^webUrl: .*$", '"not a url"', "schema-format"),
    (r"^publishedDateTime: .*$", "yesterday", "schema-format"),
    (r"^    width: \d+$", "0", "schema-minimum"),
    (r"^  domain: .*$", "[a, b]", "schema-type"),
]


@pytest.mark.parametrize(("pattern", "value", "code"), _VALUE_FAULTS)
def test_injected_value_fault_is_reported_at_the_value(
    corpus: list[Path], pattern: str, value: str, code: str
) -> None:
    regex = re.compile(pattern, re.MULTILINE)
    checked = 0
    for path in corpus[::25]:
        text = path.read_text(encoding="utf-8")
        match = regex.search(text)
        if match is None:
            continue
        key_part = match.group(0).split(":", 1)[0] + ": "
        broken = text[: match.start()] + key_part + value + text[match.end() :]
        line = text.count("\n", 0, match.start()) + 1
        column = len(key_part) + 1
        doc = newsmeta.loads(broken)
        assert (line, column) in _problems_at(doc, code), (path.name, doc.problems)
        problem = next(p for p in doc.problems if p.code == code and p.line == line)
        assert problem.end_line == line
        assert problem.end_column == column + len(value)
        checked += 1
    assert checked > 0


def test_injected_unknown_key_is_reported_at_the_key(corpus: list[Path]) -> None:
    for path in corpus[::50]:
        text = path.read_text(encoding="utf-8")
        broken = text.replace("publishedDateTime:", "publishDateTime:", 1)
        line = text.count("\n", 0, text.index("publishedDateTime:")) + 1
        doc = newsmeta.loads(broken)
        unknown = [p for p in doc.problems if p.code == "schema-unknown-key"]
        assert [(p.line, p.column, p.end_column, p.pointer) for p in unknown] == [
            (line, 1, 1 + len("publishDateTime"), "/publishDateTime")
        ]
        missing = [p for p in doc.problems if p.code == "schema-required"]
        assert [(p.line, p.column, p.pointer) for p in missing] == [(2, 1, "/publishedDateTime")]


def test_injected_missing_nested_key_is_reported_at_its_mapping(corpus: list[Path]) -> None:
    for path in corpus[::50]:
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^  domain: .*\n", text, re.MULTILINE)
        assert match is not None
        broken = text[: match.start()] + text[match.end() :]
        name_line = text.count("\n", 0, text.index("\n  name: ")) + 2
        doc = newsmeta.loads(broken)
        missing = [
            (p.line, p.column, p.pointer) for p in doc.problems if p.code == "schema-required"
        ]
        assert missing == [(name_line, 3, "/provider/domain")]


_SEED_LIKE = """---
category: news
title: "A title"
excerpt: "An excerpt."
publishedDateTime: 2020-07-16T19:15:00Z
webUrl: "https://example.com/a"
type: article

provider:
  name: Example
  domain: example.com

topics:
  - AI

secured: "AAAAAAAAAAAAAAAAAAAAAA==;AAAAAAAAAAAAAAAAAAAAAA=="
---
"""


def test_a_minimal_article_is_valid() -> None:
    doc = newsmeta.loads(_SEED_LIKE)
    assert doc.problems == ()
    assert doc.ok


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("", "fence-open-missing", (1, 1)),
        ("category: news\n", "fence-open-missing", (1, 1)),
        ("---\ncategory: news\n", "fence-close-missing", (1, 1)),
        ('---\ntitle: "unclosed\n---\n', "yaml-syntax", (2, 8)),  # the opening quote
        ("---\ncategory: news\ncategory: blog\n---\n", "yaml-duplicate-key", (3, 1)),
        ("---\n- news\n- video\n---\n", "front-matter-not-mapping", (2, 1)),
        ("---\njust text\n---\n", "front-matter-not-mapping", (2, 1)),
        ("---\n---\n", "schema-required", (1, 1)),
        ("---\na: b: c\n---\n", "yaml-syntax", (2, 4)),  # the value to quote
    ],
)
def test_malformed_file_gets_a_located_problem(
    text: str, code: str, position: tuple[int, int]
) -> None:
    doc = newsmeta.loads(text)
    assert not doc.ok
    assert position in _problems_at(doc, code), doc.problems
    assert doc.text == text


def test_duplicate_key_message_names_both_positions() -> None:
    doc = newsmeta.loads(_SEED_LIKE.replace("type: article\n", "type: article\ntitle: again\n"))
    (problem,) = [p for p in doc.problems if p.code == "yaml-duplicate-key"]
    assert (problem.line, problem.column) == (8, 1)
    assert "line 3, column 1" in problem.message


def test_problems_are_sorted_and_carry_every_field() -> None:
    text = _SEED_LIKE.replace("type: article", "type: blog").replace(
        "category: news", "category: blog"
    )
    doc = newsmeta.loads(text)
    keys = [p.sort_key for p in doc.problems]
    assert keys == sorted(keys)
    for problem in doc.problems:
        assert problem.code in newsmeta.CODES
        assert problem.message.endswith(".")
        assert problem.line >= 1
        assert problem.column >= 1


def test_bom_and_crlf_positions_are_counted_in_the_file() -> None:
    text = "\ufeff" + _SEED_LIKE.replace("type: article", "type: blog").replace("\n", "\r\n")
    doc = newsmeta.loads(text)
    assert _problems_at(doc, "schema-enum") == [(7, 7)]
    assert doc.text == text


def test_invalid_utf8_is_reported_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(_SEED_LIKE.encode().replace(b"A title", b"A t\xe9tle"))
    doc = newsmeta.load(path)
    assert _problems_at(doc, "encoding-not-utf8") == [(3, 12)]
    assert doc.text.encode("utf-8", "surrogateescape") == path.read_bytes()


def test_validate_raises_with_every_problem() -> None:
    doc = newsmeta.loads(_SEED_LIKE.replace("type: article", "type: blog"))
    with pytest.raises(newsmeta.InvalidDocumentError) as info:
        newsmeta.validate(doc)
    assert info.value.problems == doc.problems
    assert isinstance(info.value, ValueError)


def test_validate_returns_a_valid_document() -> None:
    doc = newsmeta.loads(_SEED_LIKE)
    assert newsmeta.validate(doc) is doc


def test_load_raises_oserror_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No such file"):
        newsmeta.load(tmp_path / "missing.md")


def test_null_topic_item_is_a_type_error_at_the_item() -> None:
    doc = newsmeta.loads(_SEED_LIKE.replace("  - AI\n", "  - AI\n  - \n"))
    problems = [(p.code, p.pointer, p.line, p.column) for p in doc.problems]
    assert problems == [("schema-type", "/topics/1", 15, 3)]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("webUrl:", "quality: 64.0\nwebUrl:", "schema-type"),
        ("2020-07-16T19:15:00Z", "0000-01-01T00:00:00Z", "schema-format"),
        ("2020-07-16T19:15:00Z", "2016-12-31T23:59:60Z", "schema-format"),
    ],
)
def test_values_the_typed_model_cannot_hold_are_errors(old: str, new: str, code: str) -> None:
    # JSON Schema accepts these; a file that passes must always give a typed Article.
    doc = newsmeta.loads(_SEED_LIKE.replace(old, new, 1))
    assert code in {p.code for p in doc.errors}
    assert not doc.ok


def test_a_valid_document_always_has_its_article() -> None:
    for variant in ("2020-07-16T19:15:00.5+05:30", "2020-07-16t19:15:00z"):
        doc = newsmeta.loads(_SEED_LIKE.replace("2020-07-16T19:15:00Z", variant))
        assert doc.ok, doc.problems
        assert doc.article is not None


def test_a_float_width_in_a_nested_image_is_an_error_at_it() -> None:
    text = _SEED_LIKE.replace(
        "topics:\n",
        'images:\n  - url: "https://example.com/i.jpg"\n    width: 5.0\n    height: 4\n\ntopics:\n',
    )
    doc = newsmeta.loads(text)
    assert [(p.code, p.pointer, p.line, p.column) for p in doc.errors] == [
        ("schema-type", "/images/0/width", 15, 12)
    ]


def test_a_document_locates_the_key_or_value_at_an_index() -> None:
    from newsmeta.document import Location

    text = (
        '---\ntitle: "T"\nprovider:\n  name: P\nimages:\n  - url: "https://a.org/i.png"\n'
        "    width: 0\n---\nbody: x\n"
    )
    doc = newsmeta.loads(text)
    name = text.index("name:")
    assert doc.locate(name + 2) == Location(("provider", "name"), "key", name, name + 4)
    assert doc.locate(name + 4) == Location(("provider", "name"), "key", name, name + 4)
    width = text.index("0\n---")
    assert doc.locate(width) == Location(("images", 0, "width"), "value", width, width + 1)
    assert doc.locate(text.index("---", 4)) is None  # the closing fence
    assert doc.locate(text.index("body")) is None
    assert newsmeta.loads('---\ntitle: "unclosed\n---\n').locate(6) is None


def test_the_front_matter_span_also_of_an_article_being_typed() -> None:
    from newsmeta.document import front_matter_span

    assert front_matter_span('---\ntitle: "T"\n---\nbody\n') == (4, 15)
    assert front_matter_span("---\ntitle: x\n") == (4, 13)  # no closing fence yet
    assert front_matter_span("\ufeff---\r\nt") == (6, 7)
    assert front_matter_span("title: x\n") is None
