"""The ``newsmeta`` command line: argument parsing and wiring only.

Exit codes: 0 when every file passed, 1 when any file has a problem at or above the
failing severity (or an edit was refused), 2 for usage or I/O errors.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from newsmeta._version import __version__

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "collect_paths", "excluded", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its messages on stderr."""


_GLOB_MAGIC = frozenset("*?[")


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


def _walk(directory: str, skip: Callable[[str], bool]) -> Iterator[str]:
    """Every ``*.md`` file under ``directory``; directory symlinks are never followed."""
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not skip(os.path.join(root, d)))
        for name in files:
            if name.endswith(".md"):
                yield os.path.join(root, name)


def collect_paths(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]] = (),
) -> list[str]:
    """Expand files, directories and globs into a sorted list of unique file paths.

    Directories are walked for ``*.md`` without following directory symlinks; an argument
    with ``*``, ``?`` or ``[`` that is not an existing path is a glob (``**`` recurses).
    ``exclude`` holds ``(patterns, base)`` pairs (see :func:`excluded`); excluded paths are
    dropped, explicitly named files included. A named file that does not exist is kept
    (checking it reports an ``io-*`` problem). Raises ``FileNotFoundError`` for a glob that
    matches nothing. Paths are de-duplicated by their normalised form.
    """

    def skip(path: str) -> bool:
        return any(excluded(path, patterns, base) for patterns, base in exclude)

    found: dict[str, str] = {}

    def add(path: str) -> None:
        if os.path.isdir(path) and not os.path.islink(path):
            for inner in _walk(path, skip):
                if not skip(inner):
                    found.setdefault(os.path.normpath(inner), inner)
        elif not skip(path):
            found.setdefault(os.path.normpath(path), path)

    for argument in arguments:
        if _is_glob(argument):
            import glob

            matches = glob.glob(argument, recursive=True)
            if not matches:
                raise FileNotFoundError(f"no file matches {argument!r}")
            for match in matches:
                add(match)
        else:
            add(argument)
    return [found[key] for key in sorted(found)]


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsmeta",
        description="Validate and edit news articles stored as Markdown with YAML front matter.",
    )
    parser.add_argument("--version", action="version", version=f"newsmeta {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=argparse.ArgumentParser
    )

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

    from newsmeta import _cli_edit

    _cli_edit.add_commands(commands)
    from newsmeta import _cli_rules

    _cli_rules.add_commands(commands)
    _cli_rules.add_fix_command(commands)
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _usage_error(message: str) -> int:
    sys.stderr.write(f"newsmeta validate: error: {message}\n")
    return EXIT_USAGE


#: Runs with fewer files than this stay in one process: starting workers costs more.
#: Measured on 2 cores with real articles: 2 jobs were 6% slower than 1 on 200 files, even
#: on 300, and 11% faster on 400.
POOL_THRESHOLD = 300


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run_validate(args: argparse.Namespace) -> int:
    from newsmeta.config import ConfigError, check_selectors, find_config, load_config
    from newsmeta.problems import Severity
    from newsmeta.reporters import Options, fails, load
    from newsmeta.validation import CorpusIndex, FileResult, Policy, check_bytes, iter_results

    try:
        config = load_config(Path(args.config)) if args.config else find_config()
        select = _codes(args.select)
        ignore = _codes(args.ignore)
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
        args.color == "auto" and not os.environ.get("NO_COLOR") and _isatty(stdout)
    )
    options = Options(
        color=color and fmt == "text",
        fail_on=fail_on,
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
    )

    jobs = args.jobs or _cpu_count()
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
        progress = _Progress(len(paths) + use_stdin, sys.stderr, stdout)
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


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


class _Progress:
    """A one-line progress bar on stderr, for long runs on a terminal only.

    It is drawn only when stderr is a terminal, ``CI`` and ``GITHUB_ACTIONS`` are unset,
    and the run has lasted :data:`DELAY` seconds (short runs never see it); it is redrawn
    at most every :data:`INTERVAL` seconds, wiped before output that shares the terminal,
    and erased at the end. Output on stdout is never touched.
    """

    DELAY = 0.5
    INTERVAL = 0.1
    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, stdout: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.enabled = (
            total > 1
            and _isatty(stream)
            and not os.environ.get("CI")
            and not os.environ.get("GITHUB_ACTIONS")
        )
        self.shared = self.enabled and _isatty(stdout)
        self.shown = False
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, has_output: bool) -> None:
        """Count one file; ``has_output`` says the reporter is about to print for it."""
        self.done += 1
        if not self.enabled:
            return
        if has_output and self.shown and self.shared:
            self._wipe()
        now = time.monotonic()
        if now - self.started >= self.DELAY and now - self.drawn_at >= self.INTERVAL:
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} files")
            self.stream.flush()
            self.shown = True
            self.drawn_at = now

    def _wipe(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()
        self.shown = False

    def close(self) -> None:
        """Erase the bar, if it was drawn."""
        if self.shown:
            self._wipe()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = _build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    from newsmeta._cli_edit import PARSERS

    if arguments and arguments[0] in PARSERS:
        # FILE... PATH VALUE is one variable-length positional, which plain parse_args
        # cannot interleave with options: `set a.md title --string 123` must work.
        args = PARSERS[arguments[0]].parse_intermixed_args(arguments[1:])
    else:
        args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
