"""The path verbs of the command line: ``get``, ``set``, ``unset``, ``append``, ``insert``.

Every command takes one or more files, then its own arguments, which are counted from the
end::

    newsmeta get [FILE...] PATH
    newsmeta set [FILE...] PATH VALUE          (VALUE read as a YAML scalar; --json, --string)
    newsmeta unset [FILE...] PATH
    newsmeta append [FILE...] PATH VALUE
    newsmeta insert [FILE...] PATH INDEX VALUE

Several files (or directories, searched for ``*.md`` and ``*.markdown``) apply the same edit
to each: the bulk form. Without a FILE, the configured ``include`` is used; ``exclude``
(and ``--exclude``) apply, and ``ignore`` and ``[severity]`` decide which new problems
refuse an edit. Options go before the first FILE or after the last argument; a value that
starts with ``-`` goes after ``--``. ``--dry-run`` prints a unified diff instead of
writing; ``--force`` writes even when the edit introduces errors, the file is read-only,
or its owner or extended attributes cannot be kept. ``--where EXPR`` edits
only the files where that jq condition holds (see :mod:`newsmeta.jqprogram`), and
``append --unique`` appends only a value the list lacks. Over several files a
progress bar shows on a terminal (never in CI), and a summary line on stderr counts the
files changed, unchanged and refused (with why).

A file that another process saved between this run's reading and writing is read again
and the edit applied again (up to :data:`RETRIES` times): the edit is by path, so applying
it to the new text is what running the command a moment later would do, and no one's
change is lost. A file deleted meanwhile is not re-created. No file larger than the
configured ``max-file-bytes`` (4 MiB unless lowered) is read.

``get`` prints a string as it is, unless printing it raw could mislead a terminal or a CI
log (a line break, a control, bidi or invisible character, a leading ``::``): then it is
printed as a JSON string. ``--raw`` prints the exact value.

Exit codes: 0 done, 1 when an edit was refused for any file (that file stays
byte-identical), 2 for usage or I/O errors (a read-only file, or one whose owner or
attributes a save cannot keep, included).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    Commands,
    Tally,
    UsageError,
    add_config_options,
    jq_program,
    jq_stoppable,
    load_configuration,
    message,
    read_stdin_document,
    refuse_introduced_errors,
    refuse_stdin,
    reliable_stdout,
    resolve_inputs,
    write_diff,
)
from newsmeta.cli.common import EXIT_PROBLEMS as EXIT_REFUSED

if TYPE_CHECKING:
    from newsmeta.config import Config
    from newsmeta.document import Document
    from newsmeta.jqprogram import Program

__all__ = ["RETRIES", "register"]

#: How many times an edit is applied again to a file that changed while it was edited.
RETRIES = 10

#: Arguments each command takes after its files.
_TRAILING = {"get": ("PATH",), "set": ("PATH", "VALUE"), "unset": ("PATH",),
             "append": ("PATH", "VALUE"), "insert": ("PATH", "INDEX", "VALUE")}  # fmt: skip


def register(commands: Commands) -> None:
    """Add the path verbs to ``commands``.

    Their arguments are parsed intermixed, like every command's, so options may follow
    FILE, PATH or VALUE: ``set a.md title --string 123`` works.
    """
    helps = {
        "get": "print the value at PATH: a string as it is, or as a JSON string when it holds "
        "a line break, a control, bidi or invisible character or would start a CI command "
        "(--raw prints it exactly); anything else as JSON",
        "set": "set the value at PATH, keeping the file's formatting",
        "unset": "remove the key or list item at PATH",
        "append": "add VALUE at the end of the list at PATH",
        "insert": "insert VALUE before item INDEX of the list at PATH",
    }
    for name, trailing in _TRAILING.items():
        parser = commands.add_parser(
            name,
            help=helps[name],
            usage=f"newsmeta {name} [options] [FILE ...] {' '.join(trailing)}",
            description=helps[name][0].upper()
            + helps[name][1:]
            + ". PATH is dotted (provider.name, images[0].width, related[-1]) or a JSON "
            "Pointer (/provider/name). Several FILEs (or directories) apply the same edit to "
            "each; without FILE, the configured include is used.",
        )
        parser.add_argument(
            "args",
            nargs="+",
            metavar="FILE... " + " ".join(trailing),
            help="files, directories or globs (default: the configured include), then "
            + ", ".join(trailing),
        )
        add_config_options(parser)
        if name != "get":
            parser.add_argument(
                "--dry-run", action="store_true", help="print the unified diff; write nothing"
            )
            parser.add_argument(
                "--force",
                action="store_true",
                help="write even if the edit introduces errors, the file is read-only, or its "
                "owner, group or extended attributes cannot be kept",
            )
            parser.add_argument(
                "--allow-links",
                action="store_true",
                help="write through a symbolic link, or break a hard link (refused by default)",
            )
            parser.add_argument(
                "--where",
                metavar="EXPR",
                default=None,
                help="only edit files where this jq condition yields a value other than "
                "false or null (e.g. '.quality > 50')",
            )
        if name == "append":
            parser.add_argument(
                "--unique",
                action="store_true",
                help="append only when the list holds no equal item already",
            )
        if name == "get":
            parser.add_argument(
                "--raw",
                action="store_true",
                help="print a string exactly as stored, even with line breaks or controls",
            )
        if "VALUE" in trailing:
            kind = parser.add_mutually_exclusive_group()
            kind.add_argument("--json", action="store_true", help="read VALUE as JSON")
            kind.add_argument("--string", action="store_true", help="take VALUE as a string")
        parser.set_defaults(handler=_handler(name))


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return _run(name, args)

    return run


def _error(name: str, text: str) -> None:
    message(f"newsmeta {name}: {text}")


def _shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, shortened: a VALUE may be megabytes."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _depth(path: str) -> int:
    """How many keys and indices ``path`` has (counted from its separators)."""
    if path.startswith("/"):
        return path.count("/")
    return len(re.findall(r"[.\[]", path)) + 1


def _run(name: str, args: argparse.Namespace) -> int:
    count = len(_TRAILING[name])
    if len(args.args) < count:
        raise UsageError(f"expected [FILE...] {' '.join(_TRAILING[name])}")
    files, trailing = args.args[:-count], args.args[-count:]
    config = load_configuration(args.config)
    path = trailing[0]
    if _depth(path) > config.limits.max_depth:
        raise UsageError(
            f"PATH has {_depth(path)} levels; front matter nests at most "
            f"{config.limits.max_depth} (limits.max-depth)"
        )
    value: object = None
    if "VALUE" in _TRAILING[name]:
        from newsmeta.values import parse_value

        try:
            value = parse_value(trailing[-1], as_json=args.json, as_string=args.string)
        except ValueError as exc:
            raise UsageError(f"invalid VALUE {_shown(trailing[-1])}: {exc}") from None
    index = 0
    if name == "insert":
        try:
            index = int(trailing[1])
        except ValueError:
            raise UsageError(f"INDEX must be an integer, not {_shown(trailing[1])}") from None
    args.where_program = _where(args)
    if name != "get":
        refuse_stdin(files, f"newsmeta {name}")
    named = [file for file in files if file != "-"]
    paths = ["-"] if len(named) < len(files) else []
    unreadable: list[tuple[str, OSError]] = []
    if named or not paths:
        inputs = resolve_inputs(named, args.exclude, config)
        unreadable = inputs.unreadable
        paths += inputs.paths
    where = args.where_program is not None
    would = getattr(args, "dry_run", False)
    with Tally(f"newsmeta {name}", len(paths), where=where, would=would) as tally:
        for directory, error in unreadable:
            tally.fail(
                f"newsmeta {name}: {directory}: directory not read: {error.strerror or error}"
            )
        for file in paths:
            if name == "get":
                tally.raise_status(_get(file, path, config, prefix=len(paths) > 1, raw=args.raw))
            else:
                _edit(name, file, path, index, value, args, config, tally)
            tally.advance()
    if name != "get" and len(paths) > 1:
        message(tally.summary())
    return tally.status


def _where(args: argparse.Namespace) -> Program | None:
    """The compiled ``--where`` condition, or None without one."""
    source = getattr(args, "where", None)
    return None if source is None else jq_program(source, args, "--where")


def _load(name: str, file: str, config: Config) -> Document | None:
    from newsmeta.document import load

    if file == "-":  # get reads an article from stdin
        return read_stdin_document(config)
    try:
        return load(file, max_bytes=config.limits.max_file_bytes)
    except OSError as exc:
        _error(name, f"{file}: {exc.strerror or exc}")
        return None


def _not_found(file: str, doc: Document, path: str, exc: Exception) -> str:
    """The message for a path that leads nowhere, with the closest path that exists."""
    from newsmeta.document import closest_path
    from newsmeta.errors import InvalidPathError

    try:
        suggestion = closest_path(doc.data, path)
    except InvalidPathError:
        suggestion = None
    hint = f"; did you mean {suggestion!r}?" if suggestion is not None else ""
    return f"{file}: {exc}{hint}"


def _get(file: str, path: str, config: Config, *, prefix: bool, raw: bool) -> int:
    from newsmeta.errors import EditError, PathNotFoundError

    doc = _load("get", file, config)
    if doc is None:
        return EXIT_USAGE
    try:
        value = doc.get(path)
    except PathNotFoundError as exc:
        _error("get", _not_found(file, doc, path, exc))
        return EXIT_REFUSED
    except EditError as exc:
        _error("get", f"{file}: {exc}")
        return EXIT_REFUSED
    from newsmeta._escape import json_text, printable, unsafe

    stdout = reliable_stdout()
    label = f"{printable(file)}: " if prefix else ""
    if isinstance(value, str) and raw:
        stdout.flush()
        stdout.buffer.write((label + value + "\n").encode("utf-8", "surrogateescape"))
        stdout.buffer.flush()
        return EXIT_OK
    if isinstance(value, str) and not unsafe(value):
        out = value
    elif isinstance(value, str):
        # Printed raw, the next line could be a CI command (::add-mask::) or the text could
        # be reordered or hidden on screen; as JSON it is one line, exact and decodable.
        out = json_text(json.dumps(value, ensure_ascii=False))
    elif value is None or isinstance(value, bool | int | float):
        out = json.dumps(value)
    else:
        out = json_text(json.dumps(value, indent=2, ensure_ascii=False))
    stdout.write(label + out + "\n")
    stdout.flush()  # a reader that went away is noticed at this file, not a later one
    return EXIT_OK


_REASONS: dict[str, str] = {
    "NewProblemsError": "would introduce errors",
    "ConcurrentModificationError": "changed on disk meanwhile",
    "LinkedFileError": "linked files (see --allow-links)",
    "PathNotFoundError": "path not found",
    "InvalidPathError": "invalid path",
    "AliasEditError": "through an anchor or alias",
    "VerificationError": "did not read back as asked",
}


def _edit(
    name: str,
    file: str,
    path: str,
    index: int,
    value: object,
    args: argparse.Namespace,
    config: Config,
    tally: Tally,
) -> int:
    from newsmeta.errors import (
        ConcurrentModificationError,
        LinkedFileError,
        MetadataNotKeptError,
        NewProblemsError,
        NewsmetaError,
        PathNotFoundError,
        ReadOnlyFileError,
    )

    for attempt in range(RETRIES + 1):
        doc = _load(name, file, config)
        if doc is None:
            return tally.fail()
        where: Program | None = args.where_program
        if where is not None:
            from newsmeta.errors import JqError

            try:
                with jq_stoppable():  # every earlier file is saved: Ctrl-C may end it here
                    holds = where.test(doc.data, path=file)
                if not holds:
                    return tally.count("skipped")
            except JqError as exc:
                return tally.refuse(
                    "the --where condition failed", f"newsmeta {name}: {file}: --where: {exc}"
                )
        before = doc.dumps()
        try:
            if name == "set":
                doc.set(path, value)
            elif name == "unset":
                doc.unset(path)
            elif name == "append":
                doc.append(path, value, unique=args.unique)
            else:
                doc.insert(path, index, value)
            if doc.dumps() == before:
                return tally.count("unchanged")
            if not args.force:
                refuse_introduced_errors(doc, config, file)
            if args.dry_run:
                write_diff(before, doc.dumps(), file, reliable_stdout(), written=False)
                sys.stdout.flush()
            else:
                # The configuration's verdict on new problems was taken above; --force also
                # writes a read-only file and one whose owner or attributes cannot be kept.
                doc.save(force=args.force, refuse_new_errors=False, allow_links=args.allow_links)
            return tally.count("changed")
        except ConcurrentModificationError as exc:
            if not (exc.deleted or exc.busy or attempt == RETRIES):
                # Someone saved the file since it was read: read it again and redo the
                # edit (the --where condition included). A short random pause keeps two
                # editors from colliding in lockstep.
                import random  # only here: every command's start-up would pay for it

                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            # The message names the file.
            return tally.refuse(_REASONS["ConcurrentModificationError"], f"newsmeta {name}: {exc}")
        except (ReadOnlyFileError, MetadataNotKeptError) as exc:
            # The file cannot be written as it is: an I/O error, as not_written() says for
            # every command (exit code 2); the message names the file and --force.
            return tally.fail(f"newsmeta {name}: {exc}")
        except (NewProblemsError, LinkedFileError) as exc:
            reason = _REASONS.get(type(exc).__name__, "refused")
            return tally.refuse(reason, f"newsmeta {name}: {exc}")  # the message names the file
        except PathNotFoundError as exc:
            reason = _REASONS["PathNotFoundError"]
            return tally.refuse(reason, f"newsmeta {name}: {_not_found(file, doc, path, exc)}")
        except NewsmetaError as exc:
            reason = _REASONS.get(type(exc).__name__, "refused by the editor")
            return tally.refuse(reason, f"newsmeta {name}: {file}: {exc}")
        except OSError as exc:
            return tally.fail(f"newsmeta {name}: {file}: not written: {exc.strerror or exc}")
    return EXIT_REFUSED  # pragma: no cover - the loop always returns
