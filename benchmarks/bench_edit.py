"""Cost of one edit-and-save with newsmeta against a ruamel.yaml round-trip load and dump.

For each file: copy it to a temporary folder, then time

- newsmeta: ``load`` + ``set("title", ...)`` + ``save()`` (splice, verify, atomic write);
- ruamel: read, split the fences, ``YAML(typ="rt")`` load, set the title, dump, write.

Prints files/s for both and the ratio newsmeta/ruamel (lower is better; aim <= 1.5).

    python benchmarks/bench_edit.py [FILES_OR_DIRS...] [--repeat N]

Default input: ``../shared/corpus`` (real files, read in place) or the seed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import newsmeta

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _inputs(arguments: list[str]) -> list[Path]:
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        paths.extend(sorted(path.glob("*.md")) if path.is_dir() else [path])
    if not paths:
        corpus = SHARED / "corpus"
        paths = sorted(corpus.glob("*.md")) or [SHARED / "seed" / "000_9dd58f7d27826a4c.txt"]
    return paths


def edit_newsmeta(path: Path, title: str) -> None:
    """One edit-and-save through newsmeta."""
    document = newsmeta.load(path)
    document.set("title", title)
    document.save(force=True)


def _make_ruamel() -> Callable[[Path, str], None]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 30

    def edit_ruamel(path: Path, title: str) -> None:
        """The same edit through a ruamel round trip (the usual alternative)."""
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        _, front, body = text.split("---\n", 2)
        data = yaml.load(front)
        data["title"] = title
        out = io.StringIO()
        yaml.dump(data, out)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write("---\n" + out.getvalue() + "---\n" + body)

    return edit_ruamel


def _time(files: list[Path], run: Callable[[Path, str], None], repeat: int) -> float:
    best = float("inf")
    for round_number in range(repeat):
        # A new title each round: setting the value a file already has is no edit at all.
        title = f"A benchmark title, round {round_number}"
        start = time.perf_counter()
        for path in files:
            run(path, title)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the rates and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sources = _inputs(args.paths)
    edit_ruamel = _make_ruamel()
    with tempfile.TemporaryDirectory() as folder:
        ours_dir, theirs_dir = Path(folder, "newsmeta"), Path(folder, "ruamel")
        ours_dir.mkdir()
        theirs_dir.mkdir()
        ours = [Path(shutil.copy(p, ours_dir / p.name)) for p in sources]
        theirs = [Path(shutil.copy(p, theirs_dir / p.name)) for p in sources]
        # Warm up both paths (imports, caches) before timing.
        edit_newsmeta(ours[0], "Warm-up")
        edit_ruamel(theirs[0], "Warm-up")
        t_ours = _time(ours, edit_newsmeta, args.repeat)
        t_theirs = _time(theirs, edit_ruamel, args.repeat)
    count = len(sources)
    print(f"files: {count}")
    print(f"newsmeta edit+save:          {count / t_ours:8.1f} files/s")
    print(f"ruamel rt load+edit+dump:    {count / t_theirs:8.1f} files/s")
    print(f"ratio (newsmeta / ruamel):   {t_ours / t_theirs:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
