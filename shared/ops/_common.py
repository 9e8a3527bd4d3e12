"""Helpers the operation mixins share: chunking into VOD-sized batches and time arguments in VOD's format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from ..errors import ValidationError
from ..validation import MAX_BATCH, format_time, parse_time

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = MAX_BATCH) -> Iterator[tuple[T, ...]]:
    """Consecutive slices of at most ``size`` items (VOD takes at most 20 IDs per request)."""
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


def wire_time(field: str, value: str | datetime | None) -> str | None:
    """A StartTime/EndTime argument (datetime, naive = UTC, or string) in VOD's format."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return format_time(value)
    parsed = parse_time(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError(field, f"{field} must be a UTC time like 2017-11-14T09:15:50Z, got {value!r}")
    return format_time(parsed)


def shift(value: str, seconds: int) -> str:
    parsed = parse_time(value)
    assert parsed is not None  # callers pass times they produced with wire_time/format_time
    return format_time(parsed + timedelta(seconds=seconds))
