"""What the two FC APIs share: FC 2.0's (``/2016-08-15``, ``vodfc.emulator.fc.api``) and FC 3.0's
(``/2023-03-30``, ``vodfc.emulator.fc.api3``).

One invoke path into the runtime (sync under the server's thread budget, async on the runtime's queue,
FC's payload limits, the answer headers, ``x-fc-log-result``, ``x-fc-error-type``), paging, and the
metadata both describe functions and triggers with (checksums, stable ids, trigger configs).

Everything here raises ``FcApiError`` and renders nothing of its own: each API answers an error in its
own body shape (2.0: ``ErrorCode``/``ErrorMessage``; 3.0: ``Code``/``Message``/``RequestId``), with the
status and ``x-fc-request-id`` the error carries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Response, request
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.fc.code_package import CodePackage, code_bucket, code_key, package_of
from vodfc.emulator.fc.component import FcComponent
from vodfc.emulator.fc.runtime import Invocation, Throttled, new_request_id, wsgi_environ
from vodfc.emulator.fc.template import Function, Trigger
from vodfc.emulator.oss.addresses import ObjectAddress, object_url
from vodfc.emulator.oss.signing import v1_presigned_get
from vodfc.emulator.thread_budget import thread_held
from werkzeug.wrappers import Request

SYNC_PAYLOAD_LIMIT = 32 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 128 * 1024
PAGE_LIMIT = 100
# FC's triggerType for the template's event types (FC 3.0 uses the same names).
TRIGGER_TYPES = {"HTTP": "http", "Timer": "timer", "MNSTopic": "mns_topic", "OSS": "oss", "Log": "log"}


class FcApiError(Exception):
    """An FC API error: its HTTP status, FC's error code and message, extra answer headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


# The request an API call served without Flask is answering (``vodfc.emulator.fc.api.DirectInvoke``).
_direct_request: ContextVar[Request | None] = ContextVar("vodfc_fc_direct_request", default=None)


def current_request() -> Request:
    """The request being answered: the one served without Flask, else Flask's. What that path reaches
    (the signature check, the invoke path, the answer helpers) reads the request through this."""
    direct = _direct_request.get()
    return request if direct is None else direct


@contextmanager
def serving(req: Request) -> Iterator[None]:
    """``req`` is the current request (``current_request``) until the block ends."""
    token = _direct_request.set(req)
    try:
        yield
    finally:
        _direct_request.reset(token)


def request_id() -> str:
    """The current request's id (``x-fc-request-id``), made on first use and kept for the request."""
    environ = current_request().environ
    rid = environ.get("vodfc.fc.request_id")
    if rid is None:
        rid = environ["vodfc.fc.request_id"] = new_request_id()
    return str(rid)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type="application/json")
    response.headers["x-fc-request-id"] = request_id()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@contextmanager
def server_thread() -> Iterator[None]:
    """Hold one of the server's threads for a whole invocation (``vodfc.emulator.thread_budget``)."""
    with thread_held(current_request().environ) as held:
        if not held:
            raise FcApiError(
                503,
                "ResourceThrottled",
                "every server thread invocations may hold is busy (VODFC_SERVER_THREADS): try again later",
            )
        yield


def throttled(exc: Throttled) -> FcApiError:
    return FcApiError(exc.status, exc.code, str(exc))


# --- invoke -------------------------------------------------------------------------------------------


def invocation_headers(component: FcComponent, result: Invocation, function: Function) -> dict[str, str]:
    """FC's answer headers for an invocation, ``x-fc-log-result`` when the caller asked for the tail (and
    the function's instances serve one request at a time)."""
    headers = {
        "x-fc-request-id": result.request_id,
        "x-fc-invocation-duration": str(max(1, round(result.duration_ms))),
        "x-fc-invocation-service-version": "LATEST",
        "x-fc-max-memory-usage": str(result.memory_mb),
        "x-fc-code-checksum": code_checksum(component, function),
    }
    # FC leaves the tail out when an instance serves several requests at once (its log is shared).
    tail = current_request().headers.get("x-fc-log-type", "").lower() == "tail"
    if tail and function.instance_concurrency <= 1:
        headers["x-fc-log-result"] = result.log_tail()
    if result.error is not None:
        headers["x-fc-error-type"] = "UnhandledInvocationError"
    return headers


def invoke(component: FcComponent, function: Function) -> Response:
    """InvokeFunction on the current request: its body is the event, ``X-Fc-Invocation-Type`` says
    Sync (the result, 200; a function error is a 200 with ``x-fc-error-type``) or Async (202 at once)."""
    req = current_request()
    body = req.get_data()
    mode = req.headers.get("x-fc-invocation-type", "Sync")
    runtime = component.runtime
    if mode.lower() == "async":
        if len(body) > ASYNC_PAYLOAD_LIMIT:
            raise FcApiError(
                400,
                "EntityTooLarge",
                f"payload size exceeds maximum allowed size ({ASYNC_PAYLOAD_LIMIT} bytes)",
            )
        rid = runtime.invoke_async(function.name, body, service=function.service)
        response = Response(b"", status=202)
        response.headers["x-fc-request-id"] = rid
        return response
    if mode.lower() != "sync":
        raise FcApiError(400, "InvalidArgument", f"X-Fc-Invocation-Type must be Sync or Async, got {mode!r}")
    if len(body) > SYNC_PAYLOAD_LIMIT:
        raise FcApiError(
            400, "EntityTooLarge", f"payload size exceeds maximum allowed size ({SYNC_PAYLOAD_LIMIT} bytes)"
        )
    with server_thread():
        try:
            result = runtime.invoke(function.name, body, service=function.service, request_id=request_id())
        except Throttled as exc:
            raise throttled(exc) from None
    headers = invocation_headers(component, result, function)
    if result.error is not None:
        return json_response(result.error, 200, headers)
    response = Response(result.body, status=200, content_type="application/octet-stream")
    for name, value in headers.items():
        response.headers[name] = value
    return response


# --- HTTP triggers ------------------------------------------------------------------------------------


@contextmanager
def trigger_errors() -> Iterator[None]:
    """Through an HTTP trigger, FC marks its own throttling (429, 503) with ``FcCommonError``."""
    try:
        yield
    except FcApiError as error:
        if error.status in (429, 503):
            error.headers["x-fc-error-type"] = "FcCommonError"
        raise


def accepting_trigger(function: Function) -> Trigger:
    """The function's HTTP trigger, if it takes the current request's method."""
    trigger = function.http_trigger
    if trigger is None:
        raise FcApiError(
            404,
            "TriggerNotFound",
            f"function '{function.name}' has no HTTP trigger (it is invoked through the API)",
        )
    if request.method.upper() not in trigger.methods:
        raise FcApiError(
            405,
            "MethodNotAllowed",
            f"{request.method} is not allowed by the HTTP trigger of '{function.name}' "
            f"(Methods: {', '.join(trigger.methods)})",
        )
    return trigger


def request_uri() -> str:
    """The request's URI as sent: its path (still encoded) and query."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    query = request.query_string.decode("latin-1")
    return str(raw if "?" in raw or not query else f"{raw}?{query}")


def call_wsgi(component: FcComponent, function: Function, path_info: str, uri: str) -> Invocation:
    """Call an FC 2.0 HTTP handler (WSGI) with the current request, as the trigger at ``uri`` does."""
    environ = wsgi_environ(
        method=request.method,
        path_info=path_info or "/",
        query_string=request.query_string.decode("latin-1"),
        headers=request.headers.items(),
        body=request.get_data(),
        request_uri=uri,
        client_ip=request.remote_addr or "127.0.0.1",
    )
    with server_thread():
        try:
            return component.runtime.invoke_http(
                function.name, environ, service=function.service, request_id=request_id()
            )
        except Throttled as exc:
            raise throttled(exc) from None


def call_event(component: FcComponent, function: Function, event: bytes) -> Invocation:
    """Invoke ``function`` with ``event`` for an HTTP trigger (FC 3.0 hands its handler the request)."""
    if len(event) > SYNC_PAYLOAD_LIMIT:
        raise FcApiError(
            400, "EntityTooLarge", f"payload size exceeds maximum allowed size ({SYNC_PAYLOAD_LIMIT} bytes)"
        )
    with server_thread():
        try:
            return component.runtime.invoke(
                function.name, event, service=function.service, request_id=request_id(), kind="http"
            )
        except Throttled as exc:
            raise throttled(exc) from None


def trigger_failure(
    component: FcComponent, result: Invocation, function: Function, fields: dict[str, str]
) -> Response:
    """A function error through an HTTP trigger: 502 (as FC documents), FC's error body and type, plus the
    error ``fields`` the API's clients read from any non-2xx answer."""
    headers = invocation_headers(component, result, function)
    headers["x-fc-error-type"] = "UnhandledInvocationError"
    return json_response({**fields, **(result.error or {})}, 502, headers)


def passed_through(status: int, headers: list[tuple[str, str]], body: bytes, rid: str) -> Response:
    """The function's own HTTP answer, as it wrote it (the server sets the framing headers)."""
    response = Response(body, status=status)
    response.headers.clear()
    for name, value in headers:
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            response.headers.add(name, value)
    response.headers["x-fc-request-id"] = rid
    return response


# --- metadata -----------------------------------------------------------------------------------------


def code_package(component: FcComponent, function: Function) -> CodePackage:
    """The function's code zip (``vodfc.emulator.fc.code_package``), made once per code for each loaded
    descriptor: ``codeChecksum``, ``codeSize`` and GetFunctionCode all describe the same bytes."""
    cache = component.packages
    location = function.location
    key = str(location.sources or location.dir)
    if key not in cache:
        cache[key] = package_of(location)
    return cache[key]


def code_checksum(component: FcComponent, function: Function) -> str:
    return code_package(component, function).checksum


def code_size(component: FcComponent, function: Function) -> int:
    return code_package(component, function).size


@dataclass(frozen=True)
class _Caller:
    mode: str
    host_url: str


def code_location(component: FcComponent, function: Function) -> dict[str, str]:
    """GetFunctionCode's answer: the code zip put in the emulator's OSS (``code_package``), and a GET URL
    for it presigned with the account's service key, on the address this request's client reaches OSS at."""
    if component.oss is None:
        raise FcApiError(
            400, "PathNotSupported", "GetFunctionCode needs the emulator's OSS component to hand out the code"
        )
    package = code_package(component, function)
    runtime = component.runtime
    account_id, region = runtime.account_id, runtime.region
    bucket = code_bucket(account_id, region)
    key = code_key(stable_id(f"{function.service}/{function.name}"), package)
    if component.oss.get_object(bucket, key) is None:
        component.oss.create_bucket(bucket, account_id, region)  # kept as it is when it exists
        component.oss.put_object(bucket, key, package.data, "application/zip")
    caller = _Caller(str(request.environ.get(MODE_KEY, "server")), request.host_url.rstrip("/"))
    stored = f"https://{bucket}.oss-{region}.aliyuncs.com/{quote(key)}"
    url = object_url(caller, stored, ObjectAddress(bucket, key, region), region)
    signer = component.core.accounts.service_key(account_id)
    expires = int(component.core.config.clock().timestamp()) + runtime.settings.code_url_seconds
    signed = v1_presigned_get(url, bucket, key, signer.access_key_id, signer.access_key_secret, expires)
    return {"url": signed, "checksum": package.checksum}


def stable_id(text: str) -> str:
    """A UUID-shaped id that is the same for the same resource in every run."""
    digest = hashlib.md5(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def trigger_type(trigger: Trigger) -> str:
    return TRIGGER_TYPES.get(trigger.type, trigger.type.lower())


def trigger_config(trigger: Trigger) -> dict[str, Any]:
    """FC's ``triggerConfig`` (camelCase keys) for a template trigger."""
    props = trigger.properties
    if trigger.type == "HTTP":
        return {"authType": trigger.auth_type, "methods": list(trigger.methods)}
    if trigger.type == "Timer":
        return {
            "cronExpression": props.get("CronExpression"),
            "payload": props.get("Payload", ""),
            "enable": bool(props.get("Enable", True)),
        }
    return {key[:1].lower() + key[1:]: value for key, value in props.items()}


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None


def page(items: list[dict[str, Any]], key: str) -> Page:
    """One page of ``items`` by the request's ``prefix``, ``nextToken`` (or ``startKey``) and ``limit``
    (1 to 100), in ``key`` order; ``next_token`` is the first item of the next page."""
    prefix = request.args.get("prefix", "")
    start = request.args.get("nextToken") or request.args.get("startKey") or ""
    try:
        limit = int(request.args.get("limit", PAGE_LIMIT))
    except ValueError:
        raise FcApiError(400, "InvalidArgument", "limit must be an integer") from None
    if not 1 <= limit <= PAGE_LIMIT:
        raise FcApiError(400, "InvalidArgument", f"limit must be between 1 and {PAGE_LIMIT}")
    chosen = [i for i in items if str(i[key]).startswith(prefix) and str(i[key]) >= start]
    chosen.sort(key=lambda i: str(i[key]))
    found, rest = chosen[:limit], chosen[limit:]
    return Page(found, str(rest[0][key]) if rest else None)
