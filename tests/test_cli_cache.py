"""``newsmeta validate`` with its result cache, ``--changed-since``, and ``newsmeta cache``.

The central promise: whatever happens to the files between runs, the output with the cache
is the output without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsmeta._firsts as firsts
from newsmeta.cache import DATABASE_NAME
from newsmeta.cli import main
from newsmeta.validation import CleanRun, CorpusIndex, Reported

from .conftest import EXAMPLES, ROOT, load_module

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "CI", "NEWSMETA_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NEWSMETA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)


def _corpus(directory: Path, count: int = 30) -> list[Path]:
    make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")
    directory.mkdir(parents=True, exist_ok=True)
    for name, text, _ in make_corpus.generate(count, 11, 0.3):
        (directory / name).write_text(text, encoding="utf-8", newline="")
    for example in EXAMPLES.glob("*.md"):
        shutil.copy(example, directory / example.name)
    return sorted(directory.glob("*.md"))


def _validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["validate", "--format", "json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _same_with_and_without(
    capsys: pytest.CaptureFixture[str], cache: Path, *argv: str
) -> dict[str, object]:
    with_cache = _validate(capsys, "--cache-dir", str(cache), *argv)
    without = _validate(capsys, "--no-cache", *argv)
    assert with_cache == without
    return with_cache[1]


def _url_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("webUrl:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise AssertionError(f"{path} states no webUrl")


def _set_url(path: Path, url: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(f"webUrl: {url}\n" if line.startswith("webUrl:") else line for line in lines),
        encoding="utf-8",
    )


def _codes(report: dict[str, object], name: str) -> list[str]:
    files = report["files"]
    assert isinstance(files, list)
    for entry in files:
        if entry["path"].endswith(name):
            return [problem["code"] for problem in entry["problems"]]
    raise AssertionError(f"{name} is not in the report")


# --- the output is the same with and without the cache -----------------------------------------


def test_every_change_between_runs_gives_the_output_of_a_run_without_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    files = [p for p in _corpus(content) if _url_has(p)]
    cache = tmp_path / "cache"
    steps: list[Callable[[], None]] = []

    def change_one() -> None:  # an error appears
        text = files[0].read_text(encoding="utf-8")
        files[0].write_text(text.replace("type: ", "type: not-a-type-", 1), encoding="utf-8")

    def delete_one() -> None:
        files[1].unlink()

    def rename_one() -> None:  # the new name's date disagrees with the article's
        files[2].rename(files[2].with_name("1999-01-01-renamed.md"))

    def duplicate_one() -> None:  # the copy states the cached original's URLs
        shutil.copy(files[3], content / "zz-copy.md")

    def share_a_url() -> None:  # a changed file takes a URL a cached file states
        _set_url(files[4], _url_of(files[5]))

    def unshare_the_url() -> None:  # the duplicate goes away again
        (content / "zz-copy.md").unlink()

    steps = [change_one, delete_one, rename_one, duplicate_one, share_a_url, unshare_the_url]
    first = _same_with_and_without(capsys, cache, str(content))
    assert _same_with_and_without(capsys, cache, str(content)) == first
    for step in steps:
        step()
        report = _same_with_and_without(capsys, cache, str(content))
        if step is duplicate_one:
            assert "corpus-duplicate-url" in _codes(report, "zz-copy.md")
        if step is share_a_url:
            later = max(files[4].name, files[5].name)
            assert "corpus-duplicate-url" in _codes(report, later)
        if step is rename_one:
            assert "date-filename-mismatch" in _codes(report, "1999-01-01-renamed.md")
    # Selection, ignoring and fail-on apply after the cache, as without it.
    for argv in (["--select", "schema"], ["--ignore", "corpus,date"], ["--fail-on", "warning"]):
        _same_with_and_without(capsys, cache, *argv, str(content))


def _url_has(path: Path) -> bool:
    lines = path.read_text("utf-8").splitlines()
    return any(line.startswith("webUrl:") and "http" in line for line in lines)


def test_the_text_and_github_outputs_are_the_same_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    _corpus(content, 10)
    for fmt in ("text", "github", "sarif", "junit"):
        outputs = []
        for argv in (["--cache-dir", "c"], ["--cache-dir", "c"], ["--no-cache"]):
            code = main(["validate", "--format", fmt, *argv, str(content)])
            outputs.append((code, capsys.readouterr().out))
        assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "json"],
        ["--format", "text"],
        ["--format", "github"],
        ["--format", "sarif"],
        ["--format", "junit"],
        ["--format", "text", "--statistics"],
        ["--format", "json", "--statistics"],
        ["--format", "json", "--ignore", "corpus"],
    ],
)
def test_a_warm_run_writes_byte_for_byte_what_a_run_without_cache_does(
    argv: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A warm run hands the files whose stored results have no problems on in runs, not
    one result each: every format still writes what it writes without the cache, for
    names that need escaping and for a URL repeated among such files (which ends a run)."""
    content = tmp_path / "content"
    files = [p for p in _corpus(content, 20) if _url_has(p)]
    clean = [p for p in files if not _codes(_validate(capsys, "--no-cache", str(p))[1], p.name)]
    assert len(clean) >= 4
    odd = ['"quoted"', "#hash", "ünï", "back\\slash", "tab\t"]
    for number, (source, mark) in enumerate(zip(clean, odd, strict=False)):
        copy = content / f"{source.stem}-{mark}.md"  # a name to escape, the same date
        url = _url_of(source)  # its own URLs, on the same site (webUrl and originalUrl)
        text = source.read_text(encoding="utf-8").replace(url, f"{url}-odd-{number}")
        copy.write_text(text, encoding="utf-8", newline="")
    report = _validate(capsys, "--no-cache", str(content))[1]
    assert all(not _codes(report, f"-{mark}.md") for mark in odd)  # no problem: a run
    _set_url(clean[2], _url_of(clean[0]))  # a clean file repeats another's URL
    runs: list[int] = []
    check_run = CorpusIndex.check_run

    def counted(index: CorpusIndex, run: CleanRun) -> Iterator[Reported]:
        runs.append(len(run))
        return check_run(index, run)

    monkeypatch.setattr(CorpusIndex, "check_run", counted)
    outputs = []
    for cache in (["--cache-dir", "c"], ["--cache-dir", "c"], ["--no-cache"]):
        code = main(["validate", *argv, *cache, str(content)])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[1] == outputs[0] == outputs[2]
    assert sum(runs) >= len(clean)  # the warm run went through runs


def test_a_warm_run_checks_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    _corpus(content, 10)
    first = _validate(capsys, "--cache-dir", "c", str(content))

    def no_checking(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was checked")

    monkeypatch.setattr("newsmeta.cache._check_for_cache", no_checking)
    assert _validate(capsys, "--cache-dir", "c", str(content)) == first


def test_validate_loads_neither_the_fixer_nor_a_checker_it_does_not_need(tmp_path: Path) -> None:
    # In a fresh interpreter, as the command runs: what a run imports is its start-up.
    script = (
        "import io, json, sys\n"
        "from newsmeta.cli import main\n"
        "sys.stdout = io.StringIO()\n"
        "main(sys.argv[1:])\n"
        "sys.stdout = sys.__stdout__\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    argv = ["validate", "--format", "json", "--cache-dir", str(tmp_path / "c"), str(GOOD)]
    loaded = []
    for _ in range(2):  # the first run fills the cache, the second reads it back
        done = subprocess.run(
            [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True
        )
        loaded.append(set(json.loads(done.stdout)))
    cold, warm = loaded
    for modules in (cold, warm):
        assert not modules & {"newsmeta.fixing", "newsmeta.document", "difflib", "logging"}
    assert "newsmeta._quick" in cold
    # A file without problems needs neither the catalogue of codes nor the schema's hints.
    assert not cold & {"newsmeta._catalogue", "newsmeta._hints"}
    # Every result came from the cache: no parser, no schema, no checker, no rule, and no
    # other command's module.
    assert not warm & {
        "newsmeta._quick",
        "newsmeta._check",
        "newsmeta._yamltree",
        "newsmeta._frontmatter",
        "newsmeta.schema",
        "newsmeta.rules",
        "newsmeta._catalogue",  # no code's documentation is reported
        "newsmeta._inputs",  # the files are walked, not listed
        "newsmeta._cacheinfo",  # nothing asks about the cache
        "newsmeta._policy",  # no problem to judge
        "newsmeta.cli.verbs",
        "newsmeta.cli.edit",
        "yaml",
        "ruamel.yaml",
        "jsonschema",
        "jsonschema_rs",
        "hashlib",  # OpenSSL
        "lzma",  # with shutil, for the terminal's width
        "bz2",
    }


def test_a_cold_run_on_workers_stores_what_they_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.cli.validate import POOL_THRESHOLD

    content = tmp_path / "content"
    _corpus(content, POOL_THRESHOLD)
    cold = _same_with_and_without(capsys, tmp_path / "c", "--jobs", "2", str(content))
    assert _validate(capsys, "--cache-dir", str(tmp_path / "c"), str(content))[1] == cold


def test_stdin_is_checked_every_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    for _ in range(2):
        stdin = io.TextIOWrapper(io.BytesIO(GOOD.read_bytes()), encoding="utf-8")
        old = sys.stdin
        sys.stdin = stdin
        try:
            code, report = _validate(capsys, "--cache-dir", "c", "-")
        finally:
            sys.stdin = old
        assert code == 0
        assert report["summary"] == {"files": 1, "errors": 0, "warnings": 0}


# --- where the cache is, and turning it off ------------------------------------------------------


def test_no_cache_neither_reads_nor_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["validate", "--no-cache", str(GOOD)])
    monkeypatch.setenv("NEWSMETA_NO_CACHE", "1")
    main(["validate", str(GOOD)])
    capsys.readouterr()
    assert not (tmp_path / "user-cache").exists()


def test_the_cache_sits_beside_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.newsmeta]\ninclude = ["*.md"]\n')
    shutil.copy(GOOD, tmp_path / GOOD.name)
    (tmp_path / "sub").mkdir()
    os.chdir(tmp_path / "sub")
    assert main(["validate", str(tmp_path / GOOD.name)]) == 0
    assert (tmp_path / ".newsmeta_cache" / DATABASE_NAME).is_file()
    assert main(["cache", "dir"]) == 0
    assert capsys.readouterr().out.endswith(f"{tmp_path / '.newsmeta_cache'}\n")


def test_without_a_configuration_the_user_cache_directory_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(GOOD)]) == 0
    capsys.readouterr()
    assert (tmp_path / "user-cache" / "newsmeta" / DATABASE_NAME).is_file()


def test_the_configured_cache_directory_and_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "newsmeta.toml").write_text('cache-dir = "build/newsmeta"\n')
    assert main(["validate", str(GOOD)]) == 0
    assert (tmp_path / "build" / "newsmeta" / DATABASE_NAME).is_file()
    monkeypatch.setenv("NEWSMETA_CACHE_DIR", str(tmp_path / "from-env"))
    assert main(["validate", str(GOOD)]) == 0
    assert (tmp_path / "from-env" / DATABASE_NAME).is_file()
    assert main(["validate", "--cache-dir", "from-flag", str(GOOD)]) == 0
    assert (tmp_path / "from-flag" / DATABASE_NAME).is_file()
    capsys.readouterr()


def test_a_bad_cache_dir_in_the_configuration_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "newsmeta.toml").write_text("cache-dir = 3\n")
    assert main(["validate", str(GOOD)]) == 2
    assert "cache-dir" in capsys.readouterr().err


def test_an_unusable_cache_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    _corpus(content, 8)
    expected = _validate(capsys, "--no-cache", str(content))
    (tmp_path / "blocker").write_text("a file where the cache directory should be")
    assert _validate(capsys, "--cache-dir", str(tmp_path / "blocker" / "c"), str(content)) == (
        expected
    )
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / DATABASE_NAME).write_bytes(b"\x00garbage" * 500)
    assert _validate(capsys, "--cache-dir", str(tmp_path / "c"), str(content)) == expected
    assert _validate(capsys, "--cache-dir", str(tmp_path / "c"), str(content)) == expected


# --- newsmeta cache ----------------------------------------------------------------------------


def test_cache_info_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "info", "--cache-dir", "c"]) == 0
    out = capsys.readouterr().out
    assert "nothing stored yet" in out
    assert not (tmp_path / "c").exists()  # looking does not create it
    assert main(["cache", "clear", "--cache-dir", "c"]) == 0
    assert "nothing to clear" in capsys.readouterr().out
    content = tmp_path / "content"
    files = _corpus(content, 5)
    main(["validate", "--cache-dir", "c", str(content)])
    capsys.readouterr()
    assert main(["cache", "info", "--cache-dir", "c", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["entries"], info["current"], info["writable"]) == (len(files), len(files), True)
    assert main(["cache", "info", "--cache-dir", "c"]) == 0
    assert f"entries:   {len(files)} ({len(files)} for this newsmeta" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache-dir", "c"]) == 0
    assert capsys.readouterr().out == f"cleared {len(files)} stored results from c\n"
    assert main(["cache", "info", "--cache-dir", "c", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0


# --- --changed-since -----------------------------------------------------------------------------


def _git(repo: Path, *argv: str) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    done = subprocess.run(
        ["git", *argv], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "site"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "newsmeta.toml").write_text('include = ["content"]\n')
    _corpus(root / "content", 12)
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "articles")
    return root


def _reported(report: dict[str, object]) -> list[str]:
    files = report["files"]
    assert isinstance(files, list)
    return sorted(Path(entry["path"]).name for entry in files)


def test_changed_since_reports_changed_and_untracked_files_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(repo)
    files = sorted((repo / "content").glob("*.md"))
    staged, unstaged = files[0], files[1]
    staged.write_text(staged.read_text("utf-8") + "\nmore\n", encoding="utf-8")
    _git(repo, "add", str(staged))
    unstaged.write_text(unstaged.read_text("utf-8") + "\nmore\n", encoding="utf-8")
    shutil.copy(GOOD, repo / "content" / "new-untracked.md")
    (repo / ".gitignore").write_text("ignored.md\n")
    shutil.copy(GOOD, repo / "content" / "ignored.md")
    for argv in (["--cache-dir", "c"], ["--cache-dir", "c"], ["--no-cache"]):
        _, report = _validate(capsys, "--changed-since", "HEAD", *argv)
        assert _reported(report) == sorted([staged.name, unstaged.name, "new-untracked.md"])


def test_a_url_shared_with_an_unchanged_file_is_reported_on_the_changed_one(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(repo)
    files = [p for p in sorted((repo / "content").glob("*.md")) if _url_has(p)]
    first, last = files[0], files[-1]  # the changed file comes first in path order
    _set_url(first, _url_of(last))
    _, full = _validate(capsys, "--no-cache")
    assert "corpus-duplicate-url" in _codes(full, last.name)  # the later file, in a full run
    for argv in (["--cache-dir", "c"], ["--cache-dir", "c"], ["--no-cache"]):
        _, report = _validate(capsys, "--changed-since", "HEAD", *argv)
        assert _reported(report) == [first.name]
        assert "corpus-duplicate-url" in _codes(report, first.name)


def test_changed_since_starts_from_the_merge_base(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(repo)
    files = sorted((repo / "content").glob("*.md"))
    _git(repo, "checkout", "-q", "-b", "feature")
    files[0].write_text(files[0].read_text("utf-8") + "\nfeature\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "feature work")
    _git(repo, "checkout", "-q", "main")
    files[1].write_text(files[1].read_text("utf-8") + "\nmain moved on\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "main work")
    _git(repo, "checkout", "-q", "feature")
    _, report = _validate(capsys, "--no-cache", "--changed-since", "main")
    assert _reported(report) == [files[0].name]


def test_changed_since_with_nothing_changed_reports_no_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(repo)
    code, report = _validate(capsys, "--changed-since", "HEAD")
    assert (code, report["files"]) == (0, [])


def test_changed_since_outside_git_or_with_an_unknown_revision_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(repo)
    assert main(["validate", "--changed-since", "no-such-branch"]) == 2
    err = capsys.readouterr().err
    assert "unknown revision 'no-such-branch'" in err
    assert "Traceback" not in err
    assert main(["validate", "--changed-since=-x"]) == 2
    capsys.readouterr()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chdir(outside)
    shutil.copy(GOOD, outside / GOOD.name)
    assert main(["validate", "--changed-since", "HEAD", GOOD.name]) == 2
    assert "not in one" in capsys.readouterr().err


def test_changed_since_finds_the_repository_of_the_paths_given(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Run from outside the work tree, with paths inside it (a directory and a glob).
    files = sorted((repo / "content").glob("*.md"))
    files[2].write_text(files[2].read_text("utf-8") + "\nmore\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chdir(outside)
    for argument in (str(repo / "content"), str(repo / "content" / "*.md")):
        _, report = _validate(capsys, "--no-cache", "--changed-since", "HEAD", argument)
        assert _reported(report) == [files[2].name]
    shutil.copy(GOOD, outside / GOOD.name)
    argv = ["validate", "--changed-since", "HEAD", str(repo / "content"), GOOD.name]
    assert main(argv) == 2
    assert f"git work tree, and {GOOD.name} is not in one" in capsys.readouterr().err


def test_cache_info_says_why_a_cache_can_never_be_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A database name taken by a directory: every run goes on without a cache, so "nothing
    # stored yet" would promise results that never come.
    (tmp_path / "c" / DATABASE_NAME).mkdir(parents=True)
    assert main(["cache", "info", "--cache-dir", "c"]) == 0
    out = capsys.readouterr().out
    assert "nothing stored yet" not in out
    assert f"state:     {Path('c') / DATABASE_NAME} is not a file" in out
    assert main(["cache", "info", "--cache-dir", "c", "--format", "json"]) == 0
    assert "is not a file" in json.loads(capsys.readouterr().out)["problem"]


def test_cache_clear_says_why_there_is_nothing_to_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c" / DATABASE_NAME).mkdir(parents=True)
    assert main(["cache", "clear", "--cache-dir", "c"]) == 0
    out = capsys.readouterr().out
    why = f"{Path('c') / DATABASE_NAME} is not a file: results cannot be stored"
    assert out == f"nothing to clear: {why}\n"
    assert (tmp_path / "c" / DATABASE_NAME).is_dir()


def test_urls_repeated_among_cached_files_are_reported_from_their_stored_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warm run reads every file back, those with problems and those without: the
    URLs they state still meet in the cross-file check, on the same files as without
    the cache."""
    content = tmp_path / "content"
    files = [p for p in _corpus(content) if _url_has(p)]
    clean = [p for p in files if not _codes(_validate(capsys, "--no-cache", str(p))[1], p.name)]
    assert len(clean) >= 2
    shutil.copy(clean[0], content / "zz-copy-of-a-clean-file.md")  # clean, but a duplicate
    _set_url(clean[1], _url_of(files[0]))  # another clean file takes a URL of the first
    cache = tmp_path / "cache"
    first = _same_with_and_without(capsys, cache, str(content))
    _, warm = _validate(capsys, "--cache-dir", str(cache), str(content))
    assert warm == first
    assert "corpus-duplicate-url" in _codes(warm, "zz-copy-of-a-clean-file.md")
    later = max(clean[1].name, files[0].name)
    assert "corpus-duplicate-url" in _codes(warm, later)


@pytest.mark.parametrize("shared", [False, True])
def test_a_changed_url_whose_hash_a_cached_file_stored_is_told_apart_by_its_text(
    shared: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cached file's URLs enter the cross-file check by their stored hashes. A changed
    file whose new URL has one of those hashes (a collision: another URL) is not a
    duplicate, whether it comes before the cached file or after it; one that states the
    very URL (shared) is, as without the cache."""
    content = tmp_path / "content"
    files = [p for p in _corpus(content) if _url_has(p)]
    cache = tmp_path / "cache"
    _validate(capsys, "--cache-dir", str(cache), str(content))
    # Cached files without problems enter by hash alone: one changed file takes a URL with
    # the hash of such a file's URL before it, another one with that of one after it.
    clean = [p for p in files if not _codes(_validate(capsys, "--no-cache", str(p))[1], p.name)]
    first, last = clean[0], clean[-1]
    changed = [p for p in files if first.name < p.name < last.name][:2]
    assert len(changed) == 2
    before, after = _url_of(first), _url_of(last)
    new_urls = (
        [before, after]
        if shared
        else ["https://example.com/collides-with-one-before", "https://example.com/after"]
    )
    for path, url in zip(changed, new_urls, strict=True):
        _set_url(path, url)
    hashes = {new_urls[0]: firsts.url_hash(before), new_urls[1]: firsts.url_hash(after)}
    monkeypatch.setattr(firsts, "_hash", lambda url: hashes.get(url) or firsts.url_hash(url))
    report = _same_with_and_without(capsys, cache, str(content))
    duplicates = [
        path.name for path in files if "corpus-duplicate-url" in _codes(report, path.name)
    ]
    assert duplicates == ([changed[0].name, last.name] if shared else [])
    # And again, every file now cached: the collisions are met among stored hashes.
    assert _same_with_and_without(capsys, cache, str(content)) == report


def test_cache_info_says_when_no_cache_can_be_made_where_it_would_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only checkout: validate goes on without a cache, which info must not call
    # "nothing stored yet". (The check is os.access, patched: tests may run as root.)
    (tmp_path / "site").mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != tmp_path / "site" and real_access(path, mode)
    )
    assert main(["cache", "info", "--cache-dir", str(tmp_path / "site" / "c")]) == 0
    out = capsys.readouterr().out
    assert "nothing stored yet" not in out
    assert f"state:     the cache directory {tmp_path / 'site' / 'c'} cannot be written" in out
    assert not (tmp_path / "site" / "c").exists()


# --- random problems, paths and policies -------------------------------------------------------

_TITLE_BITS = st.sampled_from(
    ["Plain words", "&amp;", "&#8217;", "é ü", "漢字", "\u202e", '\\"', "##[x]", "  ", "x\\\\y"]
)
_NAME_BITS = st.sampled_from(["a", "é ü", 'q"uote', "#hash", "b\\s", "##[e]", "tab\t", "x"])
_URL_POOL = st.sampled_from(
    [f"https://news.example.org/{n}/" for n in ("one", "two", "three", "é")] + ["not a url"]
)
_POLICIES = st.sampled_from(
    [
        [],
        ["--select", "schema"],
        ["--ignore", "text,corpus"],
        ["--select", "corpus,text-html-entity,date"],
        ["--fail-on", "warning"],
        ["--config", "severity.toml"],
        ["--config", "severity.toml", "--ignore", "schema-enum"],
    ]
)
_FORMATS = st.sampled_from(
    [
        ["--format", "json"],
        ["--format", "text"],
        ["--format", "text", "--color", "always"],
        ["--format", "github"],
        ["--format", "sarif"],
        ["--format", "junit"],
        ["--format", "json", "--statistics"],
        ["--format", "text", "--statistics"],
    ]
)
_ARTICLES = st.fixed_dictionaries(
    {
        "name": st.tuples(st.sampled_from(["2024-03-05-", "1999-01-01-", ""]), _NAME_BITS),
        "title": st.lists(_TITLE_BITS, min_size=1, max_size=3).map("".join),
        "web": _URL_POOL,
        "original": _URL_POOL,
        "type": st.sampled_from(["article", "article", "bogus"]),
        "quality": st.sampled_from(["64", "64", "-1", "'high'"]),
    }
)
_EXAMPLE_NUMBER = iter(range(10**9))


def _article_text(article: dict[str, Any]) -> str:
    lines = GOOD.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = {
        "title:": f"title: {json.dumps(article['title'], ensure_ascii=False)}\n",
        "webUrl:": f'webUrl: "{article["web"]}"\n',
        "originalUrl:": f'originalUrl: "{article["original"]}"\n',
        "type:": f"type: {article['type']}\n",
        "quality:": f"quality: {article['quality']}\n",
    }
    return "".join(
        next((text for start, text in fields.items() if line.startswith(start)), line)
        for line in lines
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(_ARTICLES, min_size=1, max_size=8), _POLICIES, _FORMATS)
def test_random_problems_paths_and_policies_give_the_output_of_a_run_without_cache(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    articles: list[dict[str, Any]],
    policy: list[str],
    output: list[str],
) -> None:
    """Whatever problems the files have (errors and warnings, repeated URLs, names and
    messages to escape), under any selection, severities and format, a warm run writes
    byte for byte what a run without the cache does, and so does the cold run."""
    place = tmp_path / f"example-{next(_EXAMPLE_NUMBER)}"
    content = place / "content"
    content.mkdir(parents=True)
    (place / "severity.toml").write_text(
        '[severity]\n"text-html-entity" = "error"\n"schema-enum" = "warning"\n',
        encoding="utf-8",
    )
    for number, article in enumerate(articles):
        prefix, bit = article["name"]
        name = f"{prefix}{bit}-{number}.md"
        (content / name).write_text(_article_text(article), encoding="utf-8", newline="")
    argv = [*output, *[str(place / a) if a.endswith(".toml") else a for a in policy]]
    outputs = []
    for cache in (["--cache-dir", str(place / "c")], ["--cache-dir", str(place / "c")], []):
        code = main(["validate", *argv, *(cache or ["--no-cache"]), str(content)])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2]
