"""Many files: executors (process pool, Dask), bounded streaming, and the differential proof
that the fast path (C parser, jsonschema-rs) agrees with the slow one (pure-Python parser,
jsonschema) on real files and on generated files with every kind of injected defect."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pytest

from newsmeta._check import analyse
from newsmeta.config import Config
from newsmeta.schema import format_checker, is_valid, load_schema
from newsmeta.validation import (
    BATCH_SIZE,
    CorpusIndex,
    FileResult,
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
    # One task per batch of 8 paths, the last one holding the rest.
    assert dask.batches == [8] * (len(paths) // 8) + ([len(paths) % 8] if len(paths) % 8 else [])


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
    (tmp_path / "a.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "z").mkdir()
    late = tmp_path / "z" / "late.md"
    executor = _WritingOnFirstTask(late)
    results = validate_many([str(tmp_path)], executor, chunk_size=1, config=Config(tmp_path))
    # z/ was read after the first batch went out: its file, written then, is found.
    assert [r.path for r in results] == [str(tmp_path / "a.md"), str(late)]
    assert results[1] == check_path(late)


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
    executor = _Recording()
    stream: Iterator[FileResult] = iter_results(paths, executor, chunk_size=4, in_flight=3)
    for consumed in range(1, 101):
        next(stream)
        # After `consumed` results, at most in_flight chunks beyond them were submitted.
        assert executor.submitted <= -(-consumed // 4) + 3
    assert executor.submitted == 25
    assert next(stream, None) is None


@pytest.mark.parametrize(("count", "chunk_size"), [(10, 4), (12, 4), (3, 4), (600, None)])
def test_every_task_holds_a_batch_of_chunk_size_paths(count: int, chunk_size: int | None) -> None:
    paths = [str(EXAMPLES / f"missing-{i}.md") for i in range(count)]
    executor = _Delegating(_Recording())
    if chunk_size is None:
        results = list(iter_results(paths, executor))
        chunk_size = BATCH_SIZE
    else:
        results = list(iter_results(paths, executor, chunk_size=chunk_size))
    assert [r.path for r in results] == paths
    full, rest = divmod(count, chunk_size)
    assert executor.batches == [chunk_size] * full + ([rest] if rest else [])
    # Each task gives its batch's results as one bytes object, which any executor moves
    # in one piece (Dask would serialise a list item by item).
    assert all(type(task.result()) is bytes for task in executor.inner.futures)  # type: ignore[attr-defined]


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
