"""Worst cases inside one file: does the time grow linearly with the size of the problem?

Usage (from the repository root, venv active)::

    python benchmarks/bench_worst.py [--rounds 5] [--scale 10] [--warm]

Each case is a generated article (``examples/2024-03-05-harbour-city-school-solar.md`` with
one thing repeated ``n`` times) at a small ``n`` and at ``--scale`` times that ``n``. Each is
timed through ``newsmeta.load(...)`` (with the typed article and every problem located) and
through ``check_bytes`` (what ``newsmeta validate`` does per file), best of ``--rounds``,
in CPU time of this process (the machine may be shared).

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


def _load(loads: Callable[..., Any], text: str) -> object:
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


def best(run: Callable[[], object], rounds: int, warm: bool = False) -> float:
    """The least CPU time of ``rounds`` runs (memos emptied before each unless ``warm``)."""
    times = []
    for _ in range(rounds):
        if not warm:
            _forget()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsmeta's worst cases inside one file")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--warm", action="store_true", help="keep the memos between runs")
    args = parser.parse_args(argv)

    import newsmeta
    from newsmeta.validation import check_bytes

    newsmeta.loads(BASE.read_text(encoding="utf-8")).article  # noqa: B018 - first use
    print(
        f"{'case':18} {'path':9} {'n':>6} {'cpu s':>9} {'n x' + str(args.scale):>8} "
        f"{'cpu s':>9} {'ratio':>7}  problems"
    )
    worst = 0.0
    for name, (small, make) in CASES.items():
        for label in ("load", "validate"):
            row = []
            for n in (small, small * args.scale):
                text = _with(make(n))
                raw = text.encode("utf-8")
                run: Callable[[], object]
                if label == "load":
                    run = partial(_load, newsmeta.loads, text)
                    problems = len(newsmeta.loads(text, path=NAME).problems)
                else:
                    run = partial(check_bytes, raw, NAME)
                    problems = len(check_bytes(raw, NAME).problems)
                row.append((n, best(run, args.rounds, args.warm), problems))
            (n1, t1, p1), (n2, t2, p2) = row
            ratio = t2 / t1
            worst = max(worst, ratio)
            print(
                f"{name:18} {label:9} {n1:>6} {t1:>9.4f} {n2:>8} {t2:>9.4f} {ratio:>7.1f}  "
                f"{p1} -> {p2}"
            )
    print(f"worst ratio: {worst:.1f} (linear: {args.scale}; goal: at most {1.5 * args.scale:g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
