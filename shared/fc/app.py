"""``OperationApp``: one VOD operation exposed as an FC function, callable two ways.

An operation function module declares its input once (a :class:`~shared.fc.schema.Schema` with VOD's
parameter names), its work once (``@app.operation``: VodClient + checked args → JSON-able dict), and how HTTP
requests map onto that input (``app.route``: path variables, query parameters, JSON body). It then exports

* ``handler = app.handler`` — the event face: ``handler(event, context)`` with the event as JSON bytes,
  returning a JSON string (what ``fc2.Client.invoke_function`` gets back);
* ``http_handler = app.http_handler`` — the FC 2.0 HTTP-trigger face, a WSGI application.

How it is deployed (timeout, memory, the trigger's auth type) is ``deploy=Deploy(...)``
(:mod:`shared.fc.deploy`); ``vodfc generate`` writes template.yml from these declarations.

Both faces run the same checks and the same code and answer failures with the same ``Code``/``Message``; the
event face adds ``HttpStatus`` to an error result because it has no status line of its own. Neither ever lets
a traceback reach the caller: unexpected exceptions are logged with their traceback and answered as
``InternalError`` with the request id.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._record import FrozenRecord
from . import fc3
from .auth import HttpAuth
from .clients import ClientProvider, register_context_secrets
from .errors import BadRequest, ErrorResponse, error_response, to_http_error
from .events import decode_json_object
from .logs import current_request_id, describe, setup_logging
from .router import Request, Response, Router, status_line, wsgi_headers
from .schema import Args, Schema, invalid

if TYPE_CHECKING:
    from ..client import VodClient
    from .deploy import Deploy

logger = logging.getLogger("vodfc.fc")

Operation = Callable[["VodClient", Args], "Mapping[str, Any] | None"]
StartResponse = Callable[..., Any]

# FC 2.0 HTTP triggers accept only these methods (FC 3.0 adds PATCH); a route's alias_methods put it on one of
# them so that it is reachable through a Funcraft/FC 2.0 trigger.
FC2_TRIGGER_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")


class HttpBinding(FrozenRecord):
    """How one HTTP route fills the operation's parameters.

    ``path``: template variable → parameter; ``query``: query name → parameter; ``body``: the JSON body's keys
    are parameters (VOD's names, as in an event). ``also``: further methods serving the same route.
    """

    __slots__ = ("method", "template", "path", "query", "body", "also", "summary")

    def __init__(
        self,
        method: str,
        template: str,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: bool = False,
        also: tuple[str, ...] = (),
        summary: str = "",
    ) -> None:
        self.method = method
        self.template = template
        self.path: Mapping[str, str] = {} if path is None else path
        self.query: Mapping[str, str] = {} if query is None else query
        self.body = body
        self.also = also
        self.summary = summary

    @property
    def methods(self) -> tuple[str, ...]:
        return (self.method, *self.also)

    def collect(self, request: Request) -> dict[str, Any]:
        """The operation's parameters from ``request``; unknown query names are refused (typo guard)."""
        params: dict[str, Any] = {}
        for name in request.query:
            if name not in self.query:
                known = ", ".join(self.query) or "none"
                raise BadRequest(
                    f'The query parameter "{name}" is not used by {self.method} {self.template} '
                    f"(known: {known}).",
                )
            params[self.query[name]] = request.arg(name)
        if self.body:
            for key, value in request.json().items():
                if key in self.path.values() or key in params:
                    raise invalid(key, "it is already given by the URL; leave it out of the body")
                params[key] = value
        elif request.body.strip():
            raise BadRequest(f"{self.method} {self.template} takes no request body.")
        for variable, name in self.path.items():
            params[name] = request.path_params[variable]
        return params


class OperationApp:
    """One operation, its checks and its two FC faces. See the module docstring."""

    def __init__(
        self,
        name: str,
        schema: Schema,
        *,
        description: str = "",
        returns: Mapping[str, str] | None = None,
        clients: ClientProvider | None = None,
        auth: HttpAuth | None = None,
        deploy: Deploy | None = None,
    ) -> None:
        self.name = name
        self.schema = schema
        self.description = description
        self.returns: dict[str, str] = dict(returns or {})
        self.clients = clients or ClientProvider()
        self.auth = auth
        # Read by ``vodfc generate`` only (template.yml); None: the project's defaults.
        self.deploy = deploy
        self.router = Router()
        self.bindings: list[HttpBinding] = []
        self._operation: Operation | None = None

    # --- declaration ------------------------------------------------------------------------------------

    def operation(self, func: Operation) -> Operation:
        """Register the function doing the work: ``func(vod, args) -> dict`` (merged into the answer)."""
        if self._operation is not None:
            raise ValueError(f"{self.name} already has an operation")
        self._operation = func
        return func

    def route(
        self,
        method: str,
        template: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: bool = False,
        also: Iterable[str] = (),
        summary: str = "",
    ) -> HttpBinding:
        """Serve the operation at ``method template`` (and at the ``also`` methods)."""
        binding = HttpBinding(
            method.upper(),
            template,
            dict(path or {}),
            dict(query or {}),
            body,
            tuple(m.upper() for m in also),
            summary,
        )
        targets = [*binding.path.values(), *binding.query.values()]
        unknown = [t for t in targets if t not in self.schema.fields]
        if unknown:
            raise ValueError(f"route {method} {template} maps to unknown parameters {unknown}")
        for verb in binding.methods:
            self.router.add(verb, template, functools.partial(self._serve, binding))
        self.bindings.append(binding)
        return binding

    # --- running ----------------------------------------------------------------------------------------

    def invoke(self, params: Mapping[str, Any], context: Any) -> dict[str, Any]:
        """Check ``params``, run the operation, and return its answer (raises on failure)."""
        if self._operation is None:
            raise RuntimeError(f"{self.name} has no @app.operation")
        args = self.schema.parse(params)
        vod = self.clients.get(context)
        result = self._operation(vod, args) or {}
        request_id = current_request_id.get()
        return {"RequestId": request_id if request_id != "-" else request_id_of(context), **result}

    def handler(self, event: Any, context: Any) -> str | dict[str, Any]:
        """The event face: FC calls it with the invocation body (bytes); returns the JSON answer.

        An FC 3.0 HTTP-trigger event is routed like an FC 2.0 HTTP request and answered with FC 3.0's
        ``{statusCode, headers, body}`` struct.
        """
        setup_logging()
        register_context_secrets(context)
        request_id = request_id_of(context)
        token = current_request_id.set(request_id)
        try:
            try:
                params = decode_json_object(event)
                if fc3.is_http_event(params):
                    # FC 3.0 hands HTTP-trigger requests to the event handler; serve them like FC 2.0's WSGI.
                    return fc3.serve(params, context, self.http_handler)
                logger.info("%s invoked (event, %d bytes)", self.name, _size(event))
                answer = self.invoke(params, context)
            except Exception as exc:
                failure = self._failed(exc, request_id)
                return _dumps({**failure.body, "HttpStatus": failure.status})
            logger.info("%s succeeded", self.name)
            return _dumps(answer)
        finally:
            current_request_id.reset(token)

    def http_handler(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """The FC 2.0 HTTP-trigger face (WSGI)."""
        setup_logging()
        context = environ.get("fc.context")
        register_context_secrets(context)
        request_id = request_id_of(context)
        token = current_request_id.set(request_id)
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        try:
            logger.info("%s invoked (HTTP %s %s)", self.name, method, environ.get("PATH_INFO", "/"))
            try:
                request = Request.from_environ(environ)
                (self.auth or HttpAuth.from_env()).check(request.headers.get("authorization"))
                route, variables = self.router.match(request)
                request.path_params = variables
                response = route.handler(request)
            except Exception as exc:
                failure = self._failed(exc, request_id)
                response = Response(failure.status, failure.body, failure.headers)
            body = response.encode()
            start_response(status_line(response.status), wsgi_headers(response, body))
            return [b""] if method == "HEAD" else [body]
        finally:
            current_request_id.reset(token)

    def _serve(self, binding: HttpBinding, request: Request) -> Response:
        answer = self.invoke(binding.collect(request), request.context)
        logger.info("%s succeeded", self.name)
        return Response(200, answer)

    def _failed(self, exc: Exception, request_id: str) -> ErrorResponse:
        failure = error_response(exc, request_id)
        if failure.status >= 500 and to_http_error(exc).code == "InternalError":
            logger.exception("%s failed unexpectedly", self.name)
        elif failure.status >= 500:
            logger.error("%s failed: %s %s (%s)", self.name, failure.status, failure.code, describe(str(exc)))
        else:
            logger.warning(
                "%s refused: %s %s: %s", self.name, failure.status, failure.code, failure.body["Message"]
            )
        return failure


def request_id_of(context: Any) -> str:
    """The invocation's request id (FC puts it on the context); a fresh one when there is no context."""
    value = getattr(context, "request_id", None)
    if value:
        return str(value)
    import uuid  # only without FC's context (a script, a test): not worth its import on every cold start

    return str(uuid.uuid4())


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _size(event: Any) -> int:
    return len(event) if isinstance(event, (bytes, bytearray, str)) else 0
