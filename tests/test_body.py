"""``Document.body`` is editable: a splice after the closing fence, everything before it kept."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsmeta
from newsmeta.errors import EditError

FRONT = "---\ncategory: news\ntitle: x\n---\n"


def test_assigning_the_body_replaces_only_what_follows_the_closing_fence() -> None:
    document = newsmeta.loads(FRONT + "old body\n")
    document.body = "# New\n\nText.\n"
    assert document.dumps() == FRONT + "# New\n\nText.\n"
    assert document.body == "# New\n\nText.\n"
    assert document.data == {"category": "news", "title": "x"}


def test_bom_fences_and_crlf_are_kept_and_the_new_body_takes_crlf() -> None:
    text = "\ufeff---\r\ncategory: news\r\n---\r\nold\r\n"
    document = newsmeta.loads(text)
    document.body = "one\ntwo\r\n"
    assert document.dumps() == "\ufeff---\r\ncategory: news\r\n---\r\none\r\ntwo\r\n"
    assert not any(p.code.startswith("line-ending") for p in document.problems)


def test_an_lf_file_gets_lf_in_its_new_body() -> None:
    document = newsmeta.loads(FRONT)
    document.body = "a\r\nb\r\n"
    assert document.dumps() == FRONT + "a\nb\n"


def test_a_closing_fence_at_the_end_of_the_file_gets_a_line_ending_for_a_body() -> None:
    document = newsmeta.loads("---\ncategory: news\n---")
    document.body = "text\n"
    assert document.dumps() == "---\ncategory: news\n---\ntext\n"
    document.body = ""
    assert document.dumps() == "---\ncategory: news\n---\n"


def test_a_body_that_looks_like_front_matter_stays_body() -> None:
    document = newsmeta.loads(FRONT)
    document.body = "---\ntitle: injected\n---\n"
    assert document.data == {"category": "news", "title": "x"}
    assert document.body == "---\ntitle: injected\n---\n"


def test_the_same_body_changes_nothing_and_an_unedited_document_keeps_its_bytes(
    seed_path: Path,
) -> None:
    document = newsmeta.load(seed_path)
    original = seed_path.read_bytes()
    document.body = document.body
    assert document.encoded() == original
    assert not document.changed


def test_a_new_body_is_saved_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes((FRONT + "old\n").encode())
    document = newsmeta.load(path)
    document.body = "new\n"
    assert document.changed
    document.save()
    assert path.read_bytes() == (FRONT + "new\n").encode()
    assert newsmeta.load(path).body == "new\n"


def test_a_document_without_fences_has_no_body_to_replace() -> None:
    document = newsmeta.loads("no fences here\n")
    with pytest.raises(EditError, match="fences"):
        document.body = "x"
    assert document.dumps() == "no fences here\n"


def test_the_body_must_be_text() -> None:
    document = newsmeta.loads(FRONT)
    with pytest.raises(TypeError):
        document.body = b"bytes"  # type: ignore[assignment]


def test_setting_a_body_key_by_path_points_at_the_body_property() -> None:
    document = newsmeta.loads(FRONT)
    with pytest.raises(EditError, match=r"Document\.body"):
        document.set("body", "text")
    assert document.dumps() == FRONT


def test_the_typed_article_follows_a_body_edit(seed_path: Path) -> None:
    document = newsmeta.load(seed_path)
    article = document.article
    document.body = "Body.\n"
    assert document.article == article
    assert document.problems == newsmeta.load(seed_path).problems
