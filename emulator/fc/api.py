"""The Function Compute 2.0 API (``/2016-08-15/...``) on the emulator's shared app.

What the official ``aliyun-fc2`` client calls: ``invoke_function`` (sync, and async with
``X-Fc-Invocation-Type: Async`` → 202), ``get_service`` / ``list_services``, ``list_functions`` /
``get_function``, ``list_triggers`` / ``get_trigger``, and HTTP triggers at FC's proxy path
``/2016-08-15/proxy/<service>/<function>/<path>`` (``do_http_request``, or any HTTP client for an
anonymous trigger). Requests are checked against FC's own signature scheme (``Authorization: FC
<AccessKeyId>:<signature>``) with the emulator's key ring, and services are looked up in the
caller's account: another account's key finds none of them. API errors are FC's JSON
(``ErrorCode``/``ErrorMessage``); function errors are a 200 with ``x-fc-error-type`` and
``{errorMessage, errorType, stackTrace}``, as FC answers them. Every error the API or the runtime
writes with a non-2xx status carries ``ErrorCode``/``ErrorMessage`` (what both official clients read);
an HTTP-triggered function's own answer passes through as the function wrote it.

Throttling: a function whose instances are busy and whose queue is full answers 429
``ResourceExhausted``; a server whose threads are all held by invocations answers 503
``ResourceThrottled`` (``vodfc.emulator.thread_budget``); through an HTTP trigger both carry
``x-fc-error-type: FcCommonError``, as FC's do.

The control plane adds ``POST /_vodfc/fc/timers/<function>`` (fire a timer trigger now),
``GET /_vodfc/fc/functions``, ``GET /_vodfc/fc/invocations``, ``GET /_vodfc/fc/instances`` and
``DELETE /_vodfc/fc/instances`` (stop them all: the next invocations start cold, with the code as it
is on disk now). ``blueprint(component)`` serves all of it for one emulator's ``FcComponent``.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import json
import logging
import secrets
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta, timezone
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, Response, request
from vodfc.emulator.fc.component import FcComponent
from vodfc.emulator.fc.instances import supervisor
from vodfc.emulator.fc.runtime import Invocation, Throttled, new_request_id, wsgi_environ
from vodfc.emulator.fc.template import Function, Service
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.thread_budget import thread_held
from vodfc.emulator.views import ComponentViews
from vodfc.emulator.vod.exceptions import VodError
from vodfc.shared import boundedjson
from werkzeug.exceptions import HTTPException

API_VERSION = "2016-08-15"
PREFIX = f"/{API_VERSION}"
SYNC_PAYLOAD_LIMIT = 32 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 128 * 1024
CLOCK_SKEW = timedelta(minutes=15)
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]

views: ComponentViews[FcComponent] = ComponentViews()
log = logging.getLogger("vodfc.fc")


class FcApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def _request_id() -> str:
    rid = request.environ.get("vodfc.fc.request_id")
    if rid is None:
        rid = request.environ["vodfc.fc.request_id"] = new_request_id()
    return str(rid)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type="application/json")
    response.headers["x-fc-request-id"] = _request_id()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _api_error(error: FcApiError) -> Response:
    return _json({"ErrorCode": error.code, "ErrorMessage": error.message}, error.status, error.headers)


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException) and error.code is not None and error.code < 500:
        return _json({"ErrorCode": "PathNotSupported", "ErrorMessage": error.description or ""}, error.code)
    log.error("FC API failed on %s %s", request.method, request.path, exc_info=error)
    return _json(
        {"ErrorCode": "InternalServerError", "ErrorMessage": f"{type(error).__name__}: {error}"}, 500
    )


# --- signatures ---------------------------------------------------------------------------------------


def canonical_resource(path: str, query: str | None) -> str:
    """FC's CanonicalizedResource: the unescaped path, plus sorted ``k=v`` lines for proxy calls."""
    if query is None:
        return path
    params = []
    for item in filter(None, query.split("&")):
        if "=" in item:
            key, _, value = item.partition("=")
            params.append(f"{unquote_plus(key)}={unquote_plus(value)}")
        else:
            params.append(unquote_plus(item))
    return path + "\n" + "\n".join(sorted(params))


def string_to_sign(method: str, headers: Any, resource: str) -> str:
    fc_headers = sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-fc-"))
    canonical = "".join(f"{k}:{v}\n" for k, v in fc_headers)
    parts = [
        method.upper(),
        headers.get("Content-MD5", ""),
        headers.get("Content-Type", ""),
        headers.get("Date", ""),
        canonical + resource,
    ]
    return "\n".join(parts)


def sign(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def verify_signature(component: FcComponent, proxy: bool) -> str:
    """Check FC's signature on the current request; returns the account id of the caller's key."""
    state = component.core
    header = request.headers.get("Authorization", "")
    if not header:
        raise FcApiError(
            400, "MissingRequiredHeader", "Authorization is required: sign the request with FC's scheme"
        )
    scheme, _, rest = header.partition(" ")
    access_key_id, _, signature = rest.strip().partition(":")
    if scheme != "FC" or not access_key_id or not signature:
        raise FcApiError(403, "SignatureNotMatch", "Authorization must be 'FC <AccessKeyId>:<signature>'")
    token = request.headers.get("x-fc-security-token") or None
    if not state.config.verify_signatures:
        found = state.accounts.find(access_key_id)
        return found.account_id if found is not None else state.config.default_account_id
    try:
        credential = state.accounts.authenticate(access_key_id, token)
    except VodError as exc:
        code = "InvalidAccessKeyID" if "AccessKeyId" in exc.code else "InvalidSecurityToken"
        raise FcApiError(403, code, f"{exc.message} (AccessKeyId {access_key_id})") from None
    date = request.headers.get("Date")
    if not date:
        raise FcApiError(400, "MissingRequiredHeader", "Date is required")
    try:
        sent = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        raise FcApiError(400, "InvalidArgument", f"Date {date!r} is not an RFC 1123 date") from None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=timezone.utc)
    if abs(state.config.clock() - sent) > CLOCK_SKEW:
        raise FcApiError(
            403, "RequestTimeTooSkewed", f"Date {date!r} is more than 15 minutes from the server's time"
        )
    resource = canonical_resource(request.path, request.query_string.decode("latin-1") if proxy else None)
    expected_text = string_to_sign(request.method, request.headers, resource)
    expected = sign(credential.access_key_secret, expected_text)
    if not secrets.compare_digest(expected, signature):
        raise FcApiError(
            403,
            "SignatureNotMatch",
            f"The request signature we calculated does not match the signature you provided. "
            f"Check your access key and signing method. String to sign: {expected_text!r}",
        )
    return credential.account_id


# --- lookups ------------------------------------------------------------------------------------------


def _split_qualifier(service_name: str) -> tuple[str, str | None]:
    name, dot, qualifier = service_name.partition(".")
    return name, (qualifier if dot else None)


def _service(component: FcComponent, service_name: str, account_id: str | None) -> Service:
    """The service, looked up in ``account_id``'s resources (None: an anonymous trigger's URL, which
    names its owner)."""
    name, qualifier = _split_qualifier(service_name)
    owner = account_id in (None, component.account_id)
    service = component.runtime.template.services.get(name) if owner else None
    if service is None:
        raise FcApiError(404, "ServiceNotFound", f"service '{name}' does not exist")
    if qualifier not in (None, "LATEST"):
        raise FcApiError(
            404, "AliasNotFound", f"alias '{qualifier}' does not exist in service '{name}' (only LATEST)"
        )
    return service  # type: ignore[no-any-return]


def _function(
    component: FcComponent, service_name: str, function_name: str, account_id: str | None
) -> Function:
    service = _service(component, service_name, account_id)
    function = service.functions.get(function_name)
    if function is None:
        raise FcApiError(
            404, "FunctionNotFound", f"function '{function_name}' does not exist in service '{service.name}'"
        )
    return function


@contextmanager
def _server_thread() -> Iterator[None]:
    """Hold one of the server's threads for a whole invocation (``vodfc.emulator.thread_budget``)."""
    with thread_held(request.environ) as held:
        if not held:
            raise FcApiError(
                503,
                "ResourceThrottled",
                "every server thread invocations may hold is busy (VODFC_SERVER_THREADS): try again later",
            )
        yield


def _throttled(exc: Throttled) -> FcApiError:
    return FcApiError(exc.status, exc.code, str(exc))


# --- invoke -------------------------------------------------------------------------------------------


def _invocation_headers(component: FcComponent, result: Invocation, function: Function) -> dict[str, str]:
    headers = {
        "x-fc-request-id": result.request_id,
        "x-fc-invocation-duration": str(max(1, round(result.duration_ms))),
        "x-fc-invocation-service-version": "LATEST",
        "x-fc-max-memory-usage": str(result.memory_mb),
        "x-fc-code-checksum": code_checksum(component, function),
    }
    if request.headers.get("x-fc-log-type", "").lower() == "tail":
        headers["x-fc-log-result"] = result.log_tail()
    if result.error is not None:
        headers["x-fc-error-type"] = "UnhandledInvocationError"
    return headers


@views.post(f"{PREFIX}/services/<service_name>/functions/<function_name>/invocations")
def invoke(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    body = request.get_data()
    mode = request.headers.get("x-fc-invocation-type", "Sync")
    runtime = component.runtime
    if mode.lower() == "async":
        if len(body) > ASYNC_PAYLOAD_LIMIT:
            raise FcApiError(
                400,
                "EntityTooLarge",
                f"payload size exceeds maximum allowed size ({ASYNC_PAYLOAD_LIMIT} bytes)",
            )
        request_id = runtime.invoke_async(function.name, body, service=function.service)
        response = Response(b"", status=202)
        response.headers["x-fc-request-id"] = request_id
        return response
    if mode.lower() != "sync":
        raise FcApiError(400, "InvalidArgument", f"X-Fc-Invocation-Type must be Sync or Async, got {mode!r}")
    if len(body) > SYNC_PAYLOAD_LIMIT:
        raise FcApiError(
            400, "EntityTooLarge", f"payload size exceeds maximum allowed size ({SYNC_PAYLOAD_LIMIT} bytes)"
        )
    with _server_thread():
        try:
            result = runtime.invoke(function.name, body, service=function.service, request_id=_request_id())
        except Throttled as exc:
            raise _throttled(exc) from None
    headers = _invocation_headers(component, result, function)
    if result.error is not None:
        return _json(result.error, 200, headers)
    response = Response(result.body, status=200, content_type="application/octet-stream")
    for name, value in headers.items():
        response.headers[name] = value
    return response


# --- HTTP triggers ------------------------------------------------------------------------------------


@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>", methods=METHODS, defaults={"rest": ""})
@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>/", methods=METHODS, defaults={"rest": ""})
@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>/<path:rest>", methods=METHODS)
def proxy(component: FcComponent, service_name: str, function_name: str, rest: str) -> Response:
    try:
        return _proxy(component, service_name, function_name)
    except FcApiError as error:
        if error.status in (429, 503):
            # FC marks throttling through an HTTP trigger as its own error, not the function's.
            error.headers["x-fc-error-type"] = "FcCommonError"
        raise


def _proxy(component: FcComponent, service_name: str, function_name: str) -> Response:
    function = _function(component, service_name, function_name, None)
    trigger = function.http_trigger
    if trigger is None:
        raise FcApiError(
            404,
            "TriggerNotFound",
            f"function '{function.name}' has no HTTP trigger (it is invoked through the API)",
        )
    if trigger.auth_type == "function":
        _function(component, service_name, function_name, verify_signature(component, proxy=True))
    if request.method.upper() not in trigger.methods:
        raise FcApiError(
            405,
            "MethodNotAllowed",
            f"{request.method} is not allowed by the HTTP trigger of '{function.name}' "
            f"(Methods: {', '.join(trigger.methods)})",
        )
    prefix = f"{PREFIX}/proxy/{service_name}/{function_name}"
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    query = request.query_string.decode("latin-1")
    environ = wsgi_environ(
        method=request.method,
        path_info=request.path[len(prefix) :] or "/",
        query_string=query,
        headers=request.headers.items(),
        body=request.get_data(),
        request_uri=raw_uri if "?" in raw_uri or not query else f"{raw_uri}?{query}",
        client_ip=request.remote_addr or "127.0.0.1",
    )
    with _server_thread():
        try:
            result = component.runtime.invoke_http(
                function.name, environ, service=function.service, request_id=_request_id()
            )
        except Throttled as exc:
            raise _throttled(exc) from None
    if result.error is not None:
        headers = _invocation_headers(component, result, function)
        error = result.error
        # FC's function error body, plus the fields clients read from any non-2xx FC answer.
        body = {
            "ErrorCode": "UnhandledInvocationError",
            "ErrorMessage": f"{error['errorType']}: {error['errorMessage']}",
            **error,
        }
        return _json(body, 502, headers)
    response = Response(result.body, status=result.status)
    response.headers.clear()
    for name, value in result.headers:
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            response.headers.add(name, value)
    response.headers["x-fc-request-id"] = result.request_id
    return response


# --- metadata -----------------------------------------------------------------------------------------


# FC's API time format (createdTime, lastModifiedTime): milliseconds and an explicit +0000 offset.
FC_API_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000+0000"


def _timestamp(component: FcComponent) -> str:
    return str(component.loaded_at.strftime(FC_API_TIME_FORMAT))


def code_checksum(component: FcComponent, function: Function) -> str:
    """A checksum of the code directory's .py files (FC's is the CRC64 of the zip; only stability
    matters), computed once per directory for each loaded template."""
    cache: dict[str, str] = component.checksums
    key = str(function.location.sources or function.code_dir)
    if key not in cache:
        cache[key] = _crc(function)
    return cache[key]


def _crc(function: Function) -> str:
    digest = 0
    for path in function.location.files():
        if path.suffix == ".py":
            digest = zlib.crc32(path.read_bytes(), digest)
    return str(digest)


def service_json(service: Service, component: FcComponent) -> dict[str, Any]:
    return {
        "serviceName": service.name,
        "serviceId": _stable_id(service.name),
        "description": service.description,
        "role": "",
        "logConfig": {"project": service.log_project, "logstore": service.log_store},
        "internetAccess": True,
        "vpcConfig": {"vpcId": "", "vSwitchIds": [], "securityGroupId": ""},
        "nasConfig": {"userId": -1, "groupId": -1, "mountPoints": []},
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }


def function_json(function: Function, component: FcComponent) -> dict[str, Any]:
    size = sum(
        p.stat().st_size for p in function.code_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    return {
        "functionId": _stable_id(f"{function.service}/{function.name}"),
        "functionName": function.name,
        "description": function.description,
        "runtime": function.runtime,
        "handler": function.handler,
        "timeout": function.timeout,
        "initializer": function.initializer or "",
        "initializationTimeout": function.initialization_timeout,
        "memorySize": function.memory_size,
        "codeSize": size,
        "codeChecksum": code_checksum(component, function),
        "environmentVariables": dict(function.environment),
        "instanceConcurrency": function.instance_concurrency,
        "instanceType": "e1",
        "layers": [],
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }


_TRIGGER_TYPES = {"HTTP": "http", "Timer": "timer", "MNSTopic": "mns_topic", "OSS": "oss", "Log": "log"}


def trigger_json(function: Function, trigger: Any, component: FcComponent) -> dict[str, Any]:
    props = trigger.properties
    if trigger.type == "HTTP":
        config: dict[str, Any] = {"authType": trigger.auth_type, "methods": list(trigger.methods)}
    elif trigger.type == "Timer":
        config = {
            "cronExpression": props.get("CronExpression"),
            "payload": props.get("Payload", ""),
            "enable": bool(props.get("Enable", True)),
        }
    else:
        config = {key[:1].lower() + key[1:]: value for key, value in props.items()}
    return {
        "triggerName": trigger.name,
        "triggerType": _TRIGGER_TYPES.get(trigger.type, trigger.type.lower()),
        "triggerConfig": config,
        "sourceArn": "",
        "invocationRole": props.get("InvocationRole", ""),
        "qualifier": props.get("Qualifier", "LATEST"),
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }


def _stable_id(text: str) -> str:
    digest = hashlib.md5(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _page(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    prefix = request.args.get("prefix", "")
    start = request.args.get("nextToken") or request.args.get("startKey") or ""
    try:
        limit = int(request.args.get("limit", 100))
    except ValueError:
        raise FcApiError(400, "InvalidArgument", "limit must be an integer") from None
    if not 1 <= limit <= 100:
        raise FcApiError(400, "InvalidArgument", "limit must be between 1 and 100")
    chosen = [i for i in items if str(i[key]).startswith(prefix) and str(i[key]) >= start]
    chosen.sort(key=lambda i: str(i[key]))
    page, rest = chosen[:limit], chosen[limit:]
    return {"items": page, "nextToken": str(rest[0][key]) if rest else None}


@views.get(f"{PREFIX}/services")
def list_services(component: FcComponent) -> Response:
    account_id = verify_signature(component, proxy=False)
    services = component.runtime.template.services.values() if account_id == component.account_id else []
    found = _page([service_json(s, component) for s in services], "serviceName")
    body: dict[str, Any] = {"services": found["items"]}
    if found["nextToken"]:
        body["nextToken"] = found["nextToken"]
    return _json(body)


@views.get(f"{PREFIX}/services/<service_name>")
def get_service(component: FcComponent, service_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    service = _service(component, service_name, account_id)
    return _json(service_json(service, component), headers={"etag": _stable_id(service.name)})


@views.get(f"{PREFIX}/services/<service_name>/functions")
def list_functions(component: FcComponent, service_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    service = _service(component, service_name, account_id)
    found = _page([function_json(f, component) for f in service.functions.values()], "functionName")
    body: dict[str, Any] = {"functions": found["items"]}
    if found["nextToken"]:
        body["nextToken"] = found["nextToken"]
    return _json(body)


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>")
def get_function(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    body = function_json(function, component)
    return _json(body, headers={"etag": body["codeChecksum"]})


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>/triggers")
def list_triggers(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    found = _page([trigger_json(function, t, component) for t in function.triggers], "triggerName")
    body: dict[str, Any] = {"triggers": found["items"]}
    if found["nextToken"]:
        body["nextToken"] = found["nextToken"]
    return _json(body)


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>/triggers/<trigger_name>")
def get_trigger(component: FcComponent, service_name: str, function_name: str, trigger_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    for trigger in function.triggers:
        if trigger.name == trigger_name:
            etag = _stable_id(f"{function.service}/{function.name}/{trigger.name}")
            return _json(trigger_json(function, trigger, component), headers={"etag": etag})
    raise FcApiError(
        404,
        "TriggerNotFound",
        f"trigger '{trigger_name}' does not exist in service '{function.service}' function '{function.name}'",
    )


@views.route(f"{PREFIX}/<path:rest>", methods=METHODS)
def unsupported(component: FcComponent, rest: str) -> Response:
    raise FcApiError(
        400, "PathNotSupported", f"the vodfc emulator does not serve {request.method} /{API_VERSION}/{rest}"
    )


# --- control plane ------------------------------------------------------------------------------------


def _invocation_json(result: Invocation) -> dict[str, Any]:
    body: Any
    try:
        body = boundedjson.loads(result.body) if result.body else None
    except ValueError:  # not JSON, or nested too deep to show as JSON: shown as text
        body = result.body.decode("utf-8", "replace")
    return {
        "function": result.function,
        "requestId": result.request_id,
        "kind": result.kind,
        "ok": result.ok,
        "error": result.error,
        "status": result.status,
        "result": body,
        "durationMs": round(result.duration_ms, 3),
        "coldStart": result.cold_start,
        "log": result.log_lines,
    }


@views.post(f"{CONTROL_PREFIX}/fc/timers/<function_name>")
def fire_timer(component: FcComponent, function_name: str) -> Response:
    runtime = component.runtime
    try:
        with _server_thread():
            result = runtime.fire_timer(
                function_name, request.args.get("trigger") or None, service=request.args.get("service")
            )
    except Throttled as exc:
        raise _throttled(exc) from None
    except LookupError as exc:
        raise FcApiError(
            404,
            "TriggerNotFound" if runtime.function(function_name) else "FunctionNotFound",
            str(exc).strip("'"),
        ) from None
    return _json(_invocation_json(result))


@views.get(f"{CONTROL_PREFIX}/fc/functions")
def describe_functions(component: FcComponent) -> Response:
    base = request.host_url.rstrip("/")
    listed = []
    for function in component.runtime.functions():
        trigger = function.http_trigger
        listed.append(
            {
                "service": function.service,
                "function": function.name,
                "handler": function.handler,
                "runtime": function.runtime,
                "codeUri": str(function.code_dir),
                "triggers": [{"name": t.name, "type": t.type} for t in function.triggers],
                # FC 3.0 functions have no service, and their HTTP triggers no URL here yet.
                "httpUrl": (
                    f"{base}{PREFIX}/proxy/{function.service}/{function.name}/"
                    if trigger and function.service
                    else None
                ),
            }
        )
    return _json({"template": str(component.template_path), "functions": listed})


@views.get(f"{CONTROL_PREFIX}/fc/invocations")
def invocations(component: FcComponent) -> Response:
    runtime = component.runtime
    return _json(
        {
            "invocations": [_invocation_json(r) for r in list(runtime.history)],
            "deliveries": [
                {
                    "function": d.function,
                    "trigger": d.trigger,
                    "eventType": d.event_type,
                    "attempts": d.attempts,
                    "ok": d.invocation.ok,
                }
                for d in list(runtime.deliveries)
            ],
        }
    )


@views.delete(f"{CONTROL_PREFIX}/fc/instances")
def stop_instances(component: FcComponent) -> Response:
    """Stop every instance: the next invocations start cold (and load the code again)."""
    component.runtime.stop_instances()
    return _json({"status": "ok"})


@views.get(f"{CONTROL_PREFIX}/fc/instances")
def instances(component: FcComponent) -> Response:
    """The instances running now, per function, and the private /tmp switch in effect."""
    runtime = component.runtime
    return _json(
        {
            "privateTmp": runtime.settings.private_tmp,
            "functions": runtime.instances(),
            "processes": supervisor().counts(),
        }
    )


def blueprint(component: FcComponent) -> Blueprint:
    """FC's API, its HTTP-trigger proxy and ``/_vodfc/fc`` for ``component``, with FC's error shapes."""
    bp = views.blueprint(component, "vodfc_fc", __name__)
    bp.register_error_handler(FcApiError, _api_error)
    bp.register_error_handler(Exception, _unexpected)
    return bp
