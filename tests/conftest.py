"""Shared fixtures: the repository root and the real-data folder ``../shared``.

The real articles in ``../shared`` carry no licence, so they are read in place and never
copied into the project; tests that need them skip cleanly when the folder is absent.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import inspect
import os
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

# Speed is measured by the benchmarks, never asserted by a test: on a shared or slow machine
# hypothesis's per-example deadline fails correct code at random, so no test has one.
settings.register_profile("newsmeta", deadline=None)
settings.load_profile("newsmeta")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_9dd58f7d27826a4c.txt"
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True, scope="session")
def _result_cache_in_scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``newsmeta validate`` keeps results in the user's cache directory by default; the
    tests (and the commands they start) keep them in a scratch one instead."""
    before = os.environ.get("NEWSMETA_CACHE_DIR")
    os.environ["NEWSMETA_CACHE_DIR"] = str(tmp_path_factory.mktemp("result-cache"))
    yield
    if before is None:
        del os.environ["NEWSMETA_CACHE_DIR"]
    else:
        os.environ["NEWSMETA_CACHE_DIR"] = before


#: Seconds an asyncio test may run (``@pytest.mark.async_timeout(seconds)`` says otherwise
#: for one test). A language server that stops answering fails the test that waits for
#: it, instead of hanging the suite.
ASYNC_TEST_SECONDS = 60.0


def _bounded(
    test: Callable[..., Coroutine[Any, Any, None]], seconds: float
) -> Callable[..., Coroutine[Any, Any, None]]:
    @functools.wraps(test)
    async def bounded(*args: Any, **kwargs: Any) -> None:
        try:
            async with asyncio.timeout(seconds):
                await test(*args, **kwargs)
        except TimeoutError:
            pytest.fail(f"the test did not finish in {seconds:g} s", pytrace=False)

    return bounded


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every asyncio test its time limit."""
    for item in items:
        if isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj):
            marker = item.get_closest_marker("async_timeout")
            seconds = float(marker.args[0]) if marker is not None else ASYNC_TEST_SECONDS
            item.obj = _bounded(item.obj, seconds)


def corpus_paths() -> list[Path]:
    """The real article files, or an empty list when ``../shared`` is absent."""
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


@pytest.fixture
def seed_path() -> Path:
    """The original example article."""
    if not SEED.is_file():
        pytest.skip("../shared/seed is not present")
    return SEED


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    """Every real article file; skips the test when ``../shared/corpus`` is absent."""
    paths = corpus_paths()
    if not paths:
        pytest.skip("../shared/corpus is not present")
    return paths


def load_module(name: str, path: Path) -> ModuleType:
    """The Python file at ``path`` (a script outside the package), imported as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _make_corpus() -> ModuleType:
    return load_module("make_corpus", ROOT / "benchmarks/make_corpus.py")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str | None]]:
    """120 generated articles, half with one injected defect (every kind occurs)."""
    make_corpus = _make_corpus()
    out = tmp_path_factory.mktemp("generated")
    files: list[tuple[Path, str | None]] = []
    for name, text, defect in make_corpus.generate(120, 7, 0.5):
        path = out / name
        path.write_text(text, encoding="utf-8", newline="")
        files.append((path, defect))
    assert {d for _, d in files if d} == set(make_corpus.DEFECTS)
    return files


@pytest.fixture
def xattrs_supported(tmp_path: Path) -> None:
    """Skip the test where ``tmp_path``'s file system takes no user extended attributes."""
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    try:
        os.setxattr(probe, "user.probe", b"1")
    except (AttributeError, OSError):
        pytest.skip("no user extended attributes here")
    probe.unlink()
