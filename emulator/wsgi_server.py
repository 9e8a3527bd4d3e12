"""Serving a WSGI app with waitress: the threads, the budget long requests may hold, a background server.

``make_server`` builds a waitress server with ``VODFC_SERVER_THREADS`` threads (default 64) whose
every request carries the server's ``ThreadBudget`` (``vodfc.emulator.thread_budget``: requests that
hold their thread for long may take all but ``RESERVED_THREADS`` of them) and, for a server other
than the public one, its mode (``MODE_KEY``). ``BackgroundServer`` runs one in a daemon thread. Nothing
here knows the emulator's app: ``vodfc.emulator.server`` serves it (the FC component's internal server,
whose few clients keep their connections, is ``vodfc.emulator.loopback_server``).
"""

from __future__ import annotations

import os
import threading
from typing import Any, TypeVar

from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.config import DEFAULT_HOST
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.thread_budget import BUDGET_KEY, RESERVED_THREADS, ThreadBudget
from waitress.channel import ClientDisconnected
from waitress.server import create_server

S = TypeVar("S", bound="BackgroundServer")

# How long the serving loop sleeps in select() when idle; stop() wakes it at once anyway.
_POLL_SECONDS = 1.0
DEFAULT_THREADS = 64


def server_threads() -> int:
    text = os.environ.get("VODFC_SERVER_THREADS", "").strip()
    try:
        threads = int(text) if text else DEFAULT_THREADS
    except ValueError:
        raise ValueError(f"VODFC_SERVER_THREADS must be an integer, got {text!r}") from None
    if threads <= RESERVED_THREADS:
        raise ValueError(f"VODFC_SERVER_THREADS must be more than {RESERVED_THREADS}, got {threads}")
    return threads


def drop_as_disconnect(app: Any, budget: ThreadBudget | None = None, mode: str | None = None) -> Any:
    """WSGI wrapper: a ``DropConnection`` closes the socket without an answer; every request gets the
    server's ``budget`` and, for a server other than the public one, its ``mode`` (``MODE_KEY``).

    waitress treats ``ClientDisconnected`` from the application as "the peer is gone": it writes
    nothing (the headers were not flushed yet) and closes the channel.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if budget is not None:
            environ[BUDGET_KEY] = budget
        if mode is not None:
            environ[MODE_KEY] = mode
        try:
            return app(environ, start_response)
        except DropConnection:
            raise ClientDisconnected("dropped by a vodfc hook") from None

    return wsgi


def make_server(
    app: Any, host: str = DEFAULT_HOST, port: int = 0, threads: int | None = None, mode: str | None = None
) -> Any:
    threads = threads or server_threads()
    budget = ThreadBudget(threads - RESERVED_THREADS)
    # waitress logs a dropped call at INFO and a client gone mid-answer as a socket error; both are
    # expected here, so its own logging stays quiet unless something is really wrong.
    return create_server(
        drop_as_disconnect(app, budget, mode),
        host=host,
        port=port,
        threads=threads,
        ident="vodfc",
        log_socket_errors=False,
        clear_untrusted_proxy_headers=True,
    )


class BackgroundServer:
    """A WSGI app served by waitress in a background thread."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int | None = None,
        mode: str | None = None,
    ):
        """``mode`` tags every request (``MODE_KEY``); None is the public server (``server``)."""
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self.mode = mode
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        # stop() pulls waitress's wake-up trigger while the serving thread may be leaving its loop
        # on a timeout; the lock keeps that thread from closing the trigger's pipe (whose file
        # descriptor the OS could hand to another socket) until the pull is done.
        self._closing = threading.Lock()
        self._closed = False

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host = self._server.effective_host
        return f"http://{f'[{host}]' if ':' in host else host}:{self._server.effective_port}"

    @property
    def endpoint(self) -> str:
        """``host:port``, the form SDK endpoint settings take."""
        return self.url.removeprefix("http://")

    def start(self: S) -> S:
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self._stopping.clear()
        self._closed = False
        self._server = make_server(self.app, self.host, self.port, self.threads, self.mode)
        self._thread = threading.Thread(target=self._serve, name=f"vodfc-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        server = self._server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=_POLL_SECONDS, map=server._map, count=1)
        finally:
            with self._closing:
                self._closed = True
                for channel in list(server._map.values()):
                    try:
                        channel.close()
                    except OSError:
                        pass
            server.task_dispatcher.shutdown()

    def stop(self) -> None:
        if self._server is None:
            return
        with self._closing:
            self._stopping.set()
            if not self._closed:
                self._server.pull_trigger()
        assert self._thread is not None
        self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
