"""What every emulator component may be given: configuration, the store, the key ring and the VOD backends.

``Core`` is built first (``vodfc.emulator.build``) and handed to each component's constructor; the
component keeps the pieces it uses. Nothing here knows about Flask, HTTP or any component.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vodfc.emulator.accounts import Accounts
from vodfc.emulator.backends import BackendFactory, BackendRegistry, default_backend_factory
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.protocol import Authenticator
from vodfc.emulator.store import Store, open_store

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend


class Core:
    """The emulator's shared state: one per app, never module-global."""

    def __init__(
        self,
        config: EmulatorConfig,
        store: Store | None = None,
        backend_factory: BackendFactory | None = None,
    ):
        self.config = config
        self.store = store if store is not None else open_store(config.data_dir)
        self.accounts = Accounts(config.access_keys, clock=config.clock)
        self.authenticator = Authenticator(config, self.accounts)
        self.backends = BackendRegistry(self.store, backend_factory or default_backend_factory())

    def backend(self, account_id: str | None = None, region: str | None = None) -> VodBackend:
        """The VOD backend of an account and region (the defaults when not given)."""
        return self.backends.get(account_id or self.config.default_account_id, region or self.config.region)

    def seed(self, account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
        """Load the demo library into a backend; returns what ``seed_demo_library`` returns."""
        from vodfc.emulator.vod.seed import seed_demo_library

        backend = self.backend(account_id, region)
        with backend.lock, self.store.transaction():
            return seed_demo_library(backend)

    def reset(self) -> None:
        """Forget every backend's records, STS tokens and the nonces seen."""
        self.backends.reset()
        self.accounts.reset()
        self.authenticator.nonces.clear()
