"""The emulator as a Flask app: ``create_app`` and the accessors tests and tools use.

``create_app(config)`` builds one emulator (``vodfc.emulator.build``) and returns its Flask app, whose
WSGI entry is the emulator's one request cycle: VOD calls on ``/``, the control plane under
``/_vodfc/``, and whatever the selected components serve. ``get_state(app)`` gives the shared state
(config, store, key ring, backends, hooks), ``emulator_of(app)`` the whole typed ``Emulator``. Nothing
is module-global, so two apps in one process (two tests, a mock and a server) never share anything.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from vodfc.emulator.backends import BackendFactory
from vodfc.emulator.build import COMPONENTS, ComponentError, Emulator, build
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.lookup import EXTENSION_KEY
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.store import Store
from vodfc.emulator.vod.action_table import Action

__all__ = [
    "COMPONENTS",
    "ComponentError",
    "Emulator",
    "EmulatorState",
    "create_app",
    "emulator_of",
    "get_state",
]


def create_app(
    config: EmulatorConfig | None = None,
    *,
    store: Store | None = None,
    backend_factory: BackendFactory | None = None,
    actions: Mapping[str, Action] | None = None,
) -> Flask:
    """Build an emulator and return its Flask app; see ``vodfc.emulator.build.build`` for the options."""
    return build(config, store=store, backend_factory=backend_factory, actions=actions).http


def emulator_of(app: Flask) -> Emulator:
    """The ``Emulator`` behind an app ``create_app`` made."""
    emulator = app.extensions[EXTENSION_KEY]
    if not isinstance(emulator, Emulator):
        raise TypeError(f"{app!r} is not an app create_app made")
    return emulator


def get_state(app: Flask) -> EmulatorState:
    """The state every component of the app shares: config, store, key ring, backends, hooks."""
    return emulator_of(app).state
