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
2 for usage mistakes (a program that does not compile) and I/O errors, including a file
over the configured ``max-file-bytes``, which is not read. ``-`` reads an article from stdin.
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
    STDIN_NAME,
    Commands,
    Progress,
    add_config_options,
    add_jq_variables,
    jq_program,
    jq_stoppable,
    load_configuration,
    message,
    read_stdin_document,
    resolve_inputs,
)

if TYPE_CHECKING:
    from newsmeta.config import Config
    from newsmeta.document import Document
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
        help="files, directories or globs; '-' reads stdin (default: the configured include)",
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
    named = [path for path in args.paths if path != "-"]
    stdin = read_stdin_document(config) if len(named) < len(args.paths) else None
    paths: list[str] = []
    status = EXIT_OK
    if named or stdin is None:
        inputs = resolve_inputs(named, args.exclude, config)
        paths = inputs.paths
        for directory, error in inputs.unreadable:
            _error(f"{directory}: directory not read: {error.strerror or error}")
            status = EXIT_USAGE
    from newsmeta.errors import JqHaltError

    try:
        if stdin is not None:
            status = max(status, _query(program, STDIN_NAME, args, stdin))
            sys.stdout.flush()  # out before a later file's program may be stopped by Ctrl-C
        with Progress(len(paths), sys.stderr, sys.stdout) as progress:
            for path in paths:
                status = max(status, _query(program, path, args, _load(path, config)))
                # A reader that went away (``| head``) is noticed at this file, not later.
                sys.stdout.flush()
                progress.advance(False)
    except JqHaltError as halt:
        # As jq: the run ends here, the program's text goes to stderr as it is (escaped
        # as every output is), and its status is the exit status.
        from newsmeta._escape import printable

        sys.stdout.flush()
        sys.stderr.write(printable(halt.output, keep="\n\t"))
        sys.stderr.flush()
        return halt.status
    return status


def _load(path: str, config: Config) -> Document | OSError:
    """The file ``path``, read within the configured ``max-file-bytes``, or why not."""
    from newsmeta.document import load

    try:
        return load(path, max_bytes=config.limits.max_file_bytes)
    except OSError as exc:
        return exc


def _query(
    program: Program, path: str, args: argparse.Namespace, document: Document | OSError
) -> int:
    from newsmeta._escape import json_text, printable
    from newsmeta.errors import JqError, JqHaltError

    if isinstance(document, OSError):
        _error(f"{path}: {document.strerror or document}")
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
        # Earlier files' outputs are flushed: Ctrl-C may end the process at once here.
        with jq_stoppable():
            for value in program.outputs(document.data, path=path):
                if args.raw and isinstance(value, str):
                    text = printable(value, keep="\n\t")
                else:
                    text = json_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                lines.append(prefix + text + "\n")
    except JqHaltError:
        sys.stdout.writelines(lines)  # the outputs before it, as jq prints them
        raise
    except JqError as exc:
        _error(f"{path}: {exc}")
        status = EXIT_PROBLEMS
    # A file's outputs go out together, after the program is done with it.
    sys.stdout.writelines(lines)
    return status
