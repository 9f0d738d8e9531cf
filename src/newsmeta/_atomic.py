"""Saving a file as a transaction: atomic, locked, keeping what the file was, leaving nothing.

**Atomic.** The new bytes go to a temporary file next to the target (same file system),
are flushed and fsynced, take the target's owner, group, mode and extended attributes,
and are then renamed over the target: a reader sees the old file or the new one, never a
mix. The folder is not fsynced: after a power loss the rename may be lost, which leaves
the old file (still "old or new"), and a folder fsync doubles the cost of a save.

**The temporary is the lock.** Each target has exactly one temporary name, fixed and
recognisable (:func:`temporary_name`): ``.NAME.newsmeta.tmp`` beside ``NAME`` (for a
name too long for that, a shortened ``NAME`` plus a hash of it, so the temporary always
fits the file system's name limit). A save owns that name for its whole critical section:

1. it creates the name exclusively (``O_CREAT | O_EXCL``), takes an exclusive
   ``flock`` on the new file, and checks that the name still refers to the file it
   locked (a stale-temporary sweep, below, may have removed it in between: then it
   starts again);
2. holding it, it re-reads the target and compares it with what was loaded
   (:class:`~newsmeta.errors.ConcurrentModificationError` if it changed or was deleted),
   writes, copies the metadata, and renames the temporary over the target.

The rename moves the locked file itself into place, so the lock travels with the new
file and the name is free again exactly when the target holds the new bytes. A lock on
the target's own inode would not do: the rename replaces that inode, and a second writer
that locked the old one would find its lock guarding nothing. A lock on the folder would
serialise unrelated files, and NFS cannot take an exclusive ``flock`` on a folder (it
needs a descriptor open for writing). A separate lock file would be a second name to
leave behind. Here nothing else ever exists beside the file, and no other program's lock
on the article itself can block a save.

**Writers that take no lock** (``rm``, an editor, ``git checkout``) are caught too. On
Linux the last step is ``renameat2(RENAME_EXCHANGE)``: the temporary and the target swap
names atomically, and the file that comes out must be the one that was checked, with the
same bytes; otherwise the swap is undone and the save refused. A target deleted since the
check cannot be swapped, so it is never re-created. Where names cannot be swapped (other
systems, NFS), the target is checked once more just before ``os.replace``: a window of
microseconds remains, and an in-place write in it is not seen.

**Clean-up.** An existing temporary is either in use (its ``flock`` is held) or stale (its
writer died: the kernel dropped the lock). A save that finds one tries the lock without
waiting: held, it waits (polling, up to :data:`LOCK_TIMEOUT` seconds, then refuses);
free, it removes the stale file, holding the lock while it unlinks, so a writer that
created the name a moment earlier notices in step 1 and starts again. A temporary is
only ever removed or renamed by the holder of its lock. SIGINT, SIGTERM and SIGHUP are
held back from the moment the temporary is created until it is renamed or removed (in
the main thread; see :func:`_signals_deferred`), so Ctrl-C and ``kill`` take effect
right after the save, never in the middle of it; SIGKILL cannot be held back, and the
temporary it leaves is removed by the next save of the same file.

**Where locks do not exist.** Without ``fcntl`` (Windows), or on a file system that
refuses ``flock`` (``ENOLCK``: NFS without a lock manager; some FUSE file systems), the
exclusive creation of the temporary is the lock, and a temporary counts as stale only
when it is older than :data:`STALE_AFTER` seconds. Saves stay atomic and still refuse a
changed file, but a save that outlives that age can be overtaken.

**Keeping what the file was.** Owner and group (``fchown``; root can always keep them, a
user only their own files and groups), mode (setuid and setgid are dropped when the owner
or group cannot be kept), and extended attributes where the platform exposes them (Linux:
``user.*``, ACLs as ``system.posix_acl_*``, SELinux labels as ``security.selinux``; others
only as far as ``os.listxattr`` exists). Whatever cannot be kept is named in a
:class:`~newsmeta.errors.MetadataNotKeptError`, and nothing is written, unless forced.
A read-only file (no write bit, or not writable by this user) is refused the same way.
Symbolic links and files with other hard links are refused unless the caller allows
them: then a symlink's target is replaced (the link stays), and a hard link is broken
(the other names keep the old bytes).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

__all__ = [
    "BATCH_BYTES",
    "BATCH_FILES",
    "LOCK_TIMEOUT",
    "STALE_AFTER",
    "TEMP_SUFFIX",
    "Write",
    "create_atomic",
    "fingerprint",
    "temporary_name",
    "write_atomic",
    "write_atomic_many",
]

#: Every temporary newsmeta writes ends with this (and starts with ``.``).
TEMP_SUFFIX: Final = ".newsmeta.tmp"

#: Seconds a save waits for another save of the same file before refusing.
LOCK_TIMEOUT: float = 20.0

#: Where there are no locks: the age in seconds after which a temporary counts as stale.
STALE_AFTER: float = 60.0

#: The signals held back while a temporary exists (those that end a process by default
#: and that a user or a service manager sends: Ctrl-C, kill, a closed terminal).
_DEFERRED_SIGNALS: Final = ("SIGINT", "SIGTERM", "SIGHUP")


try:
    # What hashlib.blake2b is in CPython, without hashlib's loading of OpenSSL (about 2%
    # of the start-up of a command that saves a file).
    from _blake2 import blake2b as _blake2b
except ImportError:  # another implementation
    from hashlib import blake2b as _blake2b


def fingerprint(data: bytes) -> bytes:
    """A digest of a file's bytes (its length first), to notice that the file changed."""
    return len(data).to_bytes(8, "big") + _blake2b(data, digest_size=16).digest()


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def temporary_name(name: str, name_max: int = 255) -> str:
    """The one temporary name of the file called ``name``: ``.NAME.newsmeta.tmp``.

    When that is longer than ``name_max`` bytes, ``NAME`` is shortened and a hash of the
    whole name is added (``.SHORT~HASH.newsmeta.tmp``), so every name the file system
    accepts has a temporary that fits.
    """
    plain = f".{name}{TEMP_SUFFIX}"
    if len(os.fsencode(plain)) <= name_max:
        return plain
    key = _blake2b(os.fsencode(name), digest_size=8).hexdigest()
    tail = f"~{key}{TEMP_SUFFIX}"
    room = max(0, name_max - 1 - len(tail))
    short = name
    while len(os.fsencode(short)) > room:
        short = short[:-1]
    return f".{short}{tail}"


# --- locks --------------------------------------------------------------------------------

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    _flock = None
else:
    _flock = fcntl.flock

#: Errors that mean "this file system has no usable flock", as opposed to "held".
_NO_LOCKS: Final = frozenset(
    {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL, errno.EBADF}
)


def _lock(fd: int, *, wait: bool) -> bool | None:
    """Take an exclusive flock: True when taken, False when held elsewhere, None when the
    file system (or platform) has no locks."""
    if _flock is None:
        return None
    import fcntl

    try:
        _flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _NO_LOCKS:
            return None
        raise
    return True


def _same_file(fd: int, path: str) -> bool:
    return _status_if_named(fd, path) is not None


def _status_if_named(fd: int, path: str) -> os.stat_result | None:
    """The status of the open file ``fd`` when ``path`` names it, else None."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return None
    mine = os.fstat(fd)
    return mine if (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino) else None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP in this block (main thread, POSIX only).

    A signal that arrives meanwhile is delivered when the block ends: the save is then
    complete (or cleaned up), and the signal acts as it would have (Ctrl-C raises
    ``KeyboardInterrupt``, ``kill`` ends the process). Other threads cannot be protected:
    a signal there takes its normal course, and the next save removes what it left.
    """
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    wanted = {getattr(signal, name) for name in _DEFERRED_SIGNALS if hasattr(signal, name)}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _create(tmp: str) -> int | None:
    """Create and own ``tmp``: its descriptor, locked, or None when another save owns it.

    Where there are no locks, exclusive creation alone is the lock.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        return None
    try:
        if _lock(fd, wait=True) is None or _same_file(fd, tmp):
            return fd
    except BaseException:
        os.close(fd)
        raise
    # A sweep removed the name between its creation and the lock: not ours any more.
    os.close(fd)
    return None


def _sweep(tmp: str) -> bool:
    """Remove ``tmp`` if it is stale; True when the name is (now) free to try again."""
    try:
        info = os.lstat(tmp)
    except FileNotFoundError:
        return True
    if not stat.S_ISREG(info.st_mode):
        raise FileExistsError(
            errno.EEXIST,
            "a file that is not a newsmeta temporary has the temporary's name; remove it",
            tmp,
        )
    fd: int | None = None
    for flags in (os.O_RDWR, os.O_RDONLY):  # NFS can only lock what is open for writing
        try:
            fd = os.open(tmp, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
            break
        except FileNotFoundError:
            return True
        except PermissionError:
            continue
    try:
        locked = _lock(fd, wait=False) if fd is not None else None
        if locked is False:
            return False  # in use
        if locked is None and time.time() - info.st_mtime < STALE_AFTER:
            return False  # no lock to ask: only age tells
        if fd is not None and not _same_file(fd, tmp):
            return True  # its owner renamed or removed it meanwhile
        # Stale: its writer is gone. Unlink while holding its lock (see the module doc).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        return True
    finally:
        if fd is not None:
            os.close(fd)


# --- metadata -----------------------------------------------------------------------------


def _xattrs(fd: int) -> dict[str, bytes]:
    if not hasattr(os, "listxattr"):
        return {}
    try:
        names = os.listxattr(fd)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            return {}
        raise
    values = {}
    for name in names:
        with contextlib.suppress(OSError):  # removed meanwhile, or unreadable: not kept
            values[name] = os.getxattr(fd, name)
    return values


def _set_mode(fd: int, name: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows before Python 3.13
        os.chmod(name, mode)


def _keep_metadata(old: os.stat_result, old_fd: int, new_fd: int, new_name: str) -> list[str]:
    """Give ``new_fd`` the owner, group, mode and extended attributes of the old file.

    Returns what could not be kept (empty when everything was). setuid and setgid are
    dropped when the owner or the group cannot be kept.
    """
    lost: list[str] = []
    new = os.fstat(new_fd)
    if hasattr(os, "fchown") and (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.fchown(new_fd, old.st_uid, old.st_gid)
        except PermissionError:
            with contextlib.suppress(OSError):  # a user may still keep one of its groups
                os.fchown(new_fd, -1, old.st_gid)
        new = os.fstat(new_fd)
    owner_kept = new.st_uid == old.st_uid
    group_kept = new.st_gid == old.st_gid
    if not owner_kept:
        lost.append(f"owner (uid {old.st_uid})")
    if not group_kept:
        lost.append(f"group (gid {old.st_gid})")
    # Extended attributes after the owner (a chown clears security.capability) and before
    # the mode (an ACL rewrites the group bits; the mode then sets the same mask again).
    wanted = _xattrs(old_fd)
    have = _xattrs(new_fd)
    for name, value in wanted.items():
        if have.get(name) != value:
            try:
                os.setxattr(new_fd, name, value)
            except OSError:
                lost.append(f"extended attribute {name}")
    for name in have.keys() - wanted.keys():  # e.g. an ACL inherited from the folder
        try:
            os.removexattr(new_fd, name)
        except OSError:
            lost.append(f"absence of extended attribute {name}")
    mode = stat.S_IMODE(old.st_mode)
    if not owner_kept:
        mode &= ~(stat.S_ISUID | stat.S_ISGID)
    if not group_kept:
        mode &= ~stat.S_ISGID
    _set_mode(new_fd, new_name, mode)
    got = stat.S_IMODE(os.fstat(new_fd).st_mode)
    if got != mode:  # a user may not set setgid for a group it is not in
        lost.append(f"mode {stat.S_IMODE(old.st_mode):04o} (got {got:04o})")
    elif mode != stat.S_IMODE(old.st_mode):
        lost.append(f"mode {stat.S_IMODE(old.st_mode):04o} (setuid/setgid dropped)")
    if wanted and _xattrs(new_fd) != wanted:
        settled = _xattrs(new_fd)
        for name in sorted(wanted.keys() | settled.keys()):
            entry = f"extended attribute {name}"
            if wanted.get(name) != settled.get(name) and entry not in lost:
                lost.append(entry)
    return lost


def _default_mode() -> int:
    """0o666 less the umask, read without changing it where Linux allows."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    umask = os.umask(0o022)  # not thread-safe; only where /proc cannot tell
    os.umask(umask)
    return 0o666 & ~umask


def _read_only(info: os.stat_result, target: str) -> bool:
    if not info.st_mode & 0o222:
        return True
    if sys.platform == "win32":  # pragma: no cover
        return False
    effective = os.access in os.supports_effective_ids
    return not os.access(target, os.W_OK, effective_ids=effective)


# --- the save -----------------------------------------------------------------------------


def write_atomic(
    path: Path,
    data: bytes,
    *,
    expected: bytes | None = None,
    allow_links: bool = False,
    force: bool = False,
    recreate: bool = False,
) -> None:
    """Replace ``path`` by ``data`` atomically, under the lock described in the module doc.

    ``expected`` is the :func:`fingerprint` the file must still have (``None``: no check,
    any file there is replaced). Raises, writing nothing:

    - :class:`~newsmeta.errors.ConcurrentModificationError` when the file's bytes differ
      from ``expected``, when it was deleted since (unless ``recreate``), or when another
      save of it has held the lock for :data:`LOCK_TIMEOUT` seconds;
    - :class:`~newsmeta.errors.LinkedFileError` for a symlink or a file with other hard
      links, unless ``allow_links``;
    - :class:`~newsmeta.errors.ReadOnlyFileError` for a read-only file and
      :class:`~newsmeta.errors.MetadataNotKeptError` when its owner, group, mode or an
      extended attribute cannot be kept, unless ``force``;
    - :class:`OSError` for every other failure (the folder not writable, disk full...).

    In every case the old file is untouched and the temporary is gone.
    """
    from newsmeta.errors import LinkedFileError

    if not allow_links and os.path.islink(path):
        raise LinkedFileError(str(path), "it is a symbolic link")
    target = Path(os.path.realpath(path))

    def save(temporary: _Temporary) -> None:
        _save_owned(path, str(target), temporary, data, expected, allow_links, force, recreate)

    _transaction(path, target, save)


def create_atomic(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, atomically, and never replace an existing file.

    Under the same lock as :func:`write_atomic`, the bytes go to the file's temporary
    (flushed, fsynced, given the default permissions), which is then hard-linked to
    ``path``: the link fails if the name exists, so a file another program created
    meanwhile is never replaced, and a reader sees no file or the whole new one. Where the
    file system has no hard links, ``path`` is claimed with an exclusive create and the
    temporary renamed over the (empty) claim. Raises
    :class:`~newsmeta.errors.ExistingFileError` when ``path`` exists (a dangling symbolic
    link included), :class:`OSError` on other failures; nothing is left behind.
    """
    from newsmeta.errors import ExistingFileError

    path = Path(path)
    if os.path.lexists(path):
        raise ExistingFileError(str(path))
    target = Path(os.path.realpath(path.parent)) / path.name

    def create(temporary: _Temporary) -> None:
        _create_owned(path, str(target), temporary, data)

    _transaction(path, target, create)


def _transaction(path: Path, target: Path, work: Callable[[_Temporary], None]) -> None:
    """Own ``target``'s temporary (waiting for another save, sweeping a stale one), run
    ``work`` with it, and leave no temporary whatever happens."""
    from newsmeta.errors import ConcurrentModificationError

    tmp = str(target.parent / temporary_name(target.name, _name_max(target.parent)))
    deadline = time.monotonic() + LOCK_TIMEOUT
    delay = 0.0005
    while True:
        with _signals_deferred():
            try:
                owned = _create(tmp)
            except OSError as exc:
                raise _temporary_error(exc, path, tmp) from None
            if owned is not None:
                handle = _Temporary(owned, tmp)
                try:
                    work(handle)
                except BaseException:
                    handle.discard()
                    raise
                finally:
                    handle.close()
                return
        if not _sweep(tmp):
            if time.monotonic() >= deadline:
                raise ConcurrentModificationError(
                    str(path),
                    f"another save has held it for {LOCK_TIMEOUT:g} seconds",
                    busy=True,
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        elif time.monotonic() >= deadline:  # the name keeps changing hands
            raise ConcurrentModificationError(
                str(path), f"other saves kept it busy for {LOCK_TIMEOUT:g} seconds", busy=True
            )


class _Temporary:
    """The owned temporary: its descriptor (which holds the lock) and its name."""

    __slots__ = ("fd", "name", "renamed")

    def __init__(self, fd: int, name: str) -> None:
        self.fd: int | None = fd
        self.name = name
        self.renamed = False

    def rename_to(self, target: str) -> None:
        """Move the temporary over ``target`` (the lock moves with it)."""
        if os.name == "nt":  # pragma: no cover - Windows cannot rename an open file
            self.close()
        os.replace(self.name, target)
        self.renamed = True

    def discard(self) -> None:
        """Remove the temporary (the caller still owns it)."""
        if not self.renamed:
            with contextlib.suppress(OSError):
                os.unlink(self.name)

    def close(self) -> None:
        """Release the lock."""
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)


def _temporary_error(exc: OSError, path: Path, tmp: str) -> OSError:
    reason = exc.strerror or str(exc)
    return type(exc)(exc.errno, f"{reason} (creating the temporary {Path(tmp).name})", str(path))


def _save_owned(
    path: Path,
    target: str,
    temporary: _Temporary,
    data: bytes,
    expected: bytes | None,
    allow_links: bool,
    force: bool,
    recreate: bool,
) -> None:
    old_fd, info, checked = _open_checked(path, target, expected, allow_links, force, recreate)
    try:
        fd = temporary.fd
        assert fd is not None
        _write_all(fd, data)
        os.fsync(fd)
        _take_metadata(path, temporary, old_fd, info, force)
        old_fd = _put_in_place(path, target, temporary, old_fd, checked, recreate)
    finally:
        if old_fd is not None:
            os.close(old_fd)


def _open_checked(
    path: Path,
    target: str,
    expected: bytes | None,
    allow_links: bool,
    force: bool,
    recreate: bool,
) -> tuple[int | None, os.stat_result | None, bytes | None]:
    """Open the file to be replaced and check it may be: its descriptor, its status and,
    when ``expected`` is given, the bytes found to match it (all None when it does not
    exist and may be created). Raises as :func:`write_atomic` says."""
    from newsmeta.errors import (
        ConcurrentModificationError,
        LinkedFileError,
        ReadOnlyFileError,
    )

    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        old_fd = os.open(target, flags)
    except FileNotFoundError:
        if expected is not None and not recreate:
            raise ConcurrentModificationError(str(path), deleted=True) from None
        return None, None, None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a symlink since the path was resolved
            raise ConcurrentModificationError(str(path)) from None
        raise
    try:
        info = os.fstat(old_fd)
        if not stat.S_ISREG(info.st_mode):
            from newsmeta._files import NotRegularFileError

            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
        checked = None
        if expected is not None:
            checked = _held(old_fd, info, expected)
            if checked is None:
                raise ConcurrentModificationError(str(path))
        if not allow_links and info.st_nlink > 1:
            raise LinkedFileError(str(path), f"it has {info.st_nlink} hard links")
        if not force and _read_only(info, target):
            raise ReadOnlyFileError(
                str(path),
                stat.S_IMODE(info.st_mode),
                writable_by_someone=bool(info.st_mode & 0o222),
            )
    except BaseException:
        os.close(old_fd)
        raise
    return old_fd, info, checked


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _take_metadata(
    path: Path,
    temporary: _Temporary,
    old_fd: int | None,
    info: os.stat_result | None,
    force: bool,
) -> None:
    """Give the temporary what the old file was (or a new file's default mode)."""
    from newsmeta.errors import MetadataNotKeptError

    fd = temporary.fd
    assert fd is not None
    if info is None or old_fd is None:
        _set_mode(fd, temporary.name, _default_mode())
        return
    lost = _keep_metadata(info, old_fd, fd, temporary.name)
    if lost and not force:
        raise MetadataNotKeptError(str(path), lost)


def _put_in_place(
    path: Path,
    target: str,
    temporary: _Temporary,
    old_fd: int | None,
    checked: bytes | None,
    recreate: bool,
) -> int | None:
    """Rename the (durable) temporary over ``target``, checked (``checked``: the bytes
    the file was found to hold, or None when its bytes do not matter); the old
    descriptor, if it is still open, for the caller to close."""
    if old_fd is None:
        temporary.rename_to(target)
    elif os.name == "nt":  # pragma: no cover - Windows cannot replace an open file
        os.close(old_fd)
        old_fd = None
        temporary.rename_to(target)
    else:
        _replace_checked(path, target, temporary, old_fd, checked, recreate)
    return old_fd


def _create_owned(path: Path, target: str, temporary: _Temporary, data: bytes) -> None:
    from newsmeta.errors import ExistingFileError

    if os.path.lexists(target):
        raise ExistingFileError(str(path))
    fd = temporary.fd
    assert fd is not None
    _write_all(fd, data)
    os.fsync(fd)
    _set_mode(fd, temporary.name, _default_mode())
    try:
        os.link(temporary.name, target)
    except FileExistsError:
        raise ExistingFileError(str(path)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        try:  # no hard links here: claim the name, then rename over the empty claim
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise ExistingFileError(str(path)) from None
        temporary.rename_to(target)
        return
    temporary.discard()  # the file has its name now; the temporary's goes
    temporary.renamed = True


def _holds(fd: int, info: os.stat_result, expected: bytes) -> bool:
    """True when the open file still has the bytes whose fingerprint is ``expected``."""
    return _held(fd, info, expected) is not None


def _held(fd: int, info: os.stat_result, expected: bytes) -> bytes | None:
    """The bytes of the open file, when they are those whose fingerprint is ``expected``;
    else None."""
    if info.st_size != int.from_bytes(expected[:8], "big"):
        return None
    data = _read_whole(fd, info)
    return data if fingerprint(data) == expected else None


def _read_whole(fd: int, info: os.stat_result) -> bytes:
    """Every byte of the open regular file whose status is ``info``."""
    chunks: list[bytes] = []
    offset = 0
    wanted = max(info.st_size + 1, 1 << 16)
    while True:
        chunk = os.pread(fd, wanted, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        if offset == info.st_size and len(chunk) < wanted:
            # A short read of a regular file is its end, and the file is as long as its
            # status said: no read is needed to see that nothing follows. (A byte added
            # since the status was taken is a write racing with this check, like one that
            # lands just after it: the checks of the swap are there for those.)
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _replace_checked(
    path: Path,
    target: str,
    temporary: _Temporary,
    old_fd: int,
    checked: bytes | None,
    recreate: bool,
) -> None:
    """Put the temporary in place of the file open as ``old_fd``, and of nothing else.

    Other newsmeta saves wait for the lock, but a plain ``rm``, an editor's save or a
    ``git checkout`` does not. Where Linux can exchange two names atomically
    (``renameat2(RENAME_EXCHANGE)``), the temporary and the target swap places, and the
    file that comes out is checked: if it is not the file that was checked (replaced or
    edited since), the swap is undone and the save refused; a deleted target cannot be
    swapped at all. Elsewhere the file is checked once more just before ``os.replace``,
    which leaves a window of microseconds.
    """
    from newsmeta.errors import ConcurrentModificationError

    # Hold the old file too: after the swap it bears the temporary's name, and only the
    # holder of a temporary's lock may remove it (see the module doc).
    if _lock(old_fd, wait=False) is True:
        try:
            swapped = _exchange(temporary.name, target)
        except FileNotFoundError:
            if not recreate:
                raise ConcurrentModificationError(str(path), deleted=True) from None
            swapped = False
        if swapped:
            status = _status_if_named(old_fd, temporary.name)
            if status is not None and (
                checked is None
                or (status.st_size == len(checked) and _read_whole(old_fd, status) == checked)
            ):
                temporary.renamed = True
                os.unlink(temporary.name)  # the old file, which this save holds
                return
            try:
                _exchange(temporary.name, target)  # undo: the other writer's file goes back
            except OSError:
                # The target vanished in between: the temporary's name now holds the other
                # writer's file, which must not be removed as if it were ours.
                temporary.renamed = True
                raise
            raise ConcurrentModificationError(str(path))
    if not _same_file(old_fd, target):
        if os.path.lexists(target):
            raise ConcurrentModificationError(str(path))
        if not recreate:
            raise ConcurrentModificationError(str(path), deleted=True)
    temporary.rename_to(target)


def _exchange_supported(path: Path) -> bool:
    """True when names in ``path``'s folder can be swapped atomically (for tests)."""
    folder = path.parent
    a, b = folder / ".newsmeta-probe-a", folder / ".newsmeta-probe-b"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    try:
        return _exchange(str(a), str(b)) and a.read_bytes() == b"b"
    finally:
        a.unlink()
        b.unlink()


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100
_renameat2: Callable[[int, bytes, int, bytes, int], int] | None = None
_exchange_known = False


def _exchange(a: str, b: str) -> bool:
    """Swap the files named ``a`` and ``b`` atomically; False where that is not possible.

    Raises :class:`FileNotFoundError` when either name does not exist.
    """
    global _renameat2, _exchange_known
    if not _exchange_known:
        _exchange_known = True
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).renameat2
                function.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                function.restype = ctypes.c_int
                _renameat2 = function
    if _renameat2 is None:
        return False
    import ctypes

    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code == errno.ENOENT:
        raise FileNotFoundError(code, os.strerror(code), b)
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False  # this file system (or kernel) cannot swap names
    raise OSError(code, os.strerror(code), b)


# --- many saves, one durability barrier ---------------------------------------------------


class Write:
    """One file of :func:`write_atomic_many`: what :func:`write_atomic` takes."""

    __slots__ = ("allow_links", "data", "expected", "force", "path", "recreate")

    def __init__(
        self,
        path: Path,
        data: bytes,
        *,
        expected: bytes | None = None,
        allow_links: bool = False,
        force: bool = False,
        recreate: bool = False,
    ) -> None:
        self.path = path
        self.data = data
        self.expected = expected
        self.allow_links = allow_links
        self.force = force
        self.recreate = recreate


#: Most files :func:`write_atomic_many` holds staged at once. Each holds two descriptors
#: (its temporary, which is its lock, and the old file, which the checked swap needs)
#: until its rename, so this stays far below the usual limit of 1024 open files; and
#: 128 small files make the barrier's cost per file small (see the function).
BATCH_FILES: Final = 128

#: Most bytes :func:`write_atomic_many` holds staged at once: the barrier writes them all
#: before any rename, and a Ctrl-C waits for it.
BATCH_BYTES: Final = 4 * 1024 * 1024


def write_atomic_many(writes: list[Write]) -> list[BaseException | None]:
    """Save several files, each as :func:`write_atomic` would, with one durability barrier.

    Returns, for each write in order, None when it was saved or the exception that
    refused it (those :func:`write_atomic` raises; the file untouched, its temporary
    gone). Other exceptions (a ``MemoryError``) remove every temporary not yet renamed
    and propagate: each file is then its old bytes or its new ones, whole.

    A save is three steps. For each file: take its temporary (the lock), check the file
    against ``expected``, write the bytes and copy the metadata, with no fsync. Then one
    barrier makes every temporary durable: ``syncfs`` on each file system involved (Linux
    5.8 or later, where it reports write-back errors); where it is missing or fails, each
    temporary is fsynced on its own, and one whose fsync fails is refused. Only then, for
    each file, the checked swap or rename of :func:`write_atomic`; at the end each folder
    touched is fsynced once, so the renames are durable too. Each file's bytes are thus on
    disk before its name points to them, as with one save, at a fraction of the cost: a
    journalling file system commits many files in one barrier as fast as one.

    SIGINT, SIGTERM and SIGHUP are held back (main thread) from the first temporary to
    the last rename: a signal acts once every file of the call is saved or refused. A
    file whose temporary another save holds is not waited for inside that window: it is
    saved on its own afterwards, with the usual wait. Writes beyond :data:`BATCH_FILES`
    files or :data:`BATCH_BYTES` bytes go in further barriers.
    """
    results: list[BaseException | None] = [None] * len(writes)
    if os.name == "nt":  # pragma: no cover - no syncfs, and renames need closed files
        for number, write in enumerate(writes):
            results[number] = _write_one(write)
        return results
    start = 0
    while start < len(writes):
        end, size = start, 0
        while end < len(writes) and end - start < BATCH_FILES:
            size += len(writes[end].data)
            if end > start and size > BATCH_BYTES:
                break  # a larger file than the limit still goes, on its own
            end += 1
        alone = _write_batch(writes, range(start, end), results)
        for number in alone:
            results[number] = _write_one(writes[number])
        start = end
    return results


def _write_one(write: Write) -> BaseException | None:
    from newsmeta.errors import NewsmetaError

    try:
        write_atomic(
            write.path,
            write.data,
            expected=write.expected,
            allow_links=write.allow_links,
            force=write.force,
            recreate=write.recreate,
        )
    except (OSError, NewsmetaError) as exc:
        return exc
    return None


class _Staged:
    """A file of a batch between its write and its rename."""

    __slots__ = ("checked", "device", "number", "old_fd", "target", "temporary")

    def __init__(
        self,
        number: int,
        target: str,
        temporary: _Temporary,
        old_fd: int | None,
        checked: bytes | None,
        device: int,
    ) -> None:
        self.number = number
        self.target = target
        self.temporary = temporary
        self.old_fd = old_fd
        self.checked = checked  # what the file held when checked (None: not checked)
        self.device = device

    def close(self) -> None:
        if self.old_fd is not None:
            fd, self.old_fd = self.old_fd, None
            os.close(fd)
        self.temporary.close()


def _write_batch(
    writes: list[Write], numbers: range, results: list[BaseException | None]
) -> list[int]:
    """Save ``writes[numbers]`` with one barrier, filling ``results``; return the numbers
    of the files whose temporary was busy (to be saved one by one)."""
    from newsmeta.errors import NewsmetaError

    busy: list[int] = []
    staged: list[_Staged] = []
    name_max: dict[str, int] = {}
    folder_of: dict[str, str] = {}
    with _signals_deferred():
        try:
            for number in numbers:
                write = writes[number]
                temporary: _Temporary | None = None
                old_fd: int | None = None
                try:
                    target = _resolved(write.path, write.allow_links, folder_of)
                    folder = os.path.dirname(target)
                    if folder not in name_max:
                        name_max[folder] = _name_max(Path(folder))
                    tmp = os.path.join(folder, temporary_name(os.path.basename(target),
                                                              name_max[folder]))  # fmt: skip
                    temporary = _take_free(write.path, tmp)
                    if temporary is None:
                        busy.append(number)
                        continue
                    old_fd, info, checked = _open_checked(
                        write.path,
                        target,
                        write.expected,
                        write.allow_links,
                        write.force,
                        write.recreate,
                    )
                    assert temporary.fd is not None
                    _write_all(temporary.fd, write.data)
                    _take_metadata(write.path, temporary, old_fd, info, write.force)
                    device = info.st_dev if info is not None else os.fstat(temporary.fd).st_dev
                except (OSError, NewsmetaError) as exc:
                    results[number] = exc
                    if temporary is not None:
                        temporary.discard()
                        temporary.close()
                    if old_fd is not None:
                        os.close(old_fd)
                    continue
                except BaseException:
                    if temporary is not None:
                        temporary.discard()
                        temporary.close()
                    if old_fd is not None:
                        os.close(old_fd)
                    raise
                staged.append(_Staged(number, target, temporary, old_fd, checked, device))
            for item, error in _make_durable(staged):
                results[item.number] = error
                item.temporary.discard()
                item.close()
            folders: set[str] = set()
            replaced: list[int] = []
            for item in staged:
                if item.temporary.fd is None:
                    continue  # refused by the barrier
                write = writes[item.number]
                try:
                    item.old_fd = _put_in_place(
                        write.path,
                        item.target,
                        item.temporary,
                        item.old_fd,
                        item.checked,
                        write.recreate,
                    )
                    folders.add(os.path.dirname(item.target))
                    if item.old_fd is not None:
                        replaced.append(item.old_fd)
                        item.old_fd = None
                except (OSError, NewsmetaError) as exc:
                    results[item.number] = exc
                    item.temporary.discard()
                finally:
                    item.close()
            _close_together(replaced)
            for folder in sorted(folders):
                _sync_folder(folder)
        finally:
            for item in staged:  # only after an unexpected exception: nothing is left
                if item.temporary.fd is not None:
                    item.temporary.discard()
                    item.close()
    return busy


def _resolved(path: Path, allow_links: bool, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, for a file of a batch whose folders resolve through
    ``folders`` (each folder as given, resolved once for the batch: most files of a batch
    share one, and resolving it costs a ``lstat`` per component of the path). Raises
    :class:`~newsmeta.errors.LinkedFileError` for a symbolic link unless ``allow_links``."""
    name = os.fspath(path)
    folder, base = os.path.split(name)
    try:
        link = stat.S_ISLNK(os.lstat(name).st_mode)
    except OSError:  # gone, say: resolved as it is, and the check that follows tells
        return os.path.realpath(name)
    if link:
        if not allow_links:
            from newsmeta.errors import LinkedFileError

            raise LinkedFileError(name, "it is a symbolic link")
        return os.path.realpath(name)
    if base in ("", ".", ".."):
        return os.path.realpath(name)
    # Not a link: it resolves to its folder's real path and its own name.
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder)
    return os.path.join(real, base)


def _take_free(path: Path, tmp: str) -> _Temporary | None:
    """Own ``tmp`` if it is free or stale; None when another save holds it."""
    for _ in range(2):
        try:
            owned = _create(tmp)
        except OSError as exc:
            raise _temporary_error(exc, path, tmp) from None
        if owned is not None:
            return _Temporary(owned, tmp)
        if not _sweep(tmp):
            return None
    return None


def _make_durable(staged: list[_Staged]) -> list[tuple[_Staged, OSError]]:
    """Put every staged temporary on disk: one ``syncfs`` per file system, else an fsync
    per file. The files whose data could not be made durable, each with why."""
    failed: list[tuple[_Staged, OSError]] = []
    devices: dict[int, list[_Staged]] = {}
    for item in staged:
        devices.setdefault(item.device, []).append(item)
    for group in devices.values():
        first = group[0].temporary.fd
        assert first is not None
        # The first temporary was opened before any of the group's bytes were written, so
        # a write-back error of any of them is reported to it.
        if len(group) > 1 and _syncfs(first):
            continue
        for item in group:
            fd = item.temporary.fd
            assert fd is not None
            try:
                os.fsync(fd)
            except OSError as exc:
                failed.append((item, exc))
    return failed


#: Most threads that close the replaced files of a batch (see :func:`_close_together`).
_CLOSERS: Final = 8


def _close_together(fds: list[int]) -> None:
    """Close the descriptors of replaced (now unlinked) files, several at once.

    Closing the last reference to an unlinked file frees its blocks, and on some file
    systems (ext4 mounted with ``discard``, measured on Linux 6) each such close waits a
    few milliseconds, mostly for the kernel rather than the disk: one after the other,
    that cost more than the whole save of a file. Closes that run at the same time share
    that wait (200 of them: 0.8 s one by one, 0.02 s on four threads). Up to
    :data:`_CLOSERS` threads each close their share, one after the other: as many closes
    wait at once as with one task per descriptor, without a task, a future and a lock per
    file. The threads block the signals :func:`_signals_deferred` holds back, so those
    still reach the main thread only once the batch is done. Each descriptor is closed
    exactly once, and this returns only when every one is.
    """
    if len(fds) < 2:
        for fd in fds:
            os.close(fd)
        return
    import threading

    count = min(_CLOSERS, len(fds))
    shares = [fds[at::count] for at in range(count)]
    threads = [
        threading.Thread(target=_close_each, args=(share,), name="newsmeta-close", daemon=True)
        for share in shares[1:]
    ]
    started = 0
    try:
        for thread in threads:
            thread.start()
            started += 1
    except RuntimeError:  # no thread to be had: the main thread closes the rest
        pass
    finally:
        for share in [shares[0], *shares[1 + started :]]:
            _close_each(share, block=False)
        for thread in threads[:started]:
            thread.join()


def _close_each(fds: list[int], block: bool = True) -> None:
    """Close each of ``fds`` (a failure does not stop the others: the descriptor is
    released by the kernel whatever ``close`` reports)."""
    if block:
        _block_signals()
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _block_signals() -> None:
    """Keep the signals :func:`_signals_deferred` holds back away from this thread."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        wanted = {getattr(signal, name) for name in _DEFERRED_SIGNALS if hasattr(signal, name)}
        signal.pthread_sigmask(signal.SIG_BLOCK, wanted)


def _sync_folder(folder: str) -> None:
    """fsync ``folder``, so the renames in it survive a power loss. Best effort: the files
    are in place already, and some file systems cannot fsync a folder."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    with contextlib.suppress(OSError):
        fd = os.open(folder, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_syncfs_function: Callable[[int], int] | None = None
_syncfs_known = False


def _syncfs_reports_errors() -> bool:
    """True on Linux 5.8 or later: ``syncfs`` returns write-back errors (before, it
    returned 0 even when the data did not reach the disk)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        numbers = os.uname().release.split("-")[0].split(".")
        return (int(numbers[0]), int(numbers[1])) >= (5, 8)
    except (ValueError, IndexError):
        return False


def _syncfs(fd: int) -> bool:
    """Write every dirty page of the file system ``fd`` is on; True when that succeeded
    and was checked, False where ``syncfs`` is missing, cannot report errors, or failed
    (then the caller fsyncs each file)."""
    global _syncfs_function, _syncfs_known
    if not _syncfs_known:
        _syncfs_known = True
        if _syncfs_reports_errors():
            with contextlib.suppress(OSError, AttributeError):
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).syncfs
                function.argtypes = [ctypes.c_int]
                function.restype = ctypes.c_int
                _syncfs_function = function
    if _syncfs_function is None:
        return False
    return _syncfs_function(fd) == 0
