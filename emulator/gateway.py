"""The VOD endpoint: what the POP gateway does in front of VOD, on ``/`` of the shared app.

Per call: decode (RPC or ACS3), check the version, authenticate, run the ``before_action`` hooks,
dispatch to the backend under its lock inside one store transaction, run the ``after_action``
hooks, and render the envelope. Every error, expected or not, leaves as a VOD error body: one
handler renders ``VodError``, another turns anything unexpected into ``InternalError`` (never an
HTML page).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from emulator.callscope import MODE_KEY, CallScope
from emulator.protocol import (
    DropConnection,
    RequestContext,
    check_action_and_version,
    decode,
    envelope,
    new_request_id,
)
from emulator.protocol.decoding import wanted_format
from emulator.vod.exceptions import InternalError, InvalidApiNotFound, VodError

__all__ = ["DROP_FLAG", "MODE_KEY", "init_app", "wsgi_dropper"]

DROP_FLAG = "vodfc.drop_connection"
CONTROL_PREFIX = "/_vodfc"
ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


@dataclass
class _CallMeta:
    """What the error handlers need to render an error for the call in flight."""

    request_id: str
    region: str
    format: str = "JSON"


def _meta() -> _CallMeta:
    meta: _CallMeta | None = g.get("vodfc_call")
    if meta is None:
        from emulator.app import get_state

        config = get_state(current_app).config
        params = {**request.args.to_dict(), **request.form.to_dict()}
        meta = _CallMeta(
            new_request_id(),
            config.region,
            wanted_format(params, request.accept_mimetypes.to_header(), config),
        )
        g.vodfc_call = meta
    return meta


def _respond(text: str, content_type: str, status: int, request_id: str, headers: dict[str, str]) -> Response:
    response = Response(text, status=status, content_type=content_type)
    response.headers["x-acs-request-id"] = request_id
    for name, value in headers.items():
        response.headers[name] = value
    return response


def _supported_actions() -> list[str]:
    from emulator.app import get_state

    # The VOD package may publish its actions as ``SUPPORTED_ACTIONS`` beside ``dispatch``.
    dispatch = get_state(current_app).dispatch
    names = getattr(sys.modules.get(getattr(dispatch, "__module__", ""), None), "SUPPORTED_ACTIONS", None)
    if callable(names):
        names = names()
    return sorted(names or [])


def vod_api() -> Response:
    from emulator.app import get_state

    state = get_state(current_app)
    config = state.config
    meta = _CallMeta(new_request_id(), config.region)
    g.vodfc_call = meta
    call = decode(request.environ, config)
    meta.region, meta.format = call.region, call.format
    check_action_and_version(call)
    credential = state.authenticator.authenticate(call)
    ctx = RequestContext(
        request_id=meta.request_id,
        access_key_id=credential.access_key_id,
        account_id=credential.account_id,
        region=call.region,
        host_url=request.host_url.rstrip("/"),
        mode=request.environ.get(MODE_KEY, "server"),
        now=config.clock(),
        security_token=call.security_token,
        headers=call.headers,
        accounts=state.accounts,
    )
    backend = state.backends.get(credential.account_id, call.region)
    with backend.lock:
        for hook in state.before_action:
            hook(backend, call.action, call.params, ctx)
        transaction = None
        try:
            with state.store.transaction() as transaction:
                body = state.dispatch(backend, call.action, call.params, ctx)
        except BaseException:
            # The store undid the failed call's writes; the backend's objects must follow it.
            if transaction is not None and transaction.wrote and hasattr(backend, "reload"):
                backend.reload()
            raise
        for after in state.after_action:
            after(backend, call.action, call.params, ctx, body)
    text, content_type = envelope.success(call.action, body, meta.request_id, call.format)
    return _respond(text, content_type, 200, meta.request_id, {})


def handle_vod_error(error: VodError) -> Response:
    meta = _meta()
    if isinstance(error, InvalidApiNotFound) and error.message == InvalidApiNotFound.message:
        supported = _supported_actions()
        if supported:
            error.message += f" This emulator supports: {', '.join(supported)}."
    text, content_type = envelope.failure(error, meta.request_id, meta.region, meta.format)
    return _respond(text, content_type, error.status, meta.request_id, error.headers)


def handle_drop(error: DropConnection) -> Response:
    # The transport (mock or server) sees the flag and drops the connection instead of answering.
    request.environ[DROP_FLAG] = True
    return Response(b"", status=500)


def handle_unexpected(error: Exception) -> Any:
    if request.path.startswith(CONTROL_PREFIX + "/"):
        # Routing errors (404/405) are raised before the control blueprint's own handler can run.
        from emulator.control import control_error

        return control_error(error)
    if isinstance(error, HTTPException) and error.code is not None and error.code < 500:
        if error.code == 404:
            vod_error: VodError = InvalidApiNotFound(
                f"Specified api is not found, please check your url and method. "
                f"Nothing is served at {request.method} {request.path}."
            )
        else:
            vod_error = VodError(error.description or error.name)
            vod_error.code, vod_error.status = error.name.replace(" ", ""), error.code
        return handle_vod_error(vod_error)
    current_app.logger.exception("unexpected error answering %s %s", request.method, request.path)
    return handle_vod_error(InternalError())


def init_app(app: Flask) -> None:
    app.add_url_rule("/", "vod_api", vod_api, methods=ALL_METHODS)
    app.register_error_handler(VodError, handle_vod_error)
    app.register_error_handler(DropConnection, handle_drop)
    app.register_error_handler(Exception, handle_unexpected)


def wsgi_dropper(app: Flask) -> Any:
    """Wrap ``app.wsgi_app``: one call scope per request (``emulator.callscope``), and a dropped call
    raises ``DropConnection`` out of the WSGI call."""
    inner = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        with CallScope(environ):
            result = inner(environ, start_response)
            if environ.get(DROP_FLAG):
                if hasattr(result, "close"):
                    result.close()
                raise DropConnection()
            return result

    return wsgi_app
