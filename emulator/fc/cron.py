"""FC's timer expressions: which ones a Timer trigger accepts (a leaf module: the generator uses it too)."""

from __future__ import annotations

import re
from typing import Any

_EVERY = re.compile(r"@every\s+(\d+)([smh])")
_CRON_FIELD = re.compile(r"[0-9*?/,LW#A-Za-z-]+")


def cron_problem(expression: Any) -> str | None:
    """None when FC would accept ``expression`` (6-field cron with seconds, or ``@every 5m``)."""
    if not isinstance(expression, str):
        return f"must be a string, got {_describe(expression)}"
    text = expression.strip()
    if text.startswith("@every"):
        match = _EVERY.fullmatch(text)
        if not match:
            return f"'@every' takes a duration like '@every 5m', got {text!r}"
        seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]
        if seconds < 60:
            return f"timer triggers fire at most once a minute, got {text!r}"
        return None
    if text.startswith("cron(") and text.endswith(")"):
        text = text[5:-1]
    fields = text.split()
    if len(fields) != 6:
        return (
            "needs 6 fields (second minute hour day-of-month month day-of-week), "
            f"got {len(fields)} in {expression!r}"
        )
    for value in fields:
        if not _CRON_FIELD.fullmatch(value):
            return f"field {value!r} is not a cron field"
    return None


def _describe(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"
