""":class:`newsmeta.problems.Severity`, in a module of its own, so that the catalogue of codes
(:mod:`newsmeta._catalogue`, which :mod:`newsmeta.problems` imports on first use) can
import it without importing :mod:`newsmeta.problems` back."""

from __future__ import annotations

import enum

__all__ = ["Severity"]


class Severity(enum.StrEnum):
    """How bad a problem is. Only ``error`` makes a file fail by default."""

    ERROR = "error"
    WARNING = "warning"


Severity.__module__ = "newsmeta.problems"  # where it is documented, pickled and imported from
