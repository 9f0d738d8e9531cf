"""A compact memory of the first file that stated each URL, for the corpus pass.

:class:`~newsmeta.validation.CorpusIndex` must remember, for every URL of a run, the
first file that states it and at which line, to name them when a later file states the
URL again. A dictionary of URL strings to ``(path, line)`` costs a few hundred bytes per
URL, which grows a 100,000-file run by tens of megabytes. Here a URL costs a few tens
of bytes: a 32-bit hash in an ``array`` by record number, an open-addressing table of
record numbers in another (9 to 15 bytes a URL together, as the table fills), and the
record itself (path, line and URL) kept in zlib-compressed blocks of :data:`BLOCK`
records, past the first :data:`KEPT_BLOCKS` blocks, which are kept as they are (a few
megabytes at most: see there). A hash that matches is confirmed against the record's
URL, so a collision never makes two URLs one: the answers are exactly a dictionary's.
"""

from __future__ import annotations

import marshal
import zlib
from array import array
from typing import Final

__all__ = ["FirstStatements"]

#: Records per compressed block: large enough to compress well (about 20 bytes a record
#: of real-looking paths and URLs, against 28 in blocks of 256), small enough that reading
#: one back (to name the first file of a repeated URL) costs tens of microseconds.
BLOCK: Final = 1024
#: Blocks kept as they are, uncompressed, before the table compresses the next ones: about
#: 3 MB of records. Compressing is there so that memory stays flat over any number of
#: files, and these blocks bound what is not compressed; but compressing them took about
#: 7% of a warm cached run over 10,000 files, which has little else to do.
KEPT_BLOCKS: Final = 8
#: zlib's level for the blocks: the fastest. Level 6 keeps a record in about 30 bytes
#: instead of 40, but compressing a block then costs about three times as long, which a
#: warm cached run over 10,000 files (nothing else to do but read back results) feels.
_LEVEL: Final = 1
#: Raw deflate: no header and no Adler-32 checksum of each block (about a fifth of the
#: cost of compressing it), which data that never leaves the process does not need.
_RAW: Final = -15
#: An empty slot of the table (a slot holds a record number plus one).
_EMPTY: Final = 0
#: The table doubles when more than this share of its slots is used.
_LOAD: Final = 0.75


def _hash(url: str) -> int:
    """A 32-bit hash of ``url``, the same throughout a run (the table lives in one
    process). Two URLs may share one: a match is only a candidate, confirmed against the
    record."""
    # Python's own string hash: computed in C, kept on the string, and salted per process,
    # so crafted URLs cannot make every lookup collide (and the answers never depend on it).
    return hash(url) & 0xFFFFFFFF


def _zeros(size: int) -> array[int]:
    """``size`` unsigned 32-bit zeros, made in place (no temporary ``bytes`` of the size)."""
    return array("I", (0,)) * size


class FirstStatements:
    """URL -> (path, line) of the first file that stated it, in a few tens of bytes per
    URL. Holds up to 2**32 - 1 URLs."""

    __slots__ = ("_block", "_blocks", "_hashes", "_kept", "_last", "_mask", "_slots")

    def __init__(self) -> None:
        self._mask = 63
        #: Record number plus one in each used slot (a record's slot starts at its hash).
        self._slots = _zeros(64)
        #: Each record's hash, by record number: the table is rebuilt from it alone.
        self._hashes: array[int] = array("I")
        #: The first full blocks of records as they are, the compressed ones after them,
        #: and the block being filled.
        self._kept: list[list[tuple[str, int, str]]] = []
        self._blocks: list[bytes] = []
        self._block: list[tuple[str, int, str]] = []
        #: The last block read back, by number (repeated URLs often come from one place).
        self._last: tuple[int, list[tuple[str, int, str]]] = (-1, [])

    def __len__(self) -> int:
        return len(self._hashes)

    def setdefault(self, url: str, path: str, line: int) -> tuple[str, int]:
        """The first ``(path, line)`` that stated ``url``; ``(path, line)`` itself when
        ``url`` is new (it is then remembered)."""
        wanted = _hash(url)
        slots, hashes, mask = self._slots, self._hashes, self._mask
        slot = wanted & mask
        while True:
            found = slots[slot]
            if found == _EMPTY:
                break
            if hashes[found - 1] == wanted:
                first_path, first_line, first_url = self._record(found - 1)
                if first_url == url:
                    return first_path, first_line
            slot = (slot + 1) & mask  # another URL (or a collision): look further
        hashes.append(wanted)
        slots[slot] = len(hashes)
        self._block.append((path, line, url))
        if len(self._block) == BLOCK:
            if len(self._kept) < KEPT_BLOCKS:
                self._kept.append(self._block)
            else:
                self._blocks.append(zlib.compress(marshal.dumps(self._block), _LEVEL, _RAW))
            self._block = []
        if len(hashes) > _LOAD * (mask + 1):
            self._grow()
        return path, line

    def _record(self, number: int) -> tuple[str, int, str]:
        block, index = divmod(number, BLOCK)
        kept = self._kept
        if block < len(kept):
            return kept[block][index]
        block -= len(kept)
        if block == len(self._blocks):
            return self._block[index]
        last_block, records = self._last
        if block != last_block:
            records = marshal.loads(zlib.decompress(self._blocks[block], _RAW))
            self._last = (block, records)
        return records[index]

    def _grow(self) -> None:
        size = 2 * (self._mask + 1)
        mask = size - 1
        self._slots = _zeros(0)  # the old table goes before the new one is made
        slots = _zeros(size)
        for number, found in enumerate(self._hashes, 1):
            slot = found & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = number
        self._slots, self._mask = slots, mask
