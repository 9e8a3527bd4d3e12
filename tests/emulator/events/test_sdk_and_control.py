"""Events through the official SDK (message-callback actions, events caused by VOD calls) and the
``/_vodfc/events`` control plane, in-process and against the server."""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.request import Request, urlopen

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.GetMessageCallbackRequest import GetMessageCallbackRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.SetMessageCallbackRequest import SetMessageCallbackRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from vodfc.emulator.events import get_bus, payloads
from vodfc.shared.events.signature import sign


def _call(client: Any, request: Any) -> dict[str, Any]:
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def _set_callback(client: Any, **params: str) -> dict[str, Any]:
    request = SetMessageCallbackRequest()
    for name, value in params.items():
        getattr(request, f"set_{name}")(value)
    return _call(client, request)


def test_set_and_get_message_callback(target: Any, receiver: Any) -> None:
    client = target.acs_client()
    assert "MessageCallback" not in _call(client, GetMessageCallbackRequest())
    _set_callback(client, CallbackType="HTTP", CallbackURL=receiver.url, AuthSwitch="on", AuthKey="Abc123xyz")
    answer = _call(client, GetMessageCallbackRequest())["MessageCallback"]
    assert answer["CallbackURL"] == receiver.url and answer["AuthKey"] == "Abc123xyz"
    assert answer["EventTypeList"] == "ALL" and answer["AppId"] == "app-1000000"
    # A later call changes only what it names.
    _set_callback(client, EventTypeList="FileUploadComplete,TranscodeComplete")
    answer = _call(client, GetMessageCallbackRequest())["MessageCallback"]
    assert answer["CallbackURL"] == receiver.url
    assert answer["EventTypeList"] == "FileUploadComplete,TranscodeComplete"


@pytest.mark.parametrize(
    "params",
    [
        {"CallbackType": "SMS"},
        {"AuthSwitch": "maybe"},
        {"AuthKey": "alllowercase1"},
        {"CallbackURL": "http://example.com/" + "a" * 300},
        {"CallbackURL": "ftp://example.com/cb"},
    ],
)
def test_set_message_callback_rejects_bad_values(target: Any, params: dict[str, str]) -> None:
    with pytest.raises(ServerException) as info:
        _set_callback(target.acs_client(), **params)
    assert info.value.get_error_code() == "InvalidParameter"
    assert info.value.get_http_status() == 400


def test_an_event_caused_by_a_vod_call_reaches_the_receiver_signed(target: Any, receiver: Any) -> None:
    """An after_action hook emits; delivery happens after the call let go of the backend lock."""
    bus = get_bus(target.app)
    modes: list[str] = []

    def emit_on_update(backend: Any, action: str, params: Any, ctx: Any, result: Any) -> None:
        if action == "UpdateVideoInfo":
            modes.append(ctx.mode)
            bus.emit(
                payloads.media_base_change_complete(
                    params["VideoId"], operate_mode="update", changes={"Title": ("old", params["Title"])}
                ),
                account_id=ctx.account_id,
            )

    target.state.after_action.append(emit_on_update)
    target.backend.put("video-1", Title="old")
    client = target.acs_client()
    _set_callback(client, CallbackURL=receiver.url, AuthSwitch="on", AuthKey="Abc123xyz")
    request = UpdateVideoInfoRequest()
    request.set_VideoId("video-1")
    request.set_Title("new")
    _call(client, request)
    if target.mode == "inprocess":
        assert len(receiver.requests) == 1  # synchronous: delivered before the answer
    else:
        assert bus.flush()
    (callback,) = receiver.wait_for(1)
    event = json.loads(callback["body"])
    assert event["EventType"] == "MediaBaseChangeComplete" and event["MediaId"] == "video-1"
    assert json.loads(event["MediaContent"]["Title"]) == {"OldValue": "old", "NewValue": "new"}
    headers = {name.lower(): value for name, value in callback["headers"].items()}
    assert headers["x-vod-signature"] == sign(receiver.url, headers["x-vod-timestamp"], "Abc123xyz")
    assert modes == [target.mode]
    assert [record.status for record in bus.log] == ["delivered"]


def test_a_receiver_may_call_the_emulator_back(target: Any) -> None:
    """Delivery waits for the backend lock to be released, so a subscriber's VOD call works."""
    bus = get_bus(target.app)
    target.backend.put("video-1", Title="old")
    client = target.acs_client()
    titles: list[str] = []

    def read_back(event: dict[str, Any]) -> None:
        request = GetVideoInfoRequest()
        request.set_VideoId(event["MediaId"])
        titles.append(_call(client, request)["Video"]["Title"])

    bus.subscribe(read_back, event_types=["MediaBaseChangeComplete"])

    def emit_on_update(backend: Any, action: str, params: Any, ctx: Any, result: Any) -> None:
        if action == "UpdateVideoInfo":
            bus.emit(payloads.media_base_change_complete("video-1", operate_mode="update", changes={}))

    target.state.after_action.append(emit_on_update)
    request = UpdateVideoInfoRequest()
    request.set_VideoId("video-1")
    request.set_Title("new")
    _call(client, request)
    assert bus.flush()
    assert titles == ["new"]


def _admin_http(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urlopen(request, timeout=5) as response:
        text = response.read()
        return response.status, json.loads(text) if text else None


def test_control_plane(target: Any, receiver: Any) -> None:
    if target.mode != "server":
        pytest.skip("the control plane is plain HTTP; the server covers it")
    base = f"{target.url}/_vodfc/events"
    _http = functools.partial(_admin_http, headers=target.admin_headers)
    status, config = _http(f"{base}/config", "POST", {"CallbackURL": receiver.url, "AuthSwitch": "off"})
    assert status == 200 and config["CallbackURL"] == receiver.url
    event = payloads.example("FileUploadComplete")
    status, record = _http(base, "POST", event)
    assert status == 200 and record["seq"] == 1
    _http(f"{base}/flush", "POST", {})
    status, listing = _http(f"{base}?type=FileUploadComplete")
    assert [item["status"] for item in listing["events"]] == ["delivered"]
    assert listing["events"][0]["event"] == event
    assert json.loads(receiver.requests[0]["body"]) == event

    _http(f"{base}/config", "POST", {"CallbackType": "MNS", "MnsQueueName": "vod-q"})
    _http(base, "POST", event)
    _http(f"{base}/flush", "POST", {})
    status, queues = _http(f"{base}/queues")
    assert queues["queues"][0]["name"] == "vod-q" and queues["queues"][0]["messages"] == 1
    status, message = _http(f"{base}/queues/vod-q/receive", "POST", {})
    assert status == 200 and message["DequeueCount"] == 1
    status, _ = _http(f"{base}/queues/vod-q/messages/{message['ReceiptHandle']}", "DELETE")
    assert status == 204
    status, _ = _http(f"{base}/queues/vod-q/receive", "POST", {})
    assert status == 204

    status, config = _http(f"{base}/config", "POST", {"delivery": "sync"})
    assert config["delivery"] == "sync"
    _http(f"{target.url}/_vodfc/reset", "POST", {})
    status, config = _http(f"{base}/config")
    assert config == {"delivery": "auto", "mns_base64": True, "configs": []}
    status, listing = _http(base)
    assert listing["events"] == []


def test_control_plane_rejects_bad_input(target: Any) -> None:
    if target.mode != "server":
        pytest.skip("server only")
    from urllib.error import HTTPError

    base = f"{target.url}/_vodfc/events"
    _http = functools.partial(_admin_http, headers=target.admin_headers)
    for url, method, body in [
        (base, "POST", {"no": "type"}),
        (f"{base}/config", "POST", {"delivery": "never"}),
        (f"{base}?limit=x", "GET", None),
        (f"{base}/queues/q/receive", "POST", {"VisibilityTimeout": "soon"}),
    ]:
        with pytest.raises(HTTPError) as info:
            _http(url, method, body)
        assert info.value.code == 400
        assert json.loads(info.value.read())["error"] == "InvalidParameter"
