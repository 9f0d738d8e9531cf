"""Hostile and broken input: every input gets located problems, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta._check import analyse, decode
from newsmeta.problems import CODES

from .articles import mutated
from .conftest import EXAMPLES

_SAMPLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()


def _check_answer(raw: bytes) -> None:
    text, findings = decode(raw)
    analysis = analyse(text, prior=findings)
    assert text.encode("utf-8", "surrogateescape") == raw
    for problem in analysis.problems:
        assert problem.code in CODES
        assert problem.line >= 1
        assert problem.column >= 1
        assert (problem.end_line, problem.end_column) >= (problem.line, problem.column)
    doc = newsmeta.loads(text)
    assert doc.text == text
    assert doc.dumps() == text  # load then dump is the identity, whatever the input
    _ = doc.article


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    _check_answer(raw)
    _check_answer(b"---\n" + raw + b"\n---\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SAMPLE))
def test_mutated_articles_never_raise(raw: bytes) -> None:
    _check_answer(raw)


ALIAS_BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def test_alias_bomb_is_refused_without_expanding() -> None:
    doc = newsmeta.loads(ALIAS_BOMB)
    codes = {p.code for p in doc.problems}
    assert {"yaml-anchor", "yaml-alias"} <= codes
    assert not doc.ok


#: Oversized or odd front matter, with the code each one must be reported with.
ODD_INPUTS = [
    ("---\na: " + "x" * 70_000 + "\n---\n", "limit-scalar-length"),
    ("---\n" + "k" * 300 + ": 1\n---\n", "limit-key-length"),
    ("---\n" + "a: 1\n" * 60_000 + "---\n", "limit-front-matter-size"),
    ("---\npublishedDateTime: 2020-02-30T00:00:00Z\n---\n", "schema-format"),
    ("---\na: !!binary aGVsbG8=\n---\n", "yaml-tag"),
]


@pytest.mark.parametrize(("text", "code"), ODD_INPUTS)
def test_oversized_or_odd_input_is_a_located_problem(text: str, code: str) -> None:
    doc = newsmeta.loads(text)
    assert code in {p.code for p in doc.problems}


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    from newsmeta.validation import check_path

    path = tmp_path / "huge.md"
    path.write_bytes(b"---\n" + b"a: 1\n" * 900_000 + b"---\n")
    assert [p.code for p in check_path(path).problems] == ["limit-file-size"]
    with pytest.raises(newsmeta.FileTooLargeError, match="larger than the limit of 4194304"):
        newsmeta.load(path)


def test_unparsable_url_host_is_reported_not_raised() -> None:
    # Found by the atheris harness: urlsplit raises ValueError on a ']' in the host.
    text = (EXAMPLES / "2024-04-02-late-frost-cherries.md").read_text(encoding="utf-8")
    broken = text.replace("news.example.org/2024", "news.ex]ample.org/2024", 1)
    assert broken != text
    doc = newsmeta.loads(broken)
    assert "schema-format" in {p.code for p in doc.problems}


@pytest.mark.parametrize("value", ["-_", "+_", "_", "0x_", "0b_", "0o_", "._"])
def test_digitless_number_patterns_read_as_strings(value: str) -> None:
    # Found by the atheris harness: ruamel's int pattern matches '-_', which has no digits.
    doc = newsmeta.loads(f"---\ntitle: {value}\n---\n")
    assert isinstance(doc.data, dict)
    assert doc.data["title"] == value


def test_the_walk_reports_fifos_loops_and_missing_files_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from newsmeta.cli import main
    from newsmeta.validation import check_path

    shutil_copy = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()
    (tmp_path / "good.md").write_bytes(shutil_copy)
    os.mkfifo(tmp_path / "fifo.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    assert check_path(tmp_path / "fifo.md").problems[0].code == "io-not-regular-file"
    assert check_path(tmp_path / "loop.md").problems[0].code == "io-symlink-loop"
    assert check_path(tmp_path / "gone.md").problems[0].code == "io-file-missing"
    assert check_path(tmp_path / "sub").problems[0].code == "io-not-regular-file"
    status = main(["validate", "--format", "text", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 2
    assert "io-not-regular-file" in out
    assert "io-symlink-loop" in out
    assert out.count("good.md") == 0  # valid, so no line of its own
    assert "3 files" in out


def test_loading_a_fifo_raises_instead_of_blocking(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.md")
    with pytest.raises(OSError, match="FIFO"):
        newsmeta.load(tmp_path / "fifo.md")


def test_surrogate_escapes_are_reported_not_raised() -> None:
    # "\udb40\udc41" in a double-quoted scalar gives lone surrogates, which the compiled
    # schema engine cannot take; the reference engine decides instead.
    text = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")
    text = text.replace('title: "Harbour City', 'title: "\\udb40\\udc41Harbour City')
    text = text.replace("category: news\n", "")  # an error about the whole mapping
    doc = newsmeta.loads(text)
    assert {"text-control-character", "schema-required"} <= {p.code for p in doc.problems}
