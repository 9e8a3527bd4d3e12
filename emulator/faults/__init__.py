"""Fault injection for the emulator: throttling, 5xx, latency, dropped connections, QPS caps, and
duplicated or reordered event delivery. Off until a rule is added; every rule is gone after reset.

``get_faults(app).add("throttle", action="GetVideoInfo", times=2)`` from Python,
``POST /_vodfc/faults`` over HTTP, ``vodfc faults add throttle --action GetVideoInfo --times 2``
from the command line. See docs/lifecycle-events-faults.md.
"""

from __future__ import annotations

from flask import Flask
from vodfc.emulator.faults.rules import (
    CALL_KINDS,
    EVENT_KINDS,
    KINDS,
    FaultError,
    FaultRule,
    Faults,
    media_ids,
)
from vodfc.emulator.lookup import component_of

__all__ = [
    "CALL_KINDS",
    "EVENT_KINDS",
    "KINDS",
    "FaultError",
    "FaultRule",
    "Faults",
    "get_faults",
    "media_ids",
]


def get_faults(app: Flask) -> Faults:
    return component_of(app, "faults", Faults)
