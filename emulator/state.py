"""``EmulatorState``: the core plus the extension points the request cycle runs.

* ``before_action`` / ``after_action``: hooks around every VOD action (``vodfc.emulator.gateway``);
* ``publish``: where the events a committed VOD call emitted go (the event bus, when it is built);
* ``request_hooks``: called with the WSGI environ of every request the app answers itself;
* ``host_routes``: hosts a component answers (``add_host_route``), matched before path routing;
* ``on_reset``: what ``reset()`` calls after the core is emptied, in the order it was added;
* ``on_seed``: what ``seed()`` calls with the backend the demo library was loaded into;
* ``guard``: the admin token and the hosts the socket answers (``vodfc.emulator.guard``).

``vodfc.emulator.build`` fills them in dependency order. Hooks added later (by a test) are dropped by
``reset()``; the ones present at ``mark_baseline()`` stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vodfc.emulator.admintoken import new_token
from vodfc.emulator.backends import BackendFactory
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.core import Core
from vodfc.emulator.guard import RequestGuard
from vodfc.emulator.protocol import Emission, RequestContext
from vodfc.emulator.store import Store

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

BeforeActionHook = Callable[["VodBackend", str, Mapping[str, str], RequestContext], None]
AfterActionHook = Callable[["VodBackend", str, Mapping[str, str], RequestContext, Mapping[str, Any]], None]
# A host handler answers with anything Flask accepts as a view's return value.
HostHandler = Callable[["re.Match[str]"], Any]
RequestHook = Callable[[Mapping[str, Any]], None]
# ``publish(account_id, emissions)``: the events one committed call of that account emitted, in order.
Publisher = Callable[[str, Sequence[Emission]], None]

_PORT = re.compile(r":\d+$")


@dataclass(frozen=True)
class HostRoute:
    pattern: re.Pattern[str]
    handler: HostHandler | None


@dataclass(frozen=True)
class HostMatch:
    """A request's host matched a component's route."""

    route: HostRoute
    match: re.Match[str]


class EmulatorState(Core):
    """Everything one emulator app's requests share: the core, the hooks, the component hosts."""

    def __init__(
        self,
        config: EmulatorConfig,
        store: Store | None = None,
        backend_factory: BackendFactory | None = None,
    ):
        super().__init__(config, store, backend_factory)
        self.before_action: list[BeforeActionHook] = []
        self.after_action: list[AfterActionHook] = []
        # Without the events component the events a call emits go nowhere.
        self.publish: Publisher | None = None
        self.on_reset: list[Callable[[], None]] = []
        # Called with the backend the demo library was just loaded into (inside its lock and transaction).
        self.on_seed: list[Callable[[VodBackend], object]] = []
        self.host_routes: list[HostRoute] = []
        # Called with the WSGI environ of every request the app answers itself (not one a host
        # route's handler answered), before it is answered.
        self.request_hooks: list[RequestHook] = []
        self.guard = RequestGuard(config.admin_token or new_token(), config.allowed_hosts)
        self._baseline: tuple[list[BeforeActionHook], list[AfterActionHook]] = ([], [])

    def add_host_route(self, pattern: str, handler: HostHandler | None = None) -> None:
        """Intercept ``pattern`` hosts; with a handler, it answers them before path routing."""
        self.host_routes.append(HostRoute(re.compile(pattern, re.IGNORECASE), handler))

    def host_match(self, host: str) -> HostMatch | None:
        """The route ``host`` matches (a port, if any, is ignored): the first with a handler, else the
        first without one."""
        if not self.host_routes:
            return None
        bare = _PORT.sub("", host)
        found = None
        for route in self.host_routes:
            match = route.pattern.fullmatch(bare)
            if match is not None:
                if route.handler is not None:
                    return HostMatch(route, match)
                found = found or HostMatch(route, match)
        return found

    def routes_host(self, host: str) -> bool:
        """True when a component registered ``host``."""
        return self.host_match(host) is not None

    def run_request_hooks(self, environ: Mapping[str, Any]) -> None:
        for hook in self.request_hooks:
            hook(environ)

    def mark_baseline(self) -> None:
        """Remember the hooks installed by the components; ``reset`` drops any added later."""
        self._baseline = (list(self.before_action), list(self.after_action))

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps that a caller may have added: request hooks, host routes, reset hooks,
        and the store and configuration (``before_action`` / ``after_action`` go back to the baseline)."""
        hooks = (
            tuple(self.request_hooks),
            tuple(self.host_routes),
            tuple(self.on_reset),
            tuple(self.on_seed),
        )
        return (*hooks, self.store, self.config)

    def seed(self, account_id: str | None = None, region: str | None = None) -> dict[str, Any]:
        """Load the demo library, then let the components add to it (its pictures in OSS)."""
        result = super().seed(account_id, region)
        backend = self.backend(account_id, region)
        with backend.lock:
            for hook in self.on_seed:
                hook(backend)
        return result

    def reset(self) -> None:
        """Forget every backend's records, every component's state, STS tokens, the nonces seen,
        and the hooks added after the build (a test's own hooks never leak into the next test)."""
        super().reset()
        self.before_action[:] = self._baseline[0]
        self.after_action[:] = self._baseline[1]
        for hook in self.on_reset:
            hook()
