"""What every command does with inputs, configuration, output files and statistics; ``fix``
for CI; bulk edits with a summary. In process, with the working directory in a scratch
folder and no CI variables."""

from __future__ import annotations

import errno
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsmeta.cli import main
from newsmeta.cli.common import Progress
from newsmeta.cli.validate import POOL_THRESHOLD, worker_count

from .conftest import EXAMPLES

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
BROKEN = EXAMPLES / "2024-04-02-late-frost-cherries.md"
FIXABLE = EXAMPLES / "2024-05-20-market-hall.md"  # three fixable warnings


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _copy(source: Path, target: str) -> Path:
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, path)
    return path


# --- inputs ---------------------------------------------------------------------------------


def test_a_markdown_file_in_a_validated_directory_is_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _copy(GOOD, "content/a.md")
    _copy(BROKEN, "content/b.markdown")
    assert main(["validate", "content"]) == 1
    out = capsys.readouterr().out
    assert "content/b.markdown:5:1: error schema-unknown-key" in out
    assert "2 files," in out


def test_the_extensions_are_configurable(capsys: pytest.CaptureFixture[str]) -> None:
    _copy(GOOD, "content/a.md")
    _copy(BROKEN, "content/b.mdx")
    Path("newsmeta.toml").write_text('extensions = [".mdx"]\n', encoding="utf-8")
    assert main(["validate", "content"]) == 1
    out = capsys.readouterr().out
    assert out.endswith("1 file, 8 errors, 0 warnings\n")


def _deny(monkeypatch: pytest.MonkeyPatch, denied: str) -> None:
    """Make the directory ``denied`` unreadable (permissions do not bind root)."""
    real = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(os.fspath(path)) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subdirectory_is_a_located_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy(GOOD, "content/a.md")
    _copy(GOOD, "content/locked/b.md")
    _deny(monkeypatch, "locked")
    assert main(["validate", "--format", "json", "content"]) == 2
    files = {f["path"]: f["problems"] for f in json.loads(capsys.readouterr().out)["files"]}
    (problem,) = files["content/locked"]
    assert problem["code"] == "io-permission-denied"
    assert "could not be read" in problem["message"]
    assert files["content/a.md"] == []


def test_fix_and_edits_report_an_unreadable_subdirectory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy(FIXABLE, "content/a.md")
    _copy(FIXABLE, "content/locked/b.md")
    _deny(monkeypatch, "locked")
    assert main(["fix", "content"]) == 2
    assert "content/locked: error io-permission-denied" in capsys.readouterr().err
    assert main(["set", "content", "heat", "3"]) == 2
    assert "content/locked" in capsys.readouterr().err


def test_inputs_that_are_all_excluded_pass_with_no_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # pre-commit may pass only excluded files: that is not a mistake.
    _copy(BROKEN, "drafts/b.md")
    Path("newsmeta.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    assert main(["validate", "drafts/b.md"]) == 0
    assert capsys.readouterr().out == "0 files, 0 errors, 0 warnings\n"


def test_workers_are_capped_at_what_can_help(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmeta.cli import validate

    monkeypatch.setattr(validate, "cpu_count", lambda: 4)
    assert worker_count(200, 400) == 4
    assert worker_count(1_000_000, 400) == 4
    assert worker_count(None, 400) == 4
    assert worker_count(3, 400) == 3
    assert worker_count(200, POOL_THRESHOLD - 1) == 1  # small runs stay in one process


# --- output ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_output_file_works_for_every_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    _copy(BROKEN, "b.md")
    assert main(["validate", "--format", fmt, "--output-file", "report.out", "b.md"]) == 1
    assert capsys.readouterr().out == ""
    text = Path("report.out").read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(text)
    else:
        assert "schema-enum" in text


def test_statistics_count_codes_and_mark_the_fixable(capsys: pytest.CaptureFixture[str]) -> None:
    _copy(FIXABLE, "a.md")
    _copy(FIXABLE, "b.md")
    _copy(BROKEN, "c.md")
    assert main(["validate", "--statistics", "."]) == 1
    lines = capsys.readouterr().out.splitlines()
    # Most frequent first, then by code.
    assert [line.split()[:2] for line in lines[:3]] == [
        ["2", "schema-minimum"],
        ["2", "schema-required"],
        ["2", "text-html-entity"],
    ]
    fixable = [line for line in lines if "[fix]" in line]
    assert {line.split()[1] for line in fixable} == {
        "text-html-entity",
        "text-mojibake",
        "text-whitespace",
    }
    assert lines[-1] == "6 of these are fixable with `newsmeta fix`."
    assert main(["validate", "--statistics", "--format", "json", "."]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["fixable"] == 6
    counts = [entry["count"] for entry in document["statistics"]]
    assert counts == sorted(counts, reverse=True)


def test_rules_mark_the_fixable_codes_in_text_and_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert " fix " in lines["text-mojibake"]
    assert " fix " not in lines["schema-enum"]
    assert main(["rules", "--format", "json"]) == 0
    entries = {e["code"]: e for e in json.loads(capsys.readouterr().out)}
    assert entries["text-mojibake"]["fixable"] is True
    assert entries["schema-enum"]["fixable"] is False
    assert entries["schema-enum"]["severity"] == "error"


def test_explain_ignores_case_and_lists_a_family(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "TEXT-Mojibake"]) == 0
    assert capsys.readouterr().out.startswith("text-mojibake (warning, rules)")
    assert main(["explain", "schema"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("schema: a family of")
    assert "schema-unknown-key" in out


def test_select_and_ignore_ignore_case(capsys: pytest.CaptureFixture[str]) -> None:
    _copy(BROKEN, "b.md")
    assert main(["validate", "--select", "SCHEMA-Enum", "b.md"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines[:-1]] == ["schema-enum"]
    assert main(["validate", "--ignore", "Schema", "b.md"]) == 0


# --- fix --------------------------------------------------------------------------------------


def test_fix_check_exits_1_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(FIXABLE, "content/a.md")
    assert main(["fix", "--check", "content"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "would fix 3 problems in content/a.md",
        "would fix 3 problems in 1 file",
    ]
    assert path.read_bytes() == FIXABLE.read_bytes()
    assert main(["fix", "content"]) == 0
    capsys.readouterr()
    assert main(["fix", "--check", "content"]) == 0  # nothing left to fix
    assert capsys.readouterr().out == "would fix 0 problems in 0 files\n"


def test_fix_quiet_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(FIXABLE, "a.md")
    assert main(["fix", "--quiet", "a.md"]) == 0
    assert capsys.readouterr().out == ""
    assert path.read_bytes() != FIXABLE.read_bytes()


def test_fix_counts_what_it_could_not_fix_safely(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.rules import fixes

    # A repair that cannot make the value right leaves the problem for a person.
    monkeypatch.setitem(fixes(), "text-whitespace", lambda value: value)
    _copy(FIXABLE, "a.md")
    assert main(["fix", "a.md"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == (
        "fixed 2 problems in 1 file; 1 problem in 1 file could not be fixed safely "
        "(each is listed above with the reason)"
    )
    [reason] = captured.err.splitlines()
    assert reason.startswith("a.md:")
    assert ": text-whitespace: not fixed: the safe fix finds nothing to change" in reason


def test_fix_writes_then_shows_and_reports_a_failed_write_with_its_io_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.document import Document

    first = _copy(FIXABLE, "content/a.md")
    second = _copy(FIXABLE, "content/b.md")
    real_save = Document.save

    def save(self: Document, *args: object, **kwargs: object) -> None:
        if self.path is not None and self.path.name == "a.md":
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        real_save(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Document, "save", save)
    assert main(["fix", "content"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "content/a.md: error io-error: not written: No space left on device"
    ]
    assert "a/content/a.md" not in captured.out  # no diff for a file not written
    assert "--- a/content/b.md\n+++ b/content/b.md\n" in captured.out
    assert first.read_bytes() == FIXABLE.read_bytes()
    assert second.read_bytes() != FIXABLE.read_bytes()


def test_fix_honours_the_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    kept = _copy(FIXABLE, "content/a.md")
    skipped = _copy(FIXABLE, "content/drafts/b.md")
    Path("newsmeta.toml").write_text(
        'include = ["content"]\nexclude = ["drafts"]\nignore = ["text-whitespace"]\n',
        encoding="utf-8",
    )
    assert main(["fix"]) == 0  # no PATH: the configured include
    assert capsys.readouterr().out.splitlines()[-1] == "fixed 2 problems in 1 file"
    assert skipped.read_bytes() == FIXABLE.read_bytes()
    assert kept.read_text(encoding="utf-8") != FIXABLE.read_text(encoding="utf-8")
    from newsmeta import load

    assert {p.code for p in load(kept).problems} == {"text-whitespace"}


def test_fix_takes_exclude_and_any_config_file(capsys: pytest.CaptureFixture[str]) -> None:
    kept = _copy(FIXABLE, "content/a.md")
    skipped = _copy(FIXABLE, "content/old/b.md")
    Path("ci-settings.toml").write_text('ignore = ["text-mojibake"]\n', encoding="utf-8")
    assert main(["fix", "--config", "ci-settings.toml", "--exclude", "old", "content"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "fixed 2 problems in 1 file"
    assert skipped.read_bytes() == FIXABLE.read_bytes()
    assert kept.read_bytes() != FIXABLE.read_bytes()


# --- bulk edits ---------------------------------------------------------------------------


def test_edits_use_include_and_exclude_and_end_with_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("a", "b", "c"):
        _copy(GOOD, f"content/{name}.md")
    _copy(GOOD, "content/drafts/d.md")
    Path("content/c.md").write_text(
        GOOD.read_text(encoding="utf-8").replace("heat: 38", "heat: 12"), encoding="utf-8"
    )
    Path("pyproject.toml").write_text(
        '[tool.newsmeta]\ninclude = ["content"]\nexclude = ["content/drafts"]\n',
        encoding="utf-8",
    )
    assert main(["set", "heat", "12"]) == 0  # no FILE: the configured include
    err = capsys.readouterr().err
    assert err == "newsmeta set: 3 files: 2 changed, 1 unchanged\n"
    assert "heat: 12" in Path("content/a.md").read_text(encoding="utf-8")
    assert Path("content/drafts/d.md").read_bytes() == GOOD.read_bytes()
    assert main(["set", "--exclude", "b.md", "heat", "13"]) == 0
    assert capsys.readouterr().err == "newsmeta set: 2 files: 2 changed, 0 unchanged\n"


def test_a_bulk_edit_summary_says_why_files_were_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _copy(GOOD, "content/a.md")
    _copy(GOOD, "content/b.md")
    Path("content/b.md").write_text(
        GOOD.read_text(encoding="utf-8").replace("provider:", "provider: &p", 1),
        encoding="utf-8",
    )
    assert main(["set", "content", "quality", "--", "-5"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "newsmeta set: 2 files: 0 changed, 0 unchanged, 2 refused (2 would introduce errors)"
    )


def test_the_configuration_decides_which_new_problems_refuse_an_edit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _copy(GOOD, "a.md")
    assert main(["set", "a.md", "subtitle", "x"]) == 1  # an unknown key is an error
    assert "schema-unknown-key" in capsys.readouterr().err
    Path("newsmeta.toml").write_text('ignore = ["schema-unknown-key"]\n', encoding="utf-8")
    assert main(["set", "a.md", "subtitle", "x"]) == 0
    assert "subtitle: x" in path.read_text(encoding="utf-8")
    Path("newsmeta.toml").write_text('[severity]\nschema-minimum = "warning"\n', encoding="utf-8")
    assert main(["set", "a.md", "quality", "--", "-1"]) == 0


def test_a_warning_the_configuration_raises_to_an_error_refuses_an_edit_that_brings_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _copy(GOOD, "a.md")
    raised = '[severity]\ntext-whitespace = "error"\n'
    Path("newsmeta.toml").write_text(raised, encoding="utf-8")
    assert main(["set", "a.md", "title", '" Padded "']) == 1
    assert "text-whitespace" in capsys.readouterr().err
    assert path.read_bytes() == GOOD.read_bytes()
    assert main(["edit", '.title = " Padded "', "a.md"]) == 1
    assert path.read_bytes() == GOOD.read_bytes()
    Path("newsmeta.toml").unlink()  # a warning by default: written
    assert main(["set", "a.md", "title", '" Padded "']) == 0
    # Raised again, the file already has it: an edit elsewhere does not bring it.
    Path("newsmeta.toml").write_text(raised, encoding="utf-8")
    assert main(["set", "a.md", "title", '" Other "']) == 0
    assert 'title: " Other "' in path.read_text(encoding="utf-8")


def test_a_missing_path_segment_suggests_the_closest_existing_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _copy(GOOD, "a.md")
    assert main(["get", "a.md", "provider.nmae"]) == 1
    assert "did you mean 'provider.name'?" in capsys.readouterr().err
    assert main(["get", "a.md", "Provider.name"]) == 1
    assert "did you mean 'provider.name'?" in capsys.readouterr().err
    assert main(["unset", "a.md", "images[0].widht"]) == 1
    assert "did you mean 'images[0].width'?" in capsys.readouterr().err
    assert main(["get", "a.md", "zzzzzz"]) == 1
    assert "did you mean" not in capsys.readouterr().err


def test_a_set_under_a_mistyped_key_is_refused_with_the_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _copy(GOOD, "a.md")
    assert main(["set", "a.md", "provder.name", "X"]) == 1
    assert "did you mean 'provider'?" in capsys.readouterr().err
    assert path.read_bytes() == GOOD.read_bytes()


class _Terminal:
    """A stderr that says it is a terminal and records what is written to it."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_bulk_edits_and_fix_show_the_progress_bar_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    for i in range(5):
        _copy(FIXABLE, f"content/{i}.md")
    monkeypatch.setattr(Progress, "DELAY", 0.0)
    monkeypatch.setattr(Progress, "INTERVAL", 0.0)
    for argv in (["set", "content", "heat", "3"], ["fix", "--quiet", "content"]):
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert main(argv) == 0
        assert "5/5 files" in terminal.text
        assert "\r\x1b[K" in terminal.text  # erased before the summary and at the end
    monkeypatch.setenv("CI", "true")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["set", "content", "heat", "4"]) == 0
    assert "files\r" not in terminal.text
    assert "/5 files" not in terminal.text
