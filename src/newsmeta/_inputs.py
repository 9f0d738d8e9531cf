""":class:`newsmeta.paths.Inputs`, in a module of its own: ``newsmeta validate`` walks its
files without listing them (:class:`newsmeta.paths.Walk`), so most runs never build it."""

from __future__ import annotations

import attrs

__all__ = ["Inputs"]


@attrs.frozen
class Inputs:
    """The files found, sorted, and the directories that could not be read (with why)."""

    paths: list[str]
    unreadable: list[tuple[str, OSError]] = attrs.field(factory=list)


Inputs.__module__ = "newsmeta.paths"  # where it is documented, pickled and imported from
