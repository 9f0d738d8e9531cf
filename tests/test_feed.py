"""The JSON API form: read an item into an article, write one from an article and site settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsmeta
from newsmeta.errors import ConversionError
from newsmeta.feed import API_KEYS, SiteSettings, read_item, write_item

from .articles import full_article

LOS_ANGELES = SiteSettings(
    base_url="https://everyday-cc.github.io/ai/api/news/",
    time_zone="America/Los_Angeles",
    locale="en-us",
)


def api_item() -> dict[str, object]:
    """An item shaped like the sites' published JSON (made up values)."""
    return {
        "path": "_news/2020-06-03-five-vaccine-candidates.md",
        "title": "Five vaccine candidates",
        "excerpt": "A summary.",
        "sourceUrl": None,
        "webUrl": "https://news.example.com/2020/06/03/vaccine.html",
        "originalUrl": "https://news.example.com/2020/06/03/vaccine.html",
        "featuredContent": None,
        "highlight": None,
        "heat": 142,
        "tags": ["US"],
        "images": [
            {
                "url": "https://static.example.com/vaccine.jpg",
                "width": 1050,
                "height": 550,
                "title": "Five vaccine candidates",
                "attribution": None,
                "isCached": True,
            }
        ],
        "content": "Body text.\n",
        "type": "article",
        "ampWebUrl": None,
        "cdnAmpWebUrl": None,
        "publishedDateTime": "2020-06-03T10:16:00-07:00",
        "updatedDateTime": None,
        "provider": {
            "name": "Example News",
            "domain": "example.com",
            "images": None,
            "publishers": None,
            "authors": ["A. Writer"],
        },
        "locale": "en-us",
        "categories": ["news"],
        "topics": ["Vaccines", "Coronavirus"],
        "secured": "C5eO/UiGuWBouSPBZzd7C3nee3XqqjjewJNMIaxQm2I=;pi5Rn+JtL853s7F/GQVH3g==",
    }


def test_an_item_reads_into_an_article_with_utc_timestamps_and_nulls_absent() -> None:
    read = read_item(api_item())
    article = read.article
    assert article.published_date_time == datetime(2020, 6, 3, 17, 16, tzinfo=UTC)
    assert article.category == "news"  # from categories
    assert article.featured_content is None
    assert article.amp_web_url is None
    assert article.provider.images is None
    assert article.images is not None
    assert article.images[0].attribution is None
    assert article.extra == {}
    assert read.path == "_news/2020-06-03-five-vaccine-candidates.md"
    assert read.file_name == "2020-06-03-five-vaccine-candidates.md"
    assert read.content == "Body text.\n"
    assert read.api["tags"] == ["US"]
    assert read.api["provider.authors"] == ["A. Writer"]
    assert read.unknown == ()
    assert newsmeta.check(article) == ()
    assert newsmeta.to_dict(article)["publishedDateTime"] == "2020-06-03T17:16:00Z"


def test_unknown_keys_are_reported_and_kept_not_dropped() -> None:
    item = api_item()
    item["mood"] = "upbeat"
    images = item["images"]
    assert isinstance(images, list)
    images[0]["caption"] = "x"
    read = read_item(item)
    assert read.unknown == ("/mood", "/images/0/caption")
    assert read.article.extra == {"mood": "upbeat"}
    assert read.article.images is not None
    assert read.article.images[0].extra == {"caption": "x"}
    codes = [(p.code, p.pointer) for p in newsmeta.check(read.article)]
    assert ("schema-unknown-key", "/mood") in codes


def test_missing_required_keys_are_listed_and_defaults_can_fill_them() -> None:
    item = api_item()
    del item["secured"]
    item["heat"] = "hot"
    with pytest.raises(ConversionError) as caught:
        read_item(item)
    assert {p for p, _ in caught.value.failures} == {"/secured", "/heat"}
    item["heat"] = 1
    read = read_item(item, defaults={"secured": "abc"})
    assert read.article.secured == "abc"


def test_jekyll_style_dates_are_read_too() -> None:
    item = api_item()
    item["publishedDateTime"] = "2023-04-26 18:15:40 +0200"
    assert read_item(item).article.published_date_time == datetime(
        2023, 4, 26, 16, 15, 40, tzinfo=UTC
    )


def test_a_written_item_has_every_key_nulls_and_the_sites_offsets() -> None:
    article = newsmeta.from_dict(full_article())
    item = write_item(article, LOS_ANGELES, path="content/2020-07-16-a-title.md", content="Hi\n")
    assert json.loads(json.dumps(item)) == item
    assert item["path"] == "_news/2020-07-16-a-title.md"
    assert item["sourceUrl"] == (
        "https://everyday-cc.github.io/ai/api/news/2020-07-16-a-title/index.json"
    )
    assert item["publishedDateTime"] == "2020-07-16T12:15:00-07:00"
    assert item["locale"] == "en-us"
    assert item["categories"] == ["news"]
    assert item["content"] == "Hi\n"
    for key in API_KEYS:
        assert key in item
    provider = item["provider"]
    assert isinstance(provider, dict)
    assert provider["publishers"] is None
    assert provider["authors"] is None
    related = item["related"]
    assert isinstance(related, list)
    assert related[0]["publishedDateTime"] == "2020-07-13T00:53:00-07:00"
    bare = write_item(newsmeta.from_dict({**full_article(), "images": []}))
    assert bare["path"] is None
    assert bare["sourceUrl"] is None
    assert bare["publishedDateTime"] == "2020-07-16T19:15:00Z"


def test_winter_time_writes_the_winter_offset() -> None:
    data = {**full_article(), "publishedDateTime": "2020-01-16T19:15:00Z"}
    item = write_item(newsmeta.from_dict(data), LOS_ANGELES)
    assert item["publishedDateTime"] == "2020-01-16T11:15:00-08:00"


def test_an_unknown_time_zone_is_refused_when_the_settings_are_made() -> None:
    with pytest.raises(ValueError, match="time zone"):
        SiteSettings(time_zone="Mars/Olympus_Mons")


def test_every_corpus_article_survives_writing_and_reading_the_api_form(
    corpus: list[Path],
) -> None:
    for path in corpus:
        document = newsmeta.load(path)
        assert document.article is not None
        item = write_item(document.article, LOS_ANGELES, path=path.name, content=document.body)
        read = read_item(json.loads(json.dumps(item)))
        assert read.article == document.article, path.name
        assert read.content == document.body
        assert read.file_name == path.name
        assert read.unknown == ()
