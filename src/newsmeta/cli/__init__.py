# PYTHON_ARGCOMPLETE_OK  (tells argcomplete's shell hook that this command completes itself)
"""The ``newsmeta`` command line: argument parsing and wiring only.

The package holds one module per command family and one shared module:

- :mod:`newsmeta.cli.common`: exit codes, finding input files, reading the configuration,
  the progress bar, and :func:`~newsmeta.cli.common.message`, through which every
  message to stderr goes;
- :mod:`newsmeta.cli.validate`, :mod:`newsmeta.cli.cache` (``cache``: the result cache of
  ``validate``), :mod:`newsmeta.cli.verbs` (``get``, ``set``, ``unset``,
  ``append``, ``insert``), :mod:`newsmeta.cli.rules` (``rules``, ``explain``),
  :mod:`newsmeta.cli.fix` and :mod:`newsmeta.cli.lsp` (the language server): each has the
  same ``register(commands)`` function that adds its subcommands, with a
  ``handler(args) -> int`` default each.

**A new command is one module and one line**: write ``newsmeta/cli/<name>.py`` with a
``register(commands)`` function, and add ``"<name>"`` to :data:`COMMAND_MODULES` below.
Command modules import the library and :mod:`newsmeta.cli.common`, never each other, this
package or a private parsing module of the library (a test holds the package to that).

Exit codes: 0 when every file passed, 1 when any file has a problem at or above the
failing severity (or an edit was refused for the sake of the content), 2 for usage or I/O
errors (a file that cannot be written as it is, read-only say, included), 130 when
interrupted, 141 when the reader of the output went away (``| head``; ``validate`` still
finishes and keeps its verdict). No mistake in how the command is called ends in a
traceback: each is one line on stderr and exit code 2.

Shell completion comes from argcomplete, imported only when the shell asks for
completions (``_ARGCOMPLETE`` is set), so it costs nothing otherwise.
"""

from __future__ import annotations

import gc

# Importing the command line makes some 50,000 objects that live as long as the process
# (modules, classes, functions); the collections they would set off on the way find no
# garbage and cost several percent of a short run. The collector is off for the import
# only, and stays as the importer had it.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import argparse
    import atexit
    import errno
    import importlib
    import io
    import os
    import sys
    from collections.abc import Callable, Sequence
    from typing import Protocol

    from newsmeta._version import __version__
    from newsmeta.cli.common import (
        EXIT_BROKEN_PIPE,
        EXIT_INTERRUPTED,
        EXIT_OK,
        EXIT_PROBLEMS,
        EXIT_USAGE,
        Commands,
        Parser,
        UsageError,
        collect_paths,
        excluded,
        message,
    )
finally:
    if _COLLECTING:
        gc.enable()

__all__ = [
    "COMMANDS_OF",
    "COMMAND_MODULES",
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
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
    "cache",
    "verbs",
    "rules",
    "fix",
    "query",
    "edit",
    "new",
    "convert",
    "schema",
    "lsp",
)


#: The commands each module of :data:`COMMAND_MODULES` adds (a test holds this to what their
#: ``register`` functions add): a run of one command builds only its module's parser.
COMMANDS_OF: dict[str, tuple[str, ...]] = {
    "validate": ("validate",),
    "cache": ("cache",),
    "verbs": ("get", "set", "unset", "append", "insert"),
    "rules": ("rules", "explain"),
    "fix": ("fix",),
    "query": ("query",),
    "edit": ("edit",),
    "new": ("new",),
    "convert": ("export", "import"),
    "schema": ("schema",),
    "lsp": ("lsp",),
}
_HOME_OF = {command: module for module, names in COMMANDS_OF.items() for command in names}


class _CommandModule(Protocol):
    def register(self, commands: Commands, /) -> None: ...


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``newsmeta`` argument parser, with every command of :data:`COMMAND_MODULES`; or,
    when ``command`` names one, with only the commands of its module (what running it
    needs: the other modules are not even imported)."""
    parser = Parser(
        prog="newsmeta",
        description="Validate and edit news articles stored as Markdown with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"newsmeta {__version__}")
    commands: Commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        required=True,
        parser_class=Parser,  # a subclass: each parsing error is one line
    )
    home = _HOME_OF.get(command) if command is not None else None
    for name in COMMAND_MODULES if home is None else (home,):
        module: _CommandModule = importlib.import_module(f"newsmeta.cli.{name}")
        module.register(commands)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: dict[str, argparse.ArgumentParser] = action.choices
            return found
    return {}


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit, when there is one."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete
    except ImportError:  # pragma: no cover - argcomplete is a dependency
        return
    argcomplete.autocomplete(parser)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class _ClosedOutput(io.TextIOBase):
    """Stands for a stdout that was closed before newsmeta started (``>&-``): writing to it
    fails like writing to a closed descriptor, so the command stops with one line."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    @property
    def buffer(self) -> _ClosedOutput:
        return self


_FREEZE_AT_EXIT: list[bool] = []


def _no_collection_at_exit() -> None:
    """Spare the process its last garbage collections: at exit the interpreter collects
    every object it holds (modules, classes, the run's data), which costs a short run
    several percent of its time and frees nothing that outlives the process. Every file
    and the cache are closed by the commands themselves, never by a collection, so the
    objects are frozen (kept out of the collector's reach) once the program is done."""
    if not _FREEZE_AT_EXIT:
        _FREEZE_AT_EXIT.append(True)
        atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    _no_collection_at_exit()
    command = ""
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    try:
        # Shell completion and the top-level help need every command; a run needs its own.
        wanted = arguments[0] if arguments and "_ARGCOMPLETE" not in os.environ else None
        parser = build_parser(wanted)
        _complete(parser)
        commands = _subcommands(parser)
        if arguments and not arguments[0].startswith("-") and arguments[0] not in commands:
            from newsmeta.suggestions import did_you_mean

            raise UsageError(
                f"unknown command {arguments[0]!r}{did_you_mean(arguments[0], commands)} "
                "(see 'newsmeta --help')"
            )
        sub = commands.get(arguments[0]) if arguments else None
        if sub is not None:
            # Parsed by the command's own parser, so that its mistakes name it ("newsmeta
            # schema: error: unrecognized arguments"), and intermixed: options may stand
            # between or after the paths (`query EXPR --config FILE DIR`, `set a.md title
            # --string 123`), which plain parse_args refuses after a variable-length
            # positional.
            args = sub.parse_intermixed_args(arguments[1:])
        else:
            args = parser.parse_args(arguments)
        command = arguments[0]
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UsageError as exc:
        message(f"newsmeta{' ' + command if command else ''}: error: {exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        message("newsmeta: interrupted")
        return EXIT_INTERRUPTED
    except OSError as exc:
        # What no command handles itself: the output could not be written (a full disk,
        # a closed stdout, an I/O error on --output-file). Anything still buffered for
        # stdout is dropped, so the interpreter's last flush cannot fail a second time.
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            _silence_stdout()
        where = f"newsmeta {command}" if command else "newsmeta"
        reason = exc.strerror or str(exc)
        text = f"{exc.filename}: {reason}" if exc.filename else f"cannot write the output: {reason}"
        message(f"{where}: error: {text}")
        return EXIT_USAGE
    except RecursionError:
        # Input nested beyond what any article holds (a VALUE, a PATH): refused, not a crash.
        where = f"newsmeta {command}" if command else "newsmeta"
        message(f"{where}: error: the input is nested too deeply")
        return EXIT_USAGE
