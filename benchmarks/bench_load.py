"""Time ``newsmeta.load()`` against python-frontmatter's ``frontmatter.load``, in one process.

Usage (from the repository root, venv active; needs ``pip install python-frontmatter``)::

    python benchmarks/bench_load.py DIR [--first N] [--rounds 5]

Rows, each over the first ``N`` ``.md`` files of ``DIR`` in name order, interleaved round
by round (a burst of load on a shared machine hits every row alike), median of the rounds:

``frontmatter.load``
    python-frontmatter with PyYAML's C loader (``CSafeLoader``): a dict, the body, no
    positions, no typed model, no validation, and the text not kept byte for byte.
``newsmeta.load + article, discarded``
    ``newsmeta.load(path).article`` for each file: the exact text, every problem located,
    and the typed :class:`~newsmeta.model.Article`; each document is dropped at once.
``newsmeta.load + article, all kept``
    the same, keeping every document in a list until the round ends: what the garbage
    collector's work grows by when a program holds its documents.
``newsmeta check_path``
    what ``newsmeta validate`` does per file, for reference.

Ratios printed: frontmatter over newsmeta (> 1: newsmeta is faster), and kept over
discarded (1.0: keeping documents costs nothing more). Only ratios from one run mean
anything on a shared machine.

``--copies K`` first builds ``DIR`` from ``../shared/corpus`` copied ``K`` times into one
flat directory (``0-name.md``, ``1-name.md``...), as the real-file measurement of the
benchmark notes does (``--copies 5 --first 1611``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flat_copies(source: Path, target: Path, copies: int) -> None:
    """``target`` holding every ``.md`` file of ``source`` ``copies`` times (hard links)."""
    target.mkdir(parents=True, exist_ok=True)
    for index in range(copies):
        for path in sorted(source.glob("*.md")):
            link = target / f"{index}-{path.name}"
            if not link.exists():
                try:
                    os.link(path, link)
                except OSError:
                    link.write_bytes(path.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsmeta.load vs frontmatter.load")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--first", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=0, help="build DIR from ../shared/corpus")
    args = parser.parse_args(argv)
    if args.copies:
        flat_copies(ROOT.parent / "shared" / "corpus", args.directory, args.copies)

    # python-frontmatter is installed for this benchmark only, not by the dev extra:
    # imported by name so that type-checking does not need it.
    frontmatter = importlib.import_module("frontmatter")

    import newsmeta
    from newsmeta.validation import check_path

    files = sorted(str(p) for p in args.directory.glob("*.md"))
    if args.first:
        files = files[: args.first]
    if not files:
        raise SystemExit(f"no .md files in {args.directory}")
    # First use of each library (imports, schema compilation, caches) is not timed.
    newsmeta.load(files[0]).article  # noqa: B018
    frontmatter.load(files[0])
    check_path(files[0])

    def load_discarded() -> None:
        for name in files:
            newsmeta.load(name).article  # noqa: B018

    def load_kept() -> None:
        kept = []
        for name in files:
            document = newsmeta.load(name)
            document.article  # noqa: B018
            kept.append(document)

    def python_frontmatter() -> None:
        for name in files:
            frontmatter.load(name)

    def validate() -> None:
        for name in files:
            check_path(name)

    rows: dict[str, Callable[[], None]] = {
        "frontmatter.load": python_frontmatter,
        "newsmeta.load + article, discarded": load_discarded,
        "newsmeta.load + article, all kept": load_kept,
        "newsmeta check_path": validate,
    }
    times: dict[str, list[float]] = {label: [] for label in rows}
    for round_ in range(args.rounds):
        for label, run in rows.items():
            gc.collect()
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    median = {label: statistics.median(values) for label, values in times.items()}
    print(f"{len(files)} files from {args.directory}, median of {args.rounds} rounds")
    for label, seconds in median.items():
        print(f"  {label:40} {seconds / len(files) * 1e6:8.1f} us/file")
    discarded = median["newsmeta.load + article, discarded"]
    print(f"frontmatter.load / newsmeta.load: {median['frontmatter.load'] / discarded:.2f}x")
    kept = median["newsmeta.load + article, all kept"]
    print(f"newsmeta.load kept / discarded:   {kept / discarded:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
