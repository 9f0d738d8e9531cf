"""Mutate real front matters and check the quick view's two event sources agree.

The quick path reads PyYAML's libyaml events and hands over to ruamel.yaml's (an older
libyaml) at the first flow collection or directive, because the two accept different
texts there. This script looks for any other text on which PyYAML's events give a view
that ruamel.yaml's events would not give, or a different one. Each mutation inserts up to
three YAML-significant tokens at random places; the run is reproducible from its seed.

Run from the repository root (the venv active)::

    python fuzz/compare_event_sources.py ../shared/corpus --seed 11 --count 150000

It prints how many mutants both sources read, how many PyYAML's left to the full path,
and every disagreement (exit 1 if there is one).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

from newsmeta._frontmatter import Split, split_front_matter
from newsmeta._quick import quick_view

TOKENS = [
    *("[", "]", "{", "}", ",", ":", " : ", ": ", "?", "? ", "#", " #", "-", "- "),
    *("\n", "\n  ", "\t", "'", '"', "\\", "|", ">", "&a ", "*a", "!t "),
    *("%YAML 1.2\n", "%TAG ! x\n", "---\n", "...\n", "@", "`", "%", "\r\n"),
    *("\ufeff", "\u0085", "\u2028", "x", "https://a.b/c?d=e&f", "[a:b]", "[a?b]", "{a:b}"),
    *("yes", "0777", '"\\\'"', "'a''b'", "|-\n  x\n", ">+\n  y\n\n", "a: [1, 2]\n", "  \n"),
]


def front_matters(directory: Path) -> list[str]:
    """The YAML text of every ``*.md`` file in ``directory`` that has fences."""
    texts = []
    for path in sorted(directory.glob("*.md")):
        split = split_front_matter(path.read_text(encoding="utf-8"))
        if isinstance(split, Split):
            texts.append(split.yaml)
    return texts


def mutate(rng: random.Random, text: str) -> str:
    """``text`` with one to three tokens inserted, each replacing 0 to 5 characters."""
    for _ in range(rng.randint(1, 3)):
        start = rng.randint(0, len(text))
        end = start + rng.choice([0, 0, 0, 1, 2, 5])
        text = text[:start] + rng.choice(TOKENS) + text[end:]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", type=Path, help="a folder of article files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args(argv)
    texts = front_matters(args.corpus)
    if not texts:
        parser.error(f"no article files in {args.corpus}")
    rng = random.Random(args.seed)
    outcome: Counter[str] = Counter()
    for _ in range(args.count):
        text = mutate(rng, rng.choice(texts))
        fast = quick_view(text)
        if fast is None:
            outcome["left to the full path"] += 1
            continue
        authority = quick_view(text, pyyaml=False)
        same = (
            authority is not None
            and fast.data == authority.data
            and [fast.span([k]) for k in fast.data] == [authority.span([k]) for k in fast.data]
        )
        if same:
            outcome["same view"] += 1
        else:
            outcome["DISAGREE"] += 1
            print(f"disagreement: {text!r}")
    print(dict(outcome))
    return 1 if outcome["DISAGREE"] else 0


if __name__ == "__main__":
    sys.exit(main())
