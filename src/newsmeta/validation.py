"""Validating files: one path -> a :class:`FileResult`; many paths -> many results.

A file that cannot be read, decoded or parsed is a result with problems, never an
exception, so one bad file never stops a run.
"""

from __future__ import annotations

import collections
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias, final

import attrs

from newsmeta._limits import DEFAULT_LIMITS, Limits
from newsmeta.problems import Problem, Severity, matches_code

# The checking machinery (newsmeta._check and the parsers behind it) is imported by the
# functions that check: a run whose results all come from the cache never loads it.
if TYPE_CHECKING:  # concurrent.futures costs ~20 ms to import; only callers need it
    from concurrent.futures import Executor, Future

    from newsmeta._check import Analysis
    from newsmeta._quick import QuickView
    from newsmeta._yamltree import Finding, JSONValue
    from newsmeta.config import Config
    from newsmeta.document import Document
    from newsmeta.model import Model

_MINUTE: Final = timedelta(minutes=1)

__all__ = [
    "BATCH_SIZE",
    "CleanPaths",
    "CleanRun",
    "CorpusIndex",
    "FileResult",
    "Policy",
    "Reported",
    "ResultStore",
    "UrlUse",
    "check",
    "check_bytes",
    "check_path",
    "check_text",
    "document_result",
    "iter_results",
    "matches_code",
    "unreadable_directory_result",
    "validate_many",
]


@attrs.frozen
class UrlUse:
    """Where a file states its own ``webUrl`` or ``originalUrl`` (for the corpus pass)."""

    key: str
    url: str
    line: int
    column: int
    end_line: int
    end_column: int


@attrs.frozen
class FileResult:
    """The problems found in one file. ``path`` is the path as given.

    ``urls`` lists where the file states its own URLs, for :class:`CorpusIndex`; it is not
    part of the JSON output.
    """

    path: str
    problems: tuple[Problem, ...]
    urls: tuple[UrlUse, ...] = ()

    @property
    def errors(self) -> int:
        """How many error-level problems the file has."""
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many warnings the file has."""
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when the file has no error-level problem."""
        return self.errors == 0

    def to_dict(self) -> dict[str, object]:
        """The stable JSON shape of one file's result."""
        return {
            "path": self.path,
            "ok": self.ok,
            "problems": [p.to_dict() for p in self.problems],
        }


def _io_problem(exc: OSError) -> Problem:
    from newsmeta._files import io_problem_code

    reason = exc.strerror or type(exc).__name__
    return Problem(
        code=io_problem_code(exc),
        severity=Severity.ERROR,
        message=f"The file could not be read: {reason}.",
        pointer="",
        line=1,
        column=1,
        end_line=1,
        end_column=1,
    )


def check(value: Model | Mapping[str, object]) -> tuple[Problem, ...]:
    """Every schema and data-quality problem of an article built in memory.

    ``value`` is an :class:`~newsmeta.model.Article` (or any model part, checked as a whole
    article would not be: pass the article) or a plain ``dict`` shaped like the front matter
    (timestamps as RFC 3339 text or aware ``datetime``; tuples count as lists). Nothing is
    written or read: there is no text, so each problem is located by its JSON Pointer alone
    and its ``line``/``column`` fields are 0. The verdict is the one ``newsmeta validate``
    gives for the same front matter, without the rules that need the file (its name, its
    line endings, its YAML). Never raises for bad data; raises :class:`TypeError` for a value
    that has no JSON form (a ``set``, an arbitrary object).
    """
    from newsmeta._check import check_data

    return tuple(check_data(_json_view(value)))


def _json_view(value: object) -> JSONValue:
    """``value`` as the JSON view the schema checks (what reading a file would give)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is None or offset % _MINUTE:
            return value.isoformat()  # no zone, or seconds in it: the schema reports it
        from newsmeta.convert import format_datetime

        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if attrs.has(type(value)):
        from newsmeta.convert import unstructure

        return _json_view(unstructure(value))  # type: ignore[arg-type]
    if isinstance(value, Mapping):
        return {str(key): _json_view(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_view(item) for item in value]
    raise TypeError(f"a {type(value).__name__} has no JSON form and cannot be checked")


def check_text(text: str, path: str = "<stdin>") -> FileResult:
    """Validate an article given as text."""
    from newsmeta._check import analyse

    analysis = analyse(text, path=path)
    return FileResult(path, tuple(analysis.problems), _url_uses(analysis))


@functools.cache
def _checking() -> tuple[
    Callable[[str, int], bytes],
    Callable[[bytes, Limits], tuple[str, list[Finding]]],
    Callable[..., tuple[Analysis, QuickView | None]],
]:
    """What checking a file calls, imported on first use (and only then: a run whose
    results all come from the cache never loads it), once: an import statement in the
    function would cost microseconds for every file."""
    from newsmeta._check import analyse_quickly, decode
    from newsmeta._files import read_article_bytes

    return read_article_bytes, decode, analyse_quickly


def check_path(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Validate the article file at ``path``. Never raises: I/O failures are problems.

    Only regular files are read (a FIFO is reported, never waited on), and no more than
    one byte past ``limits.max_file_bytes``.
    """
    name = os.fspath(path)
    try:
        raw = _checking()[0](name, limits.max_file_bytes)
    except OSError as exc:
        return FileResult(name, (_io_problem(exc),))
    return check_bytes(raw, name, limits)


def check_bytes(raw: bytes, path: str = "<stdin>", limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Validate an article given as a file's bytes (decoded as UTF-8 here); never raises."""
    _, decode, analyse_quickly = _checking()
    text, findings = decode(raw, limits)
    # Most files pass the YAML layers, and then need no second parse (see analyse_quickly).
    analysis, view = analyse_quickly(text, prior=findings, path=path, limits=limits)
    urls = _quick_url_uses(view, text) if view is not None else _url_uses(analysis)
    return FileResult(path, tuple(analysis.problems), urls)


def document_result(document: Document, path: str | None = None) -> FileResult:
    """The result of a loaded document, as :func:`check_path` gives it for its file.

    ``path`` (default: the document's own) is the path reported. The result carries the
    places where the document states its own URLs, so a :class:`CorpusIndex` can check
    it with the others.
    """
    name = path if path is not None else str(document.path) if document.path else "<text>"
    return FileResult(name, document.problems, _url_uses(document._analysis))


_OWN_URL_KEYS = ("webUrl", "originalUrl")


def _url_uses(analysis: Analysis) -> tuple[UrlUse, ...]:
    data = analysis.data
    if not isinstance(data, dict) or not any(data.get(key) for key in _OWN_URL_KEYS):
        return ()
    limits, split = analysis.tree_limits, analysis.split
    if limits is not None and split is not None:
        # A document loaded on the quick path holds no tree: locating two values through
        # a quick view of its text again costs a fraction of composing (and keeping) one.
        from newsmeta._quick import quick_view

        view = quick_view(split.yaml, split.yaml_start, limits)
        if view is not None:
            return _quick_url_uses(view, analysis.text)

    from newsmeta._yamltree import find_node

    def span_of(key: str) -> tuple[int, int] | None:
        _, node = find_node(analysis.root, [key])
        return None if node is None else (node.start, node.end)

    return _own_url_uses(analysis.data, analysis.text, span_of)


def _quick_url_uses(view: QuickView, text: str) -> tuple[UrlUse, ...]:
    return _own_url_uses(view.data, text, lambda key: view.span([key]))


def _own_url_uses(
    data: object, text: str, span_of: Callable[[str], tuple[int, int] | None]
) -> tuple[UrlUse, ...]:
    """Where the front matter ``data`` states its own URLs; ``span_of`` locates a key's value."""
    if not isinstance(data, dict):
        return ()
    uses = []
    for key in _OWN_URL_KEYS:
        url = data.get(key)
        span = span_of(key) if isinstance(url, str) and url else None
        if isinstance(url, str) and span is not None:
            uses.append(_url_use(key, url, text, *span))
    return tuple(uses)


def _url_use(key: str, url: str, text: str, start: int, end: int) -> UrlUse:
    # Two positions per file: counting is cheaper here than a full line index.
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    end_line = line + text.count("\n", start, end)
    end_column = end - text.rfind("\n", 0, end)
    return UrlUse(key, url, line, column, end_line, end_column)


#: A stored file's URLs by their hashes, for :meth:`CorpusIndex.check_hashed`: ``(stated,
#: source, values)``. ``stated`` holds each distinct URL's
#: :func:`~newsmeta._firsts.url_hash` followed by the line that first states it; ``source``
#: is the JSON array of the file's URLs, each the values of a :class:`UrlUse` in the order
#: of its fields; ``values(path, source)`` reads that array (from the file itself, should
#: ``source`` not be readable). The JSON is read only when a hash was met before.
HashedUrls: TypeAlias = "tuple[Sequence[int], bytes, Callable[[str, bytes], list[list[Any]]]]"
#: The URLs that go with a result when the result holds none (see
#: :meth:`newsmeta.cache.Lookup.stated_results`): None (the result holds them), the values
#: of each :class:`UrlUse`, or :data:`HashedUrls`.
StatedUrls: TypeAlias = "list[list[Any]] | HashedUrls | None"
#: A run of files without problems, by path, in order. A stream of results may hold one
#: in place of a :class:`FileResult` for each of these files (a warm cached run hands most
#: of its files on this way); every reporter takes both, and renders a run exactly as it
#: renders those results.
CleanPaths: TypeAlias = "list[str]"
#: What a stream of results holds: results, and runs of files without problems.
Reported: TypeAlias = "FileResult | CleanPaths"


@final  # no subclasses: `type(item) is CleanRun` then tells every other item apart
class CleanRun:
    """Files in a row whose stored results have no problems (see
    :meth:`newsmeta.cache.Lookup.stated_runs`): their ``paths``, and for each the first two
    of its :data:`HashedUrls` (``hashed[i]`` is ``(stated, source)`` of ``paths[i]``), with
    the one reader of such URLs that all of them share (``values``). For
    :meth:`CorpusIndex.check_run`."""

    __slots__ = ("hashed", "paths", "values")

    def __init__(
        self,
        paths: list[str],
        hashed: list[tuple[Sequence[int], bytes]],
        values: Callable[[str, bytes], list[list[Any]]],
    ) -> None:
        self.paths = paths
        self.hashed = hashed
        self.values = values

    def __len__(self) -> int:
        return len(self.paths)

    def stated(self) -> Iterator[tuple[FileResult, HashedUrls]]:
        """One ``(result, urls)`` per file, as :meth:`CorpusIndex.check_hashed` takes them."""
        values = self.values
        for path, (stated, source) in zip(self.paths, self.hashed, strict=True):
            yield FileResult(path, ()), (stated, source, values)


class CorpusIndex:
    """The corpus-level pass: the same ``webUrl``/``originalUrl`` in two articles.

    Feed results in order to :meth:`check`; each URL is remembered with the first file
    that states it, and every later file stating it gets a ``corpus-duplicate-url``
    warning naming that first file. Memory grows with the number of distinct URLs, by a
    few tens of bytes each (a hash, and the first statement compressed), not with the
    problems or texts.
    """

    def __init__(self, expected: int = 0) -> None:
        """``expected``: about how many distinct URLs to make room for at once, such as the
        number of files of the run (a hint: the index grows as needed either way)."""
        from newsmeta._firsts import FirstStatements

        self._first = FirstStatements(expected)

    def check(self, result: FileResult) -> FileResult:
        """``result`` with a problem added for each URL an earlier file already stated."""
        urls = [
            (use.key, use.url, use.line, use.column, use.end_line, use.end_column)
            for use in result.urls
        ]
        return self.check_stated(result, urls)

    def check_apart(self, result: FileResult, urls: StatedUrls) -> FileResult:
        """The pass for a result and its URLs as
        :meth:`~newsmeta.cache.Lookup.stated_results` yields them: :meth:`check` when
        ``urls`` is None (``result`` holds them), :meth:`check_hashed` for URLs by their
        hashes, else :meth:`check_stated`."""
        if urls is None:
            return self.check(result)
        if isinstance(urls, tuple):  # stored by their hashes: most files of a warm run
            return self.check_hashed(result, urls)
        return self.check_stated(result, urls)

    def check_hashed(self, result: FileResult, hashed: HashedUrls) -> FileResult:
        """:meth:`check_stated` with the URLs by their hashes (:data:`HashedUrls`): while
        none of those hashes was met before (most files), the URLs are not read at all."""
        stated, source, values = hashed
        if self._first.add_new(stated, result.path, source):
            return result
        return self.check_stated(result, values(result.path, source))

    def check_run(self, run: CleanRun) -> Iterator[Reported]:
        """:meth:`check_hashed` of each file of ``run``, in order, without a result for
        each: the files that stay without problems come as runs of their paths
        (:data:`CleanPaths`), and a file that states a URL an earlier one did as its
        result (then with a ``corpus-duplicate-url`` problem, or none after all when only
        a hash was met before)."""
        paths, hashed, values = run.paths, run.hashed, run.values
        add_run, end, start = self._first.add_run, len(paths), 0
        while start < end:
            stop = add_run(hashed, paths, start)  # the first file it could not add
            if stop > start:
                yield paths if start == 0 and stop == end else paths[start:stop]
            if stop < end:
                path = paths[stop]
                yield self.check_stated(FileResult(path, ()), values(path, hashed[stop][1]))
            start = stop + 1

    def check_stated(self, result: FileResult, urls: Iterable[Sequence[Any]]) -> FileResult:
        """:meth:`check` with the URLs that ``result``'s file states given apart (those of
        ``result`` itself are not looked at), each as the values of a :class:`UrlUse` in
        the order of its fields: ``(key, url, line, column, end_line, end_column)``. What a
        stored result keeps is checked without making a :class:`UrlUse` of each URL."""
        extra: list[Problem] = []
        seen_here: set[str] = set()
        path, first_of = result.path, self._first.setdefault
        for key, url, line, column, end_line, end_column in urls:
            if url in seen_here:
                continue  # webUrl and originalUrl of one article are usually equal
            seen_here.add(url)
            first = first_of(url, path, line)
            if first[0] == path:
                continue
            from newsmeta._catalogue import CODES  # a duplicate is rare: loaded for the first

            extra.append(
                Problem(
                    code="corpus-duplicate-url",
                    severity=CODES["corpus-duplicate-url"].severity,
                    message=f"This {key} is also stated by {first[0]} at line {first[1]}.",
                    pointer="/" + key,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
        if not extra:
            return result
        problems = tuple(sorted((*result.problems, *extra), key=lambda p: p.sort_key))
        return attrs.evolve(result, problems=problems)


def _check_chunk(paths: list[str], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The results of ``paths``, checked here, in the task, packed as one ``bytes`` object
    (:func:`_packed`; :func:`_unpacked` reads it back with the paths).

    Any executor moves one ``bytes`` object cheaply. A list it would serialise by its own
    rules: Dask pickles each result apart, with a header of its own, on the worker's
    event-loop thread (which then takes the interpreter lock from the next batch's
    checking), and unpickles them one by one in the client: about three times the work
    of one pickle of the whole batch.
    """
    return _packed([check_path(p, limits) for p in paths])


#: The fields of a :class:`Problem`, in the order of its ``__init__``: a packed or cached
#: problem holds their values in this order (the severity as its text). Taken from the
#: class itself, so a field added later is kept too.
_PROBLEM_FIELDS: Final = tuple(field.name for field in attrs.fields(Problem))
_SEVERITY_AT: Final = _PROBLEM_FIELDS.index("severity")


def _problem_row(problem: Problem) -> list[Any]:
    """``problem``'s values in :data:`_PROBLEM_FIELDS` order, its severity as its text:
    plain values that ``marshal`` and JSON both hold (a batch's results, the cache)."""
    values = [getattr(problem, name) for name in _PROBLEM_FIELDS]
    values[_SEVERITY_AT] = problem.severity.value
    return values


#: Each severity by its text: a dictionary look-up, where ``Severity(text)`` costs about
#: twenty times as much (a warm cached run reads back every stored problem).
_SEVERITY_OF: Final = {severity.value: severity for severity in Severity}


def _problem_of_row(values: list[Any]) -> Problem:
    """The problem :func:`_problem_row` gave ``values`` for (``values`` is reused);
    ``ValueError`` for a severity that is not one, as ``Severity(text)`` raises."""
    severity = _SEVERITY_OF.get(values[_SEVERITY_AT])
    if severity is None:
        raise ValueError(f"{values[_SEVERITY_AT]!r} is not a severity")
    values[_SEVERITY_AT] = severity
    return Problem(*values)


def _packed(results: Sequence[FileResult]) -> bytes:
    """``results`` without their paths (the caller has them), as the ``marshal`` of a list
    with one ``(problems, urls)`` pair of tuples of plain values per result.

    Most files have no problem: their pair is then an empty tuple and their URLs, where a
    URL equal to the one before it in the same file (``originalUrl`` is usually
    ``webUrl``) is ``None``. A batch of real articles packs to less than half the size of its
    results' pickle, and ``marshal`` writes it several times faster than ``pickle``
    does (a pickle goes through each class's own state methods); reading it back costs
    less too. ``marshal`` version 4 reads the same on every Python this package supports.
    """
    import marshal

    packed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    for result in results:
        problems: tuple[Any, ...] = ()
        if result.problems:
            problems = tuple([tuple(_problem_row(problem)) for problem in result.problems])
        urls: tuple[Any, ...] = ()
        if result.urls:
            uses: list[tuple[str, str | None, int, int, int, int]] = []
            last = None
            for use in result.urls:
                url = use.url
                uses.append(
                    (
                        use.key,
                        None if url == last else url,
                        use.line,
                        use.column,
                        use.end_line,
                        use.end_column,
                    )
                )
                last = url
            urls = tuple(uses)
        packed.append((problems, urls))
    return marshal.dumps(packed, 4)


def _unpacked(paths: Sequence[str], packed: bytes) -> list[FileResult]:
    """The results :func:`_packed` packed, for ``paths`` in the same order."""
    import marshal

    results: list[FileResult] = []
    for path, (problems, urls) in zip(paths, marshal.loads(packed), strict=True):
        if problems:
            problems = tuple([_problem_of_row(list(row)) for row in problems])
        if urls:
            uses = []
            last = None
            for key, url, line, column, end_line, end_column in urls:
                if url is None:
                    url = last
                uses.append(UrlUse(key, url, line, column, end_line, end_column))
                last = url
            urls = tuple(uses)
        results.append(FileResult(path, problems, urls))
    return results


#: How many files :func:`validate_many` and :func:`iter_results` send to an executor in one
#: task, unless told otherwise (the last batches of a run are smaller: see
#: :func:`iter_results`). An executor's cost per task is then paid once per batch of about
#: half a second of checking: a Dask task costs several milliseconds of processor time
#: between the client, the scheduler and the worker. Smaller batches spread a short run
#: over more workers.
BATCH_SIZE: Final = 1024


def _batches(names: Iterable[str], size: int) -> Iterator[list[str]]:
    """``names`` in batches of ``size``, but for the last ``size`` to ``2 * size - 1``:
    those go out in batches that halve, down to a sixteenth of ``size``.

    Workers take batches in order; with equal batches to the end, one worker may check a
    whole last batch while the others have nothing left. Halving batches make them run
    out of work at nearly the same time, for a few more tasks.
    """
    smallest = max(1, size // 16)
    held: collections.deque[str] = collections.deque()
    for name in names:
        held.append(name)
        if len(held) == 2 * size:  # a full batch that cannot be among the last ones
            yield [held.popleft() for _ in range(size)]
    while held:
        count = min(len(held), max(smallest, -(-len(held) // 2)))
        yield [held.popleft() for _ in range(count)]


def iter_results(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    chunk_size: int = BATCH_SIZE,
    in_flight: int = 8,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[FileResult]:
    """Yield one result per path, in the order given, as soon as each is ready.

    Without ``executor`` files are checked here, one at a time. With one, paths go out in
    batches of ``chunk_size`` (one task per batch keeps the per-task overhead small), the
    last ``chunk_size`` to ``2 * chunk_size - 1`` paths in batches that halve down to a
    sixteenth of it (so that the workers finish together), and at most ``in_flight``
    batches are outstanding at any time, so memory stays flat however many files there
    are: results are yielded and may be dropped while later batches run. ``limits`` bound
    every file (see :class:`~newsmeta._yamltree.Limits`). Raises ``ValueError`` for a
    ``chunk_size`` or ``in_flight`` below 1.
    """
    if chunk_size < 1 or in_flight < 1:
        raise ValueError("chunk_size and in_flight must be at least 1")
    names = (os.fspath(p) for p in paths)
    if executor is None:
        for name in names:
            yield check_path(name, limits)
        return
    check_chunk = functools.partial(_check_chunk, limits=limits)
    pending: collections.deque[tuple[list[str], Future[bytes]]] = collections.deque()
    for batch in _batches(names, chunk_size):
        pending.append((batch, executor.submit(check_chunk, batch)))
        if len(pending) >= in_flight:
            yield from _results_of(*pending.popleft())
    while pending:
        yield from _results_of(*pending.popleft())


def _results_of(batch: list[str], task: Future[bytes]) -> list[FileResult]:
    # The bytes come from _check_chunk, run where the executor runs it: as trusted as the
    # pickles the executor itself moves.
    return _unpacked(batch, task.result())


class ResultStore(Protocol):
    """What :func:`validate_many` needs of a result cache: :class:`newsmeta.cache.ResultCache`
    is one. The library's core never imports a cache; the caller hands one in."""

    def results(
        self,
        paths: Iterable[str | os.PathLike[str]],
        executor: Executor | None = None,
        *,
        chunk_size: int = ...,
        limits: Limits | None = ...,
    ) -> Iterator[FileResult]:
        """One result per path, in order, the same as :func:`iter_results` gives for these
        ``limits`` (``None``: the store's own)."""
        ...


def validate_many(
    paths: Iterable[str | os.PathLike[str]],
    executor: Executor | None = None,
    *,
    chunk_size: int = BATCH_SIZE,
    config: Config | None = None,
    cache: ResultStore | None = None,
) -> list[FileResult]:
    """Validate files, directories and globs as ``newsmeta validate`` does; one result per file.

    ``paths`` are found by the command line's rules (:mod:`newsmeta.paths`): directories
    are walked for the configured extensions, globs expanded, exclude patterns applied, the
    result sorted; an empty ``paths`` means the configuration's ``include``. ``config``
    (default: the configuration found from the working directory, as the command line finds
    it) also gives the limits and the policy (``select``, ``ignore``, ``severity``). The
    cross-file checks run over all the files (``corpus-duplicate-url``), and a directory
    that cannot be read is a result with an ``io-*`` problem. So the results are those of
    ``newsmeta validate --format json`` on the same arguments.

    With ``executor`` (any :class:`concurrent.futures.Executor`: a process pool, or a Dask
    ``distributed.Client(...).get_executor()``), files are sent in batches of
    ``chunk_size`` (default :data:`BATCH_SIZE`), one task per batch, to be checked there;
    without one they are checked in this process. Paths must be readable where the
    executor runs them. Never raises for a bad file; raises :class:`FileNotFoundError` for
    a glob that matches nothing and :class:`~newsmeta.paths.NoInputError` when nothing is
    found at all.

    ``cache`` (off by default) keeps results between calls, so that files that did not
    change are not checked again: pass an open :class:`newsmeta.cache.ResultCache`. The
    results are the same with it as without it.
    """
    from newsmeta._policy import Policy
    from newsmeta.config import find_config
    from newsmeta.paths import resolve_stream

    config = config if config is not None else find_config()
    unreadable: list[tuple[str, OSError]] = []
    # Paths are handed on as the walk finds them: an executor's workers check the first
    # batches while this process is still reading directories.
    names = resolve_stream([os.fspath(path) for path in paths], config, unreadable)
    policy = Policy(select=config.select, ignore=config.ignore, severity=config.severity)
    corpus = CorpusIndex()
    if cache is not None:
        checked = cache.results(names, executor, chunk_size=chunk_size, limits=config.limits)
    else:
        checked = iter_results(names, executor, chunk_size=chunk_size, limits=config.limits)
    results = [policy.apply(corpus.check(result)) for result in checked]
    # The walk is over: the directories it could not read are known, and come first.
    return [*(unreadable_directory_result(name, exc) for name, exc in unreadable), *results]


def unreadable_directory_result(directory: str, error: OSError) -> FileResult:
    """The result for a directory that could not be walked: one ``io-*`` error."""
    from newsmeta._files import io_problem_code

    reason = error.strerror or str(error)
    problem = Problem(
        io_problem_code(error),
        Severity.ERROR,
        f"The directory could not be read: {reason}.",
        "",
        1,
        1,
        1,
        1,
    )
    return FileResult(directory, (problem,))


if TYPE_CHECKING:
    from newsmeta._policy import Policy


def __getattr__(name: str) -> object:
    """``Policy``, imported on first use (PEP 562): a run of ``validate`` whose files are
    clean never judges a problem."""
    if name != "Policy":
        raise AttributeError(f"module 'newsmeta.validation' has no attribute {name!r}")
    from newsmeta._policy import Policy

    globals()[name] = Policy
    return Policy
