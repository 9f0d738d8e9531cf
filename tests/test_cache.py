"""The result cache (``newsmeta.cache``): the same results as without it, whatever happens
to the files or to the cache between runs."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsmeta._firsts as firsts
from newsmeta import cache as cache_module
from newsmeta.cache import (
    DATABASE_NAME,
    FORMAT_VERSION,
    RESULT_LIBRARIES,
    ResultCache,
    clear_cache,
    context_key,
    default_cache_dir,
)
from newsmeta.config import Config
from newsmeta.problems import Problem, Severity
from newsmeta.validation import (
    CorpusIndex,
    FileResult,
    HashedUrls,
    UrlUse,
    check_path,
    validate_many,
)

from .conftest import EXAMPLES, ROOT, load_module

FUTURE = """\
---
title: A launch announced for next century
excerpt: Plans.
publishedDateTime: 2124-03-05T18:30:00Z
type: article
provider:
  name: Example News
  domain: example.com
webUrl: https://example.com/launch
---
"""


def _write_corpus(directory: Path, count: int = 40, seed: int = 3) -> list[Path]:
    make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text, _ in make_corpus.generate(count, seed, 0.4):
        path = directory / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    for example in sorted(EXAMPLES.glob("*.md")):
        paths.append(Path(shutil.copy(example, directory / example.name)))
    return sorted(paths)


def _uncached(paths: list[Path]) -> list[FileResult]:
    return [check_path(path) for path in paths]


def _run(paths: list[Path], directory: Path) -> tuple[list[FileResult], int]:
    """The results through the cache in ``directory``, and how many came from it."""
    with ResultCache(directory) as cache:
        lookup = cache.lookup(paths)
        return list(lookup.results()), lookup.cached


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.chdir(tmp_path)  # no configuration file applies
    return _write_corpus(tmp_path / "content")


@pytest.fixture
def trusted_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as long unchanged (not racy), so that the stat key
    is trusted as it would be for files older than RACY_SECONDS."""
    monkeypatch.setattr(cache_module, "_RACY_NS", -(10**12))


# --- the results are the ones checking gives ---------------------------------------------------


def test_a_second_run_reads_every_result_back(files: list[Path], tmp_path: Path) -> None:
    first, cached_first = _run(files, tmp_path / "cache")
    second, cached_second = _run(files, tmp_path / "cache")
    assert (cached_first, cached_second) == (0, len(files))
    assert first == second == _uncached(files)


def test_stored_results_keep_the_files_own_urls(files: list[Path], tmp_path: Path) -> None:
    _run(files, tmp_path / "cache")
    second, _ = _run(files, tmp_path / "cache")
    assert sum(len(result.urls) for result in second) > len(files) // 2
    assert [r.urls for r in second] == [r.urls for r in _uncached(files)]


def test_validate_many_uses_a_cache_only_when_handed_one(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSMETA_CACHE_DIR", str(tmp_path / "default"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    expected = validate_many(files)
    assert not (tmp_path / "default").exists()
    assert not (tmp_path / "user").exists()
    for _ in range(2):
        with ResultCache(tmp_path / "named") as opened:
            assert validate_many(files, cache=opened) == expected
    with ResultCache(tmp_path / "named") as opened:
        assert opened.lookup(files).cached == len(files)


def test_validate_many_checks_under_the_configured_limits_through_the_cache(
    files: list[Path], tmp_path: Path
) -> None:
    import attrs

    from newsmeta._yamltree import DEFAULT_LIMITS

    small = Config(tmp_path, limits=attrs.evolve(DEFAULT_LIMITS, max_file_bytes=200))
    expected = validate_many(files, config=small)
    assert all(not result.ok for result in expected)  # every file is over 200 bytes
    with ResultCache(tmp_path / "cache") as cache:  # the cache's own limits: the defaults
        validate_many(files, cache=cache)
        assert validate_many(files, config=small, cache=cache) == expected
        assert validate_many(files, config=small, cache=cache) == expected


def test_validate_many_with_an_executor_and_a_cache(files: list[Path], tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        with ResultCache(tmp_path / "cache") as cache:
            first = validate_many(files, pool, chunk_size=3, cache=cache)
        files[0].write_text(FUTURE, encoding="utf-8")
        with ResultCache(tmp_path / "cache") as cache:
            second = validate_many(files, pool, chunk_size=3, cache=cache)
    assert first != second
    assert second == validate_many(files)


def test_a_changed_deleted_renamed_or_copied_file_is_checked_again(
    files: list[Path], tmp_path: Path, trusted_stat: None
) -> None:
    _run(files, tmp_path / "cache")
    changed, deleted, renamed, copied = files[0], files[1], files[2], files[3]
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    deleted.unlink()
    moved = renamed.with_name("2001-01-01-" + renamed.name)
    renamed.rename(moved)
    twin = copied.with_name("twin-" + copied.name)
    shutil.copy(copied, twin)
    now = sorted([*files[4:], changed, deleted, moved, twin])
    results, cached = _run(now, tmp_path / "cache")
    assert results == _uncached(now)
    assert cached == len(now) - 4  # the changed, missing, moved and new copy are checked
    assert any(p.code == "io-file-missing" for p in results[now.index(deleted)].problems)


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(
    tmp_path: Path, trusted_stat: None
) -> None:
    path = tmp_path / "2024-03-05-a.md"
    good = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    before = path.stat()
    first, _ = _run([path], tmp_path / "cache")
    assert first[0].ok
    time.sleep(0.02)  # the kernel's clock for time stamps ticks every few milliseconds
    bad = good.replace("type: article", "type: articel")
    assert len(bad) == len(good)
    path.write_text(bad, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    second, cached = _run([path], tmp_path / "cache")
    assert cached == 0
    assert second == [check_path(path)]
    assert not second[0].ok


def test_an_unchanged_file_is_served_without_being_read(
    files: list[Path], tmp_path: Path, trusted_stat: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(files, tmp_path / "cache")

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr("newsmeta.cache.read_article", no_reading)
    results, cached = _run(files, tmp_path / "cache")
    assert cached == len(files)
    assert results == _uncached(files)


def test_a_touched_file_is_hashed_served_and_its_entry_refreshed(
    files: list[Path], tmp_path: Path, trusted_stat: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(files, tmp_path / "cache")
    time.sleep(0.02)
    os.utime(files[0])  # new times, same bytes: a fresh checkout looks like this
    reads: list[str] = []
    from newsmeta._files import read_article as real

    def counting(path: str, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
        reads.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr("newsmeta.cache.read_article", counting)
    results, cached = _run(files, tmp_path / "cache")
    assert (cached, reads) == (len(files), [str(files[0])])
    assert results == _uncached(files)
    reads.clear()
    _run(files, tmp_path / "cache")
    assert reads == []  # the refreshed entry now matches the new times


def test_a_recently_changed_file_is_always_hashed(files: list[Path], tmp_path: Path) -> None:
    # Without the trusted_stat fixture the files were just written: every one is racy.
    _run(files, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / DATABASE_NAME) as db:
        keys = {row[0][:32] for row in db.execute("SELECT entry FROM entries")}
    assert keys == {bytes(32)}  # no stat key: hash it
    results, cached = _run(files, tmp_path / "cache")
    assert cached == len(files)
    assert results == _uncached(files)


def test_a_result_that_depends_on_the_clock_is_never_stored(tmp_path: Path) -> None:
    path = tmp_path / "future.md"
    path.write_text(FUTURE, encoding="utf-8")
    first, _ = _run([path], tmp_path / "cache")
    assert "date-in-future" in {p.code for p in first[0].problems}
    second, cached = _run([path], tmp_path / "cache")
    assert (cached, second) == (0, first)


def test_an_unreadable_path_is_reported_and_not_stored(tmp_path: Path) -> None:
    missing, directory = tmp_path / "missing.md", tmp_path / "folder.md"
    directory.mkdir()
    for _ in range(2):
        results, cached = _run([missing, directory], tmp_path / "cache")
        assert cached == 0
        assert results == _uncached([missing, directory])


def test_the_cache_key_follows_the_limits(files: list[Path], tmp_path: Path) -> None:
    import attrs

    from newsmeta._yamltree import DEFAULT_LIMITS

    small = attrs.evolve(DEFAULT_LIMITS, max_file_bytes=100)
    assert context_key(small) != context_key(DEFAULT_LIMITS)
    _run(files, tmp_path / "cache")
    with ResultCache(tmp_path / "cache", limits=small) as cache:
        lookup = cache.lookup(files)
        results = list(lookup.results())
    assert lookup.cached == 0
    assert results == [check_path(path, small) for path in files]
    assert all("limit-file-size" in {p.code for p in r.problems} for r in results)


def test_the_cache_key_follows_newsmeta_s_code(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(files, tmp_path / "cache")
    cache_module._code_digest.cache_clear()
    monkeypatch.setattr(cache_module, "_code_digest", lambda: b"other code")
    assert _run(files, tmp_path / "cache")[1] == 0


def test_the_code_digest_follows_the_schema_and_the_checking_code_only(tmp_path: Path) -> None:
    package = Path(cache_module.__file__).parent
    copy = tmp_path / "newsmeta"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert cache_module._package_digest(str(package)) == cache_module._code_digest()
    digest = cache_module._package_digest(str(copy))
    assert digest == cache_module._code_digest()

    def changed(relative: str) -> bool:
        path = copy / relative
        before = path.read_bytes()
        path.write_bytes(before.replace(b"\n", b"\n\n", 1))
        try:
            return cache_module._package_digest(str(copy)) != digest
        finally:
            path.write_bytes(before)

    # What decides a result: the schema, the parser, the rules, the problem catalogue.
    for relative in (
        "schemas/article.schema.json",
        "_quick.py",
        "rules/text.py",
        "problems.py",
    ):
        assert changed(relative), relative
    # What only shows or edits results: a stored result stays good.
    for relative in ("cli/validate.py", "reporters/json.py"):
        assert not changed(relative), relative


def test_the_cache_key_follows_newsmeta_s_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = context_key()
    monkeypatch.setattr(cache_module, "__version__", "0.0.0.other")
    assert context_key() != before


def test_the_result_libraries_are_the_declared_dependencies_that_check() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        for requirement in declared["project"]["dependencies"]
    }
    # Dependencies that never change what validation finds or says; any other must be in
    # the cache key (a new dependency fails here until it is placed on one side).
    not_results = {
        "attrs": "builds the result objects",
        "cattrs": "builds typed articles, which validation does not",
        "argcomplete": "completes the shell's command line",
        "jq": "runs query and edit programs",
    }
    assert set(RESULT_LIBRARIES) == names - set(not_results)


def test_the_installed_versions_of_the_result_libraries_are_found() -> None:
    import importlib.metadata

    found = dict(cache_module._library_versions())
    for name in RESULT_LIBRARIES:
        assert found[cache_module._normalise(name)] == importlib.metadata.version(name)


# --- a broken, foreign or unwritable cache never changes a result ------------------------------


def test_a_corrupt_database_is_rebuilt(files: list[Path], tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / DATABASE_NAME).write_bytes(b"this is not a database" * 300)
    results, cached = _run(files, tmp_path / "cache")
    assert (results, cached) == (_uncached(files), 0)
    assert _run(files, tmp_path / "cache") == (_uncached(files), len(files))


def test_a_database_damaged_inside_is_dropped_and_rebuilt(
    files: list[Path], tmp_path: Path
) -> None:
    _run(files, tmp_path / "cache")
    database = tmp_path / "cache" / DATABASE_NAME
    data = bytearray(database.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page but the header: garbage
        data[start : start + page] = b"\xa5" * len(data[start : start + page])
    database.write_bytes(bytes(data))
    results, _ = _run(files, tmp_path / "cache")
    assert results == _uncached(files)
    assert _run(files, tmp_path / "cache") == (_uncached(files), len(files))


def test_a_tampered_entry_is_not_used(files: list[Path], tmp_path: Path) -> None:
    _run(files, tmp_path / "cache")
    with contextlib.closing(sqlite3.connect(tmp_path / "cache" / DATABASE_NAME)) as db, db:
        # A flipped digit: still valid JSON, but not what was stored.
        db.execute("UPDATE entries SET entry = CAST(replace(entry, ',1,', ',2,') AS BLOB)")
        changed = db.execute("SELECT changes()").fetchone()[0]
    assert changed > 0
    results, cached = _run(files, tmp_path / "cache")
    assert results == _uncached(files)
    assert cached < len(files)


def test_an_intact_but_unreadable_entry_is_checked_instead(
    files: list[Path], tmp_path: Path
) -> None:
    _run(files, tmp_path / "cache")
    with ResultCache(tmp_path / "cache") as cache:
        assert cache._db is not None
        rows = cache._db.execute("SELECT path, entry FROM entries").fetchall()
        for key, entry in rows:
            # What a faulty writer could store: a valid checksum over a result that is not.
            context = cache._context_of(cache.limits)
            rewritten = cache._store_key(context, key, entry[:32], entry[32:48], b"[not json")
        cache.flush()
    assert rewritten[48:-4] == b"[not json"
    assert _run(files, tmp_path / "cache")[0] == _uncached(files)


def test_a_cache_from_a_newer_format_is_left_alone(files: list[Path], tmp_path: Path) -> None:
    _run(files, tmp_path / "cache")
    database = tmp_path / "cache" / DATABASE_NAME
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    with ResultCache(tmp_path / "cache") as cache:
        assert not cache.usable
        assert cache.problem is not None
        assert "newer" in cache.problem
        results = list(cache.lookup(files).results())
    assert results == _uncached(files)
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION + 1
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == len(files)


def test_a_cache_from_an_older_format_is_emptied(files: list[Path], tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    with contextlib.closing(sqlite3.connect(tmp_path / "cache" / DATABASE_NAME)) as db:
        db.execute("CREATE TABLE entries (path TEXT, result TEXT)")
        db.execute("INSERT INTO entries VALUES ('x', 'y')")
        db.commit()
    assert _run(files, tmp_path / "cache") == (_uncached(files), 0)
    assert _run(files, tmp_path / "cache") == (_uncached(files), len(files))


@contextlib.contextmanager
def _read_only(*paths: Path) -> Iterator[None]:
    """Make ``paths`` unwritable, even for root (``chattr +i``); skip where impossible."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root without chattr: nothing is read-only")
    done = subprocess.run([chattr, "+i", *map(str, paths)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not allowed here: {done.stderr.decode(errors='replace')}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", *map(str, paths)], check=True)


def test_a_read_only_cache_is_read_and_never_written(files: list[Path], tmp_path: Path) -> None:
    _run(files, tmp_path / "cache")
    files[0].write_text(FUTURE, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    database = cache_dir / DATABASE_NAME
    before = database.read_bytes()
    with _read_only(cache_dir, database):
        with ResultCache(cache_dir) as cache:
            assert cache.usable
            assert not cache.writable
            assert cache.problem is not None
            lookup = cache.lookup(files)
            results = list(lookup.results())
        assert lookup.cached == len(files) - 1
        assert results == _uncached(files)
        assert database.read_bytes() == before


def test_a_cache_directory_that_cannot_be_made_is_skipped(
    files: list[Path], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with ResultCache(blocker / "cache") as cache:
        assert not cache.usable
        assert cache.problem is not None
        assert list(cache.lookup(files).results()) == _uncached(files)


def test_a_read_only_checkout_without_a_cache_runs_without_one(
    files: list[Path], tmp_path: Path
) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    with _read_only(checkout), ResultCache(checkout / ".newsmeta_cache") as cache:
        assert not cache.usable
        assert validate_many(files, cache=cache) == validate_many(files)
    assert not (checkout / ".newsmeta_cache").exists()


def test_a_write_that_fails_midway_stops_storing_not_the_run(
    files: list[Path], tmp_path: Path
) -> None:
    with ResultCache(tmp_path / "cache") as cache:
        assert cache._db is not None
        cache._db.execute("DROP TABLE entries")  # every later write fails
        results = list(cache.lookup(files).results())
        assert not cache.writable
    assert results == _uncached(files)


def test_concurrent_runs_agree_and_leave_a_sound_database(
    files: list[Path], tmp_path: Path
) -> None:
    script = (
        "import json, sys\n"
        "from newsmeta.cache import ResultCache\n"
        "from newsmeta.validation import validate_many\n"
        "with ResultCache(sys.argv[1]) as cache:\n"
        "    results = validate_many(sys.argv[2:], cache=cache)\n"
        "print(json.dumps([r.to_dict() for r in results]))\n"
    )
    expected = [r.to_dict() for r in validate_many(files)]
    for round_ in range(2):  # cold: everyone writes; warm: everyone reads while some write
        if round_:
            files[0].write_text(FUTURE, encoding="utf-8")
            files[1].write_text(files[1].read_text(encoding="utf-8") + "\nmore\n")
            expected = [r.to_dict() for r in validate_many(files)]
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(tmp_path / "cache"), *map(str, files)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        outputs = [json.loads(run.communicate(timeout=300)[0]) for run in runs]
        assert all(run.returncode == 0 for run in runs)
        assert all(output == expected for output in outputs)
    with contextlib.closing(sqlite3.connect(tmp_path / "cache" / DATABASE_NAME)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # One entry per file (the future-dated one keeps its first content's, unused).
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == len(files)


# --- maintenance --------------------------------------------------------------------------------


def test_clear_and_info(files: list[Path], tmp_path: Path) -> None:
    _run(files, tmp_path / "cache")
    with ResultCache(tmp_path / "cache") as cache:
        info = cache.info()
    assert (info.entries, info.current, info.writable) == (len(files), len(files), True)
    assert info.format_version == FORMAT_VERSION
    assert info.size_bytes > 0
    assert info.problem is None
    assert clear_cache(tmp_path / "cache") == len(files)
    assert _run(files, tmp_path / "cache")[1] == 0


def test_clear_removes_a_corrupt_database(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / DATABASE_NAME).write_bytes(b"garbage" * 1000)
    assert clear_cache(tmp_path / "cache") == 0
    with ResultCache(tmp_path / "cache") as cache:
        assert cache.info().entries == 0


def test_old_entries_are_pruned_once_a_day(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(files, tmp_path / "cache")
    _run(files[:3], tmp_path / "cache")
    later = time.time() + (cache_module.KEEP_DAYS + 1) * 86_400
    monkeypatch.setattr(time, "time", lambda: later)
    _run(files[:3], tmp_path / "cache")  # used today (the later day): kept; the rest: gone
    with ResultCache(tmp_path / "cache") as cache:
        assert cache.info().entries == 3


def test_the_cache_directory_is_marked_as_one(files: list[Path], tmp_path: Path) -> None:
    _run(files[:1], tmp_path / "cache")
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (
        (tmp_path / "cache" / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


def test_the_default_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSMETA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_cache_dir() == tmp_path / "xdg" / "newsmeta"
    found = Config(tmp_path, tmp_path / "pyproject.toml")
    assert default_cache_dir(found) == tmp_path / ".newsmeta_cache"
    monkeypatch.setenv("NEWSMETA_CACHE_DIR", str(tmp_path / "chosen"))
    assert default_cache_dir(found) == tmp_path / "chosen"


# --- stored form ---------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(["\udc80", "\ud800", "\x00"]))
_NUMBER = st.integers(min_value=0, max_value=10**9)
_PROBLEMS = st.builds(
    Problem,
    _TEXT,
    st.sampled_from(Severity),
    _TEXT,
    _TEXT,
    _NUMBER,
    _NUMBER,
    _NUMBER,
    _NUMBER,
    _TEXT,
)
_URLS = st.builds(UrlUse, _TEXT, _TEXT, _NUMBER, _NUMBER, _NUMBER, _NUMBER)


@given(st.lists(_PROBLEMS, max_size=4), st.lists(_URLS, max_size=3))
def test_a_result_survives_its_stored_form(problems: list[Problem], urls: list[UrlUse]) -> None:
    result = FileResult("some/path.md", tuple(problems), tuple(urls))
    stored = cache_module._encode(result)
    assert stored[cache_module._json_start(stored, 0) :].isascii()
    assert cache_module._decode("some/path.md", stored) == result


def test_every_real_and_generated_result_survives_its_stored_form(files: list[Path]) -> None:
    for result in _uncached(files):
        assert cache_module._decode(result.path, cache_module._encode(result)) == result


@pytest.mark.parametrize(
    "spelling",
    [
        "content/a.md",
        "./content/a.md",
        "content/./a.md",
        "content//a.md",
        "other/../content/a.md",
        "content/.",
        "content/..",
        ".content/a.md",
        "content/.a.md",
        "content/..a.md",
        "content/a.md/.",
        "/abs/./x/../y.md",
        "/abs/.hidden/y.md",
    ],
)
def test_an_entry_key_is_the_normalised_absolute_path(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However a path is spelled, its entry is that of the one normalised absolute path."""
    monkeypatch.chdir(tmp_path)
    with ResultCache(tmp_path / "cache") as cache:
        key = cache._key(spelling)
    expected = os.path.normpath(os.path.join(os.getcwd(), spelling))
    assert key == os.fsencode(expected)


@pytest.mark.usefixtures("trusted_stat")
def test_each_path_gets_its_own_entry_in_any_order(files: list[Path], tmp_path: Path) -> None:
    """Whatever order the paths come in, with entries of other files among theirs or some
    of theirs missing, each path is given its own stored result, never a neighbour's."""
    _run(files, tmp_path / "cache")
    extra = files[0].parent / "zz-new.md"
    shutil.copy(files[1], extra)
    orders = [
        files,
        files[::-1],
        files[1::2],  # entries of the other files lie between these
        [files[2], files[0], files[2]],
        [extra, *files],  # one without an entry
        [files[0], files[0].parent / "missing.md", files[1]],
    ]
    for paths in orders:
        results, cached = _run(paths, tmp_path / "cache")
        assert results == _uncached(paths)
        assert cached == sum(path in files for path in paths)


_SEGMENTS = st.sampled_from(["a", "b.md", ".corpus", ".", "..", "..a", "a.", "", "\u00e9", "x\0y"])


@given(
    shared=st.lists(_SEGMENTS, max_size=3),
    rests=st.lists(st.lists(_SEGMENTS, min_size=1, max_size=3), min_size=1, max_size=6),
    absolute=st.sampled_from(["none", "all", "first"]),
)
def test_the_keys_of_a_list_are_each_paths_key(
    shared: list[str], rests: list[list[str]], absolute: str
) -> None:
    """The keys of a list of paths, taken at once, are each path's own entry key: for paths
    in a folder whose name holds a dot, with "." and ".." segments, doubled "/", absolute
    or relative or both, and names holding a NUL."""
    names = ["/".join([*shared, *rest]) for rest in rests]
    if absolute == "all":
        names = ["/" + name for name in names]
    elif absolute == "first":
        names[0] = "/" + names[0]
    for order in (names, sorted(names)):
        with ResultCache("/nonexistent-newsmeta-cache", create=False) as cache:
            assert cache._keys(order) == [cache._key(name) for name in order]


def test_the_keys_of_a_dotted_folder_take_the_quick_way(tmp_path: Path) -> None:
    """Paths under a folder whose name starts with a dot (``benchmarks/.corpus/``) need no
    normalising, and are keyed as a list, not one by one."""
    names = [f"benchmarks/.corpus/c/{index}.md" for index in range(5)]
    with ResultCache(tmp_path / "cache") as cache:
        assert cache._plain_prefix(names) == cache._prefix
        assert cache._plain_prefix(["/" + name for name in names]) == ""
        assert cache._plain_prefix([*names, "benchmarks/.corpus/c/../x.md"]) is None
        assert cache._plain_prefix([*names, "benchmarks/.corpus/c/.x.md"]) is None


def _uses(urls: list[list[Any]] | HashedUrls) -> tuple[UrlUse, ...]:
    """The URLs that ``stated_results`` gave apart, as the result would hold them."""
    if isinstance(urls, tuple):
        _, source, values = urls
        urls = values("unused.md", source)
    return tuple(UrlUse(*use) for use in urls)


def test_results_with_their_urls_apart_are_the_results(files: list[Path], tmp_path: Path) -> None:
    """``stated_results`` gives what ``results`` does, with stored URLs kept apart as
    values, and the cross-file check finds the same duplicates in either form."""
    duplicate = files[0].parent / "zz-duplicate.md"
    shutil.copy(files[-1], duplicate)
    paths = [*files, duplicate]
    expected = _uncached(paths)
    for run in ("cold", "warm"):
        with ResultCache(tmp_path / "cache") as cache:
            stated = list(cache.lookup(paths).stated_results())
        assert [urls is None for _, urls in stated] == [run == "cold"] * len(paths)
        # Stored results come with their URLs by hash, with problems or without (these
        # files state few URLs, no two alike by hash).
        assert [isinstance(urls, tuple) for _, urls in stated] == [run == "warm"] * len(paths)
        assert any(result.problems for result, _ in stated)
        rebuilt = [
            result if urls is None else FileResult(result.path, result.problems, _uses(urls))
            for result, urls in stated
        ]
        assert rebuilt == expected
        apart, whole = CorpusIndex(), CorpusIndex()
        checked_apart = [apart.check_apart(result, urls) for result, urls in stated]
        checked_whole = [whole.check(result) for result in expected]
        assert [(r.path, r.problems) for r in checked_apart] == [
            (r.path, r.problems) for r in checked_whole
        ]
    assert any(p.code == "corpus-duplicate-url" for p in checked_apart[-1].problems)


@pytest.mark.parametrize(
    "stored",
    [
        b"[[],[]]x",
        b"[[],[]",
        b"[[],[[1,2]]]",
        b"[[],{}]",
        b'[[],["webUrl"]]',
        b"[[],[[]]]",
        b'[[["a","error","m","/",1,1,1,1,null]],[]]]',
        b"[[1],[]]",
    ],
)
def test_a_stored_result_of_the_wrong_shape_is_checked_instead(
    stored: bytes, files: list[Path], tmp_path: Path
) -> None:
    _run(files, tmp_path / "cache")
    with ResultCache(tmp_path / "cache") as cache:
        assert cache._db is not None
        context = cache._context_of(cache.limits)
        for key, entry in cache._db.execute("SELECT path, entry FROM entries").fetchall():
            cache._store_key(context, key, entry[:32], entry[32:48], stored)
        cache.flush()
    results, cached = _run(files, tmp_path / "cache")
    assert cached == len(files)  # found intact, then checked: not read as results
    assert results == _uncached(files)


def test_stored_urls_read_only_on_a_collision_come_from_the_file_when_unreadable(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored result is read back with its URLs by their hashes; the JSON of its URLs is
    read only when a hash is met again. Should that JSON be unreadable (a faulty writer,
    under a valid checksum), the URLs are read from the file: the duplicates found are
    those of a run without the cache."""
    monkeypatch.setattr(firsts, "_hash", lambda url: 7)  # every URL meets every other
    duplicate = files[0].parent / "zz-duplicate.md"
    shutil.copy(files[-1], duplicate)
    paths = [*files, duplicate]
    _run(paths, tmp_path / "cache")
    broken = problems = 0
    with ResultCache(tmp_path / "cache") as cache:
        assert cache._db is not None
        context = cache._context_of(cache.limits)
        for key, entry in cache._db.execute("SELECT path, entry FROM entries").fetchall():
            start = cache_module._json_start(entry, 48)
            if entry[48] == cache_module._UNHASHED:
                continue
            text = entry[start:-4].decode("ascii")
            if text.startswith("[[],"):
                body = entry[48:start] + b'[[],[["webUrl",'  # cut short
            else:  # the problems as they are, the URLs cut short
                _, urls_at = cache_module._decode_problems("x.md", text)
                body = entry[48:start] + text[:urls_at].encode("ascii") + b'[["webUrl",]'
                problems += 1
            cache._store_key(context, key, entry[:32], entry[32:48], body)
            broken += 1
        cache.flush()
    assert broken > 3
    assert problems > 0

    def corpus_pass(results: Iterator[tuple[FileResult, Any]]) -> list[FileResult]:
        index = CorpusIndex()
        return [index.check_apart(result, urls) for result, urls in results]

    with ResultCache(tmp_path / "cache") as cache:
        lookup = cache.lookup(paths)
        assert lookup.cached == len(paths)
        stated = list(lookup.stated_results())
        assert sum(isinstance(urls, tuple) for _, urls in stated) == broken
        checked = corpus_pass(iter(stated))
        assert list(cache.lookup(paths).results()) == _uncached(paths)
    expected = CorpusIndex()
    assert [(r.path, r.problems) for r in checked] == [
        (r.path, r.problems) for r in map(expected.check, _uncached(paths))
    ]
    assert any(p.code == "corpus-duplicate-url" for p in checked[-1].problems)


class _Recording:
    """A database connection that remembers the statements run on it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.statements: list[str] = []

    def execute(self, statement: str, *args: Any) -> sqlite3.Cursor:
        self.statements.append(statement)
        return self.db.execute(statement, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self.db, name)


@pytest.mark.parametrize("slack", [0, 3])
def test_a_lookup_of_scattered_paths_finds_each_entry(
    slack: int, files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are read by the range of a lookup's paths, or path by path when that range
    holds too many other entries: either way every stored result is found."""
    monkeypatch.setattr(cache_module, "_RANGE_SLACK", slack)
    monkeypatch.setattr(cache_module, "_RANGE_SLACK_FIXED", 0)
    _run(files, tmp_path / "cache")
    scattered = files[::3]
    with ResultCache(tmp_path / "cache") as cache:
        recording = _Recording(cache._db)  # type: ignore[arg-type]
        cache._db = recording  # type: ignore[assignment]
        lookup = cache.lookup(scattered)
        assert lookup.cached == len(scattered)
        assert list(lookup.results()) == _uncached(scattered)
    by_path = [s for s in recording.statements if " IN (" in s]
    assert bool(by_path) == (slack == 0)  # two other entries between each path and the next


def test_a_stored_problem_with_an_unknown_severity_is_refused() -> None:
    """A stored problem is read back with a dictionary look-up of its severity: what is
    not a severity is refused as ``Severity(text)`` would refuse it (the file is then
    checked again), never read as some other severity."""
    from newsmeta.validation import _problem_of_row

    row: list[Any] = ["schema-enum", "warning", "m", "/type", 1, 2, 1, 3, ""]
    assert _problem_of_row(list(row)).severity is Severity.WARNING
    for wrong in ("fatal", "WARNING", None, 1):
        with pytest.raises(ValueError, match="not a severity"):
            _problem_of_row([*row[:1], wrong, *row[2:]])
    with pytest.raises(TypeError):
        _problem_of_row([*row[:1], ["warning"], *row[2:]])
