"""Every real file, rebuilt by ``newsmeta.new`` from its own typed article and body, is itself.

The real files are the house style: a file that ``new`` cannot rebuild byte for byte either
departs from the house style (listed in :data:`KNOWN_DEPARTURES`, with how) or shows a
renderer bug. The differing lines are classified so that a failure says which.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import newsmeta

#: Real files of ``../shared/corpus`` that depart from the house style, by name, with how
#: (as :func:`how_it_departs` words it). None does: every file is rebuilt exactly.
KNOWN_DEPARTURES: dict[str, str] = {}

_KEY = re.compile(r"^( *)(?:- )?([A-Za-z]+):")


def how_it_departs(original: str, rebuilt: str) -> str:
    """A short account of how ``original`` differs from the house-style ``rebuilt``."""
    if original.startswith("\ufeff"):
        return "starts with a byte-order mark"
    if "\r\n" in original:
        return "uses CRLF line endings"
    old = original.split("\n")
    new = rebuilt.split("\n")
    reasons: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        if not any(removed) and not any(added):
            reasons.append(f"blank lines differ at line {i1 + 1}")
        elif sorted(line for line in removed if line) == sorted(line for line in added if line):
            reasons.append(f"key order or blank lines differ at line {i1 + 1}")
        elif len(removed) == len(added):
            for offset, (a, b) in enumerate(zip(removed, added, strict=True)):
                if a == b:
                    continue
                key_a, key_b = _KEY.match(a), _KEY.match(b)
                where = f"line {i1 + offset + 1}"
                if key_a and key_b and key_a.group(2) == key_b.group(2):
                    if len(key_a.group(1)) != len(key_b.group(1)):
                        reasons.append(f"{where}: {key_a.group(2)} is indented differently")
                    else:
                        reasons.append(f"{where}: {key_a.group(2)} is written differently")
                else:
                    reasons.append(f"{where}: {a[:40]!r} where house style has {b[:40]!r}")
        else:
            reasons.append(f"lines {i1 + 1}-{i2} are laid out differently")
    return "; ".join(reasons) or "differs"


def departures(corpus: Iterable[Path]) -> dict[str, str]:
    """The files ``new`` does not rebuild byte for byte, with how each differs."""
    found: dict[str, str] = {}
    for path in corpus:
        document = newsmeta.load(path)
        assert document.article is not None, path.name
        rebuilt = newsmeta.new(document.article, document.body)
        if rebuilt.encoded() != path.read_bytes():
            found[path.name] = how_it_departs(document.text, rebuilt.dumps())
    return found


def test_every_corpus_file_is_rebuilt_byte_identical_from_its_article(
    corpus: list[Path],
) -> None:
    found = departures(corpus)
    unexpected = {name: how for name, how in found.items() if name not in KNOWN_DEPARTURES}
    assert not unexpected, "\n".join(f"{name}: {how}" for name, how in sorted(unexpected.items()))
    assert found == KNOWN_DEPARTURES


def test_the_account_of_a_departure_names_what_differs() -> None:
    rebuilt = newsmeta.new(newsmeta.from_dict(_minimal())).dumps()
    assert how_it_departs("\ufeff" + rebuilt, rebuilt) == "starts with a byte-order mark"
    assert how_it_departs(rebuilt.replace("\n", "\r\n"), rebuilt) == "uses CRLF line endings"
    single = rebuilt.replace('title: "A title"', "title: 'A title'")
    assert how_it_departs(single, rebuilt) == "line 3: title is written differently"
    tight = rebuilt.replace("\n\nprovider:", "\nprovider:")
    assert how_it_departs(tight, rebuilt).startswith("blank lines differ")
    wide = rebuilt.replace("  - AI", "    - AI")
    assert "indented differently" in how_it_departs(wide, rebuilt) or "AI" in how_it_departs(
        wide, rebuilt
    )


def _minimal() -> dict[str, object]:
    return {
        "category": "news",
        "title": "A title",
        "excerpt": "An excerpt.",
        "publishedDateTime": "2020-07-16T19:15:00Z",
        "webUrl": "https://example.com/a",
        "type": "article",
        "provider": {"name": "Example", "domain": "example.com"},
        "topics": ["AI"],
        "secured": "C5eO/UiGuWBouSPBZzd7C3nee3XqqjjewJNMIaxQm2I=;pi5Rn+JtL853s7F/GQVH3g==",
    }
