"""The emulator's one request cycle: the WSGI entry of its Flask app.

Every request, whichever way it comes (``mock_vod``'s replay, the server, a Flask test client, the
event bus delivering to an emulated host), goes through ``Front``:

1. a call scope (``vodfc.emulator.callscope``) around the whole request;
2. the guard (``vodfc.emulator.guard``): the Host header, cross-origin requests and the admin token;
   a refusal is answered in the admin plane's JSON under ``/_vodfc/``, as a VOD error elsewhere;
3. the component hosts: a host a component registered (``EmulatorState.add_host_route``) is that
   component's, and goes to Flask;
4. a VOD call, ``/`` on any other host, goes to ``VodEndpoint.serve`` straight from the environ
   (request hooks, then the call); a HEAD gets the same answer without its body;
5. a direct route (``DirectRoute``: FC 2.0's InvokeFunction, every ``fc2.invoke_function``) on a host
   without a handler of its own is answered straight from the environ too, after the request hooks;
6. everything else goes to Flask (the control plane, OSS, the rest of the FC API). Its one ``before_request``
   gives a request on a component host to the route's handler, if it has one (request hooks do not
   run for what a handler answers), and runs the request hooks otherwise; its one error handler
   renders a failure as control-plane JSON under ``/_vodfc/`` and as a VOD error anywhere else,
   through the endpoint's ``failure`` (blueprints with a handler of their own, FC's API, keep theirs).

A VOD call is the hot path (every SDK call), so it never enters Flask, and neither does an invocation
(Flask's request context and routing cost a tenth of a millisecond of CPU, on a path of a few). Only a
VOD call can drop its connection (``DropConnection`` from a ``before_action`` hook): it leaves the WSGI
call as that exception, which the mock turns into the client's ``ConnectionError`` and the server into a
closed socket.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from vodfc.emulator.callscope import CallScope
from vodfc.emulator.control import control_error
from vodfc.emulator.gateway import VodEndpoint, meta_from_environ
from vodfc.emulator.guard import Refusal
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.protocol import environ as wsgi
from vodfc.emulator.state import EmulatorState, HostMatch
from vodfc.emulator.vod.exceptions import Forbidden
from vodfc.shared import boundedjson
from werkzeug.http import HTTP_STATUS_CODES

# Where the front leaves a Flask-bound request's host match for the app's before_request.
HOST_MATCH_KEY = "vodfc.host_match"
# PATH_INFO of a VOD call ("" is what a WSGI server may hand over for a bare host).
VOD_PATHS = frozenset({"/", ""})

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class DirectRoute:
    """A route ``Front`` answers without Flask: ``app(environ, match, start_response)`` for a ``method``
    request whose path (decoded as Flask decodes it) ``pattern`` matches whole. The app answers its own
    errors; Flask's hooks and handlers never see the request (the emulator's request hooks do)."""

    __slots__ = ("app", "method", "pattern")

    def __init__(
        self,
        method: str,
        pattern: str,
        app: Callable[[dict[str, Any], re.Match[str], StartResponse], Iterable[bytes]],
    ):
        self.method = method
        self.pattern = re.compile(pattern)
        self.app = app


class Front:
    """The WSGI entry: VOD calls to the endpoint, direct routes to theirs, the rest to ``flask_app``."""

    def __init__(self, state: EmulatorState, vod: VodEndpoint, flask_app: WsgiApp):
        self.state = state
        self.vod = vod
        self.flask_app = flask_app
        self.direct: list[DirectRoute] = []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with CallScope(environ):
            refusal = self.state.guard.check(environ, environ.get("PATH_INFO", ""))
            if refusal is not None:
                return self._refuse(refusal, environ, start_response)
            found = self.state.host_match(wsgi.host(environ)) if self.state.host_routes else None
            if found is None and environ.get("PATH_INFO") in VOD_PATHS:
                answer = self.vod.serve(environ)
                start_response(answer.status_line, answer.headers)
                return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]
            if self.direct and (found is None or found.route.handler is None):
                # A host with a handler of its own answers first, as Flask's start_request lets it.
                route, match = self._direct(environ)
                if route is not None and match is not None:
                    self.state.run_request_hooks(environ)
                    return route.app(environ, match, start_response)
            environ[HOST_MATCH_KEY] = found
            return self.flask_app(environ, start_response)

    def _direct(self, environ: dict[str, Any]) -> tuple[DirectRoute | None, re.Match[str] | None]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if not path.isascii():
            # PEP 3333 hands the path over as latin-1; Flask routes on its UTF-8 reading.
            path = path.encode("latin-1", "replace").decode("utf-8", "replace")
        for route in self.direct:
            if route.method == method:
                match = route.pattern.fullmatch(path)
                if match is not None:
                    return route, match
        return None, None

    def _refuse(
        self, refusal: Refusal, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        if refusal.admin:
            body = json.dumps({"error": refusal.error, "message": refusal.message}).encode()
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            if refusal.status == 401:
                headers.append(("WWW-Authenticate", 'Bearer realm="vodfc"'))
            start_response(f"{refusal.status} {HTTP_STATUS_CODES[refusal.status].upper()}", headers)
        else:
            # Not an answer of VOD's: the emulator's guard refusing the request, so it always says why.
            meta = meta_from_environ(environ, self.vod.state.config)
            meta.explain = True
            answer = self.vod.failure(Forbidden(detail=refusal.message), environ, meta)
            start_response(answer.status_line, answer.headers)
            body = answer.body
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


class BoundedJSON(DefaultJSONProvider):
    """Flask's JSON, decoding with a nesting limit: a deep body is a bad body (``get_json(silent=True)``
    gives None), not a RecursionError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return boundedjson.loads(s)


def install_front(http: Flask, state: EmulatorState, vod: VodEndpoint) -> Front:
    """Make ``Front`` the WSGI entry of ``http`` and give Flask its request hook and error handler."""

    def start_request() -> Any:
        found: HostMatch | None = request.environ.get(HOST_MATCH_KEY)
        if found is not None and found.route.handler is not None:
            answer = found.route.handler(found.match)
            if answer is not None:
                return answer
        state.run_request_hooks(request.environ)
        return None

    def failed(error: Exception) -> Any:
        if request.path.startswith(CONTROL_PREFIX + "/"):
            return control_error(error)
        return vod.failure(error, request.environ).to_response()

    http.before_request(start_request)
    http.register_error_handler(Exception, failed)
    http.json = BoundedJSON(http)
    front = Front(state, vod, http.wsgi_app)
    http.wsgi_app = front  # type: ignore[method-assign]
    return front
