""":class:`newsmeta.cache.CacheInfo`, in a module of its own: only ``newsmeta cache info``
and library callers of :meth:`newsmeta.cache.ResultCache.info` build it, not a run of
``newsmeta validate``."""

from __future__ import annotations

from pathlib import Path

import attrs

__all__ = ["CacheInfo"]


@attrs.frozen
class CacheInfo:
    """What :meth:`ResultCache.info` tells about a cache.

    ``entries`` counts every stored result, ``current`` those of this newsmeta, with these
    libraries and limits (the others are unused, and deleted after :data:`KEEP_DAYS` days).
    ``size_bytes`` is the database's size on disk with its journal files. ``problem`` says
    why the cache is not fully in use (``None`` when it is).
    """

    directory: Path
    database: Path
    exists: bool
    writable: bool
    format_version: int | None
    entries: int
    current: int
    size_bytes: int
    problem: str | None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (paths as strings)."""
        data = attrs.asdict(self)
        data["directory"] = str(self.directory)
        data["database"] = str(self.database)
        return data


CacheInfo.__module__ = "newsmeta.cache"  # where it is documented, pickled and imported from
