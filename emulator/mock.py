"""``mock_vod``: the emulator in-process, moto-style, with no socket.

Two private ``responses.RequestsMock`` objects route calls into one Flask app: one patches the core
SDK's vendored ``requests`` (``aliyunsdkcore.vendored.requests``; plain ``responses`` cannot see
it), the other the real ``requests`` (Tea's sync client, oss2, fc2). They catch the VOD hosts and
the hosts components registered (FC 3.0's ``*.fcapp.run`` trigger hosts among them); any other
``*.aliyuncs.com`` host gets an error instead of the network, and every other URL (loopback
receivers, a real emulator server) passes through.

A call to the admin plane (``/_vodfc/...``, e.g. on the FC host) gets the app's admin token added
when it carries none: the mock is the test's own process, so it authenticates for the test.

Each call is replayed into the app as a hand-built WSGI environ — no test client, no per-call
parsing of config — because the in-process path is benchmarked against a canned ``responses`` body.

A ``mock_vod()`` not given an app borrows a built emulator of its configuration from
``vodfc.emulator.reuse`` and resets it on start, instead of building one per use (building costs
about 10 ms, a reset microseconds); it gives the emulator back when it stops.
"""

from __future__ import annotations

import functools
import inspect
import io
import re
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import SplitResult, unquote, urlsplit

import requests
import responses
from aliyunsdkcore.vendored.requests import exceptions as vendored_exceptions
from aliyunsdkcore.vendored.requests.adapters import HTTPAdapter as VendoredHTTPAdapter
from flask import Flask
from vodfc.emulator.app import get_state
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.gateway import CallMeta, render_error
from vodfc.emulator.guard import is_admin_path
from vodfc.emulator.protocol import DropConnection, new_request_id
from vodfc.emulator.reuse import EMULATORS, Emulators, Lease
from vodfc.emulator.state import EmulatorState
from vodfc.emulator.vod.exceptions import InvalidApiNotFound

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_VOD_HOST = re.compile(r"vod(?:\.[a-z0-9-]+)?\.aliyuncs\.com", re.IGNORECASE)
# Alibaba Cloud's API hosts, and FC 3.0's HTTP trigger hosts.
_ALIYUN_URL = re.compile(r"https?://[^/?#]*\.(?:aliyuncs\.com|fcapp\.run)(?::\d+)?(?:[/?]|$)", re.IGNORECASE)
_EVERYTHING = re.compile(r".*")

F = TypeVar("F", bound=Callable[..., Any])


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk) for chunk in body)


class WsgiReplay:
    """Answers a ``PreparedRequest`` (real or vendored) by running it through a WSGI app."""

    def __init__(self, app: Flask):
        self.app = app
        self.admin_token = get_state(app).guard.token

    def environ(self, request: Any, url: SplitResult | None = None) -> dict[str, Any]:
        url = url or urlsplit(request.url)
        body = _body_bytes(request.body)
        port = str(url.port or (443 if url.scheme == "https" else 80))
        path = unquote(url.path or "/").encode("utf-8").decode("latin-1")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method.upper(),
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "RAW_URI": url.path or "/",
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": url.netloc,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            MODE_KEY: "inprocess",
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key not in ("CONTENT_LENGTH", "HOST"):
                environ[f"HTTP_{key}"] = value
        if (
            is_admin_path(path)
            and "HTTP_AUTHORIZATION" not in environ
            and "HTTP_X_VODFC_TOKEN" not in environ
        ):
            environ["HTTP_X_VODFC_TOKEN"] = self.admin_token
        return environ

    def __call__(
        self, request: Any, url: SplitResult | None = None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        status_headers: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_headers[:] = [int(status.split(" ", 1)[0]), headers]
            return lambda data: None

        app_iter = self.app(self.environ(request, url), start_response)
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        status, headers = status_headers
        # A Content-Length that is not the body's (a stale one) would confuse the client's stack, so
        # only one that states the body's length stays: clients read it (oss2's GetObjectResult.
        # content_length, as over a socket). A HEAD answer has no body, so its Content-Length is
        # the only size the client gets (oss2's head_object).
        if request.method.upper() != "HEAD":
            headers = [(k, v) for k, v in headers if k.lower() != "content-length" or v == str(len(body))]
        return status, headers, body


class MockVod:
    """Route the Aliyun SDKs' HTTP into an emulator app: decorator, context manager, or start/stop.

    Nesting is safe: only the outermost active ``MockVod`` patches and owns the state, nested ones
    (and ``mock_vod()`` inside a ``vod_mock`` fixture) share its app.

    Without ``app``, the emulator is borrowed from ``emulators`` (the process's, by default) when it is
    first needed and given back by the outermost ``stop()``; ``app`` and ``backend()`` still show the
    last state after that, until the next ``mock_vod()`` of the same configuration starts.
    """

    _lock = threading.RLock()
    _depth = 0
    _outermost: MockVod | None = None

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        app: Flask | None = None,
        emulators: Emulators | None = None,
        **app_options: Any,
    ):
        self._config = config
        self._app = app
        self._app_options = app_options
        # Where a borrowed emulator comes from; None when the caller gave the app.
        self._emulators = (EMULATORS if emulators is None else emulators) if app is None else None
        self._lease: Lease | None = None
        self._mocks: list[responses.RequestsMock] = []
        self._started = 0

    # --- the state --------------------------------------------------------------------------------

    @property
    def app(self) -> Flask:
        owner = MockVod._outermost if self._started and MockVod._outermost is not None else self
        if owner._app is None:
            assert owner._emulators is not None  # an app given to the constructor is never dropped
            owner._lease = owner._emulators.acquire(owner._config, **owner._app_options)
            owner._app = owner._lease.emulator.http
        return owner._app

    @property
    def state(self) -> EmulatorState:
        return get_state(self.app)

    def backend(self, account_id: str | None = None, region: str | None = None) -> Any:
        """The VOD backend of an account and region (the configured defaults when not given)."""
        return self.state.backend(account_id, region)

    def reset(self) -> None:
        self.state.reset()

    # --- switching on and off ---------------------------------------------------------------------

    def start(self, reset: bool = True) -> None:
        with MockVod._lock:
            self._started += 1
            MockVod._depth += 1
            if MockVod._depth > 1:
                return
            MockVod._outermost = self
            if self._emulators is not None and self._lease is None:
                self._app = None  # the emulator of the last use went back: borrow one again
            app = self.app
            if reset:
                get_state(app).reset()
            self._mocks = _routing(app)
            for mock in self._mocks:
                mock.start()

    def stop(self) -> None:
        with MockVod._lock:
            if not self._started:
                raise RuntimeError("mock_vod.stop() called without a matching start()")
            self._started -= 1
            MockVod._depth -= 1
            if MockVod._depth > 0 or MockVod._outermost is not self:
                return
            MockVod._outermost = None
            for mock in reversed(self._mocks):
                mock.stop(allow_assert=False)
                _forget_calls(mock)
            self._mocks = []
            if self._lease is not None:
                assert self._emulators is not None
                self._emulators.release(self._lease)
                self._lease = None

    def __enter__(self) -> MockVod:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        if inspect.isclass(func):
            for name, member in list(vars(func).items()):
                if name.startswith("test") and callable(member):
                    setattr(func, name, self(member))
            return func

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


# --- routing --------------------------------------------------------------------------------------

# Where an app keeps its two routing mocks: built at its first use, they cost more than a reset.
_ROUTING_KEY = "vodfc.mock.routing"


def _routing(app: Flask) -> list[responses.RequestsMock]:
    mocks: list[responses.RequestsMock] | None = app.extensions.get(_ROUTING_KEY)
    if mocks is None:
        mocks = app.extensions[_ROUTING_KEY] = _build_mocks(app)
    return mocks


def _forget_calls(mock: responses.RequestsMock) -> None:
    """responses records every call (on the mock and on the match): drop them, or a reused mock grows."""
    mock.calls.reset()
    for match in mock.registered():
        match.calls.reset()


class _AdapterMock(responses.RequestsMock):
    """responses' mock of one adapter class, switched on and off by setting the class's ``send`` itself.

    responses patches through ``unittest.mock.patch``, which resolves its dotted target with importlib
    at every start: that was half the cost of an empty ``with mock_vod():``.
    """

    def __init__(self, adapter: type, **options: Any):
        super().__init__(assert_all_requests_are_fired=False, **options)
        self._adapter = adapter
        self._saved: Any = None
        self._on = False

    def start(self) -> None:
        if self._on:
            return
        self._saved = vars(self._adapter).get("send")  # None: inherited, so delete ours on stop
        setattr(self._adapter, "send", self.unbound_on_send())  # noqa: B010 - mypy: a method of a type
        self._on = True

    def stop(self, allow_assert: bool = True) -> None:
        if self._on:
            if self._saved is None:
                delattr(self._adapter, "send")
            else:
                setattr(self._adapter, "send", self._saved)  # noqa: B010
            self._saved, self._on = None, False
        super().stop(allow_assert)


def _build_mocks(app: Flask) -> list[responses.RequestsMock]:
    vendored = _AdapterMock(VendoredHTTPAdapter, real_adapter_send=VendoredHTTPAdapter.send)
    standard = _AdapterMock(requests.adapters.HTTPAdapter)
    replay = WsgiReplay(app)
    for mock, drop_error in (
        (vendored, vendored_exceptions.ConnectionError),
        (standard, requests.exceptions.ConnectionError),
    ):
        # One callback per method for every *.aliyuncs.com URL, deciding by host itself:
        # responses' registry drops a callback once two registered patterns match one URL.
        route = _router(get_state(app), replay, drop_error)
        for method in METHODS:
            # No content_type: the answer's own Content-Type (or none), not responses' text/plain.
            mock.add_callback(method, _ALIYUN_URL, callback=route, content_type=None)
        mock.add_passthru(_EVERYTHING)
    return [vendored, standard]


def _router(state: EmulatorState, replay: WsgiReplay, drop_error: type[Exception]) -> Callable[[Any], Any]:
    region = state.config.region

    def route(request: Any) -> Any:
        url = urlsplit(request.url)
        host = url.hostname or ""
        # The component hosts are read at each call: a route added after the first use counts.
        if not (_VOD_HOST.fullmatch(host) or state.routes_host(host)):
            return _refusal(host, region)
        try:
            return replay(request, url)
        except DropConnection:
            raise drop_error(
                f"Connection dropped by the vodfc emulator: {request.method} {request.url}"
            ) from None

    return route


def _refusal(host: str, region: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """An ``*.aliyuncs.com`` host nothing emulates: answer in VOD's error shape, never the network."""
    error = InvalidApiNotFound(
        detail=f"The vodfc emulator does not emulate {host}; it answers vod.<region>.aliyuncs.com and "
        "the hosts its components register."
    )
    # Not an answer of VOD's: the emulator refusing a host, so it always says why.
    answer = render_error(error, CallMeta(new_request_id(), region, explain=True, action=host))
    # As for a replayed answer: the client's own stack sets the length.
    return answer.status, [(k, v) for k, v in answer.headers if k.lower() != "content-length"], answer.body


def mock_vod(config: EmulatorConfig | None = None, **app_options: Any) -> MockVod:
    """The emulator in-process; see ``MockVod``. ``app_options`` go to ``create_app``."""
    return MockVod(config, **app_options)
