"""The emulator's Function Compute component: template.yml's functions, run locally, behind FC's API.

* :mod:`vodfc.emulator.fc.template` — load and validate template.yml (Funcraft format);
* :mod:`vodfc.emulator.fc.runtime` — the warm in-process runtime (context, environment, timeout, triggers);
* :mod:`vodfc.emulator.fc.api` — the FC 2.0 API and HTTP-trigger proxy on the shared app, signature-checked.

``get_fc(app)`` gives the component; ``get_fc(app).runtime`` the ``FunctionRuntime`` (loaded lazily from
``VODFC_TEMPLATE``, else ``./template.yml``, else the project's template.yml); ``get_fc(app).load(path)``
switches templates. Once a template is loaded that way, VOD events from the event bus reach every
function with an ``MNSTopic`` trigger on the ``vodfc-vod-events`` topic whose ``FilterTag`` (if any) is
the event's ``EventType``; the lazily loaded default template serves the API only (``deliver_events``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.runtime import VOD_EVENTS_TOPIC, Delivery, FunctionRuntime, Invocation
from vodfc.emulator.fc.template import Function, Template, TemplateError, load_template
from vodfc.emulator.protocol.environ import host, host_url

EXTENSION_KEY = "vodfc.fc"
FC_HOST = r"(?P<account>[0-9]+)\.(?P<region>[a-z0-9-]+)\.fc\.aliyuncs\.com"

log = logging.getLogger("vodfc.fc")

__all__ = [
    "VOD_EVENTS_TOPIC",
    "Delivery",
    "FcComponent",
    "Function",
    "FunctionRuntime",
    "Invocation",
    "Template",
    "TemplateError",
    "default_template_path",
    "get_fc",
    "init_app",
]


def default_template_path() -> Path:
    configured = os.environ.get("VODFC_TEMPLATE")
    if configured:
        return Path(configured)
    here = Path.cwd() / "template.yml"
    if here.is_file():
        return here
    return Path(__file__).resolve().parents[2] / "template.yml"


class FcComponent:
    """The FC side of one emulator app: which template, and the runtime running it."""

    def __init__(self, app: Any):
        from vodfc.emulator.app import get_state

        self.app = app
        self.state = get_state(app)
        self.template_path: Path | None = None
        self.loaded_at = datetime.now(timezone.utc)
        self.sleep: Any = None
        self.log_sink: Any = None
        self._runtime: FunctionRuntime | None = None
        self._lock = threading.Lock()
        # VOD events reach the functions only once a template was loaded on purpose (``load``: vodfc up,
        # vodfc invoke, a test): an app that merely serves the FC API lazily must not start running
        # event functions behind the back of tests that count events or tags.
        self.deliver_events = False
        # The address a server-mode client reached this app at: the functions' own VOD calls go there.
        self.server_url: str | None = None
        self.checksums: dict[str, str] = {}

    @property
    def runtime(self) -> FunctionRuntime:
        with self._lock:
            if self._runtime is None:
                self._runtime = self._build(load_template(default_template_path()), default_template_path())
            return self._runtime

    def load(
        self, path: str | Path | None = None, *, template: Template | None = None, **options: Any
    ) -> FunctionRuntime:
        """Run ``template`` (or the one at ``path``); raises ``TemplateError``. Options go to the runtime."""
        if template is None:
            path = Path(path) if path is not None else default_template_path()
            template = load_template(path)
        with self._lock:
            old = self._runtime
            self._runtime = self._build(
                template, Path(path) if path is not None else template.path, **options
            )
            self.deliver_events = True
        if old is not None:
            old.reset()
            old.close()
        return self._runtime

    def _build(self, template: Template, path: Path | None, **options: Any) -> FunctionRuntime:
        config = self.state.config
        account_id = config.default_account_id

        def issue() -> Credentials:
            token = self.state.accounts.issue_sts_token(account_id, int(timedelta(hours=36).total_seconds()))
            return Credentials(token.access_key_id, token.access_key_secret, token.security_token or "")

        self.template_path = path
        self.checksums = {}
        self.loaded_at = datetime.now(timezone.utc)
        options.setdefault("issue_credentials", issue)
        options.setdefault("account_id", account_id)
        options.setdefault("region", config.region)
        options.setdefault("clock", config.clock)
        options.setdefault("vod_endpoint", self.server_url)
        if self.sleep is not None:
            options.setdefault("sleep", self.sleep)
        if self.log_sink is not None:
            options.setdefault("log_sink", self.log_sink)
        return FunctionRuntime(template, **options)

    def note_request(self, environ: Mapping[str, Any]) -> None:
        """Remember the address of a server-mode request that reached the server by its own address."""
        if self.server_url is not None or environ.get(MODE_KEY, "server") != "server":
            return
        # A request sent through HTTP_PROXY names the cloud's host: it says nothing of where we listen.
        if host(environ).split(":")[0].lower().endswith(".aliyuncs.com"):
            return
        self.remember_server(host_url(environ).rstrip("/"))

    def remember_server(self, url: str) -> None:
        """Called on every server-mode request: the first address seen becomes the VOD endpoint."""
        if self.server_url is not None:
            return
        self.server_url = url
        with self._lock:
            if self._runtime is not None and not self._runtime.vod_endpoint:
                self._runtime.vod_endpoint = url

    def reset(self) -> None:
        with self._lock:
            runtime = self._runtime
        if runtime is not None:
            runtime.drain(timeout=5.0)
            runtime.reset()

    def on_event(self, event: dict[str, Any]) -> None:
        """The event bus's subscriber: publish the VOD event to the functions' MNS topic."""
        if not self.deliver_events:
            return
        try:
            runtime = self.runtime
        except TemplateError as exc:
            log.warning("VOD event not delivered to functions: template.yml is invalid: %s", exc)
            return
        runtime.deliver_event(event)


def get_fc(app: Any) -> FcComponent:
    component: FcComponent = app.extensions[EXTENSION_KEY]
    return component


def init_app(app: Any) -> None:
    from vodfc.emulator.app import get_state
    from vodfc.emulator.fc.api import bp

    state = get_state(app)
    component = FcComponent(app)
    app.extensions[EXTENSION_KEY] = component
    app.register_blueprint(bp)
    # The FC API host of every account and region (also <region>-internal); routed by path.
    state.add_host_route(FC_HOST)
    state.on_reset.append(component.reset)
    # VOD events can reach functions before any FC call did (a VOD upload in server mode): learn the
    # server's address from whatever request comes first.
    state.request_hooks.append(component.note_request)
    bus_key = "vodfc.events"
    if bus_key in app.extensions:
        app.extensions[bus_key].subscribe(component.on_event, permanent=True)
