"""VOD event notifications: the bus every emulator component emits events on.

``get_bus(app)`` returns the app's ``EventBus`` (``app.extensions["vodfc.events"]``). See
``vodfc.emulator.events.bus`` for delivery and docs/lifecycle-events-faults.md for the whole picture.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from vodfc.emulator.events.bus import (
    DeliveryAttempt,
    EventBus,
    EventRecord,
    Subscription,
    app_transport,
    callback_signature,
    encode_body,
)
from vodfc.emulator.events.config import CallbackConfig
from vodfc.emulator.events.mns import MnsMessage, MnsQueue

EXTENSION_KEY = "vodfc.events"

__all__ = [
    "CallbackConfig",
    "DeliveryAttempt",
    "EventBus",
    "EventRecord",
    "MnsMessage",
    "MnsQueue",
    "Subscription",
    "app_transport",
    "callback_signature",
    "encode_body",
    "get_bus",
    "init_app",
]


def get_bus(app: Any) -> EventBus:
    """The app's event bus (created by ``init_app``)."""
    bus: EventBus = app.extensions[EXTENSION_KEY]
    return bus


def init_app(app: Any) -> None:
    from vodfc.emulator.app import get_state
    from vodfc.emulator.callscope import MODE_KEY
    from vodfc.emulator.events import control
    from vodfc.emulator.protocol.environ import host_url

    state = get_state(app)
    bus = EventBus(
        state.config.clock,
        default_account_id=state.config.default_account_id,
        delivery=os.environ.get("VODFC_EVENT_DELIVERY", "auto"),
        mns_base64=os.environ.get("VODFC_MNS_BASE64", "1").strip().lower() not in {"0", "false", "no", "off"},
        store=state.store,
    )
    bus.transport = app_transport(app)
    bus.load_configs(state.accounts.account_ids())
    app.extensions[EXTENSION_KEY] = bus

    def _started(environ: Mapping[str, Any]) -> None:
        bus.started = True
        if bus.served_url is None and environ.get(MODE_KEY, "server") == "server":
            bus.served_url = host_url(environ).rstrip("/")

    state.request_hooks.append(_started)
    state.on_reset.append(bus.reset)
    app.register_blueprint(control.bp)
