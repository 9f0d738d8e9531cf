"""The published pre-commit hook, run by pre-commit itself in a temporary repository.

The hook source is a throw-away git repository holding a copy of this project's working
tree (so uncommitted changes are what is tested, and this repository's git state is never
touched). pre-commit builds the hook's own environment from it, as it would from GitHub.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
BROKEN = EXAMPLES / "2024-04-02-late-frost-cherries.md"
FIXABLE = EXAMPLES / "2024-05-20-market-hall.md"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _hook_source(target: Path) -> str:
    """Copy what a wheel build needs into ``target``, commit it, return the commit id."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "hook source")
    return _git(target, "rev-parse", "HEAD")


def _pre_commit(
    work: Path, env: dict[str, str], *, timeout: int
) -> subprocess.CompletedProcess[str]:
    """Run every hook of the repository at ``work`` over all its files."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def test_the_fix_and_validate_hooks_repair_then_fail_on_a_broken_article(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    rev = _hook_source(tmp_path / "source")
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'source'}\n    rev: {rev}\n"
        "    hooks:\n      - id: newsmeta-fix\n      - id: newsmeta-validate\n",
        encoding="utf-8",
    )
    (work / "good.md").write_bytes(GOOD.read_bytes())
    (work / "broken.md").write_bytes(BROKEN.read_bytes())
    (work / "market.md").write_bytes(FIXABLE.read_bytes())
    (work / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    _git(work, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    run = _pre_commit(work, env, timeout=300)  # the first run installs the hook
    assert run.returncode == 1, run.stdout + run.stderr
    assert "newsmeta fix" in run.stdout
    assert "files were modified by this hook" in run.stdout
    assert (work / "market.md").read_bytes() != FIXABLE.read_bytes()
    assert "newsmeta validate" in run.stdout
    assert "Failed" in run.stdout
    assert "broken.md:7:7: error schema-enum " in run.stdout
    assert "good.md:" not in run.stdout
    assert "3 files, 8 errors, 0 warnings" in run.stdout  # notes.txt is not passed

    (work / "broken.md").unlink()
    _git(work, "add", "-A")
    again = _pre_commit(work, env, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout


def test_the_changed_files_hook_compares_a_staged_article_with_every_committed_one(
    tmp_path: Path,
) -> None:
    pytest.importorskip("pre_commit")
    rev = _hook_source(tmp_path / "source")
    work = tmp_path / "work"
    (work / "content").mkdir(parents=True)
    _git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'source'}\n    rev: {rev}\n"
        "    hooks:\n      - id: newsmeta-validate-changed\n",
        encoding="utf-8",
    )
    (work / "newsmeta.toml").write_text('include = ["content"]\nfail-on = "warning"\n')
    (work / "content" / "good.md").write_bytes(GOOD.read_bytes())
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    env.pop("NEWSMETA_CACHE_DIR", None)  # the cache goes beside newsmeta.toml, as for users

    def staged_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--color", "never"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    _git(work, "add", "-A")
    first = staged_run()  # before the first commit, every file counts as changed
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Passed" in first.stdout
    _git(work, "commit", "-q", "-m", "first article")

    (work / "content" / "copy.md").write_bytes(GOOD.read_bytes())  # states the same URLs
    _git(work, "add", "-A")
    run = staged_run()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "copy.md:" in run.stdout
    assert "corpus-duplicate-url" in run.stdout
    assert "good.md:" not in run.stdout  # the committed article is compared, not reported
    assert "1 file, 0 errors, 1 warning" in run.stdout
    assert (work / ".newsmeta_cache" / "results.sqlite3").is_file()
