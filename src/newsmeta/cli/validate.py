"""``newsmeta validate``: check article files and report every problem at file:line:col."""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from newsmeta.cache import ResultCache
    from newsmeta.config import Config
    from newsmeta.validation import CleanRun, FileResult, Policy, Reported, StatedUrls

    #: A result, with the URLs its file states kept apart (None: the result holds them),
    #: or a run of stored results without problems, as
    #: :meth:`newsmeta.cache.Lookup.stated_runs` gives them.
    _Stated: TypeAlias = tuple[FileResult, StatedUrls] | CleanRun

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    ChangedFiles,
    Commands,
    Progress,
    UsageError,
    add_config_options,
    add_output_file,
    cache_directory,
    cache_disabled,
    cpu_count,
    isatty,
    load_configuration,
    open_output,
    split_codes,
    walk_inputs,
)
from newsmeta.paths import Walk

__all__ = ["CACHE_BATCH", "POOL_THRESHOLD", "register", "worker_count"]

#: Runs with fewer files than this stay in one process: starting workers costs more.
#: Measured on 2 cores with real articles: 2 jobs were 6% slower than 1 on 200 files, even
#: on 300, and 11% faster on 400.
POOL_THRESHOLD = 300


def register(commands: Commands) -> None:
    """Add ``validate`` to ``commands``."""
    validate = commands.add_parser(
        "validate",
        help="check article files and report every problem at file:line:col",
        description="Check article files; directories are searched recursively for *.md "
        "and *.markdown (the extensions are configurable).",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or globs; '-' reads stdin (default: the configured include)",
    )
    validate.add_argument(
        "--format",
        choices=["auto", "text", "json", "github", "sarif", "junit"],
        default="auto",
        help="output format; auto is github when GITHUB_ACTIONS=true, else text (default: auto)",
    )
    add_output_file(validate)
    validate.add_argument(
        "--statistics",
        action="store_true",
        help="print how often each code occurs (most frequent first, fixable ones marked) "
        "instead of each problem; with --format text or json",
    )
    validate.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="report only these codes or code families (comma-separated; repeatable)",
    )
    validate.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="never report these codes or code families (comma-separated; repeatable)",
    )
    validate.add_argument(
        "--fail-on",
        choices=["error", "warning"],
        default=None,
        help="lowest severity that makes the run fail with exit code 1 (default: error)",
    )
    add_config_options(validate)
    validate.add_argument(
        "--stdin-filename",
        metavar="NAME",
        default=None,
        help="the file name to report for '-' (default: <stdin>)",
    )
    validate.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="worker processes, at most the number of CPUs and of files "
        "(default: the number of CPUs; runs under 300 files use one)",
    )
    validate.add_argument(
        "--changed-since",
        metavar="REF",
        default=None,
        help="report only the files changed since the git revision REF (since its merge base "
        "with HEAD; uncommitted and untracked files included); the other files still count "
        "for the cross-file checks",
    )
    validate.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="keep the result cache in DIR (default: $NEWSMETA_CACHE_DIR, the configured "
        "cache-dir, .newsmeta_cache beside the configuration file, or the user cache "
        "directory)",
    )
    validate.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file, reading and storing no stored results (also: NEWSMETA_NO_CACHE=1)",
    )
    validate.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour text output; auto: on a terminal unless NO_COLOR is set (default: auto)",
    )
    validate.set_defaults(handler=_run_validate)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def worker_count(requested: int | None, files: int) -> int:
    """How many worker processes can help: ``requested`` (default: every CPU), but never
    more than the CPUs or the files, and one below :data:`POOL_THRESHOLD` files."""
    if files < POOL_THRESHOLD:
        return 1
    return max(1, min(requested or cpu_count(), cpu_count(), files))


#: How many files ``validate`` looks up in the result cache at a time: a lookup holds
#: its files' names and stored results until they are read back.
CACHE_BATCH = 4096


def _batches(names: Iterable[str], size: int) -> Iterator[list[str]]:
    """``names`` in lists of ``size`` (the last one shorter; none empty)."""
    if isinstance(names, Walk):  # most runs: the walk has them in lists already
        pending: list[str] = []
        for paths in names.lists():
            pending += paths
            if len(pending) >= size:
                whole = len(pending) - len(pending) % size
                for at in range(0, whole, size):
                    yield pending[at : at + size]
                pending = pending[whole:]
        if pending:
            yield pending
        return
    remaining = iter(names)
    while batch := list(itertools.islice(remaining, size)):
        yield batch


def _read_stdin(limit: int) -> bytes:
    stdin = sys.stdin
    try:
        if stdin is None:
            raise ValueError
        return stdin.buffer.read(limit)
    except (OSError, ValueError, AttributeError):
        raise UsageError("stdin is closed, so '-' has nothing to read") from None


def _open_cache(option: str | None, config: Config) -> ResultCache | None:
    """This run's result cache; None when there is nowhere to keep one (no ``--cache-dir``,
    no configured or environment directory, and no home directory for the default)."""
    from newsmeta.cache import ResultCache

    try:
        directory = cache_directory(option, config)
    except UsageError:
        return None
    return ResultCache(directory, limits=config.limits)


def _run_validate(args: argparse.Namespace) -> int:
    from newsmeta.config import ConfigError, check_selectors
    from newsmeta.problems import Severity
    from newsmeta.reporters import Options, fails, load
    from newsmeta.validation import (
        CleanRun,
        CorpusIndex,
        check_bytes,
        iter_results,
        unreadable_directory_result,
    )

    config = load_configuration(args.config)
    try:
        select = split_codes(args.select)
        ignore = split_codes(args.ignore)
        select = None if select is None else check_selectors(select, "--select")
        ignore = None if ignore is None else check_selectors(ignore, "--ignore")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if select is None:
        select = config.select
    if ignore is None:
        ignore = config.ignore
    # The policy is made for the first file with a problem: most warm runs have none.
    policies: list[Policy] = []
    fail_on = Severity(args.fail_on) if args.fail_on else config.fail_on or Severity.ERROR

    fmt = args.format
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if args.statistics and fmt not in ("text", "json"):
        raise UsageError(f"--statistics works with --format text or json, not {fmt}")

    use_stdin = "-" in args.paths
    arguments = [a for a in args.paths if a != "-"]
    # The paths are walked as they are checked, not listed: memory stays flat however
    # many files there are.
    paths: Iterable[str]
    if use_stdin and not arguments:
        paths, count = [], 0
        unreadable: list[tuple[str, OSError]] = []
    else:
        inputs = walk_inputs(arguments, args.exclude, config)
        paths, count, unreadable = inputs, inputs.count, inputs.unreadable
    raw_stdin = _read_stdin(config.limits.max_file_bytes + 1) if use_stdin else b""

    # Only the changed files are reported; the others still count for the cross-file check.
    unchanged: list[str] = []
    if args.changed_since is not None:
        changed = ChangedFiles.since_for(args.changed_since, arguments)
        listed = list(paths)
        unchanged = [path for path in listed if path not in changed]
        paths = [path for path in listed if path in changed]
        count = len(paths)
    cache = None if args.no_cache or cache_disabled() else _open_cache(args.cache_dir, config)
    state = {"io": False, "fail": False}

    def checked(names: Iterable[str], count: int) -> Iterator[_Stated]:
        """One result per name (``count`` of them), in order, with the URLs it states
        apart when the cache holds it: read back from the cache where it holds, the others
        checked, on workers when enough of them must be. The cache is asked
        :data:`CACHE_BATCH` names at a time, so memory stays flat."""
        with contextlib.ExitStack() as stack:
            pool: ProcessPoolExecutor | None = None
            workers = 1

            def executor(to_check: int) -> ProcessPoolExecutor | None:
                """The pool for ``to_check`` files, started the first time it pays."""
                nonlocal pool, workers
                if pool is None and worker_count(args.jobs, to_check) > 1:
                    from concurrent.futures import ProcessPoolExecutor

                    workers = worker_count(args.jobs, to_check)
                    # Where workers are forked (Linux before Python 3.14), move every
                    # object alive now out of the collector's reach, or each worker's
                    # first collections would write to (and so copy) every page it
                    # shares with this process.
                    gc.freeze()
                    stack.callback(gc.unfreeze)
                    pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
                return pool

            def chunk(to_check: int) -> int:
                return max(8, min(64, to_check // (workers * 8)))

            if cache is None:
                on = executor(count)
                if on is None:
                    results = iter_results(names, limits=config.limits)
                else:
                    results = iter_results(
                        names,
                        on,
                        chunk_size=chunk(count),
                        in_flight=workers * 4,
                        limits=config.limits,
                    )
                for result in results:
                    yield result, None
                return
            for batch in _batches(names, CACHE_BATCH):
                lookup = cache.lookup(batch)
                on = executor(lookup.to_check)
                if on is None:
                    yield from lookup.stated_runs()
                else:
                    yield from lookup.stated_runs(
                        on, chunk_size=chunk(lookup.to_check), in_flight=workers * 4
                    )

    def first_results() -> Iterator[_Stated]:
        """The results that come before the files': unreadable folders', stdin's."""
        for directory, exc in unreadable:
            yield unreadable_directory_result(directory, exc), None
        if use_stdin:
            yield check_bytes(raw_stdin, args.stdin_filename or "<stdin>", config.limits), None

    try:
        with open_output(args.output_file) as stdout:
            color = args.color == "always" or (
                args.color == "auto"
                and not os.environ.get("NO_COLOR")
                and args.output_file in (None, "-")
                and isatty(stdout)
            )
            fixable: frozenset[str] = frozenset()
            if args.statistics or fmt in ("text", "github"):  # the formats that count them
                from newsmeta.rules import fixable_codes  # loads the rules, not the fixer

                fixable = frozenset(fixable_codes())
            options = Options(
                color=color and fmt == "text",
                fail_on=fail_on,
                step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
                fixable=fixable,
            )

            def judged() -> Iterator[Reported]:
                total = count + len(unchanged) + use_stdin
                with Progress(total, sys.stderr, stdout) as progress:
                    corpus = CorpusIndex(total)  # most files state one URL, or two alike
                    check, check_run = corpus.check_apart, corpus.check_run
                    # Without a bar to draw (most runs), nothing to call for each file.
                    advance = progress.advance if progress.enabled else None

                    def judge(raw: FileResult) -> FileResult:
                        """``raw`` under the policy, noting what decides the exit code."""
                        # Most files have no problem: skip the scans for them.
                        if not raw.problems:
                            return raw
                        if not state["io"] and any(p.code.startswith("io-") for p in raw.problems):
                            state["io"] = True
                        if not policies:
                            from newsmeta.validation import Policy

                            policies.append(
                                Policy(select=select, ignore=ignore, severity=config.severity)
                            )
                        result = policies[0].apply(raw)
                        if not state["fail"] and any(
                            fails(p.severity, fail_on) for p in result.problems
                        ):
                            state["fail"] = True
                        return result

                    # The unchanged files enter the cross-file check first, so a URL that a
                    # changed file shares with one of them is reported on the changed file.
                    for item in checked(unchanged, len(unchanged)):
                        if type(item) is CleanRun:
                            for _ in check_run(item):
                                pass
                            if advance is not None:
                                for _ in range(len(item)):
                                    advance(False)
                        else:
                            check(*item)
                            if advance is not None:
                                advance(False)
                    # chain, not another generator: this loop runs once per file, or once
                    # per run of stored results without problems (most files of a warm
                    # run), which go on as runs of paths: no result object for each.
                    for item in itertools.chain(first_results(), checked(paths, count)):
                        if type(item) is CleanRun:
                            for part in check_run(item):
                                if isinstance(part, list):
                                    if advance is not None:
                                        for _ in part:
                                            advance(False)
                                    yield part
                                else:
                                    result = judge(part)
                                    if advance is not None:
                                        advance(bool(result.problems) and not args.statistics)
                                    yield result
                            continue
                        result = judge(check(*item))
                        if advance is not None:
                            advance(bool(result.problems) and not args.statistics)
                        yield result

            render = load(fmt)
            if args.statistics:
                from newsmeta.reporters import statistics

                render = statistics.render_json if fmt == "json" else statistics.render
            stream = judged()
            try:
                render(stream, stdout, options)
                stdout.flush()
            except BrokenPipeError:
                # The reader (``| head``) went away; the verdict still stands, so the run
                # finishes without output.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stdout.fileno())
                for _ in stream:
                    pass
    finally:
        if cache is not None:
            cache.close()  # what is pending is written, even after an interruption
    if state["io"]:
        return EXIT_USAGE
    return EXIT_PROBLEMS if state["fail"] else EXIT_OK
