"""“Did you mean …?”: the closest known name to a mistyped one.

One helper, :func:`closest`, serves every place a name is looked up: front-matter keys,
problem codes and code families, configuration keys, path segments
(:func:`newsmeta.document.closest_path`).
Names are compared without regard to case (``Type`` finds ``type``), and ``_`` and ``-``
count as the same character (``fail_on`` finds ``fail-on``), so the usual slips are found
even when the ratio of matching characters alone would be low. An editor integration uses
the same function to offer "rename the unknown key to the suggested one".
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]

#: How alike two names must be (difflib's ratio, 0..1) for one to be suggested for the other.
CUTOFF = 0.6


def _folded(name: str) -> str:
    return name.casefold().replace("_", "-")


def closest(word: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The candidate ``word`` most likely stands for, or None when none is close enough.

    A candidate equal to ``word`` once case and ``_``/``-`` are ignored wins outright;
    otherwise the candidate with the highest :class:`difflib.SequenceMatcher` ratio of at
    least ``cutoff`` (ties: the first in ``candidates``). ``word`` itself is never
    suggested.
    """
    folded: dict[str, str] = {}
    for candidate in candidates:
        if candidate != word:
            folded.setdefault(_folded(candidate), candidate)
    if not folded:
        return None
    target = _folded(word)
    if target in folded:
        return folded[target]
    import difflib  # only when a name is wrong: config is read on every start-up

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(target)  # difflib caches facts about the second sequence
    best, best_ratio = None, cutoff
    for key, candidate in folded.items():
        matcher.set_seq1(key)
        if (
            matcher.real_quick_ratio() >= best_ratio
            and matcher.quick_ratio() >= best_ratio
            and (ratio := matcher.ratio()) >= best_ratio
            and (best is None or ratio > best_ratio)
        ):
            best, best_ratio = candidate, ratio
    return best


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or ``""`` when there is none.

    Made to end a message: ``f"unknown key {key!r}{did_you_mean(key, keys)}"``.
    """
    found = closest(word, candidates, cutoff=cutoff)
    return f"; did you mean {found!r}?" if found is not None else ""
