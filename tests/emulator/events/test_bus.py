"""The event bus on its own: log, subscribers, HTTP callbacks (signature, retries), MNS, modes."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from vodfc.emulator.app import get_state
from vodfc.emulator.events import payloads
from vodfc.emulator.events.config import CallbackConfig
from vodfc.shared.events.signature import sign

EVENT = payloads.file_upload_complete(
    "10f6baa29bdf71f1bfc46733a78e0102",
    size=4372373,
    file_url="http://outin-1.oss-cn-shanghai.aliyuncs.com/sv/a/a.mp4",
    event_time="2026-08-19T15:07:07Z",
)


def test_signature_matches_the_documented_vector() -> None:
    assert (
        sign("https://www.example.com/your/callback", 1519375990, "test123")
        == "c72b60894140fa98920f1279219b7ed4"
    )


def test_emit_logs_and_calls_subscribers_without_a_callback(bus: Any) -> None:
    seen: list[dict[str, Any]] = []
    uploads: list[dict[str, Any]] = []
    bus.subscribe(seen.append)
    bus.subscribe(uploads.append, event_types=["TranscodeComplete"])
    record = bus.emit(EVENT)
    assert seen == [EVENT] and uploads == []
    assert record.status == "not-configured" and record.seq == 1
    assert bus.events("FileUploadComplete") == [EVENT]
    assert bus.events(VideoId="nope") == []


def test_a_failing_subscriber_does_not_stop_delivery(bus: Any, receiver: Any) -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    bus.subscribe(broken)
    bus.configure(callback_url=receiver.url)
    assert bus.emit(EVENT).status == "delivered"


def test_signed_http_callback(bus: Any, receiver: Any, clock: Any) -> None:
    bus.configure(callback_url=receiver.url, auth_switch="on", auth_key="Test123Key")
    record = bus.emit(EVENT)
    assert record.status == "delivered"
    (request,) = receiver.requests
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert request["body"] == json.dumps(EVENT, separators=(",", ":")).encode()
    assert headers["content-type"] == "application/json"
    assert headers["x-vod-timestamp"] == str(int(clock.now.timestamp()))
    expected = hashlib.md5(f"{receiver.url}|{headers['x-vod-timestamp']}|Test123Key".encode()).hexdigest()
    assert headers["x-vod-signature"] == expected
    assert headers["user-agent"].startswith("Apache-HttpClient/")


def test_unsigned_when_the_switch_is_off(bus: Any, receiver: Any) -> None:
    bus.configure(callback_url=receiver.url, auth_switch="off", auth_key="Test123Key")
    bus.emit(EVENT)
    headers = {name.lower() for name in receiver.requests[0]["headers"]}
    assert "x-vod-signature" not in headers and "x-vod-timestamp" not in headers


def test_retries_until_a_200_with_one_second_pauses(bus: Any, receiver: Any) -> None:
    pauses: list[float] = []
    bus.sleep = pauses.append
    receiver.replies = [500, 404]
    bus.configure(callback_url=receiver.url)
    record = bus.emit(EVENT)
    assert record.status == "delivered"
    assert [attempt.status for attempt in record.attempts] == [500, 404, 200]
    assert pauses == [1.0, 1.0]


@pytest.mark.parametrize("status", [201, 204, 302, 500])
def test_only_200_counts_and_the_event_is_dropped_after_three_attempts(
    bus: Any, receiver: Any, status: int
) -> None:
    receiver.default = status
    bus.configure(callback_url=receiver.url)
    record = bus.emit(EVENT)
    assert record.status == "failed"
    assert [attempt.status for attempt in record.attempts] == [status] * 3
    # A redirect is not followed.
    assert all(request["path"] == "/vod/callback" for request in receiver.requests)


def test_refused_connections_are_failed_attempts(bus: Any) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bus.configure(callback_url=f"http://127.0.0.1:{port}/cb")
    record = bus.emit(EVENT)
    assert record.status == "failed" and len(record.attempts) == 3
    assert all(attempt.error and attempt.status is None for attempt in record.attempts)


def test_event_type_list(bus: Any, receiver: Any) -> None:
    bus.configure(callback_url=receiver.url, event_types="TranscodeComplete,SnapshotComplete")
    assert bus.emit(EVENT).status == "disabled"
    bus.configure(event_types="")
    assert bus.emit(EVENT).status == "disabled"
    bus.configure(event_types="ALL")
    assert bus.emit(EVENT).status == "delivered"
    assert len(receiver.requests) == 1
    assert CallbackConfig(event_types="AIComplete").enabled("AIMediaAuditComplete")


def test_userdata_url_overrides_where_not_whether(bus: Any, receiver: Any) -> None:
    bus.configure(callback_url="http://127.0.0.1:9/never", auth_switch="on", auth_key="Test123Key")
    override = receiver.url + "?from=userdata"
    record = bus.emit(EVENT, callback_url=override)
    assert record.status == "delivered"
    headers = {name.lower(): value for name, value in receiver.requests[0]["headers"].items()}
    assert headers["x-vod-signature"] == sign(override, headers["x-vod-timestamp"], "Test123Key")
    bus.delete_config()
    assert bus.emit(EVENT, callback_url=override).status == "not-configured"


def test_mns_queue_base64_receive_and_delete(bus: Any, clock: Any) -> None:
    bus.configure(callback_type="MNS", mns_queue_name="vod-events", mns_endpoint="http://mns.local")
    record = bus.emit(EVENT)
    assert record.status == "delivered"
    queue = bus.mns.queue(bus.default_account_id, "vod-events")
    message = queue.receive(visibility_timeout=30)
    assert message is not None and message.dequeue_count == 1
    first_handle = message.receipt_handle
    assert json.loads(message.decoded()) == EVENT
    assert message.body != message.decoded()  # Base64 by default
    assert queue.receive() is None  # invisible for 30 s
    clock.advance(31)
    again = queue.receive()
    assert again is not None and again.dequeue_count == 2
    assert not queue.delete(first_handle)  # the old handle is stale
    assert queue.delete(again.receipt_handle)
    assert len(queue) == 0


def test_mns_raw_json_switch(bus: Any) -> None:
    bus.mns_base64 = False
    bus.configure(callback_type="MNS", mns_queue_name="q")
    bus.emit(EVENT)
    message = bus.mns.queue(bus.default_account_id, "q").receive()
    assert json.loads(message.body) == EVENT


def test_background_delivery_does_not_block_emit(bus: Any) -> None:
    gate = threading.Event()
    delivered: list[bytes] = []

    def slow(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        gate.wait(5)
        delivered.append(body)
        return 200

    bus.transport = slow
    bus.set_delivery("background")
    bus.configure(callback_url="http://receiver.invalid/cb")
    records = [bus.emit(EVENT), bus.emit({**EVENT, "Size": 1})]
    assert [record.status for record in records] == ["pending", "pending"]
    assert not bus.flush(timeout=0.05)
    gate.set()
    assert bus.flush()
    assert [record.status for record in records] == ["delivered", "delivered"]
    assert [json.loads(body)["Size"] for body in delivered] == [4372373, 1]  # emission order


def test_delivery_mode_is_validated(bus: Any) -> None:
    with pytest.raises(ValueError):
        bus.set_delivery("later")


def test_reset_clears_events_configs_queues_and_test_subscribers(app: Any, bus: Any) -> None:
    get_state(app).reset()  # the app has started: later subscriptions are a test's own
    permanent: list[dict[str, Any]] = []
    bus.subscribe(permanent.append, permanent=True)
    temporary: list[dict[str, Any]] = []
    bus.subscribe(temporary.append)
    bus.configure(callback_type="MNS", mns_queue_name="q")
    bus.set_delivery("background")
    bus.emit(EVENT)
    bus.flush()
    get_state(app).reset()
    assert bus.log == [] and bus.configs() == [] and bus.mns.names() == []
    assert bus.delivery == "auto"
    bus.emit(EVENT)
    assert len(permanent) == 2 and len(temporary) == 1


def test_subscriptions_made_at_startup_survive_reset(app: Any, bus: Any) -> None:
    startup: list[dict[str, Any]] = []
    bus.subscribe(startup.append)  # before the first request or reset, like a component's init_app
    get_state(app).reset()
    later: list[dict[str, Any]] = []
    bus.subscribe(later.append)
    get_state(app).reset()
    bus.emit(EVENT)
    assert len(startup) == 1 and later == []


def test_callback_config_survives_a_restart_with_a_data_dir(tmp_path: Any) -> None:

    from vodfc.emulator.app import create_app
    from vodfc.emulator.config import EmulatorConfig
    from vodfc.emulator.events import get_bus

    from tests.emulator.support import events as support

    config = EmulatorConfig(components=("events",), data_dir=str(tmp_path))

    def start() -> Any:
        return create_app(config, backend_factory=support.fakes.FakeBackend, actions=support.fakes.ACTIONS)

    first = start()
    get_bus(first).configure(callback_url="http://127.0.0.1:8080/cb", auth_switch="on", auth_key="Abc123xyz")
    get_bus(first).configure(account_id="999", app_id="app-2", callback_type="MNS", mns_queue_name="q")
    get_state(first).store.close()
    second = start()
    config_back = get_bus(second).callback_config()
    assert config_back is not None and config_back.callback_url == "http://127.0.0.1:8080/cb"
    assert config_back.auth_key == "Abc123xyz"
    assert get_bus(second).delete_config()
    get_state(second).store.close()
    assert get_bus(start()).callback_config() is None


def test_events_queued_before_a_reset_are_not_delivered(app: Any, bus: Any) -> None:
    gate = threading.Event()
    calls: list[str] = []

    def slow(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        gate.wait(5)
        calls.append(url)
        return 200

    seen: list[dict[str, Any]] = []
    bus.transport = slow
    bus.set_delivery("background")
    bus.configure(callback_url="http://receiver.invalid/cb")
    bus.emit(EVENT)
    bus.emit(EVENT)
    bus.subscribe(seen.append, permanent=True)
    get_state(app).reset()
    gate.set()
    assert bus.flush()
    assert len(calls) <= 1 and len(seen) <= 1  # at most the one already in flight


def test_callbacks_to_hosts_the_emulator_answers_go_through_the_app(app: Any, bus: Any) -> None:
    from flask import Response, request

    received: list[tuple[str, bytes, str]] = []
    statuses = [503, 200]

    def handler(match: Any) -> Response:
        received.append((request.full_path, request.get_data(), request.headers.get("X-VOD-SIGNATURE", "")))
        return Response("", status=statuses.pop(0))

    get_state(app).add_host_route(r"cb\.fc\.aliyuncs\.com", handler)
    url = "https://cb.fc.aliyuncs.com/2016-08-15/proxy/vodfc/on_event/?x=1"
    bus.configure(callback_url=url, auth_switch="on", auth_key="Abc123xyz")
    record = bus.emit(EVENT)
    assert record.status == "delivered" and [a.status for a in record.attempts] == [503, 200]
    path, body, signature = received[-1]
    assert path == "/2016-08-15/proxy/vodfc/on_event/?x=1" and json.loads(body) == EVENT
    assert signature == sign(url, record.attempts[-1].headers["X-VOD-TIMESTAMP"], "Abc123xyz")
