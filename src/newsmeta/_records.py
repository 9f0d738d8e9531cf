"""Small value classes for the checking path, without a class-building library.

Every run of ``newsmeta validate`` imports the checking modules, and building an attrs
class generates and compiles its methods' source: about as much work as the rest of a
small module's import. The internal classes there are plain ``__slots__`` classes with a
hand-written ``__init__``; a base class here gives them what attrs gave: equality and a
``repr`` from the fields (named in order in ``_fields``, the ``__init__`` parameters),
pickling, and, for :class:`FrozenRecord`, refusal of assignment and a hash.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["FrozenRecord", "Record"]


class Record:
    """A mutable value: equal to a record of the same class with equal fields, unhashable
    (as a mutable attrs class is). Subclasses name their fields in ``_fields``, in the order
    of their ``__init__`` parameters, and in ``__slots__``."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __reduce__(self) -> tuple[type[Record], tuple[Any, ...]]:
        return self.__class__, self._values()


class FrozenRecord(Record):
    """An immutable :class:`Record`: assigning or deleting a field raises
    :class:`AttributeError`, and equal records hash alike. ``__init__`` sets the fields
    with ``object.__setattr__``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{self.__class__.__qualname__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__class__.__qualname__} is frozen: {name} cannot be deleted")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash((self.__class__, self._values()))
