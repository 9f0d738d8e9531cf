"""``newsmeta fix``: apply the safe fixes in place, through the round-trip editor.

For each file: load, repair, write (atomically), then print the diff of what was written,
so a diff on screen always means a file on disk; with ``--dry-run`` nothing is written and
each diff says so. A reader that goes away (``| head``) stops the run before the next
file, never between a write and its diff. A file that cannot be written is reported with
its ``io-*`` code and the run goes on (exit code 2). A problem that has a safe fix but was
left in place is reported on standard error with its position and the reason (the
editor's refusal, a value the fix may not rewrite...), and counted in the closing line.
``--check`` writes nothing and exits 1 when something would be fixed, for CI and
pre-commit.
"""

from __future__ import annotations

import argparse
import sys

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    Tally,
    UsageError,
    add_config_options,
    jq_program,
    jq_stoppable,
    load_configuration,
    message,
    not_written,
    refuse_stdin,
    resolve_inputs,
    split_codes,
    write_diff,
)

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``fix`` to ``commands``."""
    fix = commands.add_parser(
        "fix",
        help="repair mojibake, HTML entities, stray whitespace, cdnAmpWebUrl and values "
        "YAML 1.1 readers misread, in place",
        description="Apply the safe fixes through the round-trip editor: each changes only "
        "its own value's lines. Prints the diff of each file written and a closing line; "
        "the configuration's include, exclude, select and ignore apply.",
    )
    fix.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or globs (default: the configured include)",
    )
    fix.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when something would be fixed (for CI and pre-commit)",
    )
    fix.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    fix.add_argument("-q", "--quiet", action="store_true", help="print no diff and no closing line")
    fix.add_argument(
        "--allow-links",
        action="store_true",
        help="write through a symbolic link, or break a hard link (refused by default)",
    )
    fix.add_argument(
        "--force",
        action="store_true",
        help="write even if a file is read-only, its owner, group or extended attributes "
        "cannot be kept, or a fix introduces an error",
    )
    fix.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only fix these codes or families (comma-separated; repeatable)",
    )
    fix.add_argument(
        "--where",
        metavar="EXPR",
        default=None,
        help="only fix files where this jq condition yields a value other than false or null",
    )
    add_config_options(fix)
    fix.set_defaults(handler=_run_fix)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _closing_line(
    fixed: int, fixed_files: int, left: int, left_files: int, *, written: bool
) -> str:
    """The run's last line: what was (or would be) fixed, and what could not be, whose
    problems were each reported with their reason on the way."""
    left_part = (
        f"{_plural(left, 'problem')} in {_plural(left_files, 'file')} could not be fixed "
        "safely (each is listed above with the reason)"
    )
    if left and not fixed:
        return f"nothing {'was' if written else 'would be'} fixed: {left_part}"
    line = f"{'fixed' if written else 'would fix'} {_plural(fixed, 'problem')} in "
    line += _plural(fixed_files, "file")
    return f"{line}; {left_part}" if left else line


def _run_fix(args: argparse.Namespace) -> int:
    from newsmeta._escape import printable
    from newsmeta._files import io_problem_code
    from newsmeta.config import ConfigError, check_selectors
    from newsmeta.document import load
    from newsmeta.errors import JqError, NewsmetaError
    from newsmeta.fixing import apply_fixes, fixable_codes
    from newsmeta.suggestions import did_you_mean
    from newsmeta.validation import Policy, matches_code

    config = load_configuration(args.config)
    fixable = fixable_codes()
    codes = set(fixable)
    selected = split_codes(args.select)
    if selected:
        try:
            selected = check_selectors(selected, "--select")
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        for selector in selected:
            if not any(matches_code(code, selector) for code in fixable):
                raise UsageError(
                    f"no safe fix for {selector!r}{did_you_mean(selector, fixable)} "
                    f"(fixable: {', '.join(fixable)})"
                )
        codes = {code for code in codes if any(matches_code(code, s) for s in selected)}
    # The configuration's selection applies too: an ignored code is never fixed.
    policy = Policy(select=config.select, ignore=config.ignore)
    codes = {code for code in codes if policy.keeps(code)}

    where = None if args.where is None else jq_program(args.where, args, "--where")
    refuse_stdin(args.paths, "newsmeta fix")
    inputs = resolve_inputs(args.paths, args.exclude, config)
    write = not (args.dry_run or args.check)
    show = not args.quiet and not (args.check and not args.dry_run)
    fixed_files = fixed = left = left_files = 0
    out = sys.stdout
    with Tally(
        "newsmeta fix", len(inputs.paths), where=where is not None, would=not write
    ) as tally:
        for directory, error in inputs.unreadable:
            tally.fail(f"{directory}: error {io_problem_code(error)}: {error.strerror or error}")
        for path in inputs.paths:
            tally.advance()
            try:
                document = load(path, max_bytes=config.limits.max_file_bytes)
            except OSError as exc:
                tally.fail(f"{path}: error {io_problem_code(exc)}: {exc.strerror or exc}")
                continue
            if where is not None:
                try:
                    with jq_stoppable():  # every earlier file is saved: Ctrl-C may end it
                        holds = where.test(document.data, path=path)
                    if not holds:
                        tally.count("skipped")
                        continue
                except JqError as exc:
                    tally.refuse("the --where condition failed", f"{path}: --where: {exc}")
                    continue
            before = document.dumps()
            report = apply_fixes(document, codes)
            applied = report.applied
            # What a fix was due for but could not repair safely stays for a person,
            # who is told where and why.
            left += len(report.unfixed)
            left_files += bool(report.unfixed)
            if not args.quiet:
                for unfixed in report.unfixed:
                    message(
                        f"{path}:{unfixed.line}:{unfixed.column}: {unfixed.code}: "
                        f"not fixed: {unfixed.reason}"
                    )
            if not applied:
                tally.count("unchanged")
                continue
            if write:
                try:
                    document.save(force=args.force, allow_links=args.allow_links)
                except (OSError, NewsmetaError) as exc:
                    # Every fix of this file is left undone: counted with what could not
                    # be fixed. A file that cannot be written as it is (a read-only one,
                    # an owner that cannot be kept: --force writes it) is an I/O error.
                    left += len(applied)
                    left_files += not report.unfixed
                    if isinstance(exc, OSError) and not_written(exc):
                        tally.fail(f"{path}: error {io_problem_code(exc)}: not written: "
                                   f"{exc.strerror or exc}")  # fmt: skip
                    else:
                        tally.refuse("refused", f"{path}: not written: {exc}")
                    continue
            tally.count("changed")
            fixed_files += 1
            fixed += len(applied)
            if show:
                write_diff(before, document.dumps(), path, out, written=write)
            elif args.check and not args.quiet:
                out.write(f"would fix {_plural(len(applied), 'problem')} in {printable(path)}\n")
            # A reader that went away is noticed here, after this file's write, so the
            # run stops before the next file.
            out.flush()
    if not args.quiet:
        out.write(_closing_line(fixed, fixed_files, left, left_files, written=write) + "\n")
        out.flush()
    if args.check and fixed and tally.status == EXIT_OK:
        return EXIT_PROBLEMS
    return tally.status
