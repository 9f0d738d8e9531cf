"""The command line: output formats, exit codes and path collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsmeta.cli import collect_paths, main

from .conftest import EXAMPLES

BROKEN = EXAMPLES / "2024-04-02-late-frost-cherries.md"
GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"


def test_valid_file_exits_0_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(GOOD)]) == 0
    out = capsys.readouterr().out
    assert out == "1 file, 0 errors, 0 warnings\n"


def test_invalid_file_exits_1_with_located_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BROKEN)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{BROKEN}:5:1: error schema-unknown-key ") for line in lines)
    for line in lines[:-1]:
        path, line_no, column, rest = line.split(":", 3)
        assert path == str(BROKEN)
        assert int(line_no) >= 1
        assert int(column) >= 1
        assert rest.startswith(" error ")
    assert lines[-1].endswith("errors, 0 warnings")


def test_json_output_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(EXAMPLES)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["summary"]["files"] == 4
    paths = [f["path"] for f in document["files"]]
    assert paths == sorted(paths)
    broken = next(f for f in document["files"] if f["path"].endswith("cherries.md"))
    assert broken["ok"] is False
    fields = {"code", "severity", "message", "pointer", "line", "column", "end_line", "end_column"}
    for problem in broken["problems"]:
        assert set(problem) == fields
    assert document["summary"]["errors"] == len(broken["problems"])


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.md")]) == 2
    assert "io-file-missing" in capsys.readouterr().out


def test_unknown_option_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--no-such-option", str(GOOD)])
    assert info.value.code == 2


def test_directories_are_walked_for_markdown_and_paths_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text("x")
    (tmp_path / "a" / "skip.txt").write_text("x")
    (tmp_path / "two.md").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    found = collect_paths([str(tmp_path), str(tmp_path / "two.md")])
    assert found == [str(tmp_path / "a" / "one.md"), str(tmp_path / "two.md")]


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsmeta", "validate", str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "schema-enum" in result.stdout
    assert result.stderr == ""


def test_importing_the_command_line_leaves_the_collector_as_it_was() -> None:
    script = (
        "import gc, sys\n"
        "enabled = sys.argv[1] == 'on'\n"
        "(gc.enable if enabled else gc.disable)()\n"
        "import newsmeta.cli\n"
        "assert gc.isenabled() is enabled\n"
    )
    for state in ("on", "off"):
        subprocess.run([sys.executable, "-c", script, state], check=True)


def test_the_objects_are_frozen_only_once_the_program_exits() -> None:
    # atexit runs its functions last registered first: this check runs after main's.
    script = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
        "from newsmeta.cli import main\n"
        "assert main(['rules']) == 0\n"
        "assert gc.get_freeze_count() == 0, 'frozen during the run'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "frozen at exit: True"
