"""Bad input never reaches VOD and never produces a traceback: a 4xx with VOD's code, on both faces."""

from __future__ import annotations

from typing import Any

import pytest
from vodfc.emulator.fc.context import Credentials, FCContext, local_context

from tests.functions.ops.harness import OPERATIONS, SpyVod, call_event, call_http, load_function

FUNCTIONS = sorted(OPERATIONS)


@pytest.fixture
def spy() -> Any:
    vod = SpyVod()
    for folder in OPERATIONS.values():
        load_function(folder).app.clients.override(vod)
    yield vod
    for folder in OPERATIONS.values():
        load_function(folder).app.clients.override(None)


@pytest.fixture
def context() -> FCContext:
    return local_context(Credentials("ak", "secret-abcdefgh", "token-abcdefgh"), request_id="req-bad")


def module(function: str) -> Any:
    return load_function(OPERATIONS[function])


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(
    ("event", "code"),
    [
        (b"{not json", "InvalidJSON"),
        (b'"a string"', "InvalidJSON"),
        (b'{"NoSuchParam": 1}', "InvalidParameter"),
    ],
)
def test_malformed_events_are_refused(function: str, event: bytes, code: str, spy: Any, context: Any) -> None:
    answer = call_event(module(function), event, context)
    assert (answer["HttpStatus"], answer["Code"], answer["RequestId"]) == (400, code, "req-bad")
    assert "Traceback" not in answer["Message"]
    assert spy.calls == []


REQUIRED = {
    "GetVideoInfo": "VideoId or ReferenceId",
    "GetVideoInfos": "VideoIds or ReferenceIds",
    "UpdateVideoInfo": "VideoId",
    "UpdateVideoInfos": "UpdateContent",
    "DeleteVideo": "VideoIds or ReferenceIds",
    "GetMezzanineInfo": "VideoId",
    "DeleteStream": "VideoId",
    "DeleteMezzanines": "VideoIds or ReferenceIds",
    "UpdateImageInfos": "UpdateContent",
    "GetImageInfo": "ImageId",
    "DeleteImage": "ImageIds or ImageURLs or VideoId",
}


@pytest.mark.parametrize(("function", "name"), sorted(REQUIRED.items()))
def test_missing_required_parameters_are_named(function: str, name: str, spy: Any, context: Any) -> None:
    answer = call_event(module(function), {}, context)
    assert answer["Code"] == "MissingParameter"
    assert f'"{name}"' in answer["Message"]
    assert spy.calls == []


@pytest.mark.parametrize(
    ("function", "event", "code", "fragment"),
    [
        ("SearchMedia", {"PageSize": 101}, "InvalidParameter", "at most 100"),
        ("SearchMedia", {"SearchType": "movie"}, "InvalidParameter", "must be one of"),
        ("GetVideoInfo", {"VideoId": ["v1"]}, "InvalidParameter", "expected a string"),
        ("GetVideoInfos", {"VideoIds": [f"v{i}" for i in range(201)]}, "VideoIdsExceededMax", "at most 200"),
        ("UpdateVideoInfo", {"VideoId": "v1", "CateId": "seven"}, "InvalidParameter", "expected an integer"),
        ("UpdateVideoInfo", {"VideoId": "v1", "UserData": [1]}, "InvalidParameter", "JSON object"),
        ("UpdateVideoInfos", {"UpdateContent": {"VideoId": "v1"}}, "InvalidParameter", "JSON array"),
        (
            "UpdateVideoInfos",
            {"UpdateContent": [{"VideoId": "v1", "Title": "ok"}, {"Titel": "typo"}]},
            "InvalidParameter",
            '"UpdateContent[1].Titel"',
        ),
        ("UpdateVideoInfos", {"UpdateContent": [{"Title": "t"}]}, "MissingParameter", "[0].VideoId"),
        ("DeleteVideo", {"VideoIds": "a,,b"}, "InvalidParameter", "is empty"),
        ("GetMezzanineInfo", {"VideoId": "v", "AdditionType": "subtitle"}, "InvalidParameter", "among video"),
        ("GetVideoList", {"Status": "Done"}, "InvalidParameter", "among Uploading"),
        ("DeleteStream", {"VideoId": "v", "JobIds": [f"j{i}" for i in range(21)]}, "JobIdsExceededMax", "21"),
        ("DeleteMezzanines", {"VideoIds": "v", "Force": "maybe"}, "InvalidParameter", "true or false"),
        ("UpdateImageInfos", {"UpdateContent": [{"Title": "t"}]}, "MissingParameter", "[0].ImageId"),
        ("GetImageInfo", {"ImageId": "i", "AuthTimeout": 0}, "InvalidParameter", "at least 1"),
        ("DeleteImage", {"ImageIds": "i", "ImageURLs": "u"}, "InvalidParameter", "only one of"),
        ("DeleteImage", {"VideoId": "v"}, "MissingParameter", '"ImageType"'),
        ("DeleteImage", {"ImageIds": "i", "ImageType": "All"}, "InvalidParameter", "only goes with VideoId"),
        ("DeleteImage", {"ImageIds": "i", "DeleteImageType": "ImageURL"}, "InvalidParameter", "does not fit"),
    ],
)
def test_wrong_values_are_invalid_with_vods_code(
    function: str, event: dict[str, Any], code: str, fragment: str, spy: Any, context: Any
) -> None:
    answer = call_event(module(function), event, context)
    assert answer["Code"] == code, answer
    assert answer["HttpStatus"] == 400
    assert fragment in answer["Message"]
    assert spy.calls == []


@pytest.mark.parametrize(
    ("function", "method", "path", "query", "body", "status", "code"),
    [
        ("GetVideoInfo", "GET", "/videos/v1", {"idz": "x"}, None, 400, "InvalidParameter"),
        ("GetVideoInfos", "GET", "/videos", {}, None, 400, "MissingParameter"),
        ("UpdateVideoInfo", "PATCH", "/videos/v1", {}, b"{broken", 400, "InvalidJSON"),
        ("UpdateVideoInfo", "POST", "/videos/v1", {}, [1, 2], 400, "InvalidJSON"),
        ("UpdateVideoInfos", "PATCH", "/videos", {}, {"UpdateContent": "[{"}, 400, "InvalidParameter"),
        ("DeleteStream", "DELETE", "/videos/v1/streams", {}, None, 400, "MissingParameter"),
        ("GetImageInfo", "GET", "/images/i1", {"auth_timeout": "soon"}, None, 400, "InvalidParameter"),
        ("GetImageInfo", "GET", "/videos/v1", {}, None, 404, "InvalidApi.NotFound"),
        ("GetImageInfo", "DELETE", "/images/i1", {}, None, 405, "MethodNotAllowed"),
        ("DeleteVideo", "GET", "/videos", {}, None, 405, "MethodNotAllowed"),
    ],
)
def test_bad_http_requests_get_json_errors(
    function: str,
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
    status: int,
    code: str,
    spy: Any,
    context: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("VODFC_HTTP_AUTH", "function")
    answer = call_http(module(function), method, path, query=query, body=body, context=context)
    assert (answer.status, answer.json()["Code"]) == (status, code)
    assert answer.json()["RequestId"] == "req-bad"
    assert spy.calls == []
