"""``newsmeta query``: run a jq program on the front matter of many files, print the outputs.

::

    newsmeta query 'select(.images == null) | $path' content/
    newsmeta query --raw --with-path '.title' content/

Each file's JSON view (the one the schema checks: timestamps as their RFC 3339 text) is
the program's input, with ``$path`` bound to the file's path as given; every output is
printed as one line of compact JSON (``--raw`` prints strings bare, like ``jq -r``), and
``--with-path`` puts the file's path and a tab before each. The program is compiled once.

Exit codes: 0 when every file was read and the program ran on each; 1 when a file's front
matter could not be read or the program failed on one (named on stderr, the run goes on);
2 for usage mistakes (a program that does not compile) and I/O errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Commands,
    Progress,
    add_config_options,
    add_jq_variables,
    jq_program,
    load_configuration,
    message,
    resolve_inputs,
)

if TYPE_CHECKING:
    from newsmeta.jqprogram import Program

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``query`` to ``commands``."""
    query = commands.add_parser(
        "query",
        help="run a jq program on each file's front matter and print what it yields",
        description="Run the jq program EXPR on the JSON view of each file's front matter "
        "(timestamps as RFC 3339 text), with $path bound to the file's path, and print each "
        "output as one line of JSON. select(...) filters: "
        "newsmeta query 'select(.images == null) | $path' content/",
    )
    query.add_argument("program", metavar="EXPR", help="a jq program")
    query.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or globs (default: the configured include)",
    )
    query.add_argument(
        "-r", "--raw", action="store_true", help="print strings without quotes (jq -r)"
    )
    query.add_argument(
        "-c",
        "--compact-output",
        action="store_true",
        help="one line per output (the default; accepted as jq accepts it)",
    )
    query.add_argument(
        "--with-path",
        action="store_true",
        help="print the file's path and a tab before each output",
    )
    add_jq_variables(query)
    add_config_options(query)
    query.set_defaults(handler=_run_query)


def _error(text: str) -> None:
    message(f"newsmeta query: {text}")


def _run_query(args: argparse.Namespace) -> int:
    program = jq_program(args.program, args)
    config = load_configuration(args.config)
    inputs = resolve_inputs(args.paths, args.exclude, config)
    status = EXIT_OK
    for directory, error in inputs.unreadable:
        _error(f"{directory}: directory not read: {error.strerror or error}")
        status = EXIT_USAGE
    with Progress(len(inputs.paths), sys.stderr, sys.stdout) as progress:
        for path in inputs.paths:
            status = max(status, _query(program, path, args))
            # A reader that went away (``| head``) is noticed at this file, not a later one.
            sys.stdout.flush()
            progress.advance(False)
    return status


def _query(program: Program, path: str, args: argparse.Namespace) -> int:
    from newsmeta._escape import json_text, printable
    from newsmeta.document import load
    from newsmeta.errors import JqError

    try:
        document = load(path)
    except OSError as exc:
        _error(f"{path}: {exc.strerror or exc}")
        return EXIT_USAGE
    if document.data is None:
        first = next(iter(document.errors), None)
        why = f" ({first.line}:{first.column} {first.code})" if first is not None else ""
        _error(f"{path}: the front matter cannot be read{why}")
        return EXIT_PROBLEMS
    prefix = printable(path) + "\t" if args.with_path else ""
    lines: list[str] = []
    status = EXIT_OK
    try:
        for value in program.outputs(document.data, path=path):
            if args.raw and isinstance(value, str):
                text = printable(value, keep="\n\t")
            else:
                text = json_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
            lines.append(prefix + text + "\n")
    except JqError as exc:
        _error(f"{path}: {exc}")
        status = EXIT_PROBLEMS
    # A file's outputs go out together, after the program is done with it.
    sys.stdout.writelines(lines)
    return status
