"""The FC side of one emulator: which descriptor it runs, the runtime running it, its internal server.

Built by ``vodfc.emulator.build`` with the emulator's core and its HTTP app. The template's services
belong to one account, ``account_id`` (``VODFC_FC_ACCOUNT``, else the default account): the FC API
finds them only for that account's keys, the instances get STS credentials of that account (issued
here, from the core's key ring), and only that account's VOD events reach the functions. The
instances' own calls go to an internal server of this app (started on first use, loopback, a thread
pool of its own), so however many invocations hold the public server's threads, a function's call
back into VOD is served.

The descriptor is template.yml (FC 2.0) or s.yaml (FC 3.0), run from the source tree or from the build
folders (``code``: ``vodfc.emulator.fc.code``). VOD events reach its functions two ways: every event of
the owning account is published to the MNS topic its ``MNSTopic`` triggers subscribe to (``on_event``), and
the messages VOD's MNS message callback writes to the account's queues are read by its ``EventBridge``
triggers (``on_queue_message``, ``vodfc.emulator.fc.queues``).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.core import Core
from vodfc.emulator.events.bus import EventBus
from vodfc.emulator.events.mns import MnsQueues
from vodfc.emulator.fc import descriptor
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.model import Template, TemplateError
from vodfc.emulator.fc.queues import QueueReaders
from vodfc.emulator.fc.runtime import FunctionRuntime
from vodfc.emulator.loopback_server import LoopbackServer
from vodfc.emulator.policy import Policy

if TYPE_CHECKING:
    from vodfc.emulator.fc.code_package import CodePackage
    from vodfc.emulator.oss import OssService

log = logging.getLogger("vodfc.fc")


def default_template_path() -> Path:
    return descriptor.default_path()


class FcComponent:
    """The FC side of one emulator app: which template, the runtime running it, its internal server."""

    def __init__(self, core: Core, http: Any = None, oss: OssService | None = None):
        self.core = core
        # Where GetFunctionCode puts the code zips it hands out (None: an emulator without OSS).
        self.oss = oss
        # The WSGI app the internal server serves: this emulator's own.
        self.http = http
        self.template_path: Path | None = None
        self.loaded_at = datetime.now(timezone.utc)
        self.sleep: Any = None
        self.log_sink: Any = None
        self.account_id = owning_account(core.config, core.accounts.account_ids())
        self._runtime: FunctionRuntime | None = None
        self._lock = threading.Lock()
        self._internal: LoopbackServer | None = None
        self._internal_lock = threading.Lock()
        # VOD events reach the functions only once a template was loaded on purpose (``load``: vodfc up,
        # vodfc invoke, a test): an app that merely serves the FC API lazily must not start running
        # event functions behind the back of tests that count events or tags.
        self.deliver_events = False
        self.packages: dict[str, CodePackage] = {}
        # The account's MNS queues (the event bus's), once attached: EventBridge triggers read them.
        self.queues: MnsQueues | None = None
        self.readers: QueueReaders | None = None

    @property
    def runtime(self) -> FunctionRuntime:
        with self._lock:
            if self._runtime is None:
                try:
                    path: Path | None = default_template_path()
                except descriptor.DescriptorNotFound:
                    path = None  # an emulator started where no project is: its FC API lists no functions
                loaded = descriptor.load(path) if path is not None else Template(None, {})
                self._runtime = self._build(loaded, path)
            return self._runtime

    def load(
        self,
        path: str | Path | None = None,
        *,
        template: Template | None = None,
        code: str = "source",
        **options: Any,
    ) -> FunctionRuntime:
        """Run ``template`` (or the descriptor at ``path``: template.yml or s.yaml, its code in ``code``
        mode); raises ``TemplateError``. Options go to the runtime."""
        if template is None:
            path = Path(path) if path is not None else default_template_path()
            template = descriptor.load(path, code=code)
        with self._lock:
            old = self._runtime
            self._runtime = self._build(
                template, Path(path) if path is not None else template.path, **options
            )
            self.deliver_events = True
            readers = self.readers
        if old is not None:
            old.close()
        if readers is not None:
            readers.pump_all()  # what VOD wrote to the queues before: EventBridge reads the backlog too
        return self._runtime

    def attach_queues(self, queues: MnsQueues) -> None:
        """Read the owning account's MNS queues with the EventBridge triggers of the loaded descriptor."""
        self.queues = queues
        queues.listeners.append(self.on_queue_message)

    def on_queue_message(self, account_id: str, queue_name: str) -> None:
        """A message was written to an MNS queue: the triggers reading it take it (owning account only)."""
        with self._lock:
            readers = self.readers if self.deliver_events else None
        if readers is not None and account_id == self.account_id:
            readers.pump(queue_name)

    def point_vod_at_queue(self, bus: EventBus | None) -> str | None:
        """With a descriptor whose EventBridge triggers read an MNS queue (an s.yaml's), set the owning
        account's VOD message callback to that queue when the account has none, as docs/deploy.md has one
        do in the cloud (SetMessageCallback CallbackType=MNS): VOD's events then reach those triggers.
        Returns the queue's name, or None when nothing was set (no such trigger, or a callback already
        chosen). ``vodfc up`` calls it once; the ``fc`` fixture after each test's reset."""
        with self._lock:
            readers = self.readers if self.deliver_events else None
        queues = readers.queue_names() if readers is not None else []
        if not queues or bus is None or bus.callback_config(self.account_id) is not None:
            return None
        bus.configure(self.account_id, callback_type="MNS", mns_queue_name=queues[0])
        return queues[0]

    def _build(self, template: Template, path: Path | None, **options: Any) -> FunctionRuntime:
        config = self.core.config
        account_id = self.account_id

        # The one place the functions' credentials are issued: STS tokens of the owning account, allowed
        # what the function's role allows (a service's Policies, an FC 3.0 function's own; emulator.policy).
        def issue(policy: Policy | None) -> Credentials:
            token = self.core.accounts.issue_sts_token(
                account_id, int(timedelta(hours=36).total_seconds()), policy=policy
            )
            return Credentials(token.access_key_id, token.access_key_secret, token.security_token or "")

        self.template_path = path
        self.packages = {}
        self.loaded_at = datetime.now(timezone.utc)
        options.setdefault("issue_credentials", issue)
        options.setdefault("account_id", account_id)
        options.setdefault("region", config.region)
        options.setdefault("clock", config.clock)
        if self.http is not None:
            options.setdefault("vod_endpoint", self.internal_url)
        if self.sleep is not None:
            options.setdefault("sleep", self.sleep)
        if self.log_sink is not None:
            options.setdefault("log_sink", self.log_sink)
        runtime = FunctionRuntime(template, **options)
        self.readers = QueueReaders(runtime, self.queues, account_id) if self.queues is not None else None
        return runtime

    def internal_url(self) -> str:
        """The internal server's URL (started on first use): where the instances' own calls go.

        It serves this same app (STS tokens and state live here) on a loopback port with its own
        threads; its requests are tagged ``internal``, so their events never change how the user's own
        calls are delivered, and never wait for the functions they start.
        """
        with self._internal_lock:
            if self._internal is None:
                if self.http is None:
                    raise RuntimeError("this FC component has no app to serve its functions' calls")
                threads = int(os.environ.get("VODFC_FC_INTERNAL_THREADS", "") or 32)
                # A thread per connection: each instance keeps its connection and calls again and again.
                self._internal = LoopbackServer(self.http, threads=threads, mode="internal").start()
            return self._internal.url

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

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps: the runtime (and with it the template, its settings and instances),
        the internal server and the hooks a caller set. A reset keeps a loaded template running, as a
        server must; anything that built a runtime therefore counts as a change of wiring."""
        with self._lock, self._internal_lock:
            return (self._runtime, self._internal, self.deliver_events, self.sleep, self.log_sink)

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


# The variables the component reads when it is built (vodfc.emulator.build.BUILD_ENVIRONMENT: all of them).
ENVIRONMENT = ("VODFC_FC_ACCOUNT",)


def owning_account(config: EmulatorConfig, known: list[str]) -> str:
    """The account the template's FC resources belong to: ``VODFC_FC_ACCOUNT``, else the default one."""
    chosen = os.environ.get("VODFC_FC_ACCOUNT", "").strip()
    if not chosen:
        return config.default_account_id
    if chosen not in known:
        accounts = ", ".join(known)
        raise ValueError(f"VODFC_FC_ACCOUNT={chosen} is not one of the configured accounts ({accounts})")
    return chosen
