"""The positioned node tree: both parsers agree, values match ruamel.yaml, limits hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from newsmeta._check import analyse, analyse_quickly
from newsmeta._frontmatter import Split, split_front_matter
from newsmeta._yamltree import Mapping, Node, Scalar, Sequence, compose, to_data


def _shape(node: Node | None) -> object:
    """Everything the tree records, as plain data, for comparing two trees."""
    if node is None:
        return None
    base = (type(node).__name__, node.start, node.end, node.anchor, node.tag)
    if isinstance(node, Scalar):
        return (*base, node.value, node.style)
    if isinstance(node, Mapping):
        return (*base, node.flow, [(_shape(k), _shape(v)) for k, v in node.pairs])
    if isinstance(node, Sequence):
        return (*base, node.flow, [_shape(i) for i in node.items])
    return base


def _front_matter(path: Path) -> Split:
    split = split_front_matter(path.read_text(encoding="utf-8"))
    assert isinstance(split, Split)
    return split


def test_c_and_pure_parsers_build_identical_trees_on_real_files(corpus: list[Path]) -> None:
    for path in corpus:
        split = _front_matter(path)
        fast = compose(split.yaml, split.yaml_start)
        slow = compose(split.yaml, split.yaml_start, pure=True)
        assert _shape(fast.root) == _shape(slow.root), path
        assert fast.complete
        assert slow.complete


def test_fast_and_pure_paths_give_identical_problems_on_real_files(corpus: list[Path]) -> None:
    for path in corpus:
        text = path.read_text(encoding="utf-8")
        fast, slow = analyse(text), analyse(text, pure=True)
        assert fast.problems == slow.problems, path
        assert fast.data == slow.data, path


def test_values_match_ruamel_safe_load_on_real_files(corpus: list[Path]) -> None:
    yaml = YAML(typ="safe", pure=True)
    for path in corpus:
        split = _front_matter(path)
        expected = yaml.load(split.yaml)
        data, findings = to_data(compose(split.yaml).root)
        assert not findings
        assert isinstance(data, dict)
        # Timestamps stay as their source text; everything else is ruamel's value.
        published = expected.pop("publishedDateTime")
        assert isinstance(published, dt.datetime)
        assert data.pop("publishedDateTime") == split.yaml.split("publishedDateTime: ")[1].split(
            "\n"
        )[0].strip('"')
        for related in expected.get("related", []):
            related.pop("publishedDateTime")
        related_list = data.get("related") or []
        assert isinstance(related_list, list)
        for related in related_list:
            assert isinstance(related, dict)
            related.pop("publishedDateTime")
        assert data == expected, path


_PLAIN = [
    "012",
    "0o12",
    "0x1f",
    "1_000",
    "+12",
    "-0",
    "1.5",
    "1e3",
    "1.",
    ".5",
    "yes",
    "on",
    "True",
    "TRUE",
    "tRue",
    "~",
    "null",
    "Null",
    "0b101",
    "1:20",
    "12e03",
    "0.",
    "+.5",
    "1E+3",
    "00",
    "08",
    "1__0",
    "-.5e-3",
    "text",
    "a b",
    "nan",
    "inf",
]


@pytest.mark.parametrize("scalar", _PLAIN)
def test_plain_scalars_resolve_as_ruamel_resolves_them(scalar: str) -> None:
    expected = YAML(typ="safe", pure=True).load(f"a: {scalar}\n")["a"]
    data, findings = to_data(compose(f"a: {scalar}\n").root)
    assert not [f for f in findings if f.code != "yaml-1.1-ambiguous"]
    assert isinstance(data, dict)
    assert data["a"] == expected
    assert type(data["a"]) is type(expected)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+-._eExobXO:abcdefnulTRUEtr ~", min_size=1, max_size=12))
def test_generated_plain_scalars_resolve_as_ruamel(scalar: str) -> None:
    text = f"a: {scalar}\n"
    try:
        expected = YAML(typ="safe", pure=True).load(text)
    except Exception:
        return
    if not isinstance(expected, dict) or isinstance(expected.get("a"), dt.date):
        return
    data, findings = to_data(compose(text).root)
    if [f for f in findings if f.code != "yaml-1.1-ambiguous"]:
        # Non-finite and over-long numbers are refused on purpose.
        return
    assert data == expected


@pytest.mark.parametrize(
    ("yaml", "code"),
    [
        ("a: " + "[" * 40 + "]" * 40 + "\n", "limit-depth"),
        ("a: &x 1\nb: *x\n", "yaml-anchor"),
        ("&x a: 1\n", "yaml-anchor"),
        ("!!str a: 1\n", "yaml-tag"),
        ("*x : 1\n", "yaml-alias"),
        ("a: &x 1\nb: *x\n", "yaml-alias"),
        ("a: !!python/object:os.system 1\n", "yaml-tag"),
        ("<<: {a: 1}\n", "yaml-merge-key"),
        ("1: x\n", "yaml-key-not-string"),
        ("? [a, b]\n: 1\n", "yaml-complex-key"),
        ("a: .inf\n", "yaml-number-not-finite"),
        ("a: 1e400\n", "yaml-number-not-finite"),
        ("a: " + "9" * 5000 + "\n", "limit-number-length"),
        ("a: 1\n--- b\n", "yaml-multiple-documents"),
        ("a: [" + "1, " * 10_001 + "]\n", "limit-nodes"),
    ],
)
def test_hostile_yaml_becomes_a_located_problem(yaml: str, code: str) -> None:
    result = analyse("---\n" + yaml + "---\n")
    assert code in [p.code for p in result.problems]
    for problem in result.problems:
        assert problem.line >= 2


def test_a_deep_nest_does_not_crash_the_c_parser() -> None:
    result = analyse("---\na: " + "[" * 30_000 + "\n---\n")
    assert [p.code for p in result.problems] == ["limit-depth"]


@pytest.mark.parametrize(
    ("value", "warns"),
    [
        ("yes", True),
        ("on", True),
        ("012", True),
        ("1:20", True),
        ("No", True),
        ("12", False),
        ("true", False),
        ("news", False),
        ("0", False),
        ("0x1f", False),
    ],
)
def test_yaml_1_1_readings_are_warned(value: str, warns: bool) -> None:
    _, findings = to_data(compose(f"a: {value}\n").root)
    assert [f.code for f in findings] == (["yaml-1.1-ambiguous"] if warns else [])


@pytest.mark.parametrize(
    ("raw", "code", "position"),
    [
        ("---\na: 1\n---\n".encode("utf-16"), "encoding-utf16", (1, 1)),
        ("---\na: 1\n---\n".encode("utf-16-le"), "encoding-utf16", (1, 1)),
        (b"---\na: \x00\n---\n", "encoding-nul", (2, 4)),
        (b"---\na: 1\rb: 2\n---\n", "line-ending-bare-cr", (2, 5)),
        (b"---\na: 1\r\nb: 2\n---\n", "line-ending-mixed", (2, 5)),
        (b'---\na: "x\x1b[31m"\n---\n', "text-control-character", (2, 6)),
        (b'---\na: "\\x01"\n---\n', "text-control-character", (2, 4)),
        (b"---\na: caf\xe9\n---\n", "encoding-not-utf8", (2, 7)),
    ],
)
def test_bad_bytes_get_their_own_located_code(
    tmp_path: Path, raw: bytes, code: str, position: tuple[int, int]
) -> None:
    import newsmeta

    path = tmp_path / "article.md"
    path.write_bytes(raw)
    doc = newsmeta.load(path)
    assert (code, *position) in [(p.code, p.line, p.column) for p in doc.problems]
    assert doc.text.encode("utf-8", "surrogateescape") == raw


def test_a_character_yaml_refuses_is_located_where_it_is() -> None:
    result = analyse('---\ntitle: "a\x1b[31m b"\n---\n')
    syntax = [(p.line, p.column) for p in result.problems if p.code == "yaml-syntax"]
    assert syntax == [(2, 10)]


@pytest.mark.parametrize(
    ("yaml", "column"),
    [
        ("\ttitle: x\n", 1),
        ("# note\n \ttitle: x\nheat: 1\n", 2),
        ('\t"title": x\n', 1),
        ("\t- a\n", 1),
    ],
)
def test_a_tab_before_the_first_key_is_a_syntax_error(yaml: str, column: int) -> None:
    # YAML indents with spaces only: a block mapping or list cannot begin after a tab
    # (the suite's 4EJS, DK95/06 and Y79Y/004-009 are this at deeper levels).
    text = "---\n" + yaml + "---\n"
    for result in (analyse(text), analyse_quickly(text)[0]):
        syntax = [(p.line, p.column) for p in result.problems if p.code == "yaml-syntax"]
        assert syntax == [(2 + yaml.startswith("#"), column)]


@pytest.mark.parametrize("yaml", ["\t{title: x}\n", "\t\n  title: x\n", "\t# note\ntitle: x\n"])
def test_a_tab_that_is_not_indentation_is_fine(yaml: str) -> None:
    result = analyse("---\n" + yaml + "---\n")
    assert result.data == {"title": "x"}
    assert not [p for p in result.problems if p.code.startswith("yaml")]


def test_remembered_keys_still_obey_a_lowered_key_limit() -> None:
    from newsmeta._yamltree import Limits

    text = "---\ntitle: x\n---\n"
    assert "limit-key-length" not in [p.code for p in analyse(text).problems]
    lowered = analyse(text, limits=Limits(max_key_chars=3))
    assert "limit-key-length" in [p.code for p in lowered.problems]


def test_the_first_characters_that_may_not_be_strings_are_the_resolvers_own() -> None:
    from newsmeta._yamltree import _RESOLVER_FIRST, _YAML11_FIRST, _resolver_table

    firsts = {c for version in ((1, 1), (1, 2)) for c in _resolver_table(version) if c}
    assert firsts | set(_YAML11_FIRST) == set(_RESOLVER_FIRST)
