"""``newsmeta fix``: apply the safe fixes in place, through the round-trip editor."""

from __future__ import annotations

import argparse
import sys

from newsmeta.cli.common import Commands, collect_paths, message, write_diff

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``fix`` to ``commands``."""
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
    from newsmeta.document import load
    from newsmeta.errors import NewsmetaError
    from newsmeta.fixing import fix_document, fixable_codes

    select = None
    if args.select:
        select = {code for item in args.select for code in item.split(",") if code}
        unknown = select - set(fixable_codes())
        if unknown:
            message(f"newsmeta: no safe fix for {', '.join(sorted(unknown))}")
            return 2
    status = 0
    fixed_files = total = 0
    for path in collect_paths(args.paths):
        try:
            document = load(path)
        except OSError as exc:
            message(f"newsmeta: {path}: {exc.strerror or exc}")
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
                message(f"newsmeta: {path}: not written: {exc}")
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
