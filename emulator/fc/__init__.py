"""The emulator's Function Compute component: template.yml's functions, run locally, behind FC's API.

* :mod:`vodfc.emulator.fc.template` — load and validate template.yml (Funcraft format);
* :mod:`vodfc.emulator.fc.runtime` — the runtime: instances (subprocesses), context, environment,
  timeouts, triggers; :mod:`~vodfc.emulator.fc.pool`, :mod:`~vodfc.emulator.fc.instances` and
  :mod:`~vodfc.emulator.fc.worker` (the bootstrap each instance runs) below it;
* :mod:`vodfc.emulator.fc.api` — the FC 2.0 API and HTTP-trigger proxy on the shared app, signature-checked.

``get_fc(app)`` gives the component; ``get_fc(app).runtime`` the ``FunctionRuntime`` (loaded lazily from
``VODFC_TEMPLATE``, else ``./template.yml``, else the project's template.yml); ``get_fc(app).load(path)``
switches templates. Once a template is loaded that way, VOD events from the event bus reach every
function with an ``MNSTopic`` trigger on the ``vodfc-vod-events`` topic whose ``FilterTag`` (if any) is
the event's ``EventType``; the lazily loaded default template serves the API only (``deliver_events``).

The template's services belong to one account, ``account_id`` (``VODFC_FC_ACCOUNT``, else the default
account): the FC API finds them only for that account's keys, the instances get STS credentials of
that account, and only that account's VOD events reach the functions. The instances' own calls go to
an internal server of this app (started on first use, loopback, a thread pool of its own), so however
many invocations hold the public server's threads, a function's call back into VOD is served.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.runtime import VOD_EVENTS_TOPIC, Delivery, FunctionRuntime, Invocation, Throttled
from vodfc.emulator.fc.template import Function, Template, TemplateError, load_template

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
    "Throttled",
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
    """The FC side of one emulator app: which template, the runtime running it, its internal server."""

    def __init__(self, app: Any):
        from vodfc.emulator.app import get_state

        self.app = app
        self.state = get_state(app)
        self.template_path: Path | None = None
        self.loaded_at = datetime.now(timezone.utc)
        self.sleep: Any = None
        self.log_sink: Any = None
        self.account_id = owning_account(self.state.config, self.state.accounts.account_ids())
        self._runtime: FunctionRuntime | None = None
        self._lock = threading.Lock()
        self._internal: Any = None
        self._internal_lock = threading.Lock()
        # VOD events reach the functions only once a template was loaded on purpose (``load``: vodfc up,
        # vodfc invoke, a test): an app that merely serves the FC API lazily must not start running
        # event functions behind the back of tests that count events or tags.
        self.deliver_events = False
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
            old.close()
        return self._runtime

    def _build(self, template: Template, path: Path | None, **options: Any) -> FunctionRuntime:
        config = self.state.config
        account_id = self.account_id

        # The one place the functions' credentials are issued: STS tokens of the owning account.
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
        options.setdefault("vod_endpoint", self.internal_url)
        if self.sleep is not None:
            options.setdefault("sleep", self.sleep)
        if self.log_sink is not None:
            options.setdefault("log_sink", self.log_sink)
        return FunctionRuntime(template, **options)

    def internal_url(self) -> str:
        """The internal server's URL (started on first use): where the instances' own calls go.

        It serves this same app (STS tokens and state live here) on a loopback port with its own
        threads; its requests are tagged ``internal``, so their events never change how the user's own
        calls are delivered, and never wait for the functions they start.
        """
        with self._internal_lock:
            if self._internal is None:
                from vodfc.emulator.server import ThreadedServer

                threads = int(os.environ.get("VODFC_FC_INTERNAL_THREADS", "") or 32)
                self._internal = ThreadedServer(self.app, threads=threads, mode="internal").start()
            return str(self._internal.url)

    def close(self) -> None:
        """Stop every instance and the internal server."""
        with self._lock:
            runtime, self._runtime = self._runtime, None
        if runtime is not None:
            runtime.close()
        with self._internal_lock:
            internal, self._internal = self._internal, None
        if internal is not None:
            internal.stop()

    def reset(self) -> None:
        with self._lock:
            runtime = self._runtime
        if runtime is not None:
            runtime.drain(timeout=5.0)
            runtime.reset()

    def on_event(self, event: dict[str, Any]) -> None:
        """The event bus's subscriber (for the owning account's events): publish to the functions' topic."""
        if not self.deliver_events:
            return
        try:
            runtime = self.runtime
        except TemplateError as exc:
            log.warning("VOD event not delivered to functions: template.yml is invalid: %s", exc)
            return
        runtime.deliver_event(event)


def owning_account(config: Any, known: list[str]) -> str:
    """The account the template's FC resources belong to: ``VODFC_FC_ACCOUNT``, else the default one."""
    chosen = os.environ.get("VODFC_FC_ACCOUNT", "").strip()
    if not chosen:
        return str(config.default_account_id)
    if chosen not in known:
        accounts = ", ".join(known)
        raise ValueError(f"VODFC_FC_ACCOUNT={chosen} is not one of the configured accounts ({accounts})")
    return chosen


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
    bus_key = "vodfc.events"
    if bus_key in app.extensions:
        # Only the owning account's events: another account's uploads never start these functions.
        app.extensions[bus_key].subscribe(component.on_event, account_id=component.account_id, permanent=True)
