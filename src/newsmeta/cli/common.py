"""What every command shares: exit codes, messages, input files, configuration, progress.

Command modules import from here and never from each other or from
:mod:`newsmeta.cli` itself, so the package has no import circle. Every message to stderr
goes through :func:`message`, the one place where what reaches the terminal is decided.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO, TypeAlias

if TYPE_CHECKING:
    from newsmeta.config import Config

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "Commands",
    "Progress",
    "collect_paths",
    "cpu_count",
    "excluded",
    "isatty",
    "load_configuration",
    "message",
    "split_codes",
    "write_diff",
]

#: Every file passed; the edit was made.
EXIT_OK = 0
#: A file has a problem at or above the failing severity, or an edit was refused.
EXIT_PROBLEMS = 1
#: A usage mistake, a bad configuration, or a file that could not be read or written.
EXIT_USAGE = 2

#: The object a command module's ``register`` adds its subcommands to.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def message(text: str) -> None:
    """Write one message line to stderr: every diagnostic of the command line comes here."""
    sys.stderr.write(text + "\n")


# --- input files --------------------------------------------------------------------------

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


# --- configuration ------------------------------------------------------------------------


def load_configuration(path: str | None) -> Config:
    """The configuration in ``path``, or the one found from the working directory.

    Raises :class:`newsmeta.config.ConfigError` for a bad file.
    """
    from pathlib import Path

    from newsmeta.config import find_config, load_config

    return load_config(Path(path)) if path else find_config()


def split_codes(values: list[str] | None) -> tuple[str, ...] | None:
    """Codes from repeatable, comma-separated options; None when the option was not given."""
    if values is None:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


# --- output -------------------------------------------------------------------------------


def write_diff(before: str, after: str, name: str, stream: TextIO) -> None:
    """Write the unified diff from ``before`` to ``after`` for the file ``name``.

    Lines keep their tabs; every other control or bidi character (taken from the file, or
    from its name) is shown as a visible escape, so nothing in a file can drive the
    terminal. Each line ends with one newline, whatever the file's line endings.
    """
    import difflib

    from newsmeta._escape import printable

    label = printable(name.lstrip("/"))
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{label}",
        tofile=f"b/{label}",
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

    def __init__(self, total: int, stream: TextIO, stdout: TextIO) -> None:
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
