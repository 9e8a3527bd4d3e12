"""Decoding an invocation event: FC hands the handler the raw request body as ``bytes``.

An operation function takes a JSON object. An empty body counts as ``{}`` (``fc2``'s ``invoke_function``
sends nothing when ``payload`` is None), so the caller then hears which parameter is missing rather than
that the JSON is malformed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import boundedjson
from .errors import BadRequest

INVALID_JSON = "InvalidJSON"


def decode_json_object(
    body: bytes | bytearray | str | Mapping[str, Any] | None, what: str = "event"
) -> dict[str, Any]:
    """The JSON object in ``body``; raises :class:`BadRequest` (code InvalidJSON) for anything else.

    A mapping is accepted as already decoded, for handlers called directly from Python.
    """
    if body is None:
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, (bytes, bytearray)):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"The {what} is not UTF-8 text (invalid byte at offset {exc.start}); send a JSON object.",
                code=INVALID_JSON,
            ) from None
    elif isinstance(body, str):
        text = body
    else:
        raise BadRequest(f"The {what} must be a JSON object, got {type(body).__name__}.", code=INVALID_JSON)
    if not text.strip():
        return {}
    try:
        data = boundedjson.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"The {what} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "send a JSON object.",
            code=INVALID_JSON,
        ) from None
    if not isinstance(data, dict):
        raise BadRequest(
            f"The {what} must be a JSON object, got a JSON {_json_type(data)}.", code=INVALID_JSON
        )
    return data


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null"
