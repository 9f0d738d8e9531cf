"""``newsmeta new``: write a new article file in the house style of the real files."""

from __future__ import annotations

import argparse
import json
import os
import sys

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Commands,
    UsageError,
    load_configuration,
    message,
    not_written,
    read_input,
)

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``new`` to ``commands``."""
    new = commands.add_parser(
        "new",
        help="write a new article file in house style",
        description=(
            "Write a new article file in the house style of the real files (key order, "
            "blank lines, quoting). Start from JSON (--from-json) and/or set keys one by one "
            "(--set). A file with errors is not written unless --force (the problems are "
            "printed, exit 1); an existing file is never replaced unless --overwrite."
        ),
    )
    new.add_argument("output", metavar="OUT", help="the file to create, or '-' for stdout")
    new.add_argument(
        "--from-json",
        metavar="FILE",
        default=None,
        help="start from this JSON ('-' reads stdin): a front-matter object, a record of "
        "`newsmeta export` (its body too), or an item of the JSON API form",
    )
    new.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set KEY (a path: title, provider.name, images[0].width) to VALUE, read as a "
        "YAML scalar as `newsmeta set` reads it (repeatable)",
    )
    new.add_argument(
        "--set-json",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="set KEY to a JSON value: --set-json 'topics=[\"AI\"]' (repeatable)",
    )
    new.add_argument(
        "--body-file",
        metavar="FILE",
        default=None,
        help="the Markdown body, from this file ('-' reads stdin; default: the record's "
        "body, or an empty body as in the real files)",
    )
    new.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="read this TOML file (any name) instead of searching for newsmeta.toml or "
        "pyproject.toml; its limits apply to what is read",
    )
    new.add_argument("--force", action="store_true", help="write the file even with errors")
    new.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    new.set_defaults(handler=_run_new)


def _shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, shortened: a KEY or VALUE may be very long."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _usage_error(text: str) -> int:
    message(f"newsmeta new: error: {text}")
    return EXIT_USAGE


def _read_json(source: str, limit: int) -> object:
    """The JSON value in the file ``source`` (``-``: stdin). Raises :class:`UsageError`."""
    text = read_input(source, limit, what="JSON")
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise UsageError(f"{source}: the JSON is nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{source}: not valid JSON: {exc}") from None


def _start(value: object) -> tuple[dict[str, object], str]:
    """The front matter and body a ``--from-json`` value starts the article with."""
    from newsmeta.convert import to_dict
    from newsmeta.feed import API_KEYS, read_item

    if not isinstance(value, dict):
        raise ValueError(f"the JSON must be an object, not {type(value).__name__}")
    if "front_matter" in value:
        front, body = value["front_matter"], value.get("body")
        if not isinstance(front, dict):
            raise ValueError("the record's front_matter is not an object")
        return front, body if isinstance(body, str) else "\n"
    if any(key in value for key in API_KEYS):
        item = read_item(value)
        return to_dict(item.article), item.content if item.content is not None else "\n"
    return value, "\n"


def _run_new(args: argparse.Namespace) -> int:
    from newsmeta.document import new
    from newsmeta.errors import ExistingFileError, InvalidPathError, NewsmetaError
    from newsmeta.values import parse_value

    if args.from_json == "-" and args.body_file == "-":
        raise UsageError("--from-json and --body-file cannot both read stdin ('-')")
    if args.output != "-" and os.path.isdir(args.output):
        raise UsageError(f"{args.output} is a directory; name the file to create")
    config = load_configuration(args.config)
    limit = config.limits.max_file_bytes
    data: dict[str, object] = {}
    body = "\n"
    if args.from_json is not None:
        try:
            data, body = _start(_read_json(args.from_json, limit))
        except (ValueError, NewsmetaError) as exc:
            return _usage_error(f"{args.from_json}: {exc}")
    if args.body_file is not None:
        body = read_input(args.body_file, limit, what="body")
    settings: list[tuple[str, object]] = []
    for option, as_json in (("set", False), ("set_json", True)):
        for assignment in getattr(args, option):
            key, equals, text = assignment.partition("=")
            if not equals or not key:
                flag = "--" + option.replace("_", "-")
                return _usage_error(f"{flag} takes KEY=VALUE, got {_shown(assignment)}")
            try:
                settings.append((key, parse_value(text, as_json=as_json)))
            except ValueError as exc:
                return _usage_error(f"invalid value for {_shown(key)}: {exc}")
    target = None if args.output == "-" else args.output
    try:
        document = new(data, body, path=target)
        for key, value in settings:
            try:
                document.set(key, value)
            except InvalidPathError as exc:  # a mistake in how KEY was written
                return _usage_error(f"--set {_shown(key)}: {exc.reason}")
        # Keys set one by one land in house style too; render once more from the data so
        # that the file is exactly what `newsmeta.new` writes for it.
        assert isinstance(document.data, dict)
        document = new(document.data, document.body, path=target)
    except NewsmetaError as exc:
        message(f"newsmeta new: {exc}")
        return EXIT_PROBLEMS
    if document.errors and not args.force:
        _report(document, args.output)
        message(f"newsmeta new: {args.output} not written: it has errors (--force writes it)")
        return EXIT_PROBLEMS
    size = len(document.encoded())
    if size > limit and not args.force:
        message(
            f"newsmeta new: {args.output} not written: its {size} bytes are over the limit of "
            f"{limit} (limits.max-file-bytes), so newsmeta would not read it (--force writes it)"
        )
        return EXIT_PROBLEMS
    if target is None:
        sys.stdout.write(document.dumps())
        return EXIT_OK
    try:
        document.save(target, force=args.force, overwrite=args.overwrite)
    except ExistingFileError as exc:
        message(f"newsmeta new: {exc}")
        return EXIT_PROBLEMS
    except OSError as exc:
        if not not_written(exc):  # a link, a file changed meanwhile: a refusal
            message(f"newsmeta new: {exc}")
            return EXIT_PROBLEMS
        message(f"newsmeta new: {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    return EXIT_OK


def _report(document: object, name: str) -> None:
    from newsmeta.document import Document
    from newsmeta.reporters import load
    from newsmeta.validation import FileResult

    assert isinstance(document, Document)
    load("text")([FileResult(name, document.problems)], sys.stderr, None)  # type: ignore[arg-type]
