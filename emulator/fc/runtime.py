"""The local FC runtime: template.yml's functions run in instances of their own, concurrently, like FC.

An instance is an OS process (``vodfc.emulator.fc.worker`` is its bootstrap) with FC's environment, a
/tmp of its own, its own module state, and its ``Initializer`` run once; ``FunctionPool`` starts
instances on demand up to a per-function limit, keeps them warm, queues requests beyond the limit and
reaps idle instances; ``vodfc.emulator.fc.instances`` starts, talks to and stops the processes.
``FunctionRuntime`` is the facade the FC API, the triggers and the CLI call: it builds what FC gives an
instance (environment, ``context``), enforces ``Timeout`` and ``InitializationTimeout`` (an instance
that runs over is killed, with everything it started, and the caller gets FC's error), assembles the
invocation's log in FC's format, and keeps the invocation history and the MNS deliveries.

An instance's own calls to VOD (and OSS, FC) go to ``VOD_ENDPOINT``: ``vod_endpoint`` here, which the
FC component points at an internal server of the same app (see ``vodfc.emulator.fc``).
"""

from __future__ import annotations

import base64
import collections
import io
import json
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from vodfc.emulator.cache import cache_dir
from vodfc.emulator.events.wire import VOD_EVENTS_TOPIC, encode, mns_topic_event, timer_event
from vodfc.emulator.fc import abi
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.instances import (
    CallTimedOut,
    Instance,
    InstanceLost,
    InstanceStartError,
    Reply,
    host_environment,
    supervisor,
)
from vodfc.emulator.fc.model import Function, Template, Trigger
from vodfc.emulator.fc.pool import FunctionPool, Throttled
from vodfc.emulator.fc.settings import RuntimeSettings
from vodfc.emulator.fc.worker import encode_result, error_body
from vodfc.emulator.policy import Policy

__all__ = [
    "Delivery",
    "FunctionRuntime",
    "Invocation",
    "InvocationFailed",
    "Throttled",
    "encode_result",
    "new_request_id",
    "wsgi_environ",
]

TAIL_BYTES = 4096
STS_LIFETIME = timedelta(hours=36)
# The variables FC refreshes while an instance lives: sent again with an invocation when they changed.
CREDENTIAL_VARIABLES = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "accessKeyID", 0),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "accessKeySecret", 1),
    ("ALIBABA_CLOUD_SECURITY_TOKEN", "securityToken", 2),
)
UNHANDLED = ", Error: Unhandled function error"


class InvocationFailed(Exception):
    """An error FC reports about an invocation (not an API error): ``payload`` is FC's error body."""

    def __init__(self, message: str, error_type: str, stack: list[list[Any]] | None = None):
        super().__init__(message)
        self.payload = error_body(message, error_type, stack)


@dataclass
class Invocation:
    """What one invocation gave: the body, or FC's error; the log lines; timings.

    ``started_at`` is when it began (UTC): when its instance took it, or when the attempt failed.
    """

    function: str
    request_id: str
    body: bytes = b""
    error: dict[str, Any] | None = None
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    cold_start: bool = False
    kind: str = "event"  # event | http | timer | mns | eventbridge | async
    memory_mb: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_body(self) -> bytes:
        return json.dumps(self.error).encode() if self.error is not None else b""

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def log_text(self) -> str:
        return "".join(line + "\n" for line in self.log_lines)

    def log_tail(self) -> str:
        """The last 4 KB of the log, base64 (``x-fc-log-result``)."""
        return base64.b64encode(self.log_text.encode("utf-8")[-TAIL_BYTES:]).decode()


@dataclass(frozen=True)
class Launch:
    """How an instance of a function starts: the interpreter, whether it sees the host's site-packages,
    the ``sys.path`` entries before the interpreter's own (the code directory among them)."""

    python: str
    site: bool
    path: tuple[Path, ...]


@dataclass
class Delivery:
    """One VOD event handed to one function through a trigger (MNSTopic, or EventBridge from a queue)."""

    function: str
    trigger: str
    event_type: str
    attempts: int
    invocation: Invocation


class FunctionRuntime:
    """Runs the functions of one template in instance processes. Thread-safe; see the module docstring."""

    def __init__(
        self,
        template: Template,
        *,
        issue_credentials: Callable[[Policy | None], Credentials] | None = None,
        account_id: str = "1234567890123456",
        region: str = "cn-shanghai",
        vod_endpoint: str | Callable[[], str | None] | None = None,
        time_limit: Callable[[Function], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        log_sink: Callable[[str], None] | None = None,
        mns_max_attempts: int = 3,
        settings: RuntimeSettings | None = None,
    ):
        self.template = template
        self.account_id = account_id
        self.region = region
        # A URL, or a callable giving it (the FC component starts its internal server on first use).
        self.vod_endpoint = vod_endpoint
        self.time_limit = time_limit or (lambda fn: float(fn.timeout))
        self.init_time_limit: Callable[[Function], float] = lambda fn: float(fn.initialization_timeout)
        self.sleep = sleep
        self.clock = clock
        self.log_sink = log_sink
        self.settings = settings or RuntimeSettings.from_env()
        self._log_lock = threading.Lock()
        self.mns_max_attempts = mns_max_attempts
        self._issue_credentials = issue_credentials
        self._credentials: dict[str, tuple[Credentials, datetime]] = {}  # per service (its role)
        self._pools: dict[tuple[str, str], FunctionPool] = {}
        self._launches: dict[tuple[str, str], Launch] = {}
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future[Invocation]] = set()
        self._closed = False
        self.history: collections.deque[Invocation] = collections.deque(maxlen=200)
        self.deliveries: list[Delivery] = []

    # --- functions --------------------------------------------------------------------------------

    def function(self, name: str, service: str | None = None) -> Function | None:
        if service is not None:
            return self.template.function(service, name)
        return self.template.find(name)

    def functions(self) -> list[Function]:
        return list(self.template.functions())

    def pool(self, function: Function) -> FunctionPool:
        """The function's instances (created on first use)."""
        key = (function.service, function.name)
        with self._lock:
            found = self._pools.get(key)
            if found is None:
                settings = self.settings
                found = FunctionPool(
                    function.name,
                    lambda pool: self._start_instance(function, pool),
                    cap=settings.max_instances,
                    concurrency=function.instance_concurrency,
                    queue_size=settings.queue_size,
                    queue_wait=settings.queue_wait,
                    keep_alive=settings.keep_alive,
                )
                self._pools[key] = found
                supervisor().register(found)
            return found

    def instances(self) -> dict[str, Any]:
        """What runs now, per function (``GET /_vodfc/fc/instances``)."""
        with self._lock:
            pools = dict(self._pools)
        return {f"{service}/{name}": pool.snapshot() for (service, name), pool in sorted(pools.items())}

    def reset(self) -> None:
        """Cold start everything: stop every instance, forget cached credentials and the logs."""
        with self._lock:
            self._credentials = {}
            self.history.clear()
            self.deliveries = []
        self.stop_instances()

    def stop_instances(self) -> None:
        """Stop every instance (running invocations fail): the next invocations start cold."""
        with self._lock:
            pools = list(self._pools.values())
            self._launches.clear()  # a build may have changed: its overlay is worked out again
        for pool in pools:
            pool.clear()

    def close(self) -> None:
        """Stop every instance and refuse further invocations."""
        with self._lock:
            self._closed = True
            pools = list(self._pools.values())
        for pool in pools:
            pool.clear(close=True)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    # --- what an instance is given ----------------------------------------------------------------

    def role(self, function: Function) -> tuple[str, Policy | None]:
        """The role ``function``'s instances act with, and what it allows: on FC 2.0 its service's (one
        per service: its Policies), on FC 3.0 its own (the policy of its ``role``, when known)."""
        if function.service:
            return f"service/{function.service}", self.template.services[function.service].policy
        return f"function/{function.name}", function.policy

    def credentials(self, function: Function) -> Credentials:
        """The STS credentials of ``function``'s role (re-issued before they expire, as FC refreshes
        them); what they allow is the issuer's business (the FC component: the role's policy)."""
        key, policy = self.role(function)
        with self._lock:
            now = self.clock()
            cached = self._credentials.get(key)
            if cached is None or cached[1] - now < timedelta(minutes=5):
                if self._issue_credentials is None:
                    creds = Credentials("local-access-key-id", "local-access-key-secret", "")
                else:
                    creds = self._issue_credentials(policy)
                cached = self._credentials[key] = (creds, now + STS_LIFETIME)
            return cached[0]

    def endpoint(self) -> str | None:
        """Where the instances' own VOD (and OSS, FC) calls go: their ``VOD_ENDPOINT``."""
        endpoint = self.vod_endpoint
        return endpoint() if callable(endpoint) else endpoint

    def refreshed(self, function: Function) -> dict[str, str | None]:
        """The variables FC refreshes during an instance's life (credentials, endpoint), as now."""
        creds = self.credentials(function)
        values = (creds.access_key_id, creds.access_key_secret, creds.security_token)
        env: dict[str, str | None] = {}
        for name, legacy, at in CREDENTIAL_VARIABLES:
            env[name] = env[legacy] = values[at]
        env["VOD_ENDPOINT"] = self.endpoint()
        # The function's own EnvironmentVariables win (as in FC, they are applied last).
        for name in list(env):
            if name in function.environment:
                env[name] = function.environment[name]
        return env

    def environment(self, function: Function, instance: Instance) -> dict[str, str]:
        """An instance's whole environment: a few host variables, FC's, then the function's own."""
        env: dict[str, str | None] = dict(host_environment())
        env.update(
            {
                "FC_FUNC_CODE_PATH": str(function.code_dir),
                "FC_FUNCTION_MEMORY_SIZE": str(function.memory_size),
                # The runtimes' exact version strings are not documented; the runtime id stands in.
                "FC_RUNTIME_VERSION": function.runtime,
                "FC_ACCOUNT_ID": self.account_id,
                "FC_FUNCTION_HANDLER": function.handler,
                "FC_FUNCTION_NAME": function.name,
                "FC_SERVICE_NAME": function.service,
                "FC_QUALIFIER": "LATEST",
                "FC_VER_ID": "",
                "FC_REGION": self.region,
                "FC_INSTANCE_ID": instance.instance_id,
                # With a private /tmp the instance's folder is /tmp itself.
                "TMPDIR": "/tmp" if instance.private_tmp else instance.worker.folder,
            }
        )
        env.update(self.refreshed(function))
        env.update(function.environment)
        return {name: value for name, value in env.items() if value is not None}

    def launch(self, function: Function) -> Launch:
        """Which interpreter an instance of ``function`` runs and what goes on its ``sys.path``: the code's
        own entries, and for a build run as deployed, FC's Python or this one with an ABI overlay
        (``vodfc.emulator.fc.abi``); raises ``InstanceStartError`` when the build cannot run here."""
        key = (function.service, function.name)
        with self._lock:
            found = self._launches.get(key)
        if found is not None:
            return found
        code = function.location
        if not code.built:
            found = Launch(sys.executable, True, code.path)
        else:
            try:
                interpreter = abi.fc_python() or abi.host()
                extra = abi.overlay(code.dir, interpreter, cache_dir())
            except abi.AbiError as exc:
                raise InstanceStartError(str(exc)) from None
            found = Launch(interpreter.executable, False, (*extra, *code.path))
        with self._lock:
            self._launches[key] = found
        return found

    def _start_instance(self, function: Function, pool: FunctionPool) -> Instance:
        mode = self.settings.private_tmp
        launch = self.launch(function)
        worker = supervisor().take(mode, python=launch.python, site=launch.site)
        if mode == "on" and not worker.private_tmp:
            worker.kill()
            raise InstanceStartError(
                f"VODFC_FC_PRIVATE_TMP=on but no private /tmp here: {worker.tmp_problem}"
            )
        instance = Instance(
            worker,
            function.name,
            function.instance_concurrency,
            on_output=self._stray_line,
            on_lost=pool.lost,
        )
        env = self.environment(function, instance)
        instance.env_sent = {name: env.get(name) for name in self.refreshed(function)}
        service = self.template.services.get(function.service)
        meta = {
            "name": function.name,
            "runtime": function.runtime,
            "handler": function.handler,
            "memory": function.memory_size,
            "timeout": function.timeout,
            "initializer": function.initializer,
            "initialization_timeout": function.initialization_timeout,
            "service": function.service,
            "log_project": service.log_project if service else "",
            "log_store": service.log_store if service else "",
            "region": self.region,
            "account_id": self.account_id,
        }
        try:
            instance.send(
                {
                    "op": "assign",
                    "function": meta,
                    "concurrency": function.instance_concurrency,
                    "env": env,
                    "sys_path": [str(entry) for entry in launch.path],
                    "code_dir": str(function.code_dir),
                }
            )
        except OSError as exc:
            instance.kill()
            raise InstanceStartError(f"the instance process went away: {exc}") from exc
        return instance

    def _stray_line(self, instance: Instance, line: str) -> None:
        if self.log_sink is not None:
            with self._log_lock:
                self.log_sink(f"[{instance.function} {instance.instance_id[:8]}] {line}")

    # --- running ----------------------------------------------------------------------------------

    def invoke(
        self,
        name: str,
        event: bytes | str | Mapping[str, Any] | None = b"",
        *,
        service: str | None = None,
        request_id: str | None = None,
        kind: str = "event",
        retry_count: int = 0,
    ) -> Invocation:
        """Invoke a function synchronously with ``event`` (bytes; str and dicts are encoded).

        Raises ``Throttled`` when the function's instances are all busy and its queue is full (or
        the wait too long), ``LookupError`` for an unknown function.
        """
        function = self._require(name, service)
        return self._run(function, kind, request_id, retry_count, event_bytes(event))

    def invoke_http(
        self,
        name: str,
        environ: Mapping[str, Any],
        *,
        service: str | None = None,
        request_id: str | None = None,
    ) -> Invocation:
        """Call an HTTP function's WSGI handler with ``environ`` (from ``wsgi_environ``); the instance
        adds ``fc.context``, its own environment and fresh ``wsgi.*`` objects. FC 2.0 only: an FC 3.0
        HTTP trigger hands the event handler a JSON description of the request instead."""
        function = self._require(name, service)
        if function.fc_version != 2:
            raise LookupError(
                f"{function.name} is an FC 3.0 function: its HTTP trigger calls index.handler with an FC 3.0 "
                "HTTP event (invoke it with one), not a WSGI environ"
            )
        stream = environ.get("wsgi.input")
        body = stream.read() if stream is not None else b""
        variables = {key: value for key, value in environ.items() if isinstance(value, str)}
        return self._run(function, "http", request_id, 0, body, http={"environ": variables})

    def invoke_async(self, name: str, event: Any = b"", *, service: str | None = None) -> str:
        """Queue an invocation (FC's async invoke); returns its request id at once. A function error
        is retried up to the function's ``async_retries`` times, with that request id and
        ``context.retry_count`` counting, ``settings.async_retry_delay`` apart (doubling)."""
        function = self._require(name, service)
        request_id = new_request_id()
        payload = event_bytes(event)
        future = self._pool_executor().submit(self._run_async, function, request_id, payload)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return request_id

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for queued async invocations; False if some are still running after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            for future in pending:
                try:
                    future.result(timeout=max(0.0, left))
                except Exception:
                    pass

    def _run_async(self, function: Function, request_id: str, payload: bytes) -> Invocation:
        attempt = 0
        while True:
            result = self._run(function, "async", request_id, attempt, payload, bounded=False)
            if result.error is None or attempt >= function.async_retries or self._closed:
                return result
            self.sleep(self.settings.async_retry_delay * 2**attempt)
            attempt += 1

    def _forget(self, future: Future[Invocation]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _pool_executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="vodfc-fc-async")
            return self._executor

    def _require(self, name: str, service: str | None) -> Function:
        function = self.function(name, service)
        if function is None:
            raise LookupError(name)
        return function

    def _run(
        self,
        function: Function,
        kind: str,
        request_id: str | None,
        retry_count: int,
        body: bytes,
        *,
        http: dict[str, Any] | None = None,
        bounded: bool = True,
    ) -> Invocation:
        if self._closed:
            raise Throttled("the runtime was closed")
        request_id = request_id or new_request_id()
        pool = self.pool(function)
        try:
            instance, cold = pool.acquire(bounded=bounded)
        except InstanceStartError as exc:
            result = Invocation(
                function.name, request_id, kind=kind, cold_start=True, started_at=self.clock()
            )
            result.error = InvocationFailed(str(exc), "InstanceStartError").payload
            result.log_lines += [
                f"FC Invoke Start RequestId: {request_id}",
                f"FC Invoke End RequestId: {request_id}{UNHANDLED}",
            ]
            return self._finish(result, function)
        result = Invocation(function.name, request_id, cold_start=cold, kind=kind, started_at=self.clock())
        started = time.monotonic()
        discard = True
        try:
            discard = self._execute(function, instance, result, retry_count, body, http)
        finally:
            result.duration_ms = (time.monotonic() - started) * 1000
            pool.release(instance, discard=discard)
        return self._finish(result, function)

    def _execute(
        self,
        function: Function,
        instance: Instance,
        result: Invocation,
        retry_count: int,
        body: bytes,
        http: dict[str, Any] | None,
    ) -> bool:
        """Run the initializer if due, then the handler; fills ``result``. True: discard the instance."""
        rid = result.request_id
        lines = result.log_lines
        creds = self.credentials(function)
        call: dict[str, Any] = {
            "id": rid,
            "credentials": [creds.access_key_id, creds.access_key_secret, creds.security_token],
            "retry_count": retry_count,
        }
        if function.initializer is not None and not instance.initialized:
            with instance.init_lock:
                if not instance.initialized:
                    # FC calls the initializer on its own, before the first invocation of an instance.
                    lines.append(f"FC Initialize Start RequestId: {rid}")
                    reply = self._call(instance, function, {"op": "init", **call}, b"", result, init=True)
                    if reply is None or "error" in reply.header:
                        lines.append(f"FC Initialize End RequestId: {rid}{UNHANDLED}")
                        if reply is not None:
                            result.error = reply.header["error"]
                        # A failed initializer: the next call starts a new instance and runs it again.
                        return True
                    lines.append(f"FC Initialize End RequestId: {rid}")
                    instance.initialized = True
        lines.append(f"FC Invoke Start RequestId: {rid}")
        header: dict[str, Any] = {"op": "invoke", "kind": "http" if http is not None else "event", **call}
        if http is not None:
            header["http"] = http
        reply = self._call(instance, function, header, body, result, init=False)
        if reply is not None:
            if "error" in reply.header:
                result.error = reply.header["error"]
            elif http is not None:
                result.status = int(reply.header["status"])
                result.headers = [(str(k), str(v)) for k, v in reply.header["headers"]]
                result.body = reply.body
            else:
                result.body = reply.body
        lines.append(f"FC Invoke End RequestId: {rid}{UNHANDLED if result.error is not None else ''}")
        return reply is None

    def _call(
        self,
        instance: Instance,
        function: Function,
        header: dict[str, Any],
        body: bytes,
        result: Invocation,
        *,
        init: bool,
    ) -> Reply | None:
        """One call to the instance under its time limit; None when the instance must go (the error
        is in ``result``)."""
        env = {k: v for k, v in self.refreshed(function).items() if instance.env_sent.get(k, "") != v}
        if env:
            header["env"] = env
        limit = self.init_time_limit(function) if init else self.time_limit(function)
        try:
            reply = instance.call(header, body, limit)
        except CallTimedOut as exc:
            result.log_lines += exc.lines
            # FC stops the instance that ran over (and everything it runs); the next call starts cold.
            if init:
                result.error = InvocationFailed(
                    f"Function initialization timed out after {function.initialization_timeout} seconds",
                    "FunctionInitializationTimeoutError",
                ).payload
            else:
                result.error = InvocationFailed(
                    f"Function timed out after {function.timeout} seconds", "FunctionTimeoutError"
                ).payload
            return None
        except InstanceLost as exc:
            result.log_lines += exc.lines
            result.error = InvocationFailed(str(exc), "ProcessExitedUnexpectedly").payload
            return None
        instance.env_sent.update(env)
        result.log_lines += reply.lines
        result.memory_mb = max(result.memory_mb, int(reply.header.get("memory_mb", 0)))
        return reply

    def _finish(self, result: Invocation, function: Function) -> Invocation:
        with self._lock:
            self.history.append(result)
        if self.log_sink is not None:
            # One invocation's block at a time: concurrent invocations must not interleave their lines.
            with self._log_lock:
                for line in result.log_lines:
                    self.log_sink(line)
                self.log_sink(
                    f"RequestId: {result.request_id}  Duration: {result.duration_ms:.2f} ms  "
                    f"Memory Size: {function.memory_size} MB  Max Memory Used: {result.memory_mb} MB  "
                    f"({function.name}, {result.kind}{', cold start' if result.cold_start else ''})"
                )
                if result.error is not None:
                    error = result.error
                    self.log_sink(f"  {function.name} failed: {error['errorType']}: {error['errorMessage']}")
        return result

    # --- triggers ---------------------------------------------------------------------------------

    def fire_timer(self, name: str, trigger: str | None = None, *, service: str | None = None) -> Invocation:
        """Run a function's timer trigger now, with FC's timer event."""
        function = self._require(name, service)
        timers = function.triggers_of("Timer")
        chosen = [t for t in timers if trigger is None or t.name == trigger]
        if not chosen:
            what = f"Timer trigger named {trigger!r}" if trigger else "Timer trigger"
            raise LookupError(f"function {function.name!r} has no {what}")
        event = timer_event(chosen[0], self.clock())
        return self.invoke(function.name, event, service=function.service, kind="timer")

    def mns_subscribers(
        self, event_type: str, topic: str = VOD_EVENTS_TOPIC
    ) -> list[tuple[Function, Trigger]]:
        found = []
        for function in self.functions():
            for trigger in function.triggers_of("MNSTopic"):
                if trigger.properties.get("TopicName") != topic:
                    continue
                tag = trigger.properties.get("FilterTag")
                if tag and tag != event_type:
                    continue
                found.append((function, trigger))
        return found

    def deliver_event(self, event: Mapping[str, Any], topic: str = VOD_EVENTS_TOPIC) -> list[Delivery]:
        """Publish a VOD event to ``topic``: every subscribed function gets it, retried as MNS does
        (a throttled attempt counts as a failed one)."""
        event_type = str(event.get("EventType", ""))
        body = encode(event).decode("utf-8")
        results = []
        for function, trigger in self.mns_subscribers(event_type, topic):
            payload = mns_topic_event(trigger, body, event_type, self.account_id, self.clock())
            strategy = str(trigger.properties.get("NotifyStrategy", "BACKOFF_RETRY"))
            results.append(
                self.deliver(function, trigger, payload, event_type, kind="mns", strategy=strategy)
            )
        return results

    def deliver(
        self,
        function: Function,
        trigger: Trigger,
        payload: bytes,
        event_type: str,
        *,
        kind: str,
        strategy: str,
    ) -> Delivery:
        """Invoke ``function`` with what ``trigger`` hands it, retried with ``strategy`` (BACKOFF_RETRY or
        EXPONENTIAL_DECAY_RETRY, as MNS and EventBridge retry) up to ``mns_max_attempts``; a throttled
        attempt counts as a failed one. The delivery is recorded in ``deliveries``."""
        attempts = 0
        while True:
            attempts += 1
            try:
                invocation = self.invoke(
                    function.name, payload, service=function.service, kind=kind, retry_count=attempts - 1
                )
            except Throttled as exc:
                invocation = Invocation(function.name, new_request_id(), kind=kind, started_at=self.clock())
                invocation.error = InvocationFailed(str(exc), Throttled.code).payload
            if invocation.ok or attempts >= self.mns_max_attempts or self._closed:
                break
            self.sleep(_mns_backoff(strategy, attempts))
        delivery = Delivery(function.name, trigger.name, event_type, attempts, invocation)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery


def _mns_backoff(strategy: str, attempt: int) -> float:
    if strategy == "EXPONENTIAL_DECAY_RETRY":
        return float(min(2**attempt, 512))
    return random.uniform(10, 20)


# --- helpers ----------------------------------------------------------------------------------------


def new_request_id() -> str:
    return str(uuid.uuid4())


def event_bytes(event: Any) -> bytes:
    """An event as the bytes an instance receives: bytes as they are, text in UTF-8, anything else as JSON."""
    if event is None:
        return b""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode("utf-8")
    if isinstance(event, (bytearray, memoryview)):
        return bytes(event)
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def wsgi_environ(
    *,
    method: str,
    path_info: str,
    query_string: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    request_uri: str,
    client_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """FC 2.0's environ for an HTTP-trigger call (the runtime adds ``fc.context`` and ``os.environ``)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "PATH_INFO": path_info,
        "QUERY_STRING": query_string,
        "fc.request_uri": request_uri,
        "REMOTE_ADDR": client_ip,
        "CONTENT_TYPE": "application/octet-stream",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "FCRUNTIME",
        "SERVER_PORT": "9000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "FCRUNTIME/1.0",
        "SCRIPT_NAME": "",
        "HTTP": "on",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        merged.setdefault(name.lower(), []).append(value)
    for name, values in merged.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = ",".join(values)
        elif name != "content-length":
            environ["HTTP_" + name.upper().replace("-", "_")] = ",".join(values)
    return environ
