"""Article data shared by the schema and model tests: builders and small JSON helpers."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import strategies as st
from ruamel.yaml import YAML

from newsmeta.convert import format_datetime
from newsmeta.model import Article

FRONT_MATTER = re.compile(r"\A\ufeff?---\r?\n(?P<yaml>.*?)^---\r?$", re.DOTALL | re.MULTILINE)


def jsonable(value: object) -> object:
    """The JSON-compatible view: YAML timestamps become their `T…Z` RFC 3339 text."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return format_datetime(value)
    if isinstance(value, date):
        # A naive datetime or a date: not RFC 3339, so `date-time` rejects it.
        return value.isoformat()
    return value


def front_matter(path: Path) -> dict[str, object]:
    """The JSON view of a file's front matter, read with ruamel.yaml's safe loader."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    assert match is not None, f"{path.name}: no front matter"
    data = jsonable(YAML(typ="safe").load(match["yaml"]))
    assert isinstance(data, dict)
    return data


def image() -> dict[str, object]:
    """An image with every optional key."""
    return {
        "url": "https://cdn.example.com/lead.jpg",
        "width": 1440,
        "height": 720,
        "isCached": True,
        "title": "Caption",
        "attribution": "Photo: Example",
    }


def full_article() -> dict[str, object]:
    """A valid article's JSON view, with every optional key at every level (no shared nodes)."""
    logo = {"url": "https://example.com/logo-50x50.jpg", "width": 50, "height": 50}
    related = {
        "title": "Another story",
        "excerpt": "",
        "publishedDateTime": "2020-07-13T07:53:00Z",
        "webUrl": "https://www.example.org/story/",
        "ampWebUrl": "https://www.example.org/amp/story/",
        "cdnAmpWebUrl": "https://www-example-org.cdn.ampproject.org/c/s/www.example.org/amp/story/",
        "type": "article",
        "provider": {"name": "Example Org", "domain": "example.org"},
        "quality": 39,
        "images": [image()],
    }
    return {
        "category": "news",
        "title": "A title",
        "excerpt": "An excerpt.",
        "publishedDateTime": "2020-07-16T19:15:00Z",
        "originalUrl": "https://example.com/2020/07/16/story/",
        "webUrl": "https://example.com/2020/07/16/story/",
        "ampWebUrl": "https://example.com/amp/story/",
        "cdnAmpWebUrl": "https://example-com.cdn.ampproject.org/c/s/example.com/amp/story/",
        "type": "article",
        "quality": 0,
        "heat": -1,
        "published": False,
        "removed": True,
        "featuredContent": "<p>Featured</p>",
        "provider": {"name": "Example News", "domain": "example.com", "images": [logo]},
        "topics": ["AI", "Computer Vision"],
        "images": [image()],
        "related": [related],
        "secured": "C5eO/UiGuWBouSPBZzd7C3nee3XqqjjewJNMIaxQm2I=;pi5Rn+JtL853s7F/GQVH3g==",
    }


def video() -> dict[str, object]:
    """A valid video: no webUrl or AMP URLs."""
    article = full_article()
    for key in ("webUrl", "ampWebUrl", "cdnAmpWebUrl"):
        del article[key]
    article["type"] = "video"
    return article


def parent_and_key(document: object, where: str) -> tuple[dict[str, object] | list[object], str]:
    """The container holding the JSON Pointer ``where``, and the last reference token."""
    *parents, last = where.lstrip("/").split("/")
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    assert isinstance(node, dict | list)
    return node, last


def with_value(document: dict[str, object], where: str, value: object) -> dict[str, object]:
    """A copy of ``document`` with the value at the JSON Pointer ``where`` replaced."""
    result = copy.deepcopy(document)
    node, key = parent_and_key(result, where)
    if isinstance(node, list):
        node[int(key)] = value
    else:
        node[key] = value
    return result


def without(document: dict[str, object], where: str) -> dict[str, object]:
    """A copy of ``document`` without the value at the JSON Pointer ``where``."""
    result = copy.deepcopy(document)
    node, key = parent_and_key(result, where)
    if isinstance(node, list):
        del node[int(key)]
    else:
        del node[key]
    return result


def check_seed_article(article: Article | None) -> None:
    """Assert the exact typed values of the seed article (../shared/seed)."""
    assert article is not None
    assert article.title == (
        "Homeland Security Worries Covid-19 Masks Are Breaking Facial Recognition, "
        "Leaked Document Shows"
    )
    assert article.published_date_time == datetime(2020, 7, 16, 19, 15, tzinfo=UTC)
    assert article.provider.domain == "theintercept.com"
    assert article.images is not None
    assert article.images[0].width == 1440
    assert article.related is not None
    assert article.related[0].provider.name == "Zawya"
    assert article.heat == -1


#: Byte strings that change what YAML means: for mutating articles.
YAML_TOKENS: tuple[bytes, ...] = (
    *(b"&a ", b"*a", b"!!python/object:os.system ", b"!!str ", b"! ", b"[", b"{", b"? "),
    *(b"<<: ", b"\t", b"\r", b"---\n", b"...\n", b'"', b"'", b"|", b"- ", b": "),
)


def mutated(sample: bytes, extra_tokens: tuple[bytes, ...] = ()) -> st.SearchStrategy[bytes]:
    """``sample`` with up to 40 bytes at one place replaced by random bytes or a token."""
    insert = st.binary(max_size=20) | st.sampled_from(YAML_TOKENS + extra_tokens)
    return st.builds(
        lambda position, delete, piece: sample[:position] + piece + sample[position + delete :],
        st.integers(min_value=0, max_value=len(sample)),
        st.integers(min_value=0, max_value=40),
        insert,
    )
