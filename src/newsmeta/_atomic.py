"""Atomic file replacement: a reader sees the old file or the new one, never a mix.

The new bytes go to a temporary file in the same folder (same file system), are flushed
and fsynced, take the old file's permission bits, and then ``os.replace`` swaps them in;
the folder is not fsynced: after a power loss the rename may be lost, which leaves the
old file (still "old or new", never a mix), and a folder fsync doubles the cost of a
save. Symbolic links and files with other hard links are refused unless the caller
allows them: then a symlink's target is replaced (the link stays), and a hard link is
broken (the other names keep the old bytes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["create_atomic", "fingerprint", "write_atomic"]


def fingerprint(data: bytes) -> bytes:
    """A digest of a file's bytes, to notice that it changed."""
    return hashlib.blake2b(data, digest_size=16).digest()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: Path, data: bytes, *, expected: bytes | None = None, allow_links: bool = False
) -> None:
    """Replace ``path`` by ``data`` atomically.

    ``expected`` is the :func:`fingerprint` the file must still have (``None``: no check);
    when the file's bytes differ, :class:`~newsmeta.errors.ConcurrentModificationError` is
    raised and nothing is written. A symlink, or a file with more than one hard link, raises
    :class:`~newsmeta.errors.LinkedFileError` unless ``allow_links``. Other failures raise
    :class:`OSError`; the temporary file is then removed and the old file is untouched.
    """
    from newsmeta.errors import ConcurrentModificationError, LinkedFileError

    if not allow_links and os.path.islink(path):
        raise LinkedFileError(str(path), "it is a symbolic link")
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
        mode: int | None = stat.S_IMODE(info.st_mode)
        if not allow_links and info.st_nlink > 1:
            raise LinkedFileError(str(path), f"it has {info.st_nlink} hard links")
    except FileNotFoundError:
        mode = None
    if expected is not None:
        try:
            current = fingerprint(target.read_bytes())
        except FileNotFoundError:
            current = b""
        if current != expected:
            raise ConcurrentModificationError(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def create_atomic(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, atomically, and never replace an existing file.

    The bytes go to a temporary file in the same folder (flushed, fsynced, given the
    default permissions), which is then hard-linked to ``path``: the link fails if the name
    exists, so another writer's file is never replaced, and a reader sees no file or the
    whole new one. Where the file system has no hard links, ``path`` is claimed with an
    exclusive create and the temporary file renamed over the (empty) claim. Raises
    :class:`~newsmeta.errors.ExistingFileError` when ``path`` exists (a dangling symbolic
    link included), :class:`OSError` on other failures; nothing is left behind.
    """
    import errno

    from newsmeta.errors import ExistingFileError

    path = Path(path)
    if os.path.lexists(path):
        raise ExistingFileError(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ExistingFileError(str(path)) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                raise ExistingFileError(str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
