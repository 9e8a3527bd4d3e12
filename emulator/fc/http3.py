"""FC 3.0's HTTP trigger on a built-in runtime: the request as the event the handler gets, and the
handler's return value as the HTTP answer (shared/spec/fc-runtime.md §1.5).

The event (``http_event``) is JSON: ``version`` ``v1``; ``rawPath`` (the path as sent, URL-encoded);
``body`` and ``isBase64Encoded``; ``headers`` and ``queryParameters`` (a repeated name's values joined
with ``,``; header names in canonical form, ``X-Vod-Signature``, as FC writes them); ``requestContext``
with ``accountId``, ``domainName``, ``domainPrefix``, ``http`` (``method``, the decoded ``path``,
``protocol``, ``sourceIp``, ``userAgent``), ``requestId``, ``time`` (seconds, UTC) and ``timeEpoch``
(milliseconds, a string).

FC says only that a binary body is base64-encoded. Here a body is sent as text when it is UTF-8 and its
``Content-Type`` is textual (``text/*``, JSON, XML, JavaScript, a URL-encoded form) or absent;
anything else is base64 with ``isBase64Encoded: true`` (inferred).

The answer (``http_answer``): a result that is a JSON object with ``statusCode`` is FC's response
struct, ``{statusCode, headers, body, isBase64Encoded}`` (a header whose value is a list is sent once
per value; a ``body`` that is not a string is sent as JSON). Anything else is answered 200 with the
result as the body, ``application/json`` when it is JSON and ``text/plain`` otherwise (inferred:
FC's description of this case could not be read). A struct FC could not send (a ``statusCode`` that
is not an HTTP status, ``headers`` that are not an object, a body that is not base64 though it says
so) raises ``InvalidHttpResponse``: the caller answers it as the function's error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from vodfc.emulator.fc.worker import error_body
from vodfc.shared.validation import format_time

if TYPE_CHECKING:
    from vodfc.emulator.fc.runtime import Invocation

TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/xml",
        "application/javascript",
        "application/x-www-form-urlencoded",
    }
)


class InvalidHttpResponse(ValueError):
    """The handler returned a response struct FC cannot turn into an HTTP answer."""


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def canonical_header(name: str) -> str:
    """``x-vod-signature`` -> ``X-Vod-Signature`` (each dash-separated word capitalised)."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _textual(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        not mime
        or mime.startswith("text/")
        or mime in TEXT_TYPES
        or mime.endswith("+json")
        or mime.endswith("+xml")
    )


def encode_body(body: bytes, content_type: str) -> tuple[str, bool]:
    """``(body, isBase64Encoded)`` for the event."""
    if _textual(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in pairs:
        merged.setdefault(name, []).append(value)
    return {name: ",".join(values) for name, values in merged.items()}


def http_event(
    *,
    method: str,
    raw_path: str,
    query_string: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    domain: str,
    account_id: str,
    request_id: str,
    source_ip: str,
    protocol: str,
    now: datetime,
) -> dict[str, Any]:
    """The event FC 3.0 hands a built-in runtime's handler for one HTTP request."""
    header_map = _joined((canonical_header(name), value) for name, value in headers)
    text, is_base64 = encode_body(body, header_map.get("Content-Type", ""))
    moment = now.astimezone(timezone.utc)
    return {
        "version": "v1",
        "rawPath": raw_path or "/",
        "body": text,
        "isBase64Encoded": is_base64,
        "headers": header_map,
        "queryParameters": _joined(parse_qsl(query_string, keep_blank_values=True)),
        "requestContext": {
            "accountId": account_id,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": method.upper(),
                "path": unquote(raw_path or "/"),
                "protocol": protocol,
                "sourceIp": source_ip,
                "userAgent": header_map.get("User-Agent", ""),
            },
            "requestId": request_id,
            "time": format_time(moment),
            "timeEpoch": str(int(moment.timestamp() * 1000)),
        },
    }


def http_answer(result: bytes) -> HttpAnswer:
    """The HTTP answer for a handler's (encoded) return value; see the module docstring."""
    try:
        value = json.loads(result)
        is_json = True
    except ValueError:
        value, is_json = None, False
    if not (isinstance(value, Mapping) and "statusCode" in value):
        content_type = "application/json" if is_json else "text/plain; charset=utf-8"
        return HttpAnswer(200, [("Content-Type", content_type)], result)
    return _from_struct(value)


def invocation_answer(result: Invocation) -> HttpAnswer | None:
    """The HTTP answer of an FC 3.0 HTTP invocation; None when it failed: ``result.error`` says why (a
    struct FC could not send is made the function's error, ``InvalidHttpResponse``)."""
    if result.error is not None:
        return None
    try:
        return http_answer(result.body)
    except InvalidHttpResponse as exc:
        result.error = error_body(str(exc), "InvalidHttpResponse")
        return None


def _from_struct(value: Mapping[str, Any]) -> HttpAnswer:
    status = value["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise InvalidHttpResponse(f"statusCode must be an HTTP status (100-599), got {status!r}")
    headers = value.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise InvalidHttpResponse(f"headers must be an object, got {type(headers).__name__}")
    pairs: list[tuple[str, str]] = []
    for name, given in headers.items():
        for item in given if isinstance(given, list) else [given]:
            pairs.append((str(name), _header_value(item)))
    is_base64 = value.get("isBase64Encoded", False)
    if not isinstance(is_base64, bool):
        raise InvalidHttpResponse(f"isBase64Encoded must be true or false, got {is_base64!r}")
    body = value.get("body")
    if body is None:
        data = b""
    elif isinstance(body, str):
        if is_base64:
            try:
                data = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidHttpResponse("isBase64Encoded is true but body is not base64") from None
        else:
            data = body.encode("utf-8")
    else:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HttpAnswer(status, pairs, data)


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
