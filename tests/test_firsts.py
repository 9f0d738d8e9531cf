"""The corpus pass's compact memory answers exactly as a dictionary of URLs would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsmeta._firsts as firsts
from newsmeta._firsts import BLOCK, FirstStatements

from .conftest import ROOT, load_module


def _replay(statements: list[tuple[str, str, int]]) -> None:
    """Feed ``(url, path, line)`` in order to a dictionary and to the compact memory."""
    expected: dict[str, tuple[str, int]] = {}
    memory = FirstStatements()
    for url, path, line in statements:
        assert memory.setdefault(url, path, line) == expected.setdefault(url, (path, line))
    assert len(memory) == len(expected)


@pytest.mark.parametrize("kept", [0, 2, firsts.KEPT_BLOCKS])
def test_thousands_of_urls_across_blocks_and_growth_are_remembered_exactly(
    kept: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(firsts, "KEPT_BLOCKS", kept)
    distinct = (kept + 4) * BLOCK + 100
    statements = [
        (f"https://example.com/{i % distinct}", f"c/{i}.md", i) for i in range(3 * distinct)
    ]
    # Blocks kept as they are (if any), several compressed ones, one being filled; and the
    # table grows many times.
    _replay(statements)


def test_urls_whose_hashes_collide_stay_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    # Eight hash values for hundreds of URLs: every lookup meets collisions.
    monkeypatch.setattr(firsts, "_hash", lambda url: 1 + hash(url) % 8)
    statements = [(f"https://example.com/{i % 700}", f"{i}.md", i) for i in range(2100)]
    _replay(statements)


def test_any_text_is_a_url_to_remember() -> None:
    _replay([("", "a.md", 1), ("\x00\ud800é", "b.md", 2), ("", "c.md", 3), ("\x00\ud800é", "d", 4)])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["u1", "u2", "https://a.b/c", "", "é", "u" * 300]) | st.text(),
            st.text(min_size=1),
            st.integers(min_value=1, max_value=10**6),
        ),
        max_size=600,
    )
)
def test_random_statements_are_answered_as_a_dictionary_would(
    statements: list[tuple[str, str, int]],
) -> None:
    _replay(statements)


def _validate_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from newsmeta.cli import main

    code = main(["validate", "--format", "json", *argv])
    return code, capsys.readouterr().out


def test_validate_reports_the_same_duplicates_when_every_url_hashes_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One hash for every URL: each lookup meets every earlier URL, and only the URLs
    themselves tell them apart. The report, with the result cache and without it, is
    the one the real hash gives."""
    make_corpus = load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")
    content = tmp_path / "content"
    content.mkdir()
    generated = list(make_corpus.generate(40, 18, 0.2))
    for name, text, _ in generated:
        (content / name).write_text(text, encoding="utf-8", newline="")
    for name, text, _ in generated[:6]:  # later names state the same URLs again
        (content / f"zz-{name}").write_text(text, encoding="utf-8", newline="")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)
    expected = _validate_json(["--no-cache", "content"], capsys)
    assert expected[1].count("corpus-duplicate-url") >= 6
    monkeypatch.setattr(firsts, "_hash", lambda url: 7)
    for argv in (["--no-cache"], ["--cache-dir", "c"], ["--cache-dir", "c"]):
        assert _validate_json([*argv, "content"], capsys) == expected


def _replay_files(files: list[tuple[str, list[tuple[str, int]]]], hashed: set[int]) -> None:
    """Feed each file's distinct URLs to a dictionary and to the compact memory: the files
    whose number is in ``hashed`` by their hashes (as a stored result enters it), falling
    back to URL by URL when a hash was met before; the others URL by URL."""
    expected: dict[str, tuple[str, int]] = {}
    memory = FirstStatements()
    for number, (path, uses) in enumerate(files):
        firsts_of = [expected.setdefault(url, (path, line)) for url, line in uses]
        if number in hashed:
            stated = [value for url, line in uses for value in (firsts._hash(url), line)]
            source = json.dumps([["webUrl", url, line, 1, line, 9] for url, line in uses])
            if memory.add_new(stated, path, source.encode("ascii")):
                assert firsts_of == [(path, line) for _, line in uses]
                continue
        assert [memory.setdefault(url, path, line) for url, line in uses] == firsts_of
    assert len(memory) == len(expected)


_FILES = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=4),
        st.dictionaries(
            st.sampled_from(["u1", "u2", "https://a.b/c", "", "é", "\ud800"]) | st.text(),
            st.integers(min_value=1, max_value=2**40),
            max_size=3,
        ).map(lambda uses: list(uses.items())),
    ),
    max_size=200,
)


@settings(max_examples=100, deadline=None)
@given(_FILES, st.sets(st.integers(min_value=0, max_value=199)))
def test_urls_entered_by_hash_are_answered_as_a_dictionary_would(
    files: list[tuple[str, list[tuple[str, int]]]], hashed: set[int]
) -> None:
    _replay_files(files, hashed)


@settings(max_examples=50, deadline=None)
@given(_FILES, st.sets(st.integers(min_value=0, max_value=199)))
def test_urls_entered_by_colliding_hashes_are_told_apart(
    files: list[tuple[str, list[tuple[str, int]]]], hashed: set[int]
) -> None:
    # Four hash values: most hashes are met again, and only the URLs tell them apart.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(firsts, "_hash", lambda url: firsts.url_hash(url) % 4)
        _replay_files([(path, uses) for path, uses in files if _distinct(uses)], hashed)


def _distinct(uses: list[tuple[str, int]]) -> bool:
    """Whether a file's URLs have distinct hashes: a stored result keeps them by hash only
    then (else its URLs go URL by URL)."""
    return len({firsts._hash(url) for url, _ in uses}) == len(uses)


def test_the_hash_is_the_same_in_every_process() -> None:
    import subprocess
    import sys

    script = "from newsmeta._firsts import url_hash; print(url_hash('https://a.b/é\\ud800'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    # Pinned: the cache stores it, so it must not depend on the process or the platform.
    assert runs == {"6646424090384515087\n"}


def _replay_runs(files: list[tuple[str, list[tuple[str, int]]]], expected_size: int) -> None:
    """Feed every file's distinct URLs by their hashes in one run (:meth:`add_run`, as a
    warm run's files without problems enter it), each file that it stops at URL by URL,
    and check every answer against a dictionary."""
    expected: dict[str, tuple[str, int]] = {}
    memory = FirstStatements(expected_size)
    hashed = [
        (
            [value for url, line in uses for value in (firsts._hash(url), line)],
            json.dumps([["webUrl", url, line, 1, line, 9] for url, line in uses]).encode(),
        )
        for _, uses in files
    ]
    paths = [path for path, _ in files]
    start = 0
    while start < len(files):
        stop = memory.add_run(hashed, paths, start)
        assert start <= stop <= len(files)
        for path, uses in files[start:stop]:  # entered by hash: each URL is new here
            for url, line in uses:
                assert expected.setdefault(url, (path, line)) == (path, line)
        if stop < len(files):
            path, uses = files[stop]
            # add_run stops only where a hash was met before, and enters nothing of it.
            known = {firsts._hash(url) for url in expected}
            assert any(firsts._hash(url) in known for url, _ in uses)
            firsts_of = [expected.setdefault(url, (path, line)) for url, line in uses]
            assert [memory.setdefault(url, path, line) for url, line in uses] == firsts_of
        start = stop + 1
    assert len(memory) == len(expected)
    for url, first in expected.items():
        assert memory.setdefault(url, "later.md", 1) == first


@settings(max_examples=100, deadline=None)
@given(_FILES, st.integers(min_value=0, max_value=300))
def test_urls_entered_in_runs_are_answered_as_a_dictionary_would(
    files: list[tuple[str, list[tuple[str, int]]]], expected_size: int
) -> None:
    # Small blocks, so that a run fills, keeps and compresses several of them, and the table
    # grows in the middle of a run (unless the size hint made it large enough).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(firsts, "BLOCK", 4)
        patch.setattr(firsts, "KEPT_BLOCKS", 1)
        _replay_runs([(path, uses) for path, uses in files if _distinct(uses)], expected_size)


@settings(max_examples=50, deadline=None)
@given(_FILES)
def test_urls_entered_in_runs_with_colliding_hashes_are_told_apart(
    files: list[tuple[str, list[tuple[str, int]]]],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(firsts, "_hash", lambda url: firsts.url_hash(url) % 4)
        patch.setattr(firsts, "BLOCK", 4)
        _replay_runs([(path, uses) for path, uses in files if _distinct(uses)], 0)


def test_a_size_hint_makes_room_at_once_and_changes_no_answer() -> None:
    hinted, plain = FirstStatements(10_000), FirstStatements()
    assert len(hinted._slots) >= 10_000 / firsts._LOAD > len(plain._slots)
    statements = [(f"https://example.com/{i % 3000}", f"{i}.md", i) for i in range(6000)]
    for url, path, line in statements:
        assert hinted.setdefault(url, path, line) == plain.setdefault(url, path, line)
