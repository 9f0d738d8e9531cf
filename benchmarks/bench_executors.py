"""``validate_many`` on a 2-worker Dask ``LocalCluster`` against a 2-process pool.

Usage (from the repository root, venv active, with the ``dask`` extra)::

    python benchmarks/bench_executors.py [DIR] [--count 10000] [--rounds 5] [--chunk-size N]

Without ``DIR``, the generated corpus of ``bench_validate.py`` (``--count`` files, seed 1)
is used. Rows:

- ``validate_many(paths)``: one process, no executor;
- ``validate_many(paths, ProcessPoolExecutor(2))``;
- ``validate_many(paths, client.get_executor())`` with
  ``Client(LocalCluster(n_workers=2, threads_per_worker=1))``, Dask's default settings;
- the same cluster started under the settings the Dask guide recommends for a cluster that
  runs ``validate_many`` (``docs/guides/dask.md``: Dask's own monitoring less often, and
  a batch sent to a worker only when it has a thread free).

What is timed is one ``validate_many`` call, the same call and the same ``chunk_size``
(default: ``newsmeta.validation.BATCH_SIZE``) on every row. Each executor is started
afresh for its row in each round and warmed before the clock starts: every worker checks
the warm-up files (the first 64, and one file for each problem code the corpus gives, so
that the modules only a file with a problem needs are loaded: the full parser, the YAML
spec check, the mojibake repair), then a few small batches go through the executor. It
is shut down after, so no idle executor runs while another row is timed. Start-up is not
timed: a long-lived cluster or pool does not pay it per call. (A pool's workers are forked
from this process, which has checked every file once to find the warm-up files, so they
start warm, with whatever newsmeta remembers across files (the suggestions for mistyped
keys) already filled; a Dask worker is a new interpreter, and without the warm-up files
would load those modules during the timed run, about 0.1 s of processor time per worker.)
The order of the rows alternates from round to round.

For each row: wall time, and CPU time of every process taking part (this one, which holds
the Dask scheduler and nannies, plus the workers), split into this process and the
workers; and the idle tail: from the moment the first worker finished its last task to
the moment the last worker finished its own (each task notes, where it ran, when it
finished), the time the run left a worker without work at its end. Printed: medians,
pool ÷ Dask ratios (>= 1: Dask at least as fast), and the load average before and after
(the machine may be shared: prefer the CPU ratios and the idle tail then, which depend
less on what else runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import bench_validate

#: The Dask guide's settings for a cluster that runs validate_many (keep them equal).
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.worker-saturation": 1.0,
}

Row = Callable[[], contextlib.AbstractContextManager[Executor | None]]
P = ParamSpec("P")
T = TypeVar("T")


def stamped(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> tuple[Any, int, float]:
    """``fn``'s result, with the process that ran it and when it finished (wall clock)."""
    result = fn(*args, **kwargs)
    return result, os.getpid(), time.time()


class Stamping(Executor):
    """Hands every task to ``inner`` and notes, per process that ran tasks, when its last
    one finished. What the caller gets back is the task's own result."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.last_end: dict[int, float] = {}

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        outer: Future[T] = Future()

        def done(task: Future[tuple[Any, int, float]]) -> None:
            try:
                result, pid, end = task.result()
            except BaseException as exc:  # handed on to the caller as is
                outer.set_exception(exc)
                return
            self.last_end[pid] = max(end, self.last_end.get(pid, end))
            outer.set_result(result)

        self.inner.submit(stamped, fn, *args, **kwargs).add_done_callback(done)
        return outer

    def idle_tail(self) -> float:
        """Seconds from the first worker's last task end to the last worker's (0 with
        fewer than two workers seen)."""
        ends = self.last_end.values()
        return max(ends) - min(ends) if len(self.last_end) > 1 else 0.0


@contextlib.contextmanager
def no_executor() -> Iterator[None]:
    yield None


def check_files(paths: list[str]) -> None:
    """Check ``paths`` where this runs (a worker's warm-up)."""
    from newsmeta.validation import check_path

    for path in paths:
        check_path(path)


def warm_up_files(paths: list[str]) -> list[str]:
    """The first 64 of ``paths``, and the first file giving each problem code (every
    path is checked here to find them, which warms this process too)."""
    from newsmeta.validation import check_path

    files = paths[:64]
    codes: set[str] = set()
    for path in paths:
        new = {problem.code for problem in check_path(path).problems} - codes
        if new:
            codes |= new
            files.append(path)
    return files


def process_pool(warm: list[str]) -> Row:
    @contextlib.contextmanager
    def start() -> Iterator[Executor]:
        with ProcessPoolExecutor(2, initializer=check_files, initargs=(warm,)) as pool:
            yield pool

    return start


def dask_cluster(settings: dict[str, object], warm: list[str]) -> Row:
    @contextlib.contextmanager
    def start() -> Iterator[Executor]:
        import dask
        from distributed import Client, LocalCluster

        with (
            dask.config.set(settings),
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            client.run(check_files, warm)
            yield client.get_executor()

    return start


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process in ``pids``."""
    import psutil  # type: ignore[import-untyped]

    seconds = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            seconds[pid] = times.user + times.system
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="validate_many: Dask vs a process pool")
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk-size", type=int, default=0)
    args = parser.parse_args(argv)

    import psutil

    from newsmeta.validation import BATCH_SIZE, validate_many

    directory = args.directory or bench_validate.generated_corpus(args.count, 1, 0.02, 0.25)
    paths = sorted(str(p) for p in directory.glob("*.md"))
    chunk = args.chunk_size or BATCH_SIZE
    warm = warm_up_files(paths)
    rows: dict[str, Row] = {
        "one process": no_executor,
        "process pool, 2 workers": process_pool(warm),
        "Dask, 2 workers, defaults": dask_cluster({}, warm),
        "Dask, 2 workers, guide's settings": dask_cluster(QUIET_DASK, warm),
    }
    wall: dict[str, list[float]] = {label: [] for label in rows}
    here: dict[str, list[float]] = {label: [] for label in rows}
    workers: dict[str, list[float]] = {label: [] for label in rows}
    tail: dict[str, list[float]] = {label: [] for label in rows}
    me = psutil.Process()
    load_before = os.getloadavg()
    for round_ in range(args.rounds):
        order = list(rows) if round_ % 2 == 0 else list(reversed(rows))
        for label in order:
            with rows[label]() as executor:
                for _ in range(2):  # every worker warm: 16 small tasks
                    validate_many(paths[:64], executor, chunk_size=4)
                children = [child.pid for child in me.children(recursive=True)]
                before = cpu_seconds(children)
                stamping = Stamping(executor) if executor is not None else None
                cpu_start, start = time.process_time(), time.perf_counter()
                validate_many(paths, stamping, chunk_size=chunk)
                wall[label].append(time.perf_counter() - start)
                tail[label].append(stamping.idle_tail() if stamping is not None else 0.0)
                here[label].append(time.process_time() - cpu_start)
                after = cpu_seconds(children)
                workers[label].append(sum(after[pid] - before.get(pid, 0.0) for pid in after))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    load_after = os.getloadavg()

    def median(values: dict[str, list[float]], label: str) -> float:
        return statistics.median(values[label])

    def cpu(label: str) -> float:
        return statistics.median(h + w for h, w in zip(here[label], workers[label], strict=True))

    print(f"{len(paths)} files from {directory}, chunk_size {chunk}, median of {args.rounds}")
    print(f"every worker warmed with {len(warm)} files")
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print(f"  {'':36} {'wall s':>8} {'CPU s':>8} {'here':>8} {'workers':>8} {'idle tail':>10}")
    for label in rows:
        print(
            f"  {label:36} {median(wall, label):8.2f} {cpu(label):8.2f}"
            f" {median(here, label):8.2f} {median(workers, label):8.2f}"
            f" {median(tail, label):10.3f}"
        )
    pool = "process pool, 2 workers"
    for label in rows:
        if label.startswith("Dask"):
            print(
                f"pool ÷ {label}: wall {median(wall, pool) / median(wall, label):.2f},"
                f" CPU {cpu(pool) / cpu(label):.2f} (>= 1: Dask at least as fast)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
