"""A jq program that never ends can be stopped with Ctrl-C in every command that runs one.

The jq binding hands no control back to Python while a program runs, so a Python signal
handler would wait for the program to end: ``newsmeta query 'def f: f; f'`` or a
``--where`` condition that loops would then ignore Ctrl-C for ever.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES

POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

GOOD = EXAMPLES / "2024-03-05-harbour-city-school-solar.md"
NEVER_ENDS = "def f: f; f"


def _interrupted(tmp_path: Path, argv: list[str], signum: int) -> tuple[int, str]:
    """Run ``newsmeta *argv`` (an article in ``tmp_path``), send ``signum`` once the
    program is running, and return the exit status and stderr. Fails when the process
    does not end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmeta", *argv],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Start-up takes a fraction of a second; a signal that comes earlier ends the run
    # through Python's handler, which proves less but never fails wrongly.
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert process.poll() is None, "the program ended by itself"
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"newsmeta {argv[0]} went on after {signal.Signals(signum).name}")
    return process.returncode, err


@POSIX_ONLY
@pytest.mark.parametrize(
    "argv",
    [
        ["query", NEVER_ENDS, "a.md"],
        ["set", "--where", NEVER_ENDS, "a.md", "title", "Changed"],
        ["fix", "--where", NEVER_ENDS, "a.md"],
        ["edit", NEVER_ENDS, "a.md"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_program_that_never_ends_is_stopped_by_ctrl_c(tmp_path: Path, argv: list[str]) -> None:
    signum = signal.SIGINT
    article = tmp_path / "a.md"
    shutil.copy(GOOD, article)
    before = article.read_bytes()
    returncode, err = _interrupted(tmp_path, argv, signum)
    assert returncode in (-signum, 128 + signum), err
    assert "Traceback" not in err
    assert article.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary left


def _ignoring_hangup_and_ctrl_c() -> None:
    # As `nohup newsmeta edit ... &` starts it: a closed terminal and Ctrl-C are ignored.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@POSIX_ONLY
@pytest.mark.parametrize("program", [".", "(reduce range(100000) as $i (0; . + 1)) as $n | ."])
def test_an_edit_started_with_signals_ignored_runs_to_the_end(tmp_path: Path, program: str) -> None:
    files = [tmp_path / f"{index:02}.md" for index in range(12)]
    for path in files:
        shutil.copy(GOOD, path)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmeta", "edit", f'{program} | .title = "Changed"', "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignoring_hangup_and_ctrl_c,
    )
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    for signum in (signal.SIGHUP, signal.SIGINT):
        if process.poll() is None:
            process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert all('title: "Changed"' in path.read_text(encoding="utf-8") for path in files)
