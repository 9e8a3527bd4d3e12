"""Fault rules: what can go wrong, for which calls, and how many times.

A rule matches VOD calls by action (``None`` = every action) and media id (``None`` = any; the ids
come from ``VideoId``/``VideoIds``/``ReferenceId(s)``/``ImageId(s)``/``MediaId(s)`` and the entries of
``UpdateContent``). ``times`` limits how often it fires (the "fail N times, then succeed" pattern);
``after`` lets the first N matching calls through untouched. Event rules (``duplicate-event``,
``reorder-event``, ``drop-event``) match emitted events by ``event_type`` and media id instead.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vodfc.emulator.protocol import DropConnection, RequestContext
from vodfc.emulator.vod import exceptions
from vodfc.emulator.vod.exceptions import InternalError, ThrottlingUser, VodError
from vodfc.shared import boundedjson

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

CALL_KINDS = ("throttle", "error", "latency", "drop", "qps")
EVENT_KINDS = ("duplicate-event", "reorder-event", "drop-event")
KINDS = CALL_KINDS + EVENT_KINDS

# The gateway's throttling hint in milliseconds; with it the Tea SDK raises ThrottlingException
# (sending it is inferred, see vod-uncertainties.md §3; set retry_after_ms=None to leave it out).
DEFAULT_RETRY_AFTER_MS = 1000

_ID_PARAMS = (
    "VideoId",
    "VideoIds",
    "ReferenceId",
    "ReferenceIds",
    "ImageId",
    "ImageIds",
    "MediaId",
    "MediaIds",
)
_EVENT_ID_KEYS = ("VideoId", "MediaId", "ImageId")


class FaultError(ValueError):
    """A rule that cannot work (unknown kind, missing value); the admin plane answers it with 400."""


def media_ids(params: Mapping[str, str]) -> set[str]:
    ids: set[str] = set()
    for name in _ID_PARAMS:
        value = params.get(name)
        if value:
            ids.update(part.strip() for part in str(value).split(",") if part.strip())
    content = params.get("UpdateContent")
    if content:
        try:
            entries = boundedjson.loads(content)
        except ValueError:
            entries = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                ids.update(str(entry[key]) for key in ("VideoId", "ImageId", "ReferenceId") if entry.get(key))
    return ids


def error_class(code: str) -> type[VodError] | None:
    """The emulator's error class for a VOD code (``InternalError``, ``ServiceUnAvailable``...)."""
    for value in vars(exceptions).values():
        if isinstance(value, type) and issubclass(value, VodError) and getattr(value, "code", None) == code:
            return value
    return None


@dataclass
class FaultRule:
    kind: str
    action: str | None = None
    video_id: str | None = None
    event_type: str | None = None
    times: int | None = None
    after: int = 0
    # error: the VOD code (InternalError, ServiceUnAvailable, or any other), HTTP status, message.
    code: str | None = None
    status: int | None = None
    message: str | None = None
    retry_after_ms: int | None = DEFAULT_RETRY_AFTER_MS
    latency: float = 0.0
    qps: float = 0.0
    burst: float | None = None
    # Fire on this share of the matching calls, drawn from a generator seeded with ``seed`` (chaos runs
    # that repeat exactly).
    probability: float = 1.0
    seed: int | None = None
    # Off: the rule stays listed, with its counts, but matches nothing until switched on again.
    enabled: bool = True
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    matched: int = 0
    fired: int = 0
    _tokens: float | None = field(default=None, repr=False)
    _refilled: datetime | None = field(default=None, repr=False)
    _rng: random.Random | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if self.action in ("", "*"):
            self.action = None
        if self.video_id in ("", "*"):
            self.video_id = None
        if self.times is not None and self.times < 0:
            raise FaultError("times must be 0 or more")
        if self.after < 0:
            raise FaultError("after must be 0 or more")
        if not 0.0 <= self.probability <= 1.0:
            raise FaultError("probability must be between 0 and 1")
        self._rng = random.Random(self.seed)
        if self.kind == "latency" and self.latency <= 0:
            raise FaultError("a latency rule needs latency > 0 (seconds)")
        if self.kind == "qps" and self.qps <= 0:
            raise FaultError("a qps rule needs qps > 0")
        if self.kind == "error" and self.code is None and self.status is None:
            self.code = InternalError.code
        if self.code is not None and error_class(self.code) is None and self.status is None:
            raise FaultError(f"error code {self.code!r} is not one the emulator knows; give its status too")

    # --- matching ------------------------------------------------------------------------------

    @property
    def is_event_rule(self) -> bool:
        return self.kind in EVENT_KINDS

    def matches_call(self, action: str, params: Mapping[str, str]) -> bool:
        if not self.enabled or self.is_event_rule or (self.action is not None and self.action != action):
            return False
        return self.video_id is None or self.video_id in media_ids(params)

    def matches_event(self, event: Mapping[str, Any]) -> bool:
        if not self.enabled or not self.is_event_rule:
            return False
        if self.event_type is not None and self.event_type != event.get("EventType"):
            return False
        return self.video_id is None or self.video_id in {str(event.get(key)) for key in _EVENT_ID_KEYS}

    def take(self) -> bool:
        """Count a match; True when the rule fires for it (past ``after``, within ``times``)."""
        self.matched += 1
        if self.matched <= self.after:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.probability < 1.0 and self._rng is not None and self._rng.random() >= self.probability:
            return False
        self.fired += 1
        return True

    # --- effects -------------------------------------------------------------------------------

    def error(self) -> VodError:
        if self.kind == "throttle":
            headers = {"x-acs-retry-after": str(self.retry_after_ms)} if self.retry_after_ms else {}
            return ThrottlingUser(self.message, headers=headers)
        cls = error_class(self.code) if self.code else None
        message = self.message
        if message is None:
            known = cls.message if cls is not None else ""
            message = known if known and "{" not in known else f"Injected by vodfc fault rule {self.id}."
        # Some classes take their own constructor arguments: build a bare instance and fill it in.
        error = VodError.__new__(cls or VodError)
        VodError.__init__(error, message)
        if cls is None:
            error.code = self.code or InternalError.code
        if self.status is not None:
            error.status = self.status
        return error

    def bucket_allows(self, now: datetime) -> bool:
        """Token bucket on the emulator clock: ``qps`` tokens a second, ``burst`` at most."""
        capacity = self.burst if self.burst is not None else max(1.0, self.qps)
        if self._tokens is None or self._refilled is None:
            self._tokens, self._refilled = capacity, now
        elapsed = max(0.0, (now - self._refilled).total_seconds())
        self._tokens = min(capacity, self._tokens + elapsed * self.qps)
        self._refilled = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("_tokens", "_refilled", "_rng"):
            data.pop(name, None)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        known = {name for name in cls.__dataclass_fields__ if not name.startswith("_")}
        known -= {"matched", "fired"}
        unknown = set(data) - known
        if unknown:
            raise FaultError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        try:
            for name in ("times", "after", "status", "retry_after_ms"):
                if values.get(name) is not None:
                    values[name] = int(values[name])
            if values.get("seed") is not None:
                values["seed"] = int(values["seed"])
            for name in ("latency", "qps", "burst", "probability"):
                if values.get(name) is not None:
                    values[name] = float(values[name])
        except (TypeError, ValueError) as error:
            raise FaultError(f"bad number in fault rule: {error}") from None
        if "enabled" in values:
            values["enabled"] = parse_switch(values["enabled"])
        if "kind" not in values:
            raise FaultError("a fault rule needs a kind")
        return cls(**values)


def parse_switch(value: Any) -> bool:
    """``enabled``'s value: a JSON boolean, or on/off, true/false, 1/0 as text (a form's or a flag's)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no"):
        return False
    raise FaultError(f"enabled must be true or false, got {value!r}")


class Faults:
    """An app's fault rules, applied by a ``before_action`` hook and the event bus's fault hook."""

    def __init__(self, clock: Callable[[], datetime], sleep: Callable[[float], None] | None = None):
        import time

        self.clock = clock
        self.sleep = sleep or time.sleep
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, kind: str | FaultRule, **fields: Any) -> FaultRule:
        """``get_faults(app).add("throttle", action="GetVideoInfo", times=2)``; see FaultRule."""
        rule = kind if isinstance(kind, FaultRule) else FaultRule(kind=kind, **fields)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def set_enabled(self, rule_id: str, enabled: bool) -> FaultRule | None:
        """Switch a rule on or off (its counts are kept); None when there is no such rule."""
        with self._lock:
            for rule in self._rules:
                if rule.id == rule_id:
                    rule.enabled = enabled
                    return rule
        return None

    def rule(self, rule_id: str) -> FaultRule | None:
        with self._lock:
            return next((rule for rule in self._rules if rule.id == rule_id), None)

    def wiring(self) -> tuple[object, ...]:
        """What ``clear`` keeps that a caller may have replaced: the clock and the sleep function."""
        return (self.clock, self.sleep)

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def before_action(
        self, backend: VodBackend, action: str, params: Mapping[str, str], ctx: RequestContext
    ) -> None:
        """Apply the matching call rules in the order they were added; the first failure wins."""
        with self._lock:
            matching = [rule for rule in self._rules if rule.matches_call(action, params)]
        for rule in matching:
            if rule.kind == "qps":
                with self._lock:
                    allowed = rule.bucket_allows(self.clock())
                    if allowed:
                        continue
                    fires = rule.take()
                if fires:
                    raise ThrottlingUser(
                        headers={"x-acs-retry-after": str(rule.retry_after_ms)} if rule.retry_after_ms else {}
                    )
                continue
            with self._lock:
                fires = rule.take()
            if not fires:
                continue
            if rule.kind == "latency":
                self.sleep(rule.latency)
            elif rule.kind == "drop":
                raise DropConnection()
            else:
                raise rule.error()

    def event_decision(self, record: Any) -> str:
        """The bus's fault hook: ``deliver``, ``duplicate`` or ``hold`` (delivered after the next)."""
        decision = "deliver"
        with self._lock:
            for rule in self._rules:
                if rule.matches_event(record.event) and rule.take():
                    decision = {"duplicate-event": "duplicate", "reorder-event": "hold"}.get(
                        rule.kind, "drop"
                    )
                    break
        return decision
