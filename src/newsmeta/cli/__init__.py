"""The ``newsmeta`` command line: argument parsing and wiring only.

The package holds one module per command family and one shared module:

- :mod:`newsmeta.cli.common`: exit codes, finding input files, reading the configuration,
  the progress bar, and :func:`~newsmeta.cli.common.message`, through which every
  message to stderr goes;
- :mod:`newsmeta.cli.validate`, :mod:`newsmeta.cli.verbs` (``get``, ``set``, ``unset``,
  ``append``, ``insert``), :mod:`newsmeta.cli.rules` (``rules``, ``explain``),
  :mod:`newsmeta.cli.fix` and :mod:`newsmeta.cli.lsp` (the language server): each has the
  same ``register(commands)`` function that adds its subcommands, with a
  ``handler(args) -> int`` default each.

**A new command is one module and one line**: write ``newsmeta/cli/<name>.py`` with a
``register(commands)`` function, and add ``"<name>"`` to :data:`COMMAND_MODULES` below.
Command modules import the library and :mod:`newsmeta.cli.common`, never each other, this
package or a private parsing module of the library (a test holds the package to that).

Exit codes: 0 when every file passed, 1 when any file has a problem at or above the
failing severity (or an edit was refused), 2 for usage or I/O errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

from newsmeta._version import __version__
from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Commands,
    collect_paths,
    excluded,
)

__all__ = [
    "COMMAND_MODULES",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "build_parser",
    "collect_paths",
    "excluded",
    "main",
]

#: The command modules under ``newsmeta.cli``, in the order their commands are listed.
COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "verbs",
    "rules",
    "fix",
    "new",
    "convert",
    "schema",
    "lsp",
)


class _CommandModule(Protocol):
    def register(self, commands: Commands, /) -> None: ...


def build_parser() -> argparse.ArgumentParser:
    """The ``newsmeta`` argument parser, with every command of :data:`COMMAND_MODULES`."""
    parser = argparse.ArgumentParser(
        prog="newsmeta",
        description="Validate and edit news articles stored as Markdown with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"newsmeta {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=argparse.ArgumentParser
    )
    for name in COMMAND_MODULES:
        module: _CommandModule = importlib.import_module(f"newsmeta.cli.{name}")
        module.register(commands)
    return parser


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser | None = action.choices.get(name)
            return found
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    sub = _subcommand(parser, arguments[0]) if arguments else None
    if sub is not None and sub.get_default("intermixed"):
        # FILE... PATH VALUE is one variable-length positional, which plain parse_args
        # cannot interleave with options: `set a.md title --string 123` must work.
        args = sub.parse_intermixed_args(arguments[1:])
    else:
        args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
