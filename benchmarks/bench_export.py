"""Peak memory of ``newsmeta export`` as the number of files grows: does the output stream?

Generates one synthetic corpus (``make_corpus.py``, deterministic) of the largest size,
hard-links its first N files into a folder per size, and runs
``python -m newsmeta export FOLDER --with-body --output-file FILE`` on each in a fresh process,
reading that process's peak resident set size (``ru_maxrss``). Memory that stays flat while
the output grows a hundredfold means the records stream; what still grows is the list of
paths (sorted, as ``validate`` sorts them) and, with ``--with-problems``, the cross-file
URL index.

    python benchmarks/bench_export.py [--counts 1000 10000 100000] [--with-problems]
        [--work DIR]

Prints one line per size: files, peak RSS in MiB, output size in MiB, wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs in the child: export, then print the peak RSS of the export process.
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak_kib)
"""


def _generate(folder: Path, count: int) -> list[Path]:
    if not folder.is_dir() or len(list(folder.glob("*.md"))) < count:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "make_corpus.py"),
                str(folder),
                "--count",
                str(count),
                "--seed",
                "14",
                "--invalid-rate",
                "0.02",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return sorted(folder.glob("*.md"))


def _subset(files: list[Path], count: int, folder: Path) -> Path:
    target = folder / f"n{count}"
    if not target.is_dir():
        target.mkdir()
        for path in files[:count]:
            os.link(path, target / path.name)
    return target


def measure(folder: Path, output: Path, with_problems: bool) -> tuple[int, int, float]:
    """``(exit code, peak RSS in KiB, wall seconds)`` of one export run."""
    command = [sys.executable, "-m", "newsmeta", "export", str(folder), "--with-body"]
    command += ["--output-file", str(output)]
    if with_problems:
        command.append("--with-problems")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - started
    code, peak = done.stdout.split()
    return int(code), int(peak), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--with-problems", action="store_true")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsmeta-export-"))
    work.mkdir(parents=True, exist_ok=True)
    files = _generate(work / "corpus", max(args.counts))
    rows = []
    for count in sorted(args.counts):
        folder = _subset(files, count, work)
        output = work / f"n{count}.jsonl"
        code, peak, elapsed = measure(folder, output, args.with_problems)
        with output.open(encoding="utf-8") as handle:
            records = sum(1 for _ in handle)
        size = output.stat().st_size
        output.unlink()
        rows.append(
            {
                "files": count,
                "records": records,
                "exit": code,
                "peak_rss_mib": round(peak / 1024, 1),
                "output_mib": round(size / 2**20, 1),
                "seconds": round(elapsed, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
