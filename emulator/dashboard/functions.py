"""The functions page: the loaded descriptor's functions with their triggers, and invoking one.

"Invoke" hands a function an event made for it, shown first in an editable field:

* an MNSTopic trigger: a VOD event of the type it filters on (``FileUploadComplete`` when it takes every
  type) about the library's newest playable video, wrapped as that trigger wraps VOD's messages;
* an EventBridge trigger reading an MNS queue: the same event, as that trigger hands it on;
* a Timer trigger: FC's timer event with the trigger's payload;
* no trigger (an operation invoked by name): ``{"VideoId": ...}`` of that video.

The invocation runs as the FC API's InvokeFunction runs one (``FunctionRuntime.invoke``, holding one of
the server's threads for its length), so it shows in the invocation log like any other. An FC 2.0
function behind an HTTP trigger takes WSGI requests, not events: the page gives its URL instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vodfc.emulator.events import payloads
from vodfc.emulator.events.wire import (
    VOD_EVENTS_TOPIC,
    encode,
    eventbridge_mns,
    mns_topic_event,
    mns_trigger_source,
    timer_event,
)
from vodfc.emulator.fc.model import Function, Trigger
from vodfc.emulator.fc.runtime import FunctionRuntime, Invocation
from vodfc.emulator.vod.models import VodBackend

EVENT_TRIGGERS = ("MNSTopic", "EventBridge", "Timer")


class InvokeError(ValueError):
    """The function cannot be invoked that way, or the event is not JSON; the page says why."""


@dataclass(frozen=True)
class EventPlan:
    """How the page invokes a function: through which trigger (None: by name) and with what."""

    trigger: Trigger | None
    event: str  # JSON text: the VOD event for MNSTopic/EventBridge, the whole event otherwise

    @property
    def label(self) -> str:
        if self.trigger is None:
            return "an event, by name (as InvokeFunction)"
        return f"{self.trigger.type} trigger {self.trigger.name}"


def invokable(function: Function) -> bool:
    """False for an FC 2.0 function behind an HTTP trigger (it takes WSGI requests)."""
    return not (function.fc_version == 2 and function.http_trigger is not None)


def sample_video_id(backend: VodBackend) -> str:
    """The newest Normal video of the library (what a generated event is about), else a new id."""
    with backend.lock:
        videos = backend.videos_by_creation()
    for video in reversed(videos):
        if video.status == "Normal":
            return str(video.video_id)
    return payloads.new_id()


def plan(function: Function, video_id: str, now: datetime) -> EventPlan | None:
    if not invokable(function):
        return None
    for trigger in function.triggers:
        if trigger.type in ("MNSTopic", "EventBridge"):
            event_type = str(trigger.properties.get("FilterTag") or payloads.FILE_UPLOAD_COMPLETE)
            if event_type not in payloads.EVENT_TYPES:
                event_type = payloads.FILE_UPLOAD_COMPLETE
            event = payloads.example(event_type, video_id=video_id, now=now)
            return EventPlan(trigger, json.dumps(event, indent=2, ensure_ascii=False))
        if trigger.type == "Timer":
            return EventPlan(trigger, timer_event(trigger, now).decode("utf-8"))
    return EventPlan(None, json.dumps({"VideoId": video_id}, indent=2))


def payload(
    runtime: FunctionRuntime, function: Function, trigger: Trigger | None, text: str
) -> tuple[bytes, str]:
    """The bytes the function receives for the page's event text, and the invocation kind."""
    try:
        event: Any = json.loads(text)
    except ValueError as error:
        raise InvokeError(f"the event is not JSON: {error}") from None
    if trigger is None:
        return encode(event) if not isinstance(event, str) else event.encode("utf-8"), "event"
    if trigger.type == "Timer":
        return encode(event), "timer"
    if not isinstance(event, dict):
        raise InvokeError(f"a {trigger.type} trigger carries a VOD event: a JSON object with an EventType")
    tag = str(event.get("EventType", ""))
    body = encode(event).decode("utf-8")
    if trigger.type == "MNSTopic":
        return mns_topic_event(trigger, body, tag, runtime.account_id, runtime.clock()), "mns"
    props = trigger.properties
    envelope = eventbridge_mns(
        body,
        queue=str(props.get("QueueName") or VOD_EVENTS_TOPIC),
        region=runtime.region,
        account=runtime.account_id,
        time=runtime.clock(),
        source=mns_trigger_source(function.name, trigger.name),
    )
    handed: Any = envelope["data"] if props.get("EventSchema") == "RawData" else envelope
    if props.get("Mode") == "event-streaming":
        handed = [handed]
    return encode(handed), "eventbridge"


def trigger_named(function: Function, name: str) -> Trigger | None:
    """The function's event trigger called ``name``; None for "" (by name). Raises for an unknown one."""
    if not name:
        return None
    for trigger in function.triggers:
        if trigger.name == name and trigger.type in EVENT_TRIGGERS:
            return trigger
    raise InvokeError(f"{function.name} has no event trigger named {name!r}")


def find_invocation(runtime: FunctionRuntime, request_id: str) -> Invocation | None:
    return next((i for i in reversed(list(runtime.history)) if i.request_id == request_id), None)


def result_text(invocation: Invocation) -> str:
    """The answer as text: FC's error body, or the function's body (pretty JSON when it is JSON)."""
    raw = invocation.error_body if invocation.error is not None else invocation.body
    text = raw.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
