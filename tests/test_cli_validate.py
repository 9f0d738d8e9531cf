"""``newsmeta validate``: inputs, formats, selection, exit codes, jobs and progress."""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsmeta.cli import collect_paths, common, main
from newsmeta.cli.validate import POOL_THRESHOLD

from .conftest import EXAMPLES

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
BROKEN = EXAMPLES / "2024-04-02-late-frost-cherries.md"


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CI variables and no configuration file leak into a test."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _one_unknown_key(directory: Path, name: str = "typo.md") -> Path:
    """A copy of the good example with exactly one problem: an unknown key on line 3."""
    lines = GOOD.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "publishDateTime: 2024-03-05T18:30:00Z\n")
    path = directory / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", *argv])
    return code, capsys.readouterr().out


# --- exit codes ---------------------------------------------------------------------------


def test_exit_0_when_every_file_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(GOOD)], capsys) == (0, "1 file, 0 errors, 0 warnings\n")


def test_exit_1_on_problems(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(BROKEN)], capsys)[0] == 1


def test_exit_2_on_an_unknown_option() -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--no-such-option", str(GOOD)])
    assert info.value.code == 2


def test_exit_2_on_an_unknown_code_in_select(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--select", "schema-enumm", str(GOOD)]) == 2
    assert "schema-enumm" in capsys.readouterr().err


def test_exit_2_when_a_glob_matches_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "nothing/*.md"]) == 2
    assert "nothing/*.md" in capsys.readouterr().err


def test_exit_2_without_paths_or_configured_include(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2


def test_one_unreadable_file_never_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")  # dangling: open fails
    code, out = _run([str(tmp_path / "gone.md"), str(BROKEN), str(GOOD)], capsys)
    assert code == 2
    assert "io-file-missing" in out
    assert "schema-enum" in out
    assert out.endswith("3 files, 9 errors, 0 warnings\n")


# --- selection and severity ---------------------------------------------------------------


def test_select_keeps_only_the_named_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--select", "schema-enum,schema-minimum", str(BROKEN)], capsys)
    assert code == 1
    codes = {line.split()[2] for line in out.splitlines()[:-1]}
    assert codes == {"schema-enum", "schema-minimum"}


def test_ignore_drops_a_code_family(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--ignore", "schema", str(BROKEN)], capsys)
    assert (code, out) == (0, "1 file, 0 errors, 0 warnings\n")


def test_fail_on_warning_fails_on_a_downgraded_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = _one_unknown_key(tmp_path)
    (tmp_path / "newsmeta.toml").write_text('[severity]\nschema-unknown-key = "warning"\n')
    code, out = _run([str(typo)], capsys)
    assert code == 0
    assert ":3:1: warning schema-unknown-key " in out
    assert _run(["--fail-on", "warning", str(typo)], capsys)[0] == 1


# --- formats ------------------------------------------------------------------------------


def test_auto_format_is_github_in_actions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = _run([str(BROKEN)], capsys)[1]
    assert out.startswith("::error file=")


def test_auto_format_is_text_elsewhere(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(BROKEN)], capsys)[1].startswith(f"{BROKEN}:")


def test_github_step_summary_is_written_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _run(["--format", "github", str(BROKEN)], capsys)[0] == 1
    assert "| file | line:col |" in summary.read_text(encoding="utf-8")


def test_sarif_and_junit_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--format", "sarif", str(EXAMPLES)], capsys)
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"schema-enum"}
    code, out = _run(["--format", "junit", str(EXAMPLES)], capsys)
    root = ET.fromstring(out)
    assert len(root.findall(".//testcase")) == 4
    assert len(root.findall(".//failure")) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    main(["validate", str(BROKEN)])
    assert "\x1b[31m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    monkeypatch.setattr(sys, "stdout", plain)
    main(["validate", str(BROKEN)])
    assert "\x1b[" not in plain.getvalue()


def test_no_colour_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    assert "\x1b[" not in _run([str(BROKEN)], capsys)[1]


# --- inputs -------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    for name in ("a/one.md", "a/drafts/two.md", "b/three.md", "b/notes.txt", "four.md"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_globs_expand_and_recurse(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert collect_paths(["**/*.md"]) == ["a/drafts/two.md", "a/one.md", "b/three.md", "four.md"]
    assert collect_paths(["b/*"]) == ["b/notes.txt", "b/three.md"]


def test_exclude_by_name_or_by_path(tmp_path: Path) -> None:
    _tree(tmp_path)
    here = str(tmp_path)
    assert collect_paths(["."], [(("drafts",), here)]) == [
        "./a/one.md",
        "./b/three.md",
        "./four.md",
    ]
    assert collect_paths(["a", "b"], [(("b/*.md",), here)]) == ["a/drafts/two.md", "a/one.md"]
    assert collect_paths([str(tmp_path / "four.md")], [(("four.md",), here)]) == []


def test_exclude_flag_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "broken.md").write_bytes(BROKEN.read_bytes())
    (tmp_path / "good.md").write_bytes(GOOD.read_bytes())
    assert _run([".", "--exclude", "drafts"], capsys) == (0, "1 file, 0 errors, 0 warnings\n")


def test_paths_are_deduplicated_and_sorted(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = collect_paths(["four.md", "a", "./four.md", "a/one.md", "b/three.md"])
    assert found == ["a/drafts/two.md", "a/one.md", "b/three.md", "four.md"]


def test_directory_symlinks_are_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    assert collect_paths(["."]) == ["./a/drafts/two.md", "./a/one.md", "./b/three.md", "./four.md"]


def test_stdin_is_read_with_the_given_file_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsmeta", "validate", "-", "--stdin-filename", "in/x.md"],
        input=BROKEN.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("in/x.md:")
    assert lines[-1].startswith("1 file, ")


# --- jobs and progress --------------------------------------------------------------------


def test_jobs_give_the_same_output_as_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(POOL_THRESHOLD + 10):
        source = BROKEN if i % 7 == 0 else GOOD
        (tmp_path / f"{i:04d}.md").write_bytes(source.read_bytes())
    serial = _run(["--jobs", "1", "--format", "json", "."], capsys)
    pooled = _run(["--jobs", "2", "--format", "json", "."], capsys)
    assert serial == pooled
    # The collector's objects are frozen only while the workers run.
    assert gc.get_freeze_count() == 0
    assert json.loads(serial[1])["summary"]["files"] == POOL_THRESHOLD + 10


def test_jobs_must_be_positive() -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--jobs", "0", str(GOOD)])


def test_progress_bar_draws_on_a_terminal_and_erases_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common.Progress, "DELAY", 0.0)
    monkeypatch.setattr(common.Progress, "INTERVAL", 0.0)
    err = _Terminal()
    progress = common.Progress(4, err, io.StringIO())
    for _ in range(4):
        progress.advance(False)
    progress.close()
    assert "\r[" in err.getvalue()
    assert "4/4 files" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[K")


@pytest.mark.parametrize("variable", ["CI", "GITHUB_ACTIONS"])
def test_no_progress_bar_in_ci(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setattr(common.Progress, "DELAY", 0.0)
    monkeypatch.setenv(variable, "true")
    err = _Terminal()
    progress = common.Progress(4, err, io.StringIO())
    progress.advance(False)
    progress.close()
    assert err.getvalue() == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common.Progress, "DELAY", 0.0)
    err = io.StringIO()
    progress = common.Progress(4, err, io.StringIO())
    progress.advance(False)
    assert err.getvalue() == ""
