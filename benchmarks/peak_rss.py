"""What the peak-memory benchmarks share: a generated corpus cut into sizes, and the peak
resident set size of one command run in a fresh process.

``bench_export.py`` and ``bench_memory.py`` import it as they import ``make_corpus``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

#: Runs in a child: the command, then the peak RSS (KiB) of the command's process tree.
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak_kib)
"""


def generated_corpus(folder: Path, count: int, *, seed: int) -> list[Path]:
    """At least ``count`` files made by ``make_corpus.py`` in ``folder`` (2% invalid;
    deterministic for ``seed``; made only once), sorted."""
    if not folder.is_dir() or len(list(folder.glob("*.md"))) < count:
        command = [sys.executable, str(BENCH_DIR / "make_corpus.py"), str(folder)]
        command += ["--count", str(count), "--seed", str(seed), "--invalid-rate", "0.02"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return sorted(folder.glob("*.md"))


def linked_subset(files: Sequence[Path], count: int, folder: Path) -> Path:
    """``folder/nCOUNT``, holding hard links to the first ``count`` of ``files``."""
    target = folder / f"n{count}"
    if not target.is_dir():
        target.mkdir()
        for path in files[:count]:
            os.link(path, target / path.name)
    return target


def peak_rss(
    command: Sequence[str], env: Mapping[str, str] | None = None
) -> tuple[int, int, float]:
    """``(exit code, peak RSS in KiB, wall seconds)`` of ``command`` run in a fresh process
    (its output discarded): ``ru_maxrss`` of the largest process in its tree."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        env=None if env is None else dict(env),
    )
    elapsed = time.perf_counter() - started
    code, peak = done.stdout.split()
    return int(code), int(peak), elapsed
