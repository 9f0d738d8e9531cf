"""Safe repairs of data-quality problems, applied through the round-trip editor.

A fix is *safe* when it depends only on the value itself (mojibake, HTML entities,
surrounding whitespace, a plain spelling that YAML 1.1 readers misread) or on a value it
is derived from (``cdnAmpWebUrl`` from ``ampWebUrl``). Each repair is one edit of one
value (``Document.set``, or ``Document.quote`` for a value that keeps its text), so it
changes only that value's lines and is verified by re-parsing. Problems without a safe fix
are never touched.

:func:`apply_fixes` says what it changed and, for every fixable problem it left in place,
why: the editor refused the edit (its refusal names the cause), the repair finds nothing
to change, or the value is not one the fix may rewrite.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import attrs

from newsmeta.errors import EditError
from newsmeta.problems import Problem

if TYPE_CHECKING:  # validate asks only for fixable_codes(): no editor at its start-up
    from newsmeta.document import Document

__all__ = [
    "AppliedFix",
    "FixReport",
    "UnfixedProblem",
    "apply_fixes",
    "fix_document",
    "fixable_codes",
]


@attrs.frozen
class AppliedFix:
    """One repaired value: the code it fixed, where, and the old and new values (the
    same for a value that was only quoted)."""

    code: str
    pointer: str
    line: int
    old: str
    new: str


@attrs.frozen
class UnfixedProblem:
    """A problem that has a safe fix but was left in place, where it is (as validation
    reports it), and ``reason``: why, in one sentence a user can act on."""

    code: str
    pointer: str
    line: int
    column: int
    message: str
    reason: str


@attrs.frozen
class FixReport:
    """What :func:`apply_fixes` did: the fixes applied, in order, and the fixable
    problems left in the document, in document order."""

    applied: tuple[AppliedFix, ...]
    unfixed: tuple[UnfixedProblem, ...]


def fixable_codes() -> tuple[str, ...]:
    """The problem codes that ``newsmeta fix`` can repair."""
    from newsmeta import rules

    return rules.fixable_codes()


def fix_document(
    document: Document, select: Collection[str] | None = None, *, pointer: str | None = None
) -> list[AppliedFix]:
    """Repair every fixable problem in ``document`` and return the fixes applied: the
    ``applied`` part of :func:`apply_fixes`, which takes the same arguments."""
    return list(apply_fixes(document, select, pointer=pointer).applied)


def apply_fixes(
    document: Document, select: Collection[str] | None = None, *, pointer: str | None = None
) -> FixReport:
    """Repair every fixable problem in ``document`` (only codes in ``select`` if given,
    and only the value at the JSON Pointer ``pointer`` if given), and report the
    fixable problems left with the reason for each.

    Edits the document in memory; the caller saves it. Fixes run until none applies (one
    value may carry several defects, e.g. entities and whitespace). An edit the editor
    refuses is skipped, never forced. Never raises for a problem it cannot fix.
    """
    from newsmeta.rules import quote_fixes

    codes = set(fixable_codes()) if select is None else set(select) & set(fixable_codes())
    quoting = quote_fixes()
    applied: list[AppliedFix] = []
    #: Why each (code, pointer) was given up, once tried.
    reasons: dict[tuple[str, str], str] = {}
    # One fix per round: every edit moves positions, so problems are re-read each time.
    # The bound stops a fix that keeps producing new problems from looping.
    for _ in range(_MAX_FIXES):
        fix = _next_fix(document, codes, reasons, pointer)
        if fix is None:
            break
        try:
            if fix.code in quoting:
                document.quote(fix.pointer)
                # Quoting is done once: a problem left after it has another cause.
                reasons[fix.code, fix.pointer] = "quoting the value did not clear it"
            else:
                document.set(fix.pointer, fix.new)
        except EditError as refused:
            reasons[fix.code, fix.pointer] = f"the edit was refused: {refused}"
            continue
        applied.append(fix)
    else:
        too_many = f"the file needs more than {_MAX_FIXES} fixes; run the fix again"
        for problem in _fixable(document, codes, pointer):
            reasons.setdefault((problem.code, problem.pointer), too_many)
    unfixed = tuple(
        UnfixedProblem(
            problem.code,
            problem.pointer,
            problem.line,
            problem.column,
            problem.message,
            reasons.get((problem.code, problem.pointer), _NOT_TRIED),
        )
        for problem in _fixable(document, codes, pointer)
    )
    return FixReport(tuple(applied), unfixed)


_MAX_FIXES = 1000
_NOT_TRIED = "no fix was tried for it"


def _fixable(document: Document, codes: set[str], pointer: str | None) -> list[Problem]:
    return [
        problem
        for problem in document.problems
        if problem.code in codes and (pointer is None or problem.pointer == pointer)
    ]


def _next_fix(
    document: Document, codes: set[str], reasons: dict[tuple[str, str], str], pointer: str | None
) -> AppliedFix | None:
    """The next fix to apply; every problem passed over gets its reason in ``reasons``."""
    from newsmeta.rules import quote_fixes

    for problem in _fixable(document, codes, pointer):
        if (problem.code, problem.pointer) in reasons:
            continue
        try:
            old = document.get(problem.pointer)
        except EditError as refused:
            reasons[problem.code, problem.pointer] = (
                f"the value cannot be read for editing: {refused}"
            )
            continue
        if problem.code in quote_fixes():
            if not isinstance(old, str):
                reasons[problem.code, problem.pointer] = (
                    "the value is not text, and quoting it would change it; "
                    "write it as the problem's message says"
                )
                continue
            return AppliedFix(problem.code, problem.pointer, problem.line, old, old)
        if not isinstance(old, str):
            reasons[problem.code, problem.pointer] = "the value is not text"
            continue
        new, why = _repaired(document, problem.code, problem.pointer, old)
        if new is None or new == old:
            reasons[problem.code, problem.pointer] = why
            continue
        return AppliedFix(problem.code, problem.pointer, problem.line, old, new)
    return None


def _repaired(document: Document, code: str, pointer: str, old: str) -> tuple[str | None, str]:
    """The repaired value (``None`` when there is none), and why there is none."""
    if code == "url-cdn-amp-mismatch":
        from newsmeta.rules.consistency import cdn_amp_url

        amp_pointer = pointer.rsplit("/", 1)[0] + "/ampWebUrl"
        try:
            amp = document.get(amp_pointer)
        except EditError:
            amp = None
        if not isinstance(amp, str):
            return None, "there is no ampWebUrl to derive it from"
        return cdn_amp_url(amp), "the ampWebUrl it is derived from gives the same URL"
    from newsmeta.rules import fixes

    repair = fixes().get(code)
    if repair is None:  # pragma: no cover - fixable_codes() lists only registered fixes
        return None, _NOT_TRIED
    return repair(old), "the safe fix finds nothing to change in the value; correct it by hand"
