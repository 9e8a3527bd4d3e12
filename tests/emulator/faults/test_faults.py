"""Every fault kind through the official SDKs, in-process and against the server, plus the admin
endpoint, the command line and reset."""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from vodfc.emulator.app import get_state
from vodfc.emulator.events import get_bus, payloads
from vodfc.emulator.faults import FaultError, FaultRule, Faults, get_faults


def get_video(target: Any, video_id: str = "video-1") -> dict[str, Any]:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return json.loads(target.acs_client(auto_retry=False).do_action_with_exception(request))  # type: ignore[no-any-return]


def server_error(target: Any, video_id: str = "video-1") -> ServerException:
    with pytest.raises(ServerException) as info:
        get_video(target, video_id)
    return info.value


@pytest.fixture
def videos(target: Any) -> Any:
    target.backend.put("video-1")
    target.backend.put("video-2")
    return target


def test_off_by_default(videos: Any) -> None:
    assert get_faults(videos.app).rules == []
    assert get_video(videos)["Video"]["VideoId"] == "video-1"


def test_throttling_n_times_then_success(videos: Any) -> None:
    rule = get_faults(videos.app).add("throttle", action="GetVideoInfo", times=2)
    for _ in range(2):
        error = server_error(videos)
        assert (error.get_error_code(), error.get_http_status()) == ("Throttling.User", 400)
        assert error.get_error_msg() == "Request was denied due to user flow control."
    assert get_video(videos)["Video"]["VideoId"] == "video-1"
    assert (rule.matched, rule.fired) == (3, 2)


def test_throttling_header_makes_tea_raise_throttling_exception(videos: Any) -> None:
    from alibabacloud_tea_openapi.exceptions import ClientException as TeaClientException
    from alibabacloud_tea_openapi.exceptions import ThrottlingException
    from alibabacloud_vod20170321.models import GetVideoInfoRequest as TeaGetVideoInfo

    faults = get_faults(videos.app)
    faults.add("throttle", action="GetVideoInfo", times=1, retry_after_ms=2500)
    with pytest.raises(ThrottlingException) as info:
        videos.tea_client().get_video_info(TeaGetVideoInfo(video_id="video-1"))
    assert info.value.code == "Throttling.User" and info.value.retry_after == 2500
    faults.add("throttle", action="GetVideoInfo", times=1, retry_after_ms=None)
    with pytest.raises(TeaClientException) as plain:
        videos.tea_client().get_video_info(TeaGetVideoInfo(video_id="video-1"))
    assert not isinstance(plain.value, ThrottlingException) and plain.value.code == "Throttling.User"


def test_rules_match_by_action_and_video_id(videos: Any) -> None:
    get_faults(videos.app).add("error", video_id="video-2")
    assert get_video(videos, "video-1")["Video"]["VideoId"] == "video-1"
    assert server_error(videos, "video-2").get_error_code() == "InternalError"
    get_faults(videos.app).clear()
    get_faults(videos.app).add("error", action="UpdateVideoInfo")
    assert get_video(videos, "video-2")["Video"]["VideoId"] == "video-2"


@pytest.mark.parametrize(
    ("fields", "code", "status"),
    [
        ({}, "InternalError", 500),
        ({"code": "ServiceUnAvailable"}, "ServiceUnAvailable", 503),
        ({"code": "DeleteVideoFailed"}, "DeleteVideoFailed", 503),
        (
            {"code": "Forbidden.IllegalStatus", "message": "Status of the video is illegal."},
            "Forbidden.IllegalStatus",
            403,
        ),
        ({"code": "Custom.Thing", "status": 502, "message": "custom"}, "Custom.Thing", 502),
    ],
)
def test_server_errors(videos: Any, fields: dict[str, Any], code: str, status: int) -> None:
    get_faults(videos.app).add("error", action="GetVideoInfo", **fields)
    error = server_error(videos)
    assert (error.get_error_code(), error.get_http_status()) == (code, status)
    assert "{" not in error.get_error_msg()


def test_latency_uses_the_injected_sleep(videos: Any) -> None:
    faults = get_faults(videos.app)
    slept: list[float] = []
    faults.sleep = slept.append
    faults.add("latency", action="GetVideoInfo", latency=2.5, times=1)
    get_video(videos)
    get_video(videos)
    assert slept == [2.5]


def test_dropped_connection(videos: Any) -> None:
    get_faults(videos.app).add("drop", action="GetVideoInfo", times=1)
    with pytest.raises(ClientException) as info:
        get_video(videos)
    assert info.value.get_error_code() == "SDK.HttpError"
    assert get_video(videos)["Video"]["VideoId"] == "video-1"


def test_qps_cap_on_the_emulator_clock(videos: Any) -> None:
    faults = get_faults(videos.app)
    now = [faults.clock()]
    faults.clock = lambda: now[0]
    faults.add("qps", action="GetVideoInfo", qps=2, burst=2)
    get_video(videos)
    get_video(videos)
    assert server_error(videos).get_error_code() == "Throttling.User"
    now[0] += timedelta(seconds=0.5)  # one token back
    get_video(videos)
    assert server_error(videos).get_error_code() == "Throttling.User"


def test_a_failed_call_writes_nothing(videos: Any) -> None:
    get_faults(videos.app).add("error", action="UpdateVideoInfo", times=1, code="ServiceUnAvailable")
    request = UpdateVideoInfoRequest()
    request.set_VideoId("video-1")
    request.set_Title("changed")
    client = videos.acs_client(auto_retry=False)
    with pytest.raises(ServerException):
        client.do_action_with_exception(request)
    assert get_video(videos)["Video"]["Title"] == "untitled"
    client.do_action_with_exception(request)
    assert get_video(videos)["Video"]["Title"] == "changed"


def test_reset_clears_rules(videos: Any) -> None:
    get_faults(videos.app).add("error")
    get_state(videos.app).reset()
    assert get_faults(videos.app).rules == []
    videos.backend.put("video-1")
    assert get_video(videos)["Video"]["VideoId"] == "video-1"


# --- event delivery faults -------------------------------------------------------------------------


def _event(size: int) -> dict[str, Any]:
    return payloads.file_upload_complete("video-1", size=size, file_url="http://b.oss/x.mp4")


def test_duplicated_event_delivery(app: Any, receiver: Any) -> None:
    bus = get_bus(app)
    bus.configure(callback_url=receiver.url)
    seen: list[dict[str, Any]] = []
    bus.subscribe(seen.append)
    get_faults(app).add("duplicate-event", event_type="FileUploadComplete", times=1)
    record = bus.emit(_event(1))
    bus.emit(_event(2))
    assert [json.loads(r["body"])["Size"] for r in receiver.requests] == [1, 1, 2]
    assert [event["Size"] for event in seen] == [1, 1, 2]
    assert record.deliveries == 2 and len(bus.log) == 2


def test_reordered_event_delivery(app: Any, receiver: Any) -> None:
    bus = get_bus(app)
    bus.configure(callback_url=receiver.url)
    get_faults(app).add("reorder-event", video_id="video-1", times=1)
    held = bus.emit(_event(1))
    assert held.status == "held" and receiver.requests == []
    bus.emit(_event(2))
    assert [json.loads(r["body"])["Size"] for r in receiver.requests] == [2, 1]
    assert held.status == "delivered"
    assert [record.event["Size"] for record in bus.log] == [1, 2]  # the log keeps emission order


def test_a_held_event_is_released_by_flush(app: Any, receiver: Any) -> None:
    bus = get_bus(app)
    bus.configure(callback_url=receiver.url)
    get_faults(app).add("reorder-event")
    bus.emit(_event(1))
    assert bus.flush()
    assert len(receiver.requests) == 1


def test_event_faults_survive_a_bus_reset(app: Any, receiver: Any) -> None:
    get_state(app).reset()
    bus = get_bus(app)
    bus.configure(callback_url=receiver.url)
    get_faults(app).add("duplicate-event")
    bus.emit(_event(1))
    assert len(receiver.requests) == 2


# --- rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "explode"},
        {"kind": "latency"},
        {"kind": "qps", "qps": 0},
        {"kind": "error", "code": "Unknown.Code"},
        {"kind": "throttle", "times": -1},
    ],
)
def test_bad_rules_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(FaultError):
        FaultRule.from_json(fields)


def test_after_lets_the_first_calls_through(clock: Any) -> None:
    faults = Faults(clock)
    faults.add("error", after=1, times=1)
    faults.before_action(None, "GetVideoInfo", {}, None)
    with pytest.raises(Exception, match="InternalError"):
        faults.before_action(None, "GetVideoInfo", {}, None)
    faults.before_action(None, "GetVideoInfo", {}, None)


def test_ids_come_from_every_id_parameter(clock: Any) -> None:
    faults = Faults(clock)
    faults.add("error", video_id="v9")
    for params in (
        {"VideoIds": "v1,v9"},
        {"ImageIds": "v9"},
        {"UpdateContent": json.dumps([{"VideoId": "v9", "Title": "t"}])},
    ):
        with pytest.raises(Exception, match="InternalError"):
            faults.before_action(None, "Any", params, None)
    faults.before_action(None, "Any", {"VideoIds": "v1", "UpdateContent": "not json"}, None)


# --- admin endpoint and command line ----------------------------------------------------------------


def _admin_http(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **(headers or {})}
    request = Request(url, data=data, method=method, headers=headers)
    try:
        with urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_admin_endpoint(videos: Any) -> None:
    if videos.mode != "server":
        pytest.skip("plain HTTP; the server covers it")
    base = f"{videos.url}/_vodfc/faults"
    _http = functools.partial(_admin_http, headers=videos.admin_headers)
    status, rule = _http(base, "POST", {"kind": "throttle", "action": "GetVideoInfo", "times": 1})
    assert status == 200 and rule["kind"] == "throttle"
    assert server_error(videos).get_error_code() == "Throttling.User"
    status, listing = _http(base)
    assert [(r["id"], r["fired"]) for r in listing["rules"]] == [(rule["id"], 1)]
    assert _http(f"{base}/{rule['id']}", "DELETE")[0] == 200
    assert _http(f"{base}/{rule['id']}", "DELETE")[0] == 404
    _http(base, "POST", {"kind": "error"})
    assert _http(base, "DELETE") == (200, {"rules": []})
    assert get_video(videos)["Video"]["VideoId"] == "video-1"
    for bad in ({"kind": "nope"}, {"kind": "error", "bogus": 1}, {"kind": "qps", "qps": "fast"}, ["list"]):
        status, answer = _http(base, "POST", bad)
        assert status == 400 and answer["error"] == "InvalidParameter"


def test_command_line(
    videos: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if videos.mode != "server":
        pytest.skip("the command line talks to a server")
    monkeypatch.setenv("VODFC_ADMIN_TOKEN", videos.admin_token)
    from vodfc.emulator.cli import main

    assert main(["faults", "add", "error", "--action", "GetVideoInfo", "--code", "ServiceUnAvailable",
                 "--times", "1", "--url", videos.url]) == 0  # fmt: skip
    rule = json.loads(capsys.readouterr().out)
    assert rule["code"] == "ServiceUnAvailable" and rule["times"] == 1
    assert server_error(videos).get_http_status() == 503
    assert main(["faults", "add", "throttle", "--retry-after", "0", "--url", videos.url]) == 0
    assert json.loads(capsys.readouterr().out)["retry_after_ms"] is None
    assert main(["faults", "list", "--url", videos.url]) == 0
    assert len(json.loads(capsys.readouterr().out)["rules"]) == 2
    assert main(["faults", "disable", rule["id"], "--url", videos.url]) == 0
    assert json.loads(capsys.readouterr().out)["enabled"] is False
    assert get_faults(videos.app).rule(rule["id"]).enabled is False
    assert main(["faults", "enable", rule["id"], "--url", videos.url]) == 0
    assert json.loads(capsys.readouterr().out)["enabled"] is True
    assert main(["faults", "disable", "no-such-rule", "--url", videos.url]) == 1
    assert "no fault rule" in capsys.readouterr().err
    assert main(["faults", "remove", rule["id"], "--url", videos.url]) == 0
    assert main(["faults", "remove", rule["id"], "--url", videos.url]) == 1
    assert "no fault rule" in capsys.readouterr().err
    assert main(["faults", "clear", "--url", videos.url]) == 0
    assert get_faults(videos.app).rules == []
    assert main(["faults", "add", "latency", "--url", videos.url]) == 1
    assert "latency" in capsys.readouterr().err


def test_command_line_without_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from vodfc.emulator.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["faults", "list", "--url", f"http://127.0.0.1:{port}"]) == 1
    assert "cannot reach the emulator" in capsys.readouterr().err


def test_probability_is_repeatable_with_a_seed(clock: Any) -> None:
    def pattern() -> list[bool]:
        faults = Faults(clock)
        faults.add("error", probability=0.3, seed=7)
        fired = []
        for _ in range(40):
            try:
                faults.before_action(None, "GetVideoInfo", {}, None)
                fired.append(False)
            except Exception:
                fired.append(True)
        return fired

    first = pattern()
    assert first == pattern() and 3 < sum(first) < 25
    with pytest.raises(FaultError):
        FaultRule.from_json({"kind": "error", "probability": 2})


def test_dropped_event(app: Any, receiver: Any) -> None:
    bus = get_bus(app)
    bus.configure(callback_url=receiver.url)
    seen: list[dict[str, Any]] = []
    bus.subscribe(seen.append)
    get_faults(app).add("drop-event", event_type="FileUploadComplete", times=1)
    lost = bus.emit(_event(1))
    kept = bus.emit(_event(2))
    assert (lost.status, kept.status) == ("dropped", "delivered")
    assert [json.loads(r["body"])["Size"] for r in receiver.requests] == [2] and len(seen) == 1
