"""The bodies the gateway wraps answers in: success and error, JSON and XML.

Success is the action's body plus ``RequestId``; an error is
``{RequestId, HostId, Code, Message, Recommend}`` with the error's HTTP status and headers, and the
emulator's explanation of it (``VodError.detail``) in ``x-vodfc-error-detail``. Every answer carries
``x-acs-request-id``. In XML a success has the root ``<ActionResponse>``, an error
``<Error>``, and a list is written as repeated elements named after its key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from vodfc.emulator.vod.exceptions import VodError

JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"

# The emulator's explanation of an error answer: never in the cloud's answers, so clients ignore it.
DETAIL_HEADER = "x-vodfc-error-detail"
# Printable ASCII stays as it is, so the header reads as the text; "%", control characters (CR, LF)
# and anything non-ASCII become %XX of their UTF-8 bytes (urllib.parse.unquote, decodeURIComponent).
_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")
_EDGE_SPACES = re.compile(r"^ +| +$")


def host_id(region: str) -> str:
    return f"vod.{region}.aliyuncs.com"


def recommend_url(code: str, request_id: str) -> str:
    return f"https://api.aliyun.com/troubleshoot?q={code}&product=vod&requestId={request_id}"


def detail_header(detail: str) -> str:
    """``detail`` as an ASCII header value that reads as itself (see ``_HEADER_SAFE``); spaces at its
    ends are encoded too, as HTTP would strip them."""
    return _EDGE_SPACES.sub(lambda spaces: "%20" * len(spaces.group()), quote(detail, safe=_HEADER_SAFE))


def error_body(error: VodError, request_id: str, region: str, explain: bool = False) -> dict[str, Any]:
    """The cloud's error body; ``explain`` adds the emulator's explanation to the cloud's message."""
    return {
        "RequestId": request_id,
        "HostId": host_id(region),
        "Code": error.code,
        "Message": error.message if explain else error.cloud_message,
        "Recommend": recommend_url(error.code, request_id),
    }


def _xml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml_element(name: str, value: Any, out: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _xml_element(name, item, out)
        return
    out.append(f"<{name}>")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_element(str(key), item, out)
    else:
        out.append(_xml_scalar(value))
    out.append(f"</{name}>")


def to_xml(root: str, body: Mapping[str, Any]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    _xml_element(root, body, out)
    return "".join(out)


# Built once: json.dumps with options builds a new encoder on every call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def to_json(body: Mapping[str, Any]) -> str:
    return _JSON.encode(body)


def render(body: Mapping[str, Any], fmt: str, xml_root: str) -> tuple[str, str]:
    """(text, content type) of ``body`` in ``fmt``."""
    if fmt == "XML":
        return to_xml(xml_root, body), XML_TYPE
    return to_json(body), JSON_TYPE


def success(action: str, body: Mapping[str, Any], request_id: str, fmt: str) -> tuple[str, str]:
    full = {"RequestId": request_id, **body}
    return render(full, fmt, f"{action}Response")


def failure(
    error: VodError, request_id: str, region: str, fmt: str, explain: bool = False
) -> tuple[str, str]:
    return render(error_body(error, request_id, region, explain), fmt, "Error")
