"""The VOD endpoint: what the POP gateway does in front of VOD, for ``/`` on the emulator's hosts.

Per call: decode (RPC or ACS3), check the version, authenticate, run the ``before_action`` hooks,
dispatch to the backend under its lock inside one store transaction, publish the events the action
emitted (``RequestContext.emit``) once the transaction committed, run the ``after_action`` hooks, and
render the envelope. A call that fails publishes nothing and runs no ``after_action`` hook.
``VodEndpoint.serve`` is the VOD part of the request cycle (``vodfc.emulator.front`` hands it every
VOD call, straight from the WSGI environ, outside Flask).

Every error leaves as a VOD error body (never an HTML page), through one path: ``VodEndpoint.failure``
turns any exception into an ``Answer`` (a ``VodError`` as it is, a werkzeug client error as the VOD
error it stands for, anything else as a logged ``InternalError``), with the call's meta when the call
was decoded and ``meta_from_environ`` otherwise. The Flask side uses the same method for requests
its routes do not take. ``DropConnection`` is never rendered: it leaves the WSGI call.

An error's ``Message`` is the cloud's text; the emulator's explanation of it (``VodError.detail``:
which limit, which value) goes in the ``x-vodfc-error-detail`` header and the refusal's INFO line on
``vodfc.gateway.refused``, and into ``Message`` too when ``EmulatorConfig.explain_errors`` is on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.config import EmulatorConfig
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
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.vod.exceptions import InternalError, InvalidApiNotFound, VodError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from vodfc.emulator.vod.action_table import ActionTable

__all__ = [
    "ALL_METHODS",
    "Answer",
    "CallMeta",
    "VodEndpoint",
    "meta_from_environ",
    "refusals_shown",
    "render_error",
]

# The methods VOD answers on ``/``; HEAD is answered like GET, without the body.
ALL_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")

log = logging.getLogger("vodfc.gateway")
# One INFO line per refused call (action, code, the explained message); a server shows them.
refused = logging.getLogger("vodfc.gateway.refused")


class Answer(NamedTuple):
    """One rendered answer; ``headers`` in the order werkzeug's ``Response`` would send them."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_line(self) -> str:
        # werkzeug's wording, so a VOD answer and a Flask one put the same status line on the wire.
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
class CallMeta:
    """What an error answer needs: the call's request id, region and wanted format, whether the
    message carries the emulator's explanation (``EmulatorConfig.explain_errors``), and what the call
    was (its action, else its method and path) for the refusal's log line."""

    request_id: str
    region: str
    format: str = "JSON"
    explain: bool = False
    action: str = ""


def meta_from_environ(environ: Mapping[str, Any], config: EmulatorConfig) -> CallMeta:
    """The meta of a request that was not (or could not be) decoded as a VOD call."""
    meta = CallMeta(new_request_id(), config.region, explain=config.explain_errors)
    params: Mapping[str, Any] = {}
    try:
        params = {**wsgi.query(environ), **wsgi.form(environ, wsgi.body(environ))}
        meta.format = wanted_format(params, str(environ.get("HTTP_ACCEPT", "")), config)
    except Exception:  # a request that does not even decode: answer in JSON
        pass
    meta.action = str(params.get("Action") or environ.get("HTTP_X_ACS_ACTION") or "")
    return meta


def render_error(error: VodError, meta: CallMeta, supported: Sequence[str] = ()) -> Answer:
    """A VOD error answer: the cloud's body (explained when ``meta.explain``), the explanation in
    ``x-vodfc-error-detail`` whatever the switch, and the refusal's log line. InvalidApi.NotFound
    without an explanation gets the ``supported`` actions as one."""
    if supported and isinstance(error, InvalidApiNotFound) and error.detail is None:
        error.explain(f"This emulator supports: {', '.join(supported)}.")
    text, content_type = envelope.failure(error, meta.request_id, meta.region, meta.format, meta.explain)
    headers = dict(error.headers)
    if error.detail:
        headers[envelope.DETAIL_HEADER] = envelope.detail_header(error.detail)
    if refused.isEnabledFor(logging.INFO):
        action = meta.action or "-"
        refused.info(
            "refused %s: %s: %s",
            _one_line(action),
            error.code,
            _one_line(error.message),
            # The parts apart, for a handler (or a test) that wants more than the line.
            extra={
                "action": action,
                "code": error.code,
                "cloud_message": error.cloud_message,
                "detail": error.detail,
                "explained": error.message,
            },
        )
    return _answer(error.status, text, content_type, meta.request_id, headers)


def _one_line(text: str) -> str:
    """``text`` on one log line: a value from the request may hold line breaks."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


@contextmanager
def refusals_shown(stream: TextIO | None = None) -> Iterator[None]:
    """While inside, print the refused calls' lines on ``stream`` (stderr by default): a server's
    console, where a user looks for why a call was refused. The lines leave ``vodfc.gateway.refused``
    only through this handler meanwhile, so a root handler (``vodfc up``'s) does not print them twice."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level, propagate = refused.level, refused.propagate
    refused.addHandler(handler)
    refused.setLevel(logging.INFO)
    refused.propagate = False
    try:
        yield
    finally:
        refused.removeHandler(handler)
        refused.setLevel(level)
        refused.propagate = propagate


def vod_error_of(error: Exception, method: str, path: str) -> VodError | None:
    """The VOD error a client error of werkzeug's (404, 405, ...) stands for; None for anything else."""
    if not (isinstance(error, HTTPException) and error.code is not None and error.code < 500):
        return None
    if error.code == 404:
        return InvalidApiNotFound(detail=f"Nothing is served at {method} {path}.")
    vod_error = VodError(error.description or error.name)
    vod_error.code, vod_error.status = error.name.replace(" ", ""), error.code
    return vod_error


class VodEndpoint:
    """The VOD API of one emulator: a WSGI environ in, an ``Answer`` out (``DropConnection`` aside)."""

    def __init__(self, state: EmulatorState, actions: ActionTable):
        self.state = state
        self.actions = actions

    def serve(self, environ: dict[str, Any]) -> Answer:
        """A VOD call as the request cycle hands it over: the request hooks first, then the call."""
        try:
            self.state.run_request_hooks(environ)
            if environ.get("REQUEST_METHOD") not in ALL_METHODS:
                raise MethodNotAllowed(valid_methods=ALL_METHODS)
        except Exception as error:
            return self.failure(error, environ)
        return self.answer(environ)

    def answer(self, environ: dict[str, Any]) -> Answer:
        """The call in ``environ`` answered: its result, or its error as a VOD error body."""
        config = self.state.config
        meta = CallMeta(new_request_id(), config.region, explain=config.explain_errors)
        try:
            return self._call(environ, meta)
        except Exception as error:
            return self.failure(error, environ, meta)

    def _call(self, environ: dict[str, Any], meta: CallMeta) -> Answer:
        state = self.state
        config = state.config
        call = decode(environ, config)
        meta.region, meta.format, meta.action = call.region, call.format, call.action
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
        body = self.run(call.action, call.params, ctx)
        text, content_type = envelope.success(call.action, body, meta.request_id, call.format)
        return _answer(200, text, content_type, meta.request_id, {})

    def run(self, action: str, params: Mapping[str, str], ctx: RequestContext) -> dict[str, Any]:
        """One authenticated call on ``ctx``'s backend: the ``before_action`` hooks, the action in one
        store transaction under the backend's lock, its events published once it committed, the
        ``after_action`` hooks. The body without ``RequestId``; raises the action's ``VodError``.

        Every VOD write goes through here: the wire calls above, and the dashboard's own
        (``vodfc.emulator.dashboard``), which so writes nothing the API could not."""
        state = self.state
        backend = state.backends.get(ctx.account_id, ctx.region)
        with backend.lock:
            for hook in state.before_action:
                hook(backend, action, params, ctx)
            transaction = None
            try:
                with state.store.transaction() as transaction:
                    body = self.actions.dispatch(backend, action, params, ctx)
            except BaseException:
                # The store undid the failed call's writes; the backend's objects must follow it.
                if transaction is not None and transaction.wrote and hasattr(backend, "reload"):
                    backend.reload()
                raise
            if ctx.emitted and state.publish is not None:
                state.publish(ctx.account_id, ctx.emitted)
            for after in state.after_action:
                after(backend, action, params, ctx, body)
        return body

    def failure(self, error: Exception, environ: Mapping[str, Any], meta: CallMeta | None = None) -> Answer:
        """``error`` as the VOD error answer to the request in ``environ``; re-raises ``DropConnection``."""
        if isinstance(error, DropConnection):
            raise error
        method, path = wsgi.method(environ), wsgi.path(environ)
        if meta is None:
            meta = meta_from_environ(environ, self.state.config)
        meta.action = meta.action or f"{method} {path}"
        if isinstance(error, VodError):
            return render_error(error, meta, self.actions.names)
        vod_error = vod_error_of(error, method, path)
        if vod_error is None:
            log.error("unexpected error answering %s %s", method, path, exc_info=error)
            vod_error = InternalError()
        return render_error(vod_error, meta, self.actions.names)
