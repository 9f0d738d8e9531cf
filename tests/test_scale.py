"""Many files: executors (process pool, Dask), bounded streaming, and the differential proof
that the fast path (C parser, jsonschema-rs) agrees with the slow one (pure-Python parser,
jsonschema) on real files and on generated files with every kind of injected defect."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pytest

from newsmeta._check import analyse
from newsmeta.config import Config
from newsmeta.problems import Severity
from newsmeta.schema import format_checker, is_valid, load_schema
from newsmeta.validation import (
    BATCH_SIZE,
    CorpusIndex,
    FileResult,
    _check_chunk,
    _packed,
    _unpacked,
    check_path,
    iter_results,
    validate_many,
)

from .conftest import EXAMPLES

P = ParamSpec("P")
T = TypeVar("T")


# --- executors ----------------------------------------------------------------------------


def _mixed(generated: list[tuple[Path, str | None]], tmp_path: Path) -> list[str]:
    missing = tmp_path / "missing.md"
    return [str(p) for p, _ in generated[:40]] + [str(missing), *map(str, EXAMPLES.glob("*.md"))]


def test_validate_many_on_a_process_pool_equals_one_process(
    generated: list[tuple[Path, str | None]], tmp_path: Path
) -> None:
    paths = _mixed(generated, tmp_path)
    config = Config(tmp_path)
    expected = validate_many(paths, config=config)
    assert [r.path for r in expected] == sorted(paths)
    assert [r.problems for r in expected] == [
        r.problems for r in map(CorpusIndex().check, (check_path(p) for p in sorted(paths)))
    ]
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert validate_many(paths, pool, chunk_size=5, config=config) == expected
    assert any(r.problems and r.problems[0].code == "io-file-missing" for r in expected)
    assert any(not r.ok for r in expected)
    assert any(r.ok for r in expected)


@pytest.mark.slow
def test_validate_many_on_a_dask_cluster(
    generated: list[tuple[Path, str | None]], tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    paths = _mixed(generated, tmp_path)
    config = Config(tmp_path)
    expected = validate_many(paths, config=config)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = _Delegating(client.get_executor())
        assert validate_many(paths, dask, chunk_size=8, config=config) == expected
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert validate_many(paths, pool, chunk_size=8, config=config) == expected
    # One task per batch of 8 paths, the last ones halving.
    assert sum(dask.batches) == len(paths)
    assert dask.batches[: (len(paths) - 8) // 8] == [8] * ((len(paths) - 8) // 8)
    assert all(size < 8 for size in dask.batches[-2:])


class _WritingOnFirstTask(Executor):
    """Runs each task at once; before the first, writes ``late`` (in a folder not yet read
    if the paths stream)."""

    def __init__(self, late: Path) -> None:
        self.late = late

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if not self.late.exists():
            self.late.write_text("---\ntitle: x\n---\n", encoding="utf-8")
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_validate_many_sends_batches_while_the_walk_goes_on(tmp_path: Path) -> None:
    early = [tmp_path / "a.md", tmp_path / "b.md"]
    for path in early:
        path.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "z").mkdir()
    late = tmp_path / "z" / "late.md"
    executor = _WritingOnFirstTask(late)
    results = validate_many([str(tmp_path)], executor, chunk_size=1, config=Config(tmp_path))
    # z/ was read after the first batch went out: its file, written then, is found.
    assert [r.path for r in results] == [*map(str, early), str(late)]
    assert results[2] == check_path(late)


def test_validate_many_reports_unreadable_directories_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    (tmp_path / "a.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    denied = str(tmp_path / "b")
    real = os.scandir

    def scandir(path: str) -> object:  # permissions do not bind root: refuse here
        if os.fspath(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", denied)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with ProcessPoolExecutor(max_workers=1) as pool:
        for executor in (None, pool):
            results = validate_many([str(tmp_path)], executor, config=Config(tmp_path))
            assert [r.path for r in results] == [denied, str(tmp_path / "a.md")]
            assert [p.code for p in results[0].problems] == ["io-permission-denied"]


class _Delegating(Executor):
    """Hands each task to ``inner`` and records how many paths each batch holds."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.batches: list[int] = []

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        self.batches.append(len(args[0]))  # type: ignore[arg-type]
        return self.inner.submit(fn, *args, **kwargs)


class _Recording(Executor):
    """Runs each task at once and records how many are outstanding (not yet consumed)."""

    def __init__(self) -> None:
        self.submitted = 0
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        future.set_result(fn(*args, **kwargs))
        self.submitted += 1
        self.futures.append(future)
        return future


def test_iter_results_keeps_a_bounded_number_of_chunks_in_flight() -> None:
    paths = [str(EXAMPLES / "missing.md")] * 100
    recording = _Recording()
    executor = _Delegating(recording)
    stream: Iterator[FileResult] = iter_results(paths, executor, chunk_size=4, in_flight=3)
    submitted = []
    for _ in range(100):
        next(stream)
        submitted.append(recording.submitted)
    assert next(stream, None) is None
    ends = list(itertools.accumulate(executor.batches))
    assert ends[-1] == 100
    for consumed, count in enumerate(submitted, start=1):
        # After `consumed` results, at most in_flight batches beyond them were submitted.
        assert count <= bisect.bisect_left(ends, consumed) + 1 + 3


@pytest.mark.parametrize(
    ("count", "chunk_size", "batches"),
    [
        (10, 4, [4, 3, 2, 1]),
        (12, 4, [4, 4, 2, 1, 1]),
        (3, 4, [2, 1]),
        (1, 4, [1]),
        (200, 32, [32] * 5 + [20, 10, 5, 3, 2]),
        (3000, 1024, [1024, 988, 494, 247, 124, 64, 59]),
        (2 * BATCH_SIZE, None, [BATCH_SIZE] + [BATCH_SIZE // 2**k for k in (1, 2, 3, 4, 4)]),
    ],
)
def test_tasks_hold_batches_of_chunk_size_paths_then_halving_ones(
    count: int, chunk_size: int | None, batches: list[int]
) -> None:
    paths = [str(EXAMPLES / f"missing-{i}.md") for i in range(count)]
    executor = _Delegating(_Recording())
    if chunk_size is None:
        results = list(iter_results(paths, executor))
    else:
        results = list(iter_results(paths, executor, chunk_size=chunk_size))
    assert [r.path for r in results] == paths
    # Full batches while at least two batches' worth remain, then halves (no smaller than
    # a sixteenth of chunk_size), so that no worker checks a whole batch alone at the end.
    assert executor.batches == batches
    # Each task gives its batch's results as one bytes object, which any executor moves
    # in one piece (Dask would serialise a list item by item).
    assert all(type(task.result()) is bytes for task in executor.inner.futures)  # type: ignore[attr-defined]


def test_a_batch_packs_its_results_compactly_and_reads_them_back_equal(
    generated: list[tuple[Path, str | None]], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    two = tmp_path / "two-urls.md"
    text = (EXAMPLES / "2024-03-05-harbour-city-school-solar.md").read_text("utf-8")
    two.write_text(text.replace('originalUrl: "https://', 'originalUrl: "https://old.'), "utf-8")
    paths = [*_mixed(generated, tmp_path), str(broken), str(two)]
    results = [check_path(p) for p in paths]
    # Every shape a result takes: problems of each level, one with the parser's detail,
    # files stating one URL twice or two different ones, and files with neither.
    levels = {p.severity for r in results for p in r.problems}
    assert levels == {Severity.ERROR, Severity.WARNING}
    assert any(p.detail for r in results for p in r.problems)
    assert any(len({u.url for u in r.urls}) == 2 for r in results)
    assert any(len(r.urls) == 2 and r.urls[0].url == r.urls[1].url for r in results)
    assert any(not r.problems and not r.urls for r in results)

    packed = _packed(results)
    assert _unpacked(paths, packed) == results
    assert _unpacked(paths, _check_chunk(paths)) == results
    # The paths stay with the caller, and a URL a file states twice travels once.
    assert str(tmp_path).encode() not in packed
    same = next(r for r in results if r.urls and r.urls[0].url == r.urls[-1].url)
    assert _packed([same]).count(same.urls[0].url.encode()) == 1


def test_iter_results_rejects_a_bad_chunk_size() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(iter_results(["x"], _Recording(), chunk_size=0))


# --- differential: fast path == slow path -------------------------------------------------


def test_c_and_pure_parsers_agree_on_generated_defects(
    generated: list[tuple[Path, str | None]],
) -> None:
    for path, defect in generated:
        text = path.read_text(encoding="utf-8")
        fast, slow = analyse(text), analyse(text, pure=True)
        assert fast.problems == slow.problems, (path, defect)
        assert fast.data == slow.data, (path, defect)
        has_error = any(p.severity == "error" for p in fast.problems)
        assert has_error == (defect is not None), (path, defect)


def _engines_agree(paths: list[Path]) -> tuple[int, int]:
    from jsonschema import Draft202012Validator

    reference = Draft202012Validator(load_schema(), format_checker=format_checker())
    valid = invalid = 0
    for path in paths:
        analysis = analyse(path.read_text(encoding="utf-8"))
        if not analysis.readable:
            continue
        verdict = is_valid(analysis.data)
        assert verdict == reference.is_valid(analysis.data), path
        valid += verdict
        invalid += not verdict
    return valid, invalid


def test_both_schema_engines_agree_on_generated_files(
    generated: list[tuple[Path, str | None]],
) -> None:
    valid, invalid = _engines_agree([p for p, _ in generated])
    assert valid > 0
    assert invalid > 0


def test_both_schema_engines_agree_on_real_files(corpus: list[Path]) -> None:
    valid, _ = _engines_agree(corpus)
    assert valid > 0
