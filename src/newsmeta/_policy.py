""":class:`newsmeta.validation.Policy`, in a module of its own: ``newsmeta validate`` builds
one only when a file has a problem to judge, so a run whose files are clean never builds the
class."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from newsmeta.problems import Severity, matches_code

if TYPE_CHECKING:
    from newsmeta.validation import FileResult

__all__ = ["Policy"]


def _lowered(selectors: Iterable[str]) -> tuple[str, ...]:
    return tuple(selector.lower() for selector in selectors)


def _lowered_or_none(selectors: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if selectors is None else _lowered(selectors)


def _lowered_keys(severity: Mapping[str, Severity]) -> Mapping[str, Severity]:
    return {code.lower(): level for code, level in severity.items()}


@attrs.frozen
class Policy:
    """Which problems are reported, and how severe each one is.

    ``select`` (``None``: every code) keeps only codes matching one of its selectors;
    ``ignore`` then drops codes matching any of its selectors; ``severity`` overrides the
    severity of a code by exact name. See :func:`matches_code` for selectors; selectors
    and names are taken in lower case, as every code is written.
    """

    select: tuple[str, ...] | None = attrs.field(default=None, converter=_lowered_or_none)
    ignore: tuple[str, ...] = attrs.field(default=(), converter=_lowered)
    severity: Mapping[str, Severity] = attrs.field(factory=dict, converter=_lowered_keys)

    @property
    def is_default(self) -> bool:
        """True when :meth:`apply` returns every result unchanged."""
        return self.select is None and not self.ignore and not self.severity

    def keeps(self, code: str) -> bool:
        """True when problems with ``code`` are reported under this policy."""
        if self.select is not None and not any(matches_code(code, s) for s in self.select):
            return False
        return not any(matches_code(code, s) for s in self.ignore)

    def apply(self, result: FileResult) -> FileResult:
        """``result`` with unselected problems dropped and severities overridden."""
        if self.is_default or not result.problems:
            return result
        kept = []
        for problem in result.problems:
            if not self.keeps(problem.code):
                continue
            severity = self.severity.get(problem.code)
            if severity is not None and severity is not problem.severity:
                problem = attrs.evolve(problem, severity=severity)
            kept.append(problem)
        # The class of ``result`` (a FileResult), read from it: this module may not import
        # newsmeta.validation, which imports it.
        return type(result)(result.path, tuple(kept))


Policy.__module__ = "newsmeta.validation"  # where it is documented, pickled and imported from
