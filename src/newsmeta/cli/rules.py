"""``newsmeta rules`` and ``newsmeta explain``: the problem-code catalogue on the command line."""

from __future__ import annotations

import argparse
import sys

from newsmeta.cli.common import EXIT_OK, EXIT_USAGE, Commands, message

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``rules`` and ``explain`` to ``commands``."""
    rules = commands.add_parser(
        "rules", help="list every problem code with its severity and summary"
    )
    rules.set_defaults(handler=_run_rules)
    explain = commands.add_parser("explain", help="print the documentation of a problem code")
    explain.add_argument("code", metavar="CODE", help="a problem code, e.g. text-mojibake")
    explain.set_defaults(handler=_run_explain)


def _run_rules(args: argparse.Namespace) -> int:
    from newsmeta.problems import CODES

    width = max(len(code) for code in CODES)
    for code, info in CODES.items():
        sys.stdout.write(f"{code:<{width}}  {info.severity.value:<7}  {info.summary}\n")
    return EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    from newsmeta.problems import explain_text

    text = explain_text(args.code)
    if text is None:
        message(f"newsmeta: unknown code {args.code!r}; run `newsmeta rules`")
        return EXIT_USAGE
    sys.stdout.write(text)
    return EXIT_OK
