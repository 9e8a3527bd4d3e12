"""FC 3.0's names for the template's functions, its trigger domains, and its HTTP event and answer."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from vodfc.emulator.fc.fc3 import (
    Fc3Functions,
    domain_prefix,
    qualified_name,
    trigger_domain,
    trigger_function,
)
from vodfc.emulator.fc.http3 import InvalidHttpResponse, canonical_header, http_answer, http_event
from vodfc.emulator.fc.template import Function, Trigger

HTTP = Trigger("http", "HTTP", {"AuthType": "anonymous", "Methods": ["GET"]})


def _function(service: str, name: str, *, fc3: bool = False, http: bool = False) -> Function:
    return Function(
        service, name, "index.handler", "python3.10", Path("/code"), fc3=fc3, triggers=(HTTP,) if http else ()
    )


def test_a_unique_name_is_listed_bare_and_also_found_qualified() -> None:
    only = _function("svc", "Only")
    functions = Fc3Functions.of([only])
    assert list(functions.listed) == ["Only"]
    assert functions.find("Only") is functions.find("svc$Only") is only
    assert functions.name_of(only) == "Only"


def test_a_shared_name_is_listed_qualified_and_the_bare_name_finds_none() -> None:
    a, b = _function("a", "Twin"), _function("b", "Twin")
    functions = Fc3Functions.of([a, b])
    assert sorted(functions.listed) == ["a$Twin", "b$Twin"]
    assert functions.find("Twin") is None
    assert functions.ambiguous == {"Twin": ["a$Twin", "b$Twin"]}
    assert functions.name_of(b) == "b$Twin"


def test_an_fc3_function_keeps_its_name_beside_a_same_named_fc2_one() -> None:
    new, old = _function("fc3", "Thumb", fc3=True), _function("svc", "Thumb")
    functions = Fc3Functions.of([old, new])
    assert functions.find("Thumb") is new
    assert functions.find("svc$Thumb") is old
    assert qualified_name(new) == "Thumb" and not functions.ambiguous


def test_trigger_domains_are_stable_dns_labels_with_a_ten_letter_suffix() -> None:
    old = _function("vodfc", "GetVideoInfo_Http", http=True)
    new = _function("x", "Web3", fc3=True, http=True)
    prefix = domain_prefix(old, "123", "cn-shanghai")
    assert prefix.startswith("vodfc-getvideoinfo-http-") and len(prefix.rsplit("-", 1)[1]) == 10
    assert prefix == domain_prefix(old, "123", "cn-shanghai") != domain_prefix(old, "456", "cn-shanghai")
    assert trigger_domain(new, "123", "cn-beijing").startswith("web3-")
    assert trigger_domain(new, "123", "cn-beijing", vpc=True).endswith(".cn-beijing-vpc.fcapp.run")
    assert trigger_function([old, new], prefix, "123", "cn-shanghai") is old
    assert trigger_function([old, new], "nope-abcdefghij", "123", "cn-shanghai") is None


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
