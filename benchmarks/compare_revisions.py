"""Time ``newsmeta validate`` at two git revisions, side by side, on one directory.

Usage (from the repository root, venv active)::

    python benchmarks/compare_revisions.py OLD NEW DIR [--rounds 5] [--jobs 1]

Each revision is checked out into a temporary git worktree and its bytecode compiled (as
an installed wheel's would be). Rounds alternate between the two, so a burst of load on
this shared machine hits both alike. Each run is ``python -m newsmeta validate --format
json --jobs N DIR`` with ``PYTHONPATH`` pointing at that revision's ``src``; the
dependencies are this environment's. Reported: median wall and CPU time (user + system of
the child) per revision, and NEW/OLD ratios (< 1: NEW is faster). Both revisions must
run with the installed dependencies.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(src: Path, directory: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``newsmeta validate`` run from ``src``."""
    # Every file checked in every round: revisions with a result cache honour this variable,
    # older ones ignore it.
    env = dict(os.environ, PYTHONPATH=str(src), NEWSMETA_NO_CACHE="1")
    argv = [sys.executable, "-m", "newsmeta", "validate", "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [*argv, "--jobs", str(jobs), str(directory)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"newsmeta from {src} exited {done.returncode}: {done.stderr[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsmeta validate at two revisions")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
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
            for round_ in range(args.rounds):
                for label, src in sources.items():
                    times[label].append(run_once(src, args.directory, args.jobs))
                print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            for src in sources.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src.parent)],
                    check=False,
                    capture_output=True,
                )
    medians = {
        label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for label, runs in times.items()
    }
    for label, revision in (("old", args.old), ("new", args.new)):
        wall, cpu = medians[label]
        print(f"{label} {revision}: median wall {wall:.3f} s, median cpu {cpu:.3f} s")
    print(
        f"new/old: wall {medians['new'][0] / medians['old'][0]:.3f}, "
        f"cpu {medians['new'][1] / medians['old'][1]:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
