"""EventApp's two faces: unknown events acknowledged, bad input answered, VOD callbacks verified."""

from __future__ import annotations

import json

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire

from shared.errors import ServerError
from shared.events.signature import signed_headers
from tests.functions.support.events import NOW, invoke, post
from tests.functions.support.fakes import FakeVideo

KEY = "Vodfc1AuthKey"
URL = "https://fc.example.com/2016-08-15/proxy/vodfc/AutoTagCallback/"


@pytest.fixture
def auto_tag(fn, monkeypatch, vod):
    monkeypatch.setenv("VODFC_CALLBACK_AUTH_KEY", KEY)
    monkeypatch.setenv("VODFC_CALLBACK_URL", URL)
    monkeypatch.delenv("VODFC_CALLBACK_AUTH", raising=False)
    vod.add(FakeVideo("v1"))
    return fn("auto_tag")


def body(event: dict | None = None) -> bytes:
    # A fixed EventTime: two calls must give the same body, also across a second boundary.
    default = p.file_upload_complete(
        "v1", size=1, file_url="http://b/x.mp4", event_time="2026-05-28T20:26:40Z"
    )
    return wire.encode(event or default)


def test_unknown_and_unhandled_events_are_acknowledged(auto_tag, vod, caplog) -> None:
    with caplog.at_level("INFO"):
        result = invoke(auto_tag, {"EventType": "AIMediaAuditComplete", "MediaId": "m1", "Status": "success"})
    assert result["Results"] == [
        {"EventType": "AIMediaAuditComplete", "Outcome": "ignored", "Reason": "event type not handled"}
    ]
    assert any("ignored AIMediaAuditComplete m1" in r.getMessage() for r in caplog.records)
    (report,) = invoke(auto_tag, p.example("DeleteMediaComplete"))["Results"]
    assert report["Outcome"] == "ignored" and not vod.calls


def test_unreadable_event_is_answered_not_raised(auto_tag) -> None:
    result = invoke(auto_tag, b"not json at all")
    assert result["Code"] == "InvalidEvent" and "RequestId" in result


def test_a_batch_is_handled_event_by_event(auto_tag, vod) -> None:
    vod.add(FakeVideo("v2"))
    batch = [
        wire.eventbridge_mns(json.loads(body())),
        wire.eventbridge_mns(p.file_upload_complete("v2", size=1, file_url="http://x")),
    ]
    result = invoke(auto_tag, json.dumps(batch))
    assert [r["MediaId"] for r in result["Results"]] == ["v1", "v2"]
    assert vod.videos["v2"].tags


def test_signed_callback_is_processed(auto_tag, vod) -> None:
    status, answer = post(auto_tag, body(), signed_headers(URL, KEY, int(NOW)))
    assert status == 200 and answer["Results"][0]["Outcome"] == "updated"
    assert vod.videos["v1"].tags


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "MissingSignature"),
        (signed_headers(URL, "wrong-key", int(NOW)), 403, "SignatureDoesNotMatch"),
        (signed_headers(URL, KEY, int(NOW) - 3600), 401, "StaleTimestamp"),
    ],
)
def test_unauthenticated_callbacks_change_nothing(auto_tag, vod, headers, status, code) -> None:
    got, answer = post(auto_tag, body(), headers)
    assert (got, answer["Code"]) == (status, code)
    assert not vod.calls


def test_replayed_headers_on_a_forged_body_are_refused(auto_tag, vod) -> None:
    headers = signed_headers(URL, KEY, int(NOW))
    assert post(auto_tag, body(), headers)[0] == 200
    forged = body(p.file_upload_complete("victim", size=1, file_url="http://x"))
    status, answer = post(auto_tag, forged, headers)
    assert (status, answer["Code"]) == (403, "ReplayedSignature")
    assert ("GetVideoInfo", "victim") not in vod.calls


def test_duplicate_callback_is_acknowledged_once_done(auto_tag, vod) -> None:
    headers = signed_headers(URL, KEY, int(NOW))
    post(auto_tag, body(), headers)
    calls = len(vod.calls)
    status, answer = post(auto_tag, body(), headers)
    assert status == 200 and answer["Duplicate"] is True and len(vod.calls) == calls


def test_transient_failure_asks_vod_to_retry_and_the_retry_is_processed(auto_tag, vod) -> None:
    headers = signed_headers(URL, KEY, int(NOW))
    vod.fail("UpdateVideoInfo", ServerError("ServiceUnAvailable", "down", http_status=503))
    status, answer = post(auto_tag, body(), headers)
    assert status == 503 and answer["Code"] == "ServiceUnAvailable"
    # VOD's retry carries the same signed body: it is processed, not refused as a replay
    status, answer = post(auto_tag, body(), headers)
    assert status == 200 and answer["Results"][0]["Outcome"] == "updated"


def test_callback_without_a_configured_key_is_a_configuration_error(fn, monkeypatch, vod) -> None:
    monkeypatch.delenv("VODFC_CALLBACK_AUTH_KEY", raising=False)
    monkeypatch.delenv("VODFC_CALLBACK_AUTH", raising=False)
    module = fn("auto_tag")
    status, answer = post(module, body(), {})
    assert (status, answer["Code"]) == (500, "FunctionNotConfigured")
    assert "VODFC_CALLBACK_AUTH_KEY" in answer["Message"] and not vod.calls


def test_auth_off_accepts_unsigned_callbacks(fn, monkeypatch, vod) -> None:
    monkeypatch.setenv("VODFC_CALLBACK_AUTH", "off")
    vod.add(FakeVideo("v1"))
    status, _ = post(fn("auto_tag"), body(), {})
    assert status == 200 and vod.videos["v1"].tags


def test_url_defaults_to_the_request_url(fn, monkeypatch, vod) -> None:
    monkeypatch.setenv("VODFC_CALLBACK_AUTH_KEY", KEY)
    monkeypatch.delenv("VODFC_CALLBACK_URL", raising=False)
    monkeypatch.delenv("VODFC_CALLBACK_AUTH", raising=False)
    vod.add(FakeVideo("v1"))
    own = "http://fc.example.com/2016-08-15/proxy/vodfc/Fn/cb"
    status, _ = post(fn("auto_tag"), body(), signed_headers(own, KEY, int(NOW)), path="/cb")
    assert status == 200


def test_callback_body_must_be_a_vod_event(auto_tag) -> None:
    status, answer = post(
        auto_tag,
        json.dumps(wire.mns_topic_json(json.loads(body()), trigger="vod-events")).encode(),
        signed_headers(URL, KEY, int(NOW)),
    )
    assert (status, answer["Code"]) == (400, "InvalidEvent")


def test_fc3_http_event_reaches_the_callback_face(auto_tag, vod) -> None:
    headers = signed_headers(URL, KEY, int(NOW))
    event = {
        "version": "v1",
        "rawPath": "/",
        "body": body().decode(),
        "isBase64Encoded": False,
        "headers": {**headers, "Content-Type": "application/json"},
        "queryParameters": {},
        "requestContext": {"http": {"method": "POST", "path": "/"}},
    }
    from tests.functions.support.events import context

    answer = auto_tag.handler(json.dumps(event).encode(), context())
    assert answer["statusCode"] == 200 and vod.videos["v1"].tags


def test_auth_key_never_reaches_the_log(auto_tag, caplog) -> None:
    with caplog.at_level("DEBUG"):
        post(auto_tag, body(), signed_headers(URL, "wrong-key", int(NOW)))
        post(auto_tag, body(), signed_headers(URL, KEY, int(NOW)))
    assert KEY not in caplog.text


def test_event_functions_retry_briefly_and_leave_the_rest_to_the_trigger() -> None:
    from vodfc.emulator.fc.context import Credentials, local_context

    from shared.events.app import _event_client

    client = _event_client(
        local_context(credentials=Credentials("STS.id", "secret-value-1234", "token-value-1234"))
    )
    assert client.retry.max_attempts == 3 and client.retry.max_delay <= 2.0
