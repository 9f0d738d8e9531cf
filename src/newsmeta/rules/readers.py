"""Rules about how other YAML readers read a file: values they read as something else.

newsmeta reads YAML 1.2. PyYAML and Ruby's Psych (which Jekyll uses) read YAML 1.1, in
which more plain scalars are typed: ``yes`` and ``on`` are booleans, ``12:30`` is a
number, a date is a date. The YAML layer reports the plain scalars whose type differs
(:func:`newsmeta._yamltree.yaml11_reading`); this rule adds the one case that depends on
the format: a plain date or timestamp in a field the format types as text. newsmeta reads
the text, a YAML 1.1 reader a date (a timestamp in ``publishedDateTime`` is meant as one).

Both report ``yaml-1.1-ambiguous``, whose safe fix quotes the value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from newsmeta._yamltree import Finding, resolve_plain, yaml11_message
from newsmeta.problems import pointer_from_parts
from newsmeta.rules.base import QUOTE_FIXES, UNLOCATED, RuleContext, rule, span

#: The characters a quoted or block scalar starts with.
_NOT_PLAIN: Final = frozenset("\"'|>")


@rule("yaml-1.1-ambiguous")
def plain_dates_in_text(context: RuleContext) -> Iterator[Finding]:
    """A plain date or timestamp in a field the format types as text."""
    if context.plain_dates_only_in_date_fields:
        return
    from newsmeta.schema import is_text, schema_at

    text = context.text
    for parts, value in context.strings:
        # Every date starts with four digits and a dash; most strings fail here.
        if len(value) < 8 or value[4:5] != "-" or not value[:4].isdigit():
            continue
        # (A date only Psych reads, `2024-5-1`, is text to YAML 1.2 and reported with the
        # other YAML 1.1 readings, in every field.)
        if resolve_plain(value) != "timestamp":
            continue
        if not is_text(schema_at(parts)):
            continue
        start, end = span(context, parts)
        if (start, end) != UNLOCATED and text[start] in _NOT_PLAIN:
            continue
        yield Finding(
            "yaml-1.1-ambiguous",
            yaml11_message(value, "str", value),
            pointer_from_parts(parts),
            start,
            end,
        )


QUOTE_FIXES.add("yaml-1.1-ambiguous")
