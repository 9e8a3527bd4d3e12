"""FC 3.0 delivers HTTP-trigger requests to the event handler; OperationApp routes them like WSGI ones."""

from __future__ import annotations

import base64
import json
from typing import Any

from shared.fc import HttpAuth
from tests.shared.fc.support import FakeVod, build_app, context


def http_event(method: str, raw_path: str, **extra: Any) -> bytes:
    event = {
        "version": "v1",
        "rawPath": raw_path,
        "headers": extra.pop("headers", {}),
        "queryParameters": extra.pop("query", {}),
        "body": extra.pop("body", ""),
        "isBase64Encoded": extra.pop("b64", False),
        "requestContext": {
            "accountId": "1234567890123456",
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "10.0.0.1"},
            "requestId": "fc3-req",
        },
    }
    return json.dumps(event).encode()


def test_an_fc3_http_event_is_routed_and_answered_with_the_response_struct() -> None:
    app = build_app(FakeVod({"v 1": {"VideoId": "v 1"}}))
    answer = app.handler(http_event("GET", "/videos/v%201", query={"output_type": "oss"}), context("r-3"))
    assert isinstance(answer, dict)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(answer["body"]) == {"RequestId": "r-3", "Video": {"VideoId": "v 1"}}


def test_fc3_errors_keep_their_status_and_json_body() -> None:
    answer = build_app(FakeVod()).handler(http_event("DELETE", "/videos/v1"), context())
    assert isinstance(answer, dict)
    assert answer["statusCode"] == 405
    assert json.loads(answer["body"])["Code"] == "MethodNotAllowed"


def test_fc3_base64_bodies_and_bearer_headers_are_understood() -> None:
    app = build_app(FakeVod({"v1": {}}), auth=HttpAuth(mode="token", tokens=("tok-12345678",)))
    body = base64.b64encode(b'{"Bad": 1}').decode()
    refused = app.handler(http_event("POST", "/videos/v1/touch", body=body, b64=True), context())
    assert isinstance(refused, dict) and refused["statusCode"] == 401
    allowed = app.handler(
        http_event(
            "POST",
            "/videos/v1/touch",
            body=body,
            b64=True,
            headers={"Authorization": "Bearer tok-12345678"},
        ),
        context(),
    )
    assert isinstance(allowed, dict)
    assert (allowed["statusCode"], json.loads(allowed["body"])["Code"]) == (400, "InvalidParameter")
