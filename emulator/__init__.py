"""The vodfc emulator: ApsaraVideo VOD (and, through its components, OSS and Function Compute) offline.

``from vodfc import mock_vod`` for the in-process mock, ``create_app`` for the Flask app,
``ThreadedServer`` for a real loopback server. The names load lazily so that importing the package
(as the pytest plugin does at startup) costs nothing.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "mock_vod": "vodfc.emulator.mock",
    "MockVod": "vodfc.emulator.mock",
    "create_app": "vodfc.emulator.app",
    "get_state": "vodfc.emulator.app",
    "ThreadedServer": "vodfc.emulator.server",
    "EmulatorConfig": "vodfc.emulator.config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'emulator' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
