"""Saving as a transaction: atomic, no lost update, what the file was kept, nothing left behind,
bounded reads. The fidelity guide's reliability section names these tests."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsmeta
from newsmeta import _atomic
from newsmeta._atomic import TEMP_SUFFIX, temporary_name
from newsmeta.cli import main
from newsmeta.errors import (
    ConcurrentModificationError,
    FileTooLargeError,
    MetadataNotKeptError,
    ReadOnlyFileError,
)

from .conftest import EXAMPLES, ROOT, load_module

ARTICLE = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")
ROOT_ONLY = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown, other users)"
)
POSIX_ONLY = pytest.mark.skipif(_atomic._flock is None, reason="needs fcntl.flock")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stress() -> ModuleType:
    """The stress script, whose trials the race tests run at a small scale."""
    return load_module("stress_saves", ROOT / "benchmarks" / "stress_saves.py")


def _edited(path: Path, title: str = "Edited") -> newsmeta.Document:
    document = newsmeta.load(path)
    document.set("title", title)
    return document


# --- no lost update -----------------------------------------------------------------------


@POSIX_ONLY
def test_api_races_lose_no_update(stress: ModuleType, tmp_path: Path) -> None:
    # Two processes load one file, edit different keys and save at the same moment.
    counts = stress.api_races(tmp_path, 100)
    assert counts["rounds"] == 100
    assert counts.get("lost updates", 0) == 0
    assert counts.get("torn files", 0) == 0
    assert counts.get("errors", 0) == 0
    # Both loaded the same bytes, so exactly one save of each round must be refused.
    assert counts["saves reported"] == 100
    assert counts["refused (concurrent)"] == 100


@POSIX_ONLY
def test_cli_races_lose_no_update(stress: ModuleType, tmp_path: Path) -> None:
    # Two `newsmeta set` processes on different keys of one file, started together: the
    # one that finds the file changed reads it again and applies its edit again.
    counts = stress.cli_races(tmp_path, 10)
    assert counts["rounds"] == 10
    assert counts.get("lost updates", 0) == 0
    assert counts.get("errors", 0) == 0
    assert counts.get("succeeded", 0) + counts.get("refused", 0) == 20


@POSIX_ONLY
def test_a_file_deleted_since_loading_is_not_recreated(stress: ModuleType, tmp_path: Path) -> None:
    counts = stress.delete_races(tmp_path, 20)
    assert counts.get("re-created", 0) == 0


def test_the_check_runs_under_the_lock(article: Path) -> None:
    # A save that waits for another one must compare the file after that one renamed its
    # new bytes in: the other save's result, not what was there when this save started.
    mine = _edited(article, "Mine")
    tmp = article.parent / temporary_name(article.name)
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    assert _atomic._lock(fd, wait=True) in (True, None)
    outcome: list[BaseException | None] = []

    def save() -> None:
        try:
            mine.save()
            outcome.append(None)
        except BaseException as exc:  # recorded for the assertion below
            outcome.append(exc)

    waiting = threading.Thread(target=save)
    waiting.start()
    time.sleep(0.1)
    assert not outcome, "the save did not wait for the lock"
    os.write(fd, ARTICLE.replace("Harbour City", "Theirs").encode())
    os.replace(tmp, article)
    os.close(fd)
    waiting.join(10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], ConcurrentModificationError)
    assert "Theirs" in article.read_text(encoding="utf-8")
    assert _temporaries(article.parent) == []


def _no_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_atomic, "_exchange", lambda a, b: False)


@pytest.mark.parametrize("exchange", [True, False], ids=["swap", "replace"])
@pytest.mark.parametrize("other", ["editor-rename", "rm", "rm-and-recreate", "in-place"])
def test_a_writer_that_takes_no_lock_is_not_overwritten(
    article: Path, monkeypatch: pytest.MonkeyPatch, other: str, exchange: bool
) -> None:
    # Between this save's check and its rename, another program (an editor, rm, git) acts
    # on the file without newsmeta's lock. Its change must survive and the save be refused.
    if exchange and (sys.platform != "linux" or not _atomic._exchange_supported(article)):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here")
    if not exchange:
        if other == "in-place":
            pytest.skip("without a swap, only renames and deletions are caught")
        _no_exchange(monkeypatch)
    theirs = ARTICLE.replace("Harbour City", "Their City")
    document = _edited(article, "Mine")
    real_fsync = os.fsync

    def meddle(fd: int) -> None:
        real_fsync(fd)
        if other == "editor-rename":
            (article.parent / "editor.swp").write_text(theirs, encoding="utf-8")
            os.replace(article.parent / "editor.swp", article)
        elif other.startswith("rm"):
            article.unlink()
            if other == "rm-and-recreate":
                article.write_text(theirs, encoding="utf-8")
        else:
            with open(article, "r+", encoding="utf-8") as handle:
                handle.write(theirs)

    monkeypatch.setattr(os, "fsync", meddle)
    with pytest.raises(ConcurrentModificationError) as info:
        document.save()
    monkeypatch.undo()
    assert info.value.deleted == (other == "rm")
    if other == "rm":
        assert not article.exists()
    else:
        assert "Their City" in article.read_text(encoding="utf-8")
    assert _temporaries(article.parent) == []


def test_a_deleted_file_is_written_again_only_when_asked(article: Path) -> None:
    document = _edited(article)
    article.unlink()
    with pytest.raises(ConcurrentModificationError) as info:
        document.save()
    assert info.value.deleted
    assert not article.exists()
    document.save(recreate=True)
    assert "Edited" in article.read_text(encoding="utf-8")


def test_the_command_line_refuses_a_deleted_file_in_one_line(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = newsmeta.Document.save

    def delete_then_save(self: newsmeta.Document, *args: object, **kwargs: bool) -> None:
        article.unlink(missing_ok=True)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(newsmeta.Document, "save", delete_then_save)
    assert main(["set", str(article), "title", "Gone"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "deleted since it was loaded" in err
    assert not article.exists()


def test_the_command_line_applies_its_edit_again_to_a_changed_file(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = newsmeta.Document.save
    calls: list[int] = []

    def change_then_save(self: newsmeta.Document, *args: object, **kwargs: bool) -> None:
        if not calls:  # someone else's edit lands between this run's read and write
            text = article.read_text(encoding="utf-8")
            article.write_text(text.replace("heat: 38", "heat: 39"), encoding="utf-8")
        calls.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(newsmeta.Document, "save", change_then_save)
    assert main(["set", str(article), "title", "Mine"]) == 0
    assert len(calls) == 2
    data = newsmeta.load(article).data
    assert isinstance(data, dict)
    assert (data["title"], data["heat"]) == ("Mine", 39)


def test_a_save_that_waits_too_long_is_refused(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_atomic, "LOCK_TIMEOUT", 0.2)
    tmp = article.parent / temporary_name(article.name)
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if _atomic._lock(fd, wait=True) is None:
            pytest.skip("no flock here")
        with pytest.raises(ConcurrentModificationError, match="another save") as info:
            _edited(article).save()
        assert info.value.busy
        assert tmp.exists(), "a temporary in use must never be removed"
    finally:
        os.close(fd)
        tmp.unlink()
    assert newsmeta.load(article).text == ARTICLE


# --- keeping what the file was ------------------------------------------------------------


def test_mode_is_kept(article: Path) -> None:
    article.chmod(0o640)
    _edited(article).save()
    assert stat.S_IMODE(article.stat().st_mode) == 0o640


def test_a_read_only_file_is_refused_unless_forced(article: Path) -> None:
    article.chmod(0o444)
    with pytest.raises(ReadOnlyFileError, match=r"read-only \(mode 0444\)"):
        _edited(article).save()
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert _temporaries(article.parent) == []
    _edited(article).save(force=True)
    assert "Edited" in article.read_text(encoding="utf-8")
    assert stat.S_IMODE(article.stat().st_mode) == 0o444


#: Every command that writes an article, as it would change ``a.md`` in ``folder``.
WRITERS: dict[str, list[str]] = {
    "set": ["set", "a.md", "title", "New"],
    "unset": ["unset", "a.md", "heat"],
    "append": ["append", "a.md", "topics", "New"],
    "insert": ["insert", "a.md", "topics", "0", "New"],
    "edit": ["edit", '.title = "New"', "a.md"],
    "fix": ["fix", "-q", "a.md"],
    "new": ["new", "a.md", "--from-json", "record.json", "--overwrite"],
    "import": ["import", "records.jsonl", "--to", ".", "--overwrite"],
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_writing_command_reports_a_read_only_file_as_an_io_error(
    article: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    # One rule (see cli.common.not_written): a file that cannot be written as it is
    # (read-only; an owner that cannot be kept) is an I/O error, exit 2, with --force named.
    folder = article.parent
    monkeypatch.chdir(folder)
    article.write_text(ARTICLE.replace('title: "Harbour', 'title: "  Harbour'), encoding="utf-8")
    before = article.read_bytes()
    record = {"path": "a.md", "front_matter": newsmeta.load(article).data, "body": "New.\n"}
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    article.chmod(0o444)
    assert main(WRITERS[name]) == 2
    err = capsys.readouterr().err
    assert "read-only (mode 0444)" in err
    assert "--force" in err
    assert article.read_bytes() == before
    assert main([*WRITERS[name], "--force"]) == 0
    assert article.read_bytes() != before
    assert stat.S_IMODE(article.stat().st_mode) == 0o444


@pytest.mark.parametrize(
    "command", [["set", "title", "New"], ["edit", '.title = "New"'], ["fix", "-q"]]
)
def test_a_read_only_file_among_many_is_an_io_error_and_the_others_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # Over many files (edit saves them in batches then), the read-only one is counted
    # as not written, exit 2, and every other file is still written.
    files = [tmp_path / f"{n}.md" for n in range(5)]
    for path in files:
        path.write_text(ARTICLE.replace('title: "Harbour', 'title: "  Harbour'), "utf-8")
    before = files[2].read_bytes()
    files[2].chmod(0o444)
    verb, *rest = command
    # set takes FILE... PATH VALUE; edit and fix take the files last.
    arguments = [verb, str(tmp_path), *rest] if verb == "set" else [*command, str(tmp_path)]
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert "2.md" in err
    assert "read-only" in err
    assert files[2].read_bytes() == before
    assert all(path.read_bytes() != before for path in files if path != files[2])
    if verb != "fix":
        assert "4 changed" in err
        assert "1 could not be read or written" in err


def test_an_owner_that_cannot_be_kept_is_named_and_nothing_is_written(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a user who may write the file but not give it away meets (chown needs root).
    article.chmod(0o6775)
    wanted = stat.S_IMODE(article.stat().st_mode)

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    info = article.stat()
    real_fstat = os.fstat

    def other_owner(fd: int) -> os.stat_result:
        # The temporary belongs to this process's user; the article to someone else.
        result = real_fstat(fd)
        if (result.st_dev, result.st_ino) == (info.st_dev, info.st_ino):
            fields = list(result)
            fields[4], fields[5] = result.st_uid + 4242, result.st_gid + 4242
            return os.stat_result(fields)
        return result

    monkeypatch.setattr(os, "fchown", refuse)
    monkeypatch.setattr(os, "fstat", other_owner)
    with pytest.raises(MetadataNotKeptError) as refused:
        _edited(article).save()
    assert any(item.startswith("owner") for item in refused.value.lost)
    assert any(item.startswith("group") for item in refused.value.lost)
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert _temporaries(article.parent) == []
    _edited(article).save(force=True)
    monkeypatch.undo()
    assert "Edited" in article.read_text(encoding="utf-8")
    # Forced, the file has a new owner: it must not carry setuid or setgid to them.
    mode = stat.S_IMODE(article.stat().st_mode)
    assert mode == wanted & ~(stat.S_ISUID | stat.S_ISGID)


@pytest.mark.usefixtures("xattrs_supported")
def test_extended_attributes_are_kept(article: Path) -> None:
    os.setxattr(article, "user.origin", b"wire")
    os.setxattr(article, "user.binary", b"\x00\xff")
    _edited(article).save()
    assert os.getxattr(article, "user.origin") == b"wire"
    assert os.getxattr(article, "user.binary") == b"\x00\xff"


def _posix_acl(*entries: tuple[int, int, int]) -> bytes:
    """A ``system.posix_acl_*`` value (what ``setfacl`` writes): version 2, then entries."""
    import struct

    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


_ANY = 0xFFFFFFFF  # the id of an entry that names no user or group


def test_acls_are_kept_and_a_folder_default_is_not_added(tmp_path: Path) -> None:
    # user::rw- user:nobody:rw- group::r-- mask::rw- other::r--
    access = _posix_acl((1, 6, _ANY), (2, 6, 65534), (4, 4, _ANY), (16, 6, _ANY), (32, 4, _ANY))
    plain = tmp_path / "plain"
    plain.mkdir()
    article = plain / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    try:
        os.setxattr(article, "system.posix_acl_access", access)
        # The folder's default ACL would give every new file an access ACL of its own.
        inherit = tmp_path / "inherit"
        inherit.mkdir()
        os.setxattr(inherit, "system.posix_acl_default", access)
    except (AttributeError, OSError):
        pytest.skip("no POSIX ACLs here")
    _edited(article).save()
    assert os.getxattr(article, "system.posix_acl_access") == access
    assert stat.S_IMODE(article.stat().st_mode) == 0o664
    bare = inherit / "b.md"
    bare.write_text(ARTICLE, encoding="utf-8")
    os.removexattr(bare, "system.posix_acl_access")
    bare.chmod(0o644)
    _edited(bare).save()
    assert os.listxattr(bare) == []
    assert stat.S_IMODE(bare.stat().st_mode) == 0o644


@pytest.mark.usefixtures("xattrs_supported")
def test_an_attribute_that_cannot_be_kept_is_named(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.setxattr(article, "user.origin", b"wire")

    def refuse(*args: object) -> None:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(MetadataNotKeptError, match=r"extended attribute user\.origin"):
        _edited(article).save()
    assert article.read_text(encoding="utf-8") == ARTICLE


@ROOT_ONLY
@pytest.mark.usefixtures("xattrs_supported")
def test_root_keeps_another_users_owner_group_setuid_and_attributes(article: Path) -> None:
    os.chown(article, 1234, 5678)
    article.chmod(0o4750)
    os.setxattr(article, "user.note", b"kept")
    _edited(article).save()
    info = article.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 5678, 0o4750)
    assert os.getxattr(article, "user.note") == b"kept"


@ROOT_ONLY
def test_another_user_is_refused_when_the_owner_cannot_be_kept(
    stress: ModuleType, tmp_path: Path
) -> None:
    # A real unprivileged process (nobody) may write the file but cannot give it away.
    counts = stress.owners(tmp_path)
    assert counts.get("metadata changed silently", 0) == 0
    assert counts.get("refusals that changed the file or named nothing", 0) == 0
    assert counts.get("setuid/setgid kept with a new owner", 0) == 0
    assert counts.get("forced saves that failed", 0) == 0
    assert counts["refused"] >= 4


@ROOT_ONLY
def test_a_folder_that_cannot_take_the_temporary_changes_nothing(stress: ModuleType) -> None:
    # nobody may write the file but not the folder: the save cannot even begin.
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="newsmeta-ro-folder-"))
    try:
        folder.chmod(0o755)
        path = folder / "a.md"
        path.write_text(ARTICLE, encoding="utf-8")
        os.chown(path, 65534, 65534)
        code, err = stress._run_cli_as(65534, ["set", str(path), "title", "x"])
        assert code == 2
        assert err == (
            f"newsmeta set: {path}: not written: Permission denied "
            f"(creating the temporary .a.md{TEMP_SUFFIX})\n"
        )
        assert path.read_text(encoding="utf-8") == ARTICLE
        assert sorted(p.name for p in folder.iterdir()) == ["a.md"]
    finally:
        shutil.rmtree(folder)


@given(st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1))
def test_every_name_has_a_temporary_that_fits(name: str) -> None:
    for name_max in (255, 143):
        if len(os.fsencode(name)) > name_max:
            continue
        temp = temporary_name(name, name_max)
        assert len(os.fsencode(temp)) <= name_max
        assert temp.startswith(".")
        assert temp.endswith(TEMP_SUFFIX)
        assert "/" not in temp


def test_names_of_255_bytes_save(tmp_path: Path) -> None:
    for name in ("a" * 252 + ".md", "é" * 126 + ".md"):
        assert len(os.fsencode(name)) == 255
        path = tmp_path / name
        path.write_text(ARTICLE, encoding="utf-8")
        _edited(path).save()
        assert "Edited" in path.read_text(encoding="utf-8")
    assert _temporaries(tmp_path) == []


# --- nothing left behind ------------------------------------------------------------------


def test_a_stale_temporary_is_removed_by_the_next_save(article: Path) -> None:
    stale = article.parent / temporary_name(article.name)
    stale.write_bytes(b"left by a killed save")
    _edited(article).save()
    assert _temporaries(article.parent) == []
    assert "Edited" in article.read_text(encoding="utf-8")


def test_without_locks_only_an_old_temporary_is_stale(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where flock does not exist (Windows) or is refused (NFS without a lock manager),
    # exclusive creation is the lock and age tells a stale temporary from a live one.
    monkeypatch.setattr(_atomic, "_flock", None)
    monkeypatch.setattr(_atomic, "LOCK_TIMEOUT", 0.2)
    _edited(article, "Unlocked").save()
    assert "Unlocked" in article.read_text(encoding="utf-8")
    temp = article.parent / temporary_name(article.name)
    temp.write_bytes(b"fresh")
    with pytest.raises(ConcurrentModificationError, match="another save"):
        _edited(article).save()
    assert temp.exists()
    old = time.time() - _atomic.STALE_AFTER - 5
    os.utime(temp, (old, old))
    _edited(article, "After").save()
    assert _temporaries(article.parent) == []


def test_a_failed_save_leaves_the_old_file_and_no_temporary(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="No space left"):
        _edited(article).save()
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert _temporaries(article.parent) == []


_SIGNAL_IN_SAVE = """
import os, signal, sys
import newsmeta
os.fsync = lambda fd, real=os.fsync: (real(fd), os.kill(os.getpid(), signal.{name}))[0]
doc = newsmeta.load(sys.argv[1])
doc.set("title", "Signalled")
doc.save()
print("saved", flush=True)
"""


@POSIX_ONLY
@pytest.mark.parametrize(
    ("name", "returncode"),
    [
        ("SIGTERM", -signal.SIGTERM),
        ("SIGHUP", -signal.SIGHUP),
        ("SIGINT", -signal.SIGINT),  # KeyboardInterrupt, raised once the save is complete
    ],
)
def test_a_signal_during_a_save_leaves_no_temporary(
    article: Path, name: str, returncode: int
) -> None:
    # The signal is sent from inside the save (after the temporary was written): it takes
    # effect once the save is complete, so the file is new and nothing is left.
    run = subprocess.run(
        [sys.executable, "-c", _SIGNAL_IN_SAVE.format(name=name), str(article)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == returncode, run.stderr
    assert "saved" not in run.stdout  # the signal ended the program right after the save
    assert _temporaries(article.parent) == []
    assert "Signalled" in article.read_text(encoding="utf-8")


@POSIX_ONLY
def test_sigkill_during_a_save_leaves_a_temporary_that_the_next_save_removes(
    article: Path,
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _SIGNAL_IN_SAVE.format(name="SIGKILL"), str(article)],
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == -signal.SIGKILL
    assert len(_temporaries(article.parent)) == 1
    assert article.read_text(encoding="utf-8") == ARTICLE  # the old file, whole
    _edited(article).save()
    assert _temporaries(article.parent) == []


@POSIX_ONLY
def test_ctrl_c_during_a_command_line_save_exits_130_and_leaves_nothing(article: Path) -> None:
    script = _SIGNAL_IN_SAVE.split("doc = ")[0] + (
        "from newsmeta.cli import main\nsys.exit(main(['set', sys.argv[1], 'title', 'Cli']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script.format(name="SIGINT"), str(article)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 130
    assert run.stderr == "newsmeta: interrupted\n"
    assert _temporaries(article.parent) == []
    assert "Cli" in article.read_text(encoding="utf-8")


#: A command over the files named (``sys.argv[1:]``), where the first fsync sends the
#: signal and each takes its time (a slow disk): the signal arrives while that save has
#: its temporary on disk (in edit: while a batch's temporaries are on disk).
_SIGNAL_IN_BULK_SAVE = """
import os, signal, sys, time
sent = []
def fsync(fd, real=os.fsync):
    real(fd)
    if not sent:
        sent.append(1)
        os.kill(os.getpid(), signal.{name})
    time.sleep(0.2)
os.fsync = fsync
from newsmeta.cli import main
files = sys.argv[1:]
sys.exit(main({command}))
"""

#: The same run, where the signal comes while the jq program runs on the fourth file
#: and fsyncs are slow; with ``slow``, the program was slow on the first file
#: (so the signal ends the process at once: no save is under way).
_SIGNAL_IN_BULK_PROGRAM = """
import os, signal, sys, threading, time
from newsmeta.jqprogram import Program
def fsync(fd, real=os.fsync):
    real(fd)
    if threading.current_thread() is not threading.main_thread():
        time.sleep(0.2)
os.fsync = fsync
transform = Program.transform
def signalled(self, data, *, path):
    if {slow} and path.endswith("0.md"):
        time.sleep(0.1)  # slow on the first file: later runs wait for the saves first
    if path.endswith("3.md"):
        os.kill(os.getpid(), signal.{name})
        time.sleep(1)
    return transform(self, data, path=path)
Program.transform = signalled
from newsmeta.cli import main
sys.exit(main(["edit", *sys.argv[2:], '.title = "Signalled"', sys.argv[1]]))
"""


def _many(folder: Path, count: int = 8) -> dict[Path, bytes]:
    """``count`` articles in ``folder``: each path and its bytes."""
    for n in range(count):
        (folder / f"{n}.md").write_text(ARTICLE, encoding="utf-8")
    return {path: path.read_bytes() for path in sorted(folder.glob("*.md"))}


def _whole(files: dict[Path, bytes]) -> list[Path]:
    """The files of ``files`` that were saved: each one is its old bytes or the whole edit."""
    changed = []
    for path, before in files.items():
        after = path.read_bytes()
        if after != before:
            data = newsmeta.load(path).data
            assert isinstance(data, dict)
            assert data["title"] == "Signalled"
            changed.append(path)
    return changed


@POSIX_ONLY
@pytest.mark.parametrize(
    ("name", "returncode"),
    [("SIGTERM", -signal.SIGTERM), ("SIGHUP", -signal.SIGHUP), ("SIGINT", 130)],
)
def test_a_signal_during_a_bulk_edits_saves_leaves_whole_files_and_no_temporary(
    tmp_path: Path, name: str, returncode: int
) -> None:
    # edit saves in batches on the main thread: the signal waits until the batch under way
    # is saved (each file whole and new), then the run ends as the signal asks.
    files = _many(tmp_path)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _SIGNAL_IN_BULK_SAVE.format(
                name=name, command="""["edit", '.title = "Signalled"', *files]"""
            ),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert _temporaries(tmp_path) == []
    assert _whole(files)  # the save the signal came in ended
    assert run.returncode == returncode, run.stderr
    assert "Traceback" not in run.stderr
    assert "newsmeta edit: interrupted;" in run.stderr


@POSIX_ONLY
@pytest.mark.parametrize(("name", "returncode"), [("SIGTERM", -signal.SIGTERM), ("SIGINT", 130)])
def test_a_signal_during_a_bulk_set_leaves_whole_files_and_no_temporary(
    tmp_path: Path, name: str, returncode: int
) -> None:
    # set saves one file after another on the main thread, where the save itself holds
    # the signal back: the save under way ends, then the signal acts.
    files = _many(tmp_path)
    script = _SIGNAL_IN_BULK_SAVE.format(name=name, command='["set", *files, "title", "Signalled"]')
    run = subprocess.run(
        [sys.executable, "-c", script, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert _temporaries(tmp_path) == []
    assert len(_whole(files)) == 1  # the save the signal came in ended; no other began
    assert run.returncode == returncode, run.stderr
    assert "Traceback" not in run.stderr


@POSIX_ONLY
@pytest.mark.parametrize("slow", [False, True])
@pytest.mark.parametrize("diff", [[], ["--diff"]])
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_while_the_jq_program_runs_leaves_no_half_save(
    tmp_path: Path, name: str, diff: list[str], slow: bool
) -> None:
    # A quick program with saves under way: the signal acts once the program returns,
    # after the saves. A slow one: each run waits for the saves first, and a signal ends
    # the process at once (a program may never end). Either way no save is cut short,
    # and with --diff every diff printed was written.
    files = _many(tmp_path)
    script = _SIGNAL_IN_BULK_PROGRAM.format(name=name, slow=slow)
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), *diff],
        capture_output=True,
        text=True,
        timeout=60,
    )
    signum = getattr(signal, name)
    expected = -signum if slow or signum != signal.SIGINT else 130
    assert run.returncode == expected, run.stderr
    assert _temporaries(tmp_path) == []
    changed = _whole(files)
    assert tmp_path / "3.md" not in changed
    if diff:
        printed = {
            line.split("/")[-1] for line in run.stdout.splitlines() if line.startswith("+++")
        }
        assert printed == {path.name for path in changed} == {"0.md", "1.md", "2.md"}


@POSIX_ONLY
def test_kills_at_random_moments_leave_whole_files_and_no_temporary(
    stress: ModuleType, tmp_path: Path
) -> None:
    counts = stress.kills(tmp_path, 6, seed=12)
    broken = {k: v for k, v in counts.items() if v and k in stress.BROKEN}
    assert broken == {}
    assert counts["SIGKILL trials"] == counts["SIGTERM trials"] == counts["SIGINT trials"] == 2


# --- size limits --------------------------------------------------------------------------


@pytest.fixture
def sparse_200mb(tmp_path: Path) -> Path:
    path = tmp_path / "big.md"
    with open(path, "wb") as handle:
        handle.write(b"---\ntitle: x\n---\n")
        handle.truncate(200 * 1024 * 1024)
    return path


def test_load_refuses_a_file_over_the_limit_without_reading_it(sparse_200mb: Path) -> None:
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(FileTooLargeError) as info:
            newsmeta.load(sparse_200mb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
    assert info.value.limit == 4 * 1024 * 1024
    assert info.value.errno == errno.EFBIG
    assert (
        str(info.value)
        == f"{sparse_200mb}: the file is larger than the limit of 4194304 bytes; not read"
    )


def test_the_limit_can_be_lowered_not_raised(article: Path) -> None:
    with pytest.raises(FileTooLargeError):
        newsmeta.load(article, max_bytes=100)
    assert newsmeta.load(article, max_bytes=len(ARTICLE.encode())).text == ARTICLE
    with pytest.raises(ValueError, match="max_bytes"):
        newsmeta.load(article, max_bytes=5 * 1024 * 1024)


@pytest.mark.parametrize(
    "command", [["get", "title"], ["set", "title", "x"], ["unset", "heat"], ["fix"]]
)
def test_edit_commands_honour_the_configured_limit(
    article: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    (article.parent / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 100\n")
    monkeypatch.chdir(article.parent)
    assert main([command[0], str(article), *command[1:]]) == 2
    err = capsys.readouterr().err
    reason = "the file is larger than the limit of 100 bytes; not read"
    if command == ["fix"]:  # fix names each file's problem with its code, as validate does
        assert err.startswith(f"{article}: error limit-file-size: {reason}\n")
    else:
        assert err == f"newsmeta {command[0]}: {article}: {reason}\n"
    assert article.read_text(encoding="utf-8") == ARTICLE


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (["query", ".title"], "newsmeta query: {article}: {reason}"),
        (["edit", ".title |= . + \"!\""], "newsmeta edit: {article}: {reason}"),
        (["export"], "newsmeta export: {article}: The file could not be read: {reason}."),
        (["export", "--with-body", "--with-problems"],
         "newsmeta export: {article}: The file could not be read: {reason}."),
    ],
    ids=lambda value: " ".join(value[:1]) if isinstance(value, list) else "",
)  # fmt: skip
def test_readers_honour_the_configured_limit(
    article: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    line: str,
) -> None:
    (article.parent / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 100\n")
    monkeypatch.chdir(article.parent)
    # As validate reports it: a problem of the file for export (exit 1), a file that was
    # not read for the commands that work on its content (exit 2).
    assert main([*command, str(article)]) == (1 if command[0] == "export" else 2)
    out, err = capsys.readouterr()
    reason = "the file is larger than the limit of 100 bytes; not read"
    assert err.splitlines()[0] == line.format(article=article, reason=reason)
    if command[0] == "export":  # the record says the file was not read
        record = json.loads(out)
        assert record["front_matter"] is None
        assert record.get("body") is None
    else:
        assert out == ""
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_new_and_import_read_and_write_within_the_configured_limit(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = article.parent
    (folder / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 1000\n")
    monkeypatch.chdir(folder)
    body = folder / "body.md"
    body.write_text("Text.\n" * 200, encoding="utf-8")
    assert main(["new", "n.md", "--body-file", str(body), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"newsmeta new: error: {body}: the body is larger than the limit of 1000 bytes "
        "(limits.max-file-bytes)\n"
    )
    record = {"path": "big.md", "front_matter": newsmeta.load(article).data, "body": "x\n" * 600}
    (folder / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["import", "records.jsonl", "--to", "out"]) == 1
    assert "big.md: its 2677 bytes are over the limit of 1000" in capsys.readouterr().err
    assert not (folder / "out" / "big.md").exists()
    assert not (folder / "n.md").exists()


def test_import_refuses_a_record_longer_than_any_file_it_could_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 100\n")
    monkeypatch.chdir(tmp_path)
    huge = {"front_matter": {"title": "x" * 2_000_000}}
    small = {"path": "ok.md", "front_matter": {"title": "A"}}
    (tmp_path / "records.jsonl").write_text(
        json.dumps(huge) + "\n" + json.dumps(small) + "\n", encoding="utf-8"
    )
    assert main(["import", "records.jsonl", "--to", "out", "--force"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("newsmeta import: record 1: refused: the record is longer than")
    assert (tmp_path / "out" / "ok.md").read_text(encoding="utf-8") == '---\ntitle: "A"\n---\n\n'


def test_edit_commands_refuse_a_huge_file_with_their_own_message(
    sparse_200mb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["set", str(sparse_200mb), "title", "x"]) == 2
    assert "larger than the limit of 4194304 bytes; not read" in capsys.readouterr().err


def test_fix_over_ten_files_reports_a_read_only_one_as_an_io_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(10):
        path = tmp_path / f"f{number}.md"
        path.write_text(ARTICLE.replace('title: "Harbour', 'title: "  Harbour'), encoding="utf-8")
    (tmp_path / "f3.md").chmod(0o444)
    assert main(["fix", "-q", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"{tmp_path / 'f3.md'}: error io-permission-denied: not written: "
        "the file is read-only (mode 0444) (--force writes anyway)\n"
    )
    fixed = [p.name for p in sorted(tmp_path.glob("*.md")) if '"  Harbour' not in p.read_text()]
    assert fixed == [f"f{n}.md" for n in range(10) if n != 3]
    assert main(["fix", "-q", "--force", str(tmp_path)]) == 0
    assert '"  Harbour' not in (tmp_path / "f3.md").read_text(encoding="utf-8")
    assert stat.S_IMODE((tmp_path / "f3.md").stat().st_mode) == 0o444
