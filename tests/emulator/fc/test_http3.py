"""FC 3.0's HTTP trigger event for a request, and the HTTP answer for what the handler returns."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from vodfc.emulator.fc.http3 import InvalidHttpResponse, canonical_header, http_answer, http_event


def _event(body: bytes, content_type: str | None) -> dict[str, object]:
    headers = [("x-custom", "a"), ("X-Custom", "b")] + (
        [("content-type", content_type)] if content_type else []
    )
    return http_event(
        method="put",
        raw_path="/a%2Fb/c%20d",
        query_string="k=1&k=2&plus=a+b&empty=",
        headers=headers,
        body=body,
        domain="web3-abcdefghij.cn-shanghai.fcapp.run",
        account_id="123",
        request_id="rid",
        source_ip="10.0.0.1",
        protocol="HTTP/1.1",
        now=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
    )


def test_the_http_event_has_fc3s_fields() -> None:
    event = _event(b'{"a": 1}', "application/json; charset=utf-8")
    assert event["rawPath"] == "/a%2Fb/c%20d"
    assert event["headers"] == {"X-Custom": "a,b", "Content-Type": "application/json; charset=utf-8"}
    assert event["queryParameters"] == {"k": "1,2", "plus": "a b", "empty": ""}
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    context = event["requestContext"]
    assert isinstance(context, dict)
    assert context["http"]["path"] == "/a/b/c d" and context["http"]["method"] == "PUT"
    assert (context["time"], context["timeEpoch"]) == ("2026-01-02T03:04:05Z", "1767323045678")
    assert context["domainPrefix"] == "web3-abcdefghij"


@pytest.mark.parametrize(
    ("body", "content_type", "encoded"),
    [
        (b"plain", None, False),
        (b"a=1", "application/x-www-form-urlencoded", False),
        (b"<x/>", "application/atom+xml", False),
        (b"text", "application/octet-stream", True),
        (b"\xff\xfe", "text/plain", True),
        (b"GIF89a", "image/gif", True),
    ],
)
def test_binary_bodies_are_base64(body: bytes, content_type: str | None, encoded: bool) -> None:
    event = _event(body, content_type)
    assert event["isBase64Encoded"] is encoded
    sent = str(event["body"])
    assert (base64.b64decode(sent) if encoded else sent.encode()) == body


def test_header_names_are_canonical() -> None:
    assert canonical_header("x-vod-SIGNATURE") == "X-Vod-Signature"
    assert canonical_header("content-type") == "Content-Type"


def test_the_response_struct_and_other_results() -> None:
    struct = {
        "statusCode": 201,
        "headers": {"X-One": 1, "Set-Cookie": ["a=1", "b=2"], "X-Flag": True},
        "body": base64.b64encode(b"\x00\x01").decode(),
        "isBase64Encoded": True,
    }
    answer = http_answer(json.dumps(struct).encode())
    assert (answer.status, answer.body) == (201, b"\x00\x01")
    assert answer.headers == [
        ("X-One", "1"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("X-Flag", "true"),
    ]
    assert http_answer(b'{"statusCode": 204}').body == b""
    assert http_answer(b'{"statusCode": 200, "body": {"a": 1}}').body == b'{"a":1}'
    assert http_answer(b"hello").headers == [("Content-Type", "text/plain; charset=utf-8")]
    whole = http_answer(b'{"a": 1}')
    assert (whole.status, whole.body, whole.headers) == (
        200,
        b'{"a": 1}',
        [("Content-Type", "application/json")],
    )


@pytest.mark.parametrize(
    "struct",
    [
        {"statusCode": "200"},
        {"statusCode": 42},
        {"statusCode": True},
        {"statusCode": 200, "headers": ["X-A"]},
        {"statusCode": 200, "body": "!!", "isBase64Encoded": True},
        {"statusCode": 200, "isBase64Encoded": "yes"},
    ],
)
def test_a_struct_fc_cannot_send_is_refused(struct: dict[str, object]) -> None:
    with pytest.raises(InvalidHttpResponse):
        http_answer(json.dumps(struct).encode())
