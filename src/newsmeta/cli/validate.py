"""``newsmeta validate``: check article files and report every problem at file:line:col."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from collections.abc import Iterator

from newsmeta.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Commands,
    Progress,
    collect_paths,
    cpu_count,
    isatty,
    load_configuration,
    message,
    split_codes,
)

__all__ = ["POOL_THRESHOLD", "register"]

#: Runs with fewer files than this stay in one process: starting workers costs more.
#: Measured on 2 cores with real articles: 2 jobs were 6% slower than 1 on 200 files, even
#: on 300, and 11% faster on 400.
POOL_THRESHOLD = 300


def register(commands: Commands) -> None:
    """Add ``validate`` to ``commands``."""
    validate = commands.add_parser(
        "validate",
        help="check article files and report every problem at file:line:col",
        description="Check article files; directories are searched recursively for *.md.",
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
    validate.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip paths matching PATTERN (repeatable; added to the configured excludes)",
    )
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
        help="worker processes (default: the number of CPUs; small runs use one)",
    )
    validate.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour text output; auto: on a terminal unless NO_COLOR is set (default: auto)",
    )
    validate.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="read this newsmeta.toml or pyproject.toml instead of searching for one",
    )
    validate.set_defaults(handler=_run_validate)


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _usage_error(text: str) -> int:
    message(f"newsmeta validate: error: {text}")
    return EXIT_USAGE


def _run_validate(args: argparse.Namespace) -> int:
    from newsmeta.config import ConfigError, check_selectors
    from newsmeta.problems import Severity
    from newsmeta.reporters import Options, fails, load
    from newsmeta.validation import CorpusIndex, FileResult, Policy, check_bytes, iter_results

    try:
        config = load_configuration(args.config)
        select = split_codes(args.select)
        ignore = split_codes(args.ignore)
        check_selectors(select or (), "--select")
        check_selectors(ignore or (), "--ignore")
    except ConfigError as exc:
        return _usage_error(str(exc))
    policy = Policy(
        select=select if select is not None else config.select,
        ignore=ignore if ignore is not None else config.ignore,
        severity=config.severity,
    )
    fail_on = Severity(args.fail_on) if args.fail_on else config.fail_on or Severity.ERROR

    arguments = list(args.paths)
    use_stdin = "-" in arguments
    arguments = [a for a in arguments if a != "-"]
    exclude = [(tuple(args.exclude), os.getcwd()), (config.exclude, str(config.root))]
    if not args.paths:
        if not config.include:
            return _usage_error("no paths given, and no include in the configuration")
        arguments = [
            os.path.relpath(os.path.join(config.root, pattern)) for pattern in config.include
        ]
    try:
        paths = collect_paths(arguments, exclude)
    except FileNotFoundError as exc:
        return _usage_error(str(exc))

    fmt = args.format
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper):
        stdout.reconfigure(errors="backslashreplace")
    color = args.color == "always" or (
        args.color == "auto" and not os.environ.get("NO_COLOR") and isatty(stdout)
    )
    options = Options(
        color=color and fmt == "text",
        fail_on=fail_on,
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
    )

    jobs = args.jobs or cpu_count()
    state = {"io": False, "fail": False}

    def results() -> Iterator[FileResult]:
        if use_stdin:
            limit = config.limits.max_file_bytes + 1
            raw_stdin = sys.stdin.buffer.read(limit)
            yield check_bytes(raw_stdin, args.stdin_filename or "<stdin>", config.limits)
        if jobs > 1 and len(paths) >= POOL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor

            chunk = max(8, min(64, len(paths) // (jobs * 8)))
            # Where workers are forked (Linux before Python 3.14), move every object alive
            # now out of the collector's reach, or each worker's first collections would
            # write to (and so copy) every page it shares with this process.
            gc.freeze()
            try:
                with ProcessPoolExecutor(max_workers=jobs) as pool:
                    yield from iter_results(
                        paths, pool, chunk_size=chunk, in_flight=jobs * 4, limits=config.limits
                    )
            finally:
                gc.unfreeze()
        else:
            yield from iter_results(paths, limits=config.limits)

    def judged() -> Iterator[FileResult]:
        progress = Progress(len(paths) + use_stdin, sys.stderr, stdout)
        corpus = CorpusIndex()
        for checked in results():
            raw = corpus.check(checked)
            # Most files have no problem: skip the scans for them (this runs per file).
            if raw.problems:
                if not state["io"] and any(p.code.startswith("io-") for p in raw.problems):
                    state["io"] = True
                result = policy.apply(raw)
                if not state["fail"] and any(fails(p.severity, fail_on) for p in result.problems):
                    state["fail"] = True
            else:
                result = raw
            progress.advance(bool(result.problems))
            yield result
        progress.close()

    try:
        load(fmt)(judged(), stdout, options)
        stdout.flush()
    except BrokenPipeError:
        # The reader (``| head``) went away; the verdict still stands.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    if state["io"]:
        return EXIT_USAGE
    return EXIT_PROBLEMS if state["fail"] else EXIT_OK
