"""What YAML 1.1 readers see: values newsmeta writes are text to PyYAML and Psych too,
and plain values they would read as something else are reported and fixed by quoting.

PyYAML is the YAML 1.1 reader run here; Ruby's Psych (Jekyll) is modelled from its
scalar scanner (:func:`newsmeta._yamltree._psych_reading`), and the forms it reads beyond
the YAML 1.1 tables are checked against what its source does.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta._yamltree import (
    Mapping,
    Sequence,
    _psych_reading,
    resolve_plain,
    yaml11_differs,
    yaml11_reading,
)
from newsmeta.errors import EditError
from newsmeta.fixing import apply_fixes, fix_document, fixable_codes
from newsmeta.validation import check_bytes

from .conftest import EXAMPLES

ARTICLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")

#: Plain scalars some YAML 1.1 reader types differently from YAML 1.2, or reads as text.
TRICKY = [
    "yes", "No", "ON", "off", "y", "n", "Y", "True", "tRue", "nULL", "Null", "~", "",
    "0777", "012", "07", "00", "09", "0o17", "0x1F", "0b101", "1_000", "+12", "-0",
    "12:30", "1:20:30", "0:30", "1:20.5", "1,000", "1,000.5", "1,", "1,2,3",
    "1e3", "1.5e3", "1.5e+3", "+.5", ".5", "1.", ".inf", "-.Inf", ".NaN",
    "2024-05-01", "2024-5-1", "2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00Z",
    "2024-05-01 10:00:00", ":symbol", "=", "<<", "news", "Solar Energy", "1.2.3", "v1",
]  # fmt: skip


def _pyyaml(value: str) -> object:
    """What PyYAML reads the plain scalar ``value`` as, or the exception it raises."""
    try:
        return yaml.safe_load(f"a: {value}\n")["a"]
    except yaml.YAMLError as exc:
        return exc


def _front_matter(text: str) -> dict[str, object]:
    yaml_text = re.match(r"---\r?\n(.*?)^---\r?$", text, re.DOTALL | re.MULTILINE)
    assert yaml_text is not None
    loaded = yaml.safe_load(yaml_text.group(1))
    assert isinstance(loaded, dict)
    return loaded


# --- the readings ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", TRICKY)
def test_every_value_pyyaml_reads_differently_is_an_ambiguity(value: str) -> None:
    document = newsmeta.loads(f"---\na: {value}\n---\n")
    if not isinstance(document.data, dict) or "a" not in document.data:
        pytest.skip("not a plain scalar value")
    if any(p.code == "yaml-number-not-finite" for p in document.problems):
        pytest.skip("not a value in JSON: reported as such")
    ours = document.data["a"]
    theirs = _pyyaml(value)
    if isinstance(theirs, dt.date):
        theirs = value  # a timestamp is text in newsmeta's view: the rule decides by field
    same = type(theirs) is type(ours) and (theirs == ours or theirs != theirs)
    flagged = any(p.code == "yaml-1.1-ambiguous" for p in document.problems)
    if not same:
        assert flagged, (value, ours, theirs)
    assert flagged == yaml11_differs(value, resolve_plain(value))


@pytest.mark.parametrize(
    ("value", "psych"),
    [
        # Psych's scalar scanner: words of up to five letters in any case...
        ("YeS", "bool"),
        ("oFf", "bool"),
        ("nULL", "null"),
        ("yesno", "str"),
        ("Yes!", "str"),
        ("Norway", "str"),
        # ...a leading colon makes a symbol, commas are dropped from numbers...
        (":name", "symbol"),
        (":", "str"),
        ("1,000", "int"),
        ("1,000.5", "float"),
        ("1,2,3", "int"),
        ("1,a", "str"),
        # ...dates with one-digit months, and base 60 from a leading zero.
        ("2024-5-1", "timestamp"),
        ("2024-05-01 10:00:00", "timestamp"),
        ("0:30", "int"),
        ("1.2.3", "str"),
        ("news", "str"),
    ],
)
def test_psych_reads_what_its_scalar_scanner_reads(value: str, psych: str) -> None:
    assert _psych_reading(value) == psych


def test_a_number_with_a_leading_zero_is_ambiguous_only_when_octal_changes_it() -> None:
    assert yaml11_reading("012", "int") == "octal"
    assert yaml11_reading("07", "int") is None
    assert yaml11_reading("00", "int") is None
    assert yaml11_reading("09", "int") == "str"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("yes", "read 'yes' as a boolean, not as text; quote it."),
        ("12:30", "read '12:30' as a number, not as text; quote it."),
        ("012", "read '012' as the octal number 10, not 12; write the number without its"),
        ("1e3", "read '1e3' as text, not as a number; write it as 1000.0."),
        (":x", "read ':x' as a Ruby symbol (which Jekyll refuses), not as text"),
    ],
)
def test_the_message_says_what_the_other_readers_see_and_what_to_do(value: str, words: str) -> None:
    [problem] = [
        p for p in newsmeta.loads(f"---\na: {value}\n---\n").problems if p.code.startswith("yaml")
    ]
    assert problem.code == "yaml-1.1-ambiguous"
    assert problem.message.startswith("YAML 1.1 readers (PyYAML, Jekyll) ")
    assert words in problem.message


# --- what the editor writes -------------------------------------------------------------------

_TEXTS = st.one_of(
    st.sampled_from(TRICKY).filter(bool),
    st.text(alphabet="0123456789:-+.,_eEToOnNyYxX~ ", min_size=1, max_size=12).map(str.strip),
).filter(bool)


def _edited(text: str, edit: str, value: str) -> newsmeta.Document:
    document = newsmeta.loads(text)
    if edit == "set-plain":
        document.set("provider.name", value)
    elif edit == "set-plain-date":
        document.set("provider.name", "2024-01-01")
        document.set("provider.name", value)
    elif edit == "set-new":
        document.unset("category")
        document.set("category", value)
    elif edit == "append":
        document.append("topics", value)
    elif edit == "insert":
        document.insert("topics", 0, value)
    elif edit == "set-flow":
        document.set("topics", ["a"])
        document.unset("topics")
        document.set("provider.images", [])
        document.append("provider.images", {"url": "https://a.org/x.png", "title": value})
    else:
        article = document.article
        assert article is not None
        document.article = attrs.evolve(article, topics=(*article.topics, value))
    return document


_READ_BACK = {
    "set-plain": ("provider", "name"),
    "set-plain-date": ("provider", "name"),
    "set-new": ("category",),
    "append": ("topics", -1),
    "insert": ("topics", 0),
    "set-flow": ("provider", "images", -1, "title"),
    "typed": ("topics", -1),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit=st.sampled_from(sorted(_READ_BACK)), value=_TEXTS)
def test_text_newsmeta_writes_is_text_to_yaml_1_1_readers(edit: str, value: str) -> None:
    try:
        document = _edited(ARTICLE, edit, value)
    except EditError as refused:  # pragma: no cover - a refusal must say why
        pytest.fail(f"{edit} {value!r} refused: {refused}")
    assert not [p for p in document.problems if p.code == "yaml-1.1-ambiguous"]
    read: object = _front_matter(document.text)
    for part in _READ_BACK[edit]:
        read = read[part]  # type: ignore[index]
    assert read == value
    # Psych reads what PyYAML reads, and more: a plain value must be text to it too. The
    # value is written plain when the edit added a line ending in it (the article may hold
    # the same text already, as a number: `width: 64`).
    node_text = (
        value
        if any(
            document.text.count(line) > ARTICLE.count(line)
            for line in (f": {value}\n", f"- {value}\n")
        )
        else ""
    )
    if node_text:
        assert _psych_reading(node_text) == "str"


def test_a_datetime_for_a_text_field_is_written_quoted(tmp_path: Path) -> None:
    document = newsmeta.loads(ARTICLE)
    stamp = dt.datetime(2024, 5, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    document.append("topics", stamp)
    document.set("provider.name", stamp)
    assert '  - "2024-05-01T10:00:00+02:00"\n' in document.text
    assert 'name: "2024-05-01T10:00:00+02:00"\n' in document.text
    document.set("publishedDateTime", stamp)
    assert "\npublishedDateTime: 2024-05-01T10:00:00+02:00\n" in document.text


def test_the_command_line_quotes_a_timestamp_given_for_a_text_field(tmp_path: Path) -> None:
    from newsmeta.cli import main

    path = tmp_path / "a.md"
    path.write_text(ARTICLE, encoding="utf-8")
    for key in ("title", "provider.name"):
        assert main(["set", str(path), key, "2024-05-01T10:00:00+02:00"]) == 0
    assert main(["append", str(path), "topics", "2024-05-01T10:00:00+02:00"]) == 0
    front = _front_matter(path.read_text(encoding="utf-8"))
    assert front["title"] == "2024-05-01T10:00:00+02:00"
    assert front["provider"] == {"name": "2024-05-01T10:00:00+02:00", "domain": "example.org"}
    assert front["topics"][-1] == "2024-05-01T10:00:00+02:00"  # type: ignore[index]


def test_a_float_is_written_with_a_dot_pyyaml_reads() -> None:
    document = newsmeta.loads(ARTICLE)
    document.set("extra", 1e20)
    assert yaml.safe_load(document.text.split("---\n")[1])["extra"] == 1e20


# --- the rule: plain dates in text fields ----------------------------------------------------


@pytest.mark.parametrize(
    ("find", "replace", "pointer"),
    [
        ("  - Education", "  - 2024-05-01", "/topics/1"),
        ("name: Example Gazette", "name: 2024-05-01T10:00:00+02:00", "/provider/name"),
        ("  - Education", "  - 2024-5-1", "/topics/1"),
        ("category: news", "category: 2024-05-01 10:00:00", "/category"),
    ],
)
def test_a_plain_date_in_a_text_field_is_reported_at_the_value(
    find: str, replace: str, pointer: str
) -> None:
    text = ARTICLE.replace(find, replace)
    problems = [p for p in check_bytes(text.encode()).problems if p.code == "yaml-1.1-ambiguous"]
    [problem] = problems
    assert problem.pointer == pointer
    line = text.split("\n")[problem.line - 1]
    value = replace.split(": " if ": " in replace else "- ", 1)[1]
    assert line[problem.column - 1 : problem.end_column - 1] == value
    assert "as a date, not as text; quote it." in problem.message
    # The full path agrees with the quick path.
    assert [p for p in newsmeta.loads(text).problems if p.code == "yaml-1.1-ambiguous"] == problems


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        ("  - Education", '  - "2024-05-01"'),
        ("  - Education", "  - '2024-05-01'"),
        ("  - Education", "  - >-\n    2024-05-01"),
        ("publishedDateTime: 2024-03-05T18:30:00Z", "publishedDateTime: 2024-03-05T18:30:00Z"),
        ("published: true", "published: true\nupdated: 2024-05-01"),
    ],
)
def test_no_report_for_a_quoted_date_a_date_field_or_a_key_the_format_does_not_type(
    find: str, replace: str
) -> None:
    text = ARTICLE.replace(find, replace)
    assert not [p for p in check_bytes(text.encode()).problems if p.code == "yaml-1.1-ambiguous"]


# --- the fix: quoting ----------------------------------------------------------------------------


def test_the_fix_quotes_the_value_and_changes_nothing_else() -> None:
    text = ARTICLE.replace("  - Education", "  - 2024-05-01\n  - yes").replace(
        "name: Example Gazette", "name: 12:30  # a comment"
    )
    document = newsmeta.loads(text)
    report = apply_fixes(document, {"yaml-1.1-ambiguous"})
    assert [(f.pointer, f.old, f.new) for f in report.applied] == [
        ("/provider/name", "12:30", "12:30"),
        ("/topics/1", "2024-05-01", "2024-05-01"),
        ("/topics/2", "yes", "yes"),
    ]
    assert report.unfixed == ()
    expected = ARTICLE.replace("  - Education", '  - "2024-05-01"\n  - "yes"').replace(
        "name: Example Gazette", 'name: "12:30"  # a comment'
    )
    assert document.text == expected
    assert "yaml-1.1-ambiguous" in fixable_codes()


def test_a_number_pyyaml_reads_in_octal_is_left_with_the_reason() -> None:
    text = ARTICLE.replace("quality: 64", "quality: 0100")
    document = newsmeta.loads(text)
    report = apply_fixes(document)
    [unfixed] = [u for u in report.unfixed if u.code == "yaml-1.1-ambiguous"]
    assert unfixed.pointer == "/quality"
    assert "not text, and quoting it would change it" in unfixed.reason
    assert "octal number 64, not 100" in unfixed.message
    assert "quality: 0100\n" in document.text


def test_the_language_server_offers_the_quoting_as_a_quick_fix() -> None:
    pytest.importorskip("lsprotocol")
    from newsmeta.lsp import features
    from newsmeta.lsp.positions import TextMap

    text = ARTICLE.replace("  - Education", "  - 2024-05-01")
    lines = TextMap(text)
    problems = check_bytes(text.encode()).problems
    actions = features.code_actions(
        text, "file:///a.md", 1, None, lines, problems, (0, len(text)), features.Client()
    )
    [quote] = [a for a in actions if a.title == "Quote topics[1]"]
    assert quote.edit is not None
    assert quote.edit.changes is not None
    from .lsp_helpers import apply_edits

    fixed = apply_edits(text, quote.edit.changes["file:///a.md"])
    assert fixed == text.replace("  - 2024-05-01", '  - "2024-05-01"')


# --- real files -----------------------------------------------------------------------------------

_AMBIGUOUS = ["{date}", "{stamp}", "yes", "Off", "12:30", "1,000", "nULL"]


def test_on_real_files_the_rule_reports_each_planted_value_and_the_fix_only_quotes_it(
    corpus: list[Path],
) -> None:
    """Each real file as it is has no ambiguity; with its first topic replaced by a plain
    value YAML 1.1 readers misread (its own date, its timestamp, `yes`...), it has exactly
    that one more problem, and the fix writes exactly that value quoted."""
    planted = 0
    for index, path in enumerate(corpus):
        text = path.read_text(encoding="utf-8")
        before = check_bytes(text.encode(), str(path)).problems
        assert not [p for p in before if p.code == "yaml-1.1-ambiguous"], path
        document = newsmeta.loads(text)
        data, root = document.data, document.node
        assert isinstance(data, dict)
        assert isinstance(root, Mapping)
        pair = root.get("topics")
        if pair is None or not isinstance(pair[1], Sequence) or not pair[1].items:
            continue
        stamp = str(data["publishedDateTime"])
        value = _AMBIGUOUS[index % len(_AMBIGUOUS)].format(date=stamp[:10], stamp=stamp)
        first = pair[1].items[0]
        variant = text[: first.start] + value + text[first.end :]
        after = check_bytes(variant.encode(), str(path)).problems
        added = [p for p in after if p.code == "yaml-1.1-ambiguous"]
        assert [p.pointer for p in added] == ["/topics/0"], (path, value)
        assert [p for p in after if p.code != "yaml-1.1-ambiguous"] == [
            p for p in before if p.pointer != "/topics/0"
        ], path
        fixed = newsmeta.loads(variant)
        applied = fix_document(fixed, {"yaml-1.1-ambiguous"})
        assert len(applied) == 1
        assert fixed.text == text[: first.start] + '"' + value + '"' + text[first.end :]
        topics = _front_matter(fixed.text)["topics"]
        assert isinstance(topics, list)
        assert topics[0] == value
        planted += 1
    assert planted > len(corpus) // 2
