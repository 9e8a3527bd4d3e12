"""One VOD backend per (account, region), created on first use, reset together.

The backend class is injected (``vodfc.emulator.vod.models.VodBackend`` by default) so that the
transport can be tested without the VOD actions and the VOD package never imports Flask.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from vodfc.emulator.store import Store


class Backend(Protocol):
    """What the transport needs from a backend: a lock to serialise actions, and a reset."""

    lock: Any  # threading.RLock

    def reset(self) -> None: ...


BackendFactory = Callable[[str, str, Store], Any]


def default_backend_factory() -> BackendFactory:
    from vodfc.emulator.vod.models import VodBackend

    return VodBackend  # type: ignore[no-any-return]


class BackendRegistry:
    """The backends of one app, keyed by (account_id, region)."""

    def __init__(self, store: Store, factory: BackendFactory):
        self.store = store
        self._factory = factory
        self._lock = threading.RLock()
        self._backends: dict[tuple[str, str], Any] = {}

    def get(self, account_id: str, region: str) -> Any:
        key = (account_id, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = self._backends[key] = self._factory(account_id, region, self.store)
        return backend

    def items(self) -> list[tuple[tuple[str, str], Any]]:
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
