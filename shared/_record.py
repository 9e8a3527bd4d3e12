"""Small value classes without ``@dataclass``'s import-time cost.

``@dataclass`` writes a class's ``__init__``, ``__repr__`` and ``__eq__`` (and, when frozen, ``__setattr__``,
``__delattr__`` and ``__hash__``) as source text and compiles each with ``exec`` when the module is imported:
some 3 million instructions, about a millisecond, per class. ``shared`` is imported on every cold start of
every function, so the classes on that path are plain classes instead: ``__slots__`` names the fields, a
hand-written ``__init__`` sets them, and these bases derive the rest from ``__slots__`` the way ``@dataclass``
would (equality between instances of the same class, ``Name(field=value, ...)`` repr). Classes built only
off the cold-start path (``shared.models``) stay dataclasses.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, ClassVar


class Record:
    """A mutable record, like ``@dataclass``: equal to an instance of the same class with equal fields."""

    # Defining __eq__ without __hash__ makes a class unhashable, as a mutable dataclass is.
    __slots__: tuple[str, ...] = ()

    # Fields the repr leaves out (secrets, bulky internals), as ``field(repr=False)`` does.
    _repr_hidden: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        """What equality and hashing compare: every field; override to leave one out (``compare=False``)."""
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        shown = (
            f"{name}={getattr(self, name)!r}" for name in self.__slots__ if name not in self._repr_hidden
        )
        return f"{type(self).__qualname__}({', '.join(shown)})"


class FrozenRecord(Record):
    """An immutable record, like ``@dataclass(frozen=True)``: each field is set once, in ``__init__``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, name):
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(self._values())
