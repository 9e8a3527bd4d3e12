"""The VOD endpoint: what the POP gateway does in front of VOD, on ``/`` of the shared app.

Per call: decode (RPC or ACS3), check the version, authenticate, run the ``before_action`` hooks,
dispatch to the backend under its lock inside one store transaction, run the ``after_action``
hooks, and render the envelope. Every error, expected or not, leaves as a VOD error body (never an
HTML page). ``VodEndpoint.answer`` does all of that from a WSGI environ; the Flask route on ``/`` is
a thin wrapper over it.

A VOD call is also the hot path (every SDK call, in-process and in server mode), so the app's WSGI
front (``wsgi_front``) answers ``/`` on a host no component claims straight through
``VodEndpoint.serve``, doing for it what Flask's request cycle would (an app context, the app's
request hooks), and hands every other request to Flask. Both doors open the same call scope
(``vodfc.emulator.callscope``) and turn a dropped call into ``DropConnection`` out of the WSGI call.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from flask import Flask, Response, current_app, g, has_app_context, request
from vodfc.emulator.callscope import MODE_KEY, CallScope
from vodfc.emulator.protocol import (
    DropConnection,
    RequestContext,
    check_action_and_version,
    decode,
    envelope,
    new_request_id,
)
from vodfc.emulator.protocol import environ as wsgi
from vodfc.emulator.protocol.decoding import wanted_format
from vodfc.emulator.vod.exceptions import InternalError, InvalidApiNotFound, VodError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

if TYPE_CHECKING:
    from vodfc.emulator.app import EmulatorState

__all__ = ["CONTROL_PREFIX", "DROP_FLAG", "MODE_KEY", "Answer", "VodEndpoint", "get_endpoint", "init_app"]

DROP_FLAG = "vodfc.drop_connection"
CONTROL_PREFIX = "/_vodfc"
ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
# HEAD stays with Flask: its answer keeps the headers and drops the body.
FAST_METHODS = frozenset(ALL_METHODS) - {"HEAD"}
EXTENSION_KEY = "vodfc.gateway"


class Answer(NamedTuple):
    """One rendered answer; ``headers`` in the order werkzeug's ``Response`` would send them."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_line(self) -> str:
        # werkzeug's wording, so both doors put the same status line on the wire.
        return f"{self.status} {HTTP_STATUS_CODES.get(self.status, 'unknown').upper()}"

    def to_response(self) -> Response:
        return Response(self.body, status=self.status, headers=self.headers)


def _answer(status: int, text: str, content_type: str, request_id: str, extra: Mapping[str, str]) -> Answer:
    body = text.encode("utf-8")
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-acs-request-id", request_id),
    ]
    for name, raw in extra.items():
        # Like werkzeug's ``headers[name] = value``: replace (case-insensitively) in place, else append.
        value, lower = str(raw), name.lower()
        at = next((i for i, (have, _) in enumerate(headers) if have.lower() == lower), None)
        if at is None:
            headers.append((name, value))
        else:
            headers[at] = (name, value)
            headers[at + 1 :] = [(k, v) for k, v in headers[at + 1 :] if k.lower() != lower]
    return Answer(status, headers, body)


@dataclass
class _CallMeta:
    """What an error answer needs: the call's request id, region and wanted format."""

    request_id: str
    region: str
    format: str = "JSON"


def _supported_actions(state: EmulatorState) -> list[str]:
    # The VOD package may publish its actions as ``SUPPORTED_ACTIONS`` beside ``dispatch``.
    names = getattr(
        sys.modules.get(getattr(state.dispatch, "__module__", ""), None), "SUPPORTED_ACTIONS", None
    )
    if callable(names):
        names = names()
    return sorted(names or [])


def error_answer(state: EmulatorState, error: VodError, meta: _CallMeta) -> Answer:
    if isinstance(error, InvalidApiNotFound) and error.message == InvalidApiNotFound.message:
        supported = _supported_actions(state)
        if supported:
            error.message += f" This emulator supports: {', '.join(supported)}."
    text, content_type = envelope.failure(error, meta.request_id, meta.region, meta.format)
    return _answer(error.status, text, content_type, meta.request_id, error.headers)


def vod_error_of(error: Exception, method: str, path: str) -> VodError | None:
    """The VOD error a client error of werkzeug's (404, 405, ...) stands for; None for anything else."""
    if not (isinstance(error, HTTPException) and error.code is not None and error.code < 500):
        return None
    if error.code == 404:
        return InvalidApiNotFound(
            f"Specified api is not found, please check your url and method. "
            f"Nothing is served at {method} {path}."
        )
    vod_error = VodError(error.description or error.name)
    vod_error.code, vod_error.status = error.name.replace(" ", ""), error.code
    return vod_error


class VodEndpoint:
    """The VOD API of one app: a WSGI environ in, an ``Answer`` out (``DropConnection`` aside)."""

    def __init__(self, app: Flask):
        from vodfc.emulator.app import flask_adds_nothing, get_state

        self.app = app
        self.state = get_state(app)
        self._flask_adds_nothing = flask_adds_nothing

    def answer(self, environ: dict[str, Any]) -> Answer:
        """The call in ``environ`` answered: its result, or its error as a VOD error body."""
        meta = _CallMeta(new_request_id(), self.state.config.region)
        try:
            return self._call(environ, meta)
        except DropConnection:
            raise
        except VodError as error:
            return error_answer(self.state, error, meta)
        except Exception as error:
            return self._unexpected(error, environ, meta)

    def _call(self, environ: dict[str, Any], meta: _CallMeta) -> Answer:
        state = self.state
        config = state.config
        call = decode(environ, config)
        meta.region, meta.format = call.region, call.format
        check_action_and_version(call)
        credential = state.authenticator.authenticate(call)
        ctx = RequestContext(
            request_id=meta.request_id,
            access_key_id=credential.access_key_id,
            account_id=credential.account_id,
            region=call.region,
            host_url=wsgi.host_url(environ).rstrip("/"),
            mode=environ.get(MODE_KEY, "server"),
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
        return _answer(200, text, content_type, meta.request_id, {})

    def _unexpected(self, error: Exception, environ: dict[str, Any], meta: _CallMeta) -> Answer:
        method, path = wsgi.method(environ), wsgi.path(environ)
        vod_error = vod_error_of(error, method, path)
        if vod_error is None:
            self.app.logger.exception("unexpected error answering %s %s", method, path)
            vod_error = InternalError()
        return error_answer(self.state, vod_error, meta)

    # --- the fast path ------------------------------------------------------------------------------

    def claims(self, environ: dict[str, Any]) -> bool:
        """True for a request Flask would route to the VOD endpoint with no host handler before it
        and no hook of its own around it."""
        return (
            environ.get("PATH_INFO") == "/"
            and environ.get("REQUEST_METHOD") in FAST_METHODS
            and not self.state.routes_host(wsgi.host(environ))
            and self._flask_adds_nothing(self.app)
        )

    def serve(self, environ: dict[str, Any]) -> Answer:
        """Answer a claimed request as Flask would: in an app context, after the request hooks."""
        # Flask reuses an app context of the same app (a call made from inside another call).
        inside = has_app_context() and current_app._get_current_object() is self.app  # type: ignore[attr-defined]
        app_context = None if inside else self.app.app_context()
        if app_context is not None:
            app_context.push()
        try:
            try:
                self.state.run_request_hooks(environ)
            except Exception as error:
                return self._unexpected(error, environ, _fallback_meta(self.state, environ))
            return self.answer(environ)
        finally:
            if app_context is not None:
                app_context.pop()


def _fallback_meta(state: EmulatorState, environ: dict[str, Any]) -> _CallMeta:
    """The meta of a call that failed before it was decoded (as the Flask handlers' ``_meta``)."""
    meta = _CallMeta(new_request_id(), state.config.region)
    try:
        params = {**wsgi.query(environ), **wsgi.form(environ, wsgi.body(environ))}
        meta.format = wanted_format(params, str(environ.get("HTTP_ACCEPT", "")), state.config)
    except Exception:  # a request that does not even decode: answer in JSON
        pass
    return meta


def get_endpoint(app: Flask) -> VodEndpoint:
    endpoint: VodEndpoint = app.extensions[EXTENSION_KEY]
    return endpoint


# --- the Flask side: the route on ``/`` and the app's error handlers --------------------------------


def _meta() -> _CallMeta:
    meta: _CallMeta | None = g.get("vodfc_call")
    if meta is None:
        from vodfc.emulator.app import get_state

        config = get_state(current_app).config
        params = {**request.args.to_dict(), **request.form.to_dict()}
        meta = _CallMeta(
            new_request_id(),
            config.region,
            wanted_format(params, request.accept_mimetypes.to_header(), config),
        )
        g.vodfc_call = meta
    return meta


def vod_api() -> Response:
    return get_endpoint(current_app).answer(request.environ).to_response()


def handle_vod_error(error: VodError) -> Response:
    from vodfc.emulator.app import get_state

    return error_answer(get_state(current_app), error, _meta()).to_response()


def handle_drop(error: DropConnection) -> Response:
    # The WSGI front sees the flag and raises DropConnection out of the WSGI call instead.
    request.environ[DROP_FLAG] = True
    return Response(b"", status=500)


def handle_unexpected(error: Exception) -> Any:
    if request.path.startswith(CONTROL_PREFIX + "/"):
        # Routing errors (404/405) are raised before the control blueprint's own handler can run.
        from vodfc.emulator.control import control_error

        return control_error(error)
    vod_error = vod_error_of(error, request.method, request.path)
    if vod_error is None:
        current_app.logger.exception("unexpected error answering %s %s", request.method, request.path)
        vod_error = InternalError()
    return handle_vod_error(vod_error)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = VodEndpoint(app)
    app.add_url_rule("/", "vod_api", vod_api, methods=ALL_METHODS)
    app.register_error_handler(VodError, handle_vod_error)
    app.register_error_handler(DropConnection, handle_drop)
    app.register_error_handler(Exception, handle_unexpected)
    app.wsgi_app = wsgi_front(app, app.wsgi_app)  # type: ignore[method-assign]


def wsgi_front(app: Flask, flask_app: Any) -> Any:
    """The app's WSGI entry: one call scope per request, VOD calls on the fast path, the rest to
    ``flask_app``; a dropped call raises ``DropConnection`` out of the WSGI call (the mock turns it
    into the client's ``ConnectionError``, the server closes the socket)."""
    endpoint = get_endpoint(app)

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with CallScope(environ):
            if endpoint.claims(environ):
                answer = endpoint.serve(environ)
                start_response(answer.status_line, answer.headers)
                return [answer.body]
            result: Iterable[bytes] = flask_app(environ, start_response)
            if environ.get(DROP_FLAG):
                if hasattr(result, "close"):
                    result.close()
                raise DropConnection()
            return result

    return wsgi_app
