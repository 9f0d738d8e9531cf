"""The attrs model and its cattrs converter: they agree with the schema, round-trip, never coerce.

The JSON views here hold timestamps as text, as the schema sees them and the converter reads them.
"""

from __future__ import annotations

import copy
import json
import re
import types
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from newsmeta.convert import (
    format_datetime,
    make_converter,
    parse_datetime,
    structure,
    structure_article,
    unstructure,
    unstructure_article,
)
from newsmeta.model import (
    ARTICLE_TYPES,
    CANONICAL_KEY_ORDER,
    CATEGORIES,
    FIELD_KEYS,
    MODEL_CLASSES,
    Article,
    Image,
    Model,
    Provider,
    RelatedArticle,
    camel_case,
)
from newsmeta.schema import format_checker

from .articles import check_seed_article, front_matter, full_article, with_value
from .conftest import SEED, SHARED, corpus_paths

FORMAT_DOC = SHARED / "FORMAT.md"

SCHEMA: dict[str, object] = json.loads(
    (resources.files("newsmeta") / "schemas" / "article.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=format_checker())
CLASSES_BY_NAME: dict[str, type[Model]] = {cls.__name__: cls for cls in MODEL_CLASSES}

needs_shared = pytest.mark.skipif(not SEED.is_file(), reason="../shared is not present")


# --- helpers ---------------------------------------------------------------------------------


def schema_of(cls: type[Model]) -> Mapping[str, object]:
    if cls is Article:
        return SCHEMA
    defs = SCHEMA["$defs"]
    assert isinstance(defs, dict)
    schema = defs[cls.__name__]
    assert isinstance(schema, dict)
    return schema


def properties_of(schema: Mapping[str, object]) -> dict[str, Mapping[str, object]]:
    properties = schema["properties"]
    assert isinstance(properties, dict)
    return properties


def definition(ref: object) -> tuple[str, Mapping[str, object]]:
    assert isinstance(ref, str)
    assert ref.startswith("#/$defs/"), ref
    name = ref.removeprefix("#/$defs/")
    defs = SCHEMA["$defs"]
    assert isinstance(defs, dict)
    return name, defs[name]


# A type, described the same way from the schema and from a type hint, so they can be compared:
# a class (str, int, bool, datetime, a model class), ("list of", item) or ("optional", type).
Shape = object


def shape_of_schema(schema: Mapping[str, object], *, required: bool) -> Shape:
    """The Python type that a property schema calls for."""
    shape: Shape
    nullable = False
    if "$ref" in schema:
        name, target = definition(schema["$ref"])
        if name in CLASSES_BY_NAME:
            shape = CLASSES_BY_NAME[name]
        else:
            return shape_of_schema(target, required=required)
    else:
        json_type = schema["type"]
        if isinstance(json_type, list):
            nullable = "null" in json_type
            (json_type,) = [name for name in json_type if name != "null"]
        if json_type == "string":
            shape = datetime if schema.get("format") == "date-time" else str
        elif json_type == "array":
            items = schema["items"]
            assert isinstance(items, dict)
            shape = ("list of", shape_of_schema(items, required=True))
        else:
            shape = {"integer": int, "boolean": bool}[str(json_type)]
    return ("optional", shape) if nullable or not required else shape


def shape_of_hint(hint: object) -> Shape:
    """The same description, read from an attrs field's type hint."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        others = [arg for arg in get_args(hint) if arg is not type(None)]
        assert len(others) == 1, hint
        return ("optional", shape_of_hint(others[0]))
    if origin is tuple:
        item, ellipsis = get_args(hint)
        assert ellipsis is Ellipsis, hint
        return ("list of", shape_of_hint(item))
    return hint


def model_fields(cls: type[Model]) -> Iterator[attrs.Attribute[object]]:
    yield from (field for field in attrs.fields(cls) if field.name != "extra")


def node_at(document: object, where: str) -> object:
    """The node at a JSON Pointer (`""` is the document itself)."""
    node = document
    for part in where.split("/")[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    return node


def json_path(where: str) -> str:
    """`/images/0/width` -> `$.images[0].width`, the path cattrs.transform_error prints."""
    parts = where.lstrip("/").split("/")
    return "$" + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in parts)


def minimal_article() -> Article:
    return Article(
        category="news",
        title="A title",
        excerpt="",
        published_date_time=datetime(2020, 7, 16, 19, 15, tzinfo=UTC),
        type="video",
        provider=Provider(name="Example", domain="example.com"),
        topics=("AI",),
        secured="QUJD;pi5Rn+JtL853s7F/GQVH3g==",
    )


# --- the model and the schema cannot disagree ------------------------------------------------


def test_every_model_class_has_a_schema_definition() -> None:
    defs = SCHEMA["$defs"]
    assert isinstance(defs, dict)
    assert {cls.__name__ for cls in MODEL_CLASSES if cls is not Article} <= set(defs)
    object_defs = {name for name, schema in defs.items() if schema.get("type") == "object"}
    assert object_defs == {cls.__name__ for cls in MODEL_CLASSES if cls is not Article}


@pytest.mark.parametrize("cls", MODEL_CLASSES)
def test_the_keys_are_the_schema_properties_in_canonical_order(cls: type[Model]) -> None:
    assert CANONICAL_KEY_ORDER[cls] == tuple(properties_of(schema_of(cls)))


@pytest.mark.parametrize("cls", MODEL_CLASSES)
def test_a_key_is_required_exactly_when_its_field_has_no_default(cls: type[Model]) -> None:
    required = schema_of(cls).get("required", [])
    assert isinstance(required, list)
    without_default = {
        FIELD_KEYS[cls][field.name] for field in model_fields(cls) if field.default is attrs.NOTHING
    }
    assert set(required) == without_default


@pytest.mark.parametrize("cls", MODEL_CLASSES)
def test_every_field_has_the_type_its_schema_property_calls_for(cls: type[Model]) -> None:
    schema = schema_of(cls)
    required = schema.get("required", [])
    assert isinstance(required, list)
    hints = get_type_hints(cls)
    properties = properties_of(schema)
    from_schema = {
        name: shape_of_schema(properties[key], required=key in required)
        for name, key in FIELD_KEYS[cls].items()
    }
    from_model = {name: shape_of_hint(hints[name]) for name in FIELD_KEYS[cls]}
    assert from_model == from_schema


@pytest.mark.parametrize("cls", MODEL_CLASSES)
def test_unknown_keys_are_schema_errors_and_kept_in_extra(cls: type[Model]) -> None:
    assert schema_of(cls)["additionalProperties"] is False
    last = attrs.fields(cls)[-1]
    assert last.name == "extra"
    assert get_type_hints(cls)["extra"] == Mapping[str, object]


def test_the_enumerated_values_are_the_schemas() -> None:
    properties = properties_of(SCHEMA)
    assert properties["category"]["enum"] == list(CATEGORIES)
    _, article_type = definition(properties["type"]["$ref"])
    assert article_type["enum"] == list(ARTICLE_TYPES)


def canonical_orders_in_format_doc() -> dict[str, tuple[str, ...]]:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    section = text.split("## Canonical key order", 1)[1].split("\n## ", 1)[0]
    (bullets,) = [part for part in section.split("\n\n") if part.lstrip().startswith("- ")]
    section = " ".join(bullets.split())
    return {
        name: tuple(key.strip() for key in keys.split(","))
        for name, keys in re.findall(r"(\w+): `([^`]+)`", section)
    }


@pytest.mark.skipif(not FORMAT_DOC.is_file(), reason="../shared is not present")
def test_the_canonical_key_order_is_the_format_documents() -> None:
    assert canonical_orders_in_format_doc() == {
        cls.__name__: keys for cls, keys in CANONICAL_KEY_ORDER.items()
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("published_date_time", "publishedDateTime"),
        ("is_cached", "isCached"),
        ("cdn_amp_web_url", "cdnAmpWebUrl"),
        ("title", "title"),
    ],
)
def test_camel_case_spells_the_key_of_a_field(name: str, key: str) -> None:
    assert camel_case(name) == key


# --- the model's own contract ----------------------------------------------------------------


def test_optional_fields_default_to_none_and_extra_to_empty() -> None:
    article = minimal_article()
    assert article.web_url is None
    assert article.images is None
    assert article.extra == {}


def test_a_model_is_frozen() -> None:
    article = minimal_article()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        article.title = "Another"  # type: ignore[misc]


def test_a_model_takes_keywords_only() -> None:
    with pytest.raises(TypeError):
        Image("https://example.com/a.jpg", 1, 1)  # type: ignore[call-arg]


def test_extra_is_frozen_all_the_way_down() -> None:
    image = Image(url="u", width=1, height=1, extra={"sizes": [{"w": 1}]})
    assert image.extra["sizes"] == ({"w": 1},)
    sizes = image.extra["sizes"]
    assert isinstance(sizes, tuple)
    with pytest.raises(TypeError):
        sizes[0]["w"] = 2
    with pytest.raises(TypeError):
        image.extra["new"] = 1  # type: ignore[index]


def test_a_model_with_unhashable_extras_is_hashable_and_hashes_by_value() -> None:
    first = Image(url="u", width=1, height=1, extra={"sizes": [1, 2]})
    second = Image(url="u", width=1, height=1, extra={"sizes": [1, 2]})
    assert first == second
    assert hash(first) == hash(second)


def test_an_extra_key_may_not_shadow_a_field() -> None:
    with pytest.raises(ValueError, match="isCached"):
        Image(url="u", width=1, height=1, extra={"isCached": True})


def test_an_extra_key_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        Image(url="u", width=1, height=1, extra={1: "x"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "when",
    [datetime(2020, 7, 16, 19, 15), datetime(2020, 7, 16, tzinfo=timezone(timedelta(seconds=30)))],
    ids=["naive", "offset-with-seconds"],
)
def test_a_timestamp_must_be_writable_as_rfc_3339(when: datetime) -> None:
    with pytest.raises(ValueError, match="published_date_time"):
        attrs.evolve(minimal_article(), published_date_time=when)


# --- structuring: the seed and the corpus ----------------------------------------------------


@needs_shared
def test_the_seed_file_structures_into_an_article() -> None:
    article = structure_article(front_matter(SEED))
    check_seed_article(article)
    assert article.extra == {}


@needs_shared
def test_the_seed_file_comes_back_as_it_was_read() -> None:
    data = front_matter(SEED)
    assert unstructure_article(structure_article(data)) == data


def is_real_defect(validator: str, where: str, instance: object) -> bool:
    """A defect FORMAT.md documents in real data (a null topic)."""
    return (
        validator == "type" and re.fullmatch(r"/topics/[0-9]+", where) is not None and not instance
    )


@needs_shared
def test_every_valid_corpus_file_structures_and_comes_back_as_it_was_read() -> None:
    files = corpus_paths()
    assert len(files) == 674
    failures: dict[str, object] = {}
    for path in files:
        data = front_matter(path)
        found = [
            (error.validator, "".join(f"/{part}" for part in error.absolute_path), error.instance)
            for error in VALIDATOR.iter_errors(data)
        ]
        unexplained = [error for error in found if not is_real_defect(*error)]
        if unexplained:
            failures[path.name] = unexplained
        elif not found:
            back = unstructure_article(structure_article(data))
            if list(back.items()) != list(data.items()):
                failures[path.name] = "changed on the round trip"
    assert failures == {}


@needs_shared
def test_unknown_keys_in_a_real_file_survive_the_round_trip() -> None:
    data = front_matter(SEED)
    data = with_value(data, "/publishDateTime", "2020-07-16T19:15:00Z")
    data = with_value(data, "/provider/twitter", "@theintercept")
    data = with_value(data, "/images/0/sizes", [{"w": 720}, None])
    data = with_value(data, "/related/0/provider/publishers", [])
    article = structure_article(data)
    assert article.extra == {"publishDateTime": "2020-07-16T19:15:00Z"}
    assert article.provider.extra == {"twitter": "@theintercept"}
    assert unstructure_article(article) == data


# --- structuring refuses what is not there or not of the right type ------------------------


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("/quality", "27"),
        ("/quality", True),
        ("/quality", 27.0),
        ("/title", 27),
        ("/title", None),
        ("/category", ["news"]),
        ("/topics", "AI"),
        ("/topics", {"AI": 1}),
        ("/topics/0", 1),
        ("/topics/1", None),
        ("/published", "false"),
        ("/published", 0),
        ("/publishedDateTime", "yesterday"),
        ("/publishedDateTime", "2020-07-16T19:15:00"),
        ("/publishedDateTime", "2020-07-16 19:15:00Z"),
        ("/publishedDateTime", 1594926900),
        ("/provider", "The Intercept"),
        ("/provider/name", None),
        ("/provider/images/0/height", 50.5),
        ("/images", {"url": "https://example.com/a.jpg", "width": 1, "height": 1}),
        ("/images/0/width", "1440"),
        ("/images/0/isCached", "yes"),
        ("/images/0/title", 1),
        ("/related/0/publishedDateTime", "2020-07-13T07:53:00"),
        ("/related/0/webUrl", None),
        ("/related/0/provider/domain", 1),
    ],
)
def test_structuring_refuses_a_wrong_type(where: str, value: object) -> None:
    data = with_value(full_article(), where, value)
    with pytest.raises(cattrs.ClassValidationError) as caught:
        structure_article(data)
    messages = cattrs.transform_error(caught.value)
    assert len(messages) == 1
    assert messages[0].endswith(f"@ {json_path(where)}")
    assert _both_ways(data)[1] is cattrs.ClassValidationError


@pytest.mark.parametrize(
    ("cls", "key"),
    [
        (cls, FIELD_KEYS[cls][field.name])
        for cls in MODEL_CLASSES
        for field in model_fields(cls)
        if field.default is attrs.NOTHING
    ],
)
def test_structuring_refuses_a_missing_required_key(cls: type[Model], key: str) -> None:
    data = full_article()
    where = {Article: "", RelatedArticle: "/related/0", Provider: "/provider", Image: "/images/0"}
    node = node_at(data, where[cls])
    assert isinstance(node, dict)
    del node[key]
    with pytest.raises(cattrs.ClassValidationError) as caught:
        structure_article(data)
    assert cattrs.transform_error(caught.value) == [
        f"required field missing @ {json_path(f'{where[cls]}/{key}')}"
    ]
    assert _both_ways(data)[1] is cattrs.ClassValidationError


def test_structuring_refuses_data_that_is_not_a_mapping() -> None:
    with pytest.raises(cattrs.ClassValidationError):
        structure_article(["category: news"])  # type: ignore[arg-type]


def test_an_aware_datetime_object_is_accepted_and_a_naive_one_refused() -> None:
    aware = datetime(2020, 7, 16, 19, 15, tzinfo=UTC)
    assert structure_article(with_value(full_article(), "/publishedDateTime", aware)) == (
        structure_article(full_article())
    )
    with pytest.raises(cattrs.ClassValidationError):
        structure_article(
            with_value(full_article(), "/publishedDateTime", aware.replace(tzinfo=None))
        )


def test_a_converter_without_detailed_validation_raises_the_error_itself() -> None:
    converter = make_converter(detailed_validation=False)
    with pytest.raises(TypeError, match="expected an integer"):
        converter.structure(with_value(full_article(), "/quality", "27"), Article)


# --- unstructuring: keys, order, None and timestamps -----------------------------------------


def test_unstructuring_writes_keys_in_canonical_order_then_extras_in_theirs() -> None:
    article = attrs.evolve(
        minimal_article(), web_url="https://example.com/", extra={"zeta": 1, "alpha": 2}
    )
    assert list(unstructure_article(article)) == [
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "webUrl",
        "type",
        "provider",
        "topics",
        "secured",
        "zeta",
        "alpha",
    ]


def test_unstructuring_leaves_out_optional_fields_that_are_none() -> None:
    data = unstructure_article(minimal_article())
    # minimal_article() sets only what the schema requires of an article.
    assert set(data) == set(SCHEMA["required"])  # type: ignore[call-overload]
    assert data["provider"] == {"name": "Example", "domain": "example.com"}


def test_an_explicit_null_for_an_optional_key_structures_to_none() -> None:
    # The schema rejects `quality: null`; structuring is about types only, and None fits.
    article = structure_article(with_value(full_article(), "/quality", None))
    assert article.quality is None


def test_an_explicit_null_and_an_absent_key_are_the_same_value() -> None:
    with_null = with_value(full_article(), "/images/0/title", None)
    absent = copy.deepcopy(full_article())
    images = absent["images"]
    assert isinstance(images, list)
    del images[0]["title"]
    assert structure_article(with_null) == structure_article(absent)
    assert unstructure_article(structure_article(with_null)) == absent


def test_unstructuring_writes_lists_and_plain_dicts() -> None:
    data = unstructure_article(structure_article(full_article()))
    assert data == full_article()
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2020, 7, 16, 19, 15, tzinfo=UTC), "2020-07-16T19:15:00Z"),
        (datetime(2020, 7, 16, 19, 15, tzinfo=timezone(timedelta(0))), "2020-07-16T19:15:00Z"),
        (datetime(2020, 7, 16, 19, 15, 0, 500000, tzinfo=UTC), "2020-07-16T19:15:00.5Z"),
        (datetime(2020, 7, 16, 19, 15, 0, 1, tzinfo=UTC), "2020-07-16T19:15:00.000001Z"),
        (
            datetime(2020, 7, 16, 12, 15, tzinfo=timezone(-timedelta(hours=7))),
            "2020-07-16T12:15:00-07:00",
        ),
        (
            datetime(2020, 7, 16, 19, 15, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2020-07-16T19:15:00+05:30",
        ),
        (datetime(9, 1, 2, 3, 4, 5, tzinfo=UTC), "0009-01-02T03:04:05Z"),
    ],
)
def test_a_timestamp_is_written_in_house_style(when: datetime, text: str) -> None:
    assert format_datetime(when) == text


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2020-07-16T19:15:00Z", datetime(2020, 7, 16, 19, 15, tzinfo=UTC)),
        ("2020-07-16t19:15:00z", datetime(2020, 7, 16, 19, 15, tzinfo=UTC)),
        ("2020-07-16T19:15:00+00:00", datetime(2020, 7, 16, 19, 15, tzinfo=UTC)),
        ("2020-07-16T19:15:00-00:00", datetime(2020, 7, 16, 19, 15, tzinfo=UTC)),
        ("2020-07-16T19:15:00.5Z", datetime(2020, 7, 16, 19, 15, 0, 500000, tzinfo=UTC)),
        ("2020-07-16T19:15:00.1234567Z", datetime(2020, 7, 16, 19, 15, 0, 123456, tzinfo=UTC)),
        (
            "2020-07-16T21:15:00+02:00",
            datetime(2020, 7, 16, 21, 15, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_an_rfc_3339_timestamp_is_parsed_with_its_offset(text: str, when: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == when
    assert parsed.utcoffset() == when.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2020-07-16",
        "2020-07-16T19:15:00",
        "2020-07-16 19:15:00Z",
        "2020-07-16T19:15Z",
        "2020-07-16T19:15:00+0200",
        "2020-07-16T19:15:00+24:00",
        "2020-13-16T19:15:00Z",
        "2020-07-16T24:00:00Z",
        "2020-07-16T23:59:60Z",
        "2020-07-16T19:15:00.Z",
        "\uff12\uff10\uff12\uff10-07-16T19:15:00Z",  # full-width digits
        " 2020-07-16T19:15:00Z",
        "2020-07-16T19:15:00Z\n",
    ],
)
def test_anything_else_is_not_a_timestamp(text: str) -> None:
    with pytest.raises(ValueError, match=r"RFC 3339|range|must be in"):
        parse_datetime(text)


def test_a_naive_or_second_offset_datetime_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2020, 7, 16))
    with pytest.raises(ValueError, match="offset"):
        format_datetime(datetime(2020, 7, 16, tzinfo=timezone(timedelta(seconds=1))))


# --- properties ------------------------------------------------------------------------------

_offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
timestamps = st.datetimes(timezones=st.just(UTC) | _offsets)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=8,
)


def extras(cls: type[Model]) -> st.SearchStrategy[dict[str, object]]:
    keys = st.text().filter(lambda key: key not in CANONICAL_KEY_ORDER[cls])
    return st.dictionaries(keys, json_values, max_size=3)


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


def tuples_of(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[tuple[object, ...]]:
    return st.lists(strategy, max_size=2).map(tuple)


images = st.builds(
    Image,
    url=st.text(),
    width=st.integers(),
    height=st.integers(),
    is_cached=maybe(st.booleans()),
    title=maybe(st.text()),
    attribution=maybe(st.text()),
    extra=extras(Image),
)
providers = st.builds(
    Provider,
    name=st.text(),
    domain=st.text(),
    images=maybe(tuples_of(images)),
    extra=extras(Provider),
)
related_articles = st.builds(
    RelatedArticle,
    title=st.text(),
    excerpt=st.text(),
    published_date_time=timestamps,
    web_url=st.text(),
    amp_web_url=maybe(st.text()),
    cdn_amp_web_url=maybe(st.text()),
    type=st.text(),
    provider=providers,
    quality=maybe(st.integers()),
    images=maybe(tuples_of(images)),
    extra=extras(RelatedArticle),
)
articles = st.builds(
    Article,
    category=st.text(),
    title=st.text(),
    excerpt=st.text(),
    published_date_time=timestamps,
    original_url=maybe(st.text()),
    web_url=maybe(st.text()),
    amp_web_url=maybe(st.text()),
    cdn_amp_web_url=maybe(st.text()),
    type=st.text(),
    quality=maybe(st.integers()),
    heat=maybe(st.integers()),
    published=maybe(st.booleans()),
    removed=maybe(st.booleans()),
    featured_content=maybe(st.text()),
    provider=providers,
    topics=st.lists(st.text(), max_size=3).map(tuple),
    images=maybe(tuples_of(images)),
    related=maybe(tuples_of(related_articles)),
    secured=st.text(),
    extra=extras(Article),
)
models = st.one_of(articles, related_articles, providers, images)


@given(models)
def test_structure_inverts_unstructure(model: Model) -> None:
    assert structure(unstructure(model), type(model)) == model


@given(articles)
def test_the_unstructured_form_is_plain_json(article: Article) -> None:
    data = unstructure_article(article)
    assert json.loads(json.dumps(data)) == data
    assert unstructure_article(structure_article(data)) == data


@given(timestamps)
def test_a_written_timestamp_reads_back_with_its_offset(when: datetime) -> None:
    parsed = parse_datetime(format_datetime(when))
    assert parsed == when
    assert parsed.utcoffset() == when.utcoffset()


# --- the direct structuring path agrees with cattrs -------------------------------------------


def _both_ways(data: object) -> tuple[object, object]:
    from newsmeta import convert

    try:
        direct: object = convert._direct(data, Article)
    except convert._NotDirect:
        direct = "not direct"
    try:
        through_cattrs: object = convert.structure(data, Article)  # type: ignore[arg-type]
    except Exception as exc:
        through_cattrs = type(exc)
    # What a loaded document's article is: the same article, or None where cattrs fails.
    fits = through_cattrs if isinstance(through_cattrs, Article) else None
    assert convert._article_or_none(data) == fits
    return direct, through_cattrs


def test_real_and_generated_files_structure_directly_as_cattrs_does(
    corpus: list[Path], generated: list[tuple[Path, str | None]]
) -> None:
    import newsmeta

    direct = 0
    for path in [*corpus, *(p for p, _ in generated)]:
        data = newsmeta.load(path).data
        ours, theirs = _both_ways(data)
        if ours != "not direct":
            assert ours == theirs, path
            direct += 1
    assert direct > len(corpus)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            "title",
            "quality",
            "heat",
            "published",
            "provider",
            "topics",
            "images",
            "related",
            "publishedDateTime",
            "anUnknownKey",
        ]
    ),
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.lists(st.text(max_size=3), max_size=2)
    | st.just({"name": "x", "domain": "y.z"})
    | st.just({"name": "x", "domain": "y.z", "logo": [1, {"a": None}]})
    | st.just([{"url": "https://x.y/a.png", "width": 1, "height": 2, "isCached": None}])
    | st.just("2020-07-16T19:15:00+01:30")
    | st.just("2020-07-16T19:15:00"),
)
def test_a_changed_value_structures_directly_as_cattrs_does_or_not_at_all(
    key: str, value: object
) -> None:
    data = full_article()
    data[key] = value
    ours, theirs = _both_ways(data)
    if ours != "not direct":
        assert ours == theirs


class _Text(str):
    """A string of a subclass, as a YAML library's scalar strings are."""


@pytest.mark.parametrize(
    ("key", "change"),
    [
        ("topics", tuple),
        ("title", _Text),
        ("provider", lambda value: types.MappingProxyType(dict(value))),
        ("publishedDateTime", lambda _: datetime(2020, 7, 16, 19, 15, tzinfo=UTC)),
    ],
)
def test_data_cattrs_accepts_and_the_direct_path_does_not_still_gives_an_article(
    key: str, change: Any
) -> None:
    data = full_article()
    data[key] = change(data[key])
    ours, theirs = _both_ways(data)
    assert ours == "not direct"
    assert isinstance(theirs, Article)  # and _both_ways checks the loaded article is it


def _paths(value: object, here: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*here, index))
    return found


def test_a_removed_or_emptied_value_structures_directly_as_cattrs_does_or_not_at_all() -> None:
    base = full_article()
    direct = 0
    for path in _paths(base):
        for change in ("remove", "null"):
            data = copy.deepcopy(base)
            parent: Any = data
            for part in path[:-1]:
                parent = parent[part]
            if change == "null":
                parent[path[-1]] = None
            elif isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
            ours, theirs = _both_ways(data)
            if ours != "not direct":
                assert ours == theirs, (change, path)
                direct += 1
    assert direct > 10


def test_an_article_that_fails_to_build_in_any_way_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmeta import convert

    def fails_otherwise(data: object, cls: type) -> object:
        raise LookupError("a converter failing in its own way")

    monkeypatch.setattr(convert, "_direct", fails_otherwise)
    assert convert._article_or_none({"title": "x"}) is None
