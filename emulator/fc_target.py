"""What the pytest plugin's ``fc`` fixture hands a test: the user's own functions, loaded from their
template.yml or s.yaml into an emulator, and called the way FC's clients call them.

Both modes call through FC's wire: FC 2.0 functions (a template.yml's, which belong to a service) with the
official ``fc2`` client, FC 3.0 functions (an s.yaml's) with ACS3-signed requests to FC 3.0's API and trigger
URLs. In-process the requests go to FC's real hosts and ``mock_vod`` answers them; against a server they go
over loopback. Either way the functions themselves run in FC instances (processes) whose ``VOD_ENDPOINT``
and STS credentials point at the same emulator (``vodfc.emulator.fc.component``), so their VOD and OSS calls
land in the state the test sees through ``.vod``.

A function that fails (raises, times out, exits) raises :class:`FunctionError`, one line with FC's
``errorType`` and ``errorMessage``, its stack and log kept on the exception; a call FC refuses (no such
function, throttled) raises :class:`FcApiError` with FC's code and message. An answer a function *returns*,
``{"Code": ..., "Message": ...}`` included, is a result like any other.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs

import requests
from flask import Flask
from vodfc.emulator.admintoken import auth_headers
from vodfc.emulator.app import emulator_of, get_state
from vodfc.emulator.fc import Delivery, FunctionRuntime, get_fc
from vodfc.emulator.fc.fc3 import trigger_domain
from vodfc.emulator.fc.model import Function
from vodfc.emulator.fc.runtime import Invocation, event_bytes
from vodfc.emulator.protocol.signatures import acs3_sign

FC2_API = "2016-08-15"
FC3_API = "2023-03-30"
TIMEOUT = 660.0  # FC's longest function timeout (600 s) and a margin: the function's own limit applies first


class FcError(Exception):
    """A call through the ``fc`` fixture did not give the function's answer."""


class FunctionError(FcError):
    """The function failed as FC reports it: ``error_type`` and ``message`` (FC's ``errorType``,
    ``errorMessage``), ``stack`` (``stackTrace``), and the invocation's ``log``."""

    def __init__(
        self,
        function: str,
        error_type: str,
        message: str,
        *,
        request_id: str = "",
        stack: Any = None,
        log: str = "",
    ):
        self.function = function
        self.error_type = error_type
        self.message = message
        self.request_id = request_id
        self.stack = stack
        self.log = log
        super().__init__(f"{function} failed: {error_type}: {message}")


class FcApiError(FcError):
    """FC refused the call: ``status``, ``code`` and ``message`` as FC answered them."""

    def __init__(self, status: int, code: str, message: str, request_id: str = ""):
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        super().__init__(f"FC answered {status} {code}: {message}")


@dataclass(frozen=True)
class HttpAnswer:
    """What an HTTP trigger answered."""

    status: int
    headers: Mapping[str, str]  # case-insensitive
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class FcTarget:
    """A descriptor's functions in one emulator, reached in one mode (``inprocess`` or ``server``).

    ``vod`` is the same emulator's VOD side (``acs_client()``, ``tea_client()``, ``backend``), ``runtime`` the
    local FC runtime, ``app`` the emulator's Flask app.
    """

    def __init__(self, mode: str, app: Flask, url: str | None, vod: Any):
        self.mode = mode
        self.app = app
        self.url = url
        self.vod = vod
        credentials = vod.credentials
        self._key = (credentials.access_key_id, credentials.access_key_secret)
        # In-process the calls keep FC's real host and mock_vod answers it.
        self.fc_url = url or f"https://{credentials.account_id}.{credentials.region}.fc.aliyuncs.com"

    @property
    def runtime(self) -> FunctionRuntime:
        return get_fc(self.app).runtime

    def route_vod_events(self) -> str | None:
        """Point VOD's message callback at the MNS queue the descriptor's EventBridge triggers read (an
        s.yaml's), as the project's deployment would: done for each test, after the state's reset.
        Returns the queue's name (None for a template.yml: its MNSTopic triggers get VOD's events)."""
        return get_fc(self.app).point_vod_at_queue(emulator_of(self.app).events)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every VOD event handed to a function in this test (by its MNSTopic or EventBridge trigger)."""
        return list(self.runtime.deliveries)

    def function(self, name: str) -> Function:
        """The descriptor's function ``name`` (``service/name`` too); ``FcApiError`` when it has none."""
        found = self.runtime.function(name)
        if found is None:
            names = ", ".join(sorted(f.name for f in self.runtime.functions()))
            raise FcApiError(
                404, "FunctionNotFound", f"no function {name!r} in the descriptor (it has: {names})"
            )
        return found

    # --- calling ------------------------------------------------------------------------------------

    def invoke(self, name: str, event: Any = None) -> Any:
        """Invoke ``name`` synchronously with ``event`` (a dict or list is sent as JSON, str and bytes as
        they are) and return its answer: decoded JSON, else text. Raises ``FunctionError`` when it fails."""
        function = self.function(name)
        body = event_bytes(event)
        if function.service:
            with self._fc2_errors(function):
                answer = self._fc2().invoke_function(function.service, function.name, payload=body)
            headers, content = answer.headers, answer.data
        else:
            url = f"{self.fc_url}/{FC3_API}/functions/{function.name}/invocations"
            response = self._acs3("POST", url, body, {"content-type": "application/octet-stream"})
            if response.status_code >= 300:
                raise _api_error(response)
            headers, content = response.headers, response.content
        self._raise_function_error(function, headers, content)
        return _decoded(content)

    def http(
        self,
        method: str,
        path: str,
        *,
        function: str | None = None,
        body: bytes | str | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpAnswer:
        """One request through an HTTP trigger: ``path`` may carry a query string. ``function`` may be left
        out when one function of the descriptor has an HTTP trigger. Raises ``FunctionError`` when the
        function fails, ``FcApiError`` when FC refuses the request; any answer the function writes, a 404
        or 500 of its own included, is returned."""
        target = self._http_function(function)
        sent = {k.lower(): v for k, v in (headers or {}).items()}
        data = event_bytes(body)
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent.setdefault("content-type", "application/json")
        path = path if path.startswith("/") else "/" + path
        if target.service:
            route, _, query = path.partition("?")
            with self._fc2_errors(target):
                response = self._fc2().do_http_request(
                    method.upper(),
                    target.service,
                    target.name,
                    route,
                    headers=sent,
                    body=data or None,
                    params=parse_qs(query, keep_blank_values=True),
                )
        else:
            runtime = self.runtime
            domain = trigger_domain(target, runtime.account_id, runtime.region)
            base = f"{self.url}/_fcapp/{domain}" if self.url else f"https://{domain}"
            response = self._acs3(method.upper(), base + path, data, sent)
        if response.headers.get("x-fc-error-type"):
            error = _json_or_none(response.content)
            if isinstance(error, dict) and "errorType" in error:
                self._raise_function_error(target, response.headers, response.content)
            raise _api_error(response)
        return HttpAnswer(response.status_code, response.headers, response.content)

    def timer(self, name: str, trigger: str | None = None) -> Any:
        """Fire ``name``'s Timer trigger now (its first, or ``trigger``) and return the function's answer."""
        function = self.function(name)
        params = {"service": function.service} if function.service else {}
        if trigger:
            params["trigger"] = trigger
        response = requests.post(
            f"{self.fc_url}/_vodfc/fc/timers/{function.name}",
            params=params,
            headers=self._admin_headers(),
            timeout=TIMEOUT,
        )
        if response.status_code != 200:
            raise _api_error(response)
        answer = response.json()
        if not answer["ok"]:
            error = answer["error"]
            raise FunctionError(
                function.name,
                str(error.get("errorType")),
                str(error.get("errorMessage")),
                request_id=answer["requestId"],
                stack=error.get("stackTrace"),
                log="".join(line + "\n" for line in answer["log"]),
            )
        return answer["result"]

    def emit(self, event_type: str, *, video_id: str | None = None, **fields: Any) -> list[Delivery]:
        """Emit a VOD event (VOD's own fields for ``event_type``, with ``video_id`` and ``fields`` over them)
        on the emulator's event bus, as VOD does, and wait for its delivery. Returns the deliveries made
        meanwhile: this event's, then those of the events the functions' own VOD calls caused (an
        UpdateVideoInfo's MediaBaseChangeComplete, say). A function that failed shows
        ``delivery.invocation.error``, after FC's retries."""
        from vodfc.emulator.events import payloads

        event = payloads.example(event_type, video_id=video_id)
        event.update(fields)
        before = len(self.runtime.deliveries)
        response = requests.post(
            f"{self.fc_url}/_vodfc/events", json=event, headers=self._admin_headers(), timeout=30
        )
        if response.status_code != 200:
            raise FcApiError(response.status_code, "InvalidEvent", response.text)
        self.flush()
        return self.runtime.deliveries[before:]

    def flush(self, timeout: float = 60.0) -> None:
        """Wait until the events emitted so far (by the test's VOD calls too) are delivered and the
        asynchronous invocations have run."""
        bus = emulator_of(self.app).events
        if bus is not None:
            bus.flush(timeout)
        self.runtime.drain(timeout)

    # --- what ran -----------------------------------------------------------------------------------

    def invocations(self, function: str | None = None) -> list[Invocation]:
        """This test's invocations (of ``function``, or all), oldest first: ``body``, ``error``,
        ``log_lines``, ``duration_ms``, ``cold_start``, ``kind``."""
        found = list(self.runtime.history)
        return [i for i in found if function is None or i.function == function]

    def logs(self, function: str | None = None) -> str:
        """The log of this test's invocations (of ``function``, or all), in FC's format."""
        return "".join(invocation.log_text for invocation in self.invocations(function))

    # --- plumbing -----------------------------------------------------------------------------------

    def _fc2(self) -> Any:
        import fc2

        return fc2.Client(
            endpoint=self.fc_url, accessKeyID=self._key[0], accessKeySecret=self._key[1], Timeout=TIMEOUT
        )

    def _acs3(self, method: str, url: str, body: bytes, headers: Mapping[str, str]) -> requests.Response:
        signed = acs3_sign(method, url, body, headers, *self._key, now=datetime.now(timezone.utc))
        return requests.request(method, url, data=body, headers=signed, timeout=TIMEOUT)

    def _admin_headers(self) -> dict[str, str]:
        # In-process mock_vod adds the token to admin calls itself; a server wants it.
        return auth_headers(get_state(self.app).guard.token) if self.url else {}

    def _http_function(self, name: str | None) -> Function:
        if name is not None:
            found = self.function(name)
            if found.http_trigger is None:
                raise FcApiError(400, "TriggerNotFound", f"{found.name} has no HTTP trigger")
            return found
        served = [f for f in self.runtime.functions() if f.http_trigger is not None]
        if len(served) != 1:
            names = ", ".join(f.name for f in served) or "none"
            raise FcApiError(
                400, "InvalidArgument", f"name the function: functions with an HTTP trigger: {names}"
            )
        return served[0]

    @contextlib.contextmanager
    def _fc2_errors(self, function: Function) -> Iterator[None]:
        """fc2's ``FcError`` (its message is FC's JSON answer) as ``FunctionError`` for a function that
        failed (fc2 raises for those too), else as ``FcApiError``."""
        import fc2

        try:
            yield
        except fc2.FcError as exc:
            answer = _json_or_none(exc.message.encode())
            answer = answer if isinstance(answer, dict) else {}
            if "errorType" in answer:
                headers = {"x-fc-error-type": "UnhandledInvocationError", "x-fc-request-id": exc.request_id}
                self._raise_function_error(function, headers, exc.message.encode())
            raise FcApiError(
                int(exc.status_code),
                str(answer.get("ErrorCode") or exc.err_code or "Error"),
                str(answer.get("ErrorMessage") or exc.message),
                str(exc.request_id or ""),
            ) from None

    def _raise_function_error(self, function: Function, headers: Mapping[str, str], body: bytes) -> None:
        """FC's answer of a failed invocation (``x-fc-error-type``) as ``FunctionError``, with its log."""
        if not headers.get("x-fc-error-type"):
            return
        error = _json_or_none(body)
        if not isinstance(error, dict):
            error = {"errorType": headers["x-fc-error-type"], "errorMessage": body.decode("utf-8", "replace")}
        request_id = headers.get("x-fc-request-id", "")
        ran = [i for i in self.runtime.history if i.request_id == request_id]
        raise FunctionError(
            function.name,
            str(error.get("errorType", "")),
            str(error.get("errorMessage", "")),
            request_id=request_id,
            stack=error.get("stackTrace"),
            log=ran[-1].log_text if ran else "",
        ) from None


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _api_error(response: requests.Response) -> FcApiError:
    """FC 3.0's ``{Code, Message}``, FC 2.0's ``{ErrorCode, ErrorMessage}``, the control plane's own."""
    answer = _json_or_none(response.content)
    answer = answer if isinstance(answer, dict) else {}
    code = answer.get("Code") or answer.get("ErrorCode") or answer.get("code") or "Error"
    message = answer.get("Message") or answer.get("ErrorMessage") or answer.get("message") or response.text
    return FcApiError(
        response.status_code, str(code), str(message), response.headers.get("x-fc-request-id", "")
    )


__all__ = ["FcApiError", "FcError", "FcTarget", "FunctionError", "HttpAnswer"]
