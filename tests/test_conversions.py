"""The public conversions: ``to_dict``/``from_dict``, and models that pickle and deep-copy."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import given

import newsmeta
from newsmeta.errors import ConversionError, NewsmetaError
from newsmeta.model import Article, FrozenMapping, Image, Model

from .articles import full_article, with_value, without
from .test_model import articles, models


def test_every_corpus_article_pickles_and_deep_copies_to_an_equal_article(
    corpus: list[Path],
) -> None:
    for path in corpus:
        article = newsmeta.load(path).article
        assert article is not None, path.name
        assert pickle.loads(pickle.dumps(article)) == article, path.name
        assert copy.deepcopy(article) == article, path.name


@given(models)
def test_any_model_value_survives_pickle_and_deepcopy(model: Model) -> None:
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        assert pickle.loads(pickle.dumps(model, protocol)) == model
    assert copy.deepcopy(model) == model
    assert copy.copy(model) == model


def test_extra_crosses_a_process_boundary_still_frozen() -> None:
    image = Image(url="u", width=1, height=1, extra={"sizes": [{"w": 1}]})
    back = pickle.loads(pickle.dumps(image))
    assert isinstance(back.extra, FrozenMapping)
    assert back.extra == {"sizes": ({"w": 1},)}
    inner = back.extra["sizes"][0]
    assert isinstance(inner, FrozenMapping)
    with pytest.raises(TypeError):
        back.extra["new"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        back.extra._items = {}
    assert hash(back) == hash(image)


def test_a_frozen_mapping_equals_a_dict_with_the_same_items_and_keeps_their_order() -> None:
    frozen = FrozenMapping({"b": 1, "a": 2})
    assert frozen == {"a": 2, "b": 1}
    assert list(frozen) == ["b", "a"]
    assert frozen != {"a": 2}
    assert "FrozenMapping" in repr(frozen)


def test_to_dict_and_from_dict_are_public_inverses() -> None:
    data = full_article()
    article = newsmeta.from_dict(data)
    assert isinstance(article, Article)
    assert newsmeta.to_dict(article) == data
    assert json.loads(json.dumps(newsmeta.to_dict(article))) == data
    assert newsmeta.from_dict(newsmeta.to_dict(article.provider), type(article.provider)) == (
        article.provider
    )


@given(articles)
def test_from_dict_inverts_to_dict(article: Article) -> None:
    assert newsmeta.from_dict(newsmeta.to_dict(article)) == article


def test_from_dict_lists_every_failing_key_as_a_json_pointer() -> None:
    data = with_value(full_article(), "/quality", "high")
    data = with_value(data, "/provider/images/0/width", "50")
    data = with_value(data, "/topics/1", None)
    data = with_value(data, "/publishedDateTime", "yesterday")
    data = without(data, "/secured")
    data = without(data, "/related/0/provider/domain")
    with pytest.raises(ConversionError) as caught:
        newsmeta.from_dict(data)
    error = caught.value
    assert isinstance(error, NewsmetaError)
    assert isinstance(error, ValueError)
    pointers = {pointer for pointer, _ in error.failures}
    assert pointers == {
        "/quality",
        "/provider/images/0/width",
        "/topics/1",
        "/publishedDateTime",
        "/secured",
        "/related/0/provider/domain",
    }
    messages = dict(error.failures)
    assert messages["/secured"] == "required key is missing"
    assert "integer" in messages["/quality"]
    for pointer in pointers:
        assert pointer in str(error)


def test_from_dict_refuses_what_is_not_a_mapping_at_the_root() -> None:
    with pytest.raises(ConversionError) as caught:
        newsmeta.from_dict([1, 2])  # type: ignore[call-overload]
    assert caught.value.failures[0][0] == ""
    assert "(the whole value)" in str(caught.value)


def test_from_dict_takes_aware_datetimes_but_not_naive_or_second_offsets() -> None:
    when = datetime(2020, 7, 16, 19, 15, tzinfo=UTC)
    article = newsmeta.from_dict(with_value(full_article(), "/publishedDateTime", when))
    assert article.published_date_time == when
    for bad in (datetime(2020, 7, 16), when.replace(tzinfo=timezone(timedelta(seconds=30)))):
        with pytest.raises(ConversionError) as caught:
            newsmeta.from_dict(with_value(full_article(), "/publishedDateTime", bad))
        assert [p for p, _ in caught.value.failures] == ["/publishedDateTime"]


def test_from_dict_keeps_values_the_schema_rejects_for_check_to_report() -> None:
    article = newsmeta.from_dict(with_value(full_article(), "/type", "blog"))
    assert article.type == "blog"
    assert [p.code for p in newsmeta.check(article) if p.severity == "error"] == ["schema-enum"]


def test_a_documents_article_converts_like_its_data(seed_path: Path) -> None:
    document = newsmeta.load(seed_path)
    assert document.article is not None
    assert newsmeta.from_dict(document.data) == document.article  # type: ignore[arg-type]
    assert attrs.evolve(document.article) == newsmeta.from_dict(newsmeta.to_dict(document.article))
