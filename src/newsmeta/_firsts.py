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

import json
import marshal
import zlib
from array import array
from collections.abc import Sequence
from typing import Final

try:  # hashlib would load OpenSSL too (a few ms of start-up) to hand back this very class
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

__all__ = ["FirstStatements", "url_hash"]

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


def url_hash(url: str) -> int:
    """A 64-bit hash of ``url``, the same in every process and on every platform (the
    result cache stores it). Two URLs may share one: a match is only a candidate,
    confirmed against the URLs themselves."""
    # surrogatepass: any str, lone surrogates too, has its own bytes.
    data = url.encode("utf-8", "surrogatepass")
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


#: The hash the table uses (a name of its own, so tests can make every URL collide).
_hash = url_hash


def _url_with_hash(source: bytes, wanted: int) -> str | None:
    """The URL of ``source`` (a JSON array of URL statements, each ``[key, url, ...]``)
    whose hash is ``wanted``; None when there is none, or ``source`` cannot be read."""
    try:
        uses = json.loads(source)
    except ValueError:
        return None
    if type(uses) is not list:
        return None
    for use in uses:
        if type(use) is list and len(use) > 1 and type(use[1]) is str and _hash(use[1]) == wanted:
            return use[1]
    return None


def _zeros(size: int) -> array[int]:
    """``size`` unsigned 32-bit zeros, made in place (no temporary ``bytes`` of the size)."""
    return array("I", (0,)) * size


class FirstStatements:
    """URL -> (path, line) of the first file that stated it, in a few tens of bytes per
    URL. Holds up to 2**32 - 1 URLs."""

    __slots__ = (
        "_block",
        "_blocks",
        "_hashes",
        "_kept",
        "_last",
        "_mask",
        "_slots",
    )

    def __init__(self, expected: int = 0) -> None:
        """An empty table, made large enough for ``expected`` URLs from the start (it grows
        as needed either way; growing rehashes every URL so far)."""
        size = 64
        while _LOAD * size < expected:
            size *= 2
        self._mask = size - 1
        #: Record number plus one in each used slot. The search for a hash starts at
        #: Python's hash of its 8 bytes (masked by the size): the hashes are the same in
        #: every process, so anyone can craft URLs whose hashes share their low bits, but
        #: Python's hash of bytes is keyed afresh in each process, so not their slots.
        self._slots = _zeros(size)
        #: Each record's hash, by record number: the table is rebuilt from it alone.
        self._hashes: array[int] = array("Q")
        #: The first full blocks of records as they are, the compressed ones after them,
        #: and the block being filled.
        #: A record's third value is its URL, or the JSON of its file's URL statements
        #: (those added by hash: see :meth:`add_new`).
        self._kept: list[list[tuple[str, int, str | bytes]]] = []
        self._blocks: list[bytes] = []
        self._block: list[tuple[str, int, str | bytes]] = []
        #: The last block read back, by number (repeated URLs often come from one place).
        self._last: tuple[int, list[tuple[str, int, str | bytes]]] = (-1, [])

    def __len__(self) -> int:
        return len(self._hashes)

    def setdefault(self, url: str, path: str, line: int) -> tuple[str, int]:
        """The first ``(path, line)`` that stated ``url``; ``(path, line)`` itself when
        ``url`` is new (it is then remembered)."""
        wanted = _hash(url)
        slots, hashes, mask = self._slots, self._hashes, self._mask
        slot = hash(wanted.to_bytes(8, "little")) & mask
        while True:
            found = slots[slot]
            if found == _EMPTY:
                break
            if hashes[found - 1] == wanted:
                first_path, first_line, first = self._record(found - 1)
                first_url = first if isinstance(first, str) else _url_with_hash(first, wanted)
                if first_url == url:
                    return first_path, first_line
            slot = (slot + 1) & mask  # another URL (or a collision): look further
        self._add(wanted, slot, (path, line, url))
        return path, line

    def add_new(self, stated: Sequence[int], path: str, source: bytes) -> bool:
        """Remember URLs by their hashes alone, when none of those hashes is known yet;
        returns whether it did (else nothing is remembered: a URL was stated before, or
        a hash collides, and the caller goes URL by URL with :meth:`setdefault`).

        ``stated`` holds each distinct URL's :func:`url_hash` followed by its line (``h1,
        line1, h2, line2...``); ``path`` states all of them, and ``source`` is the JSON
        array of its URL statements (``[key, url, line, ...]`` each), read back only when
        a later hash matches one of these. When this returns True, :meth:`setdefault` of
        each URL would have answered with ``path`` and its line.
        """
        slots, hashes, mask = self._slots, self._hashes, self._mask
        if len(stated) == 2:  # most files: one URL (or two alike); this runs for each
            wanted = stated[0]
            slot = hash(wanted.to_bytes(8, "little")) & mask
            found = slots[slot]
            while found != _EMPTY:
                if hashes[found - 1] == wanted:
                    return False
                slot = (slot + 1) & mask
                found = slots[slot]
            self._add(wanted, slot, (path, stated[1], source))
            return True
        for index in range(0, len(stated), 2):
            wanted = stated[index]
            slot = hash(wanted.to_bytes(8, "little")) & mask
            while True:
                found = slots[slot]
                if found == _EMPTY:
                    break
                if hashes[found - 1] == wanted:
                    return False
                slot = (slot + 1) & mask
        for index in range(0, len(stated), 2):
            wanted = stated[index]
            slots, mask = self._slots, self._mask  # the table may have grown
            slot = hash(wanted.to_bytes(8, "little")) & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            self._add(wanted, slot, (path, stated[index + 1], source))
        return True

    def add_run(
        self, hashed: Sequence[tuple[Sequence[int], bytes]], paths: Sequence[str], start: int
    ) -> int:
        """:meth:`add_new` of ``hashed[i]`` (``(stated, source)``) for ``paths[i]``, from
        ``start`` on, in order, while it adds them; returns the index of the first that it
        did not add (``len(paths)`` when it added all). A warm cached run enters most of
        its files here: one call for many files."""
        add_new, empty, end, index = self.add_new, _EMPTY, len(paths), start
        hashes = self._hashes
        append_hash = hashes.append
        # add_new and _add of one URL, inline, with the table's parts bound: this loop runs
        # for most files of a warm run. They are bound again after the table changed.
        slots, mask, block = self._slots, self._mask, self._block
        append_record, most = block.append, _LOAD * (mask + 1)
        while index < end:
            stated, source = hashed[index]
            if len(stated) != 2:
                if not add_new(stated, paths[index], source):
                    return index
                slots, mask, block = self._slots, self._mask, self._block
                append_record, most = block.append, _LOAD * (mask + 1)
                index += 1
                continue
            wanted = stated[0]
            slot = hash(wanted.to_bytes(8, "little")) & mask
            found = slots[slot]
            while found != empty:
                if hashes[found - 1] == wanted:
                    return index
                slot = (slot + 1) & mask
                found = slots[slot]
            append_hash(wanted)
            slots[slot] = len(hashes)
            append_record((paths[index], stated[1], source))
            if len(block) == BLOCK:
                self._seal()
                block = self._block
                append_record = block.append
            if len(hashes) > most:
                self._grow()
                slots, mask = self._slots, self._mask
                most = _LOAD * (mask + 1)
            index += 1
        return end

    def _add(self, wanted: int, slot: int, record: tuple[str, int, str | bytes]) -> None:
        """Remember ``record``, whose hash is ``wanted``, in the free ``slot``."""
        hashes = self._hashes
        hashes.append(wanted)
        self._slots[slot] = len(hashes)
        block = self._block
        block.append(record)
        if len(block) == BLOCK:
            self._seal()
        if len(hashes) > _LOAD * (self._mask + 1):
            self._grow()

    def _seal(self) -> None:
        """Put the full block being filled away (kept, or compressed) and start another."""
        block = self._block
        if len(self._kept) < KEPT_BLOCKS:
            self._kept.append(block)
        else:
            self._blocks.append(zlib.compress(marshal.dumps(block), _LEVEL, _RAW))
        self._block = []

    def _record(self, number: int) -> tuple[str, int, str | bytes]:
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
            slot = hash(found.to_bytes(8, "little")) & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = number
        self._slots, self._mask = slots, mask
