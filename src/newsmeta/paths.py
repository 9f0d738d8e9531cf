"""Finding article files: the rules every command and :func:`newsmeta.iter_documents` share.

An argument is a file, a directory or a glob:

- a directory is walked for names ending with one of the configured extensions
  (``.md`` and ``.markdown`` by default), in sorted order, without following directory
  symbolic links; a subdirectory that cannot be read is recorded, and the walk goes on;
- an argument holding ``*``, ``?`` or ``[`` that is not an existing path is a glob
  (``**`` recurses); a glob that matches nothing raises :class:`FileNotFoundError`;
- a named file is taken as it is, even if it does not exist (reading it reports an
  ``io-*`` problem).

Exclude patterns (:func:`excluded`) drop paths, named files included; every path is
listed once (by its normalised form), and the result is sorted. With no argument, the
configuration's ``include`` globs are used (:func:`resolve`).

A folder's articles (:func:`selected`) are what ``newsmeta validate`` checks when run in
that folder: the ``include`` globs when the configuration has them, else the folder itself,
walked. :func:`is_selected` answers the same question for one path without listing a
directory (an editor asks it for every document it opens).

:func:`walk` gives the same paths in the same order without keeping them: a run over
100,000 files then holds no list of 100,000 paths.
"""

from __future__ import annotations

import heapq
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from newsmeta.errors import NewsmetaError

if TYPE_CHECKING:
    from newsmeta.config import Config

__all__ = [
    "DEFAULT_EXTENSIONS",
    "Inputs",
    "NoInputError",
    "Walk",
    "excluded",
    "find",
    "is_selected",
    "resolve",
    "resolve_stream",
    "resolve_walk",
    "selected",
    "walk",
]

#: The file name endings a directory walk looks for when no configuration says otherwise.
DEFAULT_EXTENSIONS: tuple[str, ...] = (".md", ".markdown")  # as newsmeta.config's default

_GLOB_MAGIC = frozenset("*?[")


class NoInputError(NewsmetaError, ValueError):
    """The arguments name no article file at all (nothing to work on); the message says
    where it looked."""


def _is_glob(argument: str) -> bool:
    return not _GLOB_MAGIC.isdisjoint(argument) and not os.path.exists(argument)


def _parts(path: str, base: str) -> list[str]:
    """``path`` relative to ``base`` as components (as given when it lies outside ``base``)."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, base) if os.path.isabs(base) else path
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        relative = os.path.normpath(path)
    return [part for part in relative.replace(os.sep, "/").split("/") if part not in ("", ".")]


def excluded(path: str, patterns: Sequence[str], base: str) -> bool:
    """True when ``path`` matches one of the exclude ``patterns``.

    A pattern without ``/`` matches any single component of the path (``drafts``,
    ``*.tmp.md``), as in ``.gitignore``. A pattern with ``/`` is matched (``fnmatch``
    rules, where ``*`` also crosses ``/``) against the path relative to ``base`` and
    against each of its parent directories, so ``content/drafts`` excludes everything
    under it.
    """
    if not patterns:
        return False
    from fnmatch import fnmatchcase

    parts = _parts(path, base)
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        pattern = raw.replace(os.sep, "/").strip("/")
        pattern = pattern.removeprefix("./")
        if "/" in pattern:
            if any(fnmatchcase(prefix, pattern) for prefix in prefixes):
                return True
        elif any(fnmatchcase(part, pattern) for part in parts):
            return True
    return False


if TYPE_CHECKING:
    from newsmeta._inputs import Inputs


def _gather(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]],
    extensions: tuple[str, ...],
    *,
    missing_ok: bool = False,
) -> tuple[Inputs, bool]:
    """The inputs, and whether anything matched before exclusion (with ``missing_ok``, a
    glob that matches nothing adds nothing instead of raising)."""
    matched = False

    def found() -> None:
        nonlocal matched
        matched = True

    from newsmeta._inputs import Inputs

    unreadable: list[tuple[str, OSError]] = []
    listed = list(_walked(arguments, exclude, extensions, found, unreadable, missing_ok))
    return Inputs(listed, unreadable), matched or bool(unreadable)


def __getattr__(name: str) -> object:
    """``Inputs``, imported on first use (PEP 562): a run that walks its files needs none."""
    if name != "Inputs":
        raise AttributeError(f"module 'newsmeta.paths' has no attribute {name!r}")
    from newsmeta._inputs import Inputs

    globals()[name] = Inputs
    return Inputs


def _no_input(arguments: Sequence[str], extensions: Sequence[str]) -> NoInputError:
    """The error of arguments that matched no article file, naming what was looked for."""
    where = ", ".join(repr(argument) for argument in arguments)
    kinds = " or ".join(f"*{extension}" for extension in extensions)
    return NoInputError(f"no article files found in {where} (looked for {kinds})")


def find(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]] = (),
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS,
    *,
    require: bool = False,
) -> Inputs:
    """Expand files, directories and globs into the sorted, unique article files.

    ``exclude`` holds ``(patterns, base)`` pairs (see :func:`excluded`). Raises
    :class:`FileNotFoundError` for a glob that matches nothing; with ``require``, raises
    :class:`NoInputError` when the arguments match no file at all (arguments whose files
    are all excluded are not a mistake: the result is then empty).
    """
    inputs, matched = _gather(arguments, exclude, extensions)
    if require and not matched:
        raise _no_input(arguments, extensions)
    return inputs


def _patterns(
    arguments: Sequence[str], config: Config, exclude: Sequence[str]
) -> tuple[Sequence[str], list[tuple[Sequence[str], str]]]:
    """The arguments (the configured ``include`` when there are none) and exclude pairs of
    a run, by :func:`resolve`'s rules."""
    patterns: list[tuple[Sequence[str], str]] = [
        (tuple(exclude), os.getcwd()),
        (tuple(config.exclude), str(config.root)),
    ]
    if not arguments:
        if not config.include:
            raise NoInputError("no paths given, and no include in the configuration")
        arguments = [
            os.path.relpath(os.path.join(config.root, pattern)) for pattern in config.include
        ]
    return arguments, patterns


def resolve(
    arguments: Sequence[str],
    config: Config,
    exclude: Sequence[str] = (),
    *,
    require: bool = True,
) -> Inputs:
    """The files a run works on, by the command line's rules and ``config``.

    ``arguments``, or the configuration's ``include`` globs (relative to its file) when
    there are none; minus ``exclude`` patterns (relative to the working directory) and the
    configured ones (relative to the configuration file); directories walked for the
    configured extensions. Raises :class:`FileNotFoundError` for a glob that matches
    nothing and :class:`NoInputError` when nothing is found (``require``) or when there
    are neither arguments nor an ``include``.
    """
    arguments, patterns = _patterns(arguments, config, exclude)
    return find(arguments, patterns, config.extensions, require=require)


def selected(folder: str | os.PathLike[str], config: Config) -> Inputs:
    """The files ``newsmeta validate`` checks when run in ``folder`` with ``config``.

    With an ``include`` in the configuration, the files its globs select (a glob that
    matches nothing adds nothing); without one, ``folder`` walked for the configured
    extensions. The configured ``exclude`` patterns apply either way. An editor's index of
    a workspace folder is this list.
    """
    patterns = [(tuple(config.exclude), str(config.root))]
    if config.include:
        arguments = [os.path.join(config.root, pattern) for pattern in config.include]
    else:
        arguments = [os.fspath(folder)]
    inputs, _ = _gather(arguments, patterns, config.extensions, missing_ok=True)
    return inputs


def is_selected(
    path: str | os.PathLike[str],
    config: Config,
    folder: str | os.PathLike[str] | None = None,
) -> bool:
    """Whether :func:`selected` (``folder``, default the configuration's own folder) lists
    ``path``, decided from the path and the configuration: no directory is listed, and
    the file need not exist yet.

    The rules are those of the walk and of :func:`glob.glob`: a wildcard or ``**`` never
    matches a name starting with ``.`` (a pattern segment starting with ``.`` does), a
    file a glob matches is taken whatever its extension, a directory a glob matches (or
    the folder, without an ``include``) is walked for the configured extensions without
    following directory symbolic links, and the ``exclude`` patterns drop the rest.
    """
    root = os.path.abspath(config.root)
    absolute = os.path.abspath(path)
    if excluded(absolute, config.exclude, root):
        return False
    if not config.include:
        base = os.path.abspath(folder) if folder is not None else root
        return _walk_finds(base, absolute, config.extensions)
    for pattern in config.include:
        target = os.path.normpath(os.path.join(root, pattern))
        if _is_glob(target):
            if _glob_selects(target, pattern.endswith(("/", os.sep)), absolute, config):
                return True
        elif os.path.isdir(target) and not os.path.islink(target):
            if _walk_finds(target, absolute, config.extensions):
                return True
        elif absolute == target:
            return True
    return False


def _walk_finds(directory: str, path: str, extensions: tuple[str, ...]) -> bool:
    """Whether walking ``directory`` (see :func:`_sorted_walk`) yields ``path``: it lies below,
    its name has one of ``extensions``, and no folder between is a symbolic link."""
    relative = os.path.relpath(path, directory)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return False
    if not path.endswith(extensions):
        return False
    folders = relative.split(os.sep)[:-1]
    return not any(
        os.path.islink(os.path.join(directory, *folders[: depth + 1]))
        for depth in range(len(folders))
    )


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _glob_selects(pattern: str, folders_only: bool, path: str, config: Config) -> bool:
    """Whether expanding the glob ``pattern`` (absolute, normalised) as :func:`find`
    does selects ``path``: the glob matches it, or matches a folder above it that the walk
    then finds it in."""
    from fnmatch import fnmatchcase

    segments = pattern.split(os.sep)
    names = path.split(os.sep)
    # Which numbers of leading names of `path` the segments so far can match.
    reach = {0}
    for segment in segments:
        after: set[int] = set()
        for done in sorted(reach):
            if segment == "**":
                after.add(done)
                for end in range(done, len(names)):
                    if _hidden(names[end]):
                        break
                    after.add(end + 1)
            elif done < len(names):
                name = names[done]
                if not _GLOB_MAGIC.isdisjoint(segment):
                    if (not _hidden(name) or _hidden(segment)) and fnmatchcase(name, segment):
                        after.add(done + 1)
                elif name == segment:
                    after.add(done + 1)
        reach = after
        if not reach:
            return False
    if len(names) in reach and not folders_only:
        return True
    return any(
        _walk_finds(os.sep.join(names[:done]) or os.sep, path, config.extensions)
        and not os.path.islink(os.sep.join(names[:done]))
        for done in reach
        if 0 < done < len(names)
    )


def resolve_walk(
    arguments: Sequence[str],
    config: Config,
    exclude: Sequence[str] = (),
    *,
    require: bool = True,
) -> Walk:
    """:func:`resolve`, with the paths walked when iterated instead of listed (see
    :func:`walk`)."""
    arguments, patterns = _patterns(arguments, config, exclude)
    return walk(arguments, patterns, config.extensions, require=require)


def resolve_stream(
    arguments: Sequence[str],
    config: Config,
    unreadable: list[tuple[str, OSError]],
    exclude: Sequence[str] = (),
    *,
    require: bool = True,
) -> Iterator[str]:
    """:func:`resolve`'s paths, in its order, yielded while the walk goes on: a caller can
    start working on the first files before the last directory is read.

    Each directory that cannot be read is appended to ``unreadable`` (with why) as the walk
    meets it. Globs are expanded at the first ``next()``, which raises
    :class:`FileNotFoundError` for a glob that matches nothing; with ``require``, the
    iteration ends by raising :class:`NoInputError` when the arguments matched nothing.
    """
    arguments, patterns = _patterns(arguments, config, exclude)
    matched = False

    def found() -> None:
        nonlocal matched
        matched = True

    known = len(unreadable)
    yield from _walked(arguments, patterns, config.extensions, found, unreadable)
    if require and not matched and len(unreadable) == known:
        raise _no_input(arguments, config.extensions)


# --- walking without a list ----------------------------------------------------------------


#: Raw deflate for the runs: no header and no Adler-32 checksum (about a fifth of the cost
#: of compressing a run), which data that never leaves the process does not need.
_RAW = -15
#: The walk keeps the paths it found zlib-compressed in runs of this many, until read: a
#: tree of 100,000 articles then costs a few bytes per path, not a hundred or more.
_RUN = 4096
#: ... past its first runs, kept as lists of paths (about 3 MB for 16,384 paths): these
#: bound what is not compressed, and compressing and inflating them took about 3% of a warm
#: cached run over 10,000 files, which has little else to do.
_KEPT_RUNS = 4
#: A directory's names are sorted in runs of this many, kept zlib-compressed until
#: merged: a flat folder of 100,000 articles then costs a few bytes per name, not a few
#: hundred (a string, a path and a tuple each). A folder of fewer names is sorted as one
#: list (a couple of megabytes at most, for a moment), which is several times cheaper
#: than compressing, inflating and merging its runs.
_NAME_RUN = 16_384


def _pack_paths(paths: list[str]) -> bytes:
    """``paths``, in their order, as :func:`_unpack` reads them back."""
    return zlib.compress(
        b"".join(path.encode("utf-8", "surrogatepass") + b"\0" for path in paths), 1, _RAW
    )


def _pack(names: list[str]) -> bytes:
    names.sort()
    return _pack_paths(names)


#: How much of a compressed run is inflated at a time. Merging holds one piece of every
#: run at once: inflating by input (about 5 KiB of names from 1 KiB of a run), rather
#: than by output, also keeps no copy of a run's unread rest (``unconsumed_tail``).
_PIECE = 1024


def _unpack(run: bytes) -> Iterator[str]:
    """The names :func:`_pack` kept, in order, inflated a piece at a time."""
    inflate = zlib.decompressobj(_RAW)
    view = memoryview(run)
    rest = b""
    for start in range(0, len(run) + _PIECE, _PIECE):
        # Past the run's end, what zlib may still hold (nothing, for a whole stream).
        piece = (
            inflate.decompress(view[start : start + _PIECE])
            if start < len(run)
            else inflate.flush()
        )
        *names, rest = (rest + piece).split(b"\0")
        for name in names:
            yield name.decode("utf-8", "surrogatepass")


def _sorted_names(
    directory: str, skip: Callable[[str], bool], extensions: tuple[str, ...]
) -> tuple[Iterable[str], bool]:
    """The names of ``directory``'s files with one of ``extensions`` and of its
    subdirectories (with a ``/`` after them; not symbolic links, not ``skip``-ped), in the
    order of their whole paths, and whether there is a subdirectory among them. Raises
    :class:`OSError` when it cannot be read."""
    runs: list[bytes] = []
    names: list[str] = []
    add = names.append
    folders = False
    with os.scandir(directory) as entries:
        for entry in entries:  # runs once per file of the folder: names are bound locally
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if skip(entry.path):
                    continue
                add(name + "/")
                folders = True
            elif name.endswith(extensions):
                add(name)
            else:
                continue
            if len(names) == _NAME_RUN:
                runs.append(_pack(names))
                names = []
                add = names.append
    if not runs:
        names.sort()
        return names, folders
    if names:
        runs.append(_pack(names))
    return heapq.merge(*(_unpack(run) for run in runs)), folders


def _sorted_walk(
    directory: str,
    skip: Callable[[str], bool],
    extensions: tuple[str, ...],
    found: Callable[[], None],
    unreadable: list[tuple[str, OSError]] | None,
) -> Iterator[str]:
    """Every file under ``directory`` whose name ends with one of ``extensions``, in the
    order of their whole paths; directory symbolic links are never followed, and a
    subdirectory ``skip`` accepts is not entered. A subdirectory sorts as its name with a
    ``/`` after it, which is where its files fall among the directory's own. ``found`` is
    called before exclusion, at least once when a file is found; unreadable directories
    go to ``unreadable`` (when given)."""
    for paths in _sorted_walk_lists(directory, skip, True, extensions, found, unreadable):
        yield from paths


def _handed_on(
    files: list[str], skip: Callable[[str], bool], skips_files: bool, found: Callable[[], None]
) -> list[str]:
    """What :func:`_sorted_walk_lists` hands on of a list of ``files`` found together:
    ``found`` is told, and the files ``skip`` accepts are left out when ``skips_files``."""
    found()
    return [path for path in files if not skip(path)] if skips_files else files


def _sorted_walk_lists(
    directory: str,
    skip: Callable[[str], bool],
    skips_files: bool,
    extensions: tuple[str, ...],
    found: Callable[[], None],
    unreadable: list[tuple[str, OSError]] | None,
) -> Iterator[list[str]]:
    """:func:`_sorted_walk`'s paths, as lists of those that follow each other in one
    directory (never an empty list); ``skip`` is asked about files only when
    ``skips_files`` (else it accepts none of them). A walk over many files hands them on
    by the list, not one at a time."""
    try:
        names, folders = _sorted_names(directory, skip, extensions)
    except OSError as exc:
        if unreadable is not None:
            unreadable.append((directory, exc))
        return
    prefix = os.path.join(directory, "")  # what os.path.join puts before each name
    if not folders and type(names) is list:  # most folders: files only, few enough to list
        for at in range(0, len(names), _RUN):
            listed = [prefix + name for name in names[at : at + _RUN]]
            kept = _handed_on(listed, skip, skips_files, found)
            if kept:
                yield kept
        return
    files: list[str] = []
    add = files.append
    for name in names:
        if name[-1] == "/":
            if files:
                kept = _handed_on(files, skip, skips_files, found)
                if kept:
                    yield kept
                files = []
                add = files.append
            yield from _sorted_walk_lists(
                prefix + name[:-1], skip, skips_files, extensions, found, unreadable
            )
        else:
            add(prefix + name)
            if len(files) == _RUN:  # a folder of very many files: memory stays flat
                kept = _handed_on(files, skip, skips_files, found)
                if kept:
                    yield kept
                files = []
                add = files.append
    if files:
        kept = _handed_on(files, skip, skips_files, found)
        if kept:
            yield kept


def _walked(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]],
    extensions: tuple[str, ...],
    found: Callable[[], None],
    unreadable: list[tuple[str, OSError]] | None,
    missing_ok: bool = False,
) -> Iterator[str]:
    """:func:`find`'s paths, in its order (by normalised path, each once, the first
    argument's spelling kept), walked as they are needed. A glob that matches nothing
    raises :class:`FileNotFoundError`, unless ``missing_ok``. ``found`` is called before
    exclusion, at least once when a file is found."""
    for paths in _walked_lists(arguments, exclude, extensions, found, unreadable, missing_ok):
        yield from paths


def _walked_lists(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]],
    extensions: tuple[str, ...],
    found: Callable[[], None],
    unreadable: list[tuple[str, OSError]] | None,
    missing_ok: bool = False,
) -> Iterator[list[str]]:
    """:func:`_walked`'s paths, in lists (never an empty one): a folder's files come as
    one list between its subfolders, so that a walk over many files costs no call per
    file."""
    active = [(patterns, base) for patterns, base in exclude if patterns]

    def skip(path: str) -> bool:
        return any(excluded(path, patterns, base) for patterns, base in active)

    def one(path: str) -> Iterator[str]:
        if os.path.isdir(path) and not os.path.islink(path):
            yield from _sorted_walk(path, skip, extensions, found, unreadable)
        else:
            found()
            if not skip(path):
                yield path

    starts: list[str] = []
    for argument in arguments:
        if _is_glob(argument):
            import glob

            matches = glob.glob(argument, recursive=True)
            if not matches and not missing_ok:
                raise FileNotFoundError(f"no file matches {argument!r}")
            starts.extend(sorted(matches))
        else:
            starts.append(argument)
    if len(starts) == 1:
        # One stream (the usual single folder) is sorted already and holds each path once:
        # a folder's names are unique, so its joined paths are too.
        start = starts[0]
        if os.path.isdir(start) and not os.path.islink(start):
            # With no pattern (the usual case) no file is asked about.
            yield from _sorted_walk_lists(start, skip, bool(active), extensions, found, unreadable)
        else:
            yield from ([path] for path in one(start))
        return
    # Every stream is sorted by normalised path; merged, equal paths meet, and the first
    # argument's stays (equal paths come in the streams' order).
    previous = None
    for key, path in _merged(starts, one):
        if key != previous:
            previous = key
            yield [path]


#: A heap entry of :func:`_merged`: the normalised path (or, for a stream not opened yet,
#: a bound below all of its paths), the stream's place among the arguments, the path (or
#: the argument), and the stream (``None``: not opened yet).
_Entry = tuple[str, int, str, Iterator[str] | None]


def _merged(starts: list[str], one: Callable[[str], Iterator[str]]) -> Iterator[tuple[str, str]]:
    """The paths of ``one(start)`` for every start, each stream sorted by normalised path,
    merged into that order (equal paths in the order of ``starts``), each with its
    normalised form, as ``heapq.merge`` gives them; but a stream is opened (a file
    argument stat-ed, a directory read) only when the merge reaches its start, so that the
    first of many file arguments comes at once, not after every one has been looked at.

    A start's normalised form is below every normalised path its stream gives (a
    directory's files are it, a ``/``, then more), but for ``.``, whose files normalise to
    bare names: the empty string is the bound then.
    """
    heap: list[_Entry] = []
    for index, start in enumerate(starts):
        bound = os.path.normpath(start)
        heap.append(("" if bound == "." else bound, index, start, None))
    heapq.heapify(heap)
    while heap:
        key, index, path, stream = heap[0]
        if stream is None:
            stream = one(path)
        else:
            yield key, path
        following = next(stream, None)
        if following is None:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (os.path.normpath(following), index, following, stream))


class Walk:
    """The files of :func:`find` as :func:`walk` gives them: ``count`` (how many) and
    ``unreadable`` (the directories that could not be read, with why) come from the one
    walk, which keeps the paths zlib-compressed in runs of :data:`_RUN` (a few bytes per
    path, not the hundred or more of a string) past the first :data:`_KEPT_RUNS` runs;
    each iteration inflates them a run at a time and yields them in :func:`find`'s order,
    as the walk found them."""

    def __init__(
        self,
        arguments: Sequence[str],
        runs: list[bytes | list[str]],
        count: int,
        unreadable: list[tuple[str, OSError]],
    ) -> None:
        self.count = count
        self.unreadable = unreadable
        self._arguments = tuple(arguments)
        self._runs = runs

    def __iter__(self) -> Iterator[str]:
        for run in self._runs:
            yield from run if isinstance(run, list) else _unpack(run)

    def lists(self) -> Iterator[list[str]]:
        """The paths of an iteration, as lists of up to a few thousand (none empty), in
        the same order: for a caller that takes them by the batch."""
        for run in self._runs:
            yield run[:] if isinstance(run, list) else list(_unpack(run))

    def __repr__(self) -> str:
        return f"Walk({list(self._arguments)!r}, count={self.count})"


def walk(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]] = (),
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS,
    *,
    require: bool = False,
) -> Walk:
    """:func:`find`, with the paths kept compressed until iterated instead of listed:
    memory grows by a few bytes per path, not by a string each (a glob's matches excepted).
    Raises as :func:`find` does, at once. The tree is walked once, here: iterating gives
    the paths found then."""
    matched = False
    unreadable: list[tuple[str, OSError]] = []

    def found() -> None:
        nonlocal matched
        matched = True

    runs: list[bytes | list[str]] = []
    pending: list[str] = []
    count = 0
    for paths in _walked_lists(arguments, exclude, extensions, found, unreadable):
        pending += paths
        if len(pending) >= _RUN:
            whole = len(pending) - len(pending) % _RUN
            for at in range(0, whole, _RUN):
                run = pending[at : at + _RUN]
                runs.append(run if len(runs) < _KEPT_RUNS else _pack_paths(run))
            count += whole
            pending = pending[whole:]
    if pending:
        runs.append(pending if len(runs) < _KEPT_RUNS else _pack_paths(pending))
        count += len(pending)
    if require and not (matched or unreadable):
        raise _no_input(arguments, extensions)
    return Walk(arguments, runs, count, unreadable)
