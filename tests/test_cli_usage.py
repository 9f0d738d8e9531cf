"""No traceback, ever: each usage mistake is one line on stderr and exit code 2, and a reader
that goes away ends the run quietly. Run as a user runs it: the real command, in a process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pytest

from newsmeta.cli import EXIT_BROKEN_PIPE

from .conftest import EXAMPLES

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
FIXABLE = EXAMPLES / "2024-05-20-market-hall.md"


Result = subprocess.CompletedProcess[str]


def _newsmeta(
    args: Sequence[str],
    cwd: Path,
    *,
    close_stdin: bool = False,
    close_stdout: bool = False,
    stdin: bytes | None = None,
    stdout: IO[bytes] | None = None,
    timeout: float = 60,
) -> Result:
    """Run newsmeta in ``cwd``: stdin empty (or ``stdin``, or closed), output captured (or
    sent to ``stdout``, or stdout closed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    closed = [fd for fd, close in ((0, close_stdin), (1, close_stdout)) if close]

    def close_descriptors() -> None:
        for fd in closed:
            os.close(fd)

    done = subprocess.run(
        [sys.executable, "-m", "newsmeta", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        stdin=None if close_stdin or stdin is not None else subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
        timeout=timeout,
        preexec_fn=close_descriptors if closed else None,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        (done.stdout or b"").decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _make_work(root: Path) -> Path:
    shutil.copy(GOOD, root / "a.md")
    (root / "empty").mkdir()
    (root / "binary.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (root / "latin1.toml").write_text('select = ["caf\xe9"]\n', encoding="latin-1")
    (root / "typo.toml").write_text('fail_on = "warning"\n', encoding="utf-8")
    (root / "records.jsonl").write_text('{"front_matter": {"title": "A"}}\n', encoding="utf-8")
    os.mkfifo(root / "fifo.toml")
    os.mkfifo(root / "fifo.md")
    return root


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return _make_work(tmp_path)


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
    "empty glob: query": (["query", ".title", "nothing/*.md"], "no file matches"),
    "empty glob: edit": (["edit", ".", "nothing/*.md"], "no file matches"),
    "empty glob: export": (["export", "nothing/*.md"], "no file matches"),
    "no article files": (["validate", "empty"], "no article files found in 'empty'"),
    "no article files: fix": (["fix", "empty"], "no article files found"),
    "no article files: query": (["query", ".", "empty"], "no article files found"),
    "no article files: edit": (["edit", ".", "empty"], "no article files found"),
    "no article files: export": (["export", "empty"], "no article files found"),
    "nonexistent path: query": (["query", ".", "nowhere.md"], "nowhere.md: No such file"),
    "nonexistent path: edit": (["edit", ".", "nowhere.md"], "nowhere.md: No such file"),
    "nonexistent path: import": (["import", "nowhere.jsonl", "--to", "out"], "No such file"),
    "nonexistent path: new": (["new", "x.md", "--from-json", "no.json"], "no.json: No such"),
    "unterminated quote": (["set", "a.md", "title", '"Harbour'], "never closed"),
    "unterminated quote: new": (["new", "x.md", "--set", 'title="Harbour'], "never closed"),
    "unterminated quote: edit": (["edit", '.title = "x', "a.md"], "a string is never closed"),
    "jq does not compile: query": (["query", ".[", "a.md"], "does not compile"),
    "jq does not compile: set --where": (
        ["set", "--where", ".[", "a.md", "title", "x"],
        "--where: the jq program does not compile",
    ),
    "jq does not compile: fix --where": (["fix", "--where", "(", "a.md"], "does not compile"),
    "jq --argjson not JSON": (["query", "--argjson", "x", "{", ".", "a.md"], "not JSON"),
    "too-deep path: get": (["get", "a.md", DEEP_PATH], "PATH has 200 levels"),
    "too-deep path: set": (["set", "a.md", DEEP_PATH, "1"], "PATH has 200 levels"),
    "too-deep JSON value": (["set", "a.md", "title", "--json", DEEP_JSON], "nested too deeply"),
    "too-deep JSON value: new": (
        ["new", "x.md", "--set-json", "title=" + DEEP_JSON],
        "nested too deeply",
    ),
    "bad key: new": (["new", "x.md", "--set", "a..b=1"], "--set 'a..b'"),
    "no KEY=VALUE: new": (["new", "x.md", "--set", "title"], "takes KEY=VALUE"),
    "binary config": (["validate", "--config", "binary.toml", "a.md"], "not UTF-8"),
    "non-UTF-8 config": (["fix", "--config", "latin1.toml", "a.md"], "not UTF-8"),
    "binary config: query": (["query", ".", "--config", "binary.toml", "a.md"], "not UTF-8"),
    "binary config: export": (["export", "--config", "binary.toml", "a.md"], "not UTF-8"),
    "binary config: new": (["new", "x.md", "--config", "binary.toml"], "not UTF-8"),
    "binary config: import": (
        ["import", "records.jsonl", "--to", "out", "--config", "binary.toml"],
        "not UTF-8",
    ),
    "binary config: cache": (["cache", "info", "--config", "binary.toml"], "not UTF-8"),
    "FIFO as config": (["validate", "--config", "fifo.toml", "a.md"], "FIFO"),
    "FIFO as config: edit": (["edit", ".", "a.md", "--config", "fifo.toml"], "FIFO"),
    "directory as config": (["set", "--config", "empty", "a.md", "title", "x"], "directory"),
    "directory as config: export": (["export", "--config", "empty", "a.md"], "directory"),
    "missing config": (["validate", "--config", "nowhere.toml", "a.md"], "nowhere.toml"),
    "config key typo": (["validate", "--config", "typo.toml", "a.md"], "did you mean 'fail-on'?"),
    "FIFO as input: new --from-json": (["new", "x.md", "--from-json", "fifo.toml"], "FIFO"),
    "FIFO as input: new --body-file": (["new", "x.md", "--body-file", "fifo.md"], "FIFO"),
    "FIFO as input: import": (["import", "fifo.toml", "--to", "out"], "FIFO"),
    "directory as input: import": (["import", "empty", "--to", "out"], "is a directory"),
    "directory as input: new": (["new", "x.md", "--body-file", "empty"], "is a directory"),
    "binary input: import": (["import", "binary.toml", "--to", "out"], "not UTF-8"),
    "binary input: new": (["new", "x.md", "--from-json", "binary.toml"], "not UTF-8"),
    "not records: import": (["import", "a.md", "--to", "out"], "neither JSON Lines nor"),
    "file as --to: import": (["import", "records.jsonl", "--to", "a.md"], "not a directory"),
    "bad name template: import": (
        ["import", "records.jsonl", "--to", "out", "--name", "{titel}.md"],
        "unknown field {titel}",
    ),
    "directory as OUT: new": (["new", "empty", "--set", "title=x"], "is a directory"),
    "stdin to an edit: edit": (["edit", ".", "-"], "changes files in place"),
    "stdin to an edit: set": (["set", "-", "title", "x"], "changes files in place"),
    "stdin to an edit: fix": (["fix", "-"], "changes files in place"),
    "jobs 0": (["validate", "--jobs", "0", "a.md"], "at least 1"),
    "negative jobs": (["validate", "-j", "-4", "a.md"], "at least 1"),
    "unknown code": (["explain", "mojibake"], "did you mean 'text-mojibake'?"),
    "unknown select": (["validate", "--select", "text-mojibak", "a.md"], "'text-mojibake'?"),
    "unknown ignore": (["validate", "--ignore", "Shema", "a.md"], "did you mean 'schema'?"),
    "unknown fix select": (["fix", "--select", "text-mojibak", "a.md"], "'text-mojibake'?"),
    "unfixable code": (["fix", "--select", "schema-enum", "a.md"], "no safe fix"),
    "unknown command": (["valdate", "a.md"], "did you mean 'validate'?"),
    "unknown option": (["validate", "--formt", "json", "a.md"], "--formt"),
    "unknown option: schema": (["schema", "--bogus"], "newsmeta schema: error: unrecognized"),
    "bad option value: export": (["export", "--format", "xml", "a.md"], "invalid choice"),
    "bad time zone: export": (
        ["export", "--format", "api", "--time-zone", "Mars/Base", "a.md"],
        "unknown time zone",
    ),
    "bad option value: cache": (["cache", "frob"], "invalid choice"),
    "bad option value: lsp": (["lsp", "--log-level", "loud"], "invalid choice"),
    "edit --dry-run --check": (["edit", "--dry-run", "--check", ".", "a.md"], "not allowed"),
    "statistics with sarif": (["validate", "--statistics", "--format", "sarif", "a.md"], "text"),
    "insert index": (["insert", "a.md", "topics", "first", "x"], "INDEX must be an integer"),
    "nothing configured": (["fix"], "no include in the configuration"),
    "unwritable output file": (["rules", "--output-file", "empty/no/such/dir.txt"], "cannot"),
    "unwritable output file: export": (["export", "a.md", "-o", "empty/no/x.jsonl"], "cannot"),
    "directory as output file": (["validate", "a.md", "-o", "empty"], "Is a directory"),
    "FIFO nothing reads as output": (["export", "a.md", "-o", "fifo.md"], "no process reads"),
    "directory as log file: lsp": (["lsp", "--log-file", "empty"], "Is a directory"),
    "FIFO nothing reads as log file: lsp": (["lsp", "--log-file", "fifo.md"], "no process reads"),
    "file as --cache-dir": (["cache", "info", "--cache-dir", "a.md"], "not a directory"),
    "file as --cache-dir: clear": (["cache", "clear", "--cache-dir", "a.md"], "not a directory"),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Result]]:
    """Every mistake, each run in a folder of its own, a few at a time: most of the time
    is the interpreter starting, and the FIFO cases wait for a reader or writer."""
    from concurrent.futures import ThreadPoolExecutor

    def run(name: str) -> tuple[Path, Result]:
        work = _make_work(tmp_path_factory.mktemp("usage"))
        # A FIFO read would block: the timeout fails it.
        return work, _newsmeta(MISTAKES[name][0], work, timeout=60)

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(MISTAKES, pool.map(run, MISTAKES), strict=True))


@pytest.mark.parametrize("name", MISTAKES)
def test_a_usage_mistake_is_one_line_and_exit_code_2(
    outcomes: dict[str, tuple[Path, Result]], name: str
) -> None:
    work, done = outcomes[name]
    words = MISTAKES[name][1]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert words in lines[0]
    assert lines[0].startswith("newsmeta")
    assert (work / "a.md").read_bytes() == GOOD.read_bytes()
    assert sorted(path.name for path in work.iterdir()) == [
        "a.md", "binary.toml", "empty", "fifo.md", "fifo.toml", "latin1.toml",
        "records.jsonl", "typo.toml",
    ]  # fmt: skip
    assert list((work / "empty").iterdir()) == []


#: Each command that reads an article or records from stdin, given ``-``.
STDIN_READERS: dict[str, list[str]] = {
    "validate": ["validate", "-"],
    "get": ["get", "-", "title"],
    "query": ["query", ".title", "-"],
    "export": ["export", "-"],
    "import": ["import", "-", "--to", "out"],
    "new --from-json": ["new", "x.md", "--from-json", "-"],
    "new --body-file": ["new", "x.md", "--body-file", "-"],
}


@pytest.mark.parametrize("name", STDIN_READERS)
def test_closed_stdin_is_a_usage_mistake(work: Path, name: str) -> None:
    done = _newsmeta(STDIN_READERS[name], work, close_stdin=True)
    assert done.returncode == 2
    command = STDIN_READERS[name][0]
    assert done.stderr.splitlines() == [
        f"newsmeta {command}: error: stdin is closed, so '-' has nothing to read"
    ]
    assert not (work / "out").exists()
    assert not (work / "x.md").exists()


def test_options_may_follow_the_paths(work: Path) -> None:
    done = _newsmeta(["query", ".title", "a.md", "--raw", "--exclude", "b.md"], work)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Harbour City Votes to Put Solar Panels on Every School Roof\n"


def test_an_article_on_stdin_is_read_by_get_query_and_export(work: Path) -> None:
    for args in (["get", "-", "title"], ["query", "--raw", ".title", "-"]):
        done = _newsmeta(args, work, stdin=GOOD.read_bytes())
        assert done.stdout == "Harbour City Votes to Put Solar Panels on Every School Roof\n"
    done = _newsmeta(["export", "-"], work, stdin=GOOD.read_bytes())
    record = json.loads(done.stdout)
    assert record["path"] == "<stdin>"
    assert record["front_matter"]["category"] == "news"


def test_a_fifo_is_read_when_a_process_writes_to_it(work: Path) -> None:
    record = '{"front_matter": {"title": "From a FIFO"}}'
    writer = subprocess.Popen(
        ["sh", "-c", f"sleep 0.3; printf '%s' '{record}' > fifo.toml"], cwd=work
    )
    done = _newsmeta(["new", "-", "--from-json", "fifo.toml", "--force"], work)
    writer.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert 'title: "From a FIFO"' in done.stdout


def test_a_fifo_is_written_when_a_process_reads_it(work: Path) -> None:
    reader = subprocess.Popen(["sh", "-c", "sleep 0.3; cat fifo.md > got.jsonl"], cwd=work)
    done = _newsmeta(["export", "a.md", "-o", "fifo.md"], work)
    reader.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert json.loads((work / "got.jsonl").read_text(encoding="utf-8"))["path"] == "a.md"


# --- output that cannot be written -----------------------------------------------------------

#: Commands that print, each with what it prints.
PRINTERS: dict[str, list[str]] = {
    "schema": ["schema"],
    "rules": ["rules"],
    "export": ["export", "a.md"],
    "query": ["query", ".", "a.md"],
    "get": ["get", "a.md", "title"],
    "validate": ["validate", "a.md", "--format", "json"],
    "cache": ["cache", "dir", "--cache-dir", "cache"],
}


@pytest.mark.parametrize("name", PRINTERS)
def test_a_closed_stdout_is_one_line_and_exit_code_2(work: Path, name: str) -> None:
    done = _newsmeta(PRINTERS[name], work, close_stdout=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"newsmeta {name}: error: cannot write the output: stdout is closed"
    ]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["schema", "export", "query"])
def test_a_full_disk_is_one_line_and_exit_code_2(work: Path, name: str) -> None:
    with open("/dev/full", "wb") as full:
        done = _newsmeta(PRINTERS[name], work, stdout=full)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"newsmeta {name}: error: cannot write the output: No space left on device"
    ]


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


@pytest.mark.parametrize(
    "args",
    [
        ["query", ".title", "content"],
        ["export", "content"],
        ["export", "--format", "json", "content"],
        ["edit", "--dry-run", '.title |= . + "!"', "content"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_stream_over_many_files_piped_to_head_ends_quietly(
    tmp_path: Path, args: list[str]
) -> None:
    paths = _fixable_tree(tmp_path / "content", 300)
    status, err, read = _read_then_close(args, tmp_path, 1)
    assert read[0]
    assert err == ""
    assert status == EXIT_BROKEN_PIPE
    assert all(path.read_bytes() == FIXABLE.read_bytes() for path in paths)


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


@pytest.mark.parametrize("columns", [None, "120", "40", "0", "-3", "wide"])
def test_help_is_as_wide_as_argparse_would_make_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line finds the terminal's width itself (not through shutil): the same
    width argparse's own formatter takes."""
    import argparse

    from newsmeta.cli import build_parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser("validate")
    ours = parser._get_formatter()
    theirs = argparse.HelpFormatter(prog=parser.prog)
    assert ours._width == theirs._width
    assert shutil.get_terminal_size().columns - 2 == ours._width
