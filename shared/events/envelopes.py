"""Every way a VOD event reaches an FC function: building the envelopes, and unwrapping them again.

VOD writes the same JSON object (see :mod:`shared.events.payloads`) to an HTTP callback body or to an MNS
message; what the *function* receives depends on the path (shared/spec/fc-runtime.md §3):

=====================  ======================================================================================
``callback``           VOD's HTTP POST, to a function with an HTTP trigger: the body is the event, with
                       ``X-VOD-TIMESTAMP``/``X-VOD-SIGNATURE`` when an AuthKey is set
``mns-topic``          MNS topic trigger, ``NotifyContentFormat: STREAM``: the raw message body (or
                       ``{"body", "attrs"}`` when the message has attributes)
``mns-json``           MNS topic trigger, ``NotifyContentFormat: JSON``: ``{TopicOwner, TopicName, Subscriber,
                       SubscriptionName, MessageId, Message, MessageMD5, MessageTag, PublishTime}``
``eventbridge``        MNS *queue* trigger (EventBridge event stream): a CloudEvents object, or a JSON array
                       of them when batching, with the message in ``data.messageBody``
``timer``              ``{"triggerTime", "triggerName", "payload"}``
=====================  ======================================================================================

A message body may arrive Base64-encoded (an MNS queue's encoding setting; VOD's choice is not documented),
so every body is read as JSON first and as Base64-of-JSON second. :func:`parse_events` accepts all of these
and returns typed events (:mod:`shared.events.types`); the builders below produce them for the emulator,
``vodfc events generate`` and tests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from shared.events.payloads import encode
from shared.events.signature import signed_headers
from shared.events.types import Delivery, TimerEvent, VodEvent, vod_event

ENVELOPES = ("callback", "mns-topic", "mns-json", "eventbridge", "timer")
DEFAULT_TOPIC = "vodfc-vod-events"
DEFAULT_ACCOUNT = "1234567890123456"
DEFAULT_REGION = "cn-shanghai"


class EventFormatError(ValueError):
    """The invocation event is none of the shapes a VOD event arrives in."""


# --- building ----------------------------------------------------------------------------------------------


def callback_request(
    event: Mapping[str, Any], url: str, *, auth_key: str | None = None, timestamp: int | None = None
) -> dict[str, Any]:
    """What VOD POSTs: ``{"url", "headers", "body"}`` (body as text). Signed when ``auth_key`` is given."""
    headers = {"Content-Type": "application/json", "User-Agent": "Apache-HttpClient/4.4.1 (Java/1.8.0_152)"}
    if auth_key:
        headers.update(signed_headers(url, auth_key, timestamp))
    return {"url": url, "headers": headers, "body": encode(event).decode("utf-8")}


def mns_topic_stream(event: Mapping[str, Any], *, attrs: Mapping[str, Any] | None = None) -> bytes:
    """MNS topic trigger, STREAM format: the message body itself (``{"body","attrs"}`` with attributes)."""
    if attrs:
        return json.dumps({"body": encode(event).decode("utf-8"), "attrs": dict(attrs)}).encode("utf-8")
    return encode(event)


def mns_topic_json(
    event: Mapping[str, Any],
    *,
    topic: str = DEFAULT_TOPIC,
    account: str = DEFAULT_ACCOUNT,
    subscription: str | None = None,
    message_id: str | None = None,
    publish_time_ms: int | None = None,
    tag: str | None = None,
) -> dict[str, Any]:
    """MNS topic trigger with JSON format: the notification object around the message body."""
    body = encode(event).decode("utf-8")
    envelope: dict[str, Any] = {
        "TopicOwner": account,
        "TopicName": topic,
        "Subscriber": account,
        "SubscriptionName": subscription or f"{topic}-fc",
        "MessageId": message_id or uuid.uuid4().hex.upper(),
        "Message": body,
        "MessageMD5": hashlib.md5(body.encode("utf-8")).hexdigest().upper(),
        "PublishTime": publish_time_ms
        if publish_time_ms is not None
        else int(datetime.now(timezone.utc).timestamp() * 1000),
    }
    if tag is None:
        tag = str(event.get("EventType") or "") or None
    if tag:
        envelope["MessageTag"] = tag
    return envelope


def eventbridge_mns(
    event: Mapping[str, Any],
    *,
    queue: str = DEFAULT_TOPIC,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    base64_body: bool = False,
    message_id: str | None = None,
    time: datetime | None = None,
) -> dict[str, Any]:
    """An MNS-queue trigger event (EventBridge CloudEvents). ``base64_body``: the queue did not decode it."""
    when = (time or datetime.now(timezone.utc)).astimezone(timezone.utc)
    body = encode(event)
    return {
        "id": str(uuid.uuid4()),
        "source": "acs:mns",
        "specversion": "1.0",
        "type": "mns:Queue:SendMessage",
        "datacontenttype": "application/json; charset=utf-8",
        "subject": f"acs:mns:{region}:{account}:queues/{queue}",
        "time": when.isoformat(timespec="milliseconds"),
        "aliyunaccountid": account,
        "aliyunpublishtime": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        "aliyuneventbusname": "MNS-vodfc",
        "aliyunregionid": region,
        "aliyunpublishaddr": "127.0.0.1",
        "data": {
            "requestId": uuid.uuid4().hex.upper(),
            "messageId": message_id or uuid.uuid4().hex.upper(),
            "messageBody": base64.b64encode(body).decode("ascii") if base64_body else body.decode("utf-8"),
        },
    }


def timer_event(
    trigger_name: str = "sweep", payload: str = "", trigger_time: datetime | None = None
) -> bytes:
    """The event a Timer trigger hands the function."""
    when = (trigger_time or datetime.now(timezone.utc)).astimezone(timezone.utc)
    data = {
        "triggerTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "triggerName": trigger_name,
        "payload": payload,
    }
    return json.dumps(data).encode("utf-8")


# --- unwrapping ------------------------------------------------------------------------------------------

Parsed = VodEvent | TimerEvent


def parse_events(event: bytes | bytearray | str | Mapping[str, Any] | list[Any] | None) -> list[Parsed]:
    """Every VOD event (or the timer event) inside an invocation event, typed.

    A batch of CloudEvents gives several; everything else gives one. Raises :class:`EventFormatError` when
    the input is not one of the shapes in the module docstring.
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
        return json.loads(text)
    except ValueError:
        pass
    # An MNS body may be Base64 of the JSON (the queue's encoding setting decides).
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
        return json.loads(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise EventFormatError(f"The {what} is neither JSON nor Base64-encoded JSON.") from None


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
