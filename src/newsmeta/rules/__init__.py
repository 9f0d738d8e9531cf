"""Data-quality rules: defects that are valid YAML with valid types.

The schema catches wrong shapes; these rules catch what real articles get wrong anyway
(mojibake, HTML entities, inconsistent URLs...). Each rule is a function from a
:class:`RuleContext` to findings, registered under a stable code that is documented in
:data:`newsmeta.problems.CODES`. Rules run after the schema, only on front matter that is
a mapping, and never raise: a rule that meets a value of the wrong type skips it (the
schema reports the type).

Rules that have a safe, value-local repair also register a *fix*: a function from the
old value to the new one (:data:`FIXES`), or, for a value whose plain spelling other YAML
readers misread, the same value written quoted (:data:`QUOTE_FIXES`). ``newsmeta fix``
and the language server's quick fixes apply them through the round-trip editor.
"""

from __future__ import annotations

from typing import Final

from newsmeta._yamltree import Finding
from newsmeta.rules.base import (
    FIXES,
    QUOTE_FIXES,
    RULES,
    UNLOCATED,
    Fix,
    Rule,
    RuleContext,
    finding,
    rule,
    span,
    string_values,
)

__all__ = [
    "FIXES",
    "QUOTE_FIXES",
    "RULES",
    "UNLOCATED",
    "Fix",
    "Rule",
    "RuleContext",
    "finding",
    "fixable_codes",
    "fixes",
    "quote_fixes",
    "rule",
    "run_rules",
    "span",
    "string_values",
]


_LOADED: Final[list[bool]] = []


def _load_rule_modules() -> None:
    if not _LOADED:
        from newsmeta.rules import (  # noqa: F401 - they register themselves
            consistency,
            readers,
            text,
        )

        _LOADED.append(True)


def run_rules(context: RuleContext) -> list[Finding]:
    """Run every registered rule over ``context`` and return the findings."""
    _load_rule_modules()
    findings: list[Finding] = []
    for check in RULES.values():
        findings.extend(check(context))
    return findings


def fixes() -> dict[str, Fix]:
    """The registered safe fixes (loading the rule modules first)."""
    _load_rule_modules()
    return FIXES


def quote_fixes() -> frozenset[str]:
    """The codes fixed by quoting the value (loading the rule modules first)."""
    _load_rule_modules()
    return frozenset(QUOTE_FIXES)


def fixable_codes() -> tuple[str, ...]:
    """The problem codes that ``newsmeta fix`` can repair (see
    :func:`newsmeta.fixing.fixable_codes`). Here, beside the registry, so that ``validate``
    can mark fixable codes without importing the fixer."""
    return (*fixes(), *sorted(quote_fixes()), "url-cdn-amp-mismatch")
