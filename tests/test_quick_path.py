"""The quick path of validation is invisible: same results as the full path, always.

``check_bytes`` first tries :func:`newsmeta._check.quick_pass` (events straight to the
JSON view, no node tree) and runs :func:`newsmeta._check.analyse` only when that gives up.
These tests hold the two to identical :class:`FileResult` values (problems, positions,
URL uses) on real, generated, example, hostile and randomly mutated files, and check that
the quick path is really taken, so that the comparison is not vacuous.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmeta._check import analyse, decode, quick_pass
from newsmeta._frontmatter import Split, split_front_matter
from newsmeta._quick import quick_view
from newsmeta._yamltree import Limits, Node, compose, find_node, to_data
from newsmeta.rules import string_values
from newsmeta.validation import FileResult, _url_uses, check_bytes, document_result

from .articles import mutated
from .conftest import EXAMPLES

_SAMPLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()


def _full_result(raw: bytes, path: str, limits: Limits | None = None) -> FileResult:
    """What ``check_bytes`` returned before it had a quick path: always the full path."""
    text, findings = decode(raw) if limits is None else decode(raw, limits)
    analysis = (
        analyse(text, prior=findings, path=path)
        if limits is None
        else analyse(text, prior=findings, path=path, limits=limits)
    )
    return FileResult(path, tuple(analysis.problems), _url_uses(analysis))


def _took_quick_path(raw: bytes, path: str) -> bool:
    text, findings = decode(raw)
    return not findings and quick_pass(text, path=path) is not None


def _assert_same(raw: bytes, path: str = "article.md") -> None:
    assert check_bytes(raw, path) == _full_result(raw, path)


def _split(text: str) -> Split:
    split = split_front_matter(text)
    assert isinstance(split, Split)
    return split


# --- whole files ------------------------------------------------------------------------


def test_real_files_give_the_same_results_and_mostly_take_the_quick_path(
    corpus: list[Path],
) -> None:
    quick = 0
    for path in corpus:
        raw = path.read_bytes()
        _assert_same(raw, str(path))
        quick += _took_quick_path(raw, str(path))
    # Files with rule warnings about scalar values take it too; only YAML or schema
    # problems (and findings about whole lists or mappings) need the full path.
    assert quick >= 0.9 * len(corpus)


def test_generated_files_with_every_defect_give_the_same_results(
    generated: list[tuple[Path, str | None]],
) -> None:
    taken = {True: 0, False: 0}
    for path, _defect in generated:
        raw = path.read_bytes()
        _assert_same(raw, str(path))
        taken[_took_quick_path(raw, str(path))] += 1
    assert taken[True] > 0
    assert taken[False] > 0


def test_examples_give_the_same_results() -> None:
    for path in sorted(EXAMPLES.glob("*.md")):
        _assert_same(path.read_bytes(), str(path))


def test_warnings_found_on_the_quick_path_are_located_like_the_full_path() -> None:
    raw = (EXAMPLES / "2024-05-20-market-hall.md").read_bytes()
    result = check_bytes(raw, "2024-05-20-market-hall.md")
    assert _took_quick_path(raw, "2024-05-20-market-hall.md")
    assert result.problems  # the example holds fixable warnings
    assert all(p.line > 1 for p in result.problems)
    assert result == _full_result(raw, "2024-05-20-market-hall.md")


# --- YAML the quick path must leave to the full path --------------------------------------

_BAIL_OUT = [
    "title: &a x\n",
    "title: *a\n",
    "a: &a x\nb: *a\n",
    "title: !!str x\n",
    'title: ! "x"\n',
    "title: x\ntitle: y\n",
    "<<: {a: 1}\n",
    "a: <<\n",
    "1: x\n",
    "null: x\n",
    "? [a, b]\n: x\n",
    "? {a: b}\n: x\n",
    "published: yes\n",
    "list: [x, y]\n",
    "heat: 010\n",
    "heat: 0o17\n",
    "heat: .inf\n",
    "heat: .nan\n",
    'title: "bell\\a"\n',
    'title: "\\x01"\n',
    "heat: " + "1" * 200 + "\n",
    "k" * 300 + ": x\n",
    "title: x\n---\ntitle: y\n",
    "- a\n- b\n",
    "just a scalar\n",
    "",
    "# only a comment\n",
    "title: [unclosed\n",
    "a: b: c\n",
    "title: 'x'\n\tbad: tab\n",
    # An empty value in a flow collection: libyaml places it elsewhere than the full path.
    "m: {a: , b: 1}\n",
    "m: {a:   # comment\n  }\n",
    "m: [a, {b: }]\n",
]


@pytest.mark.parametrize("yaml", _BAIL_OUT)
def test_the_quick_view_gives_up_where_the_full_path_has_something_to_say(yaml: str) -> None:
    assert quick_view(yaml) is None


@pytest.mark.parametrize("yaml", _BAIL_OUT)
def test_files_the_quick_view_gives_up_on_give_the_same_results(yaml: str) -> None:
    _assert_same(f"---\n{yaml}---\nBody.\n".encode())


def test_the_quick_view_gives_up_at_each_limit() -> None:
    nested = "a: " + "[" * 40 + "]" * 40 + "\n"
    many = "a: [" + ", ".join(["1"] * 200) + "]\n"
    assert quick_view(nested, 0, Limits(max_depth=32)) is None
    assert quick_view(many, 0, Limits(max_nodes=100)) is None
    assert quick_view("a: " + "x" * 50 + "\n", 0, Limits(max_scalar_chars=10)) is None
    assert quick_view("a: " + "x" * 50 + "\n", 0, Limits(max_front_matter_chars=20)) is None
    assert quick_view(many) is not None
    raw = f"---\n{nested}---\n".encode()
    limits = Limits(max_depth=8)
    assert check_bytes(raw, "a.md", limits) == _full_result(raw, "a.md", limits)


@pytest.mark.parametrize(
    "yaml",
    [
        "title: plain text\nheat: 12\nquality: -3\nratio: 1.5e+3\npublished: true\n",
        "a: null\nb: ~\nc:\nd: 0x1F\nf: +12\npublishedDateTime: 2020-07-13T07:53:00Z\n",
        "'quoted key': 'it''s'\n\"dq\": \"caf\\u00e9 \\t tab\"\n",
        "lit: |\n  one\n  two\nfold: >-\n  a\n  b\n",
        "list: [1, 'two', {three: 3}, [4]]\nempty: {}\nnone: []\n",
        "nested:\n  - a: 1\n    b: [x, z]\n  - - deep\n    - er\n",
        "key with spaces: v\n2020-01-01: date key\n",
        "empty:\n  # comment\nitem:\n  -\n  - x\nlast:\n",
    ],
)
def test_the_quick_view_equals_the_full_view(yaml: str) -> None:
    view = quick_view(yaml)
    assert view is not None
    parsed = compose(yaml)
    data, findings = to_data(parsed.root)
    assert not parsed.findings
    assert not findings
    assert view.data == data
    _assert_same_spans(view.data, view.span, parsed.root)


@pytest.mark.parametrize(
    ("plain", "quoted"),
    [
        ("title: 2020-07-13T07:53:00Z\n", "title: '2020-07-13T07:53:00Z'\n"),
        ("topics:\n  - 2020-07-13\n", 'topics:\n  - "2020-07-13"\n'),
        ("date: 2020-07-13\n", "date: '2020-07-13'\n"),
        (
            "related:\n  - title: 2020-07-13 10:00:00\n",
            "related:\n  - title: '2020-07-13 10:00:00'\n",
        ),
    ],
)
def test_a_plain_timestamp_under_another_key_than_a_date_time_one_is_flagged_for_the_rules(
    plain: str, quoted: str
) -> None:
    # YAML 1.1 readers read it as a date: in a text field, a rule reports it, so the view
    # says it holds one; quoted, it is text to every reader.
    for view in (quick_view(plain), quick_view(plain, lines=False)):
        assert view is not None
        assert view.plain_dates_elsewhere
    for view in (quick_view(quoted), quick_view(quoted, lines=False)):
        assert view is not None
        assert not view.plain_dates_elsewhere
    for yaml in (plain, quoted):
        raw = f"---\n{yaml}---\n".encode()
        _assert_same(raw)


def test_a_plain_timestamp_under_an_unknown_key_is_located_on_the_quick_path() -> None:
    raw = _SAMPLE.replace(b"\ntitle:", b"\npublishDateTime: 2020-07-13T07:53:00Z\ntitle:", 1)
    assert raw != _SAMPLE
    _assert_same(raw)
    text, findings = decode(raw)
    assert not findings
    split = _split(text)
    view = quick_view(split.yaml, split.yaml_start)
    assert view is not None
    assert view.plain_dates_elsewhere
    codes = [p.code for p in check_bytes(raw).problems]
    assert "schema-unknown-key" in codes


def test_a_plain_timestamp_in_a_text_field_is_reported_on_the_quick_path() -> None:
    title = b'title: "Harbour City Votes to Put Solar Panels on Every School Roof"'
    raw = _SAMPLE.replace(title, b"title: 2020-07-13T07:53:00Z", 1)
    assert raw != _SAMPLE
    _assert_same(raw)
    text, _ = decode(raw)
    found = quick_pass(text, path="a.md")
    assert found is not None  # the view read it, and the rule located it through the view
    assert [p.code for p in found.problems] == ["yaml-1.1-ambiguous"]


# --- locating without a tree ------------------------------------------------------------


def _assert_same_spans(data: object, span: object, root: Node | None) -> None:
    """Every scalar value is located by ``span`` exactly where the tree puts it."""
    assert callable(span)
    stack: list[tuple[list[str | int], object]] = [([], data)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(([*parts, k], v) for k, v in value.items())
            assert span(parts) is None or not parts
        elif isinstance(value, list):
            stack.extend(([*parts, i], v) for i, v in enumerate(value))
            assert span(parts) is None
        else:
            _, node = find_node(root, parts)
            assert node is not None
            assert span(parts) == (node.start, node.end), parts
    assert span(["no such key"]) is None


def test_every_scalar_of_real_files_is_located_like_the_tree(corpus: list[Path]) -> None:
    located = 0
    for path in corpus[:150]:
        text = path.read_text(encoding="utf-8")
        split = _split(text)
        view = quick_view(split.yaml, split.yaml_start)
        if view is None:
            continue
        _assert_same_spans(view.data, view.span, compose(split.yaml, split.yaml_start).root)
        located += 1
    assert located > 100


def test_string_paths_of_the_view_are_the_ones_rules_report() -> None:
    text = (EXAMPLES / "2024-05-20-market-hall.md").read_text(encoding="utf-8")
    split = _split(text)
    view = quick_view(split.yaml, split.yaml_start)
    assert view is not None
    tree = compose(split.yaml, split.yaml_start).root
    for parts, _value in string_values(view.data):
        _, node = find_node(tree, parts)
        assert node is not None
        assert view.span(parts) == (node.start, node.end)


# --- random damage ------------------------------------------------------------------------


#: Tokens the quick path treats specially, on top of the YAML-significant ones.
_QUICK_TOKENS = (
    *(b"yes", b"0777", b".inf", b'"\\x01', b"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2"),
    *(b"&amp;", b" ", b"http://"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _QUICK_TOKENS))
def test_mutated_articles_give_the_same_results(raw: bytes) -> None:
    _assert_same(raw)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", "b", "1", "-", ":", " ", "\n", "  ", "[", "]", "{", "}", ",", "'", '"', "&", "*"]
        ),
        max_size=40,
    )
)
def test_random_yaml_gives_the_same_view_or_none(tokens: list[str]) -> None:
    yaml = "".join(tokens)
    view = quick_view(yaml)
    if view is None:
        return
    parsed = compose(yaml)
    data, findings = to_data(parsed.root)
    assert parsed.complete
    assert not parsed.findings
    assert not findings
    assert view.data == data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_between_fences_give_the_same_results(raw: bytes) -> None:
    _assert_same(b"---\n" + raw + b"\n---\n")


_CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"]


@pytest.mark.parametrize("char", _CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_the_front_matter_take_the_full_path(char: str) -> None:
    for yaml in [f"title: a{char}b\n", f"title: 'a{char}b'\n", f"# a{char}b\ntitle: x\n"]:
        raw = f"---\n{yaml}---\nBody.\n".encode()
        assert not _took_quick_path(raw, "a.md")
        result = check_bytes(raw, "a.md")
        assert result == _full_result(raw, "a.md")
        assert result.problems


# --- two event sources --------------------------------------------------------------------


def _same_view(yaml: str) -> bool:
    """PyYAML's events never give a view that ruamel.yaml's events would not give.

    Returns whether there was a view to compare.
    """
    fast = quick_view(yaml, pyyaml=True)
    if fast is None:
        return False
    authority = quick_view(yaml, pyyaml=False)
    assert authority is not None, yaml
    assert fast.data == authority.data
    assert [fast.span([key]) for key in fast.data] == [
        authority.span([key]) for key in authority.data
    ]
    return True


def _outcome(yaml: str, *, pyyaml: bool) -> object:
    """The view of ``yaml`` as plain data and spans, or None."""
    view = quick_view(yaml, pyyaml=pyyaml)
    return None if view is None else (view.data, [view.span([key]) for key in view.data])


@pytest.mark.parametrize(
    "yaml",
    [
        # libyaml 0.2 (PyYAML) reads these; the libyaml in ruamel.yaml.clib refuses them.
        "a: [https://example.com/x]\n",
        "a: [a:b]\n",
        "a: {a:b}\n",
        "a: [a?b]\n",
        "%YAML 1.2\n---\na: b\n",
        "--- \na: b\n",
    ],
)
def test_flow_collections_and_directives_are_read_by_ruamel_yaml(yaml: str) -> None:
    _same_view(yaml)
    # Whatever PyYAML's events say, ruamel.yaml's decide: here they refuse most of these.
    assert _outcome(yaml, pyyaml=True) == _outcome(yaml, pyyaml=False)
    raw = f"---\n{yaml}---\n".encode()
    assert check_bytes(raw, "a.md") == _full_result(raw, "a.md")


# A flow collection and a multi-line quoted value: texts the line reader leaves to the events.
_FOR_THE_EVENTS = 'title: "one\n  two"\ntags: [a, b]\nn: 3\n'


def test_a_few_texts_for_the_events_do_not_import_pyyaml() -> None:
    import subprocess

    # A fresh process: the test session itself has imported PyYAML long ago.
    code = (
        "import sys\n"
        "from newsmeta._quick import quick_view\n"
        "from newsmeta.validation import check_bytes\n"
        f"assert quick_view({_FOR_THE_EVENTS!r}) is not None\n"
        "check_bytes(b'---\\ntitle: \"open\\n---\\n', 'a.md')\n"
        "check_bytes(b'---\\na: 1\\na: 2\\n---\\n', 'a.md')\n"
        "print('yaml' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_pyyaml_events_are_read_once_enough_texts_need_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsmeta._quick as quick

    used: list[bool] = []
    real = quick._event_kits

    def spy(pyyaml: bool | None) -> tuple[object, ...]:
        kits = real(pyyaml)
        used.append(kits[0] is quick._pyyaml_kit())
        return kits

    monkeypatch.setattr(quick, "_event_kits", spy)
    monkeypatch.delitem(sys.modules, "yaml", raising=False)  # as if never imported
    monkeypatch.setattr(quick, "_event_reads", 0)
    first = quick_view(_FOR_THE_EVENTS)
    monkeypatch.setattr(quick, "_event_reads", quick.PYYAML_AFTER)
    later = quick_view(_FOR_THE_EVENTS)
    assert used == [False, True]
    authority = quick_view(_FOR_THE_EVENTS, pyyaml=False)
    assert first is not None
    assert later is not None
    assert authority is not None
    assert first.data == later.data == authority.data


def test_real_files_give_the_same_view_from_both_event_sources(corpus: list[Path]) -> None:
    compared = sum(_same_view(_split(path.read_text(encoding="utf-8")).yaml) for path in corpus)
    assert compared == len(corpus)


_FLOW_AND_DIRECTIVE_TOKENS = [
    *("[", "]", "{", "}", ",", ":", ": ", "?", "? ", "#", " #", "- ", "\n", "\n  ", "\t"),
    *("'", '"', "\\", "|", ">", "%YAML 1.2\n", "---\n", "...\n", "[a:b]", "{a: [x?y]}"),
    *("https://a.b/c?d=e&f", "\r\n", "\u2028", "\u0085"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(_SAMPLE)),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(_FLOW_AND_DIRECTIVE_TOKENS),
)
def test_mutated_articles_give_the_same_view_from_both_event_sources(
    position: int, delete: int, insert: str
) -> None:
    text = _SAMPLE.decode("utf-8")
    text = text[:position] + insert + text[position + delete :]
    split = split_front_matter(text)
    if isinstance(split, Split):
        _same_view(split.yaml)


# --- against ruamel.yaml's round-trip loader ------------------------------------------------


def _comparable(value: object) -> object:
    """ruamel.yaml's round-trip data as plain JSON types; a timestamp becomes its type."""
    if isinstance(value, dict):
        return {str(k): _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dt.date):
        return dt.date  # the view keeps a timestamp's source text; compared apart
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def _timestamps_as_type(view: object, loaded: object) -> object:
    """``view`` with each string that ``loaded`` holds as a timestamp replaced by its type."""
    if isinstance(view, dict) and isinstance(loaded, dict):
        return {k: _timestamps_as_type(v, loaded.get(k)) for k, v in view.items()}
    if isinstance(view, list) and isinstance(loaded, list):
        return [_timestamps_as_type(v, w) for v, w in zip(view, loaded, strict=False)]
    if isinstance(view, str) and loaded is dt.date:
        return dt.date
    return view


def _assert_round_trip_loader_agrees(yaml_text: str) -> bool:
    from ruamel.yaml import YAML

    view = quick_view(yaml_text)
    if view is None:
        return False
    loaded = _comparable(YAML(typ="rt").load(yaml_text))
    assert _timestamps_as_type(view.data, loaded) == loaded
    return True


def test_the_quick_view_equals_the_round_trip_loader_on_real_files(corpus: list[Path]) -> None:
    compared = sum(
        _assert_round_trip_loader_agrees(_split(path.read_text(encoding="utf-8")).yaml)
        for path in corpus
    )
    assert compared == len(corpus)


def test_the_quick_view_equals_the_round_trip_loader_on_generated_files(
    generated: list[tuple[Path, str | None]],
) -> None:
    compared = 0
    for path, _defect in generated:
        split = split_front_matter(path.read_text(encoding="utf-8"))
        if isinstance(split, Split):
            compared += _assert_round_trip_loader_agrees(split.yaml)
    assert compared > len(generated) // 2


# --- regressions ----------------------------------------------------------------------------


def test_a_raised_number_limit_does_not_leak_into_later_default_checks() -> None:
    raw = _SAMPLE.replace(b"\nquality: 64\n", b"\nquality: " + b"1" * 150 + b"\n", 1)
    assert b"1" * 150 in raw
    raised = Limits(max_number_chars=200)
    assert check_bytes(raw, "a.md", raised) == _full_result(raw, "a.md", raised)
    result = check_bytes(raw, "a.md")
    assert result == _full_result(raw, "a.md")
    assert "limit-number-length" in {p.code for p in result.problems}


def test_without_ruamel_yaml_clib_the_pure_parser_decides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsmeta._quick as quick
    import newsmeta._yamltree as yamltree

    monkeypatch.setattr(yamltree, "_C_PARSER", False)
    quick._ruamel_kit.cache_clear()
    try:
        # libyaml accepts a tab after `key:`; ruamel.yaml's pure-Python parser does not.
        raw = _SAMPLE.replace(b"category: ", b"category:\t", 1)
        assert quick_view(_split(raw.decode()).yaml) is None
        assert check_bytes(raw, "a.md") == _full_result(raw, "a.md")
    finally:
        monkeypatch.undo()
        quick._ruamel_kit.cache_clear()


def test_a_byte_order_mark_after_the_fence_keeps_positions_right() -> None:
    text = _SAMPLE.decode().replace("---\n", "---\n\ufeff", 1)
    split = _split(text)
    fast = compose(split.yaml, split.yaml_start)
    slow = compose(split.yaml, split.yaml_start, pure=True)
    assert fast.root is not None
    first_key = fast.root.pairs[0][0]  # type: ignore[attr-defined]
    assert text[first_key.start : first_key.end] == "category"
    assert [(k.start, v.start) for k, v in fast.root.pairs] == [  # type: ignore[attr-defined]
        (k.start, v.start)
        for k, v in slow.root.pairs  # type: ignore[union-attr]
    ]
    view = quick_view(split.yaml, split.yaml_start)
    assert view is not None
    start, end = view.span(["category"]) or (0, 0)
    assert text[start:end] == "news"
    _assert_same(text.encode())


# --- the tree from the view's events, and the failing files' path ---------------------------


def _assert_same_tree(ours: Node | None, theirs: Node | None) -> None:
    """Two node trees are the same: kinds, spans, values, styles, properties, order."""
    from newsmeta._yamltree import Mapping, Scalar, Sequence

    stack = [(ours, theirs)]
    while stack:
        a, b = stack.pop()
        assert type(a) is type(b)
        if a is None or b is None:
            continue
        assert (a.start, a.end, a.anchor, a.tag) == (b.start, b.end, b.anchor, b.tag)
        if isinstance(a, Scalar):
            assert isinstance(b, Scalar)
            assert (a.value, a.style) == (b.value, b.style)
        elif isinstance(a, Mapping):
            assert isinstance(b, Mapping)
            assert a.flow == b.flow
            assert len(a.pairs) == len(b.pairs)
            for (ak, av), (bk, bv) in zip(a.pairs, b.pairs, strict=True):
                stack.extend([(ak, bk), (av, bv)])
        elif isinstance(a, Sequence):
            assert isinstance(b, Sequence)
            assert a.flow == b.flow
            stack.extend(zip(a.items, b.items, strict=True))
            assert len(a.items) == len(b.items)


def _tree_agrees(text: str) -> bool:
    """The view's tree of ``text`` is the one the full path composes, and so is the tree
    a quick analysis builds on first use; False: no view."""
    from newsmeta._check import analyse_quickly

    split = split_front_matter(text)
    if not isinstance(split, Split):
        return False
    view = quick_view(split.yaml, split.yaml_start)
    if view is None:
        return False
    composed = compose(split.yaml, split.yaml_start).root
    _assert_same_tree(view.tree(), composed)
    analysis, _ = analyse_quickly(text)
    if analysis.tree_limits is not None:  # no tree yet: built when asked for
        _assert_same_tree(analysis.root, composed)
    return True


def test_the_views_tree_is_the_composed_tree_on_real_files(corpus: list[Path]) -> None:
    assert all(_tree_agrees(path.read_text(encoding="utf-8")) for path in corpus)


def test_the_views_tree_is_the_composed_tree_on_generated_files(
    generated: list[tuple[Path, str | None]],
) -> None:
    agreed = sum(_tree_agrees(path.read_text(encoding="utf-8")) for path, _ in generated)
    assert agreed > len(generated) // 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _QUICK_TOKENS))
def test_the_views_tree_is_the_composed_tree_on_mutated_files(raw: bytes) -> None:
    text = raw.decode("utf-8", "surrogateescape")
    _tree_agrees(text)


def test_files_failing_the_schema_reuse_the_view(
    generated: list[tuple[Path, str | None]],
) -> None:
    from newsmeta._check import analyse_quickly

    reused = 0
    for path, defect in generated:
        text = path.read_text(encoding="utf-8")
        analysis, view = analyse_quickly(text, path=str(path))
        full = analyse(text, path=str(path))
        assert analysis.problems == full.problems, (path, defect)
        assert analysis.data == full.data
        _assert_same_tree(analysis.root, full.root)
        reused += view is not None and defect is not None
    assert reused > 0


# --- load() on the quick path -----------------------------------------------------------------


def _assert_loads_like_the_full_path(path: Path) -> None:
    import newsmeta
    from newsmeta.document import Document

    loaded = newsmeta.load(path)
    raw = path.read_bytes()
    text, findings = decode(raw)
    full = Document(analyse(text, prior=findings, path=str(path)), path)
    # What a quick read gives before its checks run, then the checks' outcome.
    assert loaded.text == full.text
    assert loaded.data == full.data
    assert loaded.article == full.article
    assert loaded.body == full.body
    assert loaded.newline == full.newline
    assert loaded.new_errors() == full.new_errors() == ()
    assert document_result(loaded) == document_result(full) == check_bytes(raw, str(path))
    assert loaded.problems == full.problems
    assert loaded.new_errors() == ()
    _assert_same_tree(loaded.node, full.node)


def _checks_wait(path: Path) -> bool:
    import newsmeta
    from newsmeta.document import _Unchecked

    document = newsmeta.load(path)
    document.article  # noqa: B018
    return isinstance(document._read, _Unchecked)


def test_real_files_load_like_the_full_path(corpus: list[Path]) -> None:
    for path in corpus:
        _assert_loads_like_the_full_path(path)
    assert sum(map(_checks_wait, corpus)) > len(corpus) // 2  # not a vacuous comparison


def test_generated_files_load_like_the_full_path(
    generated: list[tuple[Path, str | None]],
) -> None:
    for path, _ in generated:
        _assert_loads_like_the_full_path(path)
    # Files failing the schema or a rule are read quickly too: only their checks find it.
    assert any(_checks_wait(path) for path, defect in generated if defect is not None)


def test_a_quickly_loaded_document_is_checked_when_first_asked() -> None:
    import newsmeta
    from newsmeta.document import _Unchecked

    path = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
    text = path.read_text(encoding="utf-8").replace("quality: ", "quality: -", 1)
    document = newsmeta.loads(text, path=path)
    eager = newsmeta.Document(analyse(text, path=str(path)))
    assert document.article == eager.article
    assert document.data == eager.data
    assert isinstance(document._read, _Unchecked)  # data and article need no check
    assert [p.code for p in document.errors] == ["schema-minimum"]
    assert not isinstance(document._read, _Unchecked)
    assert document.problems == eager.problems
    assert document.new_errors() == ()  # the error was there when loaded: the baseline


def test_edits_to_a_document_whose_checks_wait_keep_the_loaded_baseline(tmp_path: Path) -> None:
    import newsmeta
    from newsmeta.document import _Unchecked
    from newsmeta.errors import NewProblemsError

    source = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")
    path = tmp_path / "a.md"
    path.write_text(source.replace("quality: ", "quality: -", 1), encoding="utf-8")
    document = newsmeta.load(path)
    document.save()  # unedited: nothing new, nothing checked
    assert isinstance(document._read, _Unchecked)
    document.set("heat", 3)  # the loaded error is no new one
    assert [p.code for p in document.errors] == ["schema-minimum"]
    document.save()
    document = newsmeta.load(path)
    document.set("heat", -5)  # this one is
    with pytest.raises(NewProblemsError) as info:
        document.save()
    assert [p.pointer for p in info.value.problems] == ["/heat"]


def test_a_quickly_loaded_document_has_no_tree_until_asked() -> None:
    import newsmeta

    document = newsmeta.load(EXAMPLES / "2024-03-05-harbour-city-school-solar.md")
    assert document._analysis._limits is not None  # no tree composed yet
    assert document.article is not None
    assert document._analysis._limits is not None
    root = document.node
    assert root is not None
    assert document._analysis._limits is None
    assert document.node is root


def test_a_quickly_loaded_documents_result_needs_no_tree() -> None:
    import newsmeta

    path = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
    document = newsmeta.load(path)
    result = document_result(document)
    assert result.urls  # the example states its own URLs: they were located
    assert result == check_bytes(path.read_bytes(), str(path))
    assert document._analysis._limits is not None  # still no tree


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _QUICK_TOKENS))
def test_mutated_articles_load_like_the_full_path(raw: bytes) -> None:
    import newsmeta
    from newsmeta.document import Document

    text, findings = decode(raw)
    loaded = newsmeta.loads(text) if not findings else None
    if loaded is None:
        return
    full = Document(analyse(text))
    assert loaded.data == full.data
    assert loaded.article == full.article
    assert loaded.problems == full.problems
    _assert_same_tree(loaded.node, full.node)


def test_a_line_reader_views_tree_is_read_from_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _SAMPLE.decode()
    split = _split(text)
    view = quick_view(split.yaml, split.yaml_start)
    assert view is not None
    expected = compose(split.yaml, split.yaml_start).root
    import newsmeta._quick as quick

    def no_events(*args: object) -> None:
        raise AssertionError("the parser's events were read")

    monkeypatch.setattr(quick, "tree_of", no_events)
    _assert_same_tree(view.tree(), expected)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_counting_finds_every_ordinal_the_index_holds(data: object) -> None:
    from newsmeta._quick import _ordinal_of, _scalar_ordinals

    index = _scalar_ordinals(data)  # type: ignore[arg-type]
    for path, ordinal in index.items():
        assert _ordinal_of(data, path) == ordinal  # type: ignore[arg-type]
    missing: list[tuple[str | int, ...]] = [("nothing",), (0,), (-1,), ("", 0, "x")]
    for path in missing:
        if path not in index:
            assert _ordinal_of(data, path) is None  # type: ignore[arg-type]


def test_a_view_locates_by_counting_as_by_its_index(corpus: list[Path]) -> None:
    from newsmeta._quick import QuickView, _scalar_ordinals

    checked = 0
    for path in corpus[:40]:
        split = _split(path.read_text(encoding="utf-8"))
        indexed = quick_view(split.yaml, split.yaml_start)
        if indexed is None:
            continue
        for _ in range(QuickView.COUNTED):
            indexed.span(["no such key", 0])  # past these, it locates through its index
        paths: list[list[str | int]] = [list(p) for p in _scalar_ordinals(indexed.data)]
        extra: list[list[str | int]] = [
            ["no such key"],
            ["topics", 99],
            ["provider"],
            ["related", 0],
        ]
        for parts in [*paths, *extra]:
            counting = quick_view(split.yaml, split.yaml_start)
            assert counting is not None
            assert counting.span(parts) == indexed.span(parts), parts
        checked += 1
    assert checked > 20
