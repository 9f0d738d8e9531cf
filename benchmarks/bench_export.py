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
import sys
import tempfile
from pathlib import Path

import peak_rss


def measure(folder: Path, output: Path, with_problems: bool) -> tuple[int, int, float]:
    """``(exit code, peak RSS in KiB, wall seconds)`` of one export run."""
    command = [sys.executable, "-m", "newsmeta", "export", str(folder), "--with-body"]
    command += ["--output-file", str(output)]
    if with_problems:
        command.append("--with-problems")
    return peak_rss.peak_rss(command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--with-problems", action="store_true")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsmeta-export-"))
    work.mkdir(parents=True, exist_ok=True)
    files = peak_rss.generated_corpus(work / "corpus", max(args.counts), seed=14)
    rows = []
    for count in sorted(args.counts):
        folder = peak_rss.linked_subset(files, count, work)
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
