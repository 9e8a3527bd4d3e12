"""FC 3.0's HTTP trigger, which calls the *event* handler with a JSON description of the request.

On FC 3.0 built-in runtimes an HTTP request arrives at ``handler(event, context)`` as JSON (``version``
``v1``, ``rawPath``, ``headers``, ``queryParameters``, ``body``, ``isBase64Encoded``, ``requestContext.http``)
and the handler answers ``{statusCode, headers, body, isBase64Encoded}``. :func:`is_http_event` recognises
such an event so ``OperationApp.handler`` can serve it with the same routes as the FC 2.0 WSGI face: one
function then covers both the invoke API and the HTTP trigger on FC 3.0.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]


def is_http_event(event: Mapping[str, Any]) -> bool:
    context = event.get("requestContext")
    return (
        event.get("version") == "v1"
        and "rawPath" in event
        and isinstance(context, Mapping)
        and isinstance(context.get("http"), Mapping)
    )


def serve(event: Mapping[str, Any], context: Any, app: WsgiApp) -> dict[str, Any]:
    """Run the WSGI ``app`` for an FC 3.0 HTTP event and return FC 3.0's response struct."""
    http = event["requestContext"]["http"]
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8")
    query = "&".join(
        f"{quote(str(key))}={quote(str(value), safe=',')}"
        for key, value in (event.get("queryParameters") or {}).items()
    )
    path = unquote(str(event.get("rawPath") or http.get("path") or "/"))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": str(http.get("method", "GET")).upper(),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(raw)),
        "SCRIPT_NAME": "",
        "REMOTE_ADDR": str(http.get("sourceIp", "")),
        "wsgi.input": io.BytesIO(raw),
        "fc.context": context,
    }
    for name, value in (event.get("headers") or {}).items():
        key = str(name).upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = str(value)
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = str(value)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = int(status.split(" ", 1)[0]), dict(headers)
        return lambda data: None

    payload = b"".join(app(environ, start_response))
    try:
        text, encoded = payload.decode("utf-8"), False
    except UnicodeDecodeError:
        # A binary answer travels base64-encoded, and says so.
        text, encoded = base64.b64encode(payload).decode("ascii"), True
    return {
        "statusCode": captured["status"],
        "headers": captured["headers"],
        "body": text,
        "isBase64Encoded": encoded,
    }
