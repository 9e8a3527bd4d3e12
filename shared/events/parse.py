"""Unwrapping: the VOD event (or timer tick) inside whatever FC hands an event function, typed.

Every shape FC delivers is accepted: a bare event (direct invocation or VOD's HTTP callback), an MNS topic
message in STREAM or JSON format, an EventBridge CloudEvents object (or a JSON array of them), and a timer
event (the emulator builds each of them in ``vodfc.emulator.events.wire``). A message body is read as JSON
first and as Base64-of-JSON second (an MNS queue's encoding setting decides).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from .. import boundedjson
from .types import Delivery, TimerEvent, VodEvent, vod_event


class EventFormatError(ValueError):
    """The invocation event is none of the shapes a VOD event arrives in."""


Parsed = VodEvent | TimerEvent


def parse_events(event: bytes | bytearray | str | Mapping[str, Any] | list[Any] | None) -> list[Parsed]:
    """Every VOD event (or the timer event) inside an invocation event, typed.

    A batch of CloudEvents gives several; everything else gives one. Raises :class:`EventFormatError` when
    the input is not one of the shapes FC delivers an event in.
    """
    data = _load(event, "invocation event")
    if isinstance(data, list):
        events: list[Parsed] = []
        for item in data:
            events.extend(parse_events(item if isinstance(item, Mapping) else json.dumps(item)))
        return events
    if not isinstance(data, Mapping):
        raise EventFormatError(f"The invocation event must be a JSON object, got {type(data).__name__}.")
    return [_one(data)]


def parse_event(event: bytes | bytearray | str | Mapping[str, Any] | None) -> Parsed:
    """The single event inside ``event`` (see :func:`parse_events`); a batch of several is refused."""
    events = parse_events(event)
    if len(events) != 1:
        raise EventFormatError(f"Expected one event, got a batch of {len(events)}; use parse_events().")
    return events[0]


def _one(data: Mapping[str, Any]) -> Parsed:
    if "EventType" in data:
        return vod_event(data, Delivery("direct"))
    if "specversion" in data and "data" in data:
        payload = data["data"]
        if isinstance(payload, Mapping) and "messageBody" in payload:
            body = _body(payload["messageBody"], "data.messageBody")
            return vod_event(body, Delivery("eventbridge-mns", _opt(payload.get("messageId"))))
        if isinstance(payload, Mapping) and "EventType" in payload:
            return vod_event(payload, Delivery("eventbridge", _opt(data.get("id"))))
        raise EventFormatError("The CloudEvents object has no data.messageBody holding a VOD event.")
    if "Message" in data and ("TopicName" in data or "MessageId" in data):
        body = _body(data["Message"], "Message")
        return vod_event(body, Delivery("mns-topic-json", _opt(data.get("MessageId"))))
    if "body" in data and "attrs" in data:
        return vod_event(_body(data["body"], "body"), Delivery("mns-topic-stream"))
    if "triggerTime" in data or "triggerName" in data:
        return TimerEvent(data, Delivery("timer"))
    keys = ", ".join(sorted(str(k) for k in data)[:8]) or "none"
    raise EventFormatError(
        f"Not a VOD event: no EventType, and not an MNS, CloudEvents or timer envelope (keys: {keys})."
    )


def _body(value: Any, what: str) -> Mapping[str, Any]:
    data = _load(value, what)
    if not isinstance(data, Mapping) or "EventType" not in data:
        raise EventFormatError(f"{what} does not hold a VOD event (a JSON object with EventType).")
    return data


def _load(value: Any, what: str) -> Any:
    if value is None:
        raise EventFormatError(f"The {what} is empty.")
    if isinstance(value, (Mapping, list)):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise EventFormatError(f"The {what} is not UTF-8 text.") from None
    if not isinstance(value, str):
        raise EventFormatError(f"The {what} must be JSON, got {type(value).__name__}.")
    text = value.strip()
    if not text:
        raise EventFormatError(f"The {what} is empty.")
    try:
        return boundedjson.loads(text)
    except ValueError:
        pass
    # An MNS body may be Base64 of the JSON (the queue's encoding setting decides).
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
        return boundedjson.loads(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise EventFormatError(f"The {what} is neither JSON nor Base64-encoded JSON.") from None


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
