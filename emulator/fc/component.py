"""The FC side of one emulator: which template it runs, and the runtime running it.

Built by ``vodfc.emulator.build`` with the emulator's core; it issues the functions' STS credentials
from the core's key ring and learns the server's address from the first server-mode request.
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
from vodfc.emulator.core import Core
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.runtime import FunctionRuntime
from vodfc.emulator.fc.template import Template, TemplateError, load_template
from vodfc.emulator.protocol.environ import host, host_url

log = logging.getLogger("vodfc.fc")


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

    def __init__(self, core: Core):
        self.core = core
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
        config = self.core.config
        account_id = config.default_account_id

        def issue() -> Credentials:
            token = self.core.accounts.issue_sts_token(account_id, int(timedelta(hours=36).total_seconds()))
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

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps: the runtime (and with it the template and its settings), the server
        address learned and the hooks a caller set. A reset keeps a loaded template running, as a
        server must; anything that built a runtime therefore counts as a change of wiring."""
        with self._lock:
            return (self._runtime, self.deliver_events, self.server_url, self.sleep, self.log_sink)

    def close(self) -> None:
        """Stop the runtime's background work, if a runtime was built."""
        with self._lock:
            runtime = self._runtime
        if runtime is not None:
            runtime.close()

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
