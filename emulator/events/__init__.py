"""VOD event notifications: what the emulator's producers emit, and the bus that delivers it.

* ``payloads``: the events, built as VOD sends them; ``user_data``: what a media's ``UserData`` says
  about its events (per-media callback URL, ``Extend``);
* ``wire``: the JSON encoding and every envelope a function receives an event in (HTTP callback, MNS
  topic and queue, timer);
* ``bus``: ``EventBus``, which logs every emitted event and delivers it (subscribers, the account's
  HTTP callback or MNS queue); ``bus_from_env`` makes an emulator's (``vodfc.emulator.build`` wires it
  and hands it to the components that emit);
* ``actions`` / ``control`` / ``cli``: the message-callback VOD actions, the control plane, the CLI.

The package itself imports nothing, so a producer that only builds events (the VOD core's actions put
them on the call's ``RequestContext``) never loads the bus. ``get_bus(app)`` finds an app's bus, for
tests and tools. See docs/lifecycle-events-faults.md for the whole picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask
    from vodfc.emulator.events.bus import EventBus


def get_bus(app: Flask) -> EventBus:
    """The app's event bus."""
    from vodfc.emulator.events.bus import EventBus
    from vodfc.emulator.lookup import component_of

    return component_of(app, "events", EventBus)
