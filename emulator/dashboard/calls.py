"""The dashboard's VOD calls: made as the account's own AccessKey would make them, through the API's code.

Reads (SearchMedia, GetVideoInfo, GetMezzanineInfo, GetPlayInfo, GetImageInfo) run the VOD actions
of the emulator's action table under the backend's lock: the answers are the API's, built by the same
code. They are observations, not calls of the user's code, so fault rules do not apply to them (a
throttling rule would otherwise throttle the page that switches it off). Writes go through
``VodEndpoint.run``, the path of every wire call: fault hooks, one store transaction, events published
after the commit. The dashboard has no other way to change the library.

One ``VodCalls`` serves one account and region (the page's, ``scope.py``) and calls as that account's
own long-lived AccessKey, so an upload lands in that account; an account without one (known only from
the state a data directory kept) can be read, not written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vodfc.emulator.gateway import VodEndpoint
from vodfc.emulator.protocol import RequestContext, new_request_id
from vodfc.emulator.protocol.context import Mode
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.vod.models import VodBackend


class NoAccessKey(Exception):
    """The account has no long-lived key that may call now: nothing can be written as it."""


class VodCalls:
    """VOD actions on one account and region (by default the emulator's default ones), as its AccessKey."""

    def __init__(
        self, state: EmulatorState, vod: VodEndpoint, account_id: str | None = None, region: str | None = None
    ):
        self.state = state
        self.vod = vod
        self.account_id = account_id or state.config.default_account_id
        self.region = region or state.config.region

    def backend(self) -> VodBackend:
        return self.state.backend(self.account_id, self.region)

    def access_key_id(self) -> str | None:
        """The key a client of the account signs with: its first configured one that may call."""
        keys = self.state.accounts.usable_keys(self.account_id)
        return keys[0].access_key_id if keys else None

    def context(self, host_url: str, mode: Mode = "server", access_key_id: str = "") -> RequestContext:
        """A context like the gateway's for a call from ``host_url`` (upload addresses point there)."""
        config = self.state.config
        return RequestContext(
            request_id=new_request_id(),
            access_key_id=access_key_id,
            account_id=self.account_id,
            region=self.region,
            host_url=host_url.rstrip("/"),
            mode=mode,
            now=config.clock(),
            accounts=self.state.accounts,
        )

    def read(self, action: str, params: Mapping[str, str], host_url: str = "") -> dict[str, Any]:
        """A read-only action's answer body (its ``VodError`` raised as the API would answer it)."""
        backend = self.backend()
        ctx = self.context(host_url or "http://localhost", access_key_id=self.access_key_id() or "")
        with backend.lock:
            body = self.vod.actions.dispatch(backend, action, params, ctx)
        if ctx.emitted:  # a read emits nothing; an action that does is a write and must not come here
            raise RuntimeError(f"{action} is not a read: it emitted events")
        return body

    def write(
        self, action: str, params: Mapping[str, str], host_url: str, mode: Mode = "server"
    ) -> dict[str, Any]:
        """A write, exactly as a signed call of the account's key would run it; ``NoAccessKey`` when the
        account has none (an account known only from the state kept in a data directory)."""
        key = self.access_key_id()
        if key is None:
            raise NoAccessKey(f"account {self.account_id} has no AccessKey in this emulator that may call")
        return self.vod.run(action, params, self.context(host_url, mode, key))
