"""Time ``newsmeta validate`` at two git revisions, side by side, on one directory.

Usage (from the repository root, venv active)::

    python benchmarks/compare_revisions.py OLD NEW DIR [--rounds 5] [--jobs 1] [--edit EXPR]

Each revision is checked out into a temporary git worktree and its bytecode compiled (as
an installed wheel's would be). Rounds alternate between the two, so a burst of load on
this shared machine hits both alike. Each run is ``python -m newsmeta validate --format
json --jobs N DIR`` with ``PYTHONPATH`` pointing at that revision's ``src``; the
dependencies are this environment's. Reported: median wall and CPU time (user + system of
the child) per revision, and NEW/OLD ratios (< 1: NEW is faster). Both revisions must
run with the installed dependencies. ``--jobs 0`` runs validate with its default number
of workers.

``--edit EXPR`` also runs ``newsmeta edit EXPR`` in every round, at each revision, on a
fresh copy of the directory's ``*.md`` files (in a temporary folder), and reports the
edit's times beside validate's, with each revision's edit/validate ratio.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(src: Path, directory: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``newsmeta validate`` run from ``src``."""
    argv = ["validate", "--format", "json"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    return _timed(src, [*argv, str(directory)], ok=(0, 1))


def edit_once(src: Path, directory: Path, program: str, scratch: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``newsmeta edit`` run from ``src`` on a fresh copy of
    the ``*.md`` files of ``directory``."""
    copy = scratch / f"edit-{time.monotonic_ns()}"
    copy.mkdir()
    for path in sorted(directory.glob("*.md")):
        shutil.copyfile(path, copy / path.name)  # not copy2: the copies are writable
    try:
        return _timed(src, ["edit", program, str(copy)], ok=(0,))
    finally:
        shutil.rmtree(copy)


def _timed(src: Path, arguments: list[str], ok: tuple[int, ...]) -> tuple[float, float]:
    # Every file checked in every round: revisions with a result cache honour this variable,
    # older ones ignore it.
    env = dict(os.environ, PYTHONPATH=str(src), NEWSMETA_NO_CACHE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newsmeta", *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"newsmeta from {src} exited {done.returncode}: {done.stderr[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsmeta validate at two revisions")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1, help="validate's --jobs; 0: its default")
    parser.add_argument("--edit", metavar="EXPR", default=None, help="also time this edit")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsmeta-revisions-") as scratch:
        sources: dict[str, Path] = {}
        for label, revision in (("old", args.old), ("new", args.new)):
            tree = Path(scratch) / label
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision],
                check=True,
                capture_output=True,
            )
            compileall.compile_dir(str(tree / "src" / "newsmeta"), quiet=1)
            sources[label] = tree / "src"
        try:
            times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
            edits: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
            for round_ in range(args.rounds):
                for label, src in sources.items():
                    times[label].append(run_once(src, args.directory, args.jobs))
                    if args.edit is not None:
                        edits[label].append(
                            edit_once(src, args.directory, args.edit, Path(scratch))
                        )
                print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            for src in sources.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src.parent)],
                    check=False,
                    capture_output=True,
                )
    medians = _medians(times)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, revision in (("old", args.old), ("new", args.new)):
        wall, cpu = medians[label]
        print(f"{label} {revision}: median wall {wall:.3f} s, median cpu {cpu:.3f} s")
    print(
        f"new/old: wall {medians['new'][0] / medians['old'][0]:.3f}, "
        f"cpu {medians['new'][1] / medians['old'][1]:.3f}"
    )
    if args.edit is not None:
        edited = _medians(edits)
        print(f"edit {args.edit!r} on a fresh copy:")
        for label, revision in (("old", args.old), ("new", args.new)):
            wall, cpu = edited[label]
            print(
                f"{label} {revision}: median wall {wall:.3f} s, median cpu {cpu:.3f} s; "
                f"edit/validate wall {wall / medians[label][0]:.3f}, "
                f"cpu {cpu / medians[label][1]:.3f}"
            )
        print(
            f"edit new/old: wall {edited['new'][0] / edited['old'][0]:.3f}, "
            f"cpu {edited['new'][1] / edited['old'][1]:.3f}"
        )
    return 0


def _medians(times: dict[str, list[tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    return {
        label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for label, runs in times.items()
    }


if __name__ == "__main__":
    sys.exit(main())
