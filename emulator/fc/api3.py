"""The Function Compute 3.0 API (``/2023-03-30/...``) and FC 3.0's HTTP trigger URLs, beside FC 2.0's.

What ``alibabacloud_fc20230330`` (Python) and ``@alicloud/fc20230330`` (Node.js) call: ListFunctions
(``limit``/``nextToken``/``prefix``, ``fcVersion``, ``runtime``), GetFunction, InvokeFunction
(``POST /2023-03-30/functions/<name>/invocations[?qualifier=LATEST]``, sync or
``x-fc-invocation-type: Async``, ``x-fc-log-type: Tail``), ListTriggers and GetTrigger. The same
functions as the FC 2.0 API, named as FC 3.0 names them (``vodfc.emulator.fc.fc3``: no services).
The SDKs sign with ACS3-HMAC-SHA256 through tea-openapi; the check is the one VOD's calls get
(``vodfc.emulator.protocol.signatures``), so its failures carry the gateway's codes
(``SignatureDoesNotMatch``, ``InvalidAccessKeyId.NotFound``, ...). Functions are looked up in the
caller's account: another account's key finds none.

Every error is FC 3.0's JSON ``{"Code", "Message", "RequestId"}`` with ``x-fc-request-id`` (what
tea-openapi reads into ``code``/``message``/``request_id``); a function error is a 200 with
``x-fc-error-type`` and ``{errorMessage, errorType, stackTrace}``, as on FC 2.0.

HTTP triggers: ``https://<prefix>.<region>.fcapp.run/<path>`` (the ``fcapp.run`` hosts are routed to
the emulator in-process, and a server answers them by the ``Host`` header), or in server mode the
path form ``http://127.0.0.1:9000/_fcapp/<prefix>.<region>.fcapp.run/<path>``. A function created
as an FC 3.0 function gets FC 3.0's HTTP event and answers with the response struct
(``vodfc.emulator.fc.http3``); a function of the FC 2.0 template keeps FC 2.0's WSGI call, as FC 3.0
keeps running the functions created under FC 2.0. ``authType: function`` takes ACS3 signatures
(FC 3.0 signs HTTP triggers the way its API is signed); ``anonymous`` takes any request.
"""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request
from vodfc.emulator.fc.api_support import (
    FcApiError,
    accepting_trigger,
    call_event,
    call_wsgi,
    code_checksum,
    code_location,
    code_size,
    invoke,
    json_response,
    page,
    passed_through,
    request_id,
    request_uri,
    stable_id,
    trigger_config,
    trigger_errors,
    trigger_failure,
    trigger_type,
)
from vodfc.emulator.fc.component import FcComponent
from vodfc.emulator.fc.fc3 import FCAPP_HOST, Fc3Functions, trigger_domain, trigger_function
from vodfc.emulator.fc.http3 import http_event, invocation_answer
from vodfc.emulator.fc.template import Function, Trigger
from vodfc.emulator.protocol.decoding import decode
from vodfc.emulator.protocol.signatures import parse_acs3_authorization
from vodfc.emulator.views import ComponentViews
from vodfc.emulator.vod.exceptions import VodError
from vodfc.shared.validation import format_time
from werkzeug.exceptions import HTTPException

API_VERSION = "2023-03-30"
PREFIX = f"/{API_VERSION}"
# The FC 3.0 SDKs' default endpoint for a region (their endpoint map); <account>.<region>.fc.aliyuncs.com
# serves the same paths.
FC3_API_HOST = r"fcv3\.(?P<region>[a-z0-9-]+)\.aliyuncs\.com"
# The path form of an HTTP trigger URL on the emulator's own host (an OSS bucket name cannot start with _).
TRIGGER_PATH = "/_fcapp"
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
# ListFunctions filters the emulator has nothing to match with (no tags, GPUs or resource groups).
UNFILTERED = ("tags", "gpuType", "resourceGroupId", "description", "functionName")

views: ComponentViews[FcComponent] = ComponentViews()
log = logging.getLogger("vodfc.fc")


def _error_body(code: str, message: str) -> dict[str, str]:
    return {"Code": code, "Message": message, "RequestId": request_id()}


def _api_error(error: FcApiError) -> Response:
    return json_response(_error_body(error.code, error.message), error.status, error.headers)


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException) and error.code is not None and error.code < 500:
        return json_response(_error_body("PathNotSupported", error.description or ""), error.code)
    log.error("FC 3.0 API failed on %s %s", request.method, request.path, exc_info=error)
    return json_response(_error_body("InternalServerError", f"{type(error).__name__}: {error}"), 500)


# --- who is calling -------------------------------------------------------------------------------------


def authenticate(component: FcComponent) -> str:
    """Check the current request's ACS3 signature; returns the account id of the caller's key."""
    state = component.core
    header = request.headers.get("Authorization", "")
    if not header:
        raise FcApiError(
            400, "MissingRequiredHeader", "Authorization is required: sign the request with ACS3-HMAC-SHA256"
        )
    data = request.get_data()
    # The signature check reads the body from the environ: hand it a copy of what Flask already read.
    environ = {**request.environ, "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
    environ.pop("wsgi.input_terminated", None)
    try:
        parse_acs3_authorization(header)
        # The signature only: the VOD policy check of ``authenticate`` is about VOD's actions.
        credential = state.authenticator.identify(decode(environ, state.config))
    except VodError as exc:
        raise FcApiError(exc.status, exc.code, exc.message, exc.headers) from None
    return credential.account_id


def _functions(component: FcComponent, account_id: str | None) -> Fc3Functions:
    """The caller's functions (None: an anonymous trigger's URL, which names its owner)."""
    owner = account_id in (None, component.account_id)
    return Fc3Functions.of(component.runtime.functions() if owner else [])


def _function(component: FcComponent, name: str, account_id: str) -> Function:
    functions = _functions(component, account_id)
    found = functions.find(name)
    if found is None:
        message = f"function '{name}' does not exist"
        if name in functions.ambiguous:
            message += f": several services hold one; name it {' or '.join(functions.ambiguous[name])}"
        raise FcApiError(404, "FunctionNotFound", message)
    qualifier = request.args.get("qualifier")
    if qualifier not in (None, "", "LATEST"):
        raise FcApiError(
            404, "AliasNotFound", f"alias '{qualifier}' does not exist in function '{name}' (only LATEST)"
        )
    return found


# --- functions ----------------------------------------------------------------------------------------


def _timestamp(component: FcComponent) -> str:
    # FC 3.0's createdTime / lastModifiedTime: UTC, to the second.
    return format_time(component.loaded_at)


def function_json(function: Function, name: str, component: FcComponent) -> dict[str, Any]:
    """FC 3.0's Function for ``function``, listed as ``name``."""
    runtime = component.runtime
    service = runtime.template.services.get(function.service)
    body: dict[str, Any] = {
        "functionName": name,
        "functionId": stable_id(f"{function.service}/{function.name}"),
        "functionArn": f"acs:fc:{runtime.region}:{runtime.account_id}:functions/{name}",
        "description": function.description,
        "runtime": function.runtime,
        "handler": function.handler,
        "timeout": function.timeout,
        "memorySize": function.memory_size,
        "diskSize": 512,
        "codeSize": code_size(component, function),
        "codeChecksum": code_checksum(component, function),
        "environmentVariables": dict(function.environment),
        "instanceConcurrency": function.instance_concurrency,
        "internetAccess": True,
        "role": "",
        "layers": [],
        "logConfig": {
            "project": service.log_project if service else "",
            "logstore": service.log_store if service else "",
        },
        "state": "Active",
        "lastUpdateStatus": "Successful",
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }
    if function.initializer:
        body["instanceLifecycleConfig"] = {
            "initializer": {"handler": function.initializer, "timeout": function.initialization_timeout}
        }
    return body


def _fc_version(function: Function) -> str:
    return "v3" if function.fc_version == 3 else "v2"


@views.get(f"{PREFIX}/functions")
def list_functions(component: FcComponent) -> Response:
    account_id = authenticate(component)
    for name in UNFILTERED:
        if request.args.get(name):
            raise FcApiError(
                400, "InvalidArgument", f"the vodfc emulator does not filter functions by {name}"
            )
    wanted_version = request.args.get("fcVersion") or None
    if wanted_version not in (None, "v2", "v3"):
        raise FcApiError(400, "InvalidArgument", f"fcVersion must be v2 or v3, got {wanted_version!r}")
    wanted_runtime = request.args.get("runtime") or None
    functions = _functions(component, account_id)
    items = [
        function_json(function, name, component)
        for name, function in functions.listed.items()
        if wanted_version in (None, _fc_version(function)) and wanted_runtime in (None, function.runtime)
    ]
    found = page(items, "functionName")
    body: dict[str, Any] = {"functions": found.items}
    if found.next_token:
        body["nextToken"] = found.next_token
    return json_response(body)


@views.get(f"{PREFIX}/functions/<name>")
def get_function(component: FcComponent, name: str) -> Response:
    account_id = authenticate(component)
    function = _function(component, name, account_id)
    name = _functions(component, account_id).name_of(function)
    return json_response(function_json(function, name, component))


@views.get(f"{PREFIX}/functions/<name>/code")
def get_function_code(component: FcComponent, name: str) -> Response:
    account_id = authenticate(component)
    function = _function(component, name, account_id)
    return json_response(code_location(component, function))


@views.post(f"{PREFIX}/functions/<name>/invocations")
def invoke_function(component: FcComponent, name: str) -> Response:
    account_id = authenticate(component)
    function = _function(component, name, account_id)
    if request.headers.get("x-fc-async-task-id"):
        raise FcApiError(
            400,
            "InvalidArgument",
            "x-fc-async-task-id names an async task: the vodfc emulator does not run async tasks "
            "(invoke with x-fc-invocation-type: Async alone)",
        )
    return invoke(component, function)


# --- triggers -----------------------------------------------------------------------------------------


def trigger_url(component: FcComponent, function: Function, *, vpc: bool = False) -> str:
    runtime = component.runtime
    return f"https://{trigger_domain(function, runtime.account_id, runtime.region, vpc=vpc)}"


def trigger_json(function: Function, name: str, trigger: Trigger, component: FcComponent) -> dict[str, Any]:
    """FC 3.0's Trigger: ``triggerConfig`` is a JSON string; an HTTP trigger has its URLs."""
    runtime = component.runtime
    props = trigger.properties
    config = trigger_config(trigger)
    if trigger.type == "HTTP":
        config["disableURLInternet"] = False
    body: dict[str, Any] = {
        "triggerName": trigger.name,
        "triggerType": trigger_type(trigger),
        "triggerId": stable_id(f"{function.service}/{function.name}/{trigger.name}"),
        "triggerConfig": json.dumps(config, separators=(",", ":")),
        "description": "",
        "sourceArn": "",
        "invocationRole": props.get("InvocationRole", ""),
        "qualifier": props.get("Qualifier", "LATEST"),
        "targetArn": f"acs:fc:{runtime.region}:{runtime.account_id}:functions/{name}",
        "status": "Ready",
        "createdTime": _timestamp(component),
        "lastModifiedTime": _timestamp(component),
    }
    if trigger.type == "HTTP":
        body["httpTrigger"] = {
            "urlInternet": trigger_url(component, function),
            "urlIntranet": trigger_url(component, function, vpc=True),
        }
    return body


@views.get(f"{PREFIX}/functions/<name>/triggers")
def list_triggers(component: FcComponent, name: str) -> Response:
    function = _function(component, name, authenticate(component))
    found = page([trigger_json(function, name, t, component) for t in function.triggers], "triggerName")
    body: dict[str, Any] = {"triggers": found.items}
    if found.next_token:
        body["nextToken"] = found.next_token
    return json_response(body)


@views.get(f"{PREFIX}/functions/<name>/triggers/<trigger_name>")
def get_trigger(component: FcComponent, name: str, trigger_name: str) -> Response:
    function = _function(component, name, authenticate(component))
    for trigger in function.triggers:
        if trigger.name == trigger_name:
            return json_response(trigger_json(function, name, trigger, component))
    raise FcApiError(404, "TriggerNotFound", f"trigger '{trigger_name}' does not exist in function '{name}'")


@views.route(f"{PREFIX}/<path:rest>", methods=METHODS)
def unsupported(component: FcComponent, rest: str) -> Response:
    raise FcApiError(
        400, "PathNotSupported", f"the vodfc emulator does not serve {request.method} /{API_VERSION}/{rest}"
    )


# --- HTTP trigger URLs --------------------------------------------------------------------------------

_TRIGGER_HOST = re.compile(FCAPP_HOST, re.IGNORECASE)


@views.route(f"{TRIGGER_PATH}/<host>", methods=METHODS, defaults={"rest": ""})
@views.route(f"{TRIGGER_PATH}/<host>/", methods=METHODS, defaults={"rest": ""})
@views.route(f"{TRIGGER_PATH}/<host>/<path:rest>", methods=METHODS)
def trigger_by_path(component: FcComponent, host: str, rest: str) -> Response:
    """``/_fcapp/<prefix>.<region>.fcapp.run/<path>``: the trigger URL on the emulator's own host."""
    match = _TRIGGER_HOST.fullmatch(host)
    if match is None:
        raise FcApiError(
            404, "TriggerNotFound", f"{host!r} is not an HTTP trigger host (<prefix>.<region>.fcapp.run)"
        )
    prefix = match.group("prefix").lower()
    return serve_trigger(component, host.lower(), prefix, len(f"{TRIGGER_PATH}/{host}"))


def serve_trigger(component: FcComponent, domain: str, prefix: str, strip: int = 0) -> Response:
    """One request through the HTTP trigger at ``domain``; the first ``strip`` characters of the path
    are the path form's own."""
    runtime = component.runtime
    with trigger_errors():
        function = trigger_function(runtime.functions(), prefix, runtime.account_id, runtime.region)
        if function is None:
            raise FcApiError(404, "TriggerNotFound", f"no HTTP trigger answers {domain}")
        trigger = accepting_trigger(function)
        if trigger.auth_type == "function" and authenticate(component) != component.account_id:
            raise FcApiError(404, "FunctionNotFound", f"function '{function.name}' does not exist")
        uri = request_uri()[strip:] or "/"
        raw_path, _, query = uri.partition("?")
        if function.fc_version != 3:
            # A function created under FC 2.0 keeps its WSGI call behind FC 3.0's URL.
            result = call_wsgi(component, function, request.path[strip:] or "/", uri)
        else:
            event = http_event(
                method=request.method,
                raw_path=raw_path or "/",
                query_string=query,
                headers=request.headers.items(),
                body=request.get_data(),
                domain=domain,
                account_id=runtime.account_id,
                request_id=request_id(),
                source_ip=request.remote_addr or "127.0.0.1",
                protocol=str(request.environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
                now=_now(component),
            )
            result = call_event(component, function, json.dumps(event, ensure_ascii=False).encode("utf-8"))
    if function.fc_version == 3:
        answer = invocation_answer(result)
        if answer is not None:
            return passed_through(answer.status, answer.headers, answer.body, result.request_id)
    if result.error is not None:
        error = result.error
        fields = _error_body("UnhandledInvocationError", f"{error['errorType']}: {error['errorMessage']}")
        return trigger_failure(component, result, function, fields)
    return passed_through(result.status, result.headers, result.body, result.request_id)


def _now(component: FcComponent) -> datetime:
    return component.core.config.clock()


def trigger_host_handler(component: FcComponent) -> Any:
    """The handler of the ``*.fcapp.run`` hosts: every path on them is the trigger's."""

    def handle(match: re.Match[str]) -> Response:
        try:
            return serve_trigger(component, match.group(0).lower(), match.group("prefix").lower())
        except FcApiError as error:
            return _api_error(error)
        except Exception as error:
            return _unexpected(error)

    return handle


def path_url(base: str, component: FcComponent, function: Function) -> str:
    """The path form of ``function``'s trigger URL on a server at ``base``."""
    return (
        f"{base.rstrip('/')}{TRIGGER_PATH}/{quote(trigger_url(component, function).removeprefix('https://'))}"
    )


def blueprint(component: FcComponent) -> Blueprint:
    """FC 3.0's API and the path form of its HTTP trigger URLs for ``component``, with FC 3.0's errors."""
    bp = views.blueprint(component, "vodfc_fc3", __name__)
    bp.register_error_handler(FcApiError, _api_error)
    bp.register_error_handler(Exception, _unexpected)
    return bp
