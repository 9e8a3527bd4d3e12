"""The dashboard component: what its pages read and write, given by the build (no lookups).

``Dashboard`` holds the emulator's parts the pages show: the VOD calls of each account and region
(``VodCalls``: the action table and the endpoint's write path), OSS for pictures, the event bus, the
fault rules and the FC component.
Any of the optional ones may be missing (a component not selected): its page then says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from vodfc.emulator.dashboard.calls import VodCalls
from vodfc.emulator.dashboard.pictures import Pictures
from vodfc.emulator.dashboard.scope import Scope
from vodfc.emulator.events.bus import EventBus
from vodfc.emulator.faults.rules import Faults
from vodfc.emulator.fc.component import FcComponent
from vodfc.emulator.fc.runtime import FunctionRuntime
from vodfc.emulator.gateway import VodEndpoint
from vodfc.emulator.oss import OssService
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.state import EmulatorState

PREFIX = CONTROL_PREFIX
# The variables the component reads when it is built (vodfc.emulator.build.BUILD_ENVIRONMENT: all of them).
ENVIRONMENT = ("VODFC_DASHBOARD_STREAM_SECONDS",)


def stream_seconds(environ: Mapping[str, str]) -> float:
    """How long one live stream lasts: ``VODFC_DASHBOARD_STREAM_SECONDS`` (default 60, at least 1)."""
    text = environ.get("VODFC_DASHBOARD_STREAM_SECONDS", "").strip()
    try:
        seconds = float(text) if text else 60.0
    except ValueError:
        raise ValueError(f"VODFC_DASHBOARD_STREAM_SECONDS must be a number, got {text!r}") from None
    if seconds < 1:
        raise ValueError("VODFC_DASHBOARD_STREAM_SECONDS must be at least 1")
    return seconds


class Dashboard:
    """The pages' view of one emulator."""

    def __init__(
        self,
        state: EmulatorState,
        vod: VodEndpoint,
        *,
        oss: OssService | None = None,
        events: EventBus | None = None,
        faults: Faults | None = None,
        fc: FcComponent | None = None,
    ):
        self.state = state
        self.vod = vod
        # The default account and region's calls; a page makes its own scope's (``calls_for``).
        self.calls = VodCalls(state, vod)
        self.pictures = Pictures(oss, f"{PREFIX}/ui/pictures")
        self.events = events
        self.faults = faults
        self.fc = fc
        # Seconds between two looks at the fingerprints, and how long one live stream lasts (then the
        # browser opens another: VODFC_DASHBOARD_STREAM_SECONDS).
        self.live_interval = 0.5
        self.live_lifetime = stream_seconds(os.environ)

    def calls_for(self, scope: Scope) -> VodCalls:
        return VodCalls(self.state, self.vod, scope.account_id, scope.region)

    def functions_owner(self) -> tuple[str, str] | None:
        """The account and region the FC runtime's functions belong to (``vodfc up``: the default
        account, or ``VODFC_FC_ACCOUNT``); None without the FC component. Loads no descriptor."""
        if self.fc is None:
            return None
        runtime = self.loaded_runtime()
        if runtime is not None:
            return runtime.account_id, runtime.region
        return self.fc.account_id, self.state.config.region

    def runtime(self) -> FunctionRuntime | None:
        """The functions being run (``vodfc up`` loads the descriptor; the FC API loads template.yml on
        first use); None without the FC component. Raises ``TemplateError`` for a broken descriptor."""
        return None if self.fc is None else self.fc.runtime

    def loaded_runtime(self) -> FunctionRuntime | None:
        """The runtime when one was built already (the live stream must not load a descriptor)."""
        if self.fc is None or self.fc.template_path is None:
            return None
        return self.fc.runtime

    def fingerprints(self, scope: Scope | None = None) -> dict[str, Any]:
        """What the pages of ``scope`` (default: the default account and region) show, in small: its
        library's write generation, its account's events, the invocations, the fault rules."""
        calls = self.calls if scope is None else self.calls_for(scope)
        backend = calls.backend()
        parts: dict[str, Any] = {"library": backend.generation}
        if self.events is not None:
            log = [record for record in self.events.log if record.account_id == calls.account_id]
            parts["events"] = (
                len(log),
                sum(len(record.attempts) for record in log),
                tuple(record.status for record in log[-50:]),
            )
        runtime = self.loaded_runtime()
        if runtime is not None:
            history = list(runtime.history)
            parts["functions"] = (id(runtime), len(history), history[-1].request_id if history else "")
        if self.faults is not None:
            parts["faults"] = tuple((r.id, r.enabled, r.matched, r.fired) for r in self.faults.rules)
        return parts
