"""One VOD backend per (account, region), created on first use, reset together.

The backend class is injected (``vodfc.emulator.vod.models.VodBackend`` by default) so that the
transport can be tested without the VOD actions and the VOD package never imports Flask. Every
component and VOD action is written against ``VodBackend``. A stand-in (the wire tests' fake backends)
needs ``account_id``, ``region``, ``lock`` and ``reset()`` (``reload()`` too, to follow a failed
write) and comes with actions written for it (``create_app(actions=...)``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from vodfc.emulator.store import Store

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend


BackendFactory = Callable[[str, str, Store], "VodBackend"]


def default_backend_factory() -> BackendFactory:
    from vodfc.emulator.vod.models import VodBackend

    return VodBackend


class BackendRegistry:
    """The backends of one app, keyed by (account_id, region)."""

    def __init__(self, store: Store, factory: BackendFactory):
        self.store = store
        self._factory = factory
        self._lock = threading.RLock()
        self._backends: dict[tuple[str, str], VodBackend] = {}

    def get(self, account_id: str, region: str) -> VodBackend:
        key = (account_id, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = self._backends[key] = self._factory(account_id, region, self.store)
        return backend

    def items(self) -> list[tuple[tuple[str, str], VodBackend]]:
        with self._lock:
            return sorted(self._backends.items(), key=lambda item: item[0])

    def reset(self) -> None:
        """Empty every backend in place (references held by tests stay valid) and the store."""
        with self._lock:
            backends = list(self._backends.values())
            for backend in backends:
                backend.lock.acquire()
            try:
                with self.store.transaction():
                    self.store.clear()
                for backend in backends:
                    backend.reset()
            finally:
                for backend in backends:
                    backend.lock.release()
