"""A minimal WSGI router for FC 2.0 HTTP triggers: method + path templates, JSON in and out.

FC 2.0 calls an HTTP-triggered Python function as a WSGI application (``handler(environ, start_response)``)
with ``PATH_INFO`` already stripped of the ``/2016-08-15/proxy/<service>/<function>`` prefix, so routes are
written relative to the function (``/videos/{video_id}``). A template variable matches one path segment and is
URL-decoded. ``HEAD`` is answered by the ``GET`` route without a body. A path with no route gives 404, a known
path with another method 405 with an ``Allow`` header, both as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, unquote

from .._record import FrozenRecord, Record
from .errors import HttpError, MethodNotAllowed, RouteNotFound
from .events import decode_json_object

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_BODY_BYTES = 6 * 1024 * 1024


class Request(Record):
    """One HTTP request as the handler sees it."""

    __slots__ = ("method", "path", "query", "headers", "body", "environ", "path_params")
    _repr_hidden = ("environ",)

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        environ: Mapping[str, Any],
        path_params: dict[str, str] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.environ = environ
        self.path_params: dict[str, str] = {} if path_params is None else path_params

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Request:
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            path=_decode_path(str(environ.get("PATH_INFO") or "/")),
            query=parse_qs(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True),
            headers=headers,
            body=_read_body(environ),
            environ=environ,
        )

    def arg(self, name: str) -> str | None:
        """The last value of a query parameter (a repeated ``?ids=a&ids=b`` is joined with commas)."""
        values = self.query.get(name)
        if not values:
            return None
        return ",".join(values) if len(values) > 1 else values[0]

    def json(self) -> dict[str, Any]:
        """The body as a JSON object (``{}`` when empty); 400 InvalidJSON otherwise."""
        return decode_json_object(self.body, "request body")

    @property
    def context(self) -> Any:
        """FC's context object, which the runtime puts in the environ."""
        return self.environ.get("fc.context")


class Response(Record):
    """What a route answers: status, a JSON-able body (or bytes, or None for no body) and extra headers."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers: dict[str, str] = {} if headers is None else headers

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


Handler = Callable[[Request], Response]


class Route(FrozenRecord):
    """One method + path template, its handler and the compiled pattern (equal by method and template)."""

    __slots__ = ("method", "template", "handler", "pattern")
    _repr_hidden = ("handler", "pattern")

    def __init__(self, method: str, template: str, handler: Handler, pattern: re.Pattern[str]) -> None:
        self.method = method
        self.template = template
        self.handler = handler
        self.pattern = pattern

    def _values(self) -> tuple[Any, ...]:
        return (self.method, self.template)

    @classmethod
    def build(cls, method: str, template: str, handler: Handler) -> Route:
        if not template.startswith("/"):
            raise ValueError(f"route path must start with '/': {template!r}")
        regex = "".join(
            f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part)
            for index, part in enumerate(_VARIABLE.split(template))
        )
        return cls(
            method.upper(), template, handler, re.compile(f"^{regex}/?$" if template != "/" else "^/$")
        )

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(_VARIABLE.findall(self.template))


class Router:
    """Routes in registration order; a literal path registered first wins over a template that also fits."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> Route:
        route = Route.build(method, template, handler)
        if any(r.method == route.method and r.template == route.template for r in self.routes):
            raise ValueError(f"route {route.method} {route.template} is registered twice")
        self.routes.append(route)
        return route

    def match(self, request: Request) -> tuple[Route, dict[str, str]]:
        method = "GET" if request.method == "HEAD" else request.method
        allowed: list[str] = []
        for route in self.routes:
            found = route.pattern.match(request.path)
            if found is None:
                continue
            if route.method == method:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
            allowed.append(route.method)
        if allowed:
            methods = sorted(set(allowed) | ({"HEAD"} if "GET" in allowed else set()))
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {request.path}; allowed: {', '.join(methods)}.",
                headers={"Allow": ", ".join(methods)},
            )
        templates = sorted({f"{r.method} {r.template}" for r in self.routes})
        raise RouteNotFound(
            f"No route for {request.method} {request.path}; this function serves: {'; '.join(templates)}."
        )


def _decode_path(path: str) -> str:
    # WSGI carries the path as latin-1-decoded bytes (PEP 3333); recover the UTF-8 text.
    try:
        return path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return path


def _read_body(environ: Mapping[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
    if length_text.isdigit():
        data = stream.read(min(int(length_text), MAX_BODY_BYTES + 1))
    else:
        data = stream.read(MAX_BODY_BYTES + 1)
    body = bytes(data or b"")
    if len(body) > MAX_BODY_BYTES:
        raise HttpError(
            f"The request body exceeds {MAX_BODY_BYTES} bytes.", code="EntityTooLarge", status=413
        )
    return body


def status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Unknown')}"


def wsgi_headers(response: Response, body: bytes) -> list[tuple[str, str]]:
    headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
    headers["Content-Length"] = str(len(body))
    return list(headers.items())


def allowed_methods(routes: Iterable[Route]) -> list[str]:
    return sorted({route.method for route in routes})


_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
