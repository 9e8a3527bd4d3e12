"""Fault injection for the emulator: throttling, 5xx, latency, dropped connections, QPS caps, and
duplicated or reordered event delivery. Off until a rule is added; every rule is gone after reset.

``get_faults(app).add("throttle", action="GetVideoInfo", times=2)`` from Python,
``POST /_vodfc/faults`` over HTTP, ``vodfc faults add throttle --action GetVideoInfo --times 2``
from the command line. See docs/lifecycle-events-faults.md.
"""

from __future__ import annotations

from typing import Any

from vodfc.emulator.faults.rules import (
    CALL_KINDS,
    EVENT_KINDS,
    KINDS,
    FaultError,
    FaultRule,
    Faults,
    media_ids,
)

EXTENSION_KEY = "vodfc.faults"

__all__ = [
    "CALL_KINDS",
    "EVENT_KINDS",
    "KINDS",
    "FaultError",
    "FaultRule",
    "Faults",
    "get_faults",
    "init_app",
    "media_ids",
]


def get_faults(app: Any) -> Faults:
    faults: Faults = app.extensions[EXTENSION_KEY]
    return faults


def init_app(app: Any) -> None:
    from vodfc.emulator.app import get_state
    from vodfc.emulator.faults import control

    state = get_state(app)
    faults = Faults(state.config.clock)
    app.extensions[EXTENSION_KEY] = faults
    state.before_action.append(faults.before_action)
    state.on_reset.append(faults.clear)
    bus = app.extensions.get("vodfc.events")
    if bus is not None:
        _attach(bus, faults)
        state.on_reset.append(lambda: _attach(bus, faults))
    app.register_blueprint(control.bp)


def _attach(bus: Any, faults: Faults) -> None:
    # The bus forgets its fault hook on reset (it cannot know who set it); put ours back.
    bus.fault_hook = faults.event_decision
