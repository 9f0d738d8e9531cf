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


def add_fix_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``fix`` on ``commands``."""
    fix = commands.add_parser(
        "fix",
        help="repair mojibake, HTML entities, stray whitespace and cdnAmpWebUrl in place",
        description="Apply the safe fixes through the round-trip editor: each changes only "
        "its own value's lines. Prints a unified diff and a summary.",
    )
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    fix.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    fix.add_argument(
        "--allow-links",
        action="store_true",
        help="write through a symbolic link, or break a hard link (refused by default)",
    )
    fix.add_argument(
        "--select", action="append", metavar="CODE", help="only fix these codes (repeatable)"
    )
    fix.set_defaults(handler=_run_fix)


def _run_fix(args: argparse.Namespace) -> int:
    from newsmeta._cli_edit import write_diff
    from newsmeta.cli import collect_paths
    from newsmeta.document import load
    from newsmeta.errors import NewsmetaError
    from newsmeta.fixing import fix_document, fixable_codes

    select = None
    if args.select:
        select = {code for item in args.select for code in item.split(",") if code}
        unknown = select - set(fixable_codes())
        if unknown:
            sys.stderr.write(f"newsmeta: no safe fix for {', '.join(sorted(unknown))}\n")
            return 2
    status = 0
    fixed_files = total = 0
    for path in collect_paths(args.paths):
        try:
            document = load(path)
        except OSError as exc:
            sys.stderr.write(f"newsmeta: {path}: {exc.strerror or exc}\n")
            status = 2
            continue
        before = document.dumps()
        applied = fix_document(document, select)
        if not applied:
            continue
        write_diff(before, document.dumps(), path, sys.stdout)
        if not args.dry_run:
            try:
                document.save(allow_links=args.allow_links)
            except NewsmetaError as exc:
                sys.stderr.write(f"newsmeta: {path}: not written: {exc}\n")
                status = max(status, 1)
                continue
        fixed_files += 1
        total += len(applied)
    verb = "would fix" if args.dry_run else "fixed"
    sys.stdout.write(
        f"{verb} {total} problem{'s' if total != 1 else ''} in {fixed_files} file"
        f"{'s' if fixed_files != 1 else ''}\n"
    )
    return status
