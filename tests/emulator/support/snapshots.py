"""A structural snapshot of an emulator's object graph, to prove a reset leaves nothing behind.

``snapshot`` and ``differences`` (tests/emulator/test_reuse.py's ``snapshots`` fixture hands them out).
``snapshot(emulator)`` walks every object of the ``vodfc`` package reachable from the ``Emulator`` (its
attributes and slots), and the
lists, dicts, sets and tuples they hold, down to plain values.
Two emulators in the same state give equal snapshots, whatever their identities: an object seen
again is written as the path where it was first seen, and a callable as its qualified name.

What it leaves out, and why:

* locks, conditions, threads, queues, thread-locals: machinery, not state;
* objects of other libraries (Flask's app, a compiled pattern): the build makes them, a reset does not
  touch them, and ``Emulator.wiring()`` covers what a caller may change in Flask;
* attributes named in ``IGNORED``: generation markers that grow on purpose at every reset, so that
  work scheduled, or a search cursor handed out, before a reset is recognised as stale afterwards;
  the time the FC component was built (FC reports it as its services' creation time) and the admin
  token (random per build unless configured), which tell two builds apart but are no state of a use.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import functools
import queue
import re
import threading
import types
from pathlib import PurePath
from typing import Any

IGNORED = frozenset({"_generation", "generation", "_changes_floor", "loaded_at", "token"})
_MACHINERY = (
    type(threading.Lock()),
    type(threading.RLock()),
    threading.Condition,
    threading.Thread,
    threading.Event,
    threading.local,
    queue.Queue,
    re.Pattern,
    types.ModuleType,
    type,
)
_PLAIN = (bool, int, float, str, bytes, type(None))
_BY_REPR = (datetime.datetime, datetime.date, datetime.timedelta, decimal.Decimal, enum.Enum, PurePath)


def _ours(obj: object) -> bool:
    return type(obj).__module__.split(".", 1)[0] in {"vodfc", "emulator"}


def _fields(obj: object) -> dict[str, Any]:
    fields: dict[str, Any] = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                fields[name] = getattr(obj, name)
    return fields


def snapshot(root: object) -> Any:
    first_seen: dict[int, str] = {}
    alive: list[object] = []  # keeps every walked object alive, so no id is reused mid-walk

    def walk(obj: object, path: str) -> Any:
        if isinstance(obj, _PLAIN):
            return obj
        if isinstance(obj, _BY_REPR):
            return repr(obj)
        if isinstance(obj, _MACHINERY):
            return f"<{type(obj).__name__}>"
        if isinstance(obj, types.MethodType):
            owner = first_seen.get(id(obj.__self__), type(obj.__self__).__qualname__)
            return f"<method {obj.__func__.__qualname__} of {owner}>"
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
            return f"<function {obj.__module__}.{obj.__qualname__}>"
        if isinstance(obj, functools.partial):
            return ("partial", walk(obj.func, path + ".func"), walk(obj.args, path + ".args"))
        if id(obj) in first_seen:
            return f"<same as {first_seen[id(obj)]}>"
        first_seen[id(obj)] = path
        alive.append(obj)
        if isinstance(obj, (list, tuple, collections.deque)):
            return (type(obj).__name__, [walk(item, f"{path}[{i}]") for i, item in enumerate(obj)])
        if isinstance(obj, (set, frozenset)):
            return ("set", sorted(repr(walk(item, f"{path}{{}}")) for item in obj))
        if isinstance(obj, dict):
            items = sorted(obj.items(), key=lambda item: repr(item[0]))
            return ("dict", {repr(key): walk(value, f"{path}[{key!r}]") for key, value in items})
        if _ours(obj):
            fields = _fields(obj)
            return (
                type(obj).__qualname__,
                {
                    name: walk(value, f"{path}.{name}")
                    for name, value in sorted(fields.items())
                    if name not in IGNORED
                },
            )
        return f"<{type(obj).__module__}.{type(obj).__qualname__}>"

    return walk(root, "emulator")


def differences(a: Any, b: Any, path: str = "emulator") -> list[str]:
    """Where two snapshots differ, one line per place (empty when they are equal)."""
    if type(a) is not type(b):
        return [f"{path}: {_short(a)} != {_short(b)}"]
    if isinstance(a, dict):
        out = []
        for name in sorted(set(a) | set(b)):
            if name not in a or name not in b:
                out.append(f"{_step(path, name)}: only in the {'second' if name in b else 'first'}")
            else:
                out.extend(differences(a[name], b[name], _step(path, name)))
        return out
    if isinstance(a, tuple) and len(a) == len(b) == 2 and isinstance(a[0], str) and a[0] == b[0]:
        return differences(a[1], b[1], path)  # (kind, contents): the kind is no step of the path
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items: {_short(a)} / {_short(b)}"]
        pairs = enumerate(zip(a, b, strict=True))
        return [line for i, (x, y) in pairs for line in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {_short(a)} != {_short(b)}"]


def _step(path: str, name: str) -> str:
    return f"{path}.{name}" if name.isidentifier() else f"{path}[{name}]"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."
