"""What every command shares: exit codes, messages, input files, configuration, progress.

Command modules import from here and never from each other or from
:mod:`newsmeta.cli` itself, so the package has no import circle. Every message to stderr
goes through :func:`message`, the one place where what reaches the terminal is decided
(it also clears a progress bar first). A usage mistake anywhere is a :class:`UsageError`,
which :func:`newsmeta.cli.main` turns into one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import os
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO, TypeAlias, cast

from newsmeta import paths as _paths

if TYPE_CHECKING:
    import subprocess

    from newsmeta.config import Config
    from newsmeta.document import Document
    from newsmeta.jqprogram import Program
    from newsmeta.validation import Policy

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "FIFO_GRACE",
    "NO_CACHE_ENV",
    "STDIN_NAME",
    "ChangedFiles",
    "Commands",
    "Inputs",
    "Parser",
    "Progress",
    "Tally",
    "UsageError",
    "add_config_options",
    "add_jq_variables",
    "add_output_file",
    "cache_directory",
    "cache_disabled",
    "collect_paths",
    "cpu_count",
    "excluded",
    "find_inputs",
    "isatty",
    "jq_program",
    "jq_stoppable",
    "load_configuration",
    "message",
    "not_utf8",
    "not_written",
    "open_input",
    "open_output",
    "open_text_output",
    "read_input",
    "read_stdin_document",
    "refuse_introduced_errors",
    "refuse_stdin",
    "reliable_stdout",
    "resolve_inputs",
    "split_codes",
    "verdict_policy",
    "walk_inputs",
    "write_diff",
]

#: Every file passed; the edit was made.
EXIT_OK = 0
#: A file has a problem at or above the failing severity, or an edit was refused.
EXIT_PROBLEMS = 1
#: A usage mistake, a bad configuration, or a file that could not be read or written.
EXIT_USAGE = 2
# The signal numbers are written out: importing the signal module (which makes its enums)
# would cost every run for two constants. SIGINT is 2 everywhere, SIGPIPE 13 wherever
# there is one.
#: The run was interrupted (Ctrl-C): 128 + SIGINT, as a shell reports it.
EXIT_INTERRUPTED = 128 + 2
#: The reader of the output went away (``| head``): 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 128 + 13

#: The object a command module's ``register`` adds its subcommands to.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (and exit code 2)."""

    def error(self, message_text: str) -> NoReturn:
        # argparse quotes the offending argument, which may be a file name from a glob:
        # the line goes through message() and its escaping like every other.
        message(f"{self.prog}: error: {message_text} (see '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every argument added (to try its metavar), and
        # the default one asks shutil for the terminal's width: importing shutil loads
        # the lzma and bz2 modules, in every run. The width is the same one, found here.
        make: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return make(prog=self.prog, width=_terminal_columns() - 2)

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            if file is None or file is sys.stderr:
                _clear_progress()
            super()._print_message(message, file)  # type: ignore[arg-type]


def _terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` finds it: ``COLUMNS`` when
    it is a positive number, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


#: The progress bar on screen, if any: messages clear it before they are written.
_ACTIVE: list[Progress] = []


def _clear_progress() -> None:
    for progress in _ACTIVE:
        progress.clear()


def message(text: str) -> None:
    """Write one message line to stderr: every diagnostic of the command line comes here.

    Messages quote file names and file content, so the text goes through the one escaping
    policy (:func:`newsmeta._escape.printable`): control, bidi and invisible characters
    become visible escapes, a line break cannot split it, and it cannot start a CI command.
    """
    from newsmeta._escape import printable

    _clear_progress()
    try:
        sys.stderr.write(printable(text) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # no stderr (closed, or None): nothing can be said, and the exit code stands


def reliable_stdout() -> TextIO:
    """``sys.stdout``, set to write what its encoding cannot hold as backslash escapes."""
    import io

    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper):
        stdout.reconfigure(errors="backslashreplace")
    return stdout


# --- input files --------------------------------------------------------------------------
# The rules live in the library (newsmeta.paths), shared with iter_documents and
# validate_many; here they only become usage errors.

excluded = _paths.excluded
if TYPE_CHECKING:
    from newsmeta._inputs import Inputs


def __getattr__(name: str) -> object:
    """``Inputs`` (:class:`newsmeta.paths.Inputs`), imported on first use (PEP 562)."""
    if name != "Inputs":
        raise AttributeError(f"module 'newsmeta.cli.common' has no attribute {name!r}")
    globals()[name] = _paths.Inputs
    return _paths.Inputs


def collect_paths(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]] = (),
    extensions: tuple[str, ...] = _paths.DEFAULT_EXTENSIONS,
) -> list[str]:
    """Expand files, directories and globs into a sorted list of unique file paths.

    See :func:`newsmeta.paths.find`; raises ``FileNotFoundError`` for a glob that matches
    nothing. See :func:`find_inputs` for the unreadable directories too.
    """
    return _paths.find(arguments, exclude, extensions).paths


def find_inputs(
    arguments: Sequence[str],
    exclude: Sequence[tuple[Sequence[str], str]] = (),
    extensions: tuple[str, ...] = _paths.DEFAULT_EXTENSIONS,
) -> Inputs:
    """:func:`collect_paths` for a command: the paths and the unreadable directories.

    Raises :class:`UsageError` for a glob that matches nothing, and when the arguments
    match no file at all ("no article files found in ..."). Arguments whose files are all
    excluded are not a mistake (a pre-commit hook may pass only excluded files): the
    result is then empty.
    """
    try:
        return _paths.find(arguments, exclude, extensions, require=True)
    except (FileNotFoundError, _paths.NoInputError) as exc:
        raise UsageError(str(exc)) from None


# --- configuration ------------------------------------------------------------------------


def load_configuration(path: str | None) -> Config:
    """The configuration in ``path``, or the one found from the working directory.

    Raises :class:`UsageError` for a bad or unreadable file.
    """
    from pathlib import Path

    from newsmeta.config import ConfigError, find_config, load_config

    try:
        return load_config(Path(path)) if path else find_config()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--config`` and ``--exclude``, which every command that reads files takes."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="read this TOML file (any name; keys at the top level or under "
        "[tool.newsmeta]) instead of searching for newsmeta.toml or pyproject.toml",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip paths matching PATTERN (repeatable; added to the configured excludes)",
    )


def resolve_inputs(arguments: Sequence[str], exclude: Sequence[str], config: Config) -> Inputs:
    """The files a command works on: ``arguments``, or the configured ``include`` globs when
    there are none; minus the ``exclude`` patterns (relative to the working directory) and
    the configured ones (relative to the configuration file). Raises :class:`UsageError`
    (see :func:`find_inputs`), also when there are neither arguments nor an ``include``."""
    try:
        return _paths.resolve(arguments, config, exclude)
    except (FileNotFoundError, _paths.NoInputError) as exc:
        raise UsageError(str(exc)) from None


def walk_inputs(arguments: Sequence[str], exclude: Sequence[str], config: Config) -> _paths.Walk:
    """:func:`resolve_inputs`, with the paths walked when iterated instead of listed, for a
    command that reads each file once, in order (see :func:`newsmeta.paths.walk`)."""
    try:
        return _paths.resolve_walk(arguments, config, exclude)
    except (FileNotFoundError, _paths.NoInputError) as exc:
        raise UsageError(str(exc)) from None


def split_codes(values: list[str] | None) -> tuple[str, ...] | None:
    """Codes from repeatable, comma-separated options; None when the option was not given."""
    if values is None:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


# --- the result cache ---------------------------------------------------------------------

#: Set (to anything but ``0``, ``false`` or ``no``) to turn the result cache off.
NO_CACHE_ENV = "NEWSMETA_NO_CACHE"


def cache_disabled() -> bool:
    """True when :data:`NO_CACHE_ENV` turns the result cache off."""
    value = os.environ.get(NO_CACHE_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no")


def cache_directory(option: str | None, config: Config) -> Path:
    """The result cache's directory: ``option`` (``--cache-dir``), else the default of
    :func:`newsmeta.cache.default_cache_dir`. Raises :class:`UsageError` when the default
    needs a home directory and there is none."""
    if option:
        return Path(option).expanduser()
    from newsmeta.cache import default_cache_dir

    try:
        return default_cache_dir(config)
    except RuntimeError as exc:
        raise UsageError(
            f"no cache directory: {exc}; use --cache-dir or NEWSMETA_CACHE_DIR"
        ) from None


# --- files changed in git ------------------------------------------------------------------


def _git(arguments: Sequence[str], cwd: str) -> subprocess.CompletedProcess[bytes]:
    """``git ARGUMENTS`` run in ``cwd``, its output captured as bytes."""
    import subprocess

    # No optional locks: a read-only question must not contend with a commit in progress.
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        return subprocess.run(
            ["git", *arguments], cwd=cwd, env=env, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, which is not installed") from None
    except OSError as exc:
        raise UsageError(f"--changed-since: git could not run: {exc.strerror or exc}") from None


def _git_names(output: bytes, top: str) -> set[str]:
    return {
        os.path.normpath(os.path.join(top, os.fsdecode(name)))
        for name in output.split(b"\0")
        if name
    }


class ChangedFiles:
    """The files of a git work tree that changed since a revision (see :meth:`since`)."""

    def __init__(self, top: str, changed: set[str], *, everything: bool = False) -> None:
        self.top = top
        self.changed = changed
        #: Every file counts as changed (``HEAD`` before the first commit).
        self.everything = everything
        self._cwd = os.getcwd()

    @classmethod
    def since(cls, ref: str, cwd: str | None = None) -> ChangedFiles:
        """The files that differ between the merge base of ``ref`` and ``HEAD`` and the work
        tree (committed since, staged or not), and the untracked files that are not ignored.

        Before the first commit, ``HEAD`` stands for the empty tree: every file changed.
        Raises :class:`UsageError` when git is missing, ``cwd`` (default: the working
        directory) is not in a git work tree, or ``ref`` names no commit.
        """
        where = cwd or os.getcwd()
        if not ref or ref.startswith("-"):
            raise UsageError(f"--changed-since: {ref!r} is not a git revision")
        found = _git(["rev-parse", "--show-toplevel"], where)
        if found.returncode != 0:
            raise UsageError(f"--changed-since needs a git work tree, and {where} is not in one")
        top = os.fsdecode(found.stdout.rstrip(b"\n"))
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
        if commit.returncode != 0 and ref in ("HEAD", "@"):
            unborn = _git(["rev-parse", "--verify", "--quiet", "HEAD"], top).returncode != 0
            if unborn:  # a pre-commit hook on the first commit of a repository
                return cls(top, set(), everything=True)
        if commit.returncode != 0:
            raise UsageError(
                f"--changed-since: unknown revision {ref!r} (in a shallow or single-branch "
                "clone, fetch it first)"
            )
        base = commit.stdout.strip().decode("ascii")
        merge_base = _git(["merge-base", base, "HEAD"], top)
        if merge_base.returncode == 0:  # none for unrelated histories or an unborn HEAD
            base = merge_base.stdout.strip().decode("ascii")
        diff = _git(["diff", "--name-only", "--no-renames", "-z", base, "--"], top)
        untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
        for done in (diff, untracked):
            if done.returncode != 0:
                reason = done.stderr.decode(errors="replace").strip().splitlines()
                raise UsageError(f"--changed-since: git failed: {reason[-1] if reason else '?'}")
        return cls(top, _git_names(diff.stdout, top) | _git_names(untracked.stdout, top))

    @classmethod
    def since_for(cls, ref: str, arguments: Sequence[str]) -> ChangedFiles:
        """:meth:`since` in the work tree that holds the path ``arguments`` (files,
        directories or globs), wherever the command runs; from the working directory when
        there are none. Raises :class:`UsageError` when an argument is not in a git work
        tree, or they lie in different ones."""
        if not arguments:
            return cls.since(ref)
        found: dict[str, str] = {}  # work tree -> the first argument in it
        for argument in arguments:
            folder = argument
            while folder and not os.path.exists(folder):
                folder = os.path.dirname(folder)  # a glob, or a path not there (yet)
            if folder and not os.path.isdir(folder):
                folder = os.path.dirname(folder)
            folder = folder or "."
            top = _git(["rev-parse", "--show-toplevel"], folder)
            if top.returncode != 0:
                raise UsageError(
                    f"--changed-since needs a git work tree, and {argument} is not in one"
                )
            found.setdefault(os.fsdecode(top.stdout.rstrip(b"\n")), argument)
        if len(found) > 1:
            first, second = list(found.values())[:2]
            raise UsageError(
                f"--changed-since compares one git work tree, and {first} and {second} are "
                "in different ones: run once for each"
            )
        return cls.since(ref, next(iter(found)))

    def __contains__(self, path: object) -> bool:
        """True when ``path`` changed, or lies outside the work tree (git cannot tell: it
        is treated as changed)."""
        if not isinstance(path, str):
            return False
        if self.everything:
            return True
        inside = self.top.rstrip(os.sep) + os.sep
        full = os.path.normpath(os.path.join(self._cwd, path))
        if full in self.changed:
            return True
        if full.startswith(inside):
            return False
        real = os.path.realpath(full)  # reached through a symbolic link, or outside
        return real in self.changed or not real.startswith(inside)


# --- output -------------------------------------------------------------------------------


def add_output_file(parser: argparse.ArgumentParser) -> None:
    """Add ``--output-file``: write the report to a file instead of stdout."""
    parser.add_argument(
        "-o",
        "--output-file",
        metavar="FILE",
        default=None,
        help="write the output to FILE instead of stdout (for any --format)",
    )


#: How long a FIFO named on the command line may lack its other end (a process writing to
#: it, or reading from it) before it is refused: long enough for a reader or writer started
#: beside newsmeta to open it, short enough that a forgotten FIFO never hangs the run.
FIFO_GRACE = 1.0


def _fifo_wait(deadline: float) -> bool:
    """Sleep a little before trying a FIFO again; False once ``deadline`` has passed."""
    if time.monotonic() >= deadline:
        return False
    time.sleep(0.02)
    return True


def open_text_output(path: str, *, append: bool = False) -> TextIO:
    """The file ``path`` opened for writing UTF-8 text (text it cannot hold escaped).

    A FIFO is written when a process reads it (within :data:`FIFO_GRACE` seconds), so a
    forgotten FIFO never hangs the run. Raises :class:`UsageError` when the file cannot be
    opened: a directory, a missing folder, no permission, a FIFO nothing reads.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    deadline = time.monotonic() + FIFO_GRACE
    while True:
        try:
            fd = os.open(path, flags, 0o666)
            break
        except OSError as exc:
            if exc.errno == errno.ENXIO and _fifo_wait(deadline):
                continue  # a FIFO with no reader yet
            reason = (
                "it is a FIFO that no process reads"
                if exc.errno == errno.ENXIO
                else exc.strerror or str(exc)
            )
            raise UsageError(f"cannot write {path!r}: {reason}") from None
    os.set_blocking(fd, True)
    return open(fd, "w", encoding="utf-8", errors="backslashreplace")


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """stdout (invalid text escaped, never an error), or the file ``path`` (UTF-8; see
    :func:`open_text_output`).

    Raises :class:`UsageError` when the file cannot be opened.
    """
    if path is None or path == "-":
        stdout = sys.stdout
        if stdout is None:
            raise UsageError("stdout is closed; use --output-file")
        if hasattr(stdout, "reconfigure"):
            stdout.reconfigure(errors="backslashreplace")
        yield stdout
        stdout.flush()
        return
    with open_text_output(path) as handle:
        yield handle


# --- input files named by an option -------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """``head``, then the rest of the file ``fd``: what a peek at a FIFO already took."""

    def __init__(self, head: bytes, fd: int) -> None:
        self.head = head
        self.fd = fd

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self.head:
            count = min(len(view), len(self.head))
            view[:count] = self.head[:count]
            self.head = self.head[count:]
            return count
        data = os.read(self.fd, len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


def _stdin_bytes() -> BinaryIO:
    stdin = sys.stdin
    closed = UsageError("stdin is closed, so '-' has nothing to read")
    if stdin is None:
        raise closed
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return cast("BinaryIO", buffer)
    try:  # a text stream with no bytes beneath it (an embedding program's StringIO)
        return io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))
    except (OSError, ValueError):
        raise closed from None


def open_input(source: str) -> BinaryIO:
    """The file ``source`` named on the command line, open for reading bytes; ``-`` is
    stdin (which the caller must not close).

    A FIFO or pipe is read when a process writes to it (within :data:`FIFO_GRACE`
    seconds: ``<(command)`` works, a forgotten FIFO never hangs the run). Raises
    :class:`UsageError` for a closed stdin, a missing file, a directory, a socket or
    device, or a FIFO that nothing writes to.
    """
    if source == "-":
        return _stdin_bytes()
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UsageError(f"{source}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(f"{source}: is a directory, not a file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise UsageError(f"{source}: not a regular file")
        head = b""
        if stat.S_ISFIFO(mode):
            # Without a writer, a read returns end-of-file at once; with one that has
            # written nothing yet, it would block (EAGAIN here): that is a stream to read.
            deadline = time.monotonic() + FIFO_GRACE
            writer = False
            while not writer:
                try:
                    head = os.read(fd, 1 << 16)
                except BlockingIOError:
                    head = b""
                    writer = True
                else:
                    writer = bool(head)
                if not writer and not _fifo_wait(deadline):
                    raise UsageError(f"{source}: a FIFO that no process writes to")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    if head:
        return cast("BinaryIO", io.BufferedReader(_Prefixed(head, fd)))
    return open(fd, "rb")


#: The name a document read from stdin (``-``) is reported under.
STDIN_NAME = "<stdin>"


def refuse_stdin(arguments: Sequence[str], command: str) -> None:
    """Raise :class:`UsageError` when ``arguments`` hold ``-``: ``command`` writes files in
    place, and stdin is no file to write."""
    if "-" in arguments:
        raise UsageError(
            f"'-' (stdin): {command} changes files in place, so it takes file names "
            "('newsmeta get', 'query', 'export' and 'validate' read an article from stdin)"
        )


def read_stdin_document(config: Config) -> Document:
    """The article on stdin (``-`` among a command's paths), read within the configured
    ``max-file-bytes``. Raises :class:`UsageError` when stdin is closed or holds more."""
    from newsmeta.document import loads

    limit = config.limits.max_file_bytes
    try:
        raw = _stdin_bytes().read(limit + 1)
    except (OSError, ValueError):
        raise UsageError("stdin is closed, so '-' has nothing to read") from None
    if len(raw) > limit:
        raise UsageError(
            f"stdin holds more than the limit of {limit} bytes (limits.max-file-bytes)"
        )
    return loads(raw, path=STDIN_NAME)


def not_utf8(source: str, raw: bytes, exc: UnicodeDecodeError, offset: int = 0) -> UsageError:
    """The usage error for ``raw`` (from ``source``, starting at byte ``offset``) that is
    not UTF-8: it names the first bad byte and where it is."""
    return UsageError(
        f"{source}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {offset + exc.start})"
    )


def read_input(source: str, limit: int, *, what: str = "file") -> str:
    """The whole text of the file ``source`` (``-``: stdin; see :func:`open_input`),
    decoded as UTF-8 (a byte-order mark is kept as U+FEFF).

    Raises :class:`UsageError` when it cannot be read, is not UTF-8, or holds more than
    ``limit`` bytes (the configured ``max-file-bytes``): such a ``what`` is refused
    before it is read whole.
    """
    stream = open_input(source)
    try:
        raw = stream.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"{source}: {exc.strerror or exc}") from None
    finally:
        if source != "-":
            stream.close()
    if len(raw) > limit:
        raise UsageError(
            f"{source}: the {what} is larger than the limit of {limit} bytes "
            "(limits.max-file-bytes)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(source, raw, exc) from None


def write_diff(before: str, after: str, name: str, stream: TextIO, *, written: bool = True) -> None:
    """Write the unified diff from ``before`` to ``after`` for the file ``name``.

    Lines keep their tabs; every other control or bidi character (taken from the file, or
    from its name) is shown as a visible escape, so nothing in a file can drive the
    terminal. Each line ends with one newline, whatever the file's line endings. When the
    change was not ``written`` (a dry run), the ``+++`` line says so after a tab, where
    patch tools ignore it.
    """
    import difflib

    from newsmeta._escape import printable

    label = printable(name.lstrip("/"))
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{label}",
        tofile=f"b/{label}",
        tofiledate="" if written else "(not written)",
    ):
        # The diff is for reading: line endings are normalised to one newline.
        stream.write(printable(line.rstrip("\r\n"), keep="\t") + "\n")


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def isatty(stream: object) -> bool:
    """True when ``stream`` is a terminal (False for anything without ``isatty``)."""
    method = getattr(stream, "isatty", None)
    return bool(method()) if callable(method) else False


class Progress:
    """A one-line progress bar on stderr, for long runs on a terminal only.

    It is drawn only when stderr is a terminal, ``CI`` and ``GITHUB_ACTIONS`` are unset,
    and the run has lasted :data:`DELAY` seconds (short runs never see it); it is redrawn
    at most every :data:`INTERVAL` seconds, wiped before output that shares the terminal,
    and erased at the end. Output on stdout is never touched.
    """

    DELAY = 0.5
    INTERVAL = 0.1
    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, stdout: TextIO | None) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.enabled = (
            total > 1
            and isatty(stream)
            and not os.environ.get("CI")
            and not os.environ.get("GITHUB_ACTIONS")
        )
        self.shared = self.enabled and isatty(stdout)
        self.shown = False
        self.started = time.monotonic()
        self.drawn_at = 0.0
        if self.enabled:
            _ACTIVE.append(self)

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

    def clear(self) -> None:
        """Erase the bar until it is next drawn (before a message on the same terminal)."""
        if self.shown:
            self._wipe()

    def close(self) -> None:
        """Erase the bar, if it was drawn; it is not drawn again."""
        self.clear()
        self.enabled = False
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- a run over many files -------------------------------------------------------------------


def not_written(exc: BaseException) -> bool:
    """True when ``exc`` means a file could not be read or written (exit code 2), False
    when it is a refusal of the edit itself (exit code 1).

    The rule of every command that writes: an error of the operating system is an I/O
    error, and so is a permission that a save holds to on its own (a read-only file; an
    owner, group or attribute it cannot keep: :class:`PermissionError` subclasses that
    ``--force`` overrides), since the file cannot be written as it is. What newsmeta
    refuses for the sake of the content (new errors, a file changed on disk meanwhile, a
    linked file, an existing file) is a refusal.
    """
    from newsmeta.errors import NewsmetaError

    return isinstance(exc, PermissionError) or (
        isinstance(exc, OSError) and not isinstance(exc, NewsmetaError)
    )


def refuse_introduced_errors(
    document: Document, config: Config, path: str, policy: Policy | None = None
) -> None:
    """Raise :class:`~newsmeta.errors.NewProblemsError` when an edit of ``document`` (the
    file ``path``) introduced errors that the configuration neither ignores nor lowers
    below error: the verdict of every editing command, taken before it prints or writes
    (``--force`` skips it). ``policy`` is the configuration's (:func:`verdict_policy`),
    for a caller that judges many files: it is then made once."""
    from newsmeta.errors import NewProblemsError

    if policy is None:
        policy = verdict_policy(config)
    introduced = tuple(
        problem for problem in document.new_errors(policy.severity) if policy.keeps(problem.code)
    )
    if introduced:
        raise NewProblemsError(introduced, path)


def verdict_policy(config: Config) -> Policy:
    """The policy :func:`refuse_introduced_errors` judges by under ``config``."""
    from newsmeta.validation import Policy

    return Policy(select=config.select, ignore=config.ignore, severity=config.severity)


class Tally:
    """What a command did to each of many files: the progress bar while it runs, the exit
    code, and the closing summary line.

    Each file is counted once: ``changed``, ``unchanged``, ``skipped`` (by ``--where``),
    refused (with the reason the summary groups it under; exit code 1), or failed (it could
    not be read or written; exit code 2). Messages are written as given (each command words
    its own), after the progress bar is wiped. The verbs, ``fix`` and ``edit`` share it, so
    their bars, summaries and exit codes agree::

        newsmeta set: 674 files: 670 changed, 2 unchanged, 2 refused (2 would introduce errors)
    """

    KINDS = ("changed", "unchanged", "skipped")

    def __init__(
        self, command: str, total: int, *, where: bool = False, would: bool = False
    ) -> None:
        #: The command as the summary names it (``newsmeta set``).
        self.command = command
        #: A ``--where`` condition was given: the summary counts the files it skipped.
        self.where = where
        #: Nothing is written (``--dry-run``, ``--check``): files "would change".
        self.would = would
        self.counts: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.failed = 0
        #: The exit code so far: the highest of every file's.
        self.status = EXIT_OK
        #: The files the run was given (some may not be looked at: an interrupted run).
        self.given = total
        self.progress = Progress(total, sys.stderr, sys.stdout)

    def __enter__(self) -> Tally:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.close()

    def advance(self, has_output: bool = False) -> None:
        """One more file is done (see :meth:`Progress.advance`)."""
        self.progress.advance(has_output)

    def count(self, kind: str, text: str = "") -> int:
        """Count a file as ``kind`` (one of :data:`KINDS`); write ``text`` if any."""
        if text:
            message(text)
        self.counts[kind] += 1
        return EXIT_OK

    def refuse(self, reason: str, text: str = "") -> int:
        """Count a refused file (left as it was) under ``reason``; write ``text`` if any.
        Returns the exit code it calls for."""
        if text:
            message(text)
        self.refused[reason] += 1
        return self.raise_status(EXIT_PROBLEMS)

    def fail(self, text: str = "") -> int:
        """Count a file (or directory) that could not be read or written; write ``text``."""
        if text:
            message(text)
        self.failed += 1
        return self.raise_status(EXIT_USAGE)

    def withdraw(self, kind: str) -> None:
        """Take back a file counted as ``kind`` (a write that failed after it was counted
        as changed), before counting it again."""
        self.counts[kind] -= 1

    def raise_status(self, code: int) -> int:
        """Make the exit code at least ``code``; return ``code``."""
        self.status = max(self.status, code)
        return code

    @property
    def total(self) -> int:
        """The files the run was given, or the files (and unreadable directories) counted,
        when there are more of those."""
        counted = sum(self.counts.values()) + sum(self.refused.values()) + self.failed
        return max(counted, self.given)

    def summary(self) -> str:
        """The closing line: how many files, and what became of them."""
        parts = [
            f"{self.counts['changed']} {'would change' if self.would else 'changed'}",
            f"{self.counts['unchanged']} unchanged",
        ]
        if self.where or self.counts["skipped"]:
            parts.append(f"{self.counts['skipped']} skipped by --where")
        if self.refused:
            why = ", ".join(f"{count} {reason}" for reason, count in self.refused.most_common())
            parts.append(f"{sum(self.refused.values())} refused ({why})")
        if self.failed:
            parts.append(f"{self.failed} could not be read or written")
        total = self.total
        return f"{self.command}: {total} file{'s' if total != 1 else ''}: " + ", ".join(parts)


# --- jq programs ----------------------------------------------------------------------------


def add_jq_variables(parser: argparse.ArgumentParser) -> None:
    """Add jq's ``--arg NAME VALUE`` and ``--argjson NAME JSON`` to a command."""
    parser.add_argument(
        "--arg",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="bind $NAME to the string VALUE in the jq programs (repeatable)",
    )
    parser.add_argument(
        "--argjson",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "JSON"),
        help="bind $NAME to the JSON value JSON in the jq programs (repeatable)",
    )


@contextlib.contextmanager
def jq_stoppable() -> Iterator[None]:
    """Run a jq program in this block so that Ctrl-C ends the process at once, as it ends
    ``jq``: the binding hands no control back to Python until a program is done, so the
    ``KeyboardInterrupt`` handler would wait for a program that may never end.

    For commands with nothing half-done while a program runs (each earlier file saved,
    each earlier output flushed). A Ctrl-C that is ignored (a background job) stays so.
    """
    import signal

    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is None or previous is signal.SIG_IGN:
            previous = None  # not Python's to restore, or meant to be ignored
        else:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except ValueError:  # not the main thread: signals are not this thread's to change
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def jq_program(source: str, args: argparse.Namespace, option: str = "EXPR") -> Program:
    """``source`` compiled as a jq program with the variables of ``--arg`` and
    ``--argjson``. Raises :class:`UsageError` when it does not compile."""
    import json

    from newsmeta import jqprogram
    from newsmeta.errors import JqError

    variables: dict[str, object] = dict(getattr(args, "arg", []))
    for name, text in getattr(args, "argjson", []):
        try:
            variables[name] = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"--argjson {name}: not JSON: {exc}") from None
    try:
        return jqprogram.compile(source, variables)  # type: ignore[arg-type]
    except JqError as exc:
        raise UsageError(f"{option}: {_first_jq_error(str(exc))}") from None


def _first_jq_error(text: str) -> str:
    """jq's compile error on one line: its first error, located, without the excerpt of
    the program with a caret under it (which needs a line of its own to make sense)."""
    import re

    first, _, rest = text.partition("\n")
    first = first.rstrip(":")
    located = re.search(r" at <top-level>, (line \d+, column \d+)$", first)
    if located:
        first = f"{first[: located.start()]} ({located.group(1)})"
    if "expecting QQSTRING" in first:  # the parser's names for the inside of a string
        first = re.sub(r", expecting QQSTRING\w*( or QQSTRING\w*)*", "", first)
        first = first.replace("unexpected end of file", 'a string is never closed (")')
    more = rest.count("jq: error")
    return first + (f" (and {more} more error{'s' * (more > 1)})" if more else "")
