"""What the bulk-edit jobs of the guide do to the files: newsmeta against python-frontmatter.

Each job runs on its own fresh copy of a folder of articles (default ``../shared/corpus``),
once with ``newsmeta edit`` (one process) and once with the usual python-frontmatter loop
(``frontmatter.load``, change ``post.metadata``, ``frontmatter.dump``; a file is written only
when its data changed, which is the kindest way to use it). For every tool and job it
prints the files changed, the lines added and removed (what ``git diff --numstat`` sums),
the files that gained an error-level problem (``newsmeta.validation.check_path`` before and
after), and the seconds taken.

    python benchmarks/compare_bulk_tools.py [FOLDER] [--json OUT]

python-frontmatter is not a dependency of newsmeta: ``pip install python-frontmatter``.
The machine these numbers come from is shared: compare the rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

Metadata = dict[str, Any]


@attrs.frozen
class Job:
    """One bulk edit, as a newsmeta command and as a python-frontmatter function."""

    name: str
    argv: tuple[str, ...]
    #: Changes the metadata in place; returns nothing.
    change: Callable[[Metadata], None]
    #: Prepares the copy (on every tool's copy alike), or None.
    prepare: Callable[[Path], None] | None = None


def _add_ai(data: Metadata) -> None:
    topics = data.setdefault("topics", [])
    if "AI" not in topics:
        topics.append("AI")


def _publish(data: Metadata) -> None:
    if (data.get("quality") or 0) > 50:
        data["published"] = True


def _rename(data: Metadata) -> None:
    if "publishDateTime" in data:
        data["publishedDateTime"] = data.pop("publishDateTime")


def _drop_related(data: Metadata) -> None:
    if "related" in data:
        data["related"] = [r for r in data["related"] if str(r["publishedDateTime"]) >= "2023-06"]
        if not data["related"]:
            del data["related"]


def _titles(data: Metadata) -> None:
    data["title"] = re.sub("  +", " ", data["title"])


def _misspell(folder: Path) -> None:
    """Every ninth file gets ``publishDateTime`` for ``publishedDateTime``."""
    for path in sorted(folder.glob("*.md"))[::9]:
        path.write_bytes(path.read_bytes().replace(b"\npublishedDateTime:", b"\npublishDateTime:"))


def _with_related(folder: Path) -> None:
    """Replace the folder's files by generated ones that have related articles."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_corpus

    count = len(list(folder.glob("*.md")))
    for path in folder.glob("*.md"):
        path.unlink()
    for name, text, _ in make_corpus.generate(count, 11, 0.0, related_rate=1.0):
        (folder / name).write_text(text, encoding="utf-8", newline="")


_AI = '.topics |= (if index(["AI"]) then . else . + ["AI"] end)'
_PUBLISH = "if .quality > 50 then .published = true else . end"
_RENAME = ".publishedDateTime = .publishDateTime | del(.publishDateTime)"
_RELATED = (
    '.related |= map(select(.publishedDateTime >= "2023-06")) | del(.related | select(. == []))'
)

JOBS = (
    Job("add topic AI where missing", (_AI,), _add_ai),
    Job("published: true where quality > 50", (_PUBLISH,), _publish),
    Job(
        "rename publishDateTime", ("--where", 'has("publishDateTime")', _RENAME), _rename, _misspell
    ),
    Job(
        "drop related older than 2023-06 (generated files)",
        ("--where", 'has("related")', _RELATED),
        _drop_related,
        _with_related,
    ),
    Job("collapse doubled spaces in titles", ('.title |= gsub("  +"; " ")',), _titles),
)


def _errors(folder: Path) -> dict[str, set[tuple[str, str]]]:
    from newsmeta.validation import check_path

    out = {}
    for path in sorted(folder.glob("*.md")):
        result = check_path(path)
        out[path.name] = {(p.code, p.pointer) for p in result.problems if p.severity == "error"}
    return out


def _numstat(before: dict[str, bytes], folder: Path) -> tuple[int, int, int]:
    files = added = removed = 0
    for name, old in before.items():
        new = (folder / name).read_bytes()
        if new == old:
            continue
        files += 1
        for line in difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(),
            new.decode("utf-8", "replace").splitlines(),
            n=0,
            lineterm="",
        ):
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
    return files, added, removed


def _run_newsmeta(job: Job, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsmeta", "edit", *job.argv, str(folder)],
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - start


def _run_frontmatter(job: Job, folder: Path) -> float:
    script = (
        "import copy, json, sys, pathlib, frontmatter\n"
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import compare_bulk_tools as c\n"
        f"job = c.JOBS[{JOBS.index(job)}]\n"
        "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.md')):\n"
        "    post = frontmatter.load(path)\n"
        "    before = copy.deepcopy(post.metadata)\n"
        "    job.change(post.metadata)\n"
        "    if post.metadata != before:\n"
        "        frontmatter.dump(post, path)\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, str(folder)], check=True)
    return time.perf_counter() - start


TOOLS: dict[str, Callable[[Job, Path], float]] = {
    "newsmeta edit": _run_newsmeta,
    "python-frontmatter": _run_frontmatter,
}


def main(argv: list[str] | None = None) -> int:
    """Run every job with every tool; print one row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", default=str(SHARED / "corpus"))
    parser.add_argument("--json", metavar="OUT", default=None)
    args = parser.parse_args(argv)
    source = Path(args.folder)
    sources = sorted(source.glob("*.md"))
    if not sources:
        parser.error(f"no *.md files in {source}")
    rows = []
    print(f"{len(sources)} files from {source}; the machine is shared: compare rows of one run")
    columns = ("files", "+lines", "-lines", "new errors", "s")
    print(f"{'job':<50} {'tool':<20} " + " ".join(f"{c:>10}" for c in columns))
    for job in JOBS:
        for tool, run in TOOLS.items():
            with tempfile.TemporaryDirectory() as scratch:
                folder = Path(scratch) / "corpus"
                folder.mkdir()
                for path in sources:
                    shutil.copyfile(path, folder / path.name)
                if job.prepare is not None:
                    job.prepare(folder)
                before = {p.name: p.read_bytes() for p in folder.glob("*.md")}
                errors_before = _errors(folder)
                seconds = run(job, folder)
                files, added, removed = _numstat(before, folder)
                errors_after = _errors(folder)
                worse = sum(
                    1
                    for name, codes in errors_after.items()
                    if codes - errors_before.get(name, set())
                )
            row: dict[str, object] = {"job": job.name, "tool": tool, "files": files,
                   "added": added, "removed": removed, "new_errors": worse,
                   "seconds": round(seconds, 2)}  # fmt: skip
            rows.append(row)
            values = (files, added, removed, worse, f"{seconds:.2f}")
            print(f"{job.name:<50} {tool:<20} " + " ".join(f"{v:>10}" for v in values))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
