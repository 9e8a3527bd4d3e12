"""Building one emulator: the only module that knows every component.

``build(config)`` makes, in dependency order, the core (``EmulatorState``: config, store, key ring,
VOD backends, the hook lists), then each selected component, handing it what it needs as constructor
arguments, then the action table, the VOD endpoint, the control plane and the Flask app with its one
request cycle (``vodfc.emulator.front``). Everything it wires is visible here: which hooks a component
adds, which hosts and routes it serves, whom it listens to. Nothing looks another component up later.

Components are chosen by short name (``EmulatorConfig.components``; ``None`` means all of them):

| name | what it is | needs | uses, when selected |
|---|---|---|---|
| ``oss`` | the OSS object service (``vodfc.emulator.oss``) | | |
| ``media`` | real probing and snapshots with PyAV (``vodfc.emulator.media``) | | |
| ``events`` | the event bus and the message-callback actions (``vodfc.emulator.events``) | | |
| ``ingest`` | upload credentials and completed uploads (``vodfc.emulator.ingest``) | oss, media | events |
| ``lifecycle`` | video status machine, jobs (``vodfc.emulator.lifecycle``) | | ingest, events, oss, media |
| ``faults`` | fault injection (``vodfc.emulator.faults``) | | events |
| ``fc`` | Function Compute: API, runtime, triggers (``vodfc.emulator.fc``) | | events (topic, queues) |
| ``dashboard`` | the web dashboard, ``/_vodfc/`` (``vodfc.emulator.dashboard``) | | oss, events, faults, fc |

An unknown name, or a component whose need is not selected, is a ``ComponentError`` here; a component
that is not selected serves nothing, and its VOD actions answer ``InvalidApi.NotFound``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import Flask
from vodfc.emulator import control
from vodfc.emulator import lifecycle as lifecycle_package
from vodfc.emulator.backends import BackendFactory
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.dashboard import Dashboard
from vodfc.emulator.dashboard import component as dashboard_component
from vodfc.emulator.dashboard import views as dashboard_views
from vodfc.emulator.events import actions as events_actions
from vodfc.emulator.events import bus
from vodfc.emulator.events import control as events_control
from vodfc.emulator.events.bus import EventBus, app_transport, bus_from_env
from vodfc.emulator.faults import Faults
from vodfc.emulator.faults import control as faults_control
from vodfc.emulator.fc import FC_HOST, FcComponent
from vodfc.emulator.fc import api as fc_api
from vodfc.emulator.fc import api3 as fc_api3
from vodfc.emulator.fc import component as fc_component
from vodfc.emulator.fc.fc3 import FCAPP_HOST
from vodfc.emulator.front import Front, install_front
from vodfc.emulator.gateway import VodEndpoint
from vodfc.emulator.ingest import Ingest
from vodfc.emulator.ingest import actions as ingest_actions
from vodfc.emulator.lifecycle import Lifecycle, scheduler_from_env
from vodfc.emulator.lifecycle import actions as lifecycle_actions
from vodfc.emulator.lifecycle import control as lifecycle_control
from vodfc.emulator.lookup import EXTENSION_KEY
from vodfc.emulator.media.demo_pictures import store_demo_pictures
from vodfc.emulator.oss import OssService
from vodfc.emulator.oss import routes as oss_routes
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.store import Store
from vodfc.emulator.vod.action_table import CORE_ACTIONS, Action, ActionTable
from vodfc.emulator.vod.delivery import cdn_guard

# Every component, in the order they are built: each after everything it needs or uses.
COMPONENTS = ("oss", "media", "events", "ingest", "lifecycle", "faults", "fc", "dashboard")
# What a component cannot work without (what it merely uses is optional).
NEEDS: Mapping[str, tuple[str, ...]] = {"ingest": ("oss", "media")}
# Every environment variable build() reads: two builds of one configuration are alike only when these
# have the same values (vodfc.emulator.reuse keys its emulators on them).
BUILD_ENVIRONMENT = (
    bus.ENVIRONMENT
    + lifecycle_package.ENVIRONMENT
    + fc_component.ENVIRONMENT
    + dashboard_component.ENVIRONMENT
)
# Flask's per-app hook registries: a caller that adds to one changes the app's wiring.
_FLASK_HOOKS = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "teardown_appcontext_funcs",
    "url_value_preprocessors",
    "url_default_functions",
    "template_context_processors",
    "error_handler_spec",
)


class ComponentError(ValueError):
    """``EmulatorConfig.components`` names an unknown component, or leaves out one a selected one needs."""


def select(names: Sequence[str] | None) -> tuple[str, ...]:
    """The components to build, in build order; ``None`` selects all of them."""
    if names is None:
        return COMPONENTS
    if isinstance(names, str):
        raise ComponentError(f"components must be a sequence of names, not the string {names!r}")
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise ComponentError(
            f"unknown emulator component(s) {', '.join(map(repr, unknown))}; "
            f"the components are {', '.join(COMPONENTS)}"
        )
    for name in names:
        missing = [need for need in NEEDS.get(name, ()) if need not in names]
        if missing:
            raise ComponentError(f"the {name} component needs {' and '.join(missing)}, which is not selected")
    return tuple(name for name in COMPONENTS if name in names)


@dataclass(frozen=True)
class Emulator:
    """One built emulator; ``http`` is the Flask app ``create_app`` returns (its WSGI entry is ``front``)."""

    config: EmulatorConfig
    state: EmulatorState
    components: tuple[str, ...]
    oss: OssService | None
    events: EventBus | None
    ingest: Ingest | None
    lifecycle: Lifecycle | None
    faults: Faults | None
    fc: FcComponent | None
    dashboard: Dashboard | None
    actions: ActionTable
    vod: VodEndpoint
    http: Flask
    front: Front

    def reset(self) -> None:
        self.state.reset()

    def wiring(self) -> tuple[object, ...]:
        """Everything ``reset`` keeps that a caller may have changed: hooks, listeners, routes,
        collaborators, settings assigned by hand, the Flask app's rules and hooks. Two readings are
        equal when nothing was added or replaced; ``vodfc.emulator.reuse`` reuses an emulator only then."""
        parts = (self.oss, self.events, self.ingest, self.lifecycle, self.faults, self.fc)
        return (
            self.state.wiring(),
            tuple(None if part is None else part.wiring() for part in parts),
            _flask_wiring(self.http),
        )

    def close(self) -> None:
        """Release what outlives a reset: the FC runtime's and the event worker's threads, the store."""
        if self.fc is not None:
            self.fc.close()
        if self.events is not None:
            self.events.close()
        self.state.store.close()


def _flask_wiring(http: Flask) -> tuple[object, ...]:
    # A URL rule added through Flask also adds its view function: the views stand for the rules.
    hooks = tuple(_frozen(getattr(http, name)) for name in _FLASK_HOOKS)
    views = tuple(http.view_functions.items())
    return (http.wsgi_app, tuple(http.blueprints), views, hooks, dict(http.config))


def _frozen(value: object) -> object:
    """Nested dicts and lists of Flask's registries, as comparable tuples (the callables themselves)."""
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(value)
    return value


def build(
    config: EmulatorConfig | None = None,
    *,
    store: Store | None = None,
    backend_factory: BackendFactory | None = None,
    actions: Mapping[str, Action] | None = None,
) -> Emulator:
    """Build an emulator. ``store`` and ``backend_factory`` replace the core's (``backend_factory`` is
    ``VodBackend`` by default), ``actions`` the VOD core's actions (``CORE_ACTIONS``); the selected
    components add their own actions either way."""
    config = config or EmulatorConfig()
    chosen = select(config.components)
    state = EmulatorState(config, store, backend_factory)
    http = Flask("emulator")
    http.register_blueprint(control.blueprint(state, chosen))
    parts: list[Mapping[str, Action]] = [CORE_ACTIONS if actions is None else actions]

    oss = events = ingest = lifecycle = faults = fc = None
    if "oss" in chosen:
        oss = OssService(state)
        # The VOD buckets' reads go through the owning account's CDN URL signing, when it has some.
        oss.anonymous_read_guard = cdn_guard(state.backend, config.clock)
        state.on_reset.append(oss.reset)
        for pattern, handler in oss_routes.host_routes(oss):
            state.add_host_route(pattern, handler)
        http.register_blueprint(oss_routes.blueprint(oss))
        if "media" in chosen:
            # The demo library's covers and images, as real pictures where its URLs point.
            state.on_seed.append(functools.partial(store_demo_pictures, oss))

    if "events" in chosen:
        events = bus_from_env(state)
        events.transport = app_transport(state.routes_host, http)
        state.publish = events.publish
        state.request_hooks.append(events.note_request)
        state.on_reset.append(events.reset)
        http.register_blueprint(events_control.blueprint(events))
        parts.append(events_actions.actions(events))

    if "ingest" in chosen:
        assert oss is not None  # select() checked NEEDS
        ingest = Ingest(state, oss, bus=events)
        oss.on_object_complete.append(ingest.object_complete)
        state.on_reset.append(ingest.reset)
        parts.append(ingest_actions.actions(ingest))

    if "lifecycle" in chosen:
        lifecycle = Lifecycle(
            state,
            scheduler_from_env(config.clock, os.environ),
            bus=events,
            oss=oss,
            media="media" in chosen,
        )
        if ingest is not None:
            ingest.on_upload_complete.append(lifecycle.ingested)
        state.on_reset.append(_reset_lifecycle(lifecycle))
        http.register_blueprint(lifecycle_control.blueprint(lifecycle))
        parts.append(lifecycle_actions.actions(lifecycle))

    if "faults" in chosen:
        faults = Faults(config.clock)
        state.before_action.append(faults.before_action)
        state.on_reset.append(faults.clear)
        if events is not None:
            events.fault_hook = faults.event_decision
        http.register_blueprint(faults_control.blueprint(faults))

    if "fc" in chosen:
        # The functions' own calls go to an internal server of this same app.
        fc = FcComponent(state, http, oss=oss)
        # The FC API hosts of every account and region (also <region>-internal, and FC 3.0's fcv3.<region>);
        # routed by path. FC 3.0's HTTP trigger hosts answer every path themselves.
        state.add_host_route(FC_HOST)
        state.add_host_route(fc_api3.FC3_API_HOST)
        state.add_host_route(FCAPP_HOST, fc_api3.trigger_host_handler(fc))
        state.on_reset.append(fc.reset)
        if events is not None:
            # Only the owning account's events: another account's uploads never start these functions.
            events.subscribe(fc.on_event, account_id=fc.account_id, permanent=True)
            # VOD's MNS message callback writes to the account's queues; EventBridge triggers read them.
            fc.attach_queues(events.mns)
        http.register_blueprint(fc_api.blueprint(fc))
        http.register_blueprint(fc_api3.blueprint(fc))

    table = ActionTable(*parts)
    vod = VodEndpoint(state, table)
    dashboard = None
    if "dashboard" in chosen:
        # Reads through the action table, writes through the endpoint's call path: nothing of its own.
        dashboard = Dashboard(state, vod, oss=oss, events=events, faults=faults, fc=fc)
        http.register_blueprint(dashboard_views.blueprint(dashboard))
    front = install_front(http, state, vod)
    if fc is not None:
        front.direct.append(fc_api.direct_invoke(fc))
    state.mark_baseline()
    emulator = Emulator(
        config, state, chosen, oss, events, ingest, lifecycle, faults, fc, dashboard, table, vod, http, front
    )
    http.extensions[EXTENSION_KEY] = emulator
    # A fresh data dir gets the demo library; a persisted one keeps what it has.
    if config.seed and not state.store.namespaces():
        state.seed()
    return emulator


def _reset_lifecycle(lifecycle: Lifecycle) -> Callable[[], None]:
    initial = lifecycle.scheduler.timing

    def reset() -> None:
        lifecycle.reset()
        lifecycle.scheduler.set_timing(initial)

    return reset
