"""Stress the save path the way an operator would: races, kills, owners.

Every trial works on real files in a temporary folder (default: under the system's temp
folder; ``--dir`` puts them elsewhere, e.g. on the file system your articles live on):

- **API races** (``--api-races N``): two worker processes load the same file, each edits a
  different key, then both save at the same moment. A save that reported success must be
  in the file; the other must have raised ``ConcurrentModificationError``. Counts lost
  updates (success reported, value missing) and torn files (not a parsable article).
- **Delete races** (``--delete-races N``): one worker has loaded and edited the file, the
  other deletes it as the first saves. Counts files silently re-created.
- **CLI races** (``--cli-races N``): two ``newsmeta set`` processes on different keys of
  one file, started together. Both must succeed (in sequence: the command re-reads a file
  that changed under it) or one must refuse; counts lost updates.
- **Kills** (``--kills N``): a worker saves one large file in a loop and is sent SIGKILL,
  SIGTERM or SIGINT at a random moment. Counts torn files, temporaries left behind at
  once (SIGTERM and SIGINT must leave none), and temporaries left after one more save
  (none, whatever the signal).
- **Owners** (``--owners``, as root): files of another user and group, with setuid, 0444
  and extended attributes, saved by root (all kept) and by ``nobody`` (each refusal must
  name what could not be kept; nothing may change silently).
- ``--control`` adds API races with a naive writer (check, then replace, no lock), to show
  that the harness does see lost updates when there is no lock.

Run from the repository root with the venv active::

    python benchmarks/stress_saves.py --api-races 1000 --delete-races 200 --cli-races 200 \\
        --kills 300 --owners --control 200 --json benchmarks/.corpus/stress.json

Exit status 1 when any promise broke. The test suite runs a small version of each trial
(``tests/test_reliability.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "examples" / "2024-03-05-harbour-city-school-solar.md"
TEMP_GLOB = ".*.newsmeta.tmp"


# --- workers (run in child processes) ----------------------------------------------------


def _worker_api(naive: bool) -> None:
    """Read commands on stdin; answer one JSON line per command on stdout.

    ``prep PATH KEY VALUE``: load and edit. ``go``: save what was prepared.
    ``prepdel PATH``: remember a path. ``go`` then deletes it.
    """
    import newsmeta
    from newsmeta.errors import ConcurrentModificationError

    doc = None
    doomed: str | None = None
    for line in sys.stdin:
        parts = line.rstrip("\n").split("\t")
        if parts[0] == "prep":
            doc = newsmeta.load(parts[1])
            doc.set(parts[2], parts[3])
            doomed = None
            print(json.dumps({"ready": True}), flush=True)
        elif parts[0] == "prepdel":
            doc, doomed = None, parts[1]
            print(json.dumps({"ready": True}), flush=True)
        elif parts[0] == "go":
            try:
                if doomed is not None:
                    os.unlink(doomed)
                elif naive:
                    _naive_save(doc)
                else:
                    assert doc is not None
                    doc.save()
                print(json.dumps({"ok": True}), flush=True)
            except ConcurrentModificationError as exc:
                print(json.dumps({"ok": False, "refused": type(exc).__name__}), flush=True)
            except Exception as exc:  # reported, and counted as a failure of the trial
                print(json.dumps({"ok": False, "error": repr(exc)}), flush=True)


def _naive_save(doc: object) -> None:
    """The save of newsmeta 0.1.0: check the bytes, then write, fsync and rename, no lock."""
    import tempfile as temporary

    from newsmeta._atomic import fingerprint
    from newsmeta.document import Document
    from newsmeta.errors import ConcurrentModificationError

    assert isinstance(doc, Document)
    assert doc.path is not None
    if fingerprint(doc.path.read_bytes()) != doc._disk:
        raise ConcurrentModificationError(str(doc.path))
    fd, tmp = temporary.mkstemp(prefix=f".{doc.path.name}.", suffix=".tmp", dir=doc.path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(doc.encoded())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, doc.path)


def _worker_loop(path: str) -> None:
    """Save ``path`` over and over with a new title, printing each number saved."""
    import newsmeta

    number = 0
    while True:
        number += 1
        doc = newsmeta.load(path, max_bytes=4 * 1024 * 1024)
        doc.set("title", f"version {number}")
        doc.save()
        print(number, flush=True)


# --- helpers -----------------------------------------------------------------------------


def _article(body_bytes: int = 0) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    if body_bytes:
        line = "A paragraph of the body, long enough to make the file heavy to write.\n"
        text += line * (body_bytes // len(line))
    return text


def _spawn_worker(*arguments: str, user: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        user=user,
    )


def _ask(worker: subprocess.Popen[str]) -> dict[str, object]:
    assert worker.stdout is not None
    answer: dict[str, object] = json.loads(worker.stdout.readline())
    return answer


def _send(worker: subprocess.Popen[str], line: str) -> None:
    assert worker.stdin is not None
    worker.stdin.write(line + "\n")
    worker.stdin.flush()


def _value(path: Path, key: str) -> object:
    import newsmeta

    doc = newsmeta.load(path)
    if not isinstance(doc.data, dict):
        return None
    return doc.data.get(key)


def _temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(TEMP_GLOB))


# --- trials ------------------------------------------------------------------------------


def api_races(folder: Path, rounds: int, *, naive: bool = False) -> dict[str, int]:
    """Two processes save different keys of one file at once, ``rounds`` times."""
    counts: Counter[str] = Counter()
    mode = ["--worker-naive"] if naive else ["--worker-api"]
    workers = [_spawn_worker(*mode), _spawn_worker(*mode)]
    keys = ("title", "excerpt")
    try:
        for number in range(rounds):
            path = folder / f"api-{number}.md"
            path.write_text(_article(), encoding="utf-8")
            values = (f"Title from A {number}", f"Excerpt from B {number}")
            for worker, key, value in zip(workers, keys, values, strict=True):
                _send(worker, f"prep\t{path}\t{key}\t{value}")
            for worker in workers:
                _ask(worker)
            for worker in workers:
                _send(worker, "go")
            answers = [_ask(worker) for worker in workers]
            counts["rounds"] += 1
            for answer, key, value in zip(answers, keys, values, strict=True):
                if answer.get("ok"):
                    counts["saves reported"] += 1
                    if _value(path, key) != value:
                        counts["lost updates"] += 1
                elif "refused" in answer:
                    counts["refused (concurrent)"] += 1
                else:
                    counts["errors"] += 1
            if sum(bool(a.get("ok")) for a in answers) == 2:
                counts["both saved"] += 1
            if not _parses(path):
                counts["torn files"] += 1
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    return dict(counts)


def delete_races(folder: Path, rounds: int) -> dict[str, int]:
    """One process saves a file it loaded while another deletes it."""
    counts: Counter[str] = Counter()
    saver, deleter = _spawn_worker("--worker-api"), _spawn_worker("--worker-api")
    try:
        for number in range(rounds):
            path = folder / f"del-{number}.md"
            path.write_text(_article(), encoding="utf-8")
            _send(saver, f"prep\t{path}\ttitle\tSaved {number}")
            _send(deleter, f"prepdel\t{path}")
            _ask(saver)
            _ask(deleter)
            _send(saver, "go")
            _send(deleter, "go")
            saved, deleted = _ask(saver), _ask(deleter)
            counts["rounds"] += 1
            counts["saves reported"] += bool(saved.get("ok"))
            counts["refused (deleted)"] += "refused" in saved
            # The saver loaded before the deletion: a file here was re-created by it.
            if path.exists() and deleted.get("ok"):
                counts["re-created"] += 1
    finally:
        for worker in (saver, deleter):
            worker.kill()
            worker.wait()
    return dict(counts)


def cli_races(folder: Path, rounds: int) -> dict[str, int]:
    """Two ``newsmeta set`` processes on different keys of one file, started together."""
    counts: Counter[str] = Counter()
    command = [sys.executable, "-c", _COUNTING_CLI, "set"]
    for number in range(rounds):
        path = folder / f"cli-{number}.md"
        path.write_text(_article(), encoding="utf-8")
        edits = (("title", f"CLI title {number}"), ("excerpt", f"CLI excerpt {number}"))
        runs = [
            subprocess.Popen(
                [*command, str(path), key, value],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for key, value in edits
        ]
        results = [(run.wait(), run.stderr.read() if run.stderr else "") for run in runs]
        for run in runs:
            for stream in (run.stdout, run.stderr):
                if stream is not None:
                    stream.close()
        counts["rounds"] += 1
        for _, err in results:
            counts["retries after a concurrent save"] += err.count(_RETRY_MARK)
        results = [(code, err.replace(_RETRY_MARK + "\n", "")) for code, err in results]
        for (code, err), (key, value) in zip(results, edits, strict=True):
            if code == 0:
                counts["succeeded"] += 1
                if _value(path, key) != value:
                    counts["lost updates"] += 1
            elif code == 1 and "not written" in err and err.count("\n") == 1:
                counts["refused"] += 1
            else:
                counts["errors"] += 1
                print(f"cli race {number}: exit {code}: {err.strip()}", file=sys.stderr)
        if not _parses(path):
            counts["torn files"] += 1
    return dict(counts)


_RETRY_MARK = "stress: concurrent save seen"

#: ``newsmeta`` itself, with a note on stderr each time a save meets a concurrent one (so
#: the race count shows how often the command had to read the file again).
_COUNTING_CLI = f"""
import sys
import newsmeta.document
from newsmeta.errors import ConcurrentModificationError
from newsmeta.cli import main

original = newsmeta.document.Document.save

def save(self, *args, **kwargs):
    try:
        return original(self, *args, **kwargs)
    except ConcurrentModificationError:
        sys.stderr.write({_RETRY_MARK!r} + "\\n")
        raise

newsmeta.document.Document.save = save
sys.exit(main(sys.argv[1:]))
"""


def kills(folder: Path, trials: int, seed: int) -> dict[str, int]:
    """Send SIGKILL, SIGTERM or SIGINT to a saving process at a random moment."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    import newsmeta

    signals = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)
    for number in range(trials):
        sub = folder / f"kill-{number}"
        sub.mkdir()
        path = sub / "heavy.md"
        path.write_text(_article(body_bytes=2 * 1024 * 1024), encoding="utf-8")
        chosen = signals[number % len(signals)]
        name = chosen.name
        worker = subprocess.Popen(
            [sys.executable, __file__, "--worker-loop", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert worker.stdout is not None
        worker.stdout.readline()  # one save done: the loop is running
        time.sleep(rng.uniform(0, 0.15))
        worker.send_signal(chosen)
        worker.wait()
        worker.stdout.close()
        counts[f"{name} trials"] += 1
        if not _parses(path, require_title_prefix="version "):
            counts[f"{name} torn files"] += 1
        left = _temporaries(sub)
        counts[f"{name} temporaries left at once"] += len(left)
        doc = newsmeta.load(path)
        doc.set("title", "after the kill")
        doc.save()
        counts[f"{name} temporaries left after the next save"] += len(_temporaries(sub))
    return dict(counts)


def owners(folder: Path) -> dict[str, int]:
    """Save files of other owners as root and as ``nobody``; nothing may change silently."""
    if os.geteuid() != 0:
        return {"skipped (not root)": 1}
    # Under the system's temporary folder: ``nobody`` must be able to reach the files.
    shared = Path(tempfile.mkdtemp(prefix="newsmeta-owners-"))
    shared.chmod(0o777)
    try:
        return _owner_trials(shared)
    finally:
        import shutil

        shutil.rmtree(shared)


def _owner_trials(shared: Path) -> dict[str, int]:
    import newsmeta
    from newsmeta.errors import MetadataNotKeptError, ReadOnlyFileError

    counts: Counter[str] = Counter()
    cases = [
        (1001, 1002, 0o600, {}),
        (1001, 1002, 0o4755, {}),
        (1001, 1002, 0o2775, {"user.origin": b"wire"}),
        (0, 0, 0o644, {"user.checksum": b"abc", "user.note": b"\xff\x00binary"}),
        (1001, 1002, 0o444, {}),
        (65534, 65534, 0o666, {"user.kept": b"1"}),
        (0, 0, 0o666, {}),
    ]
    for number, (uid, gid, mode, attrs) in enumerate(cases):
        for who in ("root", "nobody"):
            path = shared / f"{who}-{number}.md"
            path.write_text(_article(), encoding="utf-8")
            os.chown(path, uid, gid)
            path.chmod(mode)
            for key, value in attrs.items():
                os.setxattr(path, key, value)
            before = _metadata(path)
            counts["saves tried"] += 1
            if who == "root":
                doc = newsmeta.load(path)
                doc.set("title", "Edited by root")
                try:
                    doc.save()
                    outcome = "saved"
                except (MetadataNotKeptError, ReadOnlyFileError) as exc:
                    outcome = f"refused: {exc}"
            else:
                code, err = _run_cli_as(65534, ["set", str(path), "title", "By nobody"])
                if code == 2 and "Permission denied" in err:
                    counts["not readable by nobody (nothing to save)"] += 1
                    continue
                outcome = "saved" if code == 0 else f"refused: {err}"
            after = _metadata(path)
            if outcome == "saved":
                counts["saved"] += 1
                if after != before:
                    counts["metadata changed silently"] += 1
                    print(f"{path.name}: {before} -> {after}", file=sys.stderr)
            else:
                counts["refused"] += 1
                if after != before or "not written" not in outcome:
                    counts["refusals that changed the file or named nothing"] += 1
    # Forced: the save goes through; a new owner never inherits setuid or setgid.
    for number, mode in enumerate((0o4777, 0o2777, 0o6766)):
        path = shared / f"forced-{number}.md"
        path.write_text(_article(), encoding="utf-8")
        os.chown(path, 0, 0)
        path.chmod(mode)
        code, err = _run_cli_as(65534, ["set", str(path), "title", "Forced", "--force"])
        info = path.stat()
        counts["forced saves"] += 1
        if code != 0:
            counts["forced saves that failed"] += 1
            print(f"forced save: exit {code}: {err.strip()}", file=sys.stderr)
        elif info.st_uid != 65534 or info.st_mode & 0o6000:
            counts["setuid/setgid kept with a new owner"] += 1
    return dict(counts)


def _warm_up() -> None:
    """Import everything an edit needs while the files of the interpreter are readable."""
    import contextlib
    import io

    from newsmeta.cli import main as cli_main

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "warm.md"
        path.write_text(_article(), encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for arguments in (["set", str(path), "title", "Warm"], ["get", str(path), "title"]):
                cli_main(arguments)


def _run_cli_as(uid: int, arguments: list[str]) -> tuple[int, str]:
    """Run the command line in a forked child that has become ``uid`` (no exec: the
    interpreter may live where that user cannot read). Returns the exit code and stderr."""
    _warm_up()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, run, report through the pipe
        code = 70
        try:
            os.close(read)
            os.dup2(write, 2)
            sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            from newsmeta.cli import main as cli_main

            code = cli_main(arguments)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read, encoding="utf-8", errors="replace") as pipe:
        err = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err


def _metadata(path: Path) -> tuple[object, ...]:
    info = path.stat()
    attrs = {name: os.getxattr(path, name) for name in os.listxattr(path)}
    return (info.st_uid, info.st_gid, oct(info.st_mode), attrs)


def _parses(path: Path, require_title_prefix: str | None = None) -> bool:
    import newsmeta

    if not path.exists():
        return True
    doc = newsmeta.load(path)
    if not doc.ok or not isinstance(doc.data, dict):
        return False
    title = doc.data.get("title")
    return require_title_prefix is None or (
        isinstance(title, str)
        and (title.startswith(require_title_prefix) or title == _TEMPLATE_TITLE)
    )


_TEMPLATE_TITLE = "Harbour City Votes to Put Solar Panels on Every School Roof"


# --- main --------------------------------------------------------------------------------

#: The counts that must be zero for the run to pass.
BROKEN = (
    "lost updates",
    "torn files",
    "errors",
    "re-created",
    "SIGTERM temporaries left at once",
    "SIGINT temporaries left at once",
    "SIGKILL temporaries left after the next save",
    "SIGTERM temporaries left after the next save",
    "SIGINT temporaries left after the next save",
    "SIGKILL torn files",
    "SIGTERM torn files",
    "SIGINT torn files",
    "metadata changed silently",
    "refusals that changed the file or named nothing",
    "forced saves that failed",
    "setuid/setgid kept with a new owner",
)


def main(argv: list[str] | None = None) -> int:
    """Run the trials asked for; print and optionally store the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-races", type=int, default=0, metavar="N")
    parser.add_argument("--delete-races", type=int, default=0, metavar="N")
    parser.add_argument("--cli-races", type=int, default=0, metavar="N")
    parser.add_argument("--kills", type=int, default=0, metavar="N")
    parser.add_argument("--owners", action="store_true")
    parser.add_argument("--control", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, metavar="OUT")
    parser.add_argument("--worker-api", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-loop", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_api or args.worker_naive:
        _worker_api(naive=args.worker_naive)
        return 0
    if args.worker_loop:
        _worker_loop(args.worker_loop)
        return 0

    results: dict[str, dict[str, int]] = {}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        folder = Path(scratch)
        folder.chmod(0o755)
        plan: list[tuple[str, int, Callable[[int], dict[str, int]]]] = [
            ("api races", args.api_races, lambda n: api_races(folder, n)),
            ("delete races", args.delete_races, lambda n: delete_races(folder, n)),
            ("cli races", args.cli_races, lambda n: cli_races(folder, n)),
            ("kills", args.kills, lambda n: kills(folder, n, args.seed)),
            ("owners", int(args.owners), lambda n: owners(folder)),
            ("control: naive api races", args.control, lambda n: api_races(folder, n, naive=True)),
        ]
        for name, amount, run in plan:
            if amount:
                started = time.perf_counter()
                results[name] = run(amount)
                timings[name] = round(time.perf_counter() - started, 1)
                print(f"{name} ({timings[name]} s): {json.dumps(results[name])}", flush=True)
    broken = {
        f"{name}: {key}": value
        for name, counts in results.items()
        if not name.startswith("control")
        for key, value in counts.items()
        if value and key in BROKEN
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"results": results, "seconds": timings, "broken": broken}, indent=2) + "\n",
            encoding="utf-8",
        )
    if broken:
        print(f"BROKEN: {json.dumps(broken)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
