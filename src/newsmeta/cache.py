"""The result cache: validation results kept in SQLite, so that unchanged files are not
checked again.

``newsmeta validate`` stores each file's result in a SQLite database in a cache directory
(:func:`default_cache_dir`); the next run reads it back for every file whose content did
not change. :func:`newsmeta.validation.validate_many` uses it when handed one
(``validate_many(paths, cache=ResultCache(directory))``). This module is an adapter at the
edge of the library: the core never imports it, and ``import newsmeta`` does not import
:mod:`sqlite3`.

**What a result depends on**, all of which must match before a stored result is used:

- the file's bytes: a BLAKE2b digest of exactly the bytes that were checked;
- the file's path, made absolute (the ``date-filename-mismatch`` rule reads the file
  name): an entry belongs to one path, so a renamed or copied file is checked again;
- newsmeta itself (its version, and a digest of the modules that check files and of the
  schema, so a changed checkout never reuses another code's results), the libraries that
  decide validity or word messages (their installed versions: :data:`RESULT_LIBRARIES`)
  and Python's version;
- the :class:`~newsmeta._yamltree.Limits`.

Everything but the bytes and the path makes an entry's *context*. What is stored is the
checker's own result, before ``select``, ``ignore`` and ``severity`` are applied: the
command line applies them afterwards exactly as without a cache, so changing them reuses
every entry. With each result go the file's own URLs, so that the cross-file check
(``corpus-duplicate-url``) sees every file on every run, checked or not. A result that
depends on the clock (:data:`TIME_DEPENDENT_CODES`: a date in the future does not stay
there) is never stored.

**The stat key only decides which files to hash.** An entry also keeps the size, the
modification and change times and the inode that the file had when it was read. When all
of them still match, the file is taken as unchanged without reading it; any difference
means reading and hashing it, and a file whose digest still matches (a fresh checkout, a
``touch``) is served and its entry refreshed. Any write to a file sets its change time to
the current time, and no program can set it back, so a changed file never keeps its stat
key, with two exceptions that are always hashed: a file changed less than
:data:`RACY_SECONDS` before it was read (a second change within the same clock tick could
keep every time), and every file on a system without a change time (Windows).

**A failing cache never changes a result.** Every entry carries a checksum of its fields,
and an entry that does not match it is ignored. A database that is corrupt is deleted and
rebuilt; one written by a newer cache format is left alone and not used; one from an older
format is emptied. A cache directory that cannot be written (a read-only checkout) is
read if it exists, and nothing is stored; one that cannot be opened at all is not used.
An SQLite error during a run stops the cache for the rest of the run, and the remaining
files are checked as they would be without it. Concurrent runs are safe: the database is
in WAL mode, readers never wait for writers, and writers take turns; a writer that has
waited :data:`BUSY_SECONDS` gives up storing, never the run.

Entries that no run has used for :data:`KEEP_DAYS` days are deleted, at most once a day.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import re
import sqlite3
import stat
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar
from zlib import crc32

import attrs

from newsmeta import _firsts
from newsmeta._files import read_article
from newsmeta._limits import DEFAULT_LIMITS, Limits
from newsmeta._version import __version__
from newsmeta.problems import Problem
from newsmeta.validation import (
    BATCH_SIZE,
    CleanRun,
    FileResult,
    StatedUrls,
    UrlUse,
    _problem_of_row,
    _problem_row,
    check_bytes,
    check_path,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from newsmeta.config import Config

__all__ = [
    "BUSY_SECONDS",
    "CACHE_DIR_ENV",
    "CACHE_DIR_NAME",
    "DATABASE_NAME",
    "FORMAT_VERSION",
    "KEEP_DAYS",
    "RACY_SECONDS",
    "RESULT_LIBRARIES",
    "TIME_DEPENDENT_CODES",
    "CacheInfo",
    "Lookup",
    "ResultCache",
    "clear_cache",
    "context_key",
    "default_cache_dir",
    "user_cache_dir",
]

#: The cache directory's name beside the configuration file.
CACHE_DIR_NAME: Final = ".newsmeta_cache"
#: The environment variable that names the cache directory (it wins over the default).
CACHE_DIR_ENV: Final = "NEWSMETA_CACHE_DIR"
#: The database file inside the cache directory (with its ``-wal`` and ``-shm`` files).
DATABASE_NAME: Final = "results.sqlite3"
#: The layout of the database. A database of another layout is rebuilt (older) or left
#: alone (newer), never read.
FORMAT_VERSION: Final = 2
#: Entries unused for this many days are deleted.
KEEP_DAYS: Final = 30
#: A file changed less than this long before it was read is hashed on every later run,
#: until a run reads it again after the interval. Covers the coarsest common file-system
#: time stamps (2 s on FAT) and the kernel's coarse clock.
RACY_SECONDS: Final = 3
#: How long a writer waits for another one before it gives up storing (never the run).
BUSY_SECONDS: Final = 5.0
#: The distributions whose version can change a result (validity, positions or messages);
#: newsmeta's own code is covered by a digest of its modules. A test holds this list to
#: the dependencies declared in ``pyproject.toml``.
RESULT_LIBRARIES: Final = (
    "PyYAML",
    "ftfy",
    "jsonschema",
    "jsonschema-rs",
    "ruamel.yaml",
    "ruamel.yaml.clib",
    "yaml-rs",
)
#: Problem codes whose presence depends on when the check ran: a result holding one is
#: never stored. (Their absence does not: a date that is not in the future never will be.)
TIME_DEPENDENT_CODES: Final = frozenset({"date-in-future"})

#: Only POSIX systems have a change time that no program can set.
_TRUST_STAT: Final = os.name == "posix"
#: Paths are plain strings joined with "/" (POSIX): no drive letters, no other separator.
_SIMPLE_PATHS: Final = os.sep == "/" and os.altsep is None
_RACY_NS: Final = RACY_SECONDS * 1_000_000_000
_DAY_SECONDS: Final = 86_400
#: Paths per lookup: well under SQLite's oldest variable limit (999), for ``IN (...)``.
_LOOKUP_BATCH: Final = 500
#: A lookup reads the entries between its least and greatest path while they number at
#: most this many per path, plus the fixed allowance; beyond, it asks for each path.
_RANGE_SLACK: Final = 2
_RANGE_SLACK_FIXED: Final = 64
#: Rows written per transaction: short transactions let concurrent writers interleave.
_WRITE_BATCH: Final = 2_000
#: Package folders whose modules never change a result (rendering, command line, editor).
_NOT_RESULT_CODE: Final = frozenset({"__pycache__", "cli", "lsp", "reporters"})
#: SQLite's primary result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB.
_CORRUPT_CODES: Final = frozenset({11, 26})

try:  # hashlib would load OpenSSL too (a few ms of start-up) to hand back this very class
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

_T = TypeVar("_T")
_R = TypeVar("_R")

#: What a check gives the cache for a file: its stat key (:data:`_NO_STAT`: always hash it), the
#: digest of its bytes and the encoded result; None when the result must not be stored.
_Stored: TypeAlias = "tuple[bytes, bytes, bytes] | None"
_FS_ENCODING: Final = sys.getfilesystemencoding()
_FS_ERRORS: Final = sys.getfilesystemencodeerrors()


# --- where the cache lives ------------------------------------------------------------------


def user_cache_dir() -> Path:
    """The per-user cache directory for newsmeta, by the platform's convention.

    ``$XDG_CACHE_HOME/newsmeta`` (default ``~/.cache/newsmeta``) on Linux and other POSIX
    systems, ``~/Library/Caches/newsmeta`` on macOS, ``%LOCALAPPDATA%\\newsmeta\\Cache``
    on Windows. Raises :class:`RuntimeError` when there is no home directory to put it in.
    """
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / "newsmeta" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "newsmeta"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG specification: a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "newsmeta"


def default_cache_dir(config: Config | None = None) -> Path:
    """Where the cache lives when no directory is given.

    In order: the directory in :data:`CACHE_DIR_ENV` (``NEWSMETA_CACHE_DIR``); the
    ``cache-dir`` of the configuration (relative to the configuration file);
    :data:`CACHE_DIR_NAME` (``.newsmeta_cache``) beside the configuration file, when one
    was found; else :func:`user_cache_dir`. A leading ``~`` is the home directory. Raises
    :class:`RuntimeError` when that would need a home directory and there is none.
    """
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    if config is not None:
        if config.cache_dir is not None:
            return Path(config.root, Path(config.cache_dir).expanduser())
        if config.source is not None:
            return config.source.parent / CACHE_DIR_NAME
    return user_cache_dir()


# --- the context: everything but the bytes and the path that a result depends on ------------


def context_key(limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A digest of what a result depends on besides the file's bytes and path.

    Covers the cache format, newsmeta's version and the digest of its checking code and
    schema, the versions of :data:`RESULT_LIBRARIES`, Python's version and ``limits``.
    """
    h = blake2b(digest_size=16)
    fields = (
        FORMAT_VERSION,
        __version__,
        sys.version,
        sys.implementation.cache_tag,
        attrs.astuple(limits),
        _library_versions(),
    )
    h.update(repr(fields).encode("utf-8", "surrogateescape"))
    h.update(_code_digest())
    return h.digest()


@functools.cache
def _code_digest() -> bytes:
    """A digest of newsmeta's modules and data files (the schema among them), except those
    that never change a result (:data:`_NOT_RESULT_CODE`): a fraction of a millisecond."""
    return _package_digest(os.path.dirname(os.path.abspath(__file__)))


def _package_digest(package: str) -> bytes:
    """The digest :func:`_code_digest` takes, of the package folder ``package``: of each
    file's path, length and CRC-32.

    The files are about a megabyte, read on every run: CRC-32 takes a fifth of BLAKE2b's
    time over them, and an edit that kept both a file's length and its CRC-32 would have
    to be made for that purpose (the code is the user's own installation, not input).
    """
    h = blake2b(digest_size=16)
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_RESULT_CODE)
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, package).encode("utf-8", "surrogateescape"))
                try:
                    with open(path, "rb") as handle:
                        content = handle.read()
                except OSError:
                    h.update(b"\0unreadable\0")
                else:
                    h.update(b"\0%d %d\0" % (len(content), crc32(content)))
    return h.digest()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    """The installed versions of :data:`RESULT_LIBRARIES`, from the metadata folder names on
    ``sys.path`` (``PyYAML-6.0.2.dist-info``): a directory listing per entry, where
    :mod:`importlib.metadata` would cost a tenth of a second."""
    wanted = {_normalise(name) for name in RESULT_LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            project, _, version = stem.partition("-")
            key = _normalise(project)
            if key in wanted and key not in found:  # the first on sys.path is imported
                found[key] = version
    return tuple(sorted((name, found.get(name, "")) for name in wanted))


# --- entries ----------------------------------------------------------------------------------


def _digest(raw: bytes) -> bytes:
    return blake2b(raw, digest_size=16).digest()


#: A stat key: size, modification and change times (ns), inode.
_STAT: Final = struct.Struct("<qqqQ")
#: The stat key of an entry that must be hashed on every run.
_NO_STAT: Final = bytes(_STAT.size)
#: An entry: the stat key, the digest of the bytes, the stored result (:func:`_encode`),
#: then a CRC-32 (little-endian) of the context, the path and all that. One blob: each
#: column costs a Python object per row read, and a warm run reads every row.
_STAT_END: Final = _STAT.size
_DIGEST_END: Final = _STAT_END + 16
_CHECK_SIZE: Final = 4
#: A stored result begins with how many of its file's URLs are stored hashed, then, for
#: each, its hash (:func:`newsmeta._firsts.url_hash`) and line, as unsigned 64-bit
#: little-endian numbers; then the result as ASCII JSON. Any bytes read as numbers, so a
#: damaged or crafted entry cannot do harm there (unlike ``marshal`` or ``pickle``).
#: :data:`_UNHASHED` instead of a count: the URLs are only in the JSON (more than
#: :data:`_MOST_HASHED` of them, two alike by hash, or a line out of range).
_MOST_HASHED: Final = 8
_UNHASHED: Final = 255
_HASHED: Final = tuple(struct.Struct(f"<{2 * count}Q") for count in range(_MOST_HASHED + 1))
#: What CRC-32 gives over data followed by its own CRC (little-endian): an entry is intact
#: when the CRC over the context, the path and the entry is this.
_CRC_RESIDUE: Final = 0x2144DF1C


def _status_bytes(status: os.stat_result) -> bytes:
    """The stat key of ``status``; never the empty key (a mismatch, when out of range)."""
    try:
        return _STAT.pack(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    except struct.error:
        return b"out of range"


def _stat_key(status: os.stat_result, read_ns: int) -> bytes:
    """The key that later lets the file go unread while it still matches, or
    :data:`_NO_STAT` when the file must be hashed on every run (changed too recently, or no
    change time: see the module docstring)."""
    key = _status_bytes(status)
    if not _TRUST_STAT or status.st_ctime_ns >= read_ns - _RACY_NS or len(key) != _STAT.size:
        return _NO_STAT
    return key


#: The fields of a URL, in the order they are stored (a problem's are
#: :func:`~newsmeta.validation._problem_row`'s). Taken from the classes themselves, so a
#: field added later is stored too (and, since the classes are newsmeta's code, a result
#: stored before the change belongs to another context).
_URL_FIELDS: Final = tuple(field.name for field in attrs.fields(UrlUse))


def _encode(result: FileResult) -> bytes:
    """The stored form of a result: the hashes and lines of its distinct URLs (see
    :data:`_HASHED`), then its problems and its URLs as ASCII JSON."""
    problems = [_problem_row(problem) for problem in result.problems]
    urls = [[getattr(use, name) for name in _URL_FIELDS] for use in result.urls]
    text = json.dumps([problems, urls], ensure_ascii=True, separators=(",", ":"))
    return _hashed_urls(result.urls) + text.encode("ascii")


def _hashed_urls(uses: Iterable[UrlUse]) -> bytes:
    """The head of a stored result: each distinct URL's hash and first line, as
    :meth:`~newsmeta._firsts.FirstStatements.add_new` takes them."""
    stated: list[int] = []
    seen: set[str] = set()
    for use in uses:
        if use.url not in seen:
            seen.add(use.url)
            stated += (_firsts._hash(use.url), use.line)
    count = len(seen)
    if (
        count > _MOST_HASHED
        or len(set(stated[::2])) != count  # two URLs of one file hash alike
        or not all(0 <= value < 1 << 64 for value in stated)
    ):
        return bytes((_UNHASHED,))
    return bytes((count,)) + _HASHED[count].pack(*stated)


#: The C scanner behind json.loads, called directly: a stored result is one JSON array,
#: and the Python layers around the scanner cost as much as the scan on these small texts.
_SCAN_JSON: Final[Callable[[str, int], tuple[Any, int]]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decode(path: str, stored: bytes) -> FileResult:
    """The result :func:`_encode` stored, for ``path``; ``ValueError``, ``TypeError`` or
    ``StopIteration`` when ``stored`` is not what it writes (entries are checksummed, so
    damage is found before this; this is the last guard)."""
    result, urls = _decode_apart(path, stored[_json_start(stored, 0) :].decode("ascii"))
    return FileResult(path, result.problems, tuple([UrlUse(*use) for use in urls]))


def _json_start(stored: bytes, start: int) -> int:
    """Where the JSON of the stored result at ``start`` in ``stored`` begins;
    ``ValueError`` when its head is not one :func:`_encode` writes."""
    count = stored[start]
    if count == _UNHASHED:
        return start + 1
    if count > _MOST_HASHED:
        raise ValueError("not a stored result")
    return start + 1 + _HASHED[count].size


#: How the stored form of a result without problems begins (its JSON).
_NO_PROBLEMS: Final = "[[],"
_NO_PROBLEMS_BYTES: Final = _NO_PROBLEMS.encode("ascii")


def _decode_apart(path: str, text: str) -> tuple[FileResult, list[list[Any]]]:
    """:func:`_decode`, with the URLs kept apart as lists of :class:`UrlUse`'s values (for
    :meth:`~newsmeta.validation.CorpusIndex.check_stated`): the result holds none."""
    if text.startswith(_NO_PROBLEMS):  # most files: only the URLs to read
        urls_data, end = _SCAN_JSON(text, len(_NO_PROBLEMS))
        problems: tuple[Problem, ...] = ()
    else:
        (problems_data, urls_data), end = _SCAN_JSON(text, 0)
        problems = tuple([_problem_of_row(values) for values in problems_data])
        end -= 1
    if text[end:] != "]" or type(urls_data) is not list:
        raise ValueError("not a stored result")
    for use in urls_data:
        if type(use) is not list or len(use) != len(_URL_FIELDS):
            raise ValueError("not a stored URL")
    return FileResult(path, problems), urls_data


def _decode_problems(path: str, text: str) -> tuple[FileResult, int]:
    """The result :func:`_encode` stored as the JSON ``text``, without its URLs, and where
    the JSON array of its URLs begins in ``text`` (it ends before the last ``]``): only
    the problems are read. ``ValueError``, ``TypeError``, ``LookupError`` or
    ``StopIteration`` when ``text`` is not what :func:`_encode` writes."""
    if not text.startswith("[["):
        raise ValueError("not a stored result")
    problems_data, end = _SCAN_JSON(text, 1)
    if not text.startswith(",[", end) or not text.endswith("]"):
        raise ValueError("not a stored result")
    problems = tuple([_problem_of_row(values) for values in problems_data])
    return FileResult(path, problems), end + 1


def _url_values(path: str, source: bytes, limits: Limits = DEFAULT_LIMITS) -> list[list[Any]]:
    """The URLs of the file ``path`` whose stored JSON is ``source``, each the values of a
    :class:`UrlUse`; read from the file itself when ``source`` cannot be read (an entry
    written by a faulty newsmeta)."""
    try:
        values = json.loads(source)
    except ValueError:
        values = None
    if type(values) is list and all(
        type(use) is list and len(use) == len(_URL_FIELDS) for use in values
    ):
        return values
    return [[getattr(use, name) for name in _URL_FIELDS] for use in check_path(path, limits).urls]


def _check_for_cache(
    names: list[str], limits: Limits = DEFAULT_LIMITS
) -> list[tuple[FileResult, _Stored]]:
    """Check each file as :func:`~newsmeta.validation.check_path` does, with what the cache
    stores about it: the status and digest of the very bytes that were checked."""
    checked: list[tuple[FileResult, _Stored]] = []
    for name in names:
        # The time is taken before the status: a change after it can never look older.
        read_at = time.time_ns()
        try:
            raw, status = read_article(name, limits.max_file_bytes)
        except OSError:
            checked.append((check_path(name, limits), None))  # reports the failure
            continue
        result = check_bytes(raw, name, limits)
        stored: _Stored = None
        if not any(p.code in TIME_DEPENDENT_CODES for p in result.problems):
            stored = (_stat_key(status, read_at), _digest(raw), _encode(result))
        checked.append((result, stored))
    return checked


def _in_chunks(
    function: Callable[[list[_T]], list[_R]],
    items: Iterable[_T],
    executor: Executor | None,
    chunk_size: int,
    in_flight: int,
) -> Iterator[_R]:
    """``function`` over ``items`` in chunks, results in order, at most ``in_flight`` chunks
    outstanding on ``executor`` (or one item at a time in this process)."""
    if executor is None:
        for item in items:
            yield from function([item])
        return
    pending: collections.deque[Future[list[_R]]] = collections.deque()
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == chunk_size:
            pending.append(executor.submit(function, chunk))
            chunk = []
            if len(pending) >= in_flight:
                yield from pending.popleft().result()
    if chunk:
        pending.append(executor.submit(function, chunk))
    while pending:
        yield from pending.popleft().result()


# --- the database -----------------------------------------------------------------------------

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS entries (
    context BLOB NOT NULL,
    path BLOB NOT NULL,
    entry BLOB NOT NULL,
    used_day INTEGER NOT NULL,
    PRIMARY KEY (context, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
_INSERT: Final = "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)"
_SELECT_RANGE: Final = (
    "SELECT path, entry, used_day FROM entries WHERE context = ? AND path BETWEEN ? AND ?"
)
_SELECT_KEYS: Final = "SELECT path, entry, used_day FROM entries WHERE context = ? AND path IN"
_TOUCH: Final = "UPDATE entries SET used_day = ? WHERE context = ? AND path = ?"


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _CORRUPT_CODES


def _database_files(database: Path) -> list[Path]:
    return [database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))]


def _mark_directory(directory: Path) -> None:
    """Tell git and backup tools that the directory is a cache (best effort)."""
    marks = {
        ".gitignore": "# Created by newsmeta: a cache, never to be committed.\n*\n",
        "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by newsmeta.\n"
        "# For information about cache directory tags, see https://bford.info/cachedir/\n",
    }
    for name, text in marks.items():
        path = directory / name
        if not path.exists():
            try:
                with open(path, "x", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError:
                pass


if TYPE_CHECKING:
    from newsmeta._cacheinfo import CacheInfo


def __getattr__(name: str) -> object:
    """``CacheInfo``, imported on first use (PEP 562): a run of ``validate`` needs none."""
    if name != "CacheInfo":
        raise AttributeError(f"module 'newsmeta.cache' has no attribute {name!r}")
    from newsmeta._cacheinfo import CacheInfo

    globals()[name] = CacheInfo
    return CacheInfo


def _can_make(directory: Path) -> bool:
    """Whether a cache could be made in ``directory``: it, or the nearest folder above it
    that exists, can be written (a read-only checkout cannot)."""
    place = directory
    while not place.exists() and place.parent != place:
        place = place.parent
    return place.is_dir() and os.access(place, os.W_OK | os.X_OK)


class ResultCache:
    """The results of earlier runs, in ``directory``; ``limits`` are those a lookup checks
    under unless it names its own (results under other limits are other entries).

    Opening never raises: a cache that cannot be used leaves :attr:`usable` false and says
    why in :attr:`problem`, and every file is then checked. The directory and database are
    made when missing, unless ``create`` is false (to inspect a cache without making one).
    Use :meth:`lookup` for a run, and close the cache (or use it as a context manager) to
    finish writing.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        limits: Limits = DEFAULT_LIMITS,
        create: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self.database = self.directory / DATABASE_NAME
        self.limits = limits
        #: Why the cache is not (fully) in use: unreadable, read-only, stopped by an error.
        self.problem: str | None = None
        #: Whether results are stored: false for a read-only cache or after a write failed.
        self.writable = False
        self.format_version: int | None = None
        self._contexts: dict[Limits, bytes] = {}
        self._today = int(time.time()) // _DAY_SECONDS
        self._rows: list[tuple[object, ...]] = []
        self._touched: list[tuple[int, bytes, bytes]] = []
        self._rebuilt = False
        #: True once the database was started afresh mid-run: lookups find nothing.
        self._fresh = False
        self._cwd = os.getcwd()
        self._prefix = self._cwd.rstrip("/") + "/"
        # Inspecting a cache (create=False) must not make one.
        self._db = self._open() if create or self.database.is_file() else None
        if self._db is None and self.problem is None:
            if os.path.lexists(self.database):
                # Not a regular file (a directory, a socket...): nothing can ever be stored.
                self.problem = f"{self.database} is not a file: results cannot be stored"
            elif not _can_make(self.directory):
                # What a run would meet (see _connect): it goes on without a cache.
                self.problem = f"the cache directory {self.directory} cannot be written"

    # -- opening ---------------------------------------------------------------------------

    @property
    def exists(self) -> bool:
        """True when the cache's database file exists."""
        return self.database.is_file()

    @property
    def usable(self) -> bool:
        """True when stored results are read (the cache may still be read-only)."""
        return self._db is not None

    def _open(self) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                return self._connect()
            except sqlite3.Error as exc:
                if attempt == 0 and _is_corrupt(exc) and self._remove_database():
                    continue  # rebuilt from nothing on the second attempt
                self.problem = f"the cache database cannot be used: {exc}"
                return None
        return None  # pragma: no cover - the loop always returns

    def _connect(self) -> sqlite3.Connection | None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # a read-only place: read what is there, if anything
        else:
            _mark_directory(self.directory)
        exists = self.database.is_file()
        if os.access(self.directory, os.W_OK | os.X_OK) and (
            not exists or os.access(self.database, os.W_OK)
        ):
            try:
                db = self._connect_writable()
            except sqlite3.OperationalError as exc:
                if not exists:
                    raise
                self.problem = f"the cache cannot be written: {exc}"  # then read it
            else:
                self.writable = db is not None
                return db
        if not exists:
            self.problem = f"the cache directory {self.directory} cannot be written"
            return None
        self.problem = self.problem or f"the cache in {self.directory} is read-only"
        return self._connect_readonly()

    def _connect_writable(self) -> sqlite3.Connection | None:
        db = sqlite3.connect(
            self.database, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last transactions in a power cut, never its consistency.
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < FORMAT_VERSION:
                version = self._migrate(db)
        except BaseException:
            db.close()
            raise
        self.format_version = version
        if version != FORMAT_VERSION:
            db.close()
            self.problem = f"the cache in {self.directory} has a newer format: left alone"
            return None
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> int:
        """Create the tables, replacing an older format's; returns the format now there."""
        db.execute("BEGIN IMMEDIATE")
        try:
            version: int = db.execute("PRAGMA user_version").fetchone()[0]  # under the lock
            if version < FORMAT_VERSION:
                tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                for (table,) in tables.fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                version = FORMAT_VERSION
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return version

    def _connect_readonly(self) -> sqlite3.Connection | None:
        uri = self.database.resolve().as_uri()
        for options in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(
                    f"{uri}?{options}", uri=True, isolation_level=None, check_same_thread=False
                )
                version = db.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            self.format_version = version
            if version != FORMAT_VERSION:
                db.close()
                self.problem = f"the read-only cache has another format ({version})"
                return None
            return db
        self.problem = f"the cache in {self.directory} cannot be read"
        return None

    def _remove_database(self) -> bool:
        """Delete the database files (it is corrupt); False when they could not be."""
        try:
            for path in _database_files(self.database):
                path.unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def _stop(self, exc: sqlite3.Error) -> None:
        """An SQLite error mid-run: stop reading the cache. A corrupt database is deleted
        and started afresh (once per run), to store what this run checks."""
        self.problem = f"the cache stopped after an error: {exc}"
        self._close_connection()
        if _is_corrupt(exc) and not self._rebuilt and self._remove_database():
            self._rebuilt = True
            self._db = self._open()
            self._fresh = self._db is not None  # empty: nothing to look up

    def _close_connection(self) -> None:
        db, self._db = self._db, None
        self.writable = False
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    # -- a run -----------------------------------------------------------------------------

    def _context_of(self, limits: Limits) -> bytes:
        context = self._contexts.get(limits)
        if context is None:
            context = self._contexts[limits] = context_key(limits)
        return context

    def lookup(
        self, paths: Iterable[str | os.PathLike[str]], *, limits: Limits | None = None
    ) -> Lookup:
        """Find the stored result of every path, checked under ``limits`` (default: the
        cache's); the rest are to be checked.

        Each path is stat-ed; a file whose status differs from its entry's is read and
        hashed (see the module docstring). Returns a :class:`Lookup`, whose
        :meth:`~Lookup.results` gives one result per path, in order.
        """
        limits = self.limits if limits is None else limits
        context = self._context_of(limits)
        names: list[str] = list(map(os.fspath, paths))  # type: ignore[arg-type]
        stored: list[bytes | None] = [None] * len(names)
        # This loop runs once per file on every warm run: names are bound locally.
        context_crc, today, touched = crc32(context), self._today, self._touched
        trust, stat_of, pack, shortest = _TRUST_STAT, os.stat, _STAT.pack, _DIGEST_END + _CHECK_SIZE
        for start in range(0, len(names) if self._db is not None else 0, _LOOKUP_BATCH):
            batch = names[start : start + _LOOKUP_BATCH]
            keys = self._keys(batch)
            rows = self._fetch(context, keys)
            if rows is None:
                break
            # Most lookups find one entry for each path and nothing else between them, in
            # the order of the paths (a folder's files, walked): a row per path then, with
            # no dictionary and no hashing of every path twice.
            if len(rows) != len(keys) or [row[0] for row in rows] != keys:
                row_of = {row[0]: row for row in rows}.get
                rows = [row_of(key) for key in keys]
            for offset, row in enumerate(rows):
                if row is None:
                    continue
                key, entry = row[0], row[1]
                if (
                    type(entry) is not bytes
                    or len(entry) < shortest
                    or crc32(key + entry, context_crc) != _CRC_RESIDUE
                ):
                    continue  # damaged: the file is checked, and the entry replaced
                name = batch[offset]
                try:
                    status = stat_of(name)
                except OSError:
                    continue  # the check reports why
                try:  # _status_bytes, inline: this runs for every file
                    same = trust and entry.startswith(
                        pack(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
                    )
                except struct.error:
                    same = False
                if same:
                    if row[2] != today:
                        touched.append((today, context, key))
                    stored[start + offset] = entry
                elif stat.S_ISREG(status.st_mode):
                    stored[start + offset] = self._rehashed(name, key, entry, context, limits)
        return Lookup(self, names, stored, context, limits)

    def _rehashed(
        self, name: str, key: bytes, entry: bytes, context: bytes, limits: Limits
    ) -> bytes | None:
        """``entry`` when the file's bytes are still the ones it was stored for (the status
        differs, or is too recent to trust), refreshed with the new status; else None."""
        read_at = time.time_ns()
        try:
            raw, status = read_article(name, limits.max_file_bytes)
        except OSError:
            return None
        digest = entry[_STAT_END:_DIGEST_END]
        if _digest(raw) != digest:
            return None
        stat_key = _stat_key(status, read_at)
        return self._store_key(context, key, stat_key, digest, entry[_DIGEST_END:-_CHECK_SIZE])

    def results(
        self,
        paths: Iterable[str | os.PathLike[str]],
        executor: Executor | None = None,
        *,
        chunk_size: int = BATCH_SIZE,
        in_flight: int = 8,
        limits: Limits | None = None,
    ) -> Iterator[FileResult]:
        """One result per path, in order: ``lookup(paths, limits=limits).results(...)`` (see
        :meth:`Lookup.results`). This makes the cache a
        :class:`~newsmeta.validation.ResultStore` for
        :func:`~newsmeta.validation.validate_many`."""
        lookup = self.lookup(paths, limits=limits)
        return lookup.results(executor, chunk_size=chunk_size, in_flight=in_flight)

    def _keys(self, names: list[str]) -> list[bytes]:
        """:meth:`_key` of each of ``names``."""
        prefix = self._plain_prefix(names) if _SIMPLE_PATHS and names else None
        if prefix is None:
            return [self._key(name) for name in names]
        # One encoding and one split for the whole list (no name holds a NUL: checked).
        joined = prefix + ("\0" + prefix).join(names)
        return joined.encode(_FS_ENCODING, _FS_ERRORS).split(b"\0")

    def _plain_prefix(self, names: list[str]) -> str | None:
        """What :meth:`_key` puts before each of ``names`` when none of them needs
        normalising and they are all relative (the working directory) or all absolute
        (nothing); None otherwise, and for a name holding a NUL."""
        # Whatever a name holds, the joined text holds too, so none of these is missed.
        joined = "\0".join(names)
        count = len(names)
        if "//" in joined or joined.count("\0") != count - 1:
            return None
        absolute = joined.count("\0/") + joined.startswith("/")
        if absolute == 0:
            prefix = self._prefix
        elif absolute == count:
            prefix = ""
        else:
            return None
        if "/." in joined or "\0." in joined or joined.startswith("."):
            # A dot after a "/" harms only as a "." or ".." segment. The usual case is a
            # folder with a dot in its name that every path shares (".corpus/"): the
            # paths between the least and the greatest share their common start, so
            # when that folder is plain and holds every "/." of the text, the rest of
            # every name (after the folder's final "/") holds none and starts with none.
            shared = os.path.commonprefix([min(names), max(names)])  # noqa: RUF071 - by character
            folder = shared[: shared.rfind("/") + 1]
            if (
                not folder
                or any(part in (".", "..") for part in folder.split("/"))
                or joined.count("/.") != count * folder.count("/.")
            ):
                return None
        return prefix

    def _key(self, name: str) -> bytes:
        """The entry key of a path: absolute, normalised, as the file system's bytes."""
        # os.path.abspath would ask the system for the working directory on every call.
        if _SIMPLE_PATHS:
            full = name if name.startswith("/") else self._prefix + name
            # Only a "." or ".." segment or a doubled "/" needs normalising; a folder
            # whose name starts with a dot (".content/") does not.
            if "//" in full or (
                "/." in full and ("/./" in full or "/../" in full or full.endswith(("/.", "/..")))
            ):
                full = os.path.normpath(full)
        else:
            full = os.path.normpath(os.path.join(self._cwd, name))
        return full.encode(_FS_ENCODING, _FS_ERRORS)

    def _fetch(self, context: bytes, keys: list[bytes]) -> list[Any] | None:
        """The rows ``(path, entry, used_day)`` of ``keys`` (in any order, with perhaps
        others between them); None when the cache stopped (or was started afresh) during
        the run."""
        db = self._db
        if db is None or self._fresh:
            return None
        # A run's paths come sorted, and the entries are kept in path order: the entries
        # between the least and the greatest key are read in one pass, about a third of
        # the cost of looking each key up. When that range holds many entries of other
        # files (scattered paths in a large cache), they are looked up one by one instead.
        most = _RANGE_SLACK * len(keys) + _RANGE_SLACK_FIXED
        try:
            cursor = db.execute(_SELECT_RANGE, (context, min(keys), max(keys)))
            rows = cursor.fetchmany(most + 1)
            if len(rows) > most:
                cursor.close()
                marks = ", ".join("?" * len(keys))
                rows = db.execute(f"{_SELECT_KEYS} ({marks})", (context, *keys)).fetchall()
            return rows
        except sqlite3.Error as exc:
            self._stop(exc)
            return None

    def _store(self, context: bytes, name: str, stored: _Stored) -> None:
        if stored is not None and self.writable:
            stat_key, digest, result = stored
            self._store_key(context, self._key(name), stat_key, digest, result)

    def _store_key(
        self, context: bytes, key: bytes, stat_key: bytes, digest: bytes, result: bytes
    ) -> bytes:
        """Queue the entry for ``key`` to be written; returns it."""
        body = b"".join((stat_key, digest, result))
        check = crc32(body, crc32(key, crc32(context)))
        entry = body + check.to_bytes(_CHECK_SIZE, "little")
        if self.writable:
            self._rows.append((context, key, entry, self._today))
            if len(self._rows) >= _WRITE_BATCH:
                self.flush()
        return entry

    def flush(self) -> None:
        """Write the results gathered so far (never raises; a failure stops the writing)."""
        rows, self._rows = self._rows, []
        touched, self._touched = self._touched, []
        db = self._db
        if db is None or not self.writable or not (rows or touched):
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(_INSERT, rows)
                db.executemany(_TOUCH, touched)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if _is_corrupt(exc):
                self._stop(exc)
            else:  # locked for too long, disk full, read-only after all: keep reading
                self.writable = False
                self.problem = f"results are no longer stored: {exc}"

    def _prune(self) -> None:
        """Delete entries unused for :data:`KEEP_DAYS` days, at most once a day."""
        db = self._db
        if db is None or not self.writable:
            return
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'pruned_day'").fetchone()
            if row is not None and row[0] == str(self._today):
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM entries WHERE used_day < ?", (self._today - KEEP_DAYS,))
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('pruned_day', ?)", (str(self._today),)
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if _is_corrupt(exc):
                self._stop(exc)

    def close(self) -> None:
        """Write what is pending, prune old entries once a day, and close the database."""
        self.flush()
        self._prune()
        self._close_connection()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- maintenance -----------------------------------------------------------------------

    def info(self) -> CacheInfo:
        """Counts and sizes of this cache (see :class:`CacheInfo`)."""
        from newsmeta._cacheinfo import CacheInfo

        entries = current = 0
        db = self._db
        if db is not None:
            try:
                entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
                current = db.execute(
                    "SELECT count(*) FROM entries WHERE context = ?",
                    (self._context_of(self.limits),),
                ).fetchone()[0]
            except sqlite3.Error as exc:
                self._stop(exc)
        size = 0
        for path in _database_files(self.database):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
        return CacheInfo(
            directory=self.directory,
            database=self.database,
            exists=self.database.is_file(),
            writable=self.writable,
            format_version=self.format_version,
            entries=entries,
            current=current,
            size_bytes=size,
            problem=self.problem,
        )

    def clear(self) -> int:
        """Delete every entry; returns how many there were (0 when there is no cache). A
        database that cannot be opened (damaged, or of another format) is deleted. Raises
        :class:`OSError` when the cache cannot be cleared (a read-only one)."""
        db = self._db
        if not self.database.exists():
            return 0
        if db is None or not self.writable:
            if db is None and self._remove_database():
                return 0
            raise PermissionError(
                f"the cache in {self.directory} cannot be cleared: {self.problem or 'read-only'}"
            )
        try:
            db.execute("BEGIN IMMEDIATE")
            count: int = db.execute("SELECT count(*) FROM entries").fetchone()[0]
            db.execute("DELETE FROM entries")
            db.execute("DELETE FROM meta")
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise OSError(f"the cache in {self.directory} cannot be cleared: {exc}") from None
        with contextlib.suppress(sqlite3.Error):  # another run may hold it: no matter
            db.execute("VACUUM")  # give the space back
        return count


def clear_cache(directory: str | os.PathLike[str]) -> int:
    """Delete every entry of the cache in ``directory``; returns how many there were."""
    with ResultCache(directory) as cache:
        return cache.clear()


class Lookup:
    """One run's paths, with the stored results found for them (see
    :meth:`ResultCache.lookup`)."""

    def __init__(
        self,
        cache: ResultCache,
        names: list[str],
        stored: list[bytes | None],
        context: bytes,
        limits: Limits,
    ) -> None:
        self._cache = cache
        self._names = names
        self._stored = stored
        self._context = context
        self._limits = limits
        #: How many files must be checked (no usable stored result).
        self.to_check = stored.count(None)
        #: How many results come from the cache.
        self.cached = len(names) - self.to_check

    def results(
        self,
        executor: Executor | None = None,
        *,
        chunk_size: int = BATCH_SIZE,
        in_flight: int = 8,
    ) -> Iterator[FileResult]:
        """One result per path, in order: stored ones read back, the others checked (on
        ``executor``, in batches of ``chunk_size`` with at most ``in_flight`` outstanding,
        as :func:`~newsmeta.validation.iter_results` does) and stored.

        Results are written as they come, and the rest when the iteration ends or the
        generator is closed. Raises ``ValueError`` for a ``chunk_size`` or ``in_flight``
        below 1.
        """
        stated = self.stated_results(executor, chunk_size=chunk_size, in_flight=in_flight)
        for result, urls in stated:
            if isinstance(urls, tuple):
                urls = urls[2](result.path, urls[1])
            if urls is not None:
                uses = tuple([UrlUse(*use) for use in urls])
                result = FileResult(result.path, result.problems, uses)
            yield result

    def stated_results(
        self,
        executor: Executor | None = None,
        *,
        chunk_size: int = BATCH_SIZE,
        in_flight: int = 8,
    ) -> Iterator[tuple[FileResult, StatedUrls]]:
        """:meth:`results`, each with the URLs its file states kept apart, for
        :class:`~newsmeta.validation.CorpusIndex`: ``(result, urls)``, where ``urls`` is
        None when ``result`` holds them (a file checked in this run; for
        :meth:`~newsmeta.validation.CorpusIndex.check`), else ``result`` holds none and
        ``urls`` is what was stored: a list of URLs, each a list of the values of a
        :class:`~newsmeta.validation.UrlUse` in the order of its fields (for
        :meth:`~newsmeta.validation.CorpusIndex.check_stated`), or the URLs by their
        hashes, a :data:`~newsmeta.validation.HashedUrls` tuple (for
        :meth:`~newsmeta.validation.CorpusIndex.check_hashed`), when the stored result
        holds them so (most do). The URLs are then read only when a hash was met before,
        and the results without problems are read back without reading their JSON at all.
        """
        runs = self.stated_runs(executor, chunk_size=chunk_size, in_flight=in_flight)
        for item in runs:
            if type(item) is CleanRun:
                yield from item.stated()
            else:
                yield item

    def stated_runs(
        self,
        executor: Executor | None = None,
        *,
        chunk_size: int = BATCH_SIZE,
        in_flight: int = 8,
    ) -> Iterator[tuple[FileResult, StatedUrls] | CleanRun]:
        """:meth:`stated_results`, with each run of files in a row whose stored results
        have no problems handed on as one :class:`~newsmeta.validation.CleanRun` (for
        :meth:`~newsmeta.validation.CorpusIndex.check_run`) instead of a pair per file:
        most files of a warm run, which then cost no result object each."""
        if chunk_size < 1 or in_flight < 1:
            raise ValueError("chunk_size and in_flight must be at least 1")
        cache, names, stored, context = self._cache, self._names, self._stored, self._context
        check = functools.partial(_check_for_cache, limits=self._limits)
        to_check = [name for name, entry in zip(names, stored, strict=True) if entry is None]
        checked = _in_chunks(check, to_check, executor, chunk_size, in_flight)
        decode, problems_of = _decode_apart, _decode_problems
        body_end, urls_end = -_CHECK_SIZE, -_CHECK_SIZE - 1
        layouts, head, most, unhashed = _HASHED, _DIGEST_END + 1, _MOST_HASHED, _UNHASHED
        no_problems, counted = _NO_PROBLEMS_BYTES, _DIGEST_END
        skip = len(no_problems)
        # One object for every file: what reads a file's URLs when a hash is met again.
        values = functools.partial(_url_values, limits=self._limits)
        clean_paths: list[str] = []
        clean_hashed: list[tuple[Sequence[int], bytes]] = []
        add_path, add_hashed = clean_paths.append, clean_hashed.append
        pair: tuple[FileResult, StatedUrls]
        try:
            for index, name in enumerate(names):
                entry = stored[index]
                if entry is None:
                    if clean_paths:
                        yield CleanRun(clean_paths, clean_hashed, values)
                        clean_paths, clean_hashed = [], []
                        add_path, add_hashed = clean_paths.append, clean_hashed.append
                    result, fresh = next(checked)
                    cache._store(context, name, fresh)
                    yield result, None
                    continue
                stored[index] = b""  # read once: let it go
                try:
                    count = entry[counted]
                    if count <= most:
                        layout = layouts[count]
                        start = head + layout.size
                        if entry.startswith(no_problems, start):  # most files
                            add_path(name)
                            add_hashed(
                                (layout.unpack_from(entry, head), entry[start + skip : urls_end])
                            )
                            continue
                        # Problems too: they are read, the URLs go on by their hashes.
                        result, urls_at = problems_of(name, entry[start:body_end].decode("ascii"))
                        pair = (
                            result,
                            (
                                layout.unpack_from(entry, head),
                                entry[start + urls_at : urls_end],
                                values,
                            ),
                        )
                    elif count == unhashed:
                        pair = decode(name, entry[head:body_end].decode("ascii"))
                    else:
                        raise ValueError("not a stored result")
                except (ValueError, TypeError, LookupError, StopIteration):
                    # Intact but unreadable: written by a faulty newsmeta. Check the file.
                    result, fresh = check([name])[0]
                    cache._store(context, name, fresh)
                    pair = result, None
                if clean_paths:
                    yield CleanRun(clean_paths, clean_hashed, values)
                    clean_paths, clean_hashed = [], []
                    add_path, add_hashed = clean_paths.append, clean_hashed.append
                yield pair
            if clean_paths:
                yield CleanRun(clean_paths, clean_hashed, values)
        finally:
            cache.flush()
