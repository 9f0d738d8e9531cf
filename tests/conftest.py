"""Shared fixtures: the repository root and the real-data folder ``../shared``.

The real articles in ``../shared`` carry no licence, so they are read in place and never
copied into the project; tests that need them skip cleanly when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_9dd58f7d27826a4c.txt"
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"


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
