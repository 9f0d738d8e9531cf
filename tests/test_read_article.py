"""Reading an article file's bytes: whole, bounded, and with buffers the size of the file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from newsmeta._files import read_article, read_article_bytes

MIB = 1 << 20


def _content(size: int) -> bytes:
    return bytes((i * 7 + i // 251) % 256 for i in range(size))


def _recording_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    asked: list[int] = []
    real_read: Callable[[int, int], bytes] = os.read

    def read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read)
    return asked


@pytest.mark.parametrize("size", [0, 1, 3_000, MIB - 1, MIB, MIB + 1, 3 * MIB + 7])
def test_every_byte_is_read_whatever_the_size(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.md"
    content = _content(size)
    path.write_bytes(content)
    raw, status = read_article(path)
    assert raw == content
    assert status.st_size == size


@pytest.mark.parametrize("size", [10, 3_000, 2 * MIB + 5])
def test_a_bounded_read_stops_one_byte_past_the_bound(tmp_path: Path, size: int) -> None:
    path = tmp_path / "a.md"
    content = _content(size)
    path.write_bytes(content)
    assert read_article_bytes(path, size) == content
    assert read_article_bytes(path, size - 1) == content
    assert read_article_bytes(path, size // 2) == content[: size // 2 + 1]


def test_a_small_file_is_read_into_a_buffer_of_its_own_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A megabyte buffer per file is an mmap, page faults and an munmap per read wherever
    # malloc's mmap threshold is fixed (as in Dask's workers).
    path = tmp_path / "a.md"
    path.write_bytes(_content(3_000))
    asked = _recording_reads(monkeypatch)
    assert len(read_article_bytes(path)) == 3_000
    assert asked
    assert max(asked) <= 3_001


def test_a_file_longer_than_its_stated_size_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file that grows between fstat and the read, or one whose size the system does not
    # tell (such as /proc's): the reads grow, so it takes few of them.
    path = tmp_path / "a.md"
    content = _content(300_000)
    path.write_bytes(content)
    real_fstat = os.fstat

    def fstat_saying_empty(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        fields = list(status[:10])
        fields[6] = 0  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", fstat_saying_empty)
    asked = _recording_reads(monkeypatch)
    assert read_article_bytes(path) == content
    assert len(asked) < 25
    assert read_article_bytes(path, 1_000) == content[:1_001]
