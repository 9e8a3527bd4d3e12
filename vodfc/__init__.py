"""vodfc: media-asset automation for ApsaraVideo VOD as Function Compute functions, with a local emulator.

The installed distribution is this one package, so that it never shadows (or is shadowed by) a project's
own top-level ``shared``, ``functions`` or ``emulator`` package:

* ``vodfc.shared`` is the repository's ``shared/`` folder: the typed VOD layer the functions ship with;
* ``vodfc.emulator`` is the repository's ``emulator/`` folder: VOD, OSS and FC offline, the CLI and the
  pytest plugin.

``from vodfc import mock_vod`` for the in-process mock; the names load on first access, so importing the
package (as the pytest plugin does at start-up) costs nothing.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_EXPORTS = {
    "mock_vod": "vodfc.emulator.mock",
    "MockVod": "vodfc.emulator.mock",
    "create_app": "vodfc.emulator.app",
    "ThreadedServer": "vodfc.emulator.server",
    "EmulatorConfig": "vodfc.emulator.config",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'vodfc' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
