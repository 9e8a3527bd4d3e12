"""``EventApp``: a function that reacts to VOD events, with an event face and an HTTP-callback face.

An event function registers one callable per event type::

    app = EventApp(
        "auto_tag",
        description="tags and categorises uploaded videos",
        config=ConfigSource("VODFC_AUTO_TAG_CONFIG", parse=Rules.from_dict),
        deploy=Deploy(timeout=30, config={"keyword_rules": []}),  # read by ``vodfc generate`` only
    )


    @app.on("FileUploadComplete")
    def tag(event: FileUploadComplete, run: Run) -> dict: ...


    handler = app.handler  # MNS topic / MNS queue (EventBridge) / timer / direct invoke
    http_handler = app.http_handler  # VOD HTTP callback (FC 2.0 WSGI), signature checked

What the two faces do with an outcome:

=====================================  ==============================  =================================
outcome                                event face (MNS, timer)         HTTP face (VOD callback)
=====================================  ==============================  =================================
done / nothing to do / ignored type    result JSON                     200 + result JSON
transient: throttled, 5xx, network,    **raises**: FC records a        503: VOD retries (3 attempts)
VOD refused our credentials,           failed invocation and the
:class:`RetryLater`                    trigger redelivers
not a VOD event                        result with Code InvalidEvent   400
bad or missing signature               (no signature on this path)     401/403, nothing processed
bug (unexpected exception)             raises (traceback logged)       500 InternalError
=====================================  ==============================  =================================

Unknown event types and types without a handler are acknowledged and logged, never an error: VOD adds
event types, and a subscription may deliver more than one function needs. Every handler must be idempotent,
because every path above may deliver an event more than once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import boundedjson
from .._record import Record
from ..errors import AuthFailed, ServerError, Throttled, TransportError
from ..fc import fc3
from ..fc.app import request_id_of
from ..fc.clients import ClientProvider, register_context_secrets
from ..fc.errors import ConfigurationError, HttpError, error_response
from ..fc.logs import current_request_id, register_secret, setup_logging
from ..fc.router import Request, status_line
from .parse import EventFormatError, parse_events
from .types import Delivery, TimerEvent, VodEvent, vod_event

if TYPE_CHECKING:
    from ..client import VodClient
    from ..fc.deploy import Deploy
    from .signature import CallbackVerifier, Verdict

logger = logging.getLogger("vodfc.events")

C = TypeVar("C")
Result = Mapping[str, Any]
StartResponse = Callable[..., Any]

ENV_AUTH_KEY = "VODFC_CALLBACK_AUTH_KEY"
ENV_CALLBACK_URL = "VODFC_CALLBACK_URL"
ENV_WINDOW = "VODFC_CALLBACK_WINDOW"
ENV_AUTH = "VODFC_CALLBACK_AUTH"  # "on" (default) or "off"

TRANSIENT = (Throttled, ServerError, TransportError, AuthFailed)

# In-function retries stay short: the trigger redelivers the whole event anyway (MNS BACKOFF_RETRY, VOD's
# callback retries), and shared's default (5 attempts, up to 10 s apart) could outlast a 30 s timeout.
EVENT_RETRY_ATTEMPTS = 3
EVENT_RETRY_MAX_DELAY = 2.0


def _event_client(context: Any) -> VodClient:
    from ..client import VodClient
    from ..retry import RetryPolicy

    retry = RetryPolicy(max_attempts=EVENT_RETRY_ATTEMPTS, base_delay=0.2, max_delay=EVENT_RETRY_MAX_DELAY)
    return VodClient.from_context(context, retry=retry)


class RetryLater(Exception):
    """Raised by a handler when the event cannot be handled *yet* (VOD has not caught up): redeliver it."""


class ConfigSource(Generic[C]):
    """A function's settings: JSON from an env var, else from a file, else the defaults of ``parse({})``.

    ``parse`` turns the JSON object into the function's typed configuration and raises ``ValueError`` with
    a clear message for bad settings; that becomes a 500 FunctionNotConfigured naming the source. The parsed
    value is cached until the text changes.
    """

    def __init__(
        self,
        env: str,
        parse: Callable[[Mapping[str, Any]], C],
        *,
        file: str | Path | None = None,
        file_env: str | None = None,
    ) -> None:
        self.env = env
        self.parse = parse
        self.file = Path(file) if file else None
        self.file_env = file_env or f"{env}_FILE"
        self._cache: tuple[str, C] | None = None
        self._lock = threading.Lock()

    def load(self, environ: Mapping[str, str] | None = None) -> C:
        env = os.environ if environ is None else environ
        text, where = env.get(self.env, "").strip(), self.env
        if not text:
            path = env.get(self.file_env) or (str(self.file) if self.file and self.file.exists() else "")
            if path:
                where = path
                try:
                    text = Path(path).read_text(encoding="utf-8")
                except OSError as exc:
                    raise ConfigurationError(f"Cannot read the configuration file {path}: {exc}.") from None
        text = text or "{}"
        with self._lock:
            if self._cache is not None and self._cache[0] == text:
                return self._cache[1]
        try:
            data = boundedjson.loads(text)
            if not isinstance(data, dict):
                raise ValueError("the configuration must be a JSON object")
            value = self.parse(data)
        except ValueError as exc:
            raise ConfigurationError(f"Bad configuration in {where}: {exc}.") from None
        with self._lock:
            self._cache = (text, value)
        return value


class Run(Record, Generic[C]):
    """What a handler gets besides its event: the VOD client, settings, FC context and clock."""

    __slots__ = ("app", "context", "config", "clock", "started", "_vod")
    _repr_hidden = ("_vod",)

    def __init__(
        self,
        app: EventApp[C],
        context: Any,
        config: C,
        clock: Callable[[], float],
        started: float,
        _vod: VodClient | None = None,
    ) -> None:
        self.app = app
        self.context = context
        self.config = config
        self.clock = clock
        self.started = started
        self._vod = _vod

    @property
    def vod(self) -> VodClient:
        """The instance's VodClient (built on first use from the context's credentials)."""
        if self._vod is None:
            self._vod = self.app.clients.get(self.context)
        return self._vod

    @property
    def request_id(self) -> str:
        return request_id_of(self.context)

    def remaining(self) -> float:
        """Seconds left before FC's timeout for this invocation (function.timeout, default 3 s)."""
        function = getattr(self.context, "function", None)
        timeout = float(getattr(function, "timeout", 0) or 3)
        return timeout - (self.clock() - self.started)


Handler = Callable[[Any, "Run[C]"], "Result | None"]


class EventReceiver:
    """What receives VOD events: the event face (``handler``) and VOD's HTTP-callback face (``http_handler``)
    around :meth:`receive`, which turns one parsed event into its reports.

    ``EventApp`` (one function's handlers) and ``EventRouter`` (every event function in one FC function,
    :mod:`shared.events.router`) are the two kinds; the outcome table in the module docstring holds for
    both.
    """

    def __init__(self, name: str, clock: Callable[[], float]) -> None:
        self.name = name
        self.clock = clock
        self._verifier: CallbackVerifier | None = None
        self._verifier_lock = threading.Lock()

    def receive(self, event: VodEvent | TimerEvent, context: Any) -> list[dict[str, Any]]:
        """The reports of one parsed event (raises transient failures, so the trigger redelivers it)."""
        raise NotImplementedError

    # --- event face -------------------------------------------------------------------------------------

    def handler(self, event: Any, context: Any) -> str | dict[str, Any]:
        """FC event handler: MNS topic (STREAM/JSON), MNS queue via EventBridge, timer, direct invoke.

        An FC 3.0 HTTP-trigger event is served by the HTTP face (the VOD callback path).
        """
        setup_logging()
        register_context_secrets(context)
        request_id = request_id_of(context)
        token = current_request_id.set(request_id)
        try:
            if isinstance(event, (bytes, bytearray, str)):
                try:
                    decoded: Any = boundedjson.loads(event) if event else None
                except ValueError:
                    decoded = None
                if isinstance(decoded, dict) and fc3.is_http_event(decoded):
                    return fc3.serve(decoded, context, self.http_handler)
            try:
                events = parse_events(event)
            except EventFormatError as exc:
                # Redelivering a malformed event cannot help: report it and acknowledge.
                logger.error("%s received an event it cannot read: %s", self.name, exc)
                return _dumps({"RequestId": request_id, "Code": "InvalidEvent", "Message": str(exc)})
            results: list[dict[str, Any]] = []
            for item in events:
                try:
                    results += self.receive(item, context)
                except (RetryLater, *TRANSIENT) as exc:
                    logger.warning("%s will be retried by the trigger: %s", self.name, exc)
                    raise
            return _dumps({"RequestId": request_id, "Results": results})
        finally:
            current_request_id.reset(token)

    # --- HTTP face (VOD callback) -----------------------------------------------------------------------

    def http_handler(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """FC 2.0 HTTP trigger (WSGI) receiving VOD's callback POST; checks X-VOD-SIGNATURE first."""
        # The signature checks are loaded by the first callback: the event face (MNS, EventBridge, timer)
        # never needs them, so they stay out of its cold start.
        from .signature import CallbackRejected

        setup_logging()
        context = environ.get("fc.context")
        register_context_secrets(context)
        request_id = request_id_of(context)
        token = current_request_id.set(request_id)
        status: int
        body: dict[str, Any]
        try:
            try:
                status, body = self._callback(Request.from_environ(environ), context, request_id)
            except CallbackRejected as exc:
                logger.warning("%s refused a callback: %s %s", self.name, exc.code, exc.message)
                status, body = exc.status, {"Code": exc.code, "Message": exc.message, "RequestId": request_id}
            except (RetryLater, *TRANSIENT) as exc:
                # Not 200: VOD tries twice more, one second apart.
                logger.warning("%s asks VOD to retry the callback: %s", self.name, exc)
                failure = error_response(exc, request_id)
                status, body = 503, {**failure.body, "Code": failure.body.get("Code", "RetryLater")}
                if isinstance(exc, RetryLater):
                    body.update(Code="RetryLater", Message=str(exc))
            except HttpError as exc:
                failure = error_response(exc, request_id)
                status, body = failure.status, failure.body
            except Exception as exc:
                logger.exception("%s failed unexpectedly", self.name)
                failure = error_response(exc, request_id)
                status, body = failure.status, failure.body
            payload = _dumps(body).encode("utf-8")
            start_response(
                status_line(status),
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        finally:
            current_request_id.reset(token)

    def _callback(self, request: Request, context: Any, request_id: str) -> tuple[int, dict[str, Any]]:
        if request.method != "POST":
            raise HttpError("VOD callbacks are POST requests.", code="MethodNotAllowed", status=405)
        verifier = self.verifier()
        verdict: Verdict | None = None
        if verifier is not None:
            verdict = verifier.verify(request.headers, request.body, _callback_url(request, verifier))
            if verdict.duplicate:
                logger.info("%s: duplicate callback (same signature and body), already processed", self.name)
                return 200, {"RequestId": request_id, "Duplicate": True, "Results": []}
        try:
            events = parse_events(request.body)
        except EventFormatError as exc:
            raise HttpError(str(exc), code="InvalidEvent", status=400) from None
        if len(events) != 1 or isinstance(events[0], TimerEvent) or events[0].delivery.source != "direct":
            raise HttpError("A VOD callback body is one VOD event object.", code="InvalidEvent", status=400)
        event = vod_event(events[0].raw_event, Delivery("callback", signed=verdict is not None))
        reports = self.receive(event, context)
        if verifier is not None and verdict is not None:
            verifier.mark_done(verdict)
        return 200, {"RequestId": request_id, "Results": reports}

    def verifier(self, environ: Mapping[str, str] | None = None) -> CallbackVerifier | None:
        """The instance's callback verifier from the environment; None when auth is explicitly off."""
        from .signature import CallbackVerifier  # callback face only, see http_handler

        env = os.environ if environ is None else environ
        mode = (env.get(ENV_AUTH) or "on").strip().lower()
        if mode == "off":
            return None
        if mode != "on":
            raise ConfigurationError(f"{ENV_AUTH}={mode!r} must be on or off.")
        key = (env.get(ENV_AUTH_KEY) or "").strip()
        if not key:
            raise ConfigurationError(
                f"Set {ENV_AUTH_KEY} to VOD's callback AuthKey (and {ENV_CALLBACK_URL} to the callback URL "
                f"configured in VOD), or {ENV_AUTH}=off to accept unsigned callbacks."
            )
        register_secret(key)
        url = (env.get(ENV_CALLBACK_URL) or "").strip()
        try:
            window = int(env.get(ENV_WINDOW) or 300)
        except ValueError:
            raise ConfigurationError(f"{ENV_WINDOW} must be a number of seconds.") from None
        with self._verifier_lock:
            current = self._verifier
            if current is None or (current.key, current.url, current.window) != (key, url, window):
                # A new verifier (and an empty replay cache) only when the settings change.
                self._verifier = CallbackVerifier(url=url, key=key, window=window, clock=self.clock)
            return self._verifier


class EventApp(EventReceiver, Generic[C]):
    """Dispatches VOD events (and timer ticks) to registered handlers. See the module docstring."""

    def __init__(
        self,
        name: str,
        *,
        description: str = "",
        config: ConfigSource[C] | None = None,
        clients: ClientProvider | None = None,
        clock: Callable[[], float] = time.time,
        deploy: Deploy | None = None,
    ) -> None:
        super().__init__(name, clock)
        self.description = description
        self.config = config
        # Read by ``vodfc generate`` only (template.yml); None: the project's defaults.
        self.deploy = deploy
        self.clients = clients or ClientProvider(_event_client)
        self.handlers: dict[str, Handler[C]] = {}

    # --- declaration ------------------------------------------------------------------------------------

    def on(self, *event_types: str) -> Callable[[Handler[C]], Handler[C]]:
        """Register the decorated function for ``event_types`` (``"timer"`` for timer ticks)."""

        def register(func: Handler[C]) -> Handler[C]:
            for event_type in event_types:
                if event_type in self.handlers:
                    raise ValueError(f"{self.name} already handles {event_type}")
                self.handlers[event_type] = func
            return func

        return register

    # --- the core ---------------------------------------------------------------------------------------

    def dispatch(self, event: VodEvent | TimerEvent, context: Any) -> dict[str, Any]:
        """Run the handler for one parsed event; returns its report (raises transient failures)."""
        kind = event_kind(event)
        about = "" if isinstance(event, TimerEvent) else f" {event.media_id or '-'}"
        handler = self.handlers.get(kind)
        if handler is None:
            # Acknowledged, not failed: redelivery would not change anything.
            logger.info("%s ignored %s%s: this function does not handle it", self.name, kind or "?", about)
            return {"EventType": kind, "Outcome": "ignored", "Reason": "event type not handled"}
        config = self.config.load() if self.config is not None else None
        run: Run[C] = Run(self, context, config, self.clock, self.clock())  # type: ignore[arg-type]
        logger.info("%s handling %s%s (via %s)", self.name, kind, about, event.delivery.source)
        report = dict(handler(event, run) or {})
        report.setdefault("EventType", kind)
        if not isinstance(event, TimerEvent) and event.media_id:
            report.setdefault("MediaId", event.media_id)
        report.setdefault("Outcome", "done")
        logger.info("%s %s%s: %s", self.name, kind, about, _summary(report))
        return report

    def receive(self, event: VodEvent | TimerEvent, context: Any) -> list[dict[str, Any]]:
        return [self.dispatch(event, context)]


def event_kind(event: VodEvent | TimerEvent) -> str:
    """The key a handler is registered under: the VOD event type, or ``"timer"``."""
    return "timer" if isinstance(event, TimerEvent) else event.event_type


def _callback_url(request: Request, verifier: CallbackVerifier) -> str:
    """The URL VOD signed: the configured one, else this request's own URL (FC's proxy path included)."""
    if verifier.url:
        return verifier.url
    environ = request.environ
    host = request.headers.get("host") or str(environ.get("SERVER_NAME") or "localhost")
    uri = str(environ.get("fc.request_uri") or "")
    if not uri:
        uri = str(environ.get("PATH_INFO") or "/")
        if environ.get("QUERY_STRING"):
            uri += "?" + str(environ["QUERY_STRING"])
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{uri}"


def _summary(report: Mapping[str, Any]) -> str:
    parts = [str(report.get("Outcome"))]
    if report.get("Reason"):
        parts.append(f"({report['Reason']})")
    return " ".join(parts)


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
