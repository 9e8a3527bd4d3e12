"""How a VOD event travels: one JSON encoder and one builder per envelope a function receives it in.

VOD writes the same JSON object (``vodfc.emulator.events.payloads``) to an HTTP callback body and to an MNS
message; what an FC function is handed depends on the path (shared/spec/fc-runtime.md §3):

================  =========================================================================================
callback          VOD's HTTP POST to a function's HTTP trigger: the body is the event; ``X-VOD-TIMESTAMP`` /
                  ``X-VOD-SIGNATURE`` when the account's AuthKey is on (``callback_headers``)
mns-topic         an MNSTopic trigger in STREAM format: the message body itself (``{"body", "attrs"}`` when
                  the message has attributes)
mns-json          an MNSTopic trigger in JSON format: MNS's notification object around the body
eventbridge       an MNS *queue* trigger (EventBridge): a CloudEvents object, the message in
                  ``data.messageBody``; the FC runtime sends an array of them in event-streaming mode
timer             a Timer trigger: ``{"triggerTime", "triggerName", "payload"}``
================  =========================================================================================

The event bus (HTTP callbacks, MNS queues), the FC runtime (MNSTopic and Timer triggers) and ``vodfc events
generate`` all build through here, so the generator prints what a function really receives. Where the
reference gives no value, the runtime's choices hold: an FC trigger's subscription is ``fc-<trigger name>``
(one per trigger, as MNS names subscriptions uniquely per topic), ``MessageTag`` is always sent (the
trigger's ``FilterTag`` routes on it), times come from the caller (the emulator's clock), and JSON is
compact. The callback signature is ``shared.events.signature``'s: functions verify with the same code.
Unwrapping is the functions' side: ``shared.events.parse`` accepts every shape built here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from vodfc.emulator.config import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from vodfc.shared.events.signature import signed_headers
from vodfc.shared.validation import format_time

if TYPE_CHECKING:
    from vodfc.emulator.fc.model import Trigger

__all__ = [
    "USER_AGENT",
    "VOD_EVENTS_TOPIC",
    "callback_headers",
    "callback_request",
    "encode",
    "eventbridge_mns",
    "mns_topic_event",
    "mns_topic_json",
    "mns_topic_stream",
    "mns_trigger_source",
    "timer_event",
]

# The MNS topic (and default MNS queue) VOD's events go to; template.yml's MNSTopic triggers name it.
VOD_EVENTS_TOPIC = "vodfc-vod-events"
# What VOD's Java client sends (captured callback headers).
USER_AGENT = "Apache-HttpClient/4.4.1 (Java/1.8.0_152)"

# An event, or its body already encoded (the FC runtime encodes once for every subscribed trigger).
Message = Mapping[str, Any] | str


def encode(event: Mapping[str, Any]) -> bytes:
    """The body bytes VOD sends: compact JSON, UTF-8, keys in the order the payload builder put them."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _body(message: Message) -> str:
    return message if isinstance(message, str) else encode(message).decode("utf-8")


# --- VOD's HTTP callback ----------------------------------------------------------------------------------


def callback_headers(url: str, timestamp: int, auth_key: str | None = None) -> dict[str, str]:
    """The headers of VOD's callback POST to ``url``, signed at ``timestamp`` (Unix seconds) when an
    ``auth_key`` is given."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip,deflate",
    }
    if auth_key:
        headers.update(signed_headers(url, auth_key, timestamp))
    return headers


def callback_request(
    event: Mapping[str, Any], url: str, *, timestamp: int, auth_key: str | None = None
) -> dict[str, Any]:
    """VOD's callback as data: ``{"url", "headers", "body"}`` (the body as text)."""
    return {
        "url": url,
        "headers": callback_headers(url, timestamp, auth_key),
        "body": encode(event).decode("utf-8"),
    }


# --- MNS ----------------------------------------------------------------------------------------------------


def mns_topic_stream(message: Message, *, attrs: Mapping[str, Any] | None = None) -> bytes:
    """An MNSTopic trigger in STREAM format: the message body (``{"body", "attrs"}`` with attributes)."""
    body = _body(message)
    if attrs:
        return json.dumps({"body": body, "attrs": dict(attrs)}).encode("utf-8")
    return body.encode("utf-8")


def mns_topic_json(
    message: Message,
    *,
    trigger: str,
    topic: str = VOD_EVENTS_TOPIC,
    account: str = DEFAULT_ACCOUNT_ID,
    tag: str | None = None,
    message_id: str | None = None,
    publish_time_ms: int | None = None,
) -> dict[str, Any]:
    """An MNSTopic trigger in JSON format: MNS's notification around the body, for the FC trigger named
    ``trigger``. The tag defaults to the event's type; the publish time to now."""
    body = _body(message)
    if tag is None:
        tag = "" if isinstance(message, str) else str(message.get("EventType") or "")
    if publish_time_ms is None:
        publish_time_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    return {
        "TopicOwner": account,
        "TopicName": topic,
        "Subscriber": account,
        "SubscriptionName": f"fc-{trigger}",
        "MessageId": message_id or uuid.uuid4().hex.upper(),
        "Message": body,
        "MessageMD5": hashlib.md5(body.encode("utf-8")).hexdigest().upper(),
        "MessageTag": tag,
        "PublishTime": publish_time_ms,
    }


def mns_topic_event(trigger: Trigger, body: str, tag: str, account_id: str, now: datetime) -> bytes:
    """What an MNSTopic trigger hands its function for one message, in the trigger's content format."""
    if trigger.properties.get("NotifyContentFormat", "STREAM") != "JSON":
        return mns_topic_stream(body)
    envelope = mns_topic_json(
        body,
        trigger=trigger.name,
        topic=str(trigger.properties.get("TopicName", VOD_EVENTS_TOPIC)),
        account=account_id,
        tag=tag,
        publish_time_ms=int(now.timestamp() * 1000),
    )
    return encode(envelope)


def mns_trigger_source(function: str, trigger: str) -> str:
    """The EventBridge source (and event bus) FC makes for an MNS queue trigger."""
    return f"MNS-{function}-{trigger}"


def _milliseconds(moment: datetime) -> str:
    """EventBridge's times: UTC to the millisecond, ``2021-04-08T06:28:17.093Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def eventbridge_mns(
    message: Message,
    *,
    queue: str = VOD_EVENTS_TOPIC,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT_ID,
    base64_body: bool = False,
    message_id: str | None = None,
    time: datetime | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """One message of an MNS queue as EventBridge hands it on (CloudEvents); ``base64_body``: the queue left
    it encoded. ``source``: the trigger's own source (``mns_trigger_source``), which is also the event bus
    FC made for it; without one, EventBridge's MNS source on the default bus (``acs:mns``)."""
    when = (time or datetime.now(timezone.utc)).astimezone(timezone.utc)
    body = _body(message).encode("utf-8")
    return {
        "id": str(uuid.uuid4()),
        "source": source or "acs:mns",
        "specversion": "1.0",
        "type": "mns:Queue:SendMessage",
        "datacontenttype": "application/json; charset=utf-8",
        "subject": f"acs:mns:{region}:{account}:queues/{queue}",
        "time": _milliseconds(when),
        "aliyunaccountid": account,
        "aliyunpublishtime": _milliseconds(when),
        "aliyunoriginalaccountid": account,
        "aliyuneventbusname": source or "default",
        "aliyunregionid": region,
        "aliyunpublishaddr": "127.0.0.1",
        "data": {
            "requestId": uuid.uuid4().hex.upper(),
            "messageId": message_id or uuid.uuid4().hex.upper(),
            "messageBody": base64.b64encode(body).decode("ascii") if base64_body else body.decode("utf-8"),
        },
    }


# --- Timer ----------------------------------------------------------------------------------------------


def timer_event(trigger: Trigger, now: datetime) -> bytes:
    """What a Timer trigger hands its function when it fires at ``now``: its name and ``Payload``."""
    event = {
        "triggerTime": format_time(now),
        "triggerName": trigger.name,
        "payload": str(trigger.properties.get("Payload", "")),
    }
    return json.dumps(event, separators=(",", ":")).encode()
