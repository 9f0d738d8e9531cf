"""``newsmeta edit``: edit the front matter of many files with one jq program.

::

    newsmeta edit '.topics |= (if index(["AI"]) then . else . + ["AI"] end)' content/
    newsmeta edit --where '.quality > 50' '.published = true' content/
    newsmeta edit --check '.title |= gsub("  +"; " ")' content/

The program runs on each file's JSON view (timestamps as RFC 3339 text) with ``$path``
bound to the file's path; its one output, an object, is the new front matter. The
difference between the old and the new data is spliced into the text and verified by
re-reading it (:meth:`newsmeta.Document.apply`): only the lines of changed values change,
new keys go to their canonical position, removed keys and items take exactly their lines.

A file is refused, and left byte-identical, when the program fails on it, yields no output,
several or a non-object, when its front matter cannot be read, or when the edit would
introduce an error (unless ``--force``). ``--where EXPR`` edits only the files where that
jq condition holds. ``--dry-run`` prints the diffs and writes nothing; ``--check`` writes
nothing and exits 1 when a file would change; ``--diff`` prints each diff as it is written.
The program is compiled once for the whole run, which is one process.

Over several files a progress bar shows on a terminal (never in CI) and a summary line on
stderr counts the files changed, unchanged, skipped by ``--where`` and refused (with why).
Changed files are saved in batches (up to :data:`_BATCH_FILES` files or
:data:`_BATCH_BYTES` bytes, see :func:`newsmeta.document.save_many`): each file is written
to its temporary, one barrier makes them all durable, then each is renamed into place.
Each save stays atomic, checked against the file as it was read, and keeps the file's
owner, mode and attributes; a file is read only after any earlier save of it is done.

``Ctrl-C`` stops the run between two files, after the summary, and never between a printed
diff and its write; ``kill`` (SIGTERM) and a closed terminal (SIGHUP) do the same, then end
the process as that signal does. Every file edited before the signal is saved first (a
batch being saved is finished, the files waiting for one are saved): no file is left
half-written and no temporary is left behind. While a jq program is running, a signal
acts when it returns; a program that never ends is stopped at once when no save is
waiting (always on the first file, and on every file once the program has been slow on
one: each run then saves the files waiting first). A program quick on every file so far
that never ends on the next while saves are waiting is stopped only by SIGQUIT or SIGKILL
(``kill -QUIT``, ``kill -9``): the files waiting are then not saved (each stays whole, as
it was) and no temporary is left.

Exit codes: 0 done; 1 when a file was refused, or with ``--check`` when a file would change;
2 for usage mistakes (a program that does not compile) and I/O errors (a read-only file
included); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from newsmeta.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    Commands,
    Tally,
    add_config_options,
    add_jq_variables,
    jq_program,
    load_configuration,
    message,
    not_written,
    refuse_introduced_errors,
    refuse_stdin,
    resolve_inputs,
    verdict_policy,
    write_diff,
)

if TYPE_CHECKING:
    from newsmeta.config import Config
    from newsmeta.document import Document
    from newsmeta.jqprogram import Program

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``edit`` to ``commands``."""
    edit = commands.add_parser(
        "edit",
        help="edit front matter with a jq program, changing only the lines that must change",
        description="Run the jq program EXPR on each file's front matter (its JSON view, "
        "$path bound to the file's path); its one output, an object, becomes the new "
        "front matter, spliced into the file so that only the lines of changed values "
        "change.",
    )
    edit.add_argument("program", metavar="EXPR", help="a jq program yielding one object")
    edit.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or globs (default: the configured include)",
    )
    edit.add_argument(
        "--where",
        metavar="EXPR",
        default=None,
        help="edit only files where this jq condition yields a value other than false or null",
    )
    mode = edit.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help="print the unified diffs; write nothing"
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; name each file that would change and exit 1 if any would",
    )
    edit.add_argument("--diff", action="store_true", help="print the unified diff of each change")
    edit.add_argument(
        "--force",
        action="store_true",
        help="write even if an edit introduces errors, a file is read-only, or its owner, "
        "group or extended attributes cannot be kept",
    )
    edit.add_argument(
        "--allow-links",
        action="store_true",
        help="write through a symbolic link, or break a hard link (refused by default)",
    )
    add_jq_variables(edit)
    add_config_options(edit)
    edit.set_defaults(handler=_run_edit)


def _error(text: str) -> None:
    message(f"newsmeta edit: {text}")


def _run_edit(args: argparse.Namespace) -> int:
    program = jq_program(args.program, args)
    where = jq_program(args.where, args, "--where") if args.where is not None else None
    config = load_configuration(args.config)
    refuse_stdin(args.paths, "newsmeta edit")
    inputs = resolve_inputs(args.paths, args.exclude, config)
    run = _Run(program, where, args, config, len(inputs.paths))
    for directory, error in inputs.unreadable:
        run.count(_Outcome("failed", "could not be read", f"{directory}: directory not read: "
                           f"{error.strerror or error}"))  # fmt: skip
    return run.over(inputs.paths)


#: What names one file whatever the path to it (see :func:`_identity`).
_Key = tuple[int, int] | str


@attrs.define
class _Outcome:
    """What the edit of one file came to, before anything is printed or written."""

    #: ``changed``, ``unchanged``, ``skipped``, ``refused`` or ``failed``.
    kind: str
    #: Why a file was refused or failed, as counted in the summary.
    reason: str = ""
    #: The message naming the file, for stderr.
    text: str = ""
    document: Document | None = None
    before: str = ""
    #: The file's identity, taken before it was loaded (see :func:`_identity`).
    key: _Key | None = None


#: Summary words for the refusals raised by the library.
_REASONS = {
    "NewProblemsError": "would introduce errors",
    "ConcurrentModificationError": "changed on disk meanwhile",
    "LinkedFileError": "linked files (see --allow-links)",
    "AliasEditError": "through an anchor or alias",
    "VerificationError": "did not read back as the program asked",
    "JqError": "the jq program failed",
}


class _Run:
    """One ``newsmeta edit`` over many files: the tally, Ctrl-C, the output."""

    def __init__(
        self,
        program: Program,
        where: Program | None,
        args: argparse.Namespace,
        config: Config,
        total: int,
    ) -> None:
        self.program = program
        self.where = where
        self.args = args
        self.config = config
        self.tally = Tally(
            "newsmeta edit", total, where=where is not None, would=args.dry_run or args.check
        )
        self.deferring = False
        self.interrupted = False
        #: The signal that stopped the run (SIGINT, SIGTERM or SIGHUP), if any.
        self.signalled = 0
        #: The jq program took longer than :data:`_SLOW_PROGRAM` on some file.
        self.slow = False
        self.batch: _Batch | None = None
        #: The signals of :data:`_STOPPING` that this run handles (those not ignored).
        self.stopping: tuple[int, ...] = _STOPPING
        #: What an edit that introduces errors is judged by (made once for every file).
        self.policy = verdict_policy(config)

    # --- the run ----------------------------------------------------------------------------

    def over(self, paths: list[str]) -> int:
        """Edit every file of ``paths``; return the exit code."""
        progress = self.tally.progress
        writes = not (self.args.dry_run or self.args.check)
        if writes and len(paths) > 1:
            self.batch = _Batch(allow_links=self.args.allow_links, force=self.args.force)
        done = 0
        broken = False
        # A signal ignored when the run starts (nohup, a background job) stays ignored.
        self.stopping = tuple(s for s in _STOPPING if signal.getsignal(s) is not signal.SIG_IGN)
        previous = {signum: signal.signal(signum, self._on_interrupt) for signum in self.stopping}
        try:
            for path in paths:
                if self.interrupted:
                    break
                key = None
                if self.batch is not None:
                    key = _identity(path)
                    if key in self.batch:  # the same file again: read it as saved
                        with self._deferred():
                            self._save_batch()
                outcome = self._edit(path)
                outcome.key = key
                progress.advance(bool(outcome.text) or self._prints(outcome))
                with self._deferred():
                    self._finish(path, outcome)
                done += 1
        except KeyboardInterrupt:
            self.interrupted = True
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as every command does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            broken = True
        finally:
            if self.batch is not None:
                # Every file edited is saved (every diff printed is written), whatever
                # happened since; a signal that comes meanwhile is counted, not raised,
                # so the summary still follows.
                with self._deferred():
                    self._save_batch()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            progress.close()
        if broken:
            return EXIT_BROKEN_PIPE
        if self.interrupted:
            left = len(paths) - done
            _error(f"interrupted; {left} file{'s' if left != 1 else ''} not looked at")
        if len(paths) > 1 or self.interrupted:
            message(self.tally.summary())
        if self.signalled and self.signalled != signal.SIGINT:
            # kill or a closed terminal: end as that signal ends a process, now that
            # every save under way is done.
            signal.signal(self.signalled, signal.SIG_DFL)
            os.kill(os.getpid(), self.signalled)
            return 128 + self.signalled  # pragma: no cover - where the signal did not end us
        if self.interrupted:
            return EXIT_INTERRUPTED
        return self.tally.status

    def _prints(self, outcome: _Outcome) -> bool:
        return outcome.kind == "changed" and (
            self.args.dry_run or self.args.diff or self.args.check
        )

    def _on_interrupt(self, signum: int, frame: object) -> None:
        self.interrupted = True
        self.signalled = self.signalled or signum
        if not self.deferring:
            raise KeyboardInterrupt

    def _deferred(self) -> _Deferring:
        """Ctrl-C waits until the block is done: a printed diff is always written."""
        return _Deferring(self)

    def _native(self) -> _NativeCall:
        """Run a jq program so that a signal can stop it, and never before a promised save.

        The jq binding never hands control back to Python while a program runs, so a
        Python handler would wait for the program to end. When no file waits to be saved,
        Ctrl-C and kill stop the process at once: a program that never ends can be
        stopped. The files waiting are not saved first while the program has run quickly
        on every file so far (a signal then acts when the program returns, a few
        microseconds later, and they are saved before the run ends); once it has been slow
        on a file, each run saves the files waiting first (a slow program makes a batch's
        savings small anyway)."""
        return _NativeCall(self)

    # --- one file ---------------------------------------------------------------------------

    def _edit(self, path: str) -> _Outcome:
        """Load ``path`` and run the programs on it; print and write nothing."""
        from newsmeta.document import load
        from newsmeta.errors import EditError, JqError, NewProblemsError

        try:
            document = load(path, max_bytes=self.config.limits.max_file_bytes)
        except OSError as exc:
            return _Outcome("failed", "could not be read", f"{path}: {exc.strerror or exc}")
        data = document.data
        if not isinstance(data, dict):
            first = next(iter(document.errors), None)
            why = f" ({first.line}:{first.column} {first.code})" if first is not None else ""
            return _Outcome(
                "refused",
                "front matter cannot be read",
                f"{path}: the front matter cannot be read as a mapping{why}; nothing changed",
            )
        before = document.dumps()
        try:
            with self._native():
                if self.where is not None and not self.where.test(data, path=path):
                    return _Outcome("skipped")
                new = self.program.transform(data, path=path)
            if not document.apply(lambda _: new, copy=False):
                return _Outcome("unchanged")
            if not self.args.force:
                refuse_introduced_errors(document, self.config, path, self.policy)
        except JqError as exc:
            return _Outcome("refused", _REASONS["JqError"], f"{path}: {exc}")
        except NewProblemsError as exc:
            return _Outcome("refused", _REASONS["NewProblemsError"], str(exc))
        except EditError as exc:
            reason = _REASONS.get(type(exc).__name__, "refused by the editor")
            return _Outcome("refused", reason, f"{path}: {exc}")
        return _Outcome("changed", document=document, before=before)

    def _finish(self, path: str, outcome: _Outcome) -> None:
        """Print and write what :meth:`_edit` decided, and count it."""

        if outcome.kind == "changed":
            document = outcome.document
            assert document is not None
            args = self.args
            if args.dry_run or args.diff:
                write_diff(outcome.before, document.dumps(), path, sys.stdout)
            elif args.check:
                from newsmeta._escape import printable

                sys.stdout.write(f"would change {printable(path)}\n")
            sys.stdout.flush()
            if args.check:
                self.tally.raise_status(EXIT_PROBLEMS)
            elif not args.dry_run:
                if self.batch is not None:
                    key = outcome.key if outcome.key is not None else _identity(path)
                    if self.batch.add(path, document, key):
                        self.count(outcome)
                        self._save_batch()
                        return
                else:
                    outcome = _saved(path, document, args.allow_links, args.force) or outcome
        self.count(outcome)

    def _save_batch(self) -> None:
        """Save the files waiting; count those that could not be (see :meth:`_report`)."""
        if self.batch:
            self._report(self.batch.save())

    def _report(self, results: list[tuple[str, _Outcome | None]]) -> None:
        """Count the writes that failed after their file was counted as changed."""
        for _path, failure in results:
            if failure is not None:
                self.tally.withdraw("changed")
                self.count(failure)

    def count(self, outcome: _Outcome) -> None:
        """Report ``outcome`` (its message, if any) and add it to the tally."""
        text = f"newsmeta edit: {outcome.text}" if outcome.text else ""
        if outcome.kind == "refused":
            self.tally.refuse(outcome.reason, text)
        elif outcome.kind == "failed":
            self.tally.fail(text)
        else:
            self.tally.count(outcome.kind, text)


# The two contexts below are plain classes rather than generator-based context managers:
# they are entered once or twice for every file, and a generator's set-up costs several
# times theirs.


class _Deferring:
    """The block of :meth:`_Run._deferred`: a signal in it is counted, not raised."""

    __slots__ = ("_run",)

    def __init__(self, run: _Run) -> None:
        self._run = run

    def __enter__(self) -> None:
        self._run.deferring = True

    def __exit__(self, *exc: object) -> None:
        self._run.deferring = False


class _NativeCall:
    """The block of :meth:`_Run._native`, around one run of the jq programs."""

    __slots__ = ("_handlers", "_run", "_started")

    def __init__(self, run: _Run) -> None:
        self._run = run
        self._handlers: list[tuple[int, Any]] = []
        self._started = 0.0

    def __enter__(self) -> None:
        run = self._run
        batch = run.batch
        if batch and run.slow:
            with _Deferring(run):
                run._save_batch()
        if run.interrupted:  # a signal came while they were saved: stop here
            raise KeyboardInterrupt
        if not batch:  # stoppable: nothing waits to be saved
            self._handlers = [(signum, _set_handler(signum, _DEFAULT)) for signum in run.stopping]
        self._started = time.monotonic()

    def __exit__(self, *exc: object) -> None:
        run = self._run
        for signum, handler in self._handlers:
            _set_handler(signum, handler)
        run.slow = run.slow or time.monotonic() - self._started > _SLOW_PROGRAM


def _saved(path: str, document: Document, allow_links: bool, force: bool) -> _Outcome | None:
    """Write ``document``; None when it was written, else why it was not."""
    from newsmeta.errors import NewsmetaError

    try:
        # The configuration's verdict on new problems was taken already; --force also
        # writes a read-only file and one whose owner or attributes cannot be kept.
        document.save(force=force, refuse_new_errors=False, allow_links=allow_links)
    except (OSError, NewsmetaError) as exc:
        return _not_saved(path, exc)
    return None


def _not_saved(path: str, exc: Exception) -> _Outcome:
    """What a file whose save raised ``exc`` counts as."""
    from newsmeta.errors import NewsmetaError

    if not not_written(exc):
        return _Outcome("refused", _REASONS.get(type(exc).__name__, "refused"), str(exc))
    if isinstance(exc, NewsmetaError):  # read-only, owner not kept: it names the file
        return _Outcome("failed", "could not be written", str(exc))
    if isinstance(exc, OSError):
        return _Outcome(
            "failed", "could not be written", f"{path}: not written: {exc.strerror or exc}"
        )
    return _Outcome("failed", "could not be written", f"{path}: not written: {exc}")


#: Most files edited before they are saved together. Their saves share one durability
#: barrier, whose cost is a journal commit: 128 files make it small per file (a fsync per
#: file costs more than everything else a changed file needs), while a Ctrl-C still
#: waits for no more than 128 small writes, and the messages about files that could not
#: be saved come soon after the file's turn.
_BATCH_FILES = 128

#: Most bytes of edited files held before they are saved together (large files gain
#: little from sharing a barrier, and the memory they hold is bounded).
_BATCH_BYTES = 4 * 1024 * 1024


class _Batch:
    """Edited documents waiting to be saved together (:func:`newsmeta.document.save_many`)."""

    def __init__(self, *, allow_links: bool, force: bool) -> None:
        self.allow_links = allow_links
        self.force = force
        self.waiting: list[tuple[str, Document]] = []
        self.keys: set[_Key] = set()
        self.size = 0

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def __contains__(self, key: _Key) -> bool:
        return key in self.keys

    def add(self, path: str, document: Document, key: _Key) -> bool:
        """Keep ``document`` (the file ``key`` names) to save; True when the batch is full."""
        self.waiting.append((path, document))
        self.keys.add(key)
        self.size += len(document.dumps())
        return len(self.waiting) >= _BATCH_FILES or self.size >= _BATCH_BYTES

    def save(self) -> list[tuple[str, _Outcome | None]]:
        """Save every document waiting: each path, and why it was not saved (or None)."""
        from newsmeta.document import save_many

        waiting, self.waiting, self.keys, self.size = self.waiting, [], set(), 0
        if not waiting:
            return []
        # The configuration's verdict on new problems was taken already; --force also
        # writes a read-only file and one whose owner or attributes cannot be kept.
        errors = save_many(
            [document for _, document in waiting],
            force=self.force,
            allow_links=self.allow_links,
            refuse_new_errors=False,
        )
        return [
            (path, None if error is None else _not_saved(path, error))
            for (path, _), error in zip(waiting, errors, strict=True)
        ]


#: Seconds a jq program may take on one file and still count as quick (see _Run._native).
_SLOW_PROGRAM = 0.05

#: The signals that stop a run: Ctrl-C, kill, a closed terminal (as plain numbers).
_STOPPING = tuple(
    int(getattr(signal, name)) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

#: Sets a signal's handler and returns the one it replaces, as :func:`signal.signal` does,
#: without turning each handler into an enum and back: that wrapper raises and catches a
#: ValueError for every Python handler, five times the cost of the setting itself, and
#: without a save waiting the handlers change twice for every file (see _Run._native).
_set_handler: Callable[[int, Any], Any] = getattr(
    importlib.import_module("_signal") if "_signal" in sys.modules else signal,
    "signal",
    signal.signal,
)
_DEFAULT = int(signal.SIG_DFL)


def _identity(path: str) -> _Key:
    """What names one file whatever the path to it: its device and inode."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.abspath(path)
    return info.st_dev, info.st_ino
