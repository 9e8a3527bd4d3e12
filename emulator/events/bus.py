"""The event bus: every VOD event the emulator produces goes through ``EventBus.emit``.

An emitted event is logged (``bus.log``, in emission order), handed to the in-process subscribers
(the FC runtime's MNSTopic triggers) and, when the account configured a message callback that
enables its type, delivered like VOD delivers it:

* HTTP: one ``POST`` of the compact JSON body, signed with ``X-VOD-TIMESTAMP`` /
  ``X-VOD-SIGNATURE = md5(url|timestamp|key)`` when the auth switch is on, 5 s timeout, 3 attempts
  in total 1 s apart, only a 200 counts (redirects are not followed), then the event is dropped;
* MNS: one message per event in the account's queue (``bus.mns``).

Delivery modes (``bus.delivery``): ``sync`` delivers before the VOD answer leaves (deterministic,
the in-process default), ``background`` hands events to one worker thread in emission order so a
slow receiver never holds up the VOD answer (``flush()`` waits for it), ``auto`` (the default)
picks ``background`` for calls that came through the HTTP server and ``sync`` otherwise. Events of
calls FC functions make (through the FC component's internal server, mode ``internal``) always go
to the background worker, whatever the mode: a function's call never waits for the functions its
event starts (possibly itself), and ``flush()`` still covers them. Events
emitted while a VOD call is being answered wait until the call released the backend lock, so a
receiver may call the emulator back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vodfc.emulator.callscope import MODE_KEY, after_call, current_call
from vodfc.emulator.events.config import CallbackConfig
from vodfc.emulator.events.mns import MnsQueues
from vodfc.emulator.events.wire import VOD_EVENTS_TOPIC, callback_headers, encode
from vodfc.emulator.protocol.environ import host_url
from vodfc.shared.validation import DEFAULT_APP_ID

if TYPE_CHECKING:
    from flask import Flask
    from vodfc.emulator.core import Core
    from vodfc.emulator.protocol import Emission

log = logging.getLogger("vodfc.events")

DELIVERY_MODES = ("auto", "sync", "background")

Transport = Callable[[str, bytes, dict[str, str], float], int]
"""``transport(url, body, headers, timeout) -> HTTP status``; raises ``OSError`` on network errors."""


@dataclass
class DeliveryAttempt:
    """One try to hand an event to a target (an HTTP URL or an MNS queue)."""

    seq: int
    target: str
    attempt: int
    at: datetime
    status: int | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 or (self.target.startswith("mns:") and self.error is None)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "target": self.target,
            "attempt": self.attempt,
            "at": self.at.isoformat(),
            "status": self.status,
            "error": self.error,
        }


@dataclass
class EventRecord:
    """One emitted event and what became of it.

    ``status``: ``pending`` (not delivered yet), ``delivered`` (200 / written to the queue),
    ``failed`` (every attempt failed; VOD drops it), ``not-configured`` (the account set no
    callback), ``disabled`` (its type is not in ``EventTypeList``), ``held`` (a reorder fault
    keeps it back), ``dropped`` (a drop fault lost it).
    """

    seq: int
    event: dict[str, Any]
    account_id: str
    app_id: str
    emitted_at: datetime
    callback_url: str | None = None
    status: str = "pending"
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    deliveries: int = 0
    generation: int = 0  # the bus's reset count when emitted: older records are not delivered

    @property
    def event_type(self) -> str:
        return str(self.event.get("EventType", ""))

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event": self.event,
            "event_type": self.event_type,
            "account_id": self.account_id,
            "app_id": self.app_id,
            "emitted_at": self.emitted_at.isoformat(),
            "callback_url": self.callback_url,
            "status": self.status,
            "deliveries": self.deliveries,
            "attempts": [attempt.as_json() for attempt in self.attempts],
        }


@dataclass
class Subscription:
    callback: Callable[[dict[str, Any]], Any]
    event_types: frozenset[str] | None
    account_id: str | None
    bus: EventBus
    permanent: bool = False

    def wants(self, record: EventRecord) -> bool:
        if self.event_types is not None and record.event_type not in self.event_types:
            return False
        return self.account_id is None or self.account_id == record.account_id

    def cancel(self) -> None:
        self.bus.unsubscribe(self)


FaultHook = Callable[[EventRecord], str]
"""Returns ``deliver``, ``duplicate`` (deliver twice), ``hold`` (deliver after the next event) or
``drop`` (never deliver: logged with status ``dropped``)."""


def urllib_transport(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST without following redirects and without proxies (VOD accepts only a 200)."""
    import urllib.error
    import urllib.request

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def app_transport(
    emulates: Callable[[str], bool], app: Flask, fallback: Transport = urllib_transport
) -> Transport:
    """Deliver to hosts the emulator itself answers (``emulates(host)``: FC HTTP triggers at
    ``*.fc.aliyuncs.com``, OSS; and VOD) through ``app``, without a network; everything else goes to
    ``fallback``.

    A callback URL pointing at an FC function's HTTP trigger then works in-process exactly like
    against a server, where the same URL reaches the emulator through its port or a proxy.
    """
    import re
    from urllib.parse import urlsplit

    vod_host = re.compile(r"vod(?:\.[a-z0-9-]+)?\.aliyuncs\.com", re.IGNORECASE)

    def transport(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not (vod_host.fullmatch(host) or emulates(host)):
            return fallback(url, body, headers, timeout)
        response = app.test_client().post(
            parts.path or "/",
            query_string=parts.query,
            data=body,
            headers=headers,
            base_url=f"{parts.scheme}://{parts.netloc}",
        )
        response.close()
        return int(response.status_code)

    return transport


class EventBus:
    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        default_account_id: str = "",
        sleep: Callable[[float], None] = time.sleep,
        transport: Transport | None = None,
        delivery: str = "auto",
        mns_base64: bool = True,
        attempts: int = 3,
        retry_interval: float = 1.0,
        timeout: float = 5.0,
        store: Any = None,
    ):
        self.clock = clock
        # Callback configs are written through to the emulator's store (SetMessageCallback is a
        # write: with --data-dir it survives a restart). None: memory only.
        self.store = store
        # scheme://host:port of the HTTP server once a request came through it (None in-process).
        self.served_url: str | None = None
        self.sleep = sleep
        self.transport: Transport = transport or urllib_transport
        self.default_account_id = default_account_id
        self.delivery = delivery
        self.mns_base64 = mns_base64
        self.attempts = attempts
        self.retry_interval = retry_interval
        self.timeout = timeout
        self.mns = MnsQueues(clock)
        self.fault_hook: FaultHook | None = None
        self._lock = threading.RLock()
        self._log: list[EventRecord] = []
        self._attempts: list[DeliveryAttempt] = []
        self._configs: dict[tuple[str, str], CallbackConfig] = {}
        self._subscribers: list[Subscription] = []
        self._held: list[EventRecord] = []
        self._served = False
        self._queue: queue.Queue[EventRecord | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._generation = 0
        self._local = threading.local()
        self.initial_delivery = delivery
        # False until the first request or reset: subscriptions made before are permanent.
        self.started = False

    # --- configuration ---------------------------------------------------------------------------

    def note_request(self, environ: Mapping[str, Any]) -> None:
        """The request hook: the app is serving (later subscriptions are not permanent), and the
        address of the first server-mode request is where the emulator is served."""
        self.started = True
        if self.served_url is None and environ.get(MODE_KEY, "server") == "server":
            self.served_url = host_url(environ).rstrip("/")

    def set_delivery(self, mode: str) -> None:
        if mode not in DELIVERY_MODES:
            raise ValueError(f"delivery mode must be one of {', '.join(DELIVERY_MODES)}, not {mode!r}")
        self.delivery = mode

    def configure(
        self, account_id: str | None = None, config: CallbackConfig | None = None, **fields: Any
    ) -> CallbackConfig:
        """Set an account's message callback; keyword fields are ``CallbackConfig``'s.

        ``bus.configure(callback_url="http://127.0.0.1:8080/cb", auth_switch="on", auth_key="K")``
        """
        account = account_id or self.default_account_id
        app_id = str(fields.get("app_id") or (config.app_id if config else DEFAULT_APP_ID))
        with self._lock:
            base = config or self._configs.get((account, app_id)) or CallbackConfig(app_id=app_id)
            new = base.updated(**fields) if fields else base
            self._configs[(account, new.app_id)] = new
            if self.store is not None:
                self.store.put(_namespace(account), CONFIG_KIND, new.app_id, dataclasses.asdict(new))
            return new

    def callback_config(
        self, account_id: str | None = None, app_id: str | None = None
    ) -> CallbackConfig | None:
        with self._lock:
            return self._configs.get((account_id or self.default_account_id, app_id or DEFAULT_APP_ID))

    def delete_config(self, account_id: str | None = None, app_id: str | None = None) -> bool:
        with self._lock:
            key = (account_id or self.default_account_id, app_id or DEFAULT_APP_ID)
            if self.store is not None:
                self.store.delete(_namespace(key[0]), CONFIG_KIND, key[1])
            return self._configs.pop(key, None) is not None

    def load_configs(self, account_ids: Iterable[str]) -> None:
        """Read the accounts' stored callback configs (at start, from a persisted store)."""
        if self.store is None:
            return
        with self._lock:
            for account in account_ids:
                for app_id, record in self.store.load(_namespace(account), CONFIG_KIND).items():
                    try:
                        self._configs[(account, app_id)] = CallbackConfig(**record)
                    except TypeError:
                        log.warning("ignoring a stored callback config of %s/%s", account, app_id)

    def configs(self) -> list[tuple[str, CallbackConfig]]:
        with self._lock:
            return [(account, config) for (account, _), config in sorted(self._configs.items())]

    # --- subscribers -----------------------------------------------------------------------------

    def subscribe(
        self,
        callback: Callable[[dict[str, Any]], Any],
        *,
        event_types: Iterable[str] | None = None,
        account_id: str | None = None,
        permanent: bool | None = None,
    ) -> Subscription:
        """Call ``callback(event_dict)`` for every emitted event (of those types / that account).

        Subscribers see every event whether or not a message callback is configured; they are
        called in the delivery thread (so in the background worker in background mode). An
        exception in a subscriber is logged and does not stop delivery. ``reset`` drops
        subscriptions unless they are permanent; by default those made while the app starts
        (before its first request or reset — the build's, such as the FC component's) are.
        """
        subscription = Subscription(
            callback,
            frozenset(event_types) if event_types is not None else None,
            account_id,
            self,
            permanent if permanent is not None else not self.started,
        )
        with self._lock:
            self._subscribers.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscribers:
                self._subscribers.remove(subscription)

    @property
    def subscriptions(self) -> list[Subscription]:
        with self._lock:
            return list(self._subscribers)

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """No subscriber (not even a permanent one, such as the FC runtime's) is called inside.

        For tests that watch events alone, without the template's event functions reacting.
        """
        with self._lock:
            saved, self._subscribers = self._subscribers, []
        try:
            yield
        finally:
            with self._lock:
                self._subscribers = saved + [sub for sub in self._subscribers if sub not in saved]

    # --- reading ---------------------------------------------------------------------------------

    @property
    def log(self) -> list[EventRecord]:
        """Every emitted event, in emission order (a copy)."""
        with self._lock:
            return list(self._log)

    def events(self, event_type: str | None = None, **match: Any) -> list[dict[str, Any]]:
        """The emitted payloads, optionally of one type and with matching fields (``VideoId=...``)."""
        return [
            record.event
            for record in self.log
            if (event_type is None or record.event_type == event_type)
            and all(record.event.get(key) == value for key, value in match.items())
        ]

    @property
    def attempts_log(self) -> list[DeliveryAttempt]:
        """Every delivery attempt, in the order they were made (shows duplicates and reordering)."""
        with self._lock:
            return list(self._attempts)

    # --- emitting --------------------------------------------------------------------------------

    def emit(
        self,
        event: dict[str, Any],
        *,
        account_id: str | None = None,
        app_id: str | None = None,
        callback_url: str | None = None,
        mode: str | None = None,
    ) -> EventRecord:
        """Log an event and deliver it (now, after the current VOD call, or in the background).

        ``callback_url`` is a per-media/per-job URL from ``UserData.MessageCallback``: it changes
        where an enabled event goes, never whether it goes. ``mode`` is the transport of the VOD call
        that caused the event (``inprocess`` / ``server``); inside a request it is read from it.
        """
        with self._lock:
            record = EventRecord(
                seq=len(self._log) + 1,
                event=dict(event),
                account_id=account_id or self.default_account_id,
                app_id=app_id or str(event.get("AppId") or DEFAULT_APP_ID),
                emitted_at=self.clock(),
                callback_url=callback_url or None,
                generation=self._generation,
            )
            self._log.append(record)
        background = self._background(mode)
        decision = self.fault_hook(record) if self.fault_hook is not None else "deliver"
        batch: list[EventRecord]
        with self._lock:
            if decision == "drop":
                record.status = "dropped"
                return record
            if decision == "hold":
                record.status = "held"
                self._held.append(record)
                return record
            batch = [record, record] if decision == "duplicate" else [record]
            batch += self._held
            self._held = []
        for item in batch:
            self._schedule(item, background)
        return record

    def publish(self, account_id: str, emissions: Sequence[Emission]) -> None:
        """Emit, in order, what a VOD call of ``account_id`` emitted (``RequestContext.emit``); the
        gateway calls this once the call committed. The call already succeeded, so a failure here is
        logged, never its error."""
        for emission in emissions:
            try:
                self.emit(
                    emission.event,
                    account_id=account_id,
                    app_id=emission.app_id,
                    callback_url=emission.callback_url,
                )
            except Exception:
                log.exception("emitting %s failed", emission.event.get("EventType"))

    def release_held(self, mode: str | None = None) -> None:
        """Deliver events a reorder fault is holding back (``flush`` does this too)."""
        with self._lock:
            batch, self._held = self._held, []
        for item in batch:
            self._schedule(item, self._background(mode))

    def _background(self, mode: str | None) -> bool:
        if mode is None:
            mode = _request_mode()
        if mode == "internal":
            # An FC function's own call: its events may reach that same function, which must not
            # wait for itself; and the user's calls keep the delivery they had.
            return True
        if self.delivery != "auto":
            return self.delivery == "background"
        if mode is not None:
            self._served = self._served or mode == "server"
            return mode == "server"
        return self._served or self.served_url is not None

    def _schedule(self, record: EventRecord, background: bool) -> None:
        if background:
            with self._lock:
                self._in_flight += 1
                self._ensure_worker()
            self._queue.put(record)
            return
        deferred: list[EventRecord] | None = getattr(self._local, "deferred", None)
        if deferred is not None:
            deferred.append(record)
            return
        if not after_call(functools.partial(self._deliver_logged, record)):
            self.deliver(record)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold back synchronous delivery until the block ends (nestable).

        Wrap code that emits while holding a backend lock: a subscriber or receiver that calls the
        emulator back (an FC function reading the video) would otherwise wait for that lock forever.
        Inside a request the held events wait for the end of the call (``vodfc.emulator.callscope``).
        """
        outer: list[EventRecord] | None = getattr(self._local, "deferred", None)
        mine: list[EventRecord] = []
        self._local.deferred = mine if outer is None else outer
        try:
            yield
        finally:
            self._local.deferred = outer
            if outer is None:
                for record in mine:
                    if not after_call(functools.partial(self._deliver_logged, record)):
                        self._deliver_logged(record)

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="vodfc-events", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            record = self._queue.get()
            if record is None:
                return
            try:
                self._deliver_logged(record)  # a broken transport must not kill the worker
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Release held events and wait until background delivery is idle; False on timeout."""
        self.release_held()
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    # --- delivering ------------------------------------------------------------------------------

    def _deliver_logged(self, record: EventRecord) -> None:
        try:
            self.deliver(record)
        except Exception:
            log.exception("delivering event %s failed", record.seq)

    def deliver(self, record: EventRecord) -> None:
        """Deliver one record now, in this thread: subscribers, then the HTTP callback or MNS."""
        generation = record.generation
        with self._lock:
            if generation != self._generation:
                return  # emitted before a reset: it belongs to state that no longer exists
            subscribers = [sub for sub in self._subscribers if sub.wants(record)]
            config = self._configs.get((record.account_id, record.app_id))
            if config is None and record.app_id != DEFAULT_APP_ID:
                config = self._configs.get((record.account_id, DEFAULT_APP_ID))
        record.deliveries += 1
        for subscription in subscribers:
            try:
                subscription.callback(dict(record.event))
            except Exception:
                log.exception("event subscriber %r failed on %s", subscription.callback, record.event_type)
        if config is None:
            record.status = "not-configured"
            return
        if not config.enabled(record.event_type):
            record.status = "disabled"
            return
        if config.is_mns:
            self._deliver_mns(record, config)
        else:
            self._deliver_http(record, config, generation)

    def _deliver_mns(self, record: EventRecord, config: CallbackConfig) -> None:
        import base64

        text = encode(record.event).decode("utf-8")
        body = base64.b64encode(text.encode("utf-8")).decode("ascii") if self.mns_base64 else text
        name = config.mns_queue_name or VOD_EVENTS_TOPIC
        self.mns.queue(record.account_id, name).send(body)
        self._record(DeliveryAttempt(record.seq, f"mns:{name}", 1, self.clock()), record)
        record.status = "delivered"

    def _deliver_http(self, record: EventRecord, config: CallbackConfig, generation: int) -> None:
        url = record.callback_url or config.callback_url
        if not url:
            record.status = "not-configured"
            return
        body = encode(record.event)
        for attempt in range(1, self.attempts + 1):
            if generation != self._generation:
                return  # a reset happened: the event belongs to state that no longer exists
            timestamp = int(self.clock().timestamp())
            headers = callback_headers(url, timestamp, config.auth_key if config.signs else None)
            result = DeliveryAttempt(record.seq, url, attempt, self.clock(), headers=headers)
            try:
                result.status = self.transport(url, body, headers, self.timeout)
            except Exception as error:  # refused, timed out, reset: all are a failed attempt
                result.error = f"{type(error).__name__}: {error}"
            self._record(result, record)
            if result.status == 200:
                record.status = "delivered"
                return
            if attempt < self.attempts:
                self.sleep(self.retry_interval)
        record.status = "failed"

    def _record(self, attempt: DeliveryAttempt, record: EventRecord) -> None:
        with self._lock:
            record.attempts.append(attempt)
            self._attempts.append(attempt)

    # --- reset -----------------------------------------------------------------------------------

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps that a caller may have replaced: the settings, the transport and hooks,
        the permanent subscriptions and the address it was served at (see ``Emulator.wiring``)."""
        with self._lock:
            permanent = tuple(sub for sub in self._subscribers if sub.permanent)
        return (
            self.clock,
            self.sleep,
            self.transport,
            self.fault_hook,
            self.initial_delivery,
            self.mns_base64,
            self.attempts,
            self.retry_interval,
            self.timeout,
            self.served_url,
            permanent,
        )

    def close(self) -> None:
        """Let the background worker, if one started, end once its queue is empty."""
        if self._worker is not None and self._worker.is_alive():
            self._queue.put(None)

    def reset(self) -> None:
        """Forget events, attempts, configs, subscribers added after startup, held events, queues."""
        with self._lock:
            self._generation += 1
            self._log.clear()
            self._attempts.clear()
            self._configs.clear()
            self._held.clear()
            self.mns.clear()
            self.delivery = self.initial_delivery
            self._subscribers[:] = [sub for sub in self._subscribers if sub.permanent]
            self.started = True


CONFIG_KIND = "callback"


# The variables bus_from_env reads (vodfc.emulator.build.BUILD_ENVIRONMENT: all the build reads).
ENVIRONMENT = ("VODFC_EVENT_DELIVERY", "VODFC_MNS_BASE64")


def bus_from_env(core: Core, environ: Mapping[str, str] = os.environ) -> EventBus:
    """An emulator's bus: ``VODFC_EVENT_DELIVERY`` and ``VODFC_MNS_BASE64`` from ``environ``, the
    accounts' callback configurations from the store."""
    bus = EventBus(
        core.config.clock,
        default_account_id=core.config.default_account_id,
        delivery=environ.get("VODFC_EVENT_DELIVERY", "auto"),
        mns_base64=environ.get("VODFC_MNS_BASE64", "1").strip().lower() not in {"0", "false", "no", "off"},
        store=core.store,
    )
    bus.load_configs(core.accounts.account_ids())
    return bus


def _namespace(account_id: str) -> str:
    return f"{account_id}/_events"


def _request_mode() -> str | None:
    """How the call in flight arrived (``inprocess`` / ``server``); None outside a call."""
    scope = current_call()
    return scope.mode if scope is not None else None
