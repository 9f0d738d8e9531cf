"""``newsmeta edit`` over a folder in one process, side by side with the same edit done by
one ``newsmeta`` process per file, and with ``newsmeta validate`` on the same files.

Two jobs, each on a fresh copy of the folder (default ``../shared/corpus``) every time:

- ``topics``: ``newsmeta edit '.topics += ["AI"]' DIR`` against one
  ``newsmeta append FILE topics AI`` process per file: every file changes;
- ``publish``: ``newsmeta edit 'if .quality > 50 then .published = true else . end' DIR``
  against one ``newsmeta set FILE published true`` process per file that the condition
  selects (the list is given to it for free: the cheapest a per-file loop can be).

``newsmeta edit --check`` (the topics job, writing nothing) shows what the saves cost.
``newsmeta validate DIR`` (default jobs, and ``--jobs 1``; without its result cache) runs
on the same files in the same rounds. Rounds are interleaved (one round runs every row
once), the median of the rounds is reported, and the per-file rows run once (they take
minutes). Ratios are of wall time and of CPU time (user + system of the child processes),
rows of one run only.

    python benchmarks/bench_bulk_edit.py [DIR] [--rounds N] [--sample N] [--scratch DIR]
                                         [--json OUT]

``--sample N`` times the per-file rows on the first N files only and scales them to the
whole folder (said in the output). The machine is shared by several engineers: absolute
times vary from run to run; compare the ratios of one run.

Every copy the rows edit is made before the first timed run and deleted after the last
one. On ext4 without a journal, creating a file skips every inode of its group deleted in
the last minutes, reading the inode table to do so: copies deleted between the runs would
make the edit's own temporaries (one per saved file) cost more than they do in use. The
copies go to ``--scratch`` (default: the temporary folder), whose file system is printed:
the saves' kernel time depends on it (``--scratch /dev/shm`` for tmpfs, a folder on the
disk for the disk), so compare runs on the same file system.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEWSMETA = [sys.executable, "-m", "newsmeta"]

AI = '.topics += ["AI"]'
PUBLISH = "if .quality > 50 then .published = true else . end"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and child CPU seconds of ``run``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, _children_cpu() - cpu


#: Every file checked in every round: validate's result cache would answer the rounds after
#: the first from what it stored, and edit has no such cache.
_ENV = dict(os.environ, NEWSMETA_NO_CACHE="1")


def _call(argv: list[str], ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run(argv, capture_output=True, check=False, env=_ENV)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-400:]!r}")


def _fresh(source: list[Path], scratch: Path) -> Path:
    folder = scratch / f"copy-{time.monotonic_ns()}"
    folder.mkdir()
    for path in source:
        shutil.copyfile(path, folder / path.name)
    return folder


def file_system(path: Path) -> str:
    """The type, mount point and options of the file system holding ``path``, from
    ``/proc/self/mountinfo`` (matched by device number); ``"unknown"`` elsewhere."""
    try:
        device = os.stat(path).st_dev
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    wanted = f"{os.major(device)}:{os.minor(device)}"
    found = None
    for line in lines:
        # id parent major:minor root mount-point options [optional...] - type source super
        fields = line.split()
        if len(fields) < 7 or fields[2] != wanted or "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        mount_point, options = fields[4], fields[5]
        kind = fields[dash + 1] if len(fields) > dash + 1 else "?"
        extra = fields[dash + 3] if len(fields) > dash + 3 else ""
        # The longest mount point that holds ``path`` is the one in use.
        if found is None or len(mount_point) > len(found[0]):
            found = (mount_point, f"{kind} on {mount_point} ({options}; {extra})")
    return found[1] if found is not None else "unknown"


def _selected(source: list[Path]) -> list[str]:
    """The files ``PUBLISH`` changes."""
    import newsmeta

    names = []
    for path in source:
        data = newsmeta.load(path).data
        quality = data.get("quality") if isinstance(data, dict) else None
        if isinstance(quality, int) and quality > 50 and data.get("published") is not True:  # type: ignore[union-attr]
            names.append(path.name)
    return names


def main(argv: list[str] | None = None) -> int:
    """Run the rows; print the medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", default=str(SHARED / "corpus"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=0, help="per-file rows on N files only")
    parser.add_argument(
        "--scratch",
        metavar="DIR",
        default=None,
        help="where the copies are made (default: the temporary folder); its file system "
        "is printed",
    )
    parser.add_argument("--json", metavar="OUT", default=None)
    args = parser.parse_args(argv)
    source = sorted(Path(args.folder).glob("*.md"))
    if not source:
        parser.error(f"no *.md files in {args.folder}")
    selected = _selected(source)
    sample = source[: args.sample] if args.sample else source
    scale = len(source) / len(sample)
    # As many selected files as the sample has (the first files may hold none of them).
    chosen = selected[: len(sample)]
    scale_publish = len(selected) / max(1, len(chosen))
    times: dict[str, list[tuple[float, float]]] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=args.scratch, prefix="bench-bulk-edit-") as name:
        scratch = Path(name)
        system = file_system(scratch)
        for path in source:
            path.read_bytes()  # a warm page cache for every row

        edited = ("edit topics", "edit publish", "edit topics --check")
        # Every copy first, none deleted before the last timed run (see the docstring).
        copies = {(job, i): _fresh(source, scratch) for job in edited for i in range(args.rounds)}
        for job in ("append topics", "set published"):
            copies[job, 0] = _fresh(source, scratch)

        def row(name: str, run: Callable[[Path], None], folder: Path) -> None:
            wall, cpu = _timed(lambda: run(folder))
            times.setdefault(name, []).append((wall, cpu))

        original = Path(args.folder)
        for i in range(args.rounds):
            row(
                "edit topics (one process)",
                lambda d: _call([*NEWSMETA, "edit", AI, str(d)]),
                copies["edit topics", i],
            )
            row(
                "edit publish (one process)",
                lambda d: _call([*NEWSMETA, "edit", PUBLISH, str(d)]),
                copies["edit publish", i],
            )
            # The same edit, writing nothing: what the saves (atomic, fsynced) cost apart.
            row(
                "edit topics --check (no write)",
                lambda d: _call([*NEWSMETA, "edit", "--check", AI, str(d)], ok=(1,)),
                copies["edit topics --check", i],
            )
            row(
                "validate (default jobs)",
                lambda d: _call([*NEWSMETA, "validate", str(d)], ok=(0, 1)),
                original,
            )
            row(
                "validate --jobs 1",
                lambda d: _call([*NEWSMETA, "validate", "--jobs", "1", str(d)], ok=(0, 1)),
                original,
            )

        def per_file_topics(folder: Path) -> None:
            for path in sample:
                _call([*NEWSMETA, "append", str(folder / path.name), "topics", "AI"])

        def per_file_publish(folder: Path) -> None:
            for name in chosen:
                _call([*NEWSMETA, "set", str(folder / name), "published", "true"])

        row("append topics, one process per file", per_file_topics, copies["append topics", 0])
        row("set published, one process per file", per_file_publish, copies["set published", 0])
        load_after = os.getloadavg()
        # The copies go with the scratch folder, after the last timed run.
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in times.items()
    }
    for name, factor in (
        ("append topics, one process per file", scale),
        ("set published, one process per file", scale_publish),
    ):
        wall, cpu = medians[name]
        medians[name] = (wall * factor, cpu * factor)
    print(f"{len(source)} files in {args.folder}; {len(selected)} selected by the publish job;")
    if not chosen:
        print("(no file selected: the per-file set row times nothing and has no ratio)")
    print(f"median of {args.rounds} rounds (per-file rows: one round", end="")
    print(f", {len(sample)} files scaled x{scale:.2f})" if args.sample else ")")
    print("the machine is shared: compare the ratios of this run, not absolute times")
    print(f"copies edited on: {system}")
    print(
        "load average (1, 5, 15 min): "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after"
    )
    for name, (wall, cpu) in medians.items():
        print(f"  {name:<40} wall {wall:8.2f} s   cpu {cpu:8.2f} s")

    def ratio(a: str, b: str) -> tuple[float, float]:
        if not all(medians[a]) or not all(medians[b]):
            return math.nan, math.nan  # a row that timed nothing (no file selected)
        return medians[a][0] / medians[b][0], medians[a][1] / medians[b][1]

    ratios = {
        "per-file append / edit topics": ratio(
            "append topics, one process per file", "edit topics (one process)"
        ),
        "per-file set / edit publish": ratio(
            "set published, one process per file", "edit publish (one process)"
        ),
        "edit topics / validate": ratio("edit topics (one process)", "validate (default jobs)"),
        "edit topics / validate --jobs 1": ratio("edit topics (one process)", "validate --jobs 1"),
        "edit topics --check / validate": ratio(
            "edit topics --check (no write)", "validate (default jobs)"
        ),
        "edit topics --check / validate --jobs 1": ratio(
            "edit topics --check (no write)", "validate --jobs 1"
        ),
        "edit publish / validate": ratio("edit publish (one process)", "validate (default jobs)"),
        "edit publish / validate --jobs 1": ratio(
            "edit publish (one process)", "validate --jobs 1"
        ),
    }
    print("ratios (wall, cpu):")
    for name, (wall, cpu) in ratios.items():
        if math.isnan(wall):
            print(f"  {name:<36}     n/a      n/a")
        else:
            print(f"  {name:<36} {wall:6.2f}x  {cpu:6.2f}x")
    if args.json:
        kept = {name: pair for name, pair in ratios.items() if not math.isnan(pair[0])}
        out = {"files": len(source), "medians": medians, "ratios": kept,
               "file_system": system, "load": [load_before, load_after]}  # fmt: skip
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
