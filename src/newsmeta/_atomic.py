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

__all__ = ["fingerprint", "write_atomic"]


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
