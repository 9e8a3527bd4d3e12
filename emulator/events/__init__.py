"""VOD event notifications: the bus every emulator component emits events on.

``bus_from_env(core)`` makes an emulator's ``EventBus`` (``vodfc.emulator.build`` wires it and hands it
to the components that emit events); ``get_bus(app)`` finds it from an app, for tests and tools. See
``vodfc.emulator.events.bus`` for delivery and docs/lifecycle-events-faults.md for the whole picture.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from vodfc.emulator.core import Core
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
from vodfc.emulator.lookup import component_of

__all__ = [
    "ENVIRONMENT",
    "CallbackConfig",
    "DeliveryAttempt",
    "EventBus",
    "EventRecord",
    "MnsMessage",
    "MnsQueue",
    "Subscription",
    "app_transport",
    "bus_from_env",
    "callback_signature",
    "encode_body",
    "get_bus",
]


def get_bus(app: Flask) -> EventBus:
    """The app's event bus."""
    return component_of(app, "events", EventBus)


# The variables bus_from_env reads (vodfc.emulator.build.BUILD_ENVIRONMENT: all the build reads).
ENVIRONMENT = ("VODFC_EVENT_DELIVERY", "VODFC_MNS_BASE64")


def bus_from_env(core: Core, environ: Mapping[str, str] = os.environ) -> EventBus:
    """An emulator's bus: ``VODFC_EVENT_DELIVERY`` and ``VODFC_MNS_BASE64`` from ``environ``, the
    accounts' callback configurations from the store."""
    bus = EventBus(
        core.config.clock,
        default_account_id=core.config.default_account_id,
        delivery=environ.get("VODFC_EVENT_DELIVERY", "auto"),
        mns_base64=environ.get("VODFC_MNS_BASE64", "1").strip().lower() not in {"0", "false", "no", "off"},
        store=core.store,
    )
    bus.load_configs(core.accounts.account_ids())
    return bus
