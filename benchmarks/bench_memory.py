"""Peak memory of ``newsmeta validate`` as the number of files grows: is it flat?

Generates one synthetic corpus (``make_corpus.py``, deterministic) of the largest size,
hard-links its first N files into a folder per size, and runs
``python -m newsmeta validate FOLDER --no-cache --format text --output-file /dev/null``
(``--jobs`` as given; default 1) on each in a fresh process, reading that process's peak
resident set size (``ru_maxrss`` of the largest child; with worker processes, the largest
of the parent and its workers). Sizes are measured in alternation for ``--rounds`` rounds;
the median of each is reported, with its ratio to the smallest size's.

``--src DIR`` runs another source tree's ``newsmeta`` (``PYTHONPATH=DIR``, e.g. another
worktree's ``src``) beside this one, in the same rounds, for a before/after comparison.

    python benchmarks/bench_memory.py [--counts 10000 100000] [--jobs 1] [--rounds 3]
        [--src OTHER/src] [--work DIR]

Prints one JSON line per source tree and size, then the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import peak_rss


def measure(folder: Path, jobs: int, src: str | None) -> tuple[int, int, float]:
    """``(exit code, peak RSS in KiB, wall seconds)`` of one validate run."""
    command = [sys.executable, "-m", "newsmeta", "validate", str(folder), "--no-cache"]
    command += ["--format", "text", "--output-file", os.devnull, "--jobs", str(jobs)]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    return peak_rss.peak_rss(command, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--counts", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--src", default=None, help="another source tree to measure beside")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsmeta-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    files = peak_rss.generated_corpus(work / "corpus", max(args.counts), seed=18)
    counts = sorted(args.counts)
    folders = {count: peak_rss.linked_subset(files, count, work) for count in counts}
    trees: list[str | None] = [None] if args.src is None else [None, args.src]
    peaks: dict[tuple[str, int], list[int]] = {}
    codes: dict[tuple[str, int], set[int]] = {}
    for _ in range(args.rounds):
        for tree in trees:
            for count in counts:
                code, peak, _elapsed = measure(folders[count], args.jobs, tree)
                key = (tree or "this", count)
                peaks.setdefault(key, []).append(peak)
                codes.setdefault(key, set()).add(code)
    for tree in trees:
        name = tree or "this"
        base = statistics.median(peaks[(name, counts[0])])
        for count in counts:
            median = statistics.median(peaks[(name, count)])
            row = {
                "tree": name,
                "files": count,
                "jobs": args.jobs,
                "exit": sorted(codes[(name, count)]),
                "peak_rss_mib": round(median / 1024, 1),
                "all_mib": [round(p / 1024, 1) for p in peaks[(name, count)]],
                "vs_smallest": round(median / base, 3),
            }
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
