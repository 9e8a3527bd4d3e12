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
``vodfc events generate`` and tests. The unwrapping lives in :mod:`shared.events.parse`, which event
functions import without the builders' dependencies, and is re-exported here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from ..validation import TIME_FORMAT
from .parse import EventFormatError, parse_event, parse_events  # noqa: F401  (re-exported)
from .payloads import encode
from .signature import signed_headers

ENVELOPES = ("callback", "mns-topic", "mns-json", "eventbridge", "timer")
DEFAULT_TOPIC = "vodfc-vod-events"
DEFAULT_ACCOUNT = "1234567890123456"
DEFAULT_REGION = "cn-shanghai"


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
        "triggerTime": when.strftime(TIME_FORMAT),
        "triggerName": trigger_name,
        "payload": payload,
    }
    return json.dumps(data).encode("utf-8")
