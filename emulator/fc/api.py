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
import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, Response, request
from vodfc.emulator.fc.api3 import path_url, trigger_url
from vodfc.emulator.fc.api_support import (
    FcApiError,
    Page,
    accepting_trigger,
    call_wsgi,
    code_checksum,
    code_location,
    code_size,
    current_request,
    json_response,
    page,
    passed_through,
    request_uri,
    server_thread,
    serving,
    stable_id,
    throttled,
    trigger_config,
    trigger_errors,
    trigger_failure,
    trigger_type,
)
from vodfc.emulator.fc.api_support import invoke as run_invocation
from vodfc.emulator.fc.component import FcComponent
from vodfc.emulator.fc.fc3 import Fc3Functions
from vodfc.emulator.fc.instances import supervisor
from vodfc.emulator.fc.runtime import Invocation, Throttled
from vodfc.emulator.fc.template import Function, Service, Trigger
from vodfc.emulator.front import DirectRoute
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.views import ComponentViews
from vodfc.emulator.vod.exceptions import VodError
from vodfc.shared import boundedjson
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

API_VERSION = "2016-08-15"
PREFIX = f"/{API_VERSION}"
CLOCK_SKEW = timedelta(minutes=15)
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]

views: ComponentViews[FcComponent] = ComponentViews()
log = logging.getLogger("vodfc.fc")


def _api_error(error: FcApiError) -> Response:
    return json_response(
        {"ErrorCode": error.code, "ErrorMessage": error.message}, error.status, error.headers
    )


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException) and error.code is not None and error.code < 500:
        return json_response(
            {"ErrorCode": "PathNotSupported", "ErrorMessage": error.description or ""}, error.code
        )
    req = current_request()
    log.error("FC API failed on %s %s", req.method, req.path, exc_info=error)
    return json_response(
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


def string_to_sign(method: str, headers: Mapping[str, str], resource: str) -> str:
    """FC's string to sign for a request with ``headers`` (names in any case)."""
    return _string_to_sign(method, {name.lower(): value for name, value in headers.items()}, resource)


def _string_to_sign(method: str, headers: Mapping[str, str], resource: str) -> str:
    """``string_to_sign`` of headers by lower-case name."""
    fc_headers = sorted((k, v) for k, v in headers.items() if k.startswith("x-fc-"))
    canonical = "".join(f"{k}:{v}\n" for k, v in fc_headers)
    parts = [
        method.upper(),
        headers.get("content-md5", ""),
        headers.get("content-type", ""),
        headers.get("date", ""),
        canonical + resource,
    ]
    return "\n".join(parts)


@functools.lru_cache(maxsize=256)
def _sent_at(date: str) -> datetime:
    """A Date header's time (UTC when it names no zone); clients send the same one for a whole second."""
    sent = email.utils.parsedate_to_datetime(date)
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=timezone.utc)


def sign(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def verify_signature(component: FcComponent, proxy: bool) -> str:
    """Check FC's signature on the current request; returns the account id of the caller's key."""
    state = component.core
    req = current_request()
    # One pass over the headers: each lookup in werkzeug's view of the environ costs as much.
    headers = {name.lower(): value for name, value in req.headers.items()}
    header = headers.get("authorization", "")
    if not header:
        # FC's signing doc: a wrong or missing signature is 403 SignatureNotMatch (a missing Date is the
        # 400 MissingRequiredHeader).
        raise FcApiError(
            403,
            "SignatureNotMatch",
            "the request carries no signature: sign it with FC's scheme (Authorization)",
        )
    scheme, _, rest = header.partition(" ")
    access_key_id, _, signature = rest.strip().partition(":")
    if scheme != "FC" or not access_key_id or not signature:
        raise FcApiError(403, "SignatureNotMatch", "Authorization must be 'FC <AccessKeyId>:<signature>'")
    token = headers.get("x-fc-security-token") or None
    if not state.config.verify_signatures:
        found = state.accounts.find(access_key_id)
        return found.account_id if found is not None else state.config.default_account_id
    try:
        credential = state.accounts.authenticate(access_key_id, token)
    except VodError as exc:
        code = "InvalidAccessKeyID" if "AccessKeyId" in exc.code else "InvalidSecurityToken"
        raise FcApiError(403, code, f"{exc.message} (AccessKeyId {access_key_id})") from None
    date = headers.get("date")
    if not date:
        raise FcApiError(400, "MissingRequiredHeader", "Date is required")
    try:
        sent = _sent_at(date)
    except (TypeError, ValueError):
        raise FcApiError(400, "InvalidArgument", f"Date {date!r} is not an RFC 1123 date") from None
    if abs(state.config.clock() - sent) > CLOCK_SKEW:
        raise FcApiError(
            403, "RequestTimeTooSkewed", f"Date {date!r} is more than 15 minutes from the server's time"
        )
    resource = canonical_resource(req.path, req.query_string.decode("latin-1") if proxy else None)
    expected_text = _string_to_sign(req.method, headers, resource)
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


# --- invoke -------------------------------------------------------------------------------------------


@views.post(f"{PREFIX}/services/<service_name>/functions/<function_name>/invocations")
def invoke(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    return run_invocation(component, _function(component, service_name, function_name, account_id))


def direct_invoke(component: FcComponent) -> DirectRoute:
    """InvokeFunction as the front answers it without Flask (``DirectRoute``): the same view, signature
    check and error shapes, on a werkzeug request of its own. The Flask rule above stays for requests
    the front gives Flask (a host with a handler of its own)."""

    def serve(environ: dict[str, Any], match: re.Match[str], start_response: Any) -> Iterable[bytes]:
        with serving(Request(environ)):
            try:
                response = invoke(component, match["service"], match["function"])
            except FcApiError as error:
                response = _api_error(error)
            except Exception as error:
                response = _unexpected(error)
            # The answer as it stands (its Content-Length set with its body): werkzeug's WSGI call would
            # only recheck what an FC answer never holds (a relative Location, a 304's body).
            start_response(response.status, response.headers.to_wsgi_list())
            return [response.get_data()]

    # Flask's <name> converter: one path segment, at least one character.
    return DirectRoute(
        "POST", rf"{PREFIX}/services/(?P<service>[^/]+)/functions/(?P<function>[^/]+)/invocations", serve
    )


# --- HTTP triggers ------------------------------------------------------------------------------------


@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>", methods=METHODS, defaults={"rest": ""})
@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>/", methods=METHODS, defaults={"rest": ""})
@views.route(f"{PREFIX}/proxy/<service_name>/<function_name>/<path:rest>", methods=METHODS)
def proxy(component: FcComponent, service_name: str, function_name: str, rest: str) -> Response:
    with trigger_errors():
        function = _function(component, service_name, function_name, None)
        trigger = accepting_trigger(function)
        if trigger.auth_type == "function":
            _function(component, service_name, function_name, verify_signature(component, proxy=True))
        prefix = f"{PREFIX}/proxy/{service_name}/{function_name}"
        result = call_wsgi(component, function, request.path[len(prefix) :], request_uri())
    if result.error is not None:
        error = result.error
        fields = {
            "ErrorCode": "UnhandledInvocationError",
            "ErrorMessage": f"{error['errorType']}: {error['errorMessage']}",
        }
        return trigger_failure(component, result, function, fields)
    return passed_through(result.status, result.headers, result.body, result.request_id)


# --- metadata -----------------------------------------------------------------------------------------


# FC's API time format (createdTime, lastModifiedTime): milliseconds and an explicit +0000 offset.
FC_API_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000+0000"


def _timestamp(component: FcComponent) -> str:
    return str(component.loaded_at.strftime(FC_API_TIME_FORMAT))


def service_json(service: Service, component: FcComponent) -> dict[str, Any]:
    return {
        "serviceName": service.name,
        "serviceId": stable_id(service.name),
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
    return {
        "functionId": stable_id(f"{function.service}/{function.name}"),
        "functionName": function.name,
        "description": function.description,
        "runtime": function.runtime,
        "handler": function.handler,
        "timeout": function.timeout,
        "initializer": function.initializer or "",
        "initializationTimeout": function.initialization_timeout,
        "memorySize": function.memory_size,
        "codeSize": code_size(component, function),
        "codeChecksum": code_checksum(component, function),
        "environmentVariables": dict(function.environment),
        "instanceConcurrency": function.instance_concurrency,
        "instanceType": "e1",
        "layers": [],
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }


def trigger_json(function: Function, trigger: Trigger, component: FcComponent) -> dict[str, Any]:
    props = trigger.properties
    return {
        "triggerName": trigger.name,
        "triggerType": trigger_type(trigger),
        "triggerConfig": trigger_config(trigger),
        "sourceArn": "",
        "invocationRole": props.get("InvocationRole", ""),
        "qualifier": props.get("Qualifier", "LATEST"),
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }


def _listing(key: str, found: Page) -> dict[str, Any]:
    body: dict[str, Any] = {key: found.items}
    if found.next_token:
        body["nextToken"] = found.next_token
    return body


@views.get(f"{PREFIX}/services")
def list_services(component: FcComponent) -> Response:
    account_id = verify_signature(component, proxy=False)
    services = component.runtime.template.services.values() if account_id == component.account_id else []
    return json_response(
        _listing("services", page([service_json(s, component) for s in services], "serviceName"))
    )


@views.get(f"{PREFIX}/services/<service_name>")
def get_service(component: FcComponent, service_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    service = _service(component, service_name, account_id)
    return json_response(service_json(service, component), headers={"etag": stable_id(service.name)})


@views.get(f"{PREFIX}/services/<service_name>/functions")
def list_functions(component: FcComponent, service_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    service = _service(component, service_name, account_id)
    found = page([function_json(f, component) for f in service.functions.values()], "functionName")
    return json_response(_listing("functions", found))


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>")
def get_function(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    body = function_json(function, component)
    return json_response(body, headers={"etag": body["codeChecksum"]})


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>/code")
def get_function_code(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    return json_response(code_location(component, function))


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>/triggers")
def list_triggers(component: FcComponent, service_name: str, function_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    found = page([trigger_json(function, t, component) for t in function.triggers], "triggerName")
    return json_response(_listing("triggers", found))


@views.get(f"{PREFIX}/services/<service_name>/functions/<function_name>/triggers/<trigger_name>")
def get_trigger(component: FcComponent, service_name: str, function_name: str, trigger_name: str) -> Response:
    account_id = verify_signature(component, proxy=False)
    function = _function(component, service_name, function_name, account_id)
    for trigger in function.triggers:
        if trigger.name == trigger_name:
            etag = stable_id(f"{function.service}/{function.name}/{trigger.name}")
            return json_response(trigger_json(function, trigger, component), headers={"etag": etag})
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
        "startedAt": result.started_at.isoformat(),
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
        with server_thread():
            result = runtime.fire_timer(
                function_name, request.args.get("trigger") or None, service=request.args.get("service")
            )
    except Throttled as exc:
        raise throttled(exc) from None
    except LookupError as exc:
        raise FcApiError(
            404,
            "TriggerNotFound" if runtime.function(function_name) else "FunctionNotFound",
            str(exc).strip("'"),
        ) from None
    return json_response(_invocation_json(result))


@views.get(f"{CONTROL_PREFIX}/fc/functions")
def describe_functions(component: FcComponent) -> Response:
    base = request.host_url.rstrip("/")
    listed = []
    functions = component.runtime.functions()
    names = Fc3Functions.of(functions)
    for function in functions:
        trigger = function.http_trigger
        listed.append(
            {
                "service": function.service,
                "function": function.name,
                "fc3Name": names.name_of(function),
                "handler": function.handler,
                "runtime": function.runtime,
                "codeUri": str(function.code_dir),
                "triggers": [{"name": t.name, "type": t.type} for t in function.triggers],
                # FC 2.0's URL for a service's function; FC 3.0's for every HTTP trigger.
                "httpUrl": (
                    f"{base}{PREFIX}/proxy/{function.service}/{function.name}/"
                    if trigger and function.service
                    else None
                ),
                "fc3HttpUrl": trigger_url(component, function) if trigger else None,
                "fc3HttpPath": path_url(base, component, function) if trigger else None,
            }
        )
    return json_response({"template": str(component.template_path), "functions": listed})


@views.get(f"{CONTROL_PREFIX}/fc/invocations")
def invocations(component: FcComponent) -> Response:
    runtime = component.runtime
    return json_response(
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
    return json_response({"status": "ok"})


@views.get(f"{CONTROL_PREFIX}/fc/instances")
def instances(component: FcComponent) -> Response:
    """The instances running now, per function, and the private /tmp switch in effect."""
    runtime = component.runtime
    return json_response(
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
