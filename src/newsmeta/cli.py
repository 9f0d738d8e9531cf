"""The ``newsmeta`` command line: argument parsing and wiring only.

Exit codes: 0 when every file passed, 1 when any file has a problem at or above the
failing severity (or an edit was refused), 2 for usage or I/O errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence

from newsmeta._version import __version__

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its messages on stderr."""


def _walk(directory: str) -> Iterator[str]:
    """Every ``*.md`` file under ``directory``; directory symlinks are never followed."""
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs.sort()
        for name in files:
            if name.endswith(".md"):
                yield os.path.join(root, name)


def collect_paths(arguments: Sequence[str]) -> list[str]:
    """Expand files and directories into a sorted list of unique file paths."""
    found: set[str] = set()
    for argument in arguments:
        if os.path.isdir(argument) and not os.path.islink(argument):
            found.update(_walk(argument))
        else:
            found.add(argument)
    return sorted(found, key=lambda p: os.path.normpath(p))


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsmeta",
        description="Validate and edit news articles stored as Markdown with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"newsmeta {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="check article files and report every problem at file:line:col",
        description="Check article files; directories are searched recursively for *.md.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    validate.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="output format (default: text)",
    )
    validate.set_defaults(handler=_run_validate)

    from newsmeta import _cli_edit  # noqa: PLC0415 - light: argparse wiring only

    _cli_edit.add_commands(commands)
    from newsmeta import _cli_rules  # noqa: PLC0415

    _cli_rules.add_commands(commands)
    return parser


def _run_validate(args: argparse.Namespace) -> int:
    from newsmeta.validation import check_path

    paths = collect_paths(args.paths)
    results = [check_path(path) for path in paths]
    if args.format == "json":
        from newsmeta.reporters import json as reporter
    else:
        from newsmeta.reporters import text as reporter  # type: ignore[no-redef]
    reporter.render(results, sys.stdout)
    if any(p.code == "io-error" for r in results for p in r.problems):
        return EXIT_USAGE
    return EXIT_PROBLEMS if any(not r.ok for r in results) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
