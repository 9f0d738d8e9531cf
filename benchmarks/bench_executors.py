"""``validate_many`` on a 2-worker Dask ``LocalCluster`` against a 2-process pool.

Usage (from the repository root, venv active, with the ``dask`` extra)::

    python benchmarks/bench_executors.py [DIR] [--count 10000] [--rounds 3] [--chunk-size N]

Without ``DIR``, the generated corpus of ``bench_validate.py`` (``--count`` files, seed 1)
is used. Rows, interleaved round by round, median of the rounds, each started after its
executor is up (its start-up is not timed, as a long-lived cluster would not pay it):

- ``validate_many(paths)``: one process, no executor;
- ``validate_many(paths, ProcessPoolExecutor(2))``;
- ``validate_many(paths, Client(LocalCluster(n_workers=2, threads_per_worker=1)).get_executor())``.

Both executors get the same ``chunk_size`` (default: ``newsmeta.validation.BATCH_SIZE``).
Printed: seconds per row and the pool/Dask ratio (>= 1: Dask is at least as fast).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import bench_validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="validate_many: Dask vs a process pool")
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=0)
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    from newsmeta.validation import BATCH_SIZE, validate_many

    directory = args.directory or bench_validate.generated_corpus(args.count, 1, 0.02, 0.25)
    paths = sorted(str(p) for p in directory.glob("*.md"))
    chunk = args.chunk_size or BATCH_SIZE
    with (
        ProcessPoolExecutor(max_workers=2) as pool,
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        dask = client.get_executor()
        # Warm both: workers import newsmeta and compile the schema before timing.
        validate_many(paths[:64], pool, chunk_size=8)
        validate_many(paths[:64], dask, chunk_size=8)
        rows: dict[str, Callable[[], object]] = {
            "one process": lambda: validate_many(paths),
            "process pool, 2 workers": lambda: validate_many(paths, pool, chunk_size=chunk),
            "Dask LocalCluster, 2 workers": lambda: validate_many(paths, dask, chunk_size=chunk),
        }
        times: dict[str, list[float]] = {label: [] for label in rows}
        for round_ in range(args.rounds):
            for label, run in rows.items():
                start = time.perf_counter()
                run()
                times[label].append(time.perf_counter() - start)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    median = {label: statistics.median(values) for label, values in times.items()}
    print(f"{len(paths)} files from {directory}, chunk_size {chunk}, median of {args.rounds}")
    for label, seconds in median.items():
        print(f"  {label:30} {seconds:8.2f} s")
    ratio = median["process pool, 2 workers"] / median["Dask LocalCluster, 2 workers"]
    print(f"process pool time / Dask time: {ratio:.2f} (>= 1: Dask at least as fast)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
