"""FC handler plumbing shared by every vodfc function (standard library only, like the rest of ``shared``).

* :mod:`shared.fc.app` — ``OperationApp``: one VOD operation as an event handler and a WSGI HTTP handler;
* :mod:`shared.fc.events` — the invocation event (bytes) as a JSON object, or a clear 400;
* :mod:`shared.fc.schema` — declarative input checks answering ``MissingParameter``/``InvalidParameter``;
* :mod:`shared.fc.errors` — any exception → HTTP status + ``{"Code", "Message", "RequestId"}``;
* :mod:`shared.fc.router` — the WSGI mini-router (path templates, 404/405, HEAD);
* :mod:`shared.fc.auth` — bearer-token check for anonymous HTTP triggers;
* :mod:`shared.fc.logs` — FC's log line format and secret masking;
* :mod:`shared.fc.clients` — the lazily built, per-instance VodClient;
* :mod:`shared.fc.deploy` — a function's deployment knobs (timeout, timer, ...), read by ``vodfc generate``.

Event functions (not operations) use the parts directly, e.g.::

    from . import ClientProvider, decode_json_object, error_response, setup_logging

    clients = ClientProvider()

    def handler(event, context):
        setup_logging()
        body = decode_json_object(event)
        vod = clients.get(context)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .app import HttpBinding, OperationApp, request_id_of
    from .auth import HttpAuth
    from .clients import ClientProvider
    from .deploy import Deploy, Timer
    from .errors import (
        BadRequest,
        ConfigurationError,
        ErrorResponse,
        Forbidden,
        HttpError,
        MethodNotAllowed,
        RouteNotFound,
        Unauthorized,
        error_response,
        to_http_error,
    )
    from .events import decode_json_object
    from .logs import current_request_id, mask, register_secret, setup_logging
    from .router import Request, Response, Router
    from .schema import Field, Schema

# Each name is loaded from its module on first access, so a function pays only for the parts it uses.
_HOME = {
    "app": ("HttpBinding", "OperationApp", "request_id_of"),
    "auth": ("HttpAuth",),
    "clients": ("ClientProvider",),
    "deploy": ("Deploy", "Timer"),
    "errors": (
        "BadRequest",
        "ConfigurationError",
        "ErrorResponse",
        "Forbidden",
        "HttpError",
        "MethodNotAllowed",
        "RouteNotFound",
        "Unauthorized",
        "error_response",
        "to_http_error",
    ),
    "events": ("decode_json_object",),
    "logs": ("current_request_id", "mask", "register_secret", "setup_logging"),
    "router": ("Request", "Response", "Router"),
    "schema": ("Field", "Schema"),
}

__all__ = [
    "BadRequest",
    "ClientProvider",
    "ConfigurationError",
    "Deploy",
    "ErrorResponse",
    "Field",
    "Forbidden",
    "HttpAuth",
    "HttpBinding",
    "HttpError",
    "MethodNotAllowed",
    "OperationApp",
    "Request",
    "Response",
    "RouteNotFound",
    "Router",
    "Schema",
    "Timer",
    "Unauthorized",
    "current_request_id",
    "decode_json_object",
    "error_response",
    "mask",
    "register_secret",
    "request_id_of",
    "setup_logging",
    "to_http_error",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOME, globals())
