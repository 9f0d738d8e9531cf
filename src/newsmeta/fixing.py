"""Safe repairs of data-quality problems, applied through the round-trip editor.

A fix is *safe* when it depends only on the value itself (mojibake, HTML entities,
surrounding whitespace) or on a value it is derived from (``cdnAmpWebUrl`` from
``ampWebUrl``). Each repair is a ``Document.set`` of one value, so it changes only that
value's lines and is verified by re-parsing. Problems without a safe fix are never
touched.
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from newsmeta.document import Document
from newsmeta.errors import EditError

__all__ = ["AppliedFix", "fix_document", "fixable_codes"]


@attrs.frozen
class AppliedFix:
    """One repaired value: the code it fixed, where, and the old and new values."""

    code: str
    pointer: str
    line: int
    old: str
    new: str


def fixable_codes() -> tuple[str, ...]:
    """The problem codes that ``newsmeta fix`` can repair."""
    from newsmeta.rules import fixes

    return (*fixes(), "url-cdn-amp-mismatch")


def _repaired(document: Document, code: str, pointer: str, old: str) -> str | None:
    if code == "url-cdn-amp-mismatch":
        from newsmeta.rules.consistency import cdn_amp_url

        amp = document.get(pointer.rsplit("/", 1)[0] + "/ampWebUrl")
        return cdn_amp_url(amp) if isinstance(amp, str) else None
    from newsmeta.rules import fixes

    repair = fixes().get(code)
    return repair(old) if repair is not None else None


def fix_document(
    document: Document, select: Collection[str] | None = None, *, pointer: str | None = None
) -> list[AppliedFix]:
    """Repair every fixable problem in ``document`` (only codes in ``select`` if given,
    and only the value at the JSON Pointer ``pointer`` if given).

    Edits the document in memory and returns what changed; the caller saves it. Fixes run
    until none applies (one value may carry several defects, e.g. entities and
    whitespace). An edit the editor refuses is skipped, never forced.
    """
    codes = set(fixable_codes()) if select is None else set(select) & set(fixable_codes())
    applied: list[AppliedFix] = []
    skipped: set[tuple[str, str]] = set()
    # One fix per round: every edit moves positions, so problems are re-read each time.
    # The bound stops a fix that keeps producing new problems from looping.
    for _ in range(_MAX_FIXES):
        fix = _next_fix(document, codes, skipped, pointer)
        if fix is None:
            break
        try:
            document.set(fix.pointer, fix.new)
        except EditError:
            skipped.add((fix.code, fix.pointer))
            continue
        applied.append(fix)
    return applied


_MAX_FIXES = 1000


def _next_fix(
    document: Document, codes: set[str], skipped: set[tuple[str, str]], pointer: str | None
) -> AppliedFix | None:
    for problem in document.problems:
        if problem.code not in codes or (problem.code, problem.pointer) in skipped:
            continue
        if pointer is not None and problem.pointer != pointer:
            continue
        old = document.get(problem.pointer)
        if not isinstance(old, str):
            continue
        new = _repaired(document, problem.code, problem.pointer, old)
        if new is None or new == old:
            skipped.add((problem.code, problem.pointer))
            continue
        return AppliedFix(problem.code, problem.pointer, problem.line, old, new)
    return None
