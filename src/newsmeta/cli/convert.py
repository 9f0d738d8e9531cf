"""``newsmeta export`` and ``newsmeta import``: article files to JSON records, and back.

``export`` writes one record per file, streaming (memory does not grow with the size of
the output), in one of three shapes:

- ``jsonl`` (the default): one JSON object per line, ``{"path", "front_matter"}`` and, when
  asked, ``"body"`` and ``"problems"``. ``front_matter`` is the JSON view of the front
  matter that the schema checks (timestamps as RFC 3339 text), ``null`` when the front
  matter cannot be read. A file with CRLF line endings adds ``"newline": "\r\n"``, one
  with a byte-order mark ``"bom": true``, so that ``import`` writes it back the same way;
- ``json``: the same records as one JSON array;
- ``api``: one JSON API item per line (:func:`newsmeta.feed.write_item`), with the site's
  base URL, time zone and locale; ``--with-body`` fills ``content``.

``import`` reads such records (or API items, or bare front-matter objects) and writes each
as a new file in house style (:func:`newsmeta.new`), with the line ending and byte-order
mark the record names: a file whose front matter was in house style comes back byte for
byte (with ``--with-body``), CRLF and BOM included. The API form has no place for either,
so an API item comes back with LF and no BOM. It never replaces a file unless
``--overwrite``, never writes a file with errors unless ``--force``, never writes outside
``--to``, and names every record it refuses.

Exit codes: 0 when every file or record went through; 1 when a file's front matter could
not be exported or a record was refused; 2 for usage and I/O errors.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Commands,
    UsageError,
    add_config_options,
    add_output_file,
    load_configuration,
    message,
    not_utf8,
    not_written,
    open_input,
    open_output,
    read_stdin_document,
)

if TYPE_CHECKING:
    from newsmeta.config import Config
    from newsmeta.document import Document
    from newsmeta.feed import SiteSettings

__all__ = ["register"]

#: The code of a file not read because it is larger than the configured limit.
_TOO_LARGE = "limit-file-size"

#: The default name of an imported file that records no path of its own.
DEFAULT_NAME = "{date}-{slug}.md"


def register(commands: Commands) -> None:
    """Add ``export`` and ``import`` to ``commands``."""
    export = commands.add_parser(
        "export",
        help="write article files as JSON Lines, JSON or the sites' JSON API form",
        description=(
            "Write one JSON record per article file: its path and its front matter as the "
            "JSON view newsmeta validates, optionally its body and problems. Directories are "
            "searched as `validate` searches them. Output streams to stdout."
        ),
    )
    export.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or globs; '-' reads stdin (default: the configured include)",
    )
    export.add_argument(
        "--format",
        choices=["jsonl", "json", "api"],
        default="jsonl",
        help="jsonl: one record per line; json: one array; api: the JSON API form, one item "
        "per line (default: jsonl)",
    )
    add_output_file(export)
    export.add_argument("--with-body", action="store_true", help="add each file's Markdown body")
    export.add_argument(
        "--with-problems",
        action="store_true",
        help="add each file's problems, as `validate --format json` reports them",
    )
    add_config_options(export)
    site = export.add_argument_group("the JSON API form (--format api)")
    site.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="where the site publishes each item's JSON: sourceUrl is URL/STEM/index.json",
    )
    site.add_argument(
        "--time-zone",
        metavar="ZONE",
        default="UTC",
        help="IANA time zone of the written timestamps, e.g. America/Los_Angeles (default: UTC)",
    )
    site.add_argument(
        "--locale", metavar="LOCALE", default="en-us", help="the locale (default: en-us)"
    )
    site.add_argument(
        "--collection",
        metavar="DIR",
        default="_news",
        help="the site's folder of article files, which path starts with (default: _news)",
    )
    export.set_defaults(handler=_run_export)

    importer = commands.add_parser(
        "import",
        help="write JSON records (from export, or API items) as new article files",
        description=(
            "Read JSON Lines (or one JSON array) of records written by `newsmeta export`, "
            "items of the sites' JSON API form, or bare front-matter objects, and write each "
            "as a new article file in house style under DIR. Existing files are never "
            "replaced unless --overwrite; files with errors are not written unless --force; "
            "every refused record is named on stderr."
        ),
    )
    importer.add_argument(
        "source", metavar="FILE", help="the records: a .jsonl or .json file, or '-' for stdin"
    )
    importer.add_argument(
        "--to", required=True, metavar="DIR", help="the folder to write into (created if missing)"
    )
    importer.add_argument(
        "--name",
        metavar="TEMPLATE",
        default=None,
        help="file name template: {date} (UTC publication date), {slug} (from the title), "
        "{name} and {stem} (the recorded file name, without .md), {path} (the recorded "
        "relative path), {n} (the record's number). Default: the recorded file name, or "
        f"'{DEFAULT_NAME}' for a record without a path",
    )
    importer.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="read this TOML file (any name) instead of searching for newsmeta.toml or "
        "pyproject.toml; its limits apply",
    )
    importer.add_argument(
        "--force",
        action="store_true",
        help="write files even when they have errors or are over the size limit",
    )
    importer.add_argument(
        "--overwrite", action="store_true", help="replace files that already exist"
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="check every record and report; write nothing"
    )
    importer.set_defaults(handler=_run_import)


def _usage_error(command: str, text: str) -> int:
    message(f"newsmeta {command}: error: {text}")
    return EXIT_USAGE


# --- export ------------------------------------------------------------------------------


#: Compact (the C encoder), non-ASCII as is; unsafe characters are escaped afterwards.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def json_line(value: object) -> str:
    """``value`` as one line of JSON that no control character, bidi override, line
    separator or undecodable byte can break or disguise (all written as ``\\uXXXX``)."""
    from newsmeta._escape import json_text

    return json_text(_ENCODER.encode(value))


def _run_export(args: argparse.Namespace) -> int:
    from newsmeta.document import iter_documents
    from newsmeta.feed import SiteSettings
    from newsmeta.paths import NoInputError

    config = load_configuration(args.config)
    try:
        site = SiteSettings(
            base_url=args.base_url,
            time_zone=args.time_zone,
            locale=args.locale,
            collection=args.collection,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    named = [path for path in args.paths if path != "-"]
    stdin = read_stdin_document(config) if len(named) < len(args.paths) else None
    documents: Iterator[Document] = iter(())
    if named or stdin is None:
        documents = iter_documents(
            *named, config=config, exclude=args.exclude, require=stdin is None
        )
        try:
            first = next(documents, None)  # finds the files: a bad argument fails first
        except (FileNotFoundError, NoInputError) as exc:
            raise UsageError(str(exc)) from None
        if first is not None:
            documents = itertools.chain([first], documents)
    if stdin is not None:
        documents = itertools.chain([stdin], documents)
    state = {"unreadable": False, "io": False}
    records = _records(documents, args, site, config, state)
    with open_output(args.output_file) as out:
        if args.format == "json":
            out.write("[")
            for count, record in enumerate(records):
                out.write(("," if count else "") + "\n" + json_line(record))
            out.write("\n]\n")
        else:
            for record in records:
                out.write(json_line(record) + "\n")
    if state["io"]:
        return EXIT_USAGE
    return EXIT_PROBLEMS if state["unreadable"] else EXIT_OK


def _records(
    documents: Iterator[Document],
    args: argparse.Namespace,
    site: SiteSettings,
    config: Config,
    state: dict[str, bool],
) -> Iterator[dict[str, object]]:
    """One record per document, each built and dropped before the next file is read."""
    from newsmeta.validation import CorpusIndex, Policy, document_result

    policy = Policy(select=config.select, ignore=config.ignore, severity=config.severity)
    corpus = CorpusIndex() if args.with_problems else None
    for document in documents:
        path = str(document.path)
        # Not read at all: an I/O error (exit 2, as in validate) or over the size limit (a
        # problem of the file, exit 1, as in validate).
        unread = next(
            (p for p in document.problems if p.code.startswith("io-") or p.code == _TOO_LARGE),
            None,
        )
        if unread is not None:
            state["io"] = state["io"] or unread.code != _TOO_LARGE
            state["unreadable"] = True
            message(f"newsmeta export: {_shown(path)}: {unread.message}")
        problems: list[object] = []
        if corpus is not None:
            result = policy.apply(corpus.check(document_result(document, path)))
            problems = [problem.to_dict() for problem in result.problems]
        if args.format == "api":
            article = document.article
            if article is None:
                state["unreadable"] = True
                if unread is None:
                    message(
                        f"newsmeta export: {_shown(path)}: the front matter is not an article "
                        f"({len(document.errors)} error(s)); no API item written"
                    )
                continue
            from newsmeta.feed import write_item

            item = write_item(
                article, site, path=path, content=document.body if args.with_body else None
            )
            if corpus is not None:
                item["problems"] = problems
            yield item
            continue
        data = document.data
        if not isinstance(data, dict):
            state["unreadable"] = True
            if unread is None:
                message(f"newsmeta export: {_shown(path)}: the front matter cannot be read")
        record: dict[str, object] = {
            "path": path,
            "front_matter": data if isinstance(data, dict) else None,
        }
        if args.with_body:
            record["body"] = None if unread is not None else document.body
        # What the data does not say, for import to write the file back as it was: only
        # when it is not the house style's (LF, no byte-order mark).
        if document.newline != "\n":
            record["newline"] = document.newline
        if document.bom:
            record["bom"] = True
        if corpus is not None:
            record["problems"] = problems
        yield record


def _shown(path: str) -> str:
    from newsmeta._escape import printable

    return printable(path)


# --- import ------------------------------------------------------------------------------


class _Refused(Exception):
    """A record that cannot be imported; the message says why."""


#: How much larger than the file it holds one record may be: a file of ``max-file-bytes``
#: whose every character JSON writes as ``\uXXXX`` (six bytes), with room for the rest.
_RECORD_EXPANSION = 6
_RECORD_SLACK = 1 << 20


def _record_limit(config: Config) -> int:
    """The longest record line read, in bytes: one holding a file at the size limit."""
    return config.limits.max_file_bytes * _RECORD_EXPANSION + _RECORD_SLACK


def _skip_line(stream: IO[bytes]) -> None:
    """Read on to the end of an over-long line without holding it."""
    while True:
        chunk = stream.readline(1 << 16)
        if not chunk or chunk.endswith(b"\n"):
            return


def _read_records(stream: IO[bytes], source: str, limit: int) -> Iterator[tuple[int, object]]:
    """``(record number, parsed JSON or a _Refused)`` for each record of ``stream``.

    JSON Lines are read one line at a time, none longer than ``limit`` bytes (a longer
    one is refused without being held); a stream that starts with ``[`` is one JSON array,
    read whole. Raises :class:`UsageError` when the stream is neither (a binary file, the
    wrong file): nothing has been written then.
    """
    number = 0
    first = True
    offset = 0
    while True:
        try:
            line = stream.readline(limit + 1)
        except OSError as exc:
            raise UsageError(f"{source}: {exc.strerror or exc}") from None
        if not line:
            return
        start = offset
        offset += len(line)
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_line(stream)
            number += 1
            yield number, _Refused(f"the record is longer than the limit of {limit} bytes")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            if first:
                raise not_utf8(source, line, exc, start) from None
            number += 1
            yield number, _Refused("the record is not UTF-8 text")
            continue
        if first:
            text = text.removeprefix("\ufeff")
        stripped = text.strip()
        if not stripped:
            continue
        if first:
            first = False
            if stripped[0] not in "[{":
                raise UsageError(
                    f"{source}: neither JSON Lines nor a JSON array of records (it starts "
                    f"with {stripped[:20]!r})"
                )
            if stripped[0] == "[":
                yield from _read_array(text + _rest(stream, source), source)
                return
        number += 1
        try:
            yield number, json.loads(text)
        except RecursionError:
            yield number, _Refused("the record is nested too deeply")
        except json.JSONDecodeError as exc:
            yield number, _Refused(f"not valid JSON: {exc.msg} at column {exc.colno}")


def _rest(stream: IO[bytes], source: str) -> str:
    try:
        raw = stream.read()
    except OSError as exc:
        raise UsageError(f"{source}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(source, raw, exc) from None


def _read_array(text: str, source: str) -> Iterator[tuple[int, object]]:
    try:
        values = json.loads(text)
    except RecursionError:
        raise UsageError(f"{source}: the JSON array is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: the JSON array is not valid JSON: {exc}") from None
    if not isinstance(values, list):
        raise UsageError(f"{source}: not a JSON array of records")
    yield from enumerate(values, start=1)


def _check_template(template: str | None) -> None:
    """Raise :class:`UsageError` for a ``--name`` template that no record could fill."""
    if template is None:
        return
    sample = dict.fromkeys(("date", "slug", "name", "stem", "path", "n"), "x")
    try:
        name = template.format(**sample)
    except KeyError as exc:
        raise UsageError(
            f"--name {template!r}: unknown field {{{exc.args[0]}}} (use {{date}}, {{slug}}, "
            "{name}, {stem}, {path} or {n})"
        ) from None
    except (IndexError, ValueError) as exc:
        raise UsageError(f"--name {template!r}: {exc}") from None
    if not name.strip():
        raise UsageError("--name: the template gives an empty file name")


def _run_import(args: argparse.Namespace) -> int:
    _check_template(args.name)
    config = load_configuration(args.config)
    target = Path(args.to)
    if target.exists() and not target.is_dir():
        return _usage_error("import", f"{args.to} is not a directory")
    stream = open_input(args.source)
    written = refused = failed = 0
    try:
        records = _read_records(stream, args.source, _record_limit(config))
        first = next(records, None)  # a stream that holds no records fails before any write
        if not args.dry_run:
            try:
                target.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                return _usage_error("import", f"{args.to}: {exc.strerror or exc}")
        if first is not None:
            records = itertools.chain([first], records)
        for number, value in records:
            try:
                if isinstance(value, _Refused):
                    raise value
                name = _import_one(number, value, target, args, config)
            except _Refused as exc:
                refused += 1
                message(f"newsmeta import: record {number}: refused: {exc}")
            except OSError as exc:  # the file could not be written: an I/O error, exit 2
                failed += 1
                message(f"newsmeta import: record {number}: not written: {exc.strerror or exc}")
            else:
                written += 1
                if args.dry_run:
                    sys.stdout.write(f"{_shown(name)}\n")
    finally:
        if args.source != "-":
            stream.close()
    verb = "would write" if args.dry_run else "wrote"
    line = f"newsmeta import: {verb} {written} file(s), refused {refused} record(s)"
    message(line + (f", {failed} could not be written" if failed else ""))
    return EXIT_USAGE if failed else EXIT_PROBLEMS if refused else EXIT_OK


def _import_one(
    number: int, value: object, target: Path, args: argparse.Namespace, config: Config
) -> str:
    """Write one record under ``target``; return the file's path. Raises _Refused."""
    from newsmeta.document import new
    from newsmeta.errors import ExistingFileError, NewProblemsError, NewsmetaError

    if not isinstance(value, dict):
        raise _Refused(f"a record is a JSON object, not {type(value).__name__}")
    front, body, recorded = _front_matter_of(value)
    newline, bom = _layout_of(value)
    name = _file_name(args.name, front, recorded, number)
    destination = _inside(target, name)
    try:
        document = new(front, body, path=destination, newline=newline, bom=bom)
    except NewsmetaError as exc:
        raise _Refused(str(exc)) from None
    if document.errors and not args.force:
        first = document.errors[0]
        raise _Refused(
            f"{_shown(name)}: {len(document.errors)} error(s), first {first.code} at "
            f"{first.pointer or '/'}: {first.message} (--force writes it anyway)"
        )
    limit = config.limits.max_file_bytes
    size = len(document.encoded())
    if size > limit and not args.force:
        raise _Refused(
            f"{_shown(name)}: its {size} bytes are over the limit of {limit} "
            "(limits.max-file-bytes), so newsmeta would not read it (--force writes it anyway)"
        )
    if args.dry_run:
        if destination.exists() and not args.overwrite:
            raise _Refused(f"{_shown(name)} exists (--overwrite replaces it)")
        return str(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        document.save(destination, force=args.force, overwrite=args.overwrite)
    except ExistingFileError:
        raise _Refused(f"{_shown(name)} exists (--overwrite replaces it)") from None
    except NewProblemsError as exc:  # pragma: no cover - checked above
        raise _Refused(str(exc)) from None
    except OSError as exc:
        if not_written(exc):
            raise
        raise _Refused(str(exc)) from None  # a link, a file changed meanwhile
    return str(destination)


def _layout_of(record: dict[str, object]) -> tuple[str, bool]:
    """The line ending and byte-order mark an exported record asks for (house style when
    it says nothing: LF, no BOM)."""
    if "front_matter" not in record:  # an API item or bare front matter
        return "\n", False
    newline = record.get("newline", "\n")
    if newline not in ("\n", "\r\n"):
        raise _Refused(f'its "newline" is "\\n" or "\\r\\n", not {json.dumps(newline)}')
    bom = record.get("bom", False)
    if not isinstance(bom, bool):
        raise _Refused(f'its "bom" is true or false, not {json.dumps(bom)}')
    return str(newline), bom


def _front_matter_of(
    record: dict[str, object],
) -> tuple[dict[str, object], str | None, str | None]:
    """The front matter, body (None: the default) and recorded path of a record of any
    accepted shape."""
    if "front_matter" in record:
        front = record["front_matter"]
        if not isinstance(front, dict):
            raise _Refused("its front_matter is not a JSON object (was it readable?)")
        body = record.get("body")
        path = record.get("path")
        return (
            front,
            body if isinstance(body, str) else None,
            path if isinstance(path, str) else None,
        )
    from newsmeta.convert import to_dict
    from newsmeta.errors import ConversionError
    from newsmeta.feed import read_item

    try:
        item = read_item(record)
    except ConversionError as exc:
        raise _Refused(str(exc)) from None
    if item.unknown:
        message(
            "newsmeta import: note: keys the format does not define are kept (and reported "
            f"as errors): {', '.join(item.unknown)}"
        )
    return to_dict(item.article), item.content if item.content is not None else "\n", item.path


def _slug(title: object) -> str:
    text = unicodedata.normalize("NFKD", title if isinstance(title, str) else "")
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:80].rstrip("-") or "article"


def _file_name(
    template: str | None, front: dict[str, object], recorded: str | None, number: int
) -> str:
    from newsmeta.convert import parse_datetime

    recorded_posix = recorded.replace("\\", "/") if recorded else None
    name = PurePosixPath(recorded_posix).name if recorded_posix else None
    if template is None:
        template = "{name}" if name else DEFAULT_NAME
    stamp = front.get("publishedDateTime")
    try:
        day = (
            parse_datetime(stamp).astimezone(UTC).date().isoformat()
            if isinstance(stamp, str)
            else ""
        )
    except ValueError:
        day = ""
    fields = {
        "date": day,
        "slug": _slug(front.get("title")),
        "name": name or "",
        "stem": name[:-3] if name and name.endswith(".md") else (name or ""),
        "path": recorded_posix or "",
        "n": str(number),
    }
    for key in ("date", "name", "stem", "path"):
        if "{" + key + "}" in template and not fields[key]:
            raise _Refused(f"the name template needs {{{key}}}, which the record does not give")
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise _Refused(f"bad name template {template!r}: {exc}") from None


def _inside(target: Path, name: str) -> Path:
    """``target / name``, refusing a name that is absolute or climbs out of ``target``."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if (
        not parts
        or name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or any(part in ("..", "") for part in parts)
    ):
        raise _Refused(f"the name {name!r} would be written outside {target}")
    return target.joinpath(*[p for p in parts if p != "."])
