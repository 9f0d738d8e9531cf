"""The path verbs of the command line: ``get``, ``set``, ``unset``, ``append``, ``insert``.

Every command takes one or more files, then its own arguments, which are counted from the
end::

    newsmeta get FILE... PATH
    newsmeta set FILE... PATH VALUE          (VALUE read as a YAML scalar; --json, --string)
    newsmeta unset FILE... PATH
    newsmeta append FILE... PATH VALUE
    newsmeta insert FILE... PATH INDEX VALUE

Several files (or directories, searched for ``*.md``) apply the same edit to each: the bulk
form. Options go before the first FILE or after the last argument; a value that starts
with ``-`` goes after ``--``. ``--dry-run`` prints a unified
diff instead of writing; ``--force`` writes even when the edit introduces errors.

Exit codes: 0 done, 1 when an edit was refused for any file (that file stays
byte-identical), 2 for usage or I/O errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    Commands,
    collect_paths,
    message,
    write_diff,
)
from newsmeta.cli.common import EXIT_PROBLEMS as EXIT_REFUSED

if TYPE_CHECKING:
    from newsmeta.document import Document

__all__ = ["register"]

#: Arguments each command takes after its files.
_TRAILING = {"get": ("PATH",), "set": ("PATH", "VALUE"), "unset": ("PATH",),
             "append": ("PATH", "VALUE"), "insert": ("PATH", "INDEX", "VALUE")}  # fmt: skip


def register(commands: Commands) -> None:
    """Add the path verbs to ``commands``.

    Their arguments are parsed intermixed (``intermixed=True``), so options may follow
    FILE, PATH or VALUE: ``set a.md title --string 123`` works.
    """
    helps = {
        "get": "print the value at PATH (a scalar plain, anything else as JSON)",
        "set": "set the value at PATH, keeping the file's formatting",
        "unset": "remove the key or list item at PATH",
        "append": "add VALUE at the end of the list at PATH",
        "insert": "insert VALUE before item INDEX of the list at PATH",
    }
    for name, trailing in _TRAILING.items():
        parser = commands.add_parser(
            name,
            help=helps[name],
            usage=f"newsmeta {name} [options] FILE [FILE ...] {' '.join(trailing)}",
            description=helps[name][0].upper()
            + helps[name][1:]
            + ". PATH is dotted (provider.name, images[0].width, related[-1]) or a JSON "
            "Pointer (/provider/name). Several FILEs apply the same edit to each.",
        )
        parser.add_argument(
            "args",
            nargs="+",
            metavar="FILE... " + " ".join(trailing),
            help="files, then " + ", ".join(trailing),
        )
        if name != "get":
            parser.add_argument(
                "--dry-run", action="store_true", help="print the unified diff; write nothing"
            )
            parser.add_argument(
                "--force", action="store_true", help="write even if the edit introduces errors"
            )
            parser.add_argument(
                "--allow-links",
                action="store_true",
                help="write through a symbolic link, or break a hard link (refused by default)",
            )
        if "VALUE" in trailing:
            kind = parser.add_mutually_exclusive_group()
            kind.add_argument("--json", action="store_true", help="read VALUE as JSON")
            kind.add_argument("--string", action="store_true", help="take VALUE as a string")
        parser.set_defaults(handler=_handler(name), intermixed=True)


def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return _run(name, args)

    return run


def _error(text: str) -> None:
    message(f"newsmeta: {text}")


def _run(name: str, args: argparse.Namespace) -> int:
    count = len(_TRAILING[name])
    if len(args.args) <= count:
        _error(f"{name}: expected FILE... {' '.join(_TRAILING[name])}")
        return EXIT_USAGE
    files, trailing = args.args[:-count], args.args[-count:]
    value: object = None
    if "VALUE" in _TRAILING[name]:
        from newsmeta.values import parse_value

        try:
            value = parse_value(trailing[-1], as_json=args.json, as_string=args.string)
        except ValueError as exc:
            _error(f"{name}: invalid VALUE {trailing[-1]!r}: {exc}")
            return EXIT_USAGE
    index = 0
    if name == "insert":
        try:
            index = int(trailing[1])
        except ValueError:
            _error(f"insert: INDEX must be an integer, got {trailing[1]!r}")
            return EXIT_USAGE
    path = trailing[0]
    paths = collect_paths(files)
    status = EXIT_OK
    for file in paths:
        if name == "get":
            code = _get(file, path, prefix=len(paths) > 1)
        else:
            code = _edit(name, file, path, index, value, args)
        status = max(status, code)
    return status


def _load(file: str) -> Document | None:
    from newsmeta.document import load

    try:
        return load(file)
    except OSError as exc:
        _error(f"{file}: {exc.strerror or exc}")
        return None


def _get(file: str, path: str, *, prefix: bool) -> int:
    from newsmeta.errors import EditError

    doc = _load(file)
    if doc is None:
        return EXIT_USAGE
    try:
        value = doc.get(path)
    except EditError as exc:
        _error(f"{file}: {exc}")
        return EXIT_REFUSED
    from newsmeta._escape import json_text, printable

    # A value is printed as it is, except for characters that could drive the terminal
    # (ESC, bidi overrides, other controls): those become visible escapes.
    if isinstance(value, str):
        out = printable(value, keep="\n\t")
    elif value is None or isinstance(value, bool | int | float):
        out = json.dumps(value)
    else:
        out = json_text(json.dumps(value, indent=2, ensure_ascii=False))
    print(f"{printable(file)}: {out}" if prefix else out)
    return EXIT_OK


def _edit(
    name: str, file: str, path: str, index: int, value: object, args: argparse.Namespace
) -> int:
    from newsmeta.errors import (
        ConcurrentModificationError,
        LinkedFileError,
        NewProblemsError,
        NewsmetaError,
    )

    doc = _load(file)
    if doc is None:
        return EXIT_USAGE
    before = doc.dumps()
    try:
        if name == "set":
            doc.set(path, value)
        elif name == "unset":
            doc.unset(path)
        elif name == "append":
            doc.append(path, value)
        else:
            doc.insert(path, index, value)
        if args.dry_run:
            if not args.force:
                introduced = doc.new_errors()
                if introduced:
                    raise NewProblemsError(introduced, file)
            write_diff(before, doc.dumps(), file, sys.stdout)
            return EXIT_OK
        if doc.dumps() != before:
            doc.save(force=args.force, allow_links=args.allow_links)
    except (NewProblemsError, ConcurrentModificationError, LinkedFileError) as exc:
        _error(str(exc))  # the message names the file
        return EXIT_REFUSED
    except NewsmetaError as exc:
        _error(f"{file}: {exc}")
        return EXIT_REFUSED
    except OSError as exc:
        _error(f"{file}: {exc.strerror or exc}")
        return EXIT_USAGE
    return EXIT_OK
