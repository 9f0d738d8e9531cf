"""Many saves with one durability barrier (``newsmeta._atomic.write_atomic_many``,
``newsmeta.document.save_many`` and ``newsmeta edit``): each file's bytes are durable
before its rename, a failed barrier falls back to an fsync per file, no concurrent update
is lost, what each file was is kept, and a signal leaves every file whole and no
temporary."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import newsmeta
from newsmeta import _atomic
from newsmeta._atomic import TEMP_SUFFIX, Write, fingerprint, temporary_name, write_atomic_many
from newsmeta.cli import main
from newsmeta.document import save_many
from newsmeta.errors import ConcurrentModificationError, LinkedFileError, ReadOnlyFileError

from .conftest import EXAMPLES

ARTICLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_bytes()
POSIX_ONLY = pytest.mark.skipif(_atomic._flock is None, reason="needs fcntl.flock")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def _files(folder: Path, count: int = 5) -> list[Path]:
    paths = [folder / f"{n}.md" for n in range(count)]
    for number, path in enumerate(paths):
        path.write_bytes(ARTICLE.replace(b"Harbour City", f"Harbour {number}".encode()))
    return paths


def _new(path: Path) -> bytes:
    return path.read_bytes().replace(b"Harbour", b"Edited")


def _writes(paths: list[Path]) -> list[Write]:
    return [Write(p, _new(p), expected=fingerprint(p.read_bytes())) for p in paths]


class _Events:
    """What the batch did, in order: temporaries written, barriers, renames."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, syncfs_works: bool = True) -> None:
        self.log: list[tuple[str, object]] = []
        self.fsynced: list[int] = []
        self.syncfs_works = syncfs_works
        write_all, make_durable = _atomic._write_all, _atomic._make_durable
        replace, exchange, fsync = os.replace, _atomic._exchange, os.fsync

        def logged_write_all(fd: int, data: bytes) -> None:
            write_all(fd, data)
            self.log.append(("write", fd))

        def logged_make_durable(staged: list[_atomic._Staged]) -> object:
            self.log.append(("barrier", len(staged)))
            return make_durable(staged)

        def fake_syncfs(fd: int) -> bool:
            self.log.append(("syncfs", fd))
            if self.syncfs_works:
                fsync(fd)  # stands for the real one, unlogged
            return self.syncfs_works

        def logged_fsync(fd: int) -> None:
            self.fsynced.append(fd)
            fsync(fd)

        def logged_replace(a: str, b: str) -> None:
            self.log.append(("rename", b))
            replace(a, b)

        def logged_exchange(a: str, b: str) -> bool:
            self.log.append(("rename", b))
            return exchange(a, b)

        monkeypatch.setattr(_atomic, "_write_all", logged_write_all)
        monkeypatch.setattr(_atomic, "_make_durable", logged_make_durable)
        monkeypatch.setattr(_atomic, "_syncfs", fake_syncfs)
        monkeypatch.setattr(os, "fsync", logged_fsync)
        monkeypatch.setattr(os, "replace", logged_replace)
        monkeypatch.setattr(_atomic, "_exchange", logged_exchange)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.log]


def test_every_temporary_is_durable_before_any_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _files(tmp_path)
    writes = _writes(paths)
    events = _Events(monkeypatch)
    seen_at_barrier: list[tuple[bytes, bytes]] = []
    make_durable = _atomic._make_durable

    def check_then_barrier(staged: list[_atomic._Staged]) -> object:
        # At the barrier every new text is in its temporary and no file has changed yet.
        for path in paths:
            tmp = tmp_path / temporary_name(path.name)
            seen_at_barrier.append((path.read_bytes(), tmp.read_bytes()))
        return make_durable(staged)

    monkeypatch.setattr(_atomic, "_make_durable", check_then_barrier)
    assert write_atomic_many(writes) == [None] * len(paths)
    kinds = events.kinds()
    assert kinds == ["write"] * 5 + ["barrier", "syncfs"] + ["rename"] * 5
    assert [new for _, new in seen_at_barrier] == [w.data for w in writes]
    assert all(old != new for old, new in seen_at_barrier)
    assert [p.read_bytes() for p in paths] == [w.data for w in writes]
    assert _temporaries(tmp_path) == []
    # One barrier, not one fsync per file: the only fsync is the folder's, after the renames.
    assert len(events.fsynced) == 1


def test_a_failed_syncfs_falls_back_to_an_fsync_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _files(tmp_path)
    writes = _writes(paths)
    events = _Events(monkeypatch, syncfs_works=False)
    temporaries: list[int] = []

    def write_all(fd: int, data: bytes) -> None:
        temporaries.append(fd)
        os.write(fd, data)

    monkeypatch.setattr(_atomic, "_write_all", write_all)
    assert write_atomic_many(writes) == [None] * len(paths)
    # Each temporary fsynced on its own, before any rename; then the folder.
    assert events.fsynced[: len(paths)] == temporaries
    assert len(events.fsynced) == len(paths) + 1
    assert "rename" not in events.kinds()[: events.kinds().index("syncfs") + 1]
    assert [p.read_bytes() for p in paths] == [w.data for w in writes]


def test_without_syncfs_each_file_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where syncfs is missing or cannot report write-back errors (Linux before 5.8).
    monkeypatch.setattr(_atomic, "_syncfs_known", True)
    monkeypatch.setattr(_atomic, "_syncfs_function", None)
    monkeypatch.setattr(os, "uname", lambda: os.uname_result(("Linux", "h", "5.4.0", "", "")))
    assert not _atomic._syncfs_reports_errors()
    assert not _atomic._syncfs(0)
    paths = _files(tmp_path, 3)
    fsynced: list[int] = []
    fsync = os.fsync

    def counted(fd: int) -> None:
        fsynced.append(fd)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", counted)
    assert write_atomic_many(_writes(paths)) == [None] * 3
    assert len(fsynced) == 3 + 1  # each file, then the folder


def test_a_file_whose_fsync_fails_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _files(tmp_path, 4)
    before = [p.read_bytes() for p in paths]
    writes = _writes(paths)
    _Events(monkeypatch, syncfs_works=False)
    bad = tmp_path / temporary_name(paths[2].name)
    fsync = os.fsync

    def failing(fd: int) -> None:
        if os.path.samestat(os.fstat(fd), os.stat(bad)) if bad.exists() else False:
            raise OSError(errno.EIO, "Input/output error")
        fsync(fd)

    monkeypatch.setattr(os, "fsync", failing)
    results = write_atomic_many(writes)
    assert isinstance(results[2], OSError)
    assert results[2].errno == errno.EIO
    assert [r is None for r in results] == [True, True, False, True]
    assert paths[2].read_bytes() == before[2]
    assert [p.read_bytes() for p in paths[:2] + paths[3:]] == [
        w.data for w in writes[:2] + writes[3:]
    ]
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["swap", "replace"])
@pytest.mark.parametrize("other", ["in-place", "editor-rename", "rm"])
def test_a_writer_between_the_write_and_the_rename_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool, other: str
) -> None:
    paths = _files(tmp_path, 4)
    if exchange and (sys.platform != "linux" or not _atomic._exchange_supported(paths[0])):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here")
    if not exchange:
        if other == "in-place":
            pytest.skip("without a swap, only renames and deletions are caught")
        monkeypatch.setattr(_atomic, "_exchange", lambda a, b: False)
    writes = _writes(paths)
    theirs = ARTICLE.replace(b"Harbour City", b"Their City")
    make_durable = _atomic._make_durable

    def meddle(staged: list[_atomic._Staged]) -> object:
        # Another program, which takes no lock, acts on file 1 after the batch checked it.
        if other == "in-place":
            with open(paths[1], "r+b") as handle:
                handle.write(theirs)
        elif other == "editor-rename":
            (tmp_path / "swap").write_bytes(theirs)
            os.replace(tmp_path / "swap", paths[1])
        else:
            paths[1].unlink()
        return make_durable(staged)

    monkeypatch.setattr(_atomic, "_make_durable", meddle)
    results = write_atomic_many(writes)
    assert isinstance(results[1], ConcurrentModificationError)
    assert results[1].deleted == (other == "rm")
    if other == "rm":
        assert not paths[1].exists()
    else:
        assert paths[1].read_bytes().startswith(theirs[:200])
        assert b"Their City" in paths[1].read_bytes()
    for number in (0, 2, 3):
        assert results[number] is None
        assert paths[number].read_bytes() == writes[number].data
    assert _temporaries(tmp_path) == []


def test_a_file_changed_before_the_batch_is_refused_and_the_others_saved(tmp_path: Path) -> None:
    paths = _files(tmp_path, 3)
    writes = _writes(paths)
    paths[0].write_bytes(b"---\ntitle: theirs\n---\n")
    results = write_atomic_many(writes)
    assert isinstance(results[0], ConcurrentModificationError)
    assert paths[0].read_bytes() == b"---\ntitle: theirs\n---\n"
    assert results[1:] == [None, None]
    assert _temporaries(tmp_path) == []


@POSIX_ONLY
def test_a_file_another_save_holds_is_saved_after_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batch does not wait for a lock while it holds signals back: that file is saved
    # on its own afterwards, with the usual wait.
    paths = _files(tmp_path, 3)
    writes = _writes(paths)
    tmp = tmp_path / temporary_name(paths[1].name)
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    if _atomic._lock(fd, wait=True) is None:
        os.close(fd)
        pytest.skip("no flock here")
    order: list[str] = []
    make_durable = _atomic._make_durable

    def note(staged: list[_atomic._Staged]) -> object:
        order.append(f"barrier of {len(staged)}")
        return make_durable(staged)

    def release() -> None:
        order.append("released")
        os.unlink(tmp)
        os.close(fd)

    monkeypatch.setattr(_atomic, "_make_durable", note)
    timer = threading.Timer(0.2, release)
    timer.start()
    try:
        assert write_atomic_many(writes) == [None, None, None]
    finally:
        timer.join()
    assert order == ["barrier of 2", "released"]
    assert [p.read_bytes() for p in paths] == [w.data for w in writes]
    assert _temporaries(tmp_path) == []


def test_writes_beyond_a_batch_go_in_further_barriers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_atomic, "BATCH_FILES", 3)
    paths = _files(tmp_path, 7)
    writes = _writes(paths)
    events = _Events(monkeypatch)
    assert write_atomic_many(writes) == [None] * 7
    assert [n for kind, n in events.log if kind == "barrier"] == [3, 3, 1]
    kinds = events.kinds()
    # Each barrier comes after its own files' writes and before their renames.
    assert kinds[:5] == ["write"] * 3 + ["barrier", "syncfs"]
    assert kinds[5:8] == ["rename"] * 3
    monkeypatch.setattr(_atomic, "BATCH_FILES", 128)
    monkeypatch.setattr(_atomic, "BATCH_BYTES", 2 * len(ARTICLE))
    events.log.clear()
    assert write_atomic_many(_writes(paths)) == [None] * 7
    assert [n for kind, n in events.log if kind == "barrier"] == [2, 2, 2, 1]


@pytest.mark.usefixtures("xattrs_supported")
def test_each_file_keeps_its_mode_and_attributes_and_a_read_only_one_is_refused(
    tmp_path: Path,
) -> None:
    paths = _files(tmp_path, 4)
    paths[0].chmod(0o640)
    os.setxattr(paths[1], "user.origin", b"wire")
    paths[2].chmod(0o444)
    before = paths[2].read_bytes()
    results = write_atomic_many(_writes(paths))
    assert isinstance(results[2], ReadOnlyFileError)
    assert paths[2].read_bytes() == before
    assert [results[0], results[1], results[3]] == [None, None, None]
    assert stat.S_IMODE(paths[0].stat().st_mode) == 0o640
    assert os.getxattr(paths[1], "user.origin") == b"wire"
    assert b"Edited" in paths[1].read_bytes()
    assert _temporaries(tmp_path) == []


def test_save_many_saves_documents_as_save_does(tmp_path: Path) -> None:
    paths = _files(tmp_path, 3)
    documents = [newsmeta.load(p) for p in paths]
    for document in documents:
        document.set("title", "Batched")
    paths[1].write_bytes(paths[1].read_bytes() + b"\nTheirs.\n")  # someone else's save
    results = save_many(documents)
    assert results[0] is None
    assert results[2] is None
    assert isinstance(results[1], ConcurrentModificationError)
    assert b"Theirs." in paths[1].read_bytes()
    assert not documents[0].changed
    # The documents saved know their new bytes: a second edit saves without a conflict.
    documents[0].set("title", "Again")
    assert save_many([documents[0]]) == [None]
    data = newsmeta.load(paths[0]).data
    assert isinstance(data, dict)
    assert data["title"] == "Again"


def test_edit_reads_a_file_named_twice_after_its_first_save(tmp_path: Path) -> None:
    # The same file under two names: the second edit must see the first one's save.
    (a,) = _files(tmp_path, 1)
    (tmp_path / "b.md").symlink_to(a)
    assert main(["edit", "--allow-links", ".heat += 1", str(a), str(tmp_path / "b.md")]) == 0
    data = newsmeta.load(a).data
    assert isinstance(data, dict)
    original = newsmeta.loads(ARTICLE.decode()).data
    assert isinstance(original, dict)
    heat = original["heat"]
    assert isinstance(heat, int)
    assert data["heat"] == heat + 2


#: ``newsmeta edit`` over the files named, in batches of three, where the second batch's
#: barrier sends the signal: it comes while six temporaries exist.
_SIGNAL_IN_BARRIER = """
import os, signal, sys
from newsmeta import _atomic
import newsmeta.cli.edit
newsmeta.cli.edit._BATCH_FILES = 3
barriers = []
make_durable = _atomic._make_durable
def signalled(staged):
    barriers.append(len(staged))
    if len(barriers) == 2:
        os.kill(os.getpid(), signal.{name})
    return make_durable(staged)
_atomic._make_durable = signalled
from newsmeta.cli import main
sys.exit(main(["edit", '.title = "Signalled"', *sys.argv[1:]]))
"""


@POSIX_ONLY
@pytest.mark.parametrize(("name", "returncode"), [("SIGINT", 130), ("SIGTERM", -signal.SIGTERM)])
def test_a_signal_in_a_batch_leaves_every_file_whole_and_no_temporary(
    tmp_path: Path, name: str, returncode: int
) -> None:
    paths = _files(tmp_path, 8)
    before = {p: p.read_bytes() for p in paths}
    run = subprocess.run(
        [sys.executable, "-c", _SIGNAL_IN_BARRIER.format(name=name), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == returncode, run.stderr
    assert _temporaries(tmp_path) == []
    changed = []
    for path in paths:
        if path.read_bytes() != before[path]:
            data = newsmeta.load(path).data
            assert isinstance(data, dict)
            assert data["title"] == "Signalled"  # the whole edit, never a part
            changed.append(path.name)
    # The batch the signal came in was finished; no file after it was looked at.
    assert changed == [f"{n}.md" for n in range(6)]
    assert "newsmeta edit: interrupted; 2 files not looked at" in run.stderr
    assert "6 changed" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_batch_resolves_each_path_as_one_save_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files reached through a linked folder and a relative path are saved where they are
    # (their temporaries beside them, nothing left); a linked file is refused unless links
    # are allowed, and then its target is replaced while the link stays.
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "via").symlink_to(real, target_is_directory=True)
    a, b, c, d = _files(real, 4)
    (real / "link.md").symlink_to(c.name)
    (real / "allowed.md").symlink_to(d.name)
    monkeypatch.chdir(tmp_path)
    through = Path("via") / a.name
    relative = Path("real") / b.name
    writes = [
        Write(through, _new(a), expected=fingerprint(a.read_bytes())),
        Write(relative, _new(b), expected=fingerprint(b.read_bytes())),
        Write(real / "link.md", _new(c), expected=fingerprint(c.read_bytes())),
        Write(real / "allowed.md", _new(d), expected=fingerprint(d.read_bytes()), allow_links=True),
    ]
    before_c = c.read_bytes()
    results = write_atomic_many(writes)
    assert results[:2] == [None, None]
    assert isinstance(results[2], LinkedFileError)
    assert results[3] is None
    assert a.read_bytes() == writes[0].data
    assert b.read_bytes() == writes[1].data
    assert c.read_bytes() == before_c
    assert d.read_bytes() == writes[3].data
    assert (real / "allowed.md").is_symlink()
    assert (tmp_path / "via").is_symlink()
    assert _temporaries(real) == []
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("size", [0, 1, 1500, (1 << 16) - 1, 1 << 16, 3 << 16])
def test_the_check_of_a_file_sees_its_bytes_and_nothing_added_after_its_status(
    tmp_path: Path, size: int
) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "a.md"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        status = os.fstat(fd)
        assert _atomic._holds(fd, status, fingerprint(data))
        changed = data[:-1] + b"?" if data else b"?"
        assert not _atomic._holds(fd, status, fingerprint(changed))
        with open(path, "ab") as handle:  # grown since the status was taken
            handle.write(b"!")
        assert not _atomic._holds(fd, status, fingerprint(data))
        assert _atomic._holds(fd, os.fstat(fd), fingerprint(data + b"!"))
    finally:
        os.close(fd)


def test_a_fingerprint_is_the_length_and_blake2b_of_the_bytes() -> None:
    import hashlib

    for data in (b"", b"---\ntitle: T\n---\n", bytes(range(256)) * 300):
        digest = hashlib.blake2b(data, digest_size=16).digest()
        assert fingerprint(data) == len(data).to_bytes(8, "big") + digest
    assert fingerprint(b"a") != fingerprint(b"b")
    long = "x" * 300 + ".md"
    key = hashlib.blake2b(os.fsencode(long), digest_size=8).hexdigest()
    assert temporary_name(long) == temporary_name(long)
    assert key in temporary_name(long)
