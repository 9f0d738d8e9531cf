"""The published JSON Schema: well-formed, documented, shipped, and faithful to FORMAT.md."""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import SchemaRegistry

from newsmeta._yamltree import Finding
from newsmeta.convert import unstructure
from newsmeta.model import ARTICLE_TYPES, CATEGORIES, Article, Image, Provider, RelatedArticle
from newsmeta.schema import ASSERTED_FORMATS, SCHEMA_ID, format_checker

from .articles import front_matter, full_article, video, with_value, without
from .conftest import ROOT, SEED, corpus_paths, load_module

PUBLISHED_SCHEMA = ROOT / "schemas" / "article.schema.json"

SCHEMA_RESOURCE = resources.files("newsmeta") / "schemas" / "article.schema.json"
SCHEMA: dict[str, object] = json.loads(SCHEMA_RESOURCE.read_text(encoding="utf-8"))
# The project's checker: jsonschema's stock one asserts `iri` only when rfc3987-syntax is
# installed, which newsmeta does not require (newsmeta.schema asserts formats with jsonschema-rs).
FORMAT_CHECKER = format_checker()
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FORMAT_CHECKER)
REGISTRY: SchemaRegistry = Registry().with_resource(
    str(SCHEMA["$id"]), Resource.from_contents(SCHEMA)
)

# Values that each format must reject. A format used in the schema but missing here fails
# `test_every_format_in_the_schema_is_asserted`: add its bad examples when adding the format.
BAD_VALUES_BY_FORMAT: dict[str, tuple[str, ...]] = {
    "iri": ("not a url", "https://exa mple.com/", "https://example.com/a|b", "%zz"),
    "date-time": (
        "yesterday",
        "2020-07-16T19:15:00",
        "2020-07-16 19:15:00Z",
        "2020-13-01T00:00:00Z",
    ),
}


# --- helpers ---------------------------------------------------------------------------------


def pointer(path: Iterable[object]) -> str:
    return "".join(f"/{part}" for part in path)


def errors(instance: object) -> set[tuple[str, str]]:
    """(validator keyword, JSON Pointer of the instance) of every schema error."""
    return {
        (error.validator, pointer(error.absolute_path)) for error in VALIDATOR.iter_errors(instance)
    }


def resolve(schema: Mapping[str, object]) -> Mapping[str, object]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    assert ref.startswith("#/$defs/"), ref
    defs = SCHEMA["$defs"]
    assert isinstance(defs, dict)
    target = defs[ref.removeprefix("#/$defs/")]
    assert isinstance(target, dict)
    return resolve(target)


def declared_schemas() -> Iterator[tuple[str, Mapping[str, object]]]:
    """Every schema that declares a value: the root, each $defs entry, property and items schema.

    Conditions (`if`) are not declarations, so they are not visited.
    """

    def walk(
        where: str, schema: Mapping[str, object]
    ) -> Iterator[tuple[str, Mapping[str, object]]]:
        yield where, schema
        properties = schema.get("properties", {})
        assert isinstance(properties, dict)
        for name, sub in properties.items():
            yield from walk(f"{where}/properties/{name}", sub)
        items = schema.get("items")
        if isinstance(items, dict):
            yield from walk(f"{where}/items", items)
        defs = schema.get("$defs", {})
        assert isinstance(defs, dict)
        for name, sub in defs.items():
            yield from walk(f"{where}/$defs/{name}", sub)

    yield from walk("#", SCHEMA)


def formats_in(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return found.union(*(formats_in(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(formats_in(value) for value in schema))
    return set()


needs_shared = pytest.mark.skipif(not SEED.is_file(), reason="../shared is not present")


# --- the schema itself -----------------------------------------------------------------------


def test_schema_is_valid_under_its_metaschema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_text_is_the_packaged_resource_read_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsmeta.schema as schema_module

    packaged = resources.files("newsmeta").joinpath(*schema_module.SCHEMA_RESOURCE)
    expected = packaged.read_text(encoding="utf-8")
    schema_module.schema_text.cache_clear()
    try:
        assert schema_module.schema_text() == expected  # read beside the module
        # Where the package is no folder (a zip), there is no file beside the module.
        monkeypatch.setattr(schema_module, "__file__", "/nonexistent/newsmeta/schema.py")
        schema_module.schema_text.cache_clear()
        assert schema_module.schema_text() == expected
    finally:
        schema_module.schema_text.cache_clear()


def test_schema_is_draft_2020_12_with_an_id() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == SCHEMA_ID


def test_the_schema_id_is_the_url_the_docs_site_serves_it_at() -> None:
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_url = re.search(r"^site_url: (\S+)$", mkdocs, re.MULTILINE)
    assert site_url is not None
    hooks = load_module("newsmeta_docs_hooks_for_id", ROOT / "docs" / "hooks.py")
    assert site_url.group(1).rstrip("/") + "/" + hooks.SCHEMA_SITE_PATH == SCHEMA_ID


def test_every_declared_schema_has_a_title_and_a_description() -> None:
    undocumented = [
        where
        for where, schema in declared_schemas()
        if not (isinstance(schema.get("title"), str) and schema["title"])
        or not (isinstance(schema.get("description"), str) and schema["description"])
    ]
    assert undocumented == []


def test_every_examples_entry_is_valid_for_its_schema() -> None:
    invalid = []
    for where, schema in declared_schemas():
        examples = schema.get("examples", [])
        assert isinstance(examples, list), where
        validator = Draft202012Validator(
            {"$ref": f"{SCHEMA['$id']}{where}"}, registry=REGISTRY, format_checker=FORMAT_CHECKER
        )
        invalid += [(where, example) for example in examples if not validator.is_valid(example)]
    assert invalid == []


def test_schema_is_shipped_in_the_package_and_identical_to_the_published_copy() -> None:
    assert SCHEMA_RESOURCE.read_bytes() == PUBLISHED_SCHEMA.read_bytes()


def test_every_object_rejects_unknown_keys() -> None:
    objects = [where for where, schema in declared_schemas() if "properties" in schema]
    assert objects
    open_objects = [
        where
        for where, schema in declared_schemas()
        if "properties" in schema and schema.get("additionalProperties") is not False
    ]
    assert open_objects == []


# --- formats are asserted --------------------------------------------------------------------


@pytest.mark.parametrize("format_name", sorted(formats_in(SCHEMA)))
def test_every_format_in_the_schema_is_asserted(format_name: str) -> None:
    assert format_name in ASSERTED_FORMATS
    assert format_name in FORMAT_CHECKER.checkers, f"no checker: {format_name} is not asserted"
    assert format_name in BAD_VALUES_BY_FORMAT, f"add bad examples for {format_name}"
    accepted = [
        bad
        for bad in BAD_VALUES_BY_FORMAT[format_name]
        if FORMAT_CHECKER.conforms(bad, format_name)
    ]
    assert accepted == []


def test_the_schema_uses_the_formats_the_contract_needs() -> None:
    assert formats_in(SCHEMA) == {"iri", "date-time"}


def test_a_format_error_is_reported_not_skipped() -> None:
    (error,) = VALIDATOR.iter_errors(with_value(full_article(), "/webUrl", "https://exa mple.com/"))
    assert (error.validator, list(error.absolute_path)) == ("format", ["webUrl"])


@pytest.mark.parametrize(
    ("url", "validator"),
    [
        ("https://exa mple.com/", "format"),
        ("not a url", "format"),
        ("https://example.com/a b", "format"),
        ("https://example.com/%zz", "format"),
        ("ftp://x/", "pattern"),
        ("mailto:news@example.com", "pattern"),
        ("//example.com/story", "pattern"),
        ("https:///story", "pattern"),
        ("", "format"),
    ],
)
@pytest.mark.parametrize(
    "where",
    ["/webUrl", "/originalUrl", "/images/0/url", "/provider/images/0/url", "/related/0/ampWebUrl"],
)
def test_a_bad_url_is_rejected(where: str, url: str, validator: str) -> None:
    assert (validator, where) in errors(with_value(full_article(), where, url))


@pytest.mark.parametrize(
    "url",
    [
        "https://ja.wikipedia.org/wiki/日本語",
        "https://www.example.com/café/ünïcode?q=straße#größe",
        "http://example.com/path%20with%20escapes",
        "https://theintercept.imgix.net/a.jpg?auto=compress%2Cformat&q=90&fit=crop&w=1440&h=720",
        "https://example.com:8443/x",
    ],
)
def test_a_good_iri_is_accepted(url: str) -> None:
    assert errors(with_value(full_article(), "/webUrl", url)) == set()


@pytest.mark.parametrize("value", ["yesterday", "2020-07-16T19:15:00", "2020-07-16", "16/07/2020"])
@pytest.mark.parametrize("where", ["/publishedDateTime", "/related/0/publishedDateTime"])
def test_a_bad_date_time_is_rejected(where: str, value: str) -> None:
    assert errors(with_value(full_article(), where, value)) == {("format", where)}


@pytest.mark.parametrize(
    "value",
    [
        "2020-07-16T19:15:00Z",
        "2020-07-16T19:15:00+02:00",
        "2020-07-16T12:15:00-07:00",
        "2020-07-16T19:15:00.5Z",
        "2020-07-16t19:15:00z",
    ],
)
def test_a_good_date_time_is_accepted(value: str) -> None:
    assert errors(with_value(full_article(), "/publishedDateTime", value)) == set()


# --- what the schema accepts and rejects -----------------------------------------------------


def test_a_full_article_is_valid() -> None:
    assert errors(full_article()) == set()


def test_the_full_article_fixture_uses_every_declared_key() -> None:
    # So that the rejection cases below start from data that exercises every property.
    def used(instance: object, schema: Mapping[str, object]) -> set[tuple[object, str]]:
        schema = resolve(schema)
        found: set[tuple[object, str]] = set()
        if isinstance(instance, dict):
            properties = schema["properties"]
            assert isinstance(properties, dict)
            for key, value in instance.items():
                found |= {(schema["title"], key)} | used(value, properties[key])
        elif isinstance(instance, list):
            items = schema["items"]
            assert isinstance(items, dict)
            for value in instance:
                found |= used(value, items)
        return found

    declared = {
        (schema["title"], key)
        for _, schema in declared_schemas()
        for key in schema.get("properties", {})  # type: ignore[attr-defined]
    }
    assert declared - used(full_article(), SCHEMA) == set()


def test_a_video_needs_no_web_url() -> None:
    assert errors(video()) == set()


def test_image_title_and_attribution_may_be_null_or_absent() -> None:
    document = with_value(full_article(), "/images/0/title", None)
    document = with_value(document, "/images/0/attribution", None)
    assert errors(document) == set()
    assert errors(without(without(document, "/images/0/title"), "/images/0/attribution")) == set()


def test_a_related_video_may_have_an_empty_web_url() -> None:
    document = with_value(full_article(), "/related/0/webUrl", "")
    assert errors(with_value(document, "/related/0/type", "video")) == set()


def test_optional_keys_may_be_absent() -> None:
    minimal = {
        key: value
        for key, value in video().items()
        if key in SCHEMA["required"]  # type: ignore[operator]
    }
    minimal["provider"] = {"name": "Example", "domain": "example.com"}
    assert errors(minimal) == set()


DELETED = object()
"""Marks a key to delete in the rejection table."""

# name, where to change, the new value (or DELETED), expected (validator, instance pointer) errors.
REJECTIONS: list[tuple[str, str, object, set[tuple[str, str]]]] = [
    ("web url missing on an article", "/webUrl", DELETED, {("required", "")}),
    ("amp url without cdn url", "/cdnAmpWebUrl", DELETED, {("dependentRequired", "")}),
    ("cdn url without amp url", "/ampWebUrl", DELETED, {("dependentRequired", "")}),
    (
        "related amp url alone",
        "/related/0/cdnAmpWebUrl",
        DELETED,
        {("dependentRequired", "/related/0")},
    ),
    (
        "related cdn url alone",
        "/related/0/ampWebUrl",
        DELETED,
        {("dependentRequired", "/related/0")},
    ),
    ("unknown key", "/publishDateTime", "2020-07-16T19:15:00Z", {("additionalProperties", "")}),
    ("unknown provider key", "/provider/url", "x", {("additionalProperties", "/provider")}),
    ("unknown image key", "/images/0/alt", "x", {("additionalProperties", "/images/0")}),
    ("unknown related key", "/related/0/heat", 1, {("additionalProperties", "/related/0")}),
    ("secured without iv", "/secured", "C5eO/UiGuWBouSPBZzd7C3ne", {("pattern", "/secured")}),
    ("secured short iv", "/secured", "QUJD;pi5Rn+JtL853s7F/GQV==", {("pattern", "/secured")}),
    (
        "secured with a space",
        "/secured",
        "QU JD;pi5Rn+JtL853s7F/GQVH3g==",
        {("pattern", "/secured")},
    ),
    ("secured, newline", "/secured", "QUJD;pi5Rn+JtL853s7F/GQVH3g==\n", {("pattern", "/secured")}),
    ("secured empty", "/secured", "", {("pattern", "/secured")}),
    ("quality -1", "/quality", -1, {("minimum", "/quality")}),
    ("related quality -1", "/related/0/quality", -1, {("minimum", "/related/0/quality")}),
    ("quality as text", "/quality", "27", {("type", "/quality")}),
    ("quality as float", "/quality", 2.5, {("type", "/quality")}),
    ("heat -2", "/heat", -2, {("minimum", "/heat")}),
    ("width 0", "/images/0/width", 0, {("minimum", "/images/0/width")}),
    ("logo height 0", "/provider/images/0/height", 0, {("minimum", "/provider/images/0/height")}),
    ("published as text", "/published", "false", {("type", "/published")}),
    ("empty topics", "/topics", [], {("minItems", "/topics")}),
    ("null topic", "/topics/1", None, {("type", "/topics/1")}),
    ("topics as text", "/topics", "AI", {("type", "/topics")}),
    ("category blog", "/category", "blog", {("enum", "/category")}),
    ("type podcast", "/type", "podcast", {("enum", "/type")}),
    ("related type podcast", "/related/0/type", "podcast", {("enum", "/related/0/type")}),
    ("empty title", "/title", "", {("minLength", "/title")}),
    ("empty provider name", "/provider/name", "", {("minLength", "/provider/name")}),
    ("domain with www", "/provider/domain", "www.example.com", {("pattern", "/provider/domain")}),
    ("domain in capitals", "/provider/domain", "Example.com", {("pattern", "/provider/domain")}),
    ("domain, newline", "/provider/domain", "example.com\n", {("pattern", "/provider/domain")}),
    (
        "domain as url",
        "/provider/domain",
        "https://example.com/",
        {("pattern", "/provider/domain")},
    ),
    ("single-label domain", "/provider/domain", "example", {("pattern", "/provider/domain")}),
    ("image title as number", "/images/0/title", 1, {("type", "/images/0/title")}),
    ("related web url null", "/related/0/webUrl", None, {("type", "/related/0/webUrl")}),
    (
        "related web url bad",
        "/related/0/webUrl",
        "x",
        {("format", "/related/0/webUrl"), ("pattern", "/related/0/webUrl")},
    ),
    ("date-time as number", "/publishedDateTime", 20200716, {("type", "/publishedDateTime")}),
    ("missing title", "/title", DELETED, {("required", "")}),
    ("missing provider domain", "/provider/domain", DELETED, {("required", "/provider")}),
    ("missing image width", "/images/0/width", DELETED, {("required", "/images/0")}),
    ("missing related web url", "/related/0/webUrl", DELETED, {("required", "/related/0")}),
]


@pytest.mark.parametrize(
    ("where", "value", "expected"), [pytest.param(*case[1:], id=case[0]) for case in REJECTIONS]
)
def test_the_schema_rejects(where: str, value: object, expected: set[tuple[str, str]]) -> None:
    document = (
        without(full_article(), where)
        if value is DELETED
        else with_value(full_article(), where, value)
    )
    assert errors(document) == expected


def test_a_missing_web_url_is_one_required_error_at_the_article() -> None:
    (error,) = VALIDATOR.iter_errors(without(full_article(), "/webUrl"))
    assert error.validator == "required"
    assert list(error.absolute_path) == []
    assert "'webUrl' is a required property" in error.message


def test_front_matter_must_be_a_mapping() -> None:
    assert errors(["category: news"]) == {("type", "")}


def test_a_missing_type_does_not_also_demand_a_web_url() -> None:
    assert errors(without(without(full_article(), "/type"), "/webUrl")) == {("required", "")}


def test_the_enums_are_the_models_allowed_values() -> None:
    properties = SCHEMA["properties"]
    assert isinstance(properties, dict)
    assert resolve(properties["category"])["enum"] == list(CATEGORIES)
    assert resolve(properties["type"])["enum"] == list(ARTICLE_TYPES)


# --- real data --------------------------------------------------------------------------------


@needs_shared
def test_the_seed_file_is_valid() -> None:
    assert errors(front_matter(SEED)) == set()


def is_real_defect(validator: str, where: str, instance: object) -> bool:
    """A defect FORMAT.md documents in real data; any other error means the schema is wrong."""
    null_topic = re.fullmatch(r"/topics/[0-9]+", where) is not None and instance is None
    return validator == "type" and null_topic


@needs_shared
def test_every_corpus_file_is_valid_or_has_only_real_defects() -> None:
    files = corpus_paths()
    assert len(files) == 674
    unexplained = {}
    for path in files:
        data = front_matter(path)
        found = [
            (error.validator, pointer(error.absolute_path), error.instance)
            for error in VALIDATOR.iter_errors(data)
        ]
        bad = [error for error in found if not is_real_defect(*error)]
        if bad:
            unexplained[path.name] = bad
    assert unexplained == {}


# --- the model's valid values are the schema's valid values ----------------------------------

_offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_timestamps = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=_offsets
)
_labels = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_domains = (
    st.lists(_labels, min_size=2, max_size=4)
    .map(".".join)
    .filter(lambda d: not d.startswith("www."))
)
_urls = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["http", "https"]),
    _domains,
    st.from_regex(r"[A-Za-z0-9._~/!$&'()*+,;=:@éü日本-]{0,20}", fullmatch=True),
)
_text = st.text(st.characters(codec="utf-8"), max_size=20)
_non_empty_text = _text.filter(bool)
_secured = st.from_regex(r"[A-Za-z0-9+/]{1,40}={0,2};[A-Za-z0-9+/]{22}==", fullmatch=True)
_amp_pairs = st.none() | st.tuples(_urls, _urls)

_images = st.builds(
    Image,
    url=_urls,
    width=st.integers(min_value=1),
    height=st.integers(min_value=1),
    is_cached=st.none() | st.booleans(),
    title=st.none() | _text,
    attribution=st.none() | _text,
)
_providers = st.builds(
    Provider,
    name=_non_empty_text,
    domain=_domains,
    images=st.none() | st.lists(_images, max_size=2).map(tuple),
)


@st.composite
def _related(draw: st.DrawFn) -> RelatedArticle:
    amp = draw(_amp_pairs)
    return RelatedArticle(
        title=draw(_text),
        excerpt=draw(_text),
        published_date_time=draw(_timestamps),
        web_url=draw(_urls | st.just("")),
        amp_web_url=None if amp is None else amp[0],
        cdn_amp_web_url=None if amp is None else amp[1],
        type=draw(st.sampled_from(ARTICLE_TYPES)),
        provider=draw(_providers),
        quality=draw(st.none() | st.integers(min_value=0)),
        images=draw(st.none() | st.lists(_images, max_size=2).map(tuple)),
    )


@st.composite
def valid_articles(draw: st.DrawFn) -> Article:
    type_ = draw(st.sampled_from(ARTICLE_TYPES))
    amp = draw(_amp_pairs)
    return Article(
        category=draw(st.sampled_from(CATEGORIES)),
        title=draw(_non_empty_text),
        excerpt=draw(_text),
        published_date_time=draw(_timestamps),
        original_url=draw(st.none() | _urls),
        web_url=draw(_urls if type_ == "article" else st.none() | _urls),
        amp_web_url=None if amp is None else amp[0],
        cdn_amp_web_url=None if amp is None else amp[1],
        type=type_,
        quality=draw(st.none() | st.integers(min_value=0)),
        heat=draw(st.none() | st.integers(min_value=-1)),
        published=draw(st.none() | st.booleans()),
        removed=draw(st.none() | st.booleans()),
        featured_content=draw(st.none() | _text),
        provider=draw(_providers),
        topics=tuple(draw(st.lists(_text, min_size=1, max_size=3))),
        images=draw(st.none() | st.lists(_images, max_size=2).map(tuple)),
        related=draw(st.none() | st.lists(_related(), max_size=2).map(tuple)),
        secured=draw(_secured),
    )


@given(valid_articles())
def test_a_valid_model_value_unstructures_to_a_valid_document(article: Article) -> None:
    assert errors(unstructure(article)) == set()


# --- navigating the schema (for editors) ----------------------------------------------------------


def test_schema_at_follows_refs_and_keeps_the_property_s_own_words() -> None:
    from newsmeta.schema import schema_at

    published = schema_at(["publishedDateTime"])
    assert published is not None
    assert published["title"] == "Published date-time"  # the property's, not DateTime's
    assert published["format"] == "date-time"  # from $defs/DateTime
    domain = schema_at(["related", 3, "provider", "domain"])
    assert domain is not None
    assert domain["title"] == "Domain"
    assert schema_at(["publishDateTime"]) is None
    assert schema_at(["title", 0]) is None
    assert schema_at([]) is not None


def test_required_keys_follow_dependent_and_conditional_requirements() -> None:
    from newsmeta.schema import required_keys, schema_at

    top = schema_at([])
    assert top is not None
    plain = required_keys(top)
    assert plain[:3] == ("category", "title", "excerpt")
    assert "webUrl" not in plain
    assert "webUrl" in required_keys(top, {"type": "article"})
    assert "webUrl" not in required_keys(top, {"type": "video"})
    assert "cdnAmpWebUrl" in required_keys(top, {"ampWebUrl": "https://a.org/x"})


def test_placeholders_have_the_right_type_and_a_new_article_from_them_parses() -> None:
    import newsmeta
    from newsmeta.schema import placeholder, schema_at

    top = schema_at([])
    assert top is not None
    value = placeholder(top)
    assert isinstance(value, dict)
    assert value["category"] == "news"
    assert value["type"] == "article"
    assert value["provider"] == {"name": "", "domain": ""}
    assert value["topics"] == [""]
    assert isinstance(value["publishedDateTime"], datetime)
    image = schema_at(["images", 0])
    assert image is not None
    assert placeholder(image) == {"url": "", "width": 1, "height": 1}
    doc = newsmeta.loads("---\ncategory: news\n---\n")
    for key, item in value.items():
        doc.set(key, item)
    codes = {p.code for p in doc.problems}
    assert not codes & {"schema-required", "schema-type", "schema-enum", "yaml-syntax"}


# --- explaining failures: only the failing top-level values are walked again -----------------


def _explained_in_full(monkeypatch: pytest.MonkeyPatch, data: object) -> list[object]:
    from newsmeta import schema

    with monkeypatch.context() as patch:
        patch.setattr(schema, "_compiled_errors", lambda _: None)
        patch.setattr(schema, "_explaining_validator", lambda _: schema._reference_validator())
        return list(schema.schema_errors(data, None, (0, 3), ""))  # type: ignore[arg-type]


def _explained_by_reference_pruned(monkeypatch: pytest.MonkeyPatch, data: object) -> list[object]:
    from newsmeta import schema

    with monkeypatch.context() as patch:
        patch.setattr(schema, "_compiled_errors", lambda _: None)
        return list(schema.schema_errors(data, None, (0, 3), ""))  # type: ignore[arg-type]


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    *("title", "quality", "heat", "provider", "topics", "images", "related"),
                    *("type", "webUrl", "publishedDateTime", "secured", "category", "unknownKey"),
                ]
            ),
            _JSON_LEAVES
            | st.lists(_JSON_LEAVES, max_size=3)
            | st.dictionaries(
                st.sampled_from(["name", "domain", "url", "width", "extra"]), _JSON_LEAVES
            ),
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_failures_are_explained_as_by_the_whole_schema(
    changes: list[tuple[str, object]], drop: bool
) -> None:
    from newsmeta.schema import schema_errors

    data = full_article()
    for key, value in changes:
        data[key] = value
    if drop:
        data.pop("title", None)
    with pytest.MonkeyPatch.context() as patch:
        expected = _explained_in_full(patch, data)
    with pytest.MonkeyPatch.context() as patch:
        assert _explained_by_reference_pruned(patch, data) == expected
    # The compiled engine's report, explained without the reference engine, gives the same
    # findings; only their order before sorting by position may differ.
    found = schema_errors(data, None, (0, 3), "")  # type: ignore[arg-type]
    assert sorted(found, key=_finding_order) == sorted(expected, key=_finding_order)  # type: ignore[arg-type]


def _finding_order(finding: Finding) -> tuple[int, int, str, str, str]:
    return (finding.start, finding.end, finding.code, finding.message, finding.pointer)


_CHANGED_VALUES: list[object] = [
    *(None, True, 0, -1, 2.5, "", "x", "example.com/a", "https://a.example/b", "yesterday"),
    *("2020-01-01", "blog", [], {}, [None], ["a", 1], {"name": ""}, {"url": "u", "width": 0}),
]


def _with_changes(data: Mapping[str, object], seed: int) -> dict[str, object]:
    """A copy of ``data`` with up to three values (at any depth) changed, added or removed."""
    rng = random.Random(seed)
    changed = copy.deepcopy(dict(data))
    for _ in range(rng.randint(1, 3)):
        node: object = changed
        while True:
            if isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if rng.random() < 0.4 or not isinstance(node[key], dict | list):
                    choice = rng.random()
                    if choice < 0.15:
                        del node[key]
                    elif choice < 0.25:
                        node[key + "x"] = copy.deepcopy(rng.choice(_CHANGED_VALUES))
                    else:
                        node[key] = copy.deepcopy(rng.choice(_CHANGED_VALUES))
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                index = rng.randrange(len(node))
                if rng.random() < 0.4 or not isinstance(node[index], dict | list):
                    node[index] = copy.deepcopy(rng.choice(_CHANGED_VALUES))
                    break
                node = node[index]
            else:
                break
    return changed


def _located_both_ways(data: object, root: object, text: str) -> tuple[list[object], list[object]]:
    """The findings of ``data`` located in ``root``: explained from the compiled engine's
    report, and by the reference engine, each in the order they are reported (by span,
    code and message, ties kept in the order found)."""
    from newsmeta import schema

    def order(finding: Finding) -> tuple[int, int, str, str]:
        return (finding.start, finding.end, finding.code, finding.message)

    found = schema.schema_errors(data, root, (0, 3), text)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "_compiled_errors", lambda _: None)
        reference = schema.schema_errors(data, root, (0, 3), text)  # type: ignore[arg-type]
    return sorted(found, key=order), sorted(reference, key=order)  # type: ignore[arg-type]


def test_failing_files_are_explained_as_the_reference_engine_explains_them(
    generated: list[tuple[Path, str | None]],
) -> None:
    """Generated files with every defect, and each with a few values changed: the same
    findings, messages and spans from the compiled engine's report as from the reference
    engine (which explains only what the compiled one cannot)."""
    from newsmeta._check import analyse

    compared = 0
    for number, (path, _defect) in enumerate(generated):
        analysis = analyse(path.read_text(encoding="utf-8"))
        if not isinstance(analysis.data, dict):
            continue
        for seed in range(4):
            data = analysis.data if seed == 0 else _with_changes(analysis.data, number * 10 + seed)
            found, reference = _located_both_ways(data, analysis.root, analysis.text)
            assert found == reference
            compared += bool(reference)
    assert compared > 200


_TYPED_VALUES = st.sampled_from(
    [
        1,
        1.0,
        -1,
        64.0,
        "x",
        None,
        True,
        "2024-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "2024-01-01t00:00:00z",
    ]
)
_IMAGES = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(["width", "height", "url"]), _TYPED_VALUES), st.just(1)
    ),
    max_size=3,
)


def _entries(images: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "publishedDateTime": _TYPED_VALUES,
            "quality": _TYPED_VALUES,
            "heat": _TYPED_VALUES,
            "images": st.one_of(images, _TYPED_VALUES),
            "provider": st.one_of(
                st.fixed_dictionaries({}, optional={"images": images}), _TYPED_VALUES
            ),
        },
    )


@settings(max_examples=400, deadline=None)
@given(
    _entries(_IMAGES),
    st.one_of(st.none(), st.lists(st.one_of(_entries(_IMAGES), st.just("x")), max_size=3)),
)
def test_the_quick_typed_check_agrees_with_the_located_one(
    article: dict[str, object], related: list[object] | None
) -> None:
    from newsmeta.schema import _NO_TREE, _typed_view_errors, _typed_view_holds

    data: dict[str, object] = dict(article)
    if related is not None:
        data["related"] = related
    expected = not _typed_view_errors(data, _NO_TREE, (0, 0), "")  # type: ignore[arg-type]
    assert _typed_view_holds(data) is expected  # type: ignore[arg-type]
