"""OperationApp through both faces, with a small fake VodClient (no network)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.errors import (
    AuthFailed,
    IllegalStatus,
    MissingCredentials,
    NotFound,
    ServerError,
    Throttled,
    TransportError,
)
from shared.fc import HttpAuth
from tests.shared.fc.support import SECRET, FakeVod, build_app, call_wsgi, context


def test_event_face_returns_the_answer_with_the_fc_request_id() -> None:
    app = build_app(FakeVod({"v1": {"VideoId": "v1", "Title": "cat"}}))
    answer = json.loads(app.handler(b'{"VideoId": "v1"}', context("r-42")))
    assert answer == {"RequestId": "r-42", "Video": {"VideoId": "v1", "Title": "cat"}}


@pytest.mark.parametrize(
    ("event", "code", "fragment"),
    [
        (b"not json", "InvalidJSON", "not valid JSON"),
        (b"[1, 2]", "InvalidJSON", "got a JSON array"),
        (b"\xff\xfe", "InvalidJSON", "not UTF-8"),
        (b"", "MissingParameter", '"VideoId"'),
        (b'{"VideoId": 7}', "InvalidParameter", "expected a string"),
        (b'{"VideoId": "v", "OutputType": "ftp"}', "InvalidParameter", "one of oss, cdn"),
    ],
)
def test_event_face_answers_bad_input_with_a_400_coded_error(event: bytes, code: str, fragment: str) -> None:
    vod = FakeVod()
    answer = json.loads(build_app(vod).handler(event, context("r-1")))
    assert answer["Code"] == code
    assert answer["HttpStatus"] == 400
    assert answer["RequestId"] == "r-1"
    assert fragment in answer["Message"]
    assert vod.calls == []


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotFound("InvalidVideo.NotFound", "The video does not exist."), 404, "InvalidVideo.NotFound"),
        (
            IllegalStatus("Forbidden.IllegalStatus", "Status of the video is illegal."),
            409,
            "Forbidden.IllegalStatus",
        ),
        (
            Throttled("Throttling.User", "Request was denied due to user flow control."),
            429,
            "Throttling.User",
        ),
        (
            AuthFailed("InvalidAccessKeyId.NotFound", "Specified access key is not found."),
            502,
            "InvalidAccessKeyId.NotFound",
        ),
        (MissingCredentials("MissingCredentials", "none"), 500, "MissingCredentials"),
        (ServerError("InternalError", "boom", http_status=500), 502, "InternalError"),
        (TransportError("SDK.HttpError", "connection reset"), 502, "SDK.HttpError"),
    ],
)
def test_vod_errors_map_to_a_fitting_status_keeping_vods_code(
    error: Exception, status: int, code: str
) -> None:
    answer = call_wsgi(build_app(FakeVod(error=error)).http_handler, "GET", "/videos/v1", context=context())
    assert answer.status == status
    assert answer.json()["Code"] == code
    assert answer.json()["RequestId"] == "req-1"


def test_throttling_tells_the_caller_when_to_come_back() -> None:
    error = Throttled("Throttling.User", "flow control")
    answer = call_wsgi(build_app(FakeVod(error=error)).http_handler, "GET", "/videos/v1", context=context())
    assert answer.headers["Retry-After"] == "1"


def test_own_credentials_refused_says_it_is_the_functions_role() -> None:
    error = AuthFailed("Forbidden.RAM", "User not authorized to operate on the specified resource.")
    answer = call_wsgi(build_app(FakeVod(error=error)).http_handler, "GET", "/videos/v1", context=context())
    assert "function's own credentials" in answer.json()["Message"]


def test_unexpected_exception_is_a_500_without_details_and_the_traceback_is_logged(fc_logs: Any) -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "GET", "/videos/explode", context=context("r-9"))
    assert answer.status == 500
    body = answer.json()
    assert body["Code"] == "InternalError"
    assert body["RequestId"] == "r-9"
    assert "Traceback" not in answer.body.decode()
    assert "internal detail" not in answer.body.decode()
    assert "Traceback" in fc_logs.text
    assert "RuntimeError: internal detail" in fc_logs.text
    assert SECRET not in fc_logs.text


def test_http_face_serves_path_and_query_parameters() -> None:
    vod = FakeVod({"v 1": {"VideoId": "v 1"}})
    answer = call_wsgi(
        build_app(vod).http_handler, "GET", "/videos/v%201", query="output_type=oss", context=context()
    )
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json()["Video"] == {"VideoId": "v 1"}


def test_unknown_query_parameter_is_refused() -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "GET", "/videos/v1", query="outputtype=oss")
    assert answer.status == 400
    assert '"outputtype"' in answer.json()["Message"]


def test_body_may_not_repeat_a_path_parameter() -> None:
    app = build_app(FakeVod({"v1": {}}))
    answer = call_wsgi(app.http_handler, "POST", "/videos/v1/touch", body=b'{"VideoId": "other"}')
    assert answer.status == 400
    assert answer.json()["Code"] == "InvalidParameter"


def test_non_json_body_is_a_400() -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "PUT", "/videos/v1/touch", body=b"{oops")
    assert (answer.status, answer.json()["Code"]) == (400, "InvalidJSON")


def test_get_route_refuses_a_body() -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "GET", "/videos/v1", body=b'{"a": 1}')
    assert answer.status == 400


def test_unknown_path_is_a_json_404_listing_the_routes() -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "GET", "/images/i1")
    assert answer.status == 404
    assert answer.json()["Code"] == "InvalidApi.NotFound"
    assert "GET /videos/{video_id}" in answer.json()["Message"]


def test_wrong_method_is_a_json_405_with_allow() -> None:
    answer = call_wsgi(build_app(FakeVod()).http_handler, "DELETE", "/videos/v1")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, HEAD"
    assert answer.json()["Code"] == "MethodNotAllowed"


def test_head_answers_like_get_without_a_body() -> None:
    app = build_app(FakeVod({"v1": {"VideoId": "v1"}}))
    get = call_wsgi(app.http_handler, "GET", "/videos/v1", context=context())
    head = call_wsgi(app.http_handler, "HEAD", "/videos/v1", context=context())
    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


class TestBearerToken:
    AUTH = HttpAuth(mode="token", tokens=("old-token-123", "new-token-456"))

    def call(self, authorization: str | None) -> Any:
        headers = {"Authorization": authorization} if authorization is not None else {}
        app = build_app(FakeVod({"v1": {}}), auth=self.AUTH)
        return call_wsgi(app.http_handler, "GET", "/videos/v1", headers=headers, context=context())

    def test_any_configured_token_is_accepted(self) -> None:
        assert self.call("Bearer old-token-123").status == 200
        assert self.call("bearer new-token-456").status == 200

    def test_missing_token_is_401_with_a_challenge(self) -> None:
        answer = self.call(None)
        assert answer.status == 401
        assert answer.json()["Code"] == "MissingAuthorization"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")

    def test_other_scheme_is_401(self) -> None:
        assert self.call("Basic dXNlcjpwYXNz").json()["Code"] == "InvalidAuthorization"

    def test_wrong_token_is_403(self) -> None:
        answer = self.call("Bearer guess")
        assert (answer.status, answer.json()["Code"]) == (403, "InvalidToken")

    def test_auth_is_checked_before_routing(self) -> None:
        app = build_app(FakeVod(), auth=self.AUTH)
        assert call_wsgi(app.http_handler, "GET", "/nowhere").status == 401


def test_token_mode_without_a_token_refuses_as_misconfigured() -> None:
    auth = HttpAuth.from_env({"VODFC_HTTP_AUTH": "token"})
    answer = call_wsgi(build_app(FakeVod(), auth=auth).http_handler, "GET", "/videos/v1")
    assert answer.status == 500
    assert answer.json()["Code"] == "FunctionNotConfigured"


def test_auth_modes_come_from_the_environment() -> None:
    assert HttpAuth.from_env({}).mode == "token"
    assert HttpAuth.from_env({"VODFC_HTTP_AUTH": "none"}).mode == "none"
    assert HttpAuth.from_env({"VODFC_HTTP_TOKEN": "a-token-1, b-token-2"}).tokens == (
        "a-token-1",
        "b-token-2",
    )
    answer = call_wsgi(build_app(FakeVod(), auth=HttpAuth(mode="open")).http_handler, "GET", "/videos/v1")
    assert answer.json()["Code"] == "FunctionNotConfigured"
