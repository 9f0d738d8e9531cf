"""The JSON API form of an article: the item the news sites publish beside each file.

The sites publish every article again as JSON (``FORMAT.md``, "The same item as JSON"). That
form is not the front matter:

- every key of the format is present, an absent value written as ``null``;
- it has keys of its own (:data:`API_KEYS`): ``path`` (the file, under the site's
  collection folder), ``sourceUrl`` (where this JSON is published), ``highlight``,
  ``tags``, ``content``, ``updatedDateTime``, ``locale``, ``categories`` (the list form of
  ``category``), and in ``provider`` the keys ``publishers`` and ``authors``;
- its timestamps carry the site's local offset (``2020-06-03T10:16:00-07:00``), where the
  files write UTC (``2020-06-03T17:16:00Z``).

:func:`read_item` turns such an item into an :class:`~newsmeta.model.Article` (timestamps
converted to UTC, the ``Z`` form of the files; ``null`` read as absent) and keeps what has
no place in the front matter beside it in a :class:`FeedItem`: the API's own keys, and the
JSON Pointers of keys neither form defines (those stay in the article's ``extra``, where
:func:`newsmeta.check` reports them, so nothing is dropped silently).

:func:`write_item` is the reverse, with the site's :class:`SiteSettings` (base URL, time
zone, locale). ``read_item(write_item(a)).article == a`` for every article whose
timestamps are in UTC (the files' form).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from newsmeta.model import Article

__all__ = ["API_KEYS", "PROVIDER_API_KEYS", "FeedItem", "SiteSettings", "read_item", "write_item"]

#: Keys of the API form that the front matter does not have, in the order they are written.
API_KEYS: Final[tuple[str, ...]] = (
    "path",
    "sourceUrl",
    "highlight",
    "tags",
    "content",
    "updatedDateTime",
    "locale",
    "categories",
)
#: Keys of the API form's ``provider`` that the front matter's ``Provider`` does not have.
PROVIDER_API_KEYS: Final[tuple[str, ...]] = ("publishers", "authors")

#: Jekyll's own date form, seen in some published feeds: ``2023-04-26 18:15:40 +0000``.
_JEKYLL_TIME: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-]\d{2}):?(\d{2})"
)


def _check_time_zone(instance: SiteSettings, attribute: attrs.Attribute[str], value: str) -> None:
    _zone(value)


def _zone(name: str) -> tzinfo:
    if name.upper() in ("UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as 'America/Los_Angeles')"
        ) from None


@attrs.frozen(kw_only=True)
class SiteSettings:
    """What a site adds when it publishes an article as JSON.

    Attributes:
        base_url: Where the site publishes each item's JSON. ``sourceUrl`` is
            ``{base_url}/{stem}/index.json``, ``stem`` being the file name without ``.md``
            (``https://everyday-cc.github.io/ai/api/news`` gives
            ``.../api/news/2020-07-16-some-title/index.json``). ``None`` writes ``null``.
        time_zone: The IANA time zone whose offsets the timestamps carry
            (``America/Los_Angeles`` writes ``-07:00`` in summer, ``-08:00`` in winter).
            ``UTC`` (the default) writes the files' ``Z`` form.
        locale: The ``locale`` written with every item.
        collection: The folder the site keeps the files in: ``path`` is
            ``{collection}/{file name}``.
    """

    base_url: str | None = None
    time_zone: str = attrs.field(default="UTC", validator=_check_time_zone)
    locale: str = "en-us"
    collection: str = "_news"

    @property
    def zone(self) -> tzinfo:
        """The :class:`~datetime.tzinfo` of :attr:`time_zone`."""
        return _zone(self.time_zone)


@attrs.frozen(kw_only=True)
class FeedItem:
    """An API item, read: the article, and what the front matter has no place for.

    Attributes:
        article: The article (timestamps in UTC, ``null`` values absent, unknown keys in
            ``extra``).
        path: The item's ``path`` (``_news/2020-07-16-some-title.md``), or ``None``.
        content: The item's ``content``, or ``None``.
        api: The API's own keys (:data:`API_KEYS` but ``path`` and ``content``; the
            provider's ``publishers`` and ``authors`` as ``provider.publishers`` and
            ``provider.authors``), with their values as given, for the keys present.
        unknown: JSON Pointers of the keys neither the format nor the API form defines,
            in document order; they are kept in the article's ``extra``.
    """

    article: Article
    path: str | None = None
    content: str | None = None
    api: Mapping[str, object] = attrs.field(factory=dict)
    unknown: tuple[str, ...] = ()

    @property
    def file_name(self) -> str | None:
        """The last component of :attr:`path` (the article's file name), or ``None``."""
        if not self.path:
            return None
        name = self.path.replace("\\", "/").rstrip("/").rpartition("/")[2]
        return name or None


# --- reading ---------------------------------------------------------------------------


def _parse_time(value: object) -> object:
    """An API timestamp as UTC ``datetime``; anything else is returned for the converter."""
    if not isinstance(value, str):
        return value
    from newsmeta.convert import parse_datetime

    try:
        parsed = parse_datetime(value)
    except ValueError:
        match = _JEKYLL_TIME.fullmatch(value)
        if match is None:
            return value  # the converter names the key and the failure
        day, time, hours, minutes = match.groups()
        try:
            parsed = parse_datetime(f"{day}T{time}{hours}:{minutes}")
        except ValueError:
            return value
    return parsed.astimezone(UTC)


def read_item(
    item: Mapping[str, object], *, defaults: Mapping[str, object] | None = None
) -> FeedItem:
    """Read one item of the JSON API form.

    ``null`` values are absent; timestamps with an offset (or in Jekyll's
    ``2023-04-26 18:15:40 +0000`` form) become UTC; ``categories`` gives ``category`` when
    the item has no ``category`` of its own; ``content`` and ``path`` are kept beside the
    article, the other API keys in :attr:`FeedItem.api`. Keys of neither form are kept in
    the article's ``extra`` and listed in :attr:`FeedItem.unknown`.

    ``defaults`` gives values for top-level keys the item lacks or holds as ``null``:
    published feeds may leave out keys the files require (``secured``, say), and nothing
    is invented for them.

    Raises :class:`~newsmeta.errors.ConversionError` listing every key that does not fit
    (a missing ``secured``, a ``heat`` that is not an integer...), and :class:`TypeError`
    when ``item`` is not a mapping.
    """
    from newsmeta.convert import from_dict

    if not isinstance(item, Mapping):
        raise TypeError(f"an API item is a JSON object, not {type(item).__name__}")
    api = {key: item[key] for key in API_KEYS if key in item}
    data = _without_nulls({k: v for k, v in item.items() if k not in API_KEYS})
    for key, value in (defaults or {}).items():
        data.setdefault(key, value)
    if "category" not in data:
        categories = api.get("categories")
        if isinstance(categories, list) and categories and isinstance(categories[0], str):
            data["category"] = categories[0]
    provider = data.get("provider")
    if isinstance(provider, Mapping):
        data["provider"] = provider = _without_nulls(provider)
        for key in PROVIDER_API_KEYS:
            if key in provider:
                api[f"provider.{key}"] = provider.pop(key)
    _normalise(data)
    related = data.get("related")
    if isinstance(related, list):
        data["related"] = [
            _normalise(_without_nulls(entry)) if isinstance(entry, Mapping) else entry
            for entry in related
        ]
    article = from_dict(data)
    path = api.pop("path", None)
    content = api.pop("content", None)
    return FeedItem(
        article=article,
        path=path if isinstance(path, str) else None,
        content=content if isinstance(content, str) else None,
        api=api,
        unknown=tuple(_unknown_keys(article)),
    )


def _without_nulls(value: Mapping[str, object]) -> dict[str, object]:
    return {key: item for key, item in value.items() if item is not None}


def _normalise(entry: dict[str, object]) -> dict[str, object]:
    """An article or related entry, in place: UTC timestamps, no ``null`` in its parts."""
    if "publishedDateTime" in entry:
        entry["publishedDateTime"] = _parse_time(entry["publishedDateTime"])
    provider = entry.get("provider")
    if isinstance(provider, Mapping):
        provider = _without_nulls(provider)
        entry["provider"] = provider
        # A related item's provider written by the API has null publishers and authors;
        # anything else stays, in ``extra``, and is reported.
    for owner in (entry, provider):
        images = owner.get("images") if isinstance(owner, dict) else None
        if isinstance(owner, dict) and isinstance(images, list):
            owner["images"] = [
                _without_nulls(image) if isinstance(image, Mapping) else image for image in images
            ]
    return entry


def _unknown_keys(article: Article) -> list[str]:
    """JSON Pointers of every ``extra`` key in ``article`` and its parts, in order."""
    from newsmeta.problems import pointer_from_parts

    found: list[str] = []

    def visit(model: object, parts: list[str | int]) -> None:
        extra = getattr(model, "extra", None)
        if extra is None:
            return
        found.extend(pointer_from_parts([*parts, key]) for key in extra)
        provider = getattr(model, "provider", None)
        if provider is not None:
            visit(provider, [*parts, "provider"])
        for index, image in enumerate(getattr(model, "images", None) or ()):
            visit(image, [*parts, "images", index])
        for index, entry in enumerate(getattr(model, "related", None) or ()):
            visit(entry, [*parts, "related", index])

    visit(article, [])
    return found


# --- writing ---------------------------------------------------------------------------


def write_item(
    article: Article,
    site: SiteSettings | None = None,
    *,
    path: str | None = None,
    content: str | None = None,
) -> dict[str, object]:
    """The JSON API form of ``article``, as ``site`` would publish it.

    Every key of the format is written, ``null`` when absent (in the provider and the
    images too), in the canonical order of ``FORMAT.md``, followed by :data:`API_KEYS`:

    - ``path``: ``{site.collection}/{file name of path}`` when ``path`` (the article file's
      path or name) is given, else ``null``;
    - ``sourceUrl``: see :attr:`SiteSettings.base_url` (``null`` without a base URL or a
      path);
    - ``content``: ``content`` as given (the Markdown body, say), or ``null``;
    - ``highlight``, ``tags`` and ``updatedDateTime``: ``null``, unless the article's
      ``extra`` holds them;
    - ``locale``: ``site.locale``; ``categories``: ``[category]``;
    - ``provider.publishers`` and ``provider.authors``: ``null``.

    Timestamps are written in ``site.time_zone`` (RFC 3339 with that zone's offset at that
    moment). The result is plain JSON data (``json.dumps`` accepts it).
    """
    from newsmeta.convert import format_datetime, to_dict
    from newsmeta.model import CANONICAL_KEY_ORDER, Article, Image, Provider, RelatedArticle

    site = site if site is not None else SiteSettings()
    zone = site.zone
    view = to_dict(article)

    def time(value: datetime) -> str:
        return format_datetime(value.astimezone(zone))

    def image(source: Image) -> dict[str, object]:
        return _full(to_dict(source), CANONICAL_KEY_ORDER[Image])

    def provider(source: Provider) -> dict[str, object]:
        out = _full(to_dict(source), CANONICAL_KEY_ORDER[Provider])
        out["images"] = [image(i) for i in source.images] if source.images is not None else None
        for key in PROVIDER_API_KEYS:
            out.setdefault(key, None)
        return out

    def related(source: RelatedArticle) -> dict[str, object]:
        out = _full(to_dict(source), CANONICAL_KEY_ORDER[RelatedArticle])
        out["publishedDateTime"] = time(source.published_date_time)
        out["provider"] = provider(source.provider)
        out["images"] = [image(i) for i in source.images] if source.images is not None else None
        return out

    front = _full(view, CANONICAL_KEY_ORDER[Article])
    front["publishedDateTime"] = time(article.published_date_time)
    front["provider"] = provider(article.provider)
    front["images"] = [image(i) for i in article.images] if article.images is not None else None
    front["related"] = (
        [related(r) for r in article.related] if article.related is not None else None
    )
    name = path.replace("\\", "/").rpartition("/")[2] if path else None
    stem = name[:-3] if name and name.endswith(".md") else name
    item: dict[str, object] = {
        "path": f"{site.collection.rstrip('/')}/{name}" if name else None,
        **front,
        "sourceUrl": f"{site.base_url.rstrip('/')}/{stem}/index.json"
        if site.base_url and stem
        else None,
        "content": content,
        "locale": site.locale,
        "categories": [article.category],
    }
    for key in ("highlight", "tags", "updatedDateTime"):
        item.setdefault(key, None)  # the article's extra may hold them
    updated = item.get("updatedDateTime")
    if isinstance(updated, str):
        parsed = _parse_time(updated)
        if isinstance(parsed, datetime):
            item["updatedDateTime"] = time(parsed)
    return item


def _full(view: Mapping[str, object], keys: tuple[str, ...]) -> dict[str, object]:
    """``view`` with every key of ``keys`` present (``None`` when absent), extras after."""
    out: dict[str, object] = {key: view.get(key) for key in keys}
    out.update((key, value) for key, value in view.items() if key not in out)
    return out
