"""``newsmeta rules`` and ``newsmeta explain``: the problem-code catalogue on the command line."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_commands", "explain_text"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rules`` and ``explain`` on ``commands``."""
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
    return 0


def explain_text(code: str) -> str | None:
    """The documentation of ``code`` as plain text, or None for an unknown code."""
    from newsmeta.problems import CODES

    info = CODES.get(code)
    if info is None:
        return None
    parts = [
        f"{info.name} ({info.severity.value}, {info.layer})",
        "",
        info.summary,
        "",
        info.explanation,
    ]
    if info.bad:
        parts += ["", "Bad:", *("    " + line for line in info.bad.splitlines())]
    if info.good:
        parts += ["", "Good:", *("    " + line for line in info.good.splitlines())]
    if info.fix:
        parts += ["", "Fix: " + info.fix]
    return "\n".join(parts) + "\n"


def _run_explain(args: argparse.Namespace) -> int:
    text = explain_text(args.code)
    if text is None:
        sys.stderr.write(f"newsmeta: unknown code {args.code!r}; run `newsmeta rules`\n")
        return 2
    sys.stdout.write(text)
    return 0
