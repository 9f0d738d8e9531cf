"""The plain value classes of the checking path behave as the attrs classes they replace."""

from __future__ import annotations

import pickle

import pytest

from newsmeta._frontmatter import FenceError, Split
from newsmeta._spec import SpecVerdict
from newsmeta._yamltree import Finding, ParseResult


def test_a_frozen_record_compares_hashes_and_shows_its_fields() -> None:
    split = Split("", "---\n", "a: 1\n", "---\n", "body")
    same = Split("", "---\n", "a: 1\n", "---\n", "body")
    assert split == same
    assert hash(split) == hash(same)
    assert split != Split("", "---\n", "a: 2\n", "---\n", "body")
    assert split != ("", "---\n", "a: 1\n", "---\n", "body")
    assert repr(split) == (
        "Split(bom='', opening='---\\n', yaml='a: 1\\n', closing='---\\n', body='body')"
    )
    assert FenceError("fence-close-missing", "m", 0, 3) != FenceError("fence-open", "m", 0, 3)


def test_a_frozen_record_refuses_assignment() -> None:
    verdict = SpecVerdict(True, {"a": 1})
    with pytest.raises(AttributeError):
        verdict.ok = False
    with pytest.raises(AttributeError):
        del verdict.data
    assert verdict == SpecVerdict(True, {"a": 1}, 0, "")


def test_a_mutable_record_can_change_and_is_not_hashable() -> None:
    finding = Finding("yaml-syntax", "m", "", 1, 2)
    assert finding.related == -1
    finding.start = 0
    assert finding == Finding("yaml-syntax", "m", "", 0, 2, -1)
    with pytest.raises(TypeError):
        hash(finding)
    result = ParseResult(None, [finding], False)
    result.spec = SpecVerdict(False, None, 3, "no")
    assert result.pure is True
    assert "spec=SpecVerdict(ok=False, data=None, index=3, message='no')" in repr(result)


def test_records_survive_pickling() -> None:
    for record in (
        Split("\ufeff", "---\r\n", "", "---\r\n", ""),
        SpecVerdict(False, None, 7, "bad"),
        Finding("c", "m", "/a", 1, 2, 0),
    ):
        assert pickle.loads(pickle.dumps(record)) == record
