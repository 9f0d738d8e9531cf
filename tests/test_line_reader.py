"""The quick view's line reader reads exactly what the event reader reads, or leaves it.

:func:`newsmeta._quick._scan` reads block YAML of the common shape line by line, without
parser events. Whenever it gives a view, the event reader (libyaml's events, as before)
must give the same one: the same data with the same types, the same span for every
scalar value, the same top-level ordinals; and when it refuses a text after reading it,
the event reader refuses it too. These tests hold that on real, generated, hand-written,
mutated and random texts, and check that the line reader really reads the real files,
so that the comparison is not vacuous.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmeta._frontmatter import Split, split_front_matter
from newsmeta._quick import (
    _REFUSED,
    _REFUSED_OR_BREAK,
    _RFC3339,
    _TIMESTAMP,
    QuickView,
    _plain_value,
    _scalar_ordinals,
    _scan,
    quick_view,
)
from newsmeta._yamltree import DEFAULT_LIMITS, Limits

from .articles import mutated
from .conftest import EXAMPLES

_SAMPLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()


def _same_typed(a: object, b: object) -> bool:
    """Equal, and of the same types all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_typed(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_typed(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN is itself


def _agrees(yaml: str, offset: int = 0, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Assert that the line reader agrees with the event reader on ``yaml``; return whether
    the line reader read it."""
    scanned = _scan(yaml, offset, limits)
    if scanned is None:
        return False
    events = quick_view(yaml, offset, limits, lines=False)
    if scanned is _REFUSED:
        assert events is None, yaml
        return True
    assert isinstance(scanned, QuickView)
    assert events is not None, yaml
    assert _same_typed(scanned.data, events.data), yaml
    assert scanned.top_level == events.top_level, yaml
    assert scanned.plain_dates_elsewhere == events.plain_dates_elsewhere, yaml
    paths = list(_scalar_ordinals(events.data))
    assert [scanned.span(p) for p in paths] == [events.span(p) for p in paths], yaml
    return True


def _yaml_of(text: str) -> tuple[str, int] | None:
    split = split_front_matter(text)
    return (split.yaml, split.yaml_start) if isinstance(split, Split) else None


def test_every_real_file_is_read_by_lines_as_by_events(corpus: list[Path]) -> None:
    read = 0
    for path in corpus:
        found = _yaml_of(path.read_text(encoding="utf-8"))
        assert found is not None
        read += _agrees(*found)
    assert read == len(corpus)


def test_generated_files_are_read_by_lines_as_by_events(
    generated: list[tuple[Path, str | None]],
) -> None:
    read = 0
    for path, _ in generated:
        found = _yaml_of(path.read_text(encoding="utf-8"))
        if found is not None:
            read += _agrees(*found)
    assert read > len(generated) // 2


def test_the_line_reader_gives_the_view_quick_view_returns() -> None:
    yaml = 'title: "x"\ntopics:\n  - A\n'
    view = quick_view(yaml)
    assert view is not None
    assert view.values == [7, 10, 23, 24]  # spans, flat: the line reader made it
    assert view.tree() is not None  # and its tree is still read from the parser


@pytest.mark.parametrize(
    "yaml",
    [
        # Read by lines.
        "title: \"a \\\"b\\\" c\\nd\\te\\\\f\\/g\"\nexcerpt: 'it''s'\n",
        "a: 1\nb: -1\nc: 1.5\nd: true\ne: null\nf: ~\ng: 0x1F\nh: +3\ni: .5\n",
        "a:\nb:   # nothing\nc: x # a comment\nd: 'q' # c\ne: \"q\"   \n",
        "url: https://a.b/c?d=e&f=g#h\ntitle: a#b\nsay: a :b\nmore: a:b\n",
        "p:\n  n: x\n  i:\n    - u: a\n      w: 5\n    - u: b\n\n      w: 6\nt:\n  - A\n  - B\n",
        "r:\n  - t: x\n    p:\n      n: y\n    i:\n      - u: z\n",
        "a: --x\nb: -x\nc: x-\nd: ---\ne: x - y\nf: '- x'\n",
        "# a comment\na: 1\n# another\n\nb:\n# between\n  c: 2\n",
        "publishedDateTime: 2020-07-13T07:53:00Z\ndate: 2020-07-13\n",
        "a: yes\n",
        "a: 012\n",
        "a: 1e3\n",
        "y: 1\nn: 2\non: 3\n",
        "key with space: 1\n",
        "a: caf\u00e9\nb: \u2019q\u2019\nc: x\u00a0\nd: \u00a0x\n",
        "a: [1]\nb: 'has [bracket]'\n",
        "a: '{x}'\n",
        "a: \"x: y\"\nb: 'x #y'\n",
        "a: b\na: c\n",
        "a: 1\n  b: 2\n",
        "a: x\n  y\n",
        "a:\n  - x\n    y\n",
        "a:\n- x\n- y\n",
        "a:\n  -\n  - x\n",
        "a:\n  - \n  - x\n  -   # c\n",
        "a:\n  -\n    b: 1\n",
        "a:\n  - \n  -\n",
        "a:\n  - - x\n",
        "a:\n  # indented comment\n  b: 1\n",
        " a: 1\n",
        "a: 1\n b: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "- a\n- b\n",
        "a: b: c\n",
        "a: b:\n",
        "a:b\n",
        "a: &x 1\n",
        "a: *x\n",
        "a: !t 1\n",
        "a: |\n  x\n",
        "a: >\n  x\n",
        "a: 'x'y\n",
        'a: "x"y\n',
        'a: "x\n  y"\n',
        "a: 'x\n  y'\n",
        'a: "\\x41"\n',
        'a: "\\u00e9"\n',
        'a: "\\a"\n',
        "a: @x\n",
        "a: `x\n",
        "a: %x\n",
        "a: ? x\n",
        "a: : x\n",
        "a: -\n",
        "a: - x\n",
        "a:\ttab\n",
        "a: 1\r\nb: 2\r\n",
        "a: x\u2028y\n",
        "a: x\x85y\n",
        "a: x\x7fy\n",
        "\ufeffa: 1\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1 # c\n  # deeper comment\nb: 2\n",
        "a: <<\n",
        "<<: x\n",
        "a: =\n",
        "a: .inf\n",
        "a: .nan\n",
        "a: " + "9" * 400 + "\n",
        "a: 2020-07-13\n",
        "topics:\n  - 2020-07-13\n",
        "",
        "\n\n",
        "# only\n",
        "a: 'x''\n",
        'a: "x\\"\n',
        "a: x #\n",
        "a: x#\n",
        "a: 'x'#c\n",
        "a: ''\nb: \"\"\n",
        "A_b9: 1\n",
        "a:  \n",
        "a:\n\n\n",
        "a:\n  b:\n",
        # Quotes found by the first quote, or past escapes and pairs.
        'a: "x\\"y" # c\nb: "x\\\\" # c\n',
        'a: "x\\\\"y\n',
        'a: "x\\\n',
        'a: "x" "y"\n',
        "a: 'x''' # c\nb: 'x'' y' #\nc: ''''\n",
        "a: 'x'''b'\n",
        "a: '''\n",
        "a:\n  - \"x\"\n  - 'y''z'\n  - \"\"   # c\n",
        "a:\n  - k:\n    j: 'q'\n  -   k:   # c\n",
        'a:\n  - k: "v"\n    j:\n',
    ],
)
def test_hand_written_texts_are_read_by_lines_as_by_events(yaml: str) -> None:
    _agrees(yaml)


@pytest.mark.parametrize("wide", ["", "\u2019"])
def test_the_line_reader_refuses_exactly_the_characters_libyaml_refuses_or_breaks_at(
    wide: str,
) -> None:
    # Narrow texts (no character past U+00FF) and wide ones are checked differently.
    chars = [chr(c) for c in range(0x3000)] + ["\ud800", "\udfff", "\ufeff", "\ufffe", "\uffff"]
    for char in chars:
        text = f"a: 'x{char}y{wide}'\n"
        refused = char in "\t\r\n'" or _REFUSED_OR_BREAK.search(char) is not None
        assert (_scan(text, 0, DEFAULT_LIMITS) is None) == refused, hex(ord(char))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_RFC3339, fullmatch=True))
def test_a_usual_date_time_is_what_the_plain_reader_reads_as_a_timestamp(stamp: str) -> None:
    assert _plain_value(stamp, DEFAULT_LIMITS.max_number_chars) is _TIMESTAMP
    dates = f"publishedDateTime: {stamp}\n"
    assert _agrees(dates)
    view = _scan(dates, 0, DEFAULT_LIMITS)
    assert isinstance(view, QuickView)
    assert not view.plain_dates_elsewhere
    yaml = f"{dates}lastModifiedDateTime: {stamp}\ntitle: {stamp}\n"
    assert _agrees(yaml)
    view = _scan(yaml, 0, DEFAULT_LIMITS)
    assert isinstance(view, QuickView)
    assert view.plain_dates_elsewhere  # under other keys: the rules look for it


def test_the_limits_are_the_event_readers() -> None:
    deep = "a:\n  b:\n    c:\n      - d: 1\n"
    many = "a:\n" + "".join(f"  - {i}\n" for i in range(60))
    long = "a: " + "x" * 50 + "\nb: '" + "y" * 50 + "'\n"
    number = "a: " + "1" * 30 + "\n"
    key = "k" * 40 + ": 1\n"
    for limits in (
        Limits(max_depth=2),
        Limits(max_depth=3),
        Limits(max_depth=4),
        Limits(max_depth=5),
        Limits(max_nodes=30),
        Limits(max_nodes=64),
        Limits(max_scalar_chars=10),
        Limits(max_number_chars=10),
        Limits(max_key_chars=10),
    ):
        for yaml in (deep, many, long, number, key):
            _agrees(yaml, limits=limits)
    # The root, a, b, the list and its item: five levels.
    assert _scan(deep, 0, Limits(max_depth=4)) is None
    assert isinstance(_scan(deep, 0, Limits(max_depth=5)), QuickView)


_LINE_TOKENS = (
    *(b" ", b"  ", b"\n", b"\n  ", b"\n    ", b"\n- ", b"\n  - ", b"- ", b"-", b":", b": "),
    *(b" #", b"#", b"'", b'"', b"''", b'\\"', b"\\n", b"\\x41", b"\\", b"key: ", b"\n# c\n"),
    *(b"yes", b"null", b"~", b"-1", b"0x1", b"1e3", b".5", b"2020-01-01", b"12:30"),
    *(b"\xc3\xa9", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xc2\x85", b"\t", b"\r", b"---", b"..."),
    *(b"&a ", b"*a", b"!t ", b"|", b">", b"[", b"]", b"{", b"}", b",", b"?", b"%", b"@"),
)


def _text_of(raw: bytes) -> tuple[str, int] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return _yaml_of(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE, _LINE_TOKENS))
def test_mutated_articles_are_read_by_lines_as_by_events(raw: bytes) -> None:
    found = _text_of(raw)
    if found is not None:
        _agrees(*found)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([t.decode("utf-8") for t in _LINE_TOKENS] + ["a", "b"])))
def test_random_lines_are_read_by_lines_as_by_events(tokens: list[str]) -> None:
    _agrees("".join(tokens))


@pytest.mark.parametrize(
    "yaml",
    [
        "a: 1\nb: 2\na: 3\n",
        "a:\nb: x\na: y\n",
        "items:\n  - name: x\n    size: 1\n    name: y\n",
        "top:\n  inner: 1\n  inner: 2\nlater: [unread, by, lines]\n",
    ],
)
def test_a_duplicate_key_is_refused_without_reading_the_events(yaml: str) -> None:
    # The event reader gives up on a duplicate key too: only the full path reports it.
    assert _scan(yaml, 0, DEFAULT_LIMITS) is _REFUSED
    assert quick_view(yaml) is None
    assert quick_view(yaml, lines=False) is None
