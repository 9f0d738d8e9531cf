"""Worst cases inside one file: does the time grow linearly with the size of the problem?

Usage (from the repository root, venv active)::

    python benchmarks/bench_worst.py [--rounds 7] [--scale 10] [--case NAME] [--warm]
    python benchmarks/bench_worst.py --instructions [--case NAME]   # needs valgrind

Each case is a generated article (``examples/2024-03-05-harbour-city-school-solar.md`` with
one thing repeated ``n`` times) at a small ``n`` and at ``--scale`` times that ``n``. Each is
run through ``newsmeta.load(...)`` (with the typed article and every problem located) and
through ``check_bytes`` (what ``newsmeta validate`` does per file), in CPU time of this
process (the machine may be shared).

The figure is made robust against a shared machine's noise:

- a sample of the small size is ``--scale`` runs (a small case runs in a few milliseconds,
  too short to time alone), so that both sizes' samples take about as long and are as
  exposed to a burst of load; each run is timed alone and the sample is their sum;
- the two sizes' samples are taken side by side, small first in one round and large
  first in the next (whichever runs second finds the caches and the allocator in the
  state the first left);
- each round gives a ratio of the two sizes' time per run, and the ratio printed is the
  **median of the ``--rounds`` per-round ratios** (the times printed are medians too). The
  median, not the minimum: the minimum of several short samples is more likely to catch a
  quiet moment than that of long ones, which biases the ratio upwards (a best of 3 once
  gave 19x for a case whose instructions grow 10.6x), and one outlying round moves a
  median not at all.

The collector starts every run from the same state (a full collection before each run,
untimed), as a new file read in a fresh batch would: without that, when the collector's
full collections happen depends on what ran before. The collector's work within a run is
timed, and the full (generation 2) collections each run triggers are counted (column
``gen2``): a run that keeps tens of thousands of objects alive at once triggers one.

``--instructions`` counts instructions instead (``valgrind --tool=callgrind``, one run per
size after a first untimed one), which no other process on the machine can change: the
count of each run is cut out at the calls of ``time.process_time`` around it
(``--dump-after=time_process_time``). Slow (a few minutes for every case): ``--case``
picks cases.

The reader's memos of plain scalars and keys, and the schema's of suggestions for unknown
keys (each bounded at a few thousand entries or fewer), are emptied
before every timed run, so each run reads its file as a new file with unseen keys would be
read: without that (``--warm``), the small size is read entirely from memos filled by the
previous rounds while the large one overflows them, and the ratio compares a memoised read
with an unmemoised one.
Printed: the time at both sizes and their ratio; linear work gives about ``--scale`` (the
goal is at most 1.5 times it), quadratic work about its square. Every case stays within the
default limits (10,000 YAML nodes), so it is really checked, not refused.

Cases:

``unknown-keys``
    ``n`` keys the format does not know (495 -> 4,950): one ``schema-unknown-key`` each.
``related-entity``
    ``n`` related articles whose titles hold an HTML entity (40 -> 400): one
    ``text-html-entity`` warning each, found on the quick path.
``duplicate-keys``
    ``n`` repeats of one unknown key (495 -> 4,950): ``yaml-duplicate-key`` each.
``null-topics``
    ``topics`` with ``n`` null items (495 -> 4,950): one ``schema-type`` each.
``insecure-related``
    ``n`` related articles with ``http://`` URLs (40 -> 400): one ``url-insecure`` each.
``suppressions``
    ``n`` unknown keys each silenced by a ``# newsmeta: ignore[...]`` comment (400 -> 4,000:
    4,950 of them would pass the front matter's size limit).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "examples" / "2024-03-05-harbour-city-school-solar.md"


def _with(yaml: str) -> str:
    """The base article with ``yaml`` added at the end of its front matter, in place of
    the base's own value of a top-level key that ``yaml`` sets."""
    text = BASE.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    replaced = {line.split(":", 1)[0] for line in yaml.splitlines() if line[:1].isalpha()}
    kept, skipping = [], False
    for line in head.split("\n"):
        if line[:1].isalpha():
            skipping = line.split(":", 1)[0] in replaced
        elif line and not line[:1].isspace() and not line.startswith(("-", "#")):
            skipping = False
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n" + yaml + sep.lstrip("\n") + body


def _related(n: int, title: str, url: str) -> str:
    items = []
    for i in range(n):
        items.append(
            f"  - title: {title} {i}\n"
            f"    excerpt: Item {i}.\n"
            f"    publishedDateTime: 2024-03-05T10:00:00Z\n"
            f"    webUrl: {url}/{i}\n"
            f"    type: article\n"
            f"    provider:\n"
            f"      name: Example\n"
            f"      domain: example.com\n"
        )
    return "related:\n" + "".join(items)


CASES: dict[str, tuple[int, Callable[[int], str]]] = {
    "unknown-keys": (495, lambda n: "".join(f"unknownKey{i}: {i}\n" for i in range(n))),
    "related-entity": (
        40,
        lambda n: _related(n, "Caf&eacute; opens", "https://example.com/a"),
    ),
    "duplicate-keys": (495, lambda n: "".join(f"again: {i}\n" for i in range(n))),
    "null-topics": (495, lambda n: "topics:\n" + "  - null\n" * n),
    "insecure-related": (40, lambda n: _related(n, "Plain title", "http://example.com/a")),
    # 400 -> 4,000: at 4,950 the comments take the front matter past its size limit.
    "suppressions": (
        400,
        lambda n: "".join(
            f"# newsmeta: ignore[schema-unknown-key]\nextra{i}: {i}\n" for i in range(n)
        ),
    ),
}


NAME = "2024-03-05-worst.md"


def _load(loads: Callable[..., Any], text: str) -> tuple[object, Any]:
    document = loads(text, path=NAME)
    return document.article, document.problems


def _forget() -> None:
    """Empty the reader's memos of plain scalars and keys (see the module's docstring)."""
    from newsmeta import _quick, _yamltree, schema

    for memo in (
        _quick._PLAIN_VALUES,
        _quick._GOOD_KEYS,
        _yamltree._RESOLVED,
        _yamltree._PLAIN_INFO,
        _yamltree._CHECKED_KEYS,
    ):
        memo.clear()
    # Suggestions for unknown keys are remembered up to a bound: left full, the small case
    # would be served from it while the large one (past the bound) is not.
    schema._closest_known.cache_clear()


class Collections:
    """Full (generation 2) collections of the garbage collector, counted while installed."""

    def __init__(self) -> None:
        self.full = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.full += 1


def timed(run: Callable[[], object], runs: int, warm: bool, full: Collections) -> float:
    """The CPU seconds of ``runs`` runs, each timed alone after the memos are emptied
    (unless ``warm``) and a full collection, neither of them timed."""
    total = 0.0
    for _ in range(runs):
        if not warm:
            _forget()
        gc.collect()
        gc.callbacks.append(full)
        start = time.process_time()
        run()
        total += time.process_time() - start
        gc.callbacks.remove(full)
    return total


# Case, path, both sizes, a run of each size, and each size's problem count.
Row = tuple[str, str, int, int, Callable[[], object], Callable[[], object], int, int]


def rows(scale: int, cases: list[str]) -> list[Row]:
    """Each case and path: its two sizes, a run of each, and each size's problem count."""
    import newsmeta
    from newsmeta.validation import check_bytes

    newsmeta.loads(BASE.read_text(encoding="utf-8")).article  # noqa: B018 - first use
    made: list[Row] = []
    for name in cases:
        small, make = CASES[name]
        for label in ("load", "validate"):
            runs: list[Callable[[], object]] = []
            problems = []
            for n in (small, small * scale):
                text = _with(make(n))
                raw = text.encode("utf-8")
                # Each run once, untimed, as its first use: the first typed article
                # of a failing file, say, makes the converter's hooks for that path.
                if label == "load":
                    runs.append(partial(_load, newsmeta.loads, text))
                    problems.append(len(_load(newsmeta.loads, text)[1]))
                else:
                    runs.append(partial(check_bytes, raw, NAME))
                    problems.append(len(check_bytes(raw, NAME).problems))
            made.append(
                (name, label, small, small * scale, runs[0], runs[1], problems[0], problems[1])
            )
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsmeta's worst cases inside one file")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--warm", action="store_true", help="keep the memos between runs")
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), help="only this case (repeatable)"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    parser.add_argument("--under-callgrind", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cases = args.case or list(CASES)
    if args.instructions:
        return instructions(args, cases)
    if args.under_callgrind:
        # One run of each size, in order: the parent reads each run's count from the
        # dump callgrind writes after each call of time.process_time.
        full = Collections()
        order = []
        for name, label, n1, n2, run1, run2, _, _ in rows(args.scale, cases):
            for n, run in ((n1, run1), (n2, run2)):
                before = full.full
                timed(run, 1, args.warm, full)
                order.append([name, label, n, full.full - before])
        print(json.dumps(order))
        return 0

    print(_load_average())
    print(
        f"{'case':18} {'path':9} {'n':>6} {'ms/run':>8} {'n x' + str(args.scale):>8} "
        f"{'ms/run':>8} {'ratio':>7} {'gen2':>6}  problems"
    )
    worst = 0.0
    for name, label, n1, n2, run1, run2, p1, p2 in rows(args.scale, cases):
        small: list[float] = []
        large: list[float] = []
        ratios: list[float] = []
        full1, full2 = Collections(), Collections()
        for round_ in range(args.rounds):
            samples = [
                (run1, args.scale, full1, small),
                (run2, 1, full2, large),
            ]
            if round_ % 2:
                samples.reverse()
            for run, runs, full, into in samples:
                into.append(timed(run, runs, args.warm, full) / runs)
            ratios.append(large[-1] / small[-1])
        ratio = statistics.median(ratios)
        worst = max(worst, ratio)
        gen2 = f"{full1.full / (args.rounds * args.scale):.0f}-{full2.full / args.rounds:.0f}"
        print(
            f"{name:18} {label:9} {n1:>6} {statistics.median(small) * 1e3:>8.2f} {n2:>8} "
            f"{statistics.median(large) * 1e3:>8.2f} {ratio:>7.1f} {gen2:>6}  {p1} -> {p2}"
        )
    print(
        f"worst ratio: {worst:.1f} (median of {args.rounds} paired rounds; linear: "
        f"{args.scale}; goal: at most {1.5 * args.scale:g}); {_load_average()}"
    )
    return 0


def instructions(args: argparse.Namespace, cases: list[str]) -> int:
    """Each case's instruction counts at both sizes, under callgrind."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--dump-after=time_process_time",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--under-callgrind",
            "--scale",
            str(args.scale),
        ]
        command += [f"--case={name}" for name in cases]
        if args.warm:
            command.append("--warm")
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        order = json.loads(done.stdout)
        counts = []
        dumps = sorted(Path(scratch).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        for dump in dumps:
            for line in dump.read_text().splitlines():
                if line.startswith(("totals:", "summary:")):
                    counts.append(int(line.split()[1]))
                    break
    # Dumps alternate: up to a run's start (untimed), then the run itself.
    runs = counts[1::2]
    if len(runs) != len(order):
        raise SystemExit(f"{len(runs)} counted runs for {len(order)} runs")
    print(
        f"{'case':18} {'path':9} {'n':>6} {'Minstr':>9} {'n x' + str(args.scale):>8} "
        f"{'Minstr':>9} {'ratio':>7} {'gen2':>6}"
    )
    worst = 0.0
    for index in range(0, len(order), 2):
        (name, label, n1, g1), (_, _, n2, g2) = order[index], order[index + 1]
        i1, i2 = runs[index], runs[index + 1]
        worst = max(worst, i2 / i1)
        print(
            f"{name:18} {label:9} {n1:>6} {i1 / 1e6:>9.1f} {n2:>8} {i2 / 1e6:>9.1f} "
            f"{i2 / i1:>7.2f} {f'{g1}-{g2}':>6}"
        )
    print(f"worst ratio: {worst:.2f} (instructions; linear: {args.scale})")
    return 0


def _load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
