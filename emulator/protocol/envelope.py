"""The bodies the gateway wraps answers in: success and error, JSON and XML.

Success is the action's body plus ``RequestId``; an error is
``{RequestId, HostId, Code, Message, Recommend}`` with the error's HTTP status and headers. Every
answer carries ``x-acs-request-id``. In XML a success has the root ``<ActionResponse>``, an error
``<Error>``, and a list is written as repeated elements named after its key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from vodfc.emulator.vod.exceptions import VodError

JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"


def host_id(region: str) -> str:
    return f"vod.{region}.aliyuncs.com"


def recommend_url(code: str, request_id: str) -> str:
    return f"https://api.aliyun.com/troubleshoot?q={code}&product=vod&requestId={request_id}"


def error_body(error: VodError, request_id: str, region: str, explain: bool = True) -> dict[str, Any]:
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


def failure(error: VodError, request_id: str, region: str, fmt: str, explain: bool = True) -> tuple[str, str]:
    return render(error_body(error, request_id, region, explain), fmt, "Error")
