"""The typed, immutable model of a news article's front matter.

The classes here are the Python face of the format contract (``FORMAT.md``); the JSON Schema in
``schemas/article.schema.json`` is its published face, and a test fails when the two disagree.

Contract:

- Every class is a frozen attrs class whose ``__init__`` is keyword-only.
- Field names are the snake_case spelling of the front-matter keys; :func:`camel_case` turns one
  into the other mechanically (``published_date_time`` <-> ``publishedDateTime``, ``is_cached`` <->
  ``isCached``). :data:`FIELD_KEYS` and :data:`CANONICAL_KEY_ORDER` spell the mapping out.
- Fields are declared in the canonical key order of ``FORMAT.md``.
- A key the format requires is a field without a default; an optional key defaults to ``None``.
  ``Article.web_url`` is optional here because it is required only when ``type`` is ``article``.
- Lists are tuples. Timestamps are timezone-aware :class:`datetime.datetime` values whose offset is
  a whole number of minutes (so that they can be written as RFC 3339); anything else raises
  :class:`TypeError` or :class:`ValueError` at construction.
- Value constraints that are not types (``category`` is ``news``, ``quality >= 0``, a non-empty
  ``topics``, ...) are the schema's business, not the model's: a file that breaks one still gives a
  model, so a tool can show it and fix it. :data:`CATEGORIES` and :data:`ARTICLE_TYPES` hold the
  allowed values of the two enumerated strings.
- The last field of every class, ``extra``, keeps the keys the format does not know, with their
  JSON-compatible values, so they survive every round trip. It is stored deeply frozen (mappings
  become :class:`FrozenMapping`, lists become tuples), takes part in equality but not in
  hashing, and may not reuse a known key.
- Every model value pickles and deep-copies (a process pool, Dask or joblib can return one), and
  ``pickle.loads(pickle.dumps(x)) == x``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final, TypeAlias, TypeVar

import attrs

__all__ = [
    "ARTICLE_TYPES",
    "CANONICAL_KEY_ORDER",
    "CATEGORIES",
    "FIELD_KEYS",
    "MODEL_CLASSES",
    "Article",
    "FrozenMapping",
    "Image",
    "Model",
    "Provider",
    "RelatedArticle",
    "camel_case",
]

CATEGORIES: Final[tuple[str, ...]] = ("news",)
"""The allowed values of ``Article.category``."""

ARTICLE_TYPES: Final[tuple[str, ...]] = ("article", "video")
"""The allowed values of ``Article.type`` and ``RelatedArticle.type``."""

_EXTRA: Final = "extra"


def camel_case(name: str) -> str:
    """Return the front-matter key of the field *name*: ``cdn_amp_web_url`` -> ``cdnAmpWebUrl``."""
    head, *tail = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in tail)


_V_co = TypeVar("_V_co", covariant=True)


class FrozenMapping(Mapping[str, _V_co]):
    """A read-only mapping that pickles and deep-copies: how ``extra`` holds a JSON object.

    It compares equal to any mapping with the same items (a plain ``dict`` included) and
    keeps the order of its keys. Unlike :class:`types.MappingProxyType` it can cross a
    process boundary; unlike a ``dict`` it cannot be changed.
    """

    __slots__ = ("_items",)

    _items: dict[str, _V_co]

    def __init__(self, items: Mapping[str, _V_co] | None = None) -> None:
        object.__setattr__(self, "_items", dict(items or {}))

    def __getitem__(self, key: str) -> _V_co:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_V_co]], tuple[dict[str, _V_co]]]:
        return (type(self), (self._items,))

    def __copy__(self) -> FrozenMapping[_V_co]:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> FrozenMapping[_V_co]:
        return self  # deeply frozen: nothing inside can change, so sharing is a copy

    __hash__ = None  # type: ignore[assignment]  # the values may be unhashable


def _freeze(value: object) -> object:
    # Deep, so that a frozen model really cannot change under its owner's feet.
    if isinstance(value, Mapping):
        return FrozenMapping({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _freeze_extra(value: Mapping[str, object]) -> Mapping[str, object]:
    if not value:
        # Shared: most models have no extra keys, and each object a loaded article keeps
        # is one more for the garbage collector to visit.
        return _EMPTY_EXTRA
    frozen = _freeze(value)
    assert isinstance(frozen, FrozenMapping)
    return frozen


_EMPTY_EXTRA: Final[Mapping[str, object]] = FrozenMapping()


def _empty_extra() -> Mapping[str, object]:
    return _EMPTY_EXTRA


def _check_extra(instance: Model, attribute: attrs.Attribute[object], value: object) -> None:
    if value is _EMPTY_EXTRA:
        return  # most models: nothing to check, and no Mapping instance check to pay for
    assert isinstance(value, Mapping)
    known = CANONICAL_KEY_ORDER[type(instance)]
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"extra keys must be strings, got {key!r}")
        if key in known:
            raise ValueError(f"extra key {key!r} is a field of {type(instance).__name__}")


def _check_timestamp(
    instance: Model, attribute: attrs.Attribute[datetime], value: datetime
) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{attribute.name} must be a datetime, got {type(value).__name__}")
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{attribute.name} must be timezone-aware, got {value.isoformat()}")
    if offset % timedelta(minutes=1):
        raise ValueError(f"{attribute.name} has an offset of {offset}, not whole minutes")


@attrs.frozen(kw_only=True)
class Image:
    """A picture with its pixel size (``FORMAT.md``, ``Image``).

    Attributes:
        url: Absolute http(s) IRI of the picture (``url``, required).
        width: Width in pixels, ``>= 1`` by the schema (``width``, required).
        height: Height in pixels, ``>= 1`` by the schema (``height``, required).
        is_cached: Whether the site keeps its own copy (``isCached``).
        title: Caption (``title``); an explicit ``null`` and an absent key are both ``None``.
        attribution: Credit (``attribution``); ``null`` and absent are both ``None``.
        extra: Keys the format does not define, with their JSON-compatible values.
    """

    url: str
    width: int
    height: int
    is_cached: bool | None = None
    title: str | None = None
    attribution: str | None = None
    # `hash=False`: the values may be unhashable JSON containers; equal objects still hash equal.
    extra: Mapping[str, object] = attrs.field(
        factory=_empty_extra, converter=_freeze_extra, validator=_check_extra, hash=False
    )


@attrs.frozen(kw_only=True)
class Provider:
    """The publisher of an item (``FORMAT.md``, ``Provider``).

    Attributes:
        name: Display name, non-empty by the schema (``name``, required).
        domain: Lower-case host name without ``www.`` (``domain``, required).
        images: Logos, 50x50 in real files (``images``).
        extra: Keys the format does not define, with their JSON-compatible values.
    """

    name: str
    domain: str
    images: tuple[Image, ...] | None = None
    # `hash=False`: the values may be unhashable JSON containers; equal objects still hash equal.
    extra: Mapping[str, object] = attrs.field(
        factory=_empty_extra, converter=_freeze_extra, validator=_check_extra, hash=False
    )


@attrs.frozen(kw_only=True)
class RelatedArticle:
    """A short record of another item on the same subject (``FORMAT.md``, ``RelatedArticle``).

    Attributes:
        title: Headline (``title``, required).
        excerpt: Summary, may be empty (``excerpt``, required).
        published_date_time: Aware publication time (``publishedDateTime``, required).
        web_url: The item's page, or ``""`` as real video entries carry (``webUrl``, required).
        amp_web_url: AMP page (``ampWebUrl``); the schema pairs it with ``cdn_amp_web_url``.
        cdn_amp_web_url: AMP cache page (``cdnAmpWebUrl``).
        type: ``article`` or ``video`` by the schema (``type``, required); see
            :data:`ARTICLE_TYPES`.
        provider: Publisher (``provider``, required).
        quality: Quality score, ``>= 0`` by the schema (``quality``).
        images: Pictures (``images``).
        extra: Keys the format does not define, with their JSON-compatible values.
    """

    title: str
    excerpt: str
    published_date_time: datetime = attrs.field(validator=_check_timestamp)
    web_url: str
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str
    provider: Provider
    quality: int | None = None
    images: tuple[Image, ...] | None = None
    # `hash=False`: the values may be unhashable JSON containers; equal objects still hash equal.
    extra: Mapping[str, object] = attrs.field(
        factory=_empty_extra, converter=_freeze_extra, validator=_check_extra, hash=False
    )


@attrs.frozen(kw_only=True)
class Article:
    """The front matter of one news article (``FORMAT.md``, ``Article``).

    Attributes:
        category: ``news`` by the schema (``category``, required); see :data:`CATEGORIES`.
        title: Headline, non-empty by the schema (``title``, required).
        excerpt: Summary, may be empty (``excerpt``, required).
        published_date_time: Aware publication time (``publishedDateTime``, required).
        original_url: Where the item was first found (``originalUrl``).
        web_url: The article's page (``webUrl``); the schema requires it when ``type`` is
            ``article``.
        amp_web_url: AMP page (``ampWebUrl``); the schema pairs it with ``cdn_amp_web_url``.
        cdn_amp_web_url: AMP cache page, derivable from ``amp_web_url`` (``cdnAmpWebUrl``).
        type: ``article`` or ``video`` by the schema (``type``, required); see
            :data:`ARTICLE_TYPES`.
        quality: Quality score, ``>= 0`` by the schema (``quality``).
        heat: Popularity score, ``>= -1`` by the schema (``heat``).
        published: Whether the site shows the item (``published``).
        removed: Set on items about to be deleted (``removed``).
        featured_content: HTML to embed, a YouTube ``<iframe>`` on videos (``featuredContent``).
        provider: Publisher (``provider``, required).
        topics: Topic names, at least one by the schema (``topics``, required).
        images: Pictures, the lead image first (``images``).
        related: Related items (``related``).
        secured: Opaque encrypted payload, kept byte for byte (``secured``, required).
        extra: Keys the format does not define, with their JSON-compatible values.
    """

    category: str
    title: str
    excerpt: str
    published_date_time: datetime = attrs.field(validator=_check_timestamp)
    original_url: str | None = None
    web_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str
    quality: int | None = None
    heat: int | None = None
    published: bool | None = None
    removed: bool | None = None
    featured_content: str | None = None
    provider: Provider
    topics: tuple[str, ...]
    images: tuple[Image, ...] | None = None
    related: tuple[RelatedArticle, ...] | None = None
    secured: str
    # `hash=False`: the values may be unhashable JSON containers; equal objects still hash equal.
    extra: Mapping[str, object] = attrs.field(
        factory=_empty_extra, converter=_freeze_extra, validator=_check_extra, hash=False
    )


Model: TypeAlias = Article | RelatedArticle | Provider | Image
"""Any of the four model classes."""

MODEL_CLASSES: Final[tuple[type[Model], ...]] = (Article, RelatedArticle, Provider, Image)
"""The model classes, outermost first."""


def _field_keys(cls: type[Model]) -> Mapping[str, str]:
    return MappingProxyType(
        {field.name: camel_case(field.name) for field in attrs.fields(cls) if field.name != _EXTRA}
    )


FIELD_KEYS: Final[Mapping[type[Model], Mapping[str, str]]] = MappingProxyType(
    {cls: _field_keys(cls) for cls in MODEL_CLASSES}
)
"""Per class, field name -> front-matter key, in canonical order; ``extra`` is not included."""

CANONICAL_KEY_ORDER: Final[Mapping[type[Model], tuple[str, ...]]] = MappingProxyType(
    {cls: tuple(keys.values()) for cls, keys in FIELD_KEYS.items()}
)
"""Per class, the front-matter keys in the canonical order of ``FORMAT.md``.

A key added to an existing file goes to its canonical position; unknown keys come after these.
"""
