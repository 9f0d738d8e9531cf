"""Exceptions raised by failed operations.

Problems found *in* a file are values (:class:`newsmeta.Problem`), never raised on their
own. An exception means an operation failed: every one derives from
:class:`NewsmetaError`, and each also derives from the builtin it is, so callers may
catch either.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsmeta.problems import Problem

__all__ = [
    "AliasEditError",
    "ConcurrentModificationError",
    "ConversionError",
    "DuplicateKeyEditError",
    "EditError",
    "ExistingFileError",
    "FileTooLargeError",
    "InvalidDocumentError",
    "InvalidPathError",
    "JqError",
    "JqHaltError",
    "LinkedFileError",
    "MetadataNotKeptError",
    "NewProblemsError",
    "NewsmetaError",
    "PathNotFoundError",
    "ReadOnlyFileError",
    "VerificationError",
]


class NewsmetaError(Exception):
    """Base class of every exception newsmeta raises on purpose.

    Every one pickles to an equal exception (same type, message and attributes), so it
    crosses a process pool or a Dask cluster like the results do. A subclass with its own
    constructor keeps each constructor argument as an attribute of the same name, from
    which :meth:`__reduce__` calls the constructor again.
    """

    def __reduce__(self) -> str | tuple[object, ...]:
        import inspect

        init = type(self).__init__
        if not inspect.isfunction(init):  # the builtin's constructor: it pickles as it is
            return super().__reduce__()

        args: list[object] = []
        kwargs: dict[str, object] = {}
        for name, parameter in list(inspect.signature(init).parameters.items())[1:]:
            value = getattr(self, name)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[name] = value
            else:
                args.append(value)
        return (_rebuild, (type(self), tuple(args), kwargs), self.__dict__)


def _rebuild(
    cls: type[NewsmetaError], args: tuple[object, ...], kwargs: dict[str, object]
) -> NewsmetaError:
    """``cls(*args, **kwargs)``: how a pickled :class:`NewsmetaError` is made again."""
    return cls(*args, **kwargs)


class InvalidDocumentError(NewsmetaError, ValueError):
    """A document has error-level problems; ``problems`` holds all of them, in order."""

    def __init__(self, problems: Sequence[Problem], path: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path = path
        errors = [p for p in self.problems if p.severity == "error"]
        where = path or "<text>"
        first = errors[0] if errors else None
        summary = (
            f"{where}: {len(errors)} error(s); first at {first.line}:{first.column}: "
            f"{first.code} {first.message}"
            if first
            else f"{where}: invalid"
        )
        super().__init__(summary)


class ConversionError(NewsmetaError, ValueError):
    """Data does not fit the model: a wrong type, a missing required key, a bad timestamp.

    ``failures`` lists every failing key, in the order found, as ``(pointer, message)``
    pairs: ``pointer`` is the RFC 6901 JSON Pointer of the key (``/provider/images/0/width``,
    ``""`` for the whole value), ``message`` says what is wrong with it.
    """

    def __init__(self, failures: Sequence[tuple[str, str]], what: str = "article") -> None:
        self.failures: tuple[tuple[str, str], ...] = tuple(failures)
        self.what = what
        listed = "; ".join(
            f"{pointer or '(the whole value)'}: {message}" for pointer, message in self.failures
        )
        super().__init__(
            f"the data is not a valid {what} ({len(self.failures)} failing key(s)): {listed}"
        )


class EditError(NewsmetaError, ValueError):
    """An edit was refused; the document is unchanged."""


class InvalidPathError(EditError):
    """A path is malformed; ``path`` is the text given."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"invalid path {path!r}: {reason}")


class PathNotFoundError(EditError, LookupError):
    """A path leads nowhere; ``path`` is the part that was not found."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0])


class AliasEditError(EditError):
    """The edit would go through a YAML anchor or alias, which newsmeta does not rewrite.

    ``cause`` says which anchor or alias, and where (``"the value holds the anchor '&a'
    at line 3"``), when known.
    """

    def __init__(self, path: str, cause: str | None = None) -> None:
        self.path = path
        self.cause = cause
        if cause is None:
            super().__init__(
                f"{path}: the value is reached through a YAML anchor or alias; "
                "edit the file by hand or remove the anchor first"
            )
            return
        remedy = (
            "write out the value it stands for"
            if cause.startswith("the value is the alias")
            else "remove the anchor and its aliases"
        )
        super().__init__(
            f"{path}: {cause}; newsmeta does not edit through YAML anchors and aliases: "
            f"edit the file by hand, or {remedy} first"
        )


class DuplicateKeyEditError(EditError, LookupError):
    """The path goes through a key defined more than once in one mapping.

    YAML readers disagree on which definition counts (newsmeta reads the first, PyYAML
    and Ruby's Psych the last), so no edit or read through it is faithful. ``lines`` are
    the 1-based lines of the definitions.
    """

    def __init__(self, path: str, lines: Sequence[int]) -> None:
        self.path = path
        self.lines = tuple(lines)
        where = ", ".join(str(line) for line in self.lines[:-1]) + f" and {self.lines[-1]}"
        super().__init__(
            f"{path}: the key is defined more than once, at lines {where}; YAML readers "
            "disagree on which one counts, so delete all but one by hand first"
        )

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0])


class VerificationError(EditError):
    """The edited text did not read back as the intended data (``expected``/``actual``)."""

    def __init__(self, message: str, expected: object, actual: object) -> None:
        self.message = message
        self.expected = expected
        self.actual = actual
        super().__init__(message)


class JqError(NewsmetaError, ValueError):
    """A jq program did not compile, failed on a file's data, or gave an output the
    operation cannot use (no output, several, or not an object for an edit). The message
    says which, in jq's own words where jq gave some."""


class JqHaltError(JqError):
    """A jq program called ``halt_error`` or ``halt``: jq would print ``output`` on stderr
    as it is and end the whole run with exit status ``status`` (5 for ``halt_error``, the
    argument for ``halt_error(status)``, 0 for ``halt``). ``output`` is the program's
    input to ``halt_error``: a string as it is, null as nothing, any other value as compact
    JSON and a newline."""

    def __init__(self, output: str, status: int) -> None:
        self.output = output
        self.status = status
        shown = output.rstrip("\n")
        super().__init__(
            f"jq: halt_error with exit status {status}: {shown}"
            if shown
            else f"jq: the program halted with exit status {status}"
        )


class NewProblemsError(NewsmetaError, ValueError):
    """A write was refused because the edit introduced errors; ``problems`` lists them."""

    def __init__(self, problems: Sequence[Problem], path: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path = path
        where = path or "<text>"
        listed = "; ".join(f"{p.line}:{p.column} {p.code} {p.message}" for p in self.problems)
        super().__init__(
            f"{where}: the edit introduces {len(self.problems)} error(s) "
            f"(use force=True / --force to write anyway): {listed}"
        )


class ConcurrentModificationError(NewsmetaError, OSError):
    """The file changed or was deleted since it was loaded; it was not written.

    ``reason`` says what happened; ``deleted`` is True when the file no longer exists (it
    is not re-created unless asked: ``Document.save(recreate=True)``), and ``busy`` when
    another save of the file held its lock too long. The command line re-reads a file that
    changed and applies its by-path edit again; a program may do the same.
    """

    def __init__(
        self, path: str, reason: str | None = None, *, deleted: bool = False, busy: bool = False
    ) -> None:
        self.path = path
        self.deleted = deleted
        self.busy = busy
        if reason is None:
            reason = (
                "it was deleted since it was loaded (not re-created)"
                if deleted
                else "it changed on disk since it was loaded"
            )
        self.reason = reason
        super().__init__(f"{path}: {reason}; not written")

    def __str__(self) -> str:
        return str(self.args[0])


class ReadOnlyFileError(NewsmetaError, PermissionError):
    """The file is read-only: no write permission bit, or not writable here (by this user,
    or an immutable file). Nothing was written.

    ``mode`` is its permission bits; ``errno`` is ``EACCES``, so a caller that reports
    I/O errors by their cause sees a permission problem. ``force=True`` (``--force``)
    writes anyway, keeping the mode (and, where it can, the owner).
    """

    def __init__(self, path: str, mode: int, *, writable_by_someone: bool = False) -> None:
        import errno

        self.path = path
        self.mode = mode
        self.writable_by_someone = writable_by_someone
        what = (
            f"the file is not writable (mode {mode:04o})"
            if writable_by_someone
            else f"the file is read-only (mode {mode:04o})"
        )
        self._text = (
            f"{path}: {what}; not written "
            "(force=True, or --force on the command line, writes anyway)"
        )
        super().__init__(errno.EACCES, f"{what} (--force writes anyway)", path)

    def __str__(self) -> str:
        return self._text


class MetadataNotKeptError(NewsmetaError, PermissionError):
    """A save could not keep the file's owner, group, mode or extended attributes.

    ``lost`` names each one; ``errno`` is ``EPERM``. Nothing was written;
    ``force=True`` (``--force``) writes anyway, without them (setuid and setgid are then
    dropped with the owner or group).
    """

    def __init__(self, path: str, lost: Sequence[str]) -> None:
        import errno

        self.path = path
        self.lost: tuple[str, ...] = tuple(lost)
        what = f"saving would not keep the file's {', '.join(self.lost)}"
        self._text = (
            f"{path}: {what}; not written "
            "(force=True, or --force on the command line, writes anyway)"
        )
        super().__init__(errno.EPERM, f"{what} (--force writes anyway)", path)

    def __str__(self) -> str:
        return self._text


class FileTooLargeError(NewsmetaError, OSError):
    """The file is larger than the size limit, so it was not read (``errno`` is EFBIG).

    ``limit`` is the limit in bytes (``max-file-bytes`` in the configuration lowers it).
    """

    def __init__(self, path: str, limit: int) -> None:
        import errno

        self.limit = limit
        super().__init__(
            errno.EFBIG, f"the file is larger than the limit of {limit} bytes; not read", path
        )

    @property
    def path(self) -> str:
        """The path of the file."""
        return str(self.filename)

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class ExistingFileError(NewsmetaError, FileExistsError):
    """A new file was not written because a file of that name exists; it is untouched."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: the file exists; not overwritten (overwrite=True, or --overwrite on "
            "the command line, replaces it)"
        )


class LinkedFileError(NewsmetaError, OSError):
    """The file is a symbolic link or has other hard links; it was not overwritten.

    Replacing a symlink's target or breaking a hard link changes what other names see;
    pass ``allow_links=True`` (``--allow-links``) to do it anyway.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: {reason}; not overwritten "
            "(allow_links=True, or --allow-links on the command line, writes anyway)"
        )
