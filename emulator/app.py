"""The emulator's Flask application factory and the per-app state every component hangs off.

``create_app`` builds one app: the VOD gateway at ``/``, the control plane under ``/_vodfc/``, and
every installed component from ``COMPONENTS`` (each registers its own blueprints and hosts through
``init_app``). All state lives in ``app.extensions["vodfc"]``; nothing is module-global, so two
apps in one process (two tests, a mock and a server) never share anything.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from vodfc.emulator.accounts import Accounts
from vodfc.emulator.backends import BackendFactory, BackendRegistry, default_backend_factory
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.protocol import Authenticator, RequestContext
from vodfc.emulator.store import Store, open_store

# Component packages create_app wires in, in this order; the ones not (yet) installed are skipped.
COMPONENTS = (
    "vodfc.emulator.oss",
    "vodfc.emulator.media",
    "vodfc.emulator.ingest",
    "vodfc.emulator.lifecycle",
    "vodfc.emulator.events",
    "vodfc.emulator.faults",
    "vodfc.emulator.fc",
)

Dispatch = Callable[[Any, str, Mapping[str, str], RequestContext], dict[str, Any]]
BeforeActionHook = Callable[[Any, str, Mapping[str, str], RequestContext], None]
AfterActionHook = Callable[[Any, str, Mapping[str, str], RequestContext, Mapping[str, Any]], None]
HostHandler = Callable[["re.Match[str]"], Any]
RequestHook = Callable[[Mapping[str, Any]], None]


_PORT = re.compile(r":\d+$")


@dataclass(frozen=True)
class HostRoute:
    pattern: re.Pattern[str]
    handler: HostHandler | None


def default_dispatch() -> Dispatch:
    from vodfc.emulator.vod.responses import dispatch

    return dispatch  # type: ignore[no-any-return]


class EmulatorState:
    """Everything one emulator app holds: config, keys, backends, hooks, and the component routes."""

    def __init__(
        self,
        config: EmulatorConfig,
        store: Store,
        backend_factory: BackendFactory,
        dispatch: Dispatch,
    ):
        self.config = config
        self.store = store
        self.accounts = Accounts(config.access_keys, clock=config.clock)
        self.authenticator = Authenticator(config, self.accounts)
        self.backends = BackendRegistry(store, backend_factory)
        self.dispatch = dispatch
        self.before_action: list[BeforeActionHook] = []
        self.after_action: list[AfterActionHook] = []
        self.on_reset: list[Callable[[], None]] = []
        self.host_routes: list[HostRoute] = []
        # Called with the WSGI environ of every request the app answers itself (not one a host
        # route's handler answered), before it is answered; through Flask or the VOD fast path.
        self.request_hooks: list[RequestHook] = []
        self.components: list[str] = []
        self._baseline: tuple[list[BeforeActionHook], list[AfterActionHook]] = ([], [])

    def add_host_route(self, pattern: str, handler: HostHandler | None = None) -> None:
        """Intercept ``pattern`` hosts in-process; with a handler, answer them before path routing."""
        self.host_routes.append(HostRoute(re.compile(pattern, re.IGNORECASE), handler))

    def routes_host(self, host: str) -> bool:
        """True when a component registered ``host`` (a port, if any, is ignored)."""
        if not self.host_routes:
            return False
        bare = _PORT.sub("", host)
        return any(route.pattern.fullmatch(bare) for route in self.host_routes)

    def run_request_hooks(self, environ: Mapping[str, Any]) -> None:
        for hook in self.request_hooks:
            hook(environ)

    def backend(self, account_id: str | None = None, region: str | None = None) -> Any:
        """The VOD backend of an account and region (the defaults when not given)."""
        return self.backends.get(account_id or self.config.default_account_id, region or self.config.region)

    def mark_baseline(self) -> None:
        """Remember the hooks installed by the components; ``reset`` drops any added later."""
        self._baseline = (list(self.before_action), list(self.after_action))

    def reset(self) -> None:
        """Forget every backend's records, every component's state, STS tokens, the nonces seen,
        and the hooks added after ``create_app`` (a test's own hooks never leak into the next test)."""
        self.backends.reset()
        self.accounts.reset()
        self.authenticator.nonces.clear()
        self.before_action[:], self.after_action[:] = (list(hooks) for hooks in self._baseline)
        for hook in self.on_reset:
            hook()

    def seed(self, account_id: str | None = None, region: str | None = None) -> Any:
        """Load the demo library into a backend; returns what ``seed_demo_library`` returns."""
        from vodfc.emulator.vod.seed import seed_demo_library

        backend = self.backend(account_id, region)
        with backend.lock, self.store.transaction():
            return seed_demo_library(backend)


def get_state(app: Flask) -> EmulatorState:
    state: EmulatorState = app.extensions["vodfc"]
    return state


def _route_by_host() -> Any:
    """Give a request whose host a component registered to that component's handler."""
    state = get_state_of_request()
    if not state.host_routes:
        return None
    host = _PORT.sub("", request.host)
    for route in state.host_routes:
        match = route.pattern.fullmatch(host)
        if match is not None and route.handler is not None:
            return route.handler(match)
    return None


def _run_request_hooks() -> None:
    get_state_of_request().run_request_hooks(request.environ)


def flask_adds_nothing(app: Flask) -> bool:
    """True while Flask's request cycle runs no hook of its own but the two above for ``/``: the VOD
    fast path (``vodfc.emulator.gateway``) does their work itself and hands anything else to Flask."""
    return (
        app.before_request_funcs.get(None) == [_route_by_host, _run_request_hooks]
        and not app.after_request_funcs.get(None)
        and not app.teardown_request_funcs.get(None)
        and not app.url_value_preprocessors.get(None)
    )


def get_state_of_request() -> EmulatorState:
    from flask import current_app

    return get_state(current_app)


def create_app(
    config: EmulatorConfig | None = None,
    *,
    store: Store | None = None,
    backend_factory: BackendFactory | None = None,
    dispatch: Dispatch | None = None,
) -> Flask:
    """Build an emulator app; ``backend_factory`` and ``dispatch`` default to the VOD package's."""
    from vodfc.emulator import control, gateway

    config = config or EmulatorConfig()
    app = Flask("emulator")
    state = EmulatorState(
        config,
        store if store is not None else open_store(config.data_dir),
        backend_factory or default_backend_factory(),
        dispatch or default_dispatch(),
    )
    app.extensions["vodfc"] = state
    app.before_request(_route_by_host)
    app.before_request(_run_request_hooks)
    gateway.init_app(app)
    control.init_app(app)
    for name in config.components if config.components is not None else COMPONENTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)
            state.components.append(name)
    state.mark_baseline()
    # A fresh data dir gets the demo library; a persisted one keeps what it has.
    if config.seed and not state.store.namespaces():
        state.seed()
    return app
