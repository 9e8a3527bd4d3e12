"""Tolerant readers for VOD's JSON values.

VOD is not consistent about types: ``Size`` is a number in one answer and ``"1024"`` in another,
``Duration`` is a float in GetVideoInfo but a string in GetMezzanineInfo, and list fields come either as a
plain array or wrapped (``{"Snapshot": [...]}``). These helpers turn all of that into one Python type each and
never raise on a malformed value (the raw answer stays reachable through ``.raw``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def to_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def to_str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def to_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "on", "yes"):
        return True
    if text in ("false", "0", "off", "no", ""):
        return False
    return None


def str_list(value: Any, wrapper: str | None = None) -> tuple[str, ...]:
    """A list of strings sent plain (``[...]``), wrapped (``{"<wrapper>": [...]}``) or comma-joined."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        inner = value.get(wrapper) if wrapper else None
        if inner is None and len(value) == 1:
            inner = next(iter(value.values()))
        return str_list(inner)
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value if item is not None)
    return (str(value),)


def obj_list(value: Any, wrapper: str | None = None) -> list[Mapping[str, Any]]:
    """A list of objects sent plain or wrapped in a one-key object."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        inner = value.get(wrapper) if wrapper else None
        if inner is None and len(value) == 1:
            inner = next(iter(value.values()))
        if inner is None:
            return []
        value = inner
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def sub(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """A nested object, or None when it is absent or empty (SearchMedia sends ``"Audio": {}`` for videos)."""
    value = data.get(key)
    return value if isinstance(value, Mapping) and value else None


def tags(value: Any) -> tuple[str, ...]:
    return str_list(value)
