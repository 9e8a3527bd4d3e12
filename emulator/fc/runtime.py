"""The local FC runtime: functions from template.yml run in-process, warm, with FC's context and limits.

One ``Instance`` per function (FC gives each function its own instances): the handler's module is
imported once under a name of its own, the ``Initializer`` runs once before the first invocation, and
module globals survive between invocations. A timed-out instance is thrown away (FC kills it), so the
next invocation starts cold.

While a handler runs, the process environment carries what FC sets (``FC_*`` allow-list,
``ALIBABA_CLOUD_*`` STS credentials and their legacy names, the function's ``EnvironmentVariables``,
``VOD_ENDPOINT`` when the emulator is served over HTTP, and ``TMPDIR``: each instance's own scratch
directory, as FC's ``/tmp`` belongs to one instance). ``os.environ`` is process-wide, so
invocations run one at a time (a nested invocation — a handler invoking another function in-process —
runs inside its caller's turn). The handler itself runs in a worker thread so ``Timeout`` can be
enforced; Python cannot kill a thread, so a timed-out handler keeps running in the background, with the
environment already restored.
"""

from __future__ import annotations

import base64
import collections
import io
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from vodfc.emulator.events.wire import VOD_EVENTS_TOPIC, encode, mns_topic_event, timer_event
from vodfc.emulator.fc.context import Credentials, FCContext, FunctionMeta, ServiceMeta
from vodfc.emulator.fc.loader import ImportModuleError, load_module, resolve
from vodfc.emulator.fc.template import Function, Template, Trigger
from vodfc.shared.fc.logs import FC_DATE_FORMAT

log = logging.getLogger("vodfc.fc")

TAIL_BYTES = 4096
STS_LIFETIME = timedelta(hours=36)

_env_lock = threading.RLock()
_local = threading.local()


class InvocationFailed(Exception):
    """An error FC reports about an invocation (not an API error): ``payload`` is FC's error body."""

    def __init__(self, message: str, error_type: str, stack: list[list[Any]] | None = None):
        super().__init__(message)
        self.payload = {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


@dataclass
class Invocation:
    """What one invocation gave: the body, or FC's error; the log lines; timings."""

    function: str
    request_id: str
    body: bytes = b""
    error: dict[str, Any] | None = None
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    duration_ms: float = 0.0
    cold_start: bool = False
    kind: str = "event"  # event | http | timer | mns | async

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


@dataclass
class Delivery:
    """One VOD event handed to one function through its MNSTopic trigger."""

    function: str
    trigger: str
    event_type: str
    attempts: int
    invocation: Invocation


class Instance:
    """A warm instance of one function: its module, its handler, whether the initializer ran."""

    def __init__(self, function: Function, generation: int):
        self.function = function
        self.module_name, _, self.func_name = function.handler.rpartition(".")
        tag = "".join(c if c.isalnum() else "_" for c in f"{function.service}__{function.name}")
        self.unique_name = (
            f"vodfc_fc_{tag}_{generation}__{self.module_name.replace('.', '_').replace('/', '_')}"
        )
        self.module: ModuleType | None = None
        self.handler: Callable[..., Any] | None = None
        self.initialized = function.initializer is None
        self.instance_id = uuid.uuid4().hex[:16]
        self.invocations = 0
        self._tmp: str | None = None

    @property
    def tmp_dir(self) -> str:
        """This instance's own scratch directory, its ``TMPDIR``.

        FC gives each instance an empty ``/tmp`` that goes away with it; in one host process the
        functions would otherwise share (and keep, run after run) the host's ``/tmp``.
        """
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix=f"vodfc-fc-{self.instance_id}-")
            # Also gone when the emulator exits without discarding its instances.
            weakref.finalize(self, shutil.rmtree, self._tmp, True)
        return self._tmp

    def load(self) -> Callable[..., Any]:
        if self.handler is None:
            self.module = load_module(self.function.code_dir, self.module_name, self.unique_name)
            self.handler = resolve(self.module, self.module_name, self.func_name)  # type: ignore[assignment]
        return self.handler  # type: ignore[return-value]

    def initializer(self) -> Callable[..., Any]:
        spec = self.function.initializer
        assert spec is not None
        module_name, _, func = spec.rpartition(".")
        if module_name == self.module_name:
            self.load()
            assert self.module is not None
            return resolve(self.module, module_name, func)  # type: ignore[return-value]
        module = load_module(self.function.code_dir, module_name, f"{self.unique_name}__init_{module_name}")
        return resolve(module, module_name, func)  # type: ignore[return-value]

    def discard(self) -> None:
        if self.module is not None:
            sys.modules.pop(self.unique_name, None)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


class _ThreadStdout(io.TextIOBase):
    """``sys.stdout`` while handlers run: a handler's ``print`` goes to its invocation's log, verbatim
    (FC sends a function's stdout to its logs); every other thread writes to the real stdout."""

    def __init__(self, real: Any):
        super().__init__()
        self.real = real
        self.sinks: dict[int, _Capture] = {}
        self.pending: dict[int, str] = {}

    def write(self, text: str) -> int:
        ident = threading.get_ident()
        capture = self.sinks.get(ident)
        if capture is None:
            return int(self.real.write(text))
        buffered = self.pending.get(ident, "") + text
        *complete, rest = buffered.split("\n")
        capture.lines.extend(complete)
        self.pending[ident] = rest
        return len(text)

    def flush(self) -> None:
        self.real.flush()

    def finish(self, ident: int | None) -> None:
        if ident is None:
            return
        capture = self.sinks.pop(ident, None)
        rest = self.pending.pop(ident, "")
        if capture is not None and rest:
            capture.lines.append(rest)

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.real, "encoding", "utf-8"))


_stdout_lock = threading.Lock()


def _route_stdout(capture: _Capture, ident: int) -> None:
    with _stdout_lock:
        current = sys.stdout
        if not isinstance(current, _ThreadStdout):
            current = _ThreadStdout(current)
            sys.stdout = current
        current.sinks[ident] = capture


def _unroute_stdout(ident: int | None) -> None:
    with _stdout_lock:
        current = sys.stdout
        if not isinstance(current, _ThreadStdout):
            return
        current.finish(ident)
        if not current.sinks:
            sys.stdout = current.real


class _Capture(logging.Handler):
    """Collects the log records of the worker thread it is installed for, in FC's line format."""

    def __init__(self, request_id: str):
        super().__init__(logging.DEBUG)
        self.request_id = request_id
        self.lines: list[str] = []
        self.thread_id: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread_id:
            return
        try:
            when = datetime.fromtimestamp(record.created, timezone.utc).strftime(FC_DATE_FORMAT)
            # shared.fc.logs stamps records with its own request id ("-" outside its handlers).
            rid = getattr(record, "fc_request_id", None)
            rid = rid if rid and rid != "-" else self.request_id
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            self.lines.append(f"{when}.{int(record.msecs):03d}Z {rid} [{record.levelname}] {text}")
        except Exception:  # a broken record must not break the invocation
            pass


class FunctionRuntime:
    """Runs the functions of one template. Thread-safe; see the module docstring."""

    def __init__(
        self,
        template: Template,
        *,
        issue_credentials: Callable[[], Credentials] | None = None,
        account_id: str = "1234567890123456",
        region: str = "cn-shanghai",
        vod_endpoint: str | None = None,
        time_limit: Callable[[Function], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        log_sink: Callable[[str], None] | None = None,
        mns_max_attempts: int = 3,
    ):
        self.template = template
        self.account_id = account_id
        self.region = region
        self.vod_endpoint = vod_endpoint
        self.time_limit = time_limit or (lambda fn: float(fn.timeout))
        self.init_time_limit: Callable[[Function], float] = lambda fn: float(fn.initialization_timeout)
        self.sleep = sleep
        self.clock = clock
        self.log_sink = log_sink
        self._log_lock = threading.Lock()
        self.mns_max_attempts = mns_max_attempts
        self._issue_credentials = issue_credentials
        self._credentials: tuple[Credentials, datetime] | None = None
        self._instances: dict[tuple[str, str], Instance] = {}
        self._generation = 0
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future[Invocation]] = set()
        self.history: collections.deque[Invocation] = collections.deque(maxlen=200)
        self.deliveries: list[Delivery] = []

    # --- functions --------------------------------------------------------------------------------

    def function(self, name: str, service: str | None = None) -> Function | None:
        if service is not None:
            return self.template.function(service, name)
        return self.template.find(name)

    def functions(self) -> list[Function]:
        return list(self.template.functions())

    def instance(self, function: Function) -> tuple[Instance, bool]:
        key = (function.service, function.name)
        with self._lock:
            found = self._instances.get(key)
            if found is not None:
                return found, False
            self._generation += 1
            created = Instance(function, self._generation)
            self._instances[key] = created
            return created, True

    def discard(self, function: Function) -> None:
        with self._lock:
            instance = self._instances.pop((function.service, function.name), None)
        if instance is not None:
            instance.discard()

    def reset(self) -> None:
        """Cold start everything: forget instances, cached credentials and the logs."""
        with self._lock:
            instances, self._instances = list(self._instances.values()), {}
            self._credentials = None
            self.history.clear()
            self.deliveries = []
        for instance in instances:
            instance.discard()

    # --- context and environment ------------------------------------------------------------------

    def credentials(self) -> Credentials:
        """The service role's STS credentials (re-issued before they expire, as FC refreshes them)."""
        with self._lock:
            now = self.clock()
            if self._credentials is None or self._credentials[1] - now < timedelta(minutes=5):
                if self._issue_credentials is None:
                    creds = Credentials("local-access-key-id", "local-access-key-secret", "")
                else:
                    creds = self._issue_credentials()
                self._credentials = (creds, now + STS_LIFETIME)
            return self._credentials[0]

    def context(self, function: Function, request_id: str, retry_count: int = 0) -> FCContext:
        service = self.template.services.get(function.service)
        return FCContext(
            request_id=request_id,
            credentials=self.credentials(),
            function=FunctionMeta(
                function.name,
                function.handler,
                function.memory_size,
                function.timeout,
                function.initializer,
                function.initialization_timeout,
            ),
            service=ServiceMeta(
                function.service,
                service.log_project if service else "",
                service.log_store if service else "",
            ),
            region=self.region,
            account_id=self.account_id,
            retry_count=retry_count,
        )

    def environment(
        self, function: Function, context: FCContext, instance: Instance
    ) -> dict[str, str | None]:
        """What FC puts in the environment; None removes a variable (the host's own VOD_ENDPOINT)."""
        creds = context.credentials
        env: dict[str, str | None] = {
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
            "TMPDIR": instance.tmp_dir,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": creds.access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": creds.access_key_secret,
            "ALIBABA_CLOUD_SECURITY_TOKEN": creds.security_token,
            "accessKeyID": creds.access_key_id,
            "accessKeySecret": creds.access_key_secret,
            "securityToken": creds.security_token,
        }
        # In-process the functions call the real VOD host, which mock_vod answers.
        env["VOD_ENDPOINT"] = self.vod_endpoint or None
        env.update(function.environment)
        return env

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
        """Invoke a function synchronously with ``event`` (bytes; str and dicts are encoded)."""
        function = self._require(name, service)
        payload = _event_bytes(event)
        return self._run(function, kind, request_id, retry_count, lambda handler, ctx: handler(payload, ctx))

    def invoke_http(
        self,
        name: str,
        environ: dict[str, Any],
        *,
        service: str | None = None,
        request_id: str | None = None,
    ) -> Invocation:
        """Call an HTTP function's WSGI handler with ``environ`` (``fc.context`` is added)."""
        function = self._require(name, service)

        def call(handler: Callable[..., Any], ctx: FCContext) -> tuple[int, list[tuple[str, str]], bytes]:
            environ["fc.context"] = ctx
            environ["HTTP_X_FC_FUNCTION_HANDLER"] = function.handler
            for key, value in os.environ.items():
                environ.setdefault(key, value)
            captured: dict[str, Any] = {}
            chunks: list[bytes] = []

            def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status, list(headers)
                return chunks.append

            result = handler(environ, start_response)
            try:
                for chunk in result:
                    chunks.append(chunk if isinstance(chunk, bytes) else str(chunk).encode())
            finally:
                if hasattr(result, "close"):
                    result.close()
            if "status" not in captured:
                raise InvocationFailed("the WSGI handler never called start_response", "InvalidHttpResponse")
            status = int(str(captured["status"]).split(" ", 1)[0])
            return status, captured["headers"], b"".join(chunks)

        return self._run(function, "http", request_id, 0, call)

    def invoke_async(self, name: str, event: Any = b"", *, service: str | None = None) -> str:
        """Queue an invocation (FC's async invoke); returns its request id at once."""
        function = self._require(name, service)
        request_id = new_request_id()
        future = self._pool().submit(
            self.invoke, function.name, event, service=function.service, request_id=request_id, kind="async"
        )
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

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _forget(self, future: Future[Invocation]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _pool(self) -> ThreadPoolExecutor:
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
        call: Callable[[Callable[..., Any], FCContext], Any],
    ) -> Invocation:
        request_id = request_id or new_request_id()
        instance, cold = self.instance(function)
        ctx = self.context(function, request_id, retry_count)
        result = Invocation(function.name, request_id, cold_start=cold, kind=kind)
        capture = _Capture(request_id)
        limit = self.time_limit(function)
        outcome: dict[str, Any] = {}
        initialized = threading.Event()
        done = threading.Event()
        lines = capture.lines

        def worker() -> None:
            _local.inside = True
            capture.thread_id = threading.get_ident()
            _route_stdout(capture, capture.thread_id)
            try:
                handler = instance.load()
                if not instance.initialized:
                    # FC calls the initializer on its own, before the first invocation of an instance.
                    lines.append(f"FC Initialize Start RequestId: {request_id}")
                    init = instance.initializer()
                    init(ctx)
                    instance.initialized = True
                    lines.append(f"FC Initialize End RequestId: {request_id}")
                initialized.set()
                lines.append(f"FC Invoke Start RequestId: {request_id}")
                outcome["value"] = call(handler, ctx)
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                _unroute_stdout(capture.thread_id)
                initialized.set()
                done.set()

        nested = getattr(_local, "inside", False)
        if not nested and not _env_lock.acquire(timeout=max(limit, 1.0)):
            result.error = InvocationFailed(
                "the local runtime is busy: another invocation holds the process environment",
                "ResourceThrottled",
            ).payload
            return self._finish(result, function)
        saved = _apply_env(self.environment(function, ctx, instance))
        root = logging.getLogger()
        root.addHandler(capture)
        # FC's runtime sets the root logger to INFO (FC_SERVER_LOG_LEVEL); Python's default would drop it.
        root_level = root.level
        if root_level > logging.INFO or root_level == logging.NOTSET:
            root.setLevel(logging.INFO)
        started = time.monotonic()
        init_failed = False
        try:
            thread = threading.Thread(target=worker, name=f"vodfc-fc-{function.name}", daemon=True)
            thread.start()
            if not instance.initialized and not initialized.wait(self.init_time_limit(function)):
                init_failed = True
                finished = False
            else:
                finished = done.wait(limit)
        finally:
            result.duration_ms = (time.monotonic() - started) * 1000
            root.removeHandler(capture)
            if root.level == logging.INFO and root_level != logging.INFO:
                root.setLevel(root_level)
            _restore_env(saved)
            if not nested:
                _env_lock.release()
        result.log_lines[:0] = list(capture.lines)
        if not any(line.startswith("FC Invoke Start") for line in result.log_lines):
            result.log_lines.append(f"FC Invoke Start RequestId: {request_id}")
        instance.invocations += 1
        if init_failed:
            self.discard(function)
            result.error = InvocationFailed(
                f"Function initialization timed out after {function.initialization_timeout} seconds",
                "FunctionInitializationTimeoutError",
            ).payload
        elif not finished:
            # FC stops the instance that ran over; the next invocation is a cold start.
            self.discard(function)
            result.error = InvocationFailed(
                f"Function timed out after {function.timeout} seconds", "FunctionTimeoutError"
            ).payload
        elif "error" in outcome:
            result.error = _error_payload(outcome["error"])
        else:
            value = outcome["value"]
            if kind == "http":
                result.status, result.headers, result.body = value
            else:
                try:
                    result.body = encode_result(value)
                except (TypeError, ValueError) as exc:
                    result.error = InvocationFailed(
                        f"the handler's result is not JSON serializable: {exc}", "TypeError"
                    ).payload
        suffix = ", Error: Unhandled function error" if result.error is not None else ""
        self._line(result, f"FC Invoke End RequestId: {request_id}{suffix}")
        return self._finish(result, function)

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
                    f"Memory Size: {function.memory_size} MB  ({function.name}, {result.kind}"
                    f"{', cold start' if result.cold_start else ''})"
                )
                if result.error is not None:
                    error = result.error
                    self.log_sink(f"  {function.name} failed: {error['errorType']}: {error['errorMessage']}")
        return result

    def _line(self, result: Invocation, line: str) -> None:
        result.log_lines.append(line)

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
        """Publish a VOD event to ``topic``: every subscribed function gets it, retried as MNS does."""
        event_type = str(event.get("EventType", ""))
        body = encode(event).decode("utf-8")
        results = []
        for function, trigger in self.mns_subscribers(event_type, topic):
            payload = mns_topic_event(trigger, body, event_type, self.account_id, self.clock())
            attempts = 0
            strategy = trigger.properties.get("NotifyStrategy", "BACKOFF_RETRY")
            while True:
                attempts += 1
                invocation = self.invoke(
                    function.name, payload, service=function.service, kind="mns", retry_count=attempts - 1
                )
                if invocation.ok or attempts >= self.mns_max_attempts:
                    break
                self.sleep(_mns_backoff(strategy, attempts))
            delivery = Delivery(function.name, trigger.name, event_type, attempts, invocation)
            with self._lock:
                self.deliveries.append(delivery)
            results.append(delivery)
        return results


def _mns_backoff(strategy: str, attempt: int) -> float:
    if strategy == "EXPONENTIAL_DECAY_RETRY":
        return float(min(2**attempt, 512))
    return random.uniform(10, 20)


# --- helpers ----------------------------------------------------------------------------------------


def new_request_id() -> str:
    return str(uuid.uuid4())


def encode_result(value: Any) -> bytes:
    """What FC's Python runtime sends back for a handler's return value."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, indent=4, sort_keys=True, default=_json_default).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _event_bytes(event: Any) -> bytes:
    if event is None:
        return b""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode("utf-8")
    if isinstance(event, (bytearray, memoryview)):
        return bytes(event)
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def _error_payload(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, InvocationFailed):
        return exc.payload
    if isinstance(exc, ImportModuleError):
        return InvocationFailed(str(exc), exc.error_type).payload
    frames = traceback.extract_tb(exc.__traceback__)
    # Drop the runtime's own frames: FC's stack trace starts in user code.
    here = str(Path(__file__).resolve())
    user = [f for f in frames if str(Path(f.filename).resolve()) != here]
    stack = [[f.filename, f.lineno, f.name, f.line or ""] for f in user]
    return InvocationFailed(str(exc), type(exc).__name__, stack).payload


def _apply_env(values: Mapping[str, str | None]) -> dict[str, str | None]:
    saved: dict[str, str | None] = {}
    for key, value in values.items():
        saved[key] = os.environ.get(key)
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    return saved


def _restore_env(saved: Mapping[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


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
