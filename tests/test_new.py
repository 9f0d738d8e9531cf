"""``newsmeta.new``: a new article file in the real files' house style, by the editor's renderer."""

from __future__ import annotations

import random
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import newsmeta
from newsmeta.errors import EditError, ExistingFileError, NewProblemsError
from newsmeta.model import Article

from .articles import full_article, video
from .test_model import articles

EXPECTED = """\
---
category: news
title: "A title"
excerpt: "An excerpt."
publishedDateTime: 2020-07-16T19:15:00Z
originalUrl: "https://example.com/2020/07/16/story/"
webUrl: "https://example.com/2020/07/16/story/"
ampWebUrl: "https://example.com/amp/story/"
cdnAmpWebUrl: "https://example-com.cdn.ampproject.org/c/s/example.com/amp/story/"
type: article
quality: 0
heat: -1
published: false
removed: true

featuredContent: "<p>Featured</p>"

provider:
  name: Example News
  domain: example.com
  images:
    - url: "https://example.com/logo-50x50.jpg"
      width: 50
      height: 50

topics:
  - AI
  - Computer Vision

images:
  - url: "https://cdn.example.com/lead.jpg"
    width: 1440
    height: 720
    isCached: true
    title: "Caption"
    attribution: "Photo: Example"

related:
  - title: "Another story"
    excerpt: ""
    publishedDateTime: 2020-07-13T07:53:00Z
    webUrl: "https://www.example.org/story/"
    ampWebUrl: "https://www.example.org/amp/story/"
    cdnAmpWebUrl: "https://www-example-org.cdn.ampproject.org/c/s/www.example.org/amp/story/"
    type: article
    provider:
      name: Example Org
      domain: example.org
    quality: 39
    images:
      - url: "https://cdn.example.com/lead.jpg"
        width: 1440
        height: 720
        isCached: true
        title: "Caption"
        attribution: "Photo: Example"

secured: "C5eO/UiGuWBouSPBZzd7C3nee3XqqjjewJNMIaxQm2I=;pi5Rn+JtL853s7F/GQVH3g=="
---

"""


def article() -> Article:
    return newsmeta.from_dict(full_article())


def test_a_new_article_is_written_in_the_house_style() -> None:
    document = newsmeta.new(article())
    assert document.dumps() == EXPECTED
    assert document.article == article()
    assert document.body == "\n"


def test_a_dict_in_any_key_order_gives_the_same_text() -> None:
    data = full_article()
    shuffled = dict(reversed(list(data.items())))
    provider = shuffled["provider"]
    assert isinstance(provider, dict)
    shuffled["provider"] = dict(reversed(list(provider.items())))
    assert newsmeta.new(shuffled).dumps() == EXPECTED


def test_unknown_keys_come_last_each_in_a_group_of_its_own() -> None:
    data = {**video(), "zeta": 1, "alpha": ["x"]}
    text = newsmeta.new(data).dumps()
    assert text.endswith('=="\n\nzeta: 1\n\nalpha:\n  - x\n---\n\n')
    assert newsmeta.new(data).data == data


def test_the_body_follows_the_closing_fence_verbatim() -> None:
    document = newsmeta.new(article(), "# Heading\r\n\nText")
    assert document.dumps().endswith('=="\n---\n# Heading\r\n\nText')
    assert document.body == "# Heading\r\n\nText"


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(articles)
def test_any_article_reads_back_from_its_new_text(value: Article) -> None:
    assert newsmeta.new(value).article == value


def _added_key_by_key(data: dict[str, object], body: str, order: list[str]) -> str:
    document = newsmeta.loads("---\n---\n" + body)
    for key in order:
        document.set(key, data[key])
    return document.dumps()


def test_new_is_every_key_added_to_an_empty_mapping_in_any_order() -> None:
    data = newsmeta.to_dict(article())
    expected = newsmeta.new(article()).dumps()
    keys = list(data)
    assert _added_key_by_key(data, "\n", keys) == expected
    shuffler = random.Random(14)
    for _ in range(5):
        shuffler.shuffle(keys)
        assert _added_key_by_key(data, "\n", keys) == expected, keys


def test_on_real_files_new_is_every_key_added_to_an_empty_mapping(corpus: list[Path]) -> None:
    shuffler = random.Random(14)
    for path in corpus[::9]:
        document = newsmeta.load(path)
        assert document.article is not None
        data = newsmeta.to_dict(document.article)
        keys = list(data)
        shuffler.shuffle(keys)
        rebuilt = newsmeta.new(document.article, document.body).dumps()
        assert _added_key_by_key(data, document.body, keys) == rebuilt, path.name


def test_a_value_with_no_front_matter_form_is_refused() -> None:
    with pytest.raises(EditError):
        newsmeta.new({**full_article(), "topics": {"AI"}})
    with pytest.raises(EditError):
        newsmeta.new({**full_article(), "quality": float("nan")})
    with pytest.raises(TypeError):
        newsmeta.new(article(), b"body")  # type: ignore[arg-type]


def test_a_new_document_with_errors_is_not_saved_unless_forced(tmp_path: Path) -> None:
    data = full_article()
    del data["secured"]
    document = newsmeta.new(data)
    assert [p.pointer for p in document.errors] == ["/secured"]
    assert document.new_errors() == document.errors
    target = tmp_path / "a.md"
    with pytest.raises(NewProblemsError, match="secured"):
        document.save(target)
    assert not target.exists()
    document.save(target, force=True)
    assert target.read_text(encoding="utf-8") == document.dumps()


def test_a_new_document_never_replaces_an_existing_file_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("keep me\n", encoding="utf-8")
    document = newsmeta.new(article(), path=target)
    assert document.path == target
    with pytest.raises(ExistingFileError) as caught:
        document.save()
    assert isinstance(caught.value, FileExistsError)
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert not list(tmp_path.glob(".*.tmp"))
    document.save(overwrite=True)
    assert target.read_text(encoding="utf-8") == EXPECTED


def test_a_saved_new_document_is_then_an_ordinary_one(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    document = newsmeta.new(article(), path=target)
    assert document.changed
    document.save()
    assert not document.changed
    assert newsmeta.load(target).dumps() == EXPECTED
    document.article = attrs.evolve(article(), heat=5)
    document.save()  # its own file now: saving again replaces it
    assert "heat: 5\n" in target.read_text(encoding="utf-8")


def test_a_dangling_symlink_counts_as_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(ExistingFileError):
        newsmeta.new(article()).save(target)
    assert not (tmp_path / "nowhere.md").exists()


def test_the_file_name_rules_see_the_recorded_path() -> None:
    document = newsmeta.new(article(), path="content/2021-01-01-a-title.md")
    assert "date-filename-mismatch" in {p.code for p in document.problems}
