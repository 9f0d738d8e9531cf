"""Round-trip editing: unedited documents come back byte-identical; edits change only their
lines."""

from __future__ import annotations

import difflib
import io
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

import newsmeta
from newsmeta import (
    AliasEditError,
    ConcurrentModificationError,
    EditError,
    Image,
    InvalidPathError,
    NewProblemsError,
    PathNotFoundError,
    VerificationError,
    jqprogram,
)
from newsmeta._edit import parse_path

ARTICLE = """\
---
category: news
title: "A title"
excerpt: "An excerpt"
publishedDateTime: 2020-07-16T19:15:00Z
webUrl: "https://example.org/a"
type: article
quality: 27
heat: -1
published: false

provider:
  name: Example
  domain: example.org

topics:
  - Computer Vision
  - AI

images:
  - url: "https://example.org/a.jpg"
    width: 1440
    height: 720
    isCached: true

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


@pytest.fixture
def doc() -> newsmeta.Document:
    return newsmeta.loads(ARTICLE)


# --- paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("title", ["title"]),
        ("provider.name", ["provider", "name"]),
        ("images[0].width", ["images", 0, "width"]),
        ("related[-1]", ["related", -1]),
        ("/provider/name", ["provider", "name"]),
        ("/a~1b/c~0d", ["a/b", "c~d"]),
        (["images", 0], ["images", 0]),
    ],
)
def test_parse_path_reads_dotted_and_pointer_forms(path: str, parts: list[str | int]) -> None:
    assert parse_path(path) == parts


@pytest.mark.parametrize("path", ["", "a..b", "a[x]", "[0", "a]"])
def test_parse_path_rejects_malformed_paths(path: str) -> None:
    with pytest.raises(InvalidPathError):
        parse_path(path)


def test_json_pointer_digit_segment_indexes_a_list(doc: newsmeta.Document) -> None:
    assert doc.get("/images/0/width") == 1440
    assert doc.get("topics[-1]") == "AI"


# --- no-op ---------------------------------------------------------------------------------------


def test_unedited_document_dumps_its_exact_text(doc: newsmeta.Document) -> None:
    assert doc.dumps() == ARTICLE
    assert newsmeta.dumps(doc) == ARTICLE


def test_setting_the_current_value_changes_nothing(doc: newsmeta.Document) -> None:
    doc.set("quality", 27)
    doc.set("publishedDateTime", datetime(2020, 7, 16, 19, 15, tzinfo=UTC))
    assert doc.article is not None
    doc.article = attrs.evolve(doc.article)
    assert doc.dumps() == ARTICLE


def test_file_with_problems_round_trips(tmp_path: Path) -> None:
    raw = b"---\ntitle: [unclosed\n---\n\xff body\r\n"
    path = tmp_path / "bad.md"
    path.write_bytes(raw)
    document = newsmeta.load(path)
    assert not document.ok
    assert document.encoded() == raw


# --- scalars ----------------------------------------------------------------------------


def test_set_scalar_changes_only_its_line_and_keeps_quotes(doc: newsmeta.Document) -> None:
    doc.set("title", 'New "quoted" title')
    assert changed_lines(ARTICLE, doc.dumps()) == [
        '-title: "A title"',
        '+title: "New \\"quoted\\" title"',
    ]
    assert doc.data["title"] == 'New "quoted" title'  # type: ignore[index,call-overload]


def test_plain_value_that_would_read_differently_is_quoted(doc: newsmeta.Document) -> None:
    doc.set("provider.name", "true")
    assert changed_lines(ARTICLE, doc.dumps()) == ["-  name: Example", '+  name: "true"']


def test_number_replaces_number_plain(doc: newsmeta.Document) -> None:
    doc.set("quality", 30)
    assert changed_lines(ARTICLE, doc.dumps()) == ["-quality: 27", "+quality: 30"]


def test_datetime_is_written_in_t_z_form(doc: newsmeta.Document) -> None:
    doc.set("publishedDateTime", datetime(2021, 1, 2, 4, 4, 5, tzinfo=timezone(timedelta(hours=1))))
    assert changed_lines(ARTICLE, doc.dumps()) == [
        "-publishedDateTime: 2020-07-16T19:15:00Z",
        "+publishedDateTime: 2021-01-02T04:04:05+01:00",
    ]
    doc.set("publishedDateTime", datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert "publishedDateTime: 2021-01-02T03:04:05Z\n" in doc.dumps()


# --- keys -------------------------------------------------------------------------------


def test_new_key_goes_to_its_canonical_position(doc: newsmeta.Document) -> None:
    doc.set("removed", True)
    doc.set("originalUrl", "https://example.org/a")
    assert changed_lines(ARTICLE, doc.dumps()) == [
        '+originalUrl: "https://example.org/a"',
        "+removed: true",
    ]
    lines = doc.dumps().splitlines()
    assert lines[lines.index("published: false") + 1] == "removed: true"
    assert lines[lines.index("publishedDateTime: 2020-07-16T19:15:00Z") + 1].startswith("original")


def test_new_block_key_gets_a_blank_line_like_its_siblings() -> None:
    text = ARTICLE.replace(
        'images:\n  - url: "https://example.org/a.jpg"\n    width: 1440\n    height: 720\n'
        "    isCached: true\n\n",
        "",
    )
    document = newsmeta.loads(text)
    document.set("images", [Image(url="https://example.org/b.jpg", width=2, height=3)])
    added = [line for line in changed_lines(text, document.dumps()) if line != "+"]
    assert added == [
        "+images:",
        '+  - url: "https://example.org/b.jpg"',
        "+    width: 2",
        "+    height: 3",
    ]
    assert document.dumps() == text.replace(
        "  - AI\n\nsecured:",
        '  - AI\n\nimages:\n  - url: "https://example.org/b.jpg"\n    width: 2\n    height: 3\n'
        "\nsecured:",
    )


def test_unset_removes_exactly_the_key_lines_with_comment() -> None:
    text = ARTICLE.replace("heat: -1\n", "heat: -1  # hot\n")
    document = newsmeta.loads(text)
    document.unset("heat")
    assert changed_lines(text, document.dumps()) == ["-heat: -1  # hot"]


def test_unset_nested_block_removes_all_its_lines_and_one_blank_line(
    doc: newsmeta.Document,
) -> None:
    # The block stood between two blank lines: one of them goes with it.
    doc.unset("images")
    assert doc.dumps() == ARTICLE.replace(
        '\nimages:\n  - url: "https://example.org/a.jpg"\n    width: 1440\n    height: 720\n'
        "    isCached: true\n",
        "",
    )


def test_unset_keeps_blank_lines_that_do_not_surround_the_key() -> None:
    text = ARTICLE.replace("published: false\n\n", "published: false\n")
    document = newsmeta.loads(text)
    document.unset("provider")
    assert changed_lines(text, document.dumps()) == [
        "-provider:",
        "-  name: Example",
        "-  domain: example.org",
    ]


def test_set_creates_missing_parent_mappings() -> None:
    text = "---\ntitle: x\n---\n"
    document = newsmeta.loads(text)
    document.set("provider.name", "P")
    # The file shows no blank-line habit, so the house style's blank line opens the group.
    assert document.dumps() == "---\ntitle: x\n\nprovider:\n  name: P\n---\n"


def test_a_file_without_blank_lines_before_its_groups_gets_none() -> None:
    text = "---\ntitle: x\ntopics:\n  - AI\n---\n"
    document = newsmeta.loads(text)
    document.set("provider.name", "P")
    assert document.dumps() == "---\ntitle: x\nprovider:\n  name: P\ntopics:\n  - AI\n---\n"


# --- lists ------------------------------------------------------------------------------


def test_append_lands_after_last_item_before_blank_line(doc: newsmeta.Document) -> None:
    doc.append("topics", "Robots")
    assert "  - AI\n  - Robots\n\nimages:" in doc.dumps()
    assert changed_lines(ARTICLE, doc.dumps()) == ["+  - Robots"]


def test_insert_copies_sibling_indentation(doc: newsmeta.Document) -> None:
    doc.insert("topics", 0, "First")
    doc.insert("topics", -1, "Before last")
    assert doc.get("topics") == ["First", "Computer Vision", "Before last", "AI"]
    assert changed_lines(ARTICLE, doc.dumps()) == ["+  - First", "+  - Before last"]


def test_append_model_object_writes_house_style(doc: newsmeta.Document) -> None:
    doc.append("images", Image(url="https://example.org/b.jpg", width=5, height=6, is_cached=False))
    assert changed_lines(ARTICLE, doc.dumps()) == [
        '+  - url: "https://example.org/b.jpg"',
        "+    width: 5",
        "+    height: 6",
        "+    isCached: false",
    ]


def test_unset_list_item_by_negative_index(doc: newsmeta.Document) -> None:
    doc.unset("topics[-1]")
    assert changed_lines(ARTICLE, doc.dumps()) == ["-  - AI"]


RELATED_WITH_COMMENTS = """---
title: Hello
related:
  # about the first entry
  - url: https://a.example/x  # first
    title: A
    # inside the first entry
  # before the second entry
  - url: https://b.example/y
    title: B
    # inside the second entry
# after the list
tags: [a]
---
"""


@pytest.mark.parametrize("edit", ["unset", "jq"])
def test_deleting_an_item_takes_the_comments_on_its_own_lines(edit: str) -> None:
    # A comment indented into the entry is the entry's; one at the dash's column, before
    # the next entry or after the list, is not.
    document = newsmeta.loads(RELATED_WITH_COMMENTS)
    if edit == "unset":
        document.unset("related[0]")
    else:
        document.apply(jqprogram.compile("del(.related[0])"))
    assert changed_lines(RELATED_WITH_COMMENTS, document.dumps()) == [
        "-  - url: https://a.example/x  # first",
        "-    title: A",
        "-    # inside the first entry",
    ]


@pytest.mark.parametrize(
    ("before", "program", "after"),
    [
        # A quoted date moved into a timestamp field stays a string to YAML 1.1 readers...
        (
            'updated: "2024-01-02T10:00:00Z"',
            ".publishedDateTime = .updated | del(.updated)",
            'publishedDateTime: "2024-01-02T10:00:00Z"',
        ),
        # ...and a plain timestamp moved out of one stays a timestamp.
        (
            "publishedDateTime: 2024-01-02T10:00:00Z",
            ".updated = .publishedDateTime | del(.publishedDateTime)",
            "updated: 2024-01-02T10:00:00Z",
        ),
        (
            'date: "2024-01-02"',
            'with_entries(if .key == "date" then .key = "day" else . end)',
            'day: "2024-01-02"',
        ),
    ],
)
def test_a_value_moved_to_another_key_keeps_its_quoting(
    before: str, program: str, after: str
) -> None:
    text = f'---\ntitle: "x"\n{before}\n---\nbody\n'
    document = newsmeta.loads(text)
    document.apply(jqprogram.compile(program))
    assert after in document.dumps().splitlines()


def test_deleting_the_last_item_takes_its_comments_not_the_next_keys() -> None:
    document = newsmeta.loads(RELATED_WITH_COMMENTS)
    document.unset("related[-1]")
    assert changed_lines(RELATED_WITH_COMMENTS, document.dumps()) == [
        "-  - url: https://b.example/y",
        "-    title: B",
        "-    # inside the second entry",
    ]


def test_deleting_the_only_item_takes_its_comments() -> None:
    text = "---\nrelated:\n  - url: https://a.example/x\n    # inside\n# after\n---\n"
    document = newsmeta.loads(text)
    document.unset("related[0]")
    assert document.dumps() == "---\nrelated: []\n# after\n---\n"


def test_deleting_a_key_takes_the_comments_indented_into_its_value() -> None:
    document = newsmeta.loads(RELATED_WITH_COMMENTS)
    document.unset("related")
    assert "# after the list" in document.dumps()
    assert "entry" not in document.dumps().replace("# about the first entry", "")


def test_unset_the_only_item_leaves_an_empty_list(doc: newsmeta.Document) -> None:
    doc.unset("images[0]")
    assert doc.get("images") == []
    assert "images: []\n" in doc.dumps()


# --- typed edits ------------------------------------------------------------------------


def test_typed_edit_applies_only_changed_leaves(doc: newsmeta.Document) -> None:
    article = doc.article
    assert article is not None
    doc.article = attrs.evolve(
        article,
        title="Typed",
        quality=28,
        topics=(*article.topics, "New"),
        provider=attrs.evolve(article.provider, name="Prov"),
    )
    assert changed_lines(ARTICLE, doc.dumps()) == [
        '-title: "A title"',
        '+title: "Typed"',
        "-quality: 27",
        "+quality: 28",
        "-  name: Example",
        "+  name: Prov",
        "+  - New",
    ]
    assert doc.article is not None
    assert doc.article.title == "Typed"


def test_typed_edit_removing_an_optional_field_unsets_it(doc: newsmeta.Document) -> None:
    assert doc.article is not None
    doc.article = attrs.evolve(doc.article, heat=None)
    assert changed_lines(ARTICLE, doc.dumps()) == ["-heat: -1"]


# --- refusals ---------------------------------------------------------------------------


def test_missing_path_is_refused(doc: newsmeta.Document) -> None:
    with pytest.raises(PathNotFoundError) as info:
        doc.unset("provider.images")
    assert isinstance(info.value, LookupError)
    with pytest.raises(PathNotFoundError):
        doc.set("topics[5]", "x")
    assert doc.dumps() == ARTICLE


def test_editing_through_an_alias_is_refused() -> None:
    text = "---\nprovider: &p\n  name: A\nother: *p\n---\n"
    document = newsmeta.loads(text)
    with pytest.raises(AliasEditError, match="anchors and aliases") as refused:
        document.set("provider.name", "B")
    assert str(refused.value).startswith(
        "provider.name: it is inside provider, which carries the anchor '&p' at line 2;"
    )
    assert document.dumps() == text


@pytest.mark.parametrize(
    ("text", "path", "cause"),
    [
        ("---\na: &x 1\nb: *x\n---\n", "a", "a: the value carries the anchor '&x' at line 2"),
        ("---\na: &x 1\nb: *x\n---\n", "b", "b: the value is the alias '*x' at line 3"),
        # Setting p to {"n": 1} removes p.m, and the refusal names that value.
        (
            "---\np:\n  n: 1\n  m: &x 2\n---\n",
            "p",
            "p.m: the value carries the anchor '&x' at line 4",
        ),
    ],
)
def test_a_refusal_names_the_anchor_or_alias_and_its_line(text: str, path: str, cause: str) -> None:
    document = newsmeta.loads(text)
    with pytest.raises(AliasEditError) as refused:
        document.set(path, {"n": 1})
    assert str(refused.value).startswith(cause + "; ")
    assert document.text == text


def test_an_item_is_added_beside_an_anchored_item() -> None:
    document = newsmeta.loads("---\ntopics:\n  - &x a\n  - b\n---\n")
    document.append("topics", "c")
    document.insert("topics", 0, "z")
    assert document.text == "---\ntopics:\n  - z\n  - &x a\n  - b\n  - c\n---\n"
    anchored = newsmeta.loads("---\ntopics: &x\n  - a\n---\n")
    with pytest.raises(AliasEditError, match="the list carries the anchor '&x' at line 2"):
        anchored.append("topics", "c")


def test_edit_of_unreadable_front_matter_is_refused() -> None:
    document = newsmeta.loads("---\ntitle: [\n---\n")
    with pytest.raises(EditError, match="cannot be read"):
        document.set("title", "x")


def test_non_finite_float_is_refused(doc: newsmeta.Document) -> None:
    with pytest.raises(EditError):
        doc.set("quality", float("nan"))


def test_verification_failure_is_refused_and_nothing_changes(
    doc: newsmeta.Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsmeta import _edit

    monkeypatch.setattr(_edit, "_plain_text", lambda value: "oops")
    with pytest.raises(VerificationError, match="does not read back"):
        doc.set("quality", 5)
    assert doc.dumps() == ARTICLE


# --- writing ----------------------------------------------------------------------------


def test_save_writes_atomically_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode())
    path.chmod(0o640)
    document = newsmeta.load(path)
    document.set("quality", 1)
    document.save()
    assert path.read_bytes() == document.encoded()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
    document.save()
    assert path.read_bytes() == document.encoded()


def test_save_refuses_when_file_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode())
    document = newsmeta.load(path)
    document.set("quality", 1)
    path.write_bytes(ARTICLE.replace("27", "28").encode())
    with pytest.raises(ConcurrentModificationError) as info:
        document.save()
    assert isinstance(info.value, OSError)
    assert path.read_bytes() == ARTICLE.replace("27", "28").encode()


def test_save_refuses_new_errors_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode())
    document = newsmeta.load(path)
    document.set("heat", -5)
    with pytest.raises(NewProblemsError) as info:
        document.save()
    assert [p.code for p in info.value.problems] == ["schema-minimum"]
    assert path.read_bytes() == ARTICLE.encode()
    document.save(force=True)
    assert b"heat: -5\n" in path.read_bytes()


def test_new_errors_follow_a_severity_override_on_both_sides() -> None:
    from newsmeta.problems import Severity

    raised = {"text-whitespace": Severity.ERROR}
    document = newsmeta.loads(ARTICLE)
    document.set("title", " Padded ")
    assert document.new_errors() == ()  # a warning by default
    assert [p.code for p in document.new_errors(raised)] == ["text-whitespace"]
    lowered = {"schema-minimum": Severity.WARNING}
    document = newsmeta.loads(ARTICLE)
    document.set("heat", -5)
    assert [p.code for p in document.new_errors()] == ["schema-minimum"]
    assert document.new_errors(lowered) == ()
    # The loaded text already has the raised warning: editing it again brings nothing.
    document = newsmeta.loads(ARTICLE.replace('"A title"', '" A title "'))
    document.set("title", " Other ")
    assert document.new_errors(raised) == ()


def test_already_invalid_file_can_be_fixed_step_by_step(tmp_path: Path) -> None:
    text = ARTICLE.replace("quality: 27", "quality: -3").replace("category: news\n", "")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    document = newsmeta.load(path)
    errors = len(document.errors)
    document.set("quality", 3)
    document.save()
    assert len(document.errors) == errors - 1


def test_killed_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode())
    document = newsmeta.load(path)
    document.set("title", "x")

    def boom(fd: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk gone"):
        document.save()
    assert path.read_bytes() == ARTICLE.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_dump_to_binary_and_text_files(doc: newsmeta.Document, tmp_path: Path) -> None:
    binary = io.BytesIO()
    newsmeta.dump(doc, binary)
    assert binary.getvalue() == ARTICLE.encode()
    text = io.StringIO()
    newsmeta.dump(doc, text)
    assert text.getvalue() == ARTICLE
    newsmeta.dump(doc, tmp_path / "out.md")
    assert (tmp_path / "out.md").read_bytes() == ARTICLE.encode()


def test_save_without_path_is_a_value_error(doc: newsmeta.Document) -> None:
    with pytest.raises(ValueError, match="no path"):
        doc.save()


# --- the seed ---------------------------------------------------------------------------


def test_seed_matrix_of_edits_changes_exactly_the_expected_lines(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    expected = {
        ("set", "title", "New"): ['-title: "Homeland', '+title: "New"'],
        ("set", "quality", 5): ["-quality: 27", "+quality: 5"],
        ("set", "provider.name", "Other"): ["-  name: The Intercept", "+  name: Other"],
        ("set", "publishedDateTime", datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)): [
            "-publishedDateTime: 2020-07-16T19:15:00Z",
            "+publishedDateTime: 2021-01-02T03:04:05Z",
        ],
        ("append", "topics", "Robots"): ["+  - Robots"],
        ("unset", "heat", None): ["-heat: -1"],
        ("set", "removed", True): ["+removed: true"],
    }
    for (op, path, value), lines in expected.items():
        document = newsmeta.loads(text)
        if op == "unset":
            document.unset(path)
        else:
            getattr(document, op)(path, value)
        got = changed_lines(text, document.dumps())
        assert [g[: len(e)] for g, e in zip(got, lines, strict=True)] == lines
        assert not document.new_errors()


def test_save_refuses_symlinks_and_hard_links_unless_allowed(tmp_path: Path) -> None:
    from newsmeta import LinkedFileError

    real = tmp_path / "real.md"
    real.write_text(SEED_LIKE_FOR_LINKS, encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    hard = tmp_path / "hard.md"
    os.link(real, hard)
    for path in (link, hard):
        doc = newsmeta.load(path)
        doc.set("title", "Changed")
        with pytest.raises(LinkedFileError, match="not overwritten"):
            doc.save()
        assert real.read_text(encoding="utf-8") == SEED_LIKE_FOR_LINKS
    doc = newsmeta.load(link)
    doc.set("title", "Through the link")
    doc.save(allow_links=True)
    assert link.is_symlink()
    assert newsmeta.load(real).get("title") == "Through the link"


SEED_LIKE_FOR_LINKS = '---\ntitle: "Original"\n---\n'


@pytest.mark.parametrize(
    ("line", "path", "expected"),
    [
        ("  -", "topics[0]", "  - a"),
        ("  - ", "topics[0]", "  - a"),
    ],
)
def test_an_empty_list_item_can_be_filled_in(line: str, path: str, expected: str) -> None:
    text = f"---\ntopics:\n{line}\n  - b\n---\n"
    doc = newsmeta.loads(text)
    doc.set(path, "a")
    assert doc.dumps() == f"---\ntopics:\n{expected}\n  - b\n---\n"
    assert doc.get("topics") == ["a", "b"]


@pytest.mark.parametrize("line", ["quality:", "quality: "])
def test_an_empty_mapping_value_can_be_filled_in(line: str) -> None:
    doc = newsmeta.loads(f"---\n{line}\ntitle: x\n---\n")
    doc.set("quality", 5)
    assert doc.dumps() == "---\nquality: 5\ntitle: x\n---\n"


@pytest.mark.parametrize("value", ["yes", "on", "No", "012"])
def test_strings_yaml_1_1_tools_misread_are_quoted(value: str) -> None:
    doc = newsmeta.loads("---\ntopics:\n  - a\n---\n")
    doc.set("topics[0]", value)
    assert doc.dumps() == f'---\ntopics:\n  - "{value}"\n---\n'
    assert not [p for p in doc.problems if p.code == "yaml-1.1-ambiguous"]


@pytest.mark.parametrize("value", ["0?", "why?", ["0?"], {"a?": "b?"}])
def test_question_marks_in_flow_collections_are_quoted(value: object) -> None:
    # The libyaml inside ruamel.yaml.clib refuses `?` in a plain scalar in flow context.
    doc = newsmeta.loads("---\ntitle: t\ntopics: [One, Two]\n---\n")
    doc.set("topics.0", value)
    data = newsmeta.loads(doc.dumps()).data
    assert isinstance(data, dict)
    assert data["topics"] == [value, "Two"]


def test_reading_a_key_defined_twice_names_both_lines() -> None:
    document = newsmeta.loads('---\ntitle: "One"\nheat: 1\ntitle: "Two"\n---\n')
    with pytest.raises(newsmeta.DuplicateKeyEditError, match="lines 2 and 4") as refused:
        document.get("title")
    assert refused.value.lines == (2, 4)
    assert document.get("heat") == 1


def test_a_rewritten_value_keeps_printable_non_ascii_raw() -> None:
    document = newsmeta.loads('---\ntitle: "x"\nexcerpt: plain\n---\n')
    document.set("title", "a\u00a0b \u200c\u200d\u3000 سلام 中文")
    document.set("excerpt", "no\u00a0break")
    assert 'title: "a\u00a0b \u200c\u200d\u3000 سلام 中文"\n' in document.text
    assert "excerpt: no\u00a0break\n" in document.text
    assert "\\x" not in document.text


def test_a_closing_fence_with_trailing_spaces_is_reported_as_such() -> None:
    document = newsmeta.loads("---\ntitle: x\n--- \nbody\n\n---\nmore\n")
    assert [(p.code, p.line) for p in document.problems] == [("fence-close-missing", 3)]
    assert "trailing spaces" in document.problems[0].message
    with pytest.raises(newsmeta.EditError, match="trailing spaces"):
        document.set("title", "y")


def test_a_utf16_file_is_told_how_to_convert() -> None:
    from newsmeta.validation import check_bytes

    result = check_bytes("---\ntitle: x\n---\n".encode("utf-16"))
    assert [p.code for p in result.problems] == ["encoding-utf16"]
    assert "iconv -f UTF-16 -t UTF-8" in result.problems[0].message


# --- renaming a key ----------------------------------------------------------------------------


def test_rename_changes_only_the_key_text_and_keeps_value_place_and_comment() -> None:
    text = ARTICLE.replace("quality: 27", "qualty: 27  # checked by hand")
    doc = newsmeta.loads(text)
    doc.rename("qualty", "quality")
    assert doc.text == text.replace("qualty:", "quality:")
    assert isinstance(doc.data, dict)
    assert doc.data["quality"] == 27


def test_rename_reaches_nested_keys_and_quotes_a_key_that_needs_it() -> None:
    text = ARTICLE.replace("  name: ", "  nme: ", 1)
    doc = newsmeta.loads(text)
    doc.rename("provider.nme", "name")
    assert doc.text == ARTICLE
    doc.rename("/provider/name", "a: b")
    assert '  "a: b": ' in doc.text


def test_rename_in_a_flow_mapping_keeps_the_flow_style() -> None:
    doc = newsmeta.loads("---\nprovider: {nam: X, domain: x.org}\n---\n")
    doc.rename("provider.nam", "name")
    assert doc.text == "---\nprovider: {name: X, domain: x.org}\n---\n"


def test_rename_refuses_a_key_the_mapping_already_has_and_changes_nothing() -> None:
    doc = newsmeta.loads(ARTICLE)
    with pytest.raises(EditError, match="already has 'excerpt'"):
        doc.rename("title", "excerpt")
    with pytest.raises(PathNotFoundError):
        doc.rename("nothing", "something")
    with pytest.raises(EditError):
        doc.rename("topics[0]", "x")
    assert doc.text == ARTICLE


def test_rename_to_the_same_name_changes_nothing() -> None:
    doc = newsmeta.loads(ARTICLE)
    doc.rename("title", "title")
    assert doc.text == ARTICLE


def test_rename_through_an_anchor_is_refused() -> None:
    doc = newsmeta.loads("---\nprovider: &p\n  nme: X\n---\n")
    with pytest.raises(AliasEditError):
        doc.rename("provider.nme", "name")


@pytest.mark.parametrize(
    ("text", "path", "value", "expected"),
    [
        ("---\n? a\n? b\nc: 1\n---\n", "a", "x", "---\n? a\n: x\n? b\nc: 1\n---\n"),
        ("---\n? a # note\n---\n", "a", 2, "---\n? a # note\n: 2\n---\n"),
        ("---\n? e\n  42\n---\n", "e 42", "v", "---\n? e\n  42\n: v\n---\n"),
        ("---\nm:\n  ? a\n---\n", "m.a", [1], "---\nm:\n  ? a\n  :\n    - 1\n---\n"),
    ],
)
def test_an_explicit_key_without_a_value_gets_one_on_the_next_line(
    text: str, path: str, value: object, expected: str
) -> None:
    document = newsmeta.loads(text)
    document.set(path, value)
    assert document.text == expected
    assert document.get(path) == value


def test_an_edit_through_an_empty_key_names_it() -> None:
    document = newsmeta.loads("---\n{\n? explicit: entry,\n?\n}\n---\n")
    with pytest.raises(EditError, match=r"^'': the key at line 4 is empty"):
        document.set([""], "x")


@pytest.mark.parametrize("line", [" \t", "     "])
def test_removing_the_key_after_a_block_scalar_keeps_its_whitespace_line(line: str) -> None:
    # A tab, or spaces deeper than the block's indentation, are the block's own text.
    text = f"---\nfoo: |\n  a\n{line}\nbar: 1\n---\nbody\n"
    document = newsmeta.loads(text)
    before = document.get("foo")
    document.unset("bar")
    assert document.text == text.replace("bar: 1\n", "")
    assert document.get("foo") == before
