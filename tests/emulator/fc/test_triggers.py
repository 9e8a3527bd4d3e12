"""Timer triggers on demand and VOD events delivered through MNSTopic triggers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests
from vodfc.emulator.events import get_bus
from vodfc.emulator.events.wire import mns_topic_event, timer_event
from vodfc.emulator.fc.template import Trigger

SNAPSHOT = {
    "EventTime": "2026-11-30T10:00:00Z",
    "EventType": "SnapshotComplete",
    "VideoId": "v-1",
    "Status": "success",
    "CoverUrl": "https://example/v-1.jpg",
}


def test_timer_fires_with_fcs_timer_event(probe: Any) -> None:
    result = probe.runtime.fire_timer("Ticker")
    assert result.ok and result.kind == "timer"
    event = result.json()["event"]
    assert event["triggerName"] == "every-minute"
    assert event["payload"] == '{"from": "timer"}'
    assert event["triggerTime"].endswith("Z") and len(event["triggerTime"]) == 20


def test_timer_over_the_control_plane(probe: Any) -> None:
    r = requests.post(f"{probe.base}/_vodfc/fc/timers/Ticker", headers=probe.admin_headers, timeout=10)
    assert r.status_code == 200 and r.json()["ok"]
    assert r.json()["result"]["event"]["triggerName"] == "every-minute"
    r = requests.post(f"{probe.base}/_vodfc/fc/timers/Probe", headers=probe.admin_headers, timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (404, "TriggerNotFound")
    r = requests.post(f"{probe.base}/_vodfc/fc/timers/Nope", headers=probe.admin_headers, timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (404, "FunctionNotFound")


def test_timer_of_a_function_without_one_is_a_lookup_error(probe: Any) -> None:
    with pytest.raises(LookupError):
        probe.runtime.fire_timer("Probe")


def _deliveries(probe: Any, event: dict[str, Any]) -> list[Any]:
    bus = get_bus(probe.app)
    bus.emit(event)
    assert bus.flush(10)
    return list(probe.runtime.deliveries)


def test_vod_events_reach_mns_topic_functions_filtered_by_tag(probe: Any) -> None:
    deliveries = _deliveries(probe, SNAPSHOT)
    assert sorted(d.function for d in deliveries) == ["OnAnything", "OnSnapshot"]
    by_function = {d.function: d for d in deliveries}
    # JSON format: MNS's envelope, the VOD event as the Message string.
    envelope = by_function["OnSnapshot"].invocation.json()["event"]
    assert envelope["TopicName"] == "vodfc-vod-events"
    assert envelope["MessageTag"] == "SnapshotComplete"
    assert json.loads(envelope["Message"]) == SNAPSHOT
    assert envelope["MessageMD5"] == hashlib.md5(envelope["Message"].encode()).hexdigest().upper()
    assert isinstance(envelope["PublishTime"], int)
    # STREAM format: the message body itself.
    assert by_function["OnAnything"].invocation.json()["event"] == SNAPSHOT
    others = _deliveries(probe, {**SNAPSHOT, "EventType": "TranscodeComplete"})
    assert [d.function for d in others[len(deliveries) :]] == ["OnAnything"]


def test_failed_deliveries_are_retried_as_mns_does(probe: Any) -> None:
    # The STREAM subscriber sees "raise" at the top of its event and fails; the JSON one gets an envelope.
    deliveries = {d.function: d for d in _deliveries(probe, {**SNAPSHOT, "raise": "flaky"})}
    assert (deliveries["OnAnything"].attempts, deliveries["OnAnything"].invocation.ok) == (3, False)
    assert deliveries["OnAnything"].invocation.error["errorMessage"] == "flaky"
    assert (deliveries["OnSnapshot"].attempts, deliveries["OnSnapshot"].invocation.ok) == (1, True)


def test_invocations_are_listed_on_the_control_plane(probe: Any) -> None:
    _deliveries(probe, SNAPSHOT)
    body = requests.get(f"{probe.base}/_vodfc/fc/invocations", headers=probe.admin_headers, timeout=10).json()
    assert {d["function"] for d in body["deliveries"]} == {"OnAnything", "OnSnapshot"}
    assert all(i["kind"] == "mns" for i in body["invocations"])
    listed = requests.get(
        f"{probe.base}/_vodfc/fc/functions", headers=probe.admin_headers, timeout=10
    ).json()["functions"]
    http = {f["function"]: f["httpUrl"] for f in listed}
    assert http["ProbeHttp"].endswith("/2016-08-15/proxy/probe/ProbeHttp/") and http["Probe"] is None


def test_event_shapes() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    timer = json.loads(timer_event(Trigger("t", "Timer", {"Payload": "p"}), now))
    assert timer == {"triggerTime": "2026-01-02T03:04:05Z", "triggerName": "t", "payload": "p"}
    stream = mns_topic_event(Trigger("m", "MNSTopic", {"TopicName": "x"}), '{"a":1}', "A", "1", now)
    assert stream == b'{"a":1}'
    envelope = json.loads(
        mns_topic_event(Trigger("m", "MNSTopic", {"NotifyContentFormat": "JSON"}), "{}", "A", "1", now)
    )
    assert envelope["PublishTime"] == int(now.timestamp() * 1000)
    assert set(envelope) >= {
        "TopicOwner",
        "TopicName",
        "Subscriber",
        "SubscriptionName",
        "MessageId",
        "Message",
    }


def test_an_app_that_did_not_load_a_template_on_purpose_runs_no_event_functions() -> None:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.fc import get_fc

    from tests.emulator.fc.support import CONFIG

    app = create_app(CONFIG)
    component = get_fc(app)
    assert component.runtime.functions()  # the API works with the default template...
    get_bus(app).emit(SNAPSHOT)
    get_bus(app).flush(5)
    assert component.runtime.deliveries == []  # ...but events do not start functions


def test_the_functions_own_calls_leave_the_users_delivery_as_it_was(probe: Any) -> None:
    if probe.mode != "inprocess":
        pytest.skip("in-process delivery is what the internal server must not change")
    bus = get_bus(probe.app)
    answer = probe.client().invoke_function("probe", "Probe", payload=b'{"vodcall": "0123456789abcdef"}')
    # The function's VOD call went through the internal server, with the function's credentials...
    assert json.loads(answer.data)["out"]["vod"] == "InvalidVideo.NotFound"
    # ...and the app still counts as in-process: an event emitted outside a call is delivered at once.
    assert bus.served_url is None
    bus.emit(SNAPSHOT)
    assert sorted(d.function for d in probe.runtime.deliveries) == ["OnAnything", "OnSnapshot"]
