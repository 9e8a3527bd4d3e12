"""The event router: one FC function runs every event function that handles an event, in-process."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events.wire import encode

from shared.errors import ServerError
from shared.events.app import EventApp
from shared.events.router import EventRouter, from_env
from shared.events.signature import signed_headers
from shared.fc.errors import ConfigurationError
from tests.functions.support.events import NOW, context, invoke, post
from tests.functions.support.fakes import FakeImage, FakeStream, FakeVideo

KEY = "Vodfc1AuthKey"
JOBS = {"SD": "job-sd", "FD": "job-fd"}
URL = "https://vodevents-abc.cn-shanghai.fcapp.run/"


@pytest.fixture
def router(fn, monkeypatch, vod) -> EventRouter:
    """The router of the project's event functions, each wired to ``vod`` as ``fn`` wires them."""
    monkeypatch.setenv("VODFC_CALLBACK_AUTH_KEY", KEY)
    monkeypatch.setenv("VODFC_CALLBACK_URL", URL)
    monkeypatch.delenv("VODFC_CALLBACK_AUTH", raising=False)
    modules = [fn(folder) for folder in ("auto_tag", "delete_source", "prune_streams", "tag_images")]
    monkeypatch.setenv("VODFC_PRUNE_STREAMS_CONFIG", json.dumps({"keep_definitions": ["SD"]}))
    vod.add(FakeVideo("v1", streams=[FakeStream("job-sd", "SD"), FakeStream("job-fd", "FD")]))
    return EventRouter([module.app for module in modules], clock=lambda: NOW)


def transcode() -> dict[str, Any]:
    streams = [p.stream_info(job_id=job, definition=d, file_url="http://x") for d, job in JOBS.items()]
    return p.transcode_complete("v1", streams)


def test_every_function_that_handles_the_event_runs_and_says_so(router, vod) -> None:
    results = invoke(router, transcode())["Results"]
    # delete_source and prune_streams both take TranscodeComplete, in the order they are listed.
    assert [(r["Function"], r["Outcome"]) for r in results] == [
        ("delete_source", "deleted"),
        ("prune_streams", "deleted"),
    ]
    assert {r["EventType"] for r in results} == {"TranscodeComplete"}
    (upload,) = invoke(router, p.file_upload_complete("v1", size=1, file_url="http://b/x.mp4"))["Results"]
    assert upload["Function"] == "auto_tag" and vod.actions("GetVideoInfo")
    vod.images["i1"] = FakeImage("i1")
    (image,) = invoke(router, p.image_upload_complete("i1", size=1, file_url="http://b/cat.jpg"))["Results"]
    assert image["Function"] == "tag_images"


def test_an_event_no_function_handles_is_acknowledged(router, vod) -> None:
    (report,) = invoke(router, p.example("DeleteMediaComplete"))["Results"]
    assert report == {
        "EventType": "DeleteMediaComplete",
        "Outcome": "ignored",
        "Reason": "no function handles this event type",
    }
    assert not vod.calls


def test_a_failing_function_does_not_stop_the_others_and_the_event_is_redelivered() -> None:
    ran: list[str] = []
    first: EventApp[None] = EventApp("first")
    second: EventApp[None] = EventApp("second")

    @first.on("FileUploadComplete")
    def fail(event: Any, run: Any) -> dict[str, Any]:
        ran.append("first")
        raise ServerError("ServiceUnavailable", "VOD is busy", http_status=503)

    @second.on("FileUploadComplete")
    def succeed(event: Any, run: Any) -> dict[str, Any]:
        ran.append("second")
        return {"Outcome": "done"}

    router = EventRouter([first, second])
    event = json.dumps(p.file_upload_complete("v1", size=1, file_url="http://x")).encode()
    # Raised: the trigger redelivers the whole event, and each function is idempotent.
    with pytest.raises(ServerError):
        router.handler(event, context())
    assert ran == ["first", "second"]


def test_vods_callback_is_verified_once_then_every_function_runs(router, vod) -> None:
    body = encode(transcode())
    status, answer = post(router, body, signed_headers(URL, KEY, int(NOW)))
    assert status == 200 and [r["Function"] for r in answer["Results"]] == ["delete_source", "prune_streams"]
    calls = len(vod.calls)
    status, answer = post(router, body, {})
    assert (status, answer["Code"]) == (401, "MissingSignature") and len(vod.calls) == calls


def test_the_callback_arrives_as_an_fc3_http_event_on_fc3(router, vod) -> None:
    body = encode(p.file_upload_complete("v1", size=1, file_url="http://b/x.mp4"))
    event = {
        "version": "v1",
        "rawPath": "/",
        "headers": {"Content-Type": "application/json", **signed_headers(URL, KEY, int(NOW))},
        "queryParameters": {},
        "body": body.decode(),
        "isBase64Encoded": False,
        "requestContext": {"http": {"method": "POST", "path": "/", "sourceIp": "1.2.3.4"}},
    }
    answer = router.handler(json.dumps(event).encode(), context())
    assert isinstance(answer, dict) and answer["statusCode"] == 200
    assert json.loads(answer["body"])["Results"][0]["Function"] == "auto_tag"


def test_the_functions_come_from_the_deployments_variable() -> None:
    router = from_env({"VODFC_EVENT_FUNCTIONS": "auto_tag, delete_source"})
    assert [app.name for app in router.apps] == ["auto_tag", "delete_source"]
    with pytest.raises(ConfigurationError, match="Set VODFC_EVENT_FUNCTIONS"):
        from_env({})
    with pytest.raises(ConfigurationError, match="snake_case"):
        from_env({"VODFC_EVENT_FUNCTIONS": "AutoTag"})
    with pytest.raises(ModuleNotFoundError):  # FC reports it as ImportModuleError on the first load
        from_env({"VODFC_EVENT_FUNCTIONS": "no_such_function"})
