"""``newsmeta rules`` and ``newsmeta explain``: the problem-code catalogue on the command line."""

from __future__ import annotations

import argparse
import json
import sys

from newsmeta.cli.common import EXIT_OK, Commands, UsageError, add_output_file, open_output

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``rules`` and ``explain`` to ``commands``."""
    rules = commands.add_parser(
        "rules",
        help="list every problem code with its severity and summary",
        description="List every problem code: its severity, whether `newsmeta fix` can "
        "repair it (marked 'fix'), and its summary.",
    )
    rules.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: one aligned line per code; json: a list of objects (default: text)",
    )
    add_output_file(rules)
    rules.set_defaults(handler=_run_rules)
    explain = commands.add_parser(
        "explain",
        help="print the documentation of a problem code",
        description="Print the documentation of a problem code, or list the codes of a "
        "family (schema, yaml, text...). Codes are matched without regard to case.",
    )
    explain.add_argument("code", metavar="CODE", help="a problem code, e.g. text-mojibake")
    explain.set_defaults(handler=_run_explain)


def _run_rules(args: argparse.Namespace) -> int:
    from newsmeta.fixing import fixable_codes
    from newsmeta.problems import CODES

    fixable = set(fixable_codes())
    with open_output(args.output_file) as out:
        if args.format == "json":
            entries = [
                {
                    "code": code,
                    "severity": info.severity.value,
                    "layer": info.layer,
                    "fixable": code in fixable,
                    "summary": info.summary,
                }
                for code, info in CODES.items()
            ]
            out.write(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
        else:
            width = max(len(code) for code in CODES)
            for code, info in CODES.items():
                mark = "fix" if code in fixable else "   "
                out.write(f"{code:<{width}}  {info.severity.value:<7}  {mark}  {info.summary}\n")
    return EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    from newsmeta.config import selector_names
    from newsmeta.problems import CODES, explain_text
    from newsmeta.suggestions import did_you_mean
    from newsmeta.validation import matches_code

    text = explain_text(args.code)
    if text is None:
        family = [code for code in CODES if matches_code(code, args.code.lower())]
        if not family:
            raise UsageError(
                f"unknown code {args.code!r}{did_you_mean(args.code, selector_names())} "
                "(run 'newsmeta rules' for the list)"
            )
        width = max(len(code) for code in family)
        text = f"{args.code.lower()}: a family of {len(family)} codes\n\n" + "".join(
            f"  {code:<{width}}  {CODES[code].summary}\n" for code in family
        )
    sys.stdout.write(text)
    return EXIT_OK
