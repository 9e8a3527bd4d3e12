"""The dashboard's VOD calls: made as the account's own AccessKey would make them, through the API's code.

Reads (SearchMedia, GetVideoInfo, GetMezzanineInfo, GetPlayInfo, GetImageInfo) run the VOD actions
of the emulator's action table under the backend's lock: the answers are the API's, built by the same
code. They are observations, not calls of the user's code, so fault rules do not apply to them (a
throttling rule would otherwise throttle the page that switches it off). Writes go through
``VodEndpoint.run``, the path of every wire call: fault hooks, one store transaction, events published
after the commit. The dashboard has no other way to change the library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vodfc.emulator.gateway import VodEndpoint
from vodfc.emulator.protocol import RequestContext, new_request_id
from vodfc.emulator.protocol.context import Mode
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.vod.models import VodBackend


class VodCalls:
    """VOD actions on one account and region (the emulator's default ones), as its first AccessKey."""

    def __init__(self, state: EmulatorState, vod: VodEndpoint):
        self.state = state
        self.vod = vod

    @property
    def account_id(self) -> str:
        return self.state.config.default_account_id

    @property
    def region(self) -> str:
        return self.state.config.region

    def backend(self) -> VodBackend:
        return self.state.backend(self.account_id, self.region)

    def context(self, host_url: str, mode: Mode = "server") -> RequestContext:
        """A context like the gateway's for a call from ``host_url`` (upload addresses point there)."""
        config = self.state.config
        keys = config.access_keys
        key = next((k for k in keys if k.account_id == self.account_id), keys[0])
        return RequestContext(
            request_id=new_request_id(),
            access_key_id=key.access_key_id,
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
        ctx = self.context(host_url or "http://localhost")
        with backend.lock:
            body = self.vod.actions.dispatch(backend, action, params, ctx)
        if ctx.emitted:  # a read emits nothing; an action that does is a write and must not come here
            raise RuntimeError(f"{action} is not a read: it emitted events")
        return body

    def write(
        self, action: str, params: Mapping[str, str], host_url: str, mode: Mode = "server"
    ) -> dict[str, Any]:
        """A write, exactly as a signed call of the account's key would run it."""
        return self.vod.run(action, params, self.context(host_url, mode))
