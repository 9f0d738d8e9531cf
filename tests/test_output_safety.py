"""No file can forge newsmeta's output: every format, every message path, hostile names and
values generated from what CI logs and terminals act on.

A line of output must never begin (after whitespace) with ``::`` unless newsmeta wrote an
annotation itself, never hold ``##[`` or ``##vso[`` (legacy GitHub and Azure commands,
acted on anywhere in a line), and never hold a raw control, bidi, separator, BOM, C1,
invisible or tag character. JSON output must still decode to the exact names and values.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmeta._escape import (
    github_message,
    github_property,
    json_text,
    markdown_cell,
    printable,
    unsafe,
)
from newsmeta.cli import main

from .conftest import EXAMPLES

ARTICLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")

#: What a CI log or a terminal acts on.
COMMANDS = ("::error::forged", "::add-mask::secret", "##[stop-commands]tok", "##vso[task.complete]")
#: Characters that must never be written raw (one of each family).
HIDDEN = (
    "\x1b[31m",  # ESC: ANSI sequences
    "\x9b31m",  # C1 CSI, the 8-bit escape
    "\x85",  # NEL
    "\r",
    "\x7f",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200f",  # right-to-left mark
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u2062",  # invisible times
    "\U000e0041",  # tag character
)
#: Where a command may hide: first, after whitespace the runner trims, after text, after a
#: line break.
PLACES = ("{}", "  {}", "\u3000{}", "x {}", "x\n{}")


def hostile_strings() -> list[str]:
    """Every command in every place, and every hidden character in the middle of text."""
    made = [place.format(command) for command, place in itertools.product(COMMANDS, PLACES)]
    made += [f"a{char}b" for char in HIDDEN]
    return made


def _yaml_double_quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


_RAW_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
_OWN_ANNOTATION = re.compile(r"^::(error|warning) file=[^:]*,line=\d+,col=\d+.*::")


def assert_unforgeable(text: str, *, annotations: bool = False) -> None:
    """Every line of ``text`` is safe for a terminal and a CI log."""
    bad = _RAW_UNSAFE.search(text)
    assert bad is None, f"raw {bad.group()!r} in output: {text!r}"
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert annotations, f"line begins with '::': {line!r}"
            assert _OWN_ANNOTATION.match(line), f"not newsmeta's annotation: {line!r}"
        assert not re.search(r"##(vso)?\[", line, re.IGNORECASE), f"command in {line!r}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One article per hostile string: named with it, and quoting it in values and a key."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for number, bad in enumerate(hostile_strings()):
        name = f"{bad}-{number}.md".replace("/", "_")
        text = ARTICLE.replace(
            'title: "Harbour City',
            f"title: {_yaml_double_quoted(bad)}\nsubtitle: {_yaml_double_quoted(bad)}\n"
            f'category2: "x"\ntitleX: "Harbour City',
        ).replace("type: article", f"type: {_yaml_double_quoted(bad)}")
        text = text.replace("topics:\n", f"topics:\n  - {_yaml_double_quoted(bad)}\n")
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _run(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> tuple[int, str, str]:
    code = main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the policy itself --------------------------------------------------------------------


@given(st.text())
def test_printable_output_is_always_safe(text: str) -> None:
    assert_unforgeable(printable(text))
    assert "\n" not in printable(text)


@given(
    st.text(st.sampled_from([":", "#", "[", "v", "s", "o", " ", "\t", "\n", "a", "\x7f", "é"])),
    st.sampled_from(["", "\n\t"]),
)
def test_printable_leaves_alone_only_what_its_substitutions_would(text: str, keep: str) -> None:
    """Printable ASCII without "::" or "##" is returned as it is, without the two
    substitutions: exactly what they would have made of it."""
    from newsmeta._escape import _command, _command_escape, _escape_char, _unsafe

    substituted = _unsafe().sub(
        lambda m: m.group() if m.group() in keep else _escape_char(ord(m.group())), text
    )
    assert printable(text, keep) == _command().sub(_command_escape, substituted)


@given(st.text(st.sampled_from(["#", "[", "v", "s", "o", " ", "\t", "\n", "a", "\x7f", '"', "é"])))
def test_json_text_leaves_alone_only_what_its_substitutions_would(text: str) -> None:
    """ASCII text without "##" whose only unprintable characters are line breaks is
    returned as it is: exactly what the substitutions would have made of it."""
    from newsmeta._escape import _json_text_escaped

    assert json_text(text) == _json_text_escaped(text)


@given(st.text())
def test_json_text_is_safe_and_decodes_to_the_same_text(text: str) -> None:
    encoded = json_text(json.dumps(text, ensure_ascii=False))
    assert_unforgeable(encoded)
    assert json.loads(encoded) == text


@given(
    st.one_of(
        st.text(st.characters(max_codepoint=0x7F)),
        st.lists(
            st.sampled_from(
                ["#", "#[", "##[", "##vso[", "##VsO[", "::", "\n", "\x7f", "a", "\u202e", "é"]
            )
        ).map("".join),
        st.text(),
    )
)
def test_json_text_s_shortcut_gives_what_escaping_gives(text: str) -> None:
    from newsmeta._escape import _json_text_escaped

    for encoded in (text, json.dumps(text, ensure_ascii=False)):
        assert json_text(encoded) == _json_text_escaped(encoded)


@given(st.text())
def test_github_and_markdown_escapes_are_always_safe(text: str) -> None:
    for escaped in (github_message(text), github_property(text), markdown_cell(text)):
        assert_unforgeable(escaped)
        assert "\n" not in escaped


@pytest.mark.parametrize("bad", hostile_strings())
def test_each_hostile_string_is_made_visible(bad: str) -> None:
    shown = printable(bad)
    assert_unforgeable(shown)
    # Only "x ::error::..." is left as it is: a '::' after text starts no command.
    assert unsafe(bad) == (shown != bad) == (not bad.startswith("x ::"))
    assert json.loads(json_text(json.dumps(bad, ensure_ascii=False))) == bad


def test_multi_line_text_is_guarded_on_every_line() -> None:
    shown = printable("ok\n::error::x\n  ::warning::y\nz ##[add-mask]w", keep="\n")
    assert shown.split("\n") == [
        "ok",
        "\\x3a:error::x",
        "  \\x3a:warning::y",
        "z \\x23#[add-mask]w",
    ]


# --- every format of validate ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_validate_output_cannot_be_forged(
    hostile: list[Path], capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, err = _run(capsys, ["validate", "--format", fmt, *map(str, hostile)])
    assert code == 1
    assert_unforgeable(out, annotations=fmt == "github")
    assert_unforgeable(err)
    if fmt == "json":
        paths = {entry["path"] for entry in json.loads(out)["files"]}
        assert paths == {str(p) for p in hostile}  # exact names, decoded
        messages = " ".join(
            p["message"] for entry in json.loads(out)["files"] for p in entry["problems"]
        )
        assert "\u202e" in messages  # values are quoted exactly, escaped only on the wire
    elif fmt == "sarif":
        json.loads(out)
    elif fmt == "junit":
        ET.fromstring(out)


def test_the_github_step_summary_cannot_be_forged(
    hostile: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _run(capsys, ["validate", "--format", "github", *map(str, hostile)])
    assert_unforgeable(summary.read_text(encoding="utf-8"))


# --- every other command and message path -------------------------------------------------


def _every_command(path: Path, bad: str) -> list[list[str]]:
    file = str(path)
    return [
        ["get", file, "title"],
        ["get", file, str(path.parent / "missing.md"), "title"],  # bulk form, prefixed
        ["get", file, "subtitle"],
        ["get", file, "topics"],
        ["get", file, bad],  # a hostile PATH argument
        ["set", "--dry-run", file, "title", "Plain"],
        ["set", "--dry-run", file, "type", bad],
        ["set", file, "heat", "-5"],  # refused: introduces an error
        ["set", file, "title", bad, "--string"],
        ["unset", file, bad],
        ["append", "--dry-run", file, "topics", bad, "--string"],
        ["insert", file, "topics", "zero", "x"],  # usage error quoting the INDEX
        ["set", file + ".missing", "title", "x"],  # I/O error naming the file
        ["fix", "--dry-run", file],
        ["fix", file],
        ["export", file, "--with-body", "--with-problems"],
        ["export", "--format", "json", file],
        ["explain", bad],
        ["validate", "--select", bad, file],  # configuration error quoting the selector
        ["validate", "--format", bad, file],  # argparse's own error
    ]


def test_every_command_and_message_path_is_unforgeable(
    hostile: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tried = 0
    for path, bad in zip(hostile, hostile_strings(), strict=True):
        for arguments in _every_command(path, bad):
            with contextlib.suppress(SystemExit):  # argparse exits on a usage error
                main(arguments)
            captured = capsys.readouterr()
            out, err = captured.out, captured.err
            assert_unforgeable(out)
            assert_unforgeable(err)
            tried += 1
    assert tried == len(hostile) * len(_every_command(hostile[0], ""))


def test_a_read_only_hostile_file_is_refused_in_one_safe_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "::error::ro\u202e\n##[add-mask]x.md"
    path.write_text(ARTICLE, encoding="utf-8")
    path.chmod(0o444)
    code, _, err = _run(capsys, ["set", str(path), "title", "x"])
    assert code == 2  # a file that cannot be written as it is: an I/O error
    assert err.count("\n") == 1
    assert "read-only" in err
    assert_unforgeable(err)


def test_get_prints_risky_strings_as_json_and_raw_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.md"
    value = "line one\n::add-mask::secret"
    doc_text = ARTICLE.replace('title: "Harbour City', f'title: {json.dumps(value)}\ntitleX: "H')
    path.write_text(doc_text, encoding="utf-8")
    code, out, _ = _run(capsys, ["get", str(path), "title"])
    assert code == 0
    assert out == json.dumps(value) + "\n"
    assert json.loads(out) == value
    code, out, _ = _run(capsys, ["get", str(path), "title", "--raw"])
    assert out == value + "\n"
    code, out, _ = _run(capsys, ["get", str(path), "excerpt"])
    assert out.startswith("The council approved")  # a safe string stays plain


def test_get_help_says_when_a_string_is_printed_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["get", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "as a JSON string when it holds a line break" in text
    assert "--raw" in text


def test_names_with_undecodable_bytes_are_safe_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = os.fsdecode(b"bad-\xff-::error::x.md")
    path = tmp_path / name
    path.write_text(ARTICLE.replace("type: article", "type: nope"), encoding="utf-8")
    for arguments in (
        ["validate", "--format", "json", str(path)],
        ["validate", str(path)],
        ["set", str(path), "heat", "-5"],
        ["get", str(path), "nope"],
    ):
        _, out, err = _run(capsys, arguments)
        assert_unforgeable(out)
        assert_unforgeable(err)
