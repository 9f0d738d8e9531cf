"""No traceback, ever: each usage mistake is one line on stderr and exit code 2, and a reader
that goes away ends the run quietly. Run as a user runs it: the real command, in a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from newsmeta.cli import EXIT_BROKEN_PIPE

from .conftest import EXAMPLES

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
FIXABLE = EXAMPLES / "2024-05-20-market-hall.md"


def _newsmeta(
    args: Sequence[str], cwd: Path, *, close_stdin: bool = False, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "newsmeta", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        stdin=None if close_stdin else subprocess.DEVNULL,
        preexec_fn=(lambda: os.close(0)) if close_stdin else None,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(GOOD, tmp_path / "a.md")
    (tmp_path / "empty").mkdir()
    (tmp_path / "binary.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (tmp_path / "latin1.toml").write_bytes('select = ["caf\xe9"]\n'.encode("latin-1"))
    (tmp_path / "typo.toml").write_text('fail_on = "warning"\n', encoding="utf-8")
    os.mkfifo(tmp_path / "fifo.toml")
    return tmp_path


DEEP_PATH = ".".join(["a"] * 200)
DEEP_JSON = "[" * 100_000

#: (arguments, words the one line must hold).
MISTAKES: dict[str, tuple[list[str], str]] = {
    "empty glob: validate": (["validate", "nothing/*.md"], "no file matches"),
    "empty glob: get": (["get", "nothing/*.md", "title"], "no file matches"),
    "empty glob: set": (["set", "nothing/*.md", "title", "x"], "no file matches"),
    "empty glob: unset": (["unset", "nothing/*.md", "title"], "no file matches"),
    "empty glob: append": (["append", "nothing/*.md", "topics", "x"], "no file matches"),
    "empty glob: insert": (["insert", "nothing/*.md", "topics", "0", "x"], "no file matches"),
    "empty glob: fix": (["fix", "nothing/*.md"], "no file matches"),
    "no article files": (["validate", "empty"], "no article files found in 'empty'"),
    "no article files: fix": (["fix", "empty"], "no article files found"),
    "unterminated quote": (["set", "a.md", "title", '"Harbour'], "never closed"),
    "too-deep path: get": (["get", "a.md", DEEP_PATH], "PATH has 200 levels"),
    "too-deep path: set": (["set", "a.md", DEEP_PATH, "1"], "PATH has 200 levels"),
    "too-deep JSON value": (["set", "a.md", "title", "--json", DEEP_JSON], "nested too deeply"),
    "binary config": (["validate", "--config", "binary.toml", "a.md"], "not UTF-8"),
    "non-UTF-8 config": (["fix", "--config", "latin1.toml", "a.md"], "not UTF-8"),
    "FIFO as config": (["validate", "--config", "fifo.toml", "a.md"], "FIFO"),
    "directory as config": (["set", "--config", "empty", "a.md", "title", "x"], "directory"),
    "missing config": (["validate", "--config", "nowhere.toml", "a.md"], "nowhere.toml"),
    "config key typo": (["validate", "--config", "typo.toml", "a.md"], "did you mean 'fail-on'?"),
    "jobs 0": (["validate", "--jobs", "0", "a.md"], "at least 1"),
    "negative jobs": (["validate", "-j", "-4", "a.md"], "at least 1"),
    "unknown code": (["explain", "mojibake"], "did you mean 'text-mojibake'?"),
    "unknown select": (["validate", "--select", "text-mojibak", "a.md"], "'text-mojibake'?"),
    "unknown ignore": (["validate", "--ignore", "Shema", "a.md"], "did you mean 'schema'?"),
    "unknown fix select": (["fix", "--select", "text-mojibak", "a.md"], "'text-mojibake'?"),
    "unfixable code": (["fix", "--select", "schema-enum", "a.md"], "no safe fix"),
    "unknown command": (["valdate", "a.md"], "did you mean 'validate'?"),
    "unknown option": (["validate", "--formt", "json", "a.md"], "--formt"),
    "statistics with sarif": (["validate", "--statistics", "--format", "sarif", "a.md"], "text"),
    "insert index": (["insert", "a.md", "topics", "first", "x"], "INDEX must be an integer"),
    "nothing configured": (["fix"], "no include in the configuration"),
    "unwritable output file": (["rules", "--output-file", "empty/no/such/dir.txt"], "cannot"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_a_usage_mistake_is_one_line_and_exit_code_2(work: Path, name: str) -> None:
    args, words = MISTAKES[name]
    done = _newsmeta(args, work, timeout=30)  # a FIFO read would block: the timeout fails it
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert words in lines[0]
    assert lines[0].startswith("newsmeta")
    assert (work / "a.md").read_bytes() == GOOD.read_bytes()


def test_closed_stdin_is_a_usage_mistake(work: Path) -> None:
    done = _newsmeta(["validate", "-"], work, close_stdin=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["newsmeta validate: error: stdin is closed, so '-' has "
                                        "nothing to read"]  # fmt: skip


# --- a reader that goes away ----------------------------------------------------------------


def _read_then_close(args: Sequence[str], cwd: Path, lines: int) -> tuple[int, str, list[str]]:
    """Run newsmeta, read ``lines`` lines of its output, close the pipe, as ``| head`` does."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmeta", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    read = [process.stdout.readline() for _ in range(lines)]
    process.stdout.close()
    err = process.stderr.read()
    return process.wait(timeout=120), err, read


def _fixable_tree(root: Path, count: int) -> list[Path]:
    root.mkdir()
    paths = []
    for i in range(count):
        path = root / f"{i:03d}.md"
        path.write_bytes(FIXABLE.read_bytes())
        paths.append(path)
    return paths


def test_rules_piped_to_head_ends_quietly(tmp_path: Path) -> None:
    status, err, read = _read_then_close(["rules"], tmp_path, 1)
    assert read[0].startswith("io-error")
    assert err == ""
    assert status in (0, EXIT_BROKEN_PIPE)  # 0 when everything fit in the pipe already


def test_fix_dry_run_piped_to_head_ends_quietly_and_writes_nothing(tmp_path: Path) -> None:
    paths = _fixable_tree(tmp_path / "content", 300)
    status, err, read = _read_then_close(["fix", "--dry-run", "content"], tmp_path, 3)
    assert read[0].startswith("--- a/content/000.md")
    assert err == ""
    assert status == EXIT_BROKEN_PIPE
    assert all(path.read_bytes() == FIXABLE.read_bytes() for path in paths)


def test_fix_piped_to_head_stops_between_files_never_inside_one(tmp_path: Path) -> None:
    paths = _fixable_tree(tmp_path / "content", 300)
    status, err, read = _read_then_close(["fix", "content"], tmp_path, 3)
    assert read[0] == "--- a/content/000.md\n"
    assert err == ""
    assert status == EXIT_BROKEN_PIPE
    fixed = [path for path in paths if path.read_bytes() != FIXABLE.read_bytes()]
    # The first file's diff was read, so it was written; the run stopped long before the end.
    assert paths[0] in fixed
    assert len(fixed) < len(paths)
    # Every file is either untouched or completely fixed: no file is left half-done.
    expected = fixed[0].read_bytes()
    assert all(path.read_bytes() == expected for path in fixed)


def test_get_over_many_files_piped_to_head_ends_quietly(tmp_path: Path) -> None:
    _fixable_tree(tmp_path / "content", 300)
    status, err, read = _read_then_close(["get", "content", "category"], tmp_path, 1)
    assert read[0] == "content/000.md: news\n"
    assert err == ""
    assert status == EXIT_BROKEN_PIPE


def test_validate_piped_to_head_keeps_its_verdict(tmp_path: Path) -> None:
    _fixable_tree(tmp_path / "content", 300)
    status, err, _ = _read_then_close(["validate", "content", "--fail-on", "warning"], tmp_path, 1)
    assert err == ""
    assert status == 1


# --- shell completion -----------------------------------------------------------------------


def test_shell_completion_completes_commands_and_options(tmp_path: Path) -> None:
    out = tmp_path / "completions"

    def complete(line: str) -> set[str]:
        env = {
            **os.environ,
            "_ARGCOMPLETE": "1",
            "_ARGCOMPLETE_IFS": "\n",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
        }
        subprocess.run(
            [sys.executable, "-m", "newsmeta"], env=env, check=False, capture_output=True
        )
        return {word.strip() for word in out.read_text(encoding="utf-8").split("\n")}

    assert complete("newsmeta val") == {"validate"}
    assert "--statistics" in complete("newsmeta validate --stat")
    assert {"json", "sarif"} <= complete("newsmeta validate --format ")


def test_completion_costs_nothing_when_not_completing() -> None:
    script = (
        "import sys\n"
        "from newsmeta.cli import main\n"
        "main(['rules', '--format', 'json', '--output-file', '/dev/null'])\n"
        "assert 'argcomplete' not in sys.modules, 'argcomplete was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
