"""Reading article files safely: regular files only, never blocking, never unbounded.

A FIFO opened for reading blocks until a writer appears, and a device can stream
forever; a validator that walks a pull request must not hang on either. Files are opened
without blocking, checked to be regular with ``fstat`` (so a file swapped between a check
and the read cannot slip through), and read up to one byte past the size limit.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Final

from newsmeta.errors import NewsmetaError

__all__ = ["NotRegularFileError", "io_problem_code", "read_article", "read_article_bytes"]


class NotRegularFileError(NewsmetaError, OSError):
    """The path is a FIFO, socket, device or directory, not a regular file."""


_MAX_READ: Final = 1 << 20


def read_article_bytes(path: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``: all of them, or at most ``max_bytes + 1``
    (enough to tell that the file is over ``max_bytes``).

    Raises :class:`NotRegularFileError` for anything but a regular file, and
    :class:`OSError` for every other I/O failure (missing, permission, symlink loop).
    """
    return read_article(path, max_bytes)[0]


def read_article(
    path: str | os.PathLike[str], max_bytes: int | None = None
) -> tuple[bytes, os.stat_result]:
    """:func:`read_article_bytes`, with the ``fstat`` of the file taken before reading it.

    The status describes the very file the bytes came from (not whatever the path names
    a moment later), which is what a cache needs to tell later whether the file changed.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a directory"
                if stat.S_ISDIR(mode)
                else "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a socket"
                if stat.S_ISSOCK(mode)
                else "a device"
            )
            raise NotRegularFileError(errno.EINVAL, f"not a regular file but {kind}", str(path))
        chunks = []
        remaining = -1 if max_bytes is None else max_bytes + 1
        # Buffers the size of the file (one byte more, to meet its end), not a fixed
        # megabyte: a buffer past malloc's mmap threshold is a fresh mapping, page faults
        # and an munmap on every read wherever that threshold is fixed, as it is in Dask's
        # workers (they set MALLOC_TRIM_THRESHOLD_). A read that fills its buffer (a file
        # that grew, or one whose size is not told) doubles the next one.
        size = min(status.st_size + 1, _MAX_READ)
        while remaining != 0:
            want = size if remaining < 0 else min(remaining, size)
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            if remaining > 0:
                remaining -= len(chunk)
            if len(chunk) == want:
                size = min(2 * size, _MAX_READ)
        return b"".join(chunks), status
    finally:
        os.close(fd)


def io_problem_code(exc: OSError) -> str:
    """The problem code for a failed read: each common cause has its own."""
    from newsmeta.errors import FileTooLargeError

    if isinstance(exc, FileTooLargeError):
        return "limit-file-size"  # what validate reports for the same file
    if isinstance(exc, NotRegularFileError):
        return "io-not-regular-file"
    if exc.errno == errno.ENOENT:
        return "io-file-missing"
    if exc.errno == errno.ELOOP:
        return "io-symlink-loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "io-permission-denied"
    if exc.errno == errno.EISDIR:
        return "io-not-regular-file"
    return "io-error"
