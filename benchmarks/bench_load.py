"""Time ``newsmeta.load()`` against python-frontmatter's ``frontmatter.load``, in one process.

Usage (from the repository root, venv active; needs ``pip install python-frontmatter``)::

    python benchmarks/bench_load.py DIR [--first N] [--rounds 5] [--src SRC ...]

Rows, each over the first ``N`` ``.md`` files of ``DIR`` in name order, interleaved round
by round (a burst of load on a shared machine hits every row alike), median of the rounds,
in CPU time of the process (and wall time beside it). The rows run in the order below in
odd rounds and in the reverse order in even ones: a row run right after another finds the
caches, the allocator and the collector in the state that one left (the kept row, after
freeing its documents, hands the next row a heap full of free blocks).

``frontmatter.load``
    python-frontmatter with PyYAML's C loader (``CSafeLoader``): a dict, the body, no
    positions, no typed model, no validation, and the text not kept byte for byte.
``newsmeta.load + article, discarded``
    ``newsmeta.load(path).article`` for each file: the exact text, every problem located,
    and the typed :class:`~newsmeta.model.Article`; each document is dropped at once.
``newsmeta.load + article, all kept``
    the same, keeping every document in a list until the round ends: what the garbage
    collector's work grows by when a program holds its documents. Freeing the list at
    the round's end is timed too, as the discarded row frees each document as it goes:
    either way every document is freed once, and a program that keeps its documents
    pays for freeing them (and for the memory they hold) too.
``newsmeta.load + article + problems``
    the article and the problems of each document (the schema and rule checks, which
    ``load()`` leaves until first asked on a file its quick path reads).
``newsmeta check_path``
    what ``newsmeta validate`` does per file, for reference.

Ratios printed: frontmatter over newsmeta (> 1: newsmeta is faster), and kept over
discarded (1.0: keeping documents costs nothing more), each the **median of the
per-round ratios** (the two rows of a round ran a few seconds apart, under the same
load; a ratio of medians would pair rows from different rounds). Only ratios from one
run mean anything on a shared machine; the load average is printed before and after.
Printed beside them: the garbage collector's collections per row and round (by
generation; a kept document's objects are what makes them grow) and the objects the
collector tracks per kept document.

Before the rounds, every file is loaded once with every row's library and the documents
kept (untimed): the first use of each library, and the heap's first growth to hold every
document (page faults the first kept round alone would otherwise pay).

``--src SRC`` (given twice or more: e.g. a ``git worktree`` of an older revision's
``src`` and this one's) compares revisions side by side: each round runs every row once
in a fresh process per ``SRC`` (``PYTHONPATH=SRC``, this environment's dependencies),
alternating, and the report gives each revision's medians and the ratios of every later
``SRC`` to the first (< 1: faster).

``--copies K`` first builds ``DIR`` from ``../shared/corpus`` copied ``K`` times into one
flat directory (``0-name.md``, ``1-name.md``...), as the real-file measurement of the
benchmark notes does (``--copies 5 --first 1611``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
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
    parser.add_argument(
        "--src", action="append", type=Path, default=[], help="a revision's src (twice or more)"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    # The number of rounds run before this one (in other processes): decides the order.
    parser.add_argument("--rounds-before", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.copies:
        flat_copies(ROOT.parent / "shared" / "corpus", args.directory, args.copies)
    if args.src:
        return compare(args)
    times = measure(
        args.directory, args.first, args.rounds, quiet=args.json, rounds_before=args.rounds_before
    )
    if args.json:
        print(json.dumps(times))
        return 0
    report(times, args.rounds, args.directory)
    return 0


Times = dict[str, dict[str, list[float]]]


def measure(
    directory: Path, first: int, rounds: int, *, quiet: bool = False, rounds_before: int = 0
) -> Times:
    """Per row, the CPU and wall seconds of each round, and the collections in each."""
    # python-frontmatter is installed for this benchmark only, not by the dev extra:
    # imported by name so that type-checking does not need it.
    frontmatter = importlib.import_module("frontmatter")

    import newsmeta
    from newsmeta.validation import check_path

    files = sorted(str(p) for p in directory.glob("*.md"))
    if first:
        files = files[:first]
    if not files:
        raise SystemExit(f"no .md files in {directory}")
    # First use of each library (imports, schema compilation, the readers' memos, a rule's
    # library imported for the first file that needs it, the page cache) is not timed:
    # one pass over every file first, or the first row timed would pay for it alone.
    warm = []
    for name in files:
        newsmeta.load(name).problems  # noqa: B018
        document = newsmeta.load(name)
        document.article  # noqa: B018
        warm.append(document)
        frontmatter.load(name)
        check_path(name)
    del warm
    gc.collect()
    tracked = len(gc.get_objects())
    warm = []
    for name in files:
        document = newsmeta.load(name)
        document.article  # noqa: B018
        warm.append(document)
    gc.collect()
    per_document = (len(gc.get_objects()) - tracked) / len(files)
    del warm

    def load_discarded() -> None:
        for name in files:
            newsmeta.load(name).article  # noqa: B018

    def load_kept() -> None:
        kept = []
        for name in files:
            document = newsmeta.load(name)
            document.article  # noqa: B018
            kept.append(document)

    def load_checked() -> None:
        for name in files:
            document = newsmeta.load(name)
            document.article  # noqa: B018
            document.problems  # noqa: B018

    def python_frontmatter() -> None:
        for name in files:
            frontmatter.load(name)

    def validate() -> None:
        for name in files:
            check_path(name)

    rows: dict[str, Callable[[], None]] = {
        "frontmatter.load": python_frontmatter,
        DISCARDED: load_discarded,
        KEPT: load_kept,
        CHECKED: load_checked,
        "newsmeta check_path": validate,
    }
    times: Times = {
        label: {
            "cpu": [],
            "wall": [],
            "files": [len(files)],
            "tracked per document": [per_document],
            **{f"gen{generation}": [] for generation in range(3)},
        }
        for label in rows
    }
    collections = [0, 0, 0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1

    for round_ in range(rounds):
        order = list(rows.items())
        if (rounds_before + round_) % 2:
            order.reverse()
        for label, run in order:
            gc.collect()
            collections[:] = [0, 0, 0]
            gc.callbacks.append(count)
            cpu, wall = time.process_time(), time.perf_counter()
            run()
            times[label]["wall"].append(time.perf_counter() - wall)
            times[label]["cpu"].append(time.process_time() - cpu)
            gc.callbacks.remove(count)
            for generation in range(3):
                times[label][f"gen{generation}"].append(collections[generation])
        if not quiet:
            print(f"round {round_ + 1}/{rounds} done", file=sys.stderr)
    return times


DISCARDED = "newsmeta.load + article, discarded"
KEPT = "newsmeta.load + article, all kept"
CHECKED = "newsmeta.load + article + problems"


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def paired(times: Times, kind: str, over: str, under: str) -> float:
    """The median over the rounds of ``over``'s time divided by ``under``'s."""
    return statistics.median(
        a / b for a, b in zip(times[over][kind], times[under][kind], strict=True)
    )


def report(times: Times, rounds: int, directory: Path) -> None:
    count = int(next(iter(times.values()))["files"][0])
    print(f"{count} files from {directory}, median of {rounds} rounds; {_load()}")
    print(f"  {'':40} {'CPU us/file':>12} {'wall us/file':>13} {'collections 0/1/2':>18}")
    for label, row in times.items():
        cpu, wall = statistics.median(row["cpu"]), statistics.median(row["wall"])
        made = "/".join(f"{statistics.median(row[f'gen{g}']):g}" for g in range(3))
        print(f"  {label:40} {cpu / count * 1e6:12.1f} {wall / count * 1e6:13.1f} {made:>18}")
    tracked = statistics.median(times[KEPT]["tracked per document"])
    print(f"objects tracked by the collector per kept document: {tracked:.1f}")
    print("median of the per-round ratios:")
    for kind in ("cpu", "wall"):
        print(
            f"{kind:4}: frontmatter.load / newsmeta.load: "
            f"{paired(times, kind, 'frontmatter.load', DISCARDED):.2f}x, "
            f"with problems {paired(times, kind, 'frontmatter.load', CHECKED):.2f}x; "
            f"kept / discarded: {paired(times, kind, KEPT, DISCARDED):.3f}"
        )
    kept, discarded = times[KEPT]["cpu"], times[DISCARDED]["cpu"]
    ratios = " ".join(f"{a / b:.3f}" for a, b in zip(kept, discarded, strict=True))
    print(f"kept / discarded, CPU, round by round: {ratios}")


def compare(args: argparse.Namespace) -> int:
    """Every row at each ``--src``, side by side (see the module's docstring)."""
    if len(args.src) < 2:
        raise SystemExit("--src needs two revisions or more")
    runs: dict[Path, list[Times]] = {src: [] for src in args.src}
    print(_load(), file=sys.stderr)
    for round_ in range(args.rounds):
        for src in args.src:
            command = [sys.executable, __file__, str(args.directory), "--rounds", "1", "--json"]
            command += ["--rounds-before", str(round_)]
            if args.first:
                command += ["--first", str(args.first)]
            env = dict(os.environ, PYTHONPATH=str(src.resolve()))
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            runs[src].append(json.loads(done.stdout))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    merged: dict[Path, Times] = {}
    for src, rounds in runs.items():
        merged[src] = {
            label: {
                kind: [value for one in rounds for value in one[label][kind]]
                for kind in rounds[0][label]
            }
            for label in rounds[0]
        }
        print(f"== {src}")
        report(merged[src], args.rounds, args.directory)
    base = args.src[0]
    for src in args.src[1:]:
        print(f"== {src} / {base} (median CPU time, < 1: faster)")
        for label in merged[base]:
            new = statistics.median(merged[src][label]["cpu"])
            old = statistics.median(merged[base][label]["cpu"])
            print(f"  {label:40} {new / old:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
