"""The emulator as a real HTTP server, on waitress (a production WSGI server), loopback by default.

``ThreadedServer`` runs it in a daemon thread for tests and ``vodfc up``: bind port 0 to get a free
port, ``start()`` returns once the socket listens, ``.url`` says where, ``stop()`` closes every
connection and joins the thread. ``serve_forever`` is the foreground form behind
``vodfc emulator``.

A server has ``VODFC_SERVER_THREADS`` threads (default 64). Requests that hold their thread for a long
time (an FC invocation waits for its function) may hold all but ``RESERVED_THREADS`` of them: each
request carries the server's ``ThreadBudget`` in its environ, and the FC API answers FC's throttling
error when the budget is spent, so the emulator's own APIs always find a free thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask
from vodfc.emulator.app import create_app
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.config import DEFAULT_HOST, EmulatorConfig
from vodfc.emulator.protocol import DropConnection
from waitress.channel import ClientDisconnected
from waitress.server import create_server

# How long the serving loop sleeps in select() when idle; stop() wakes it at once anyway.
_POLL_SECONDS = 1.0
DEFAULT_THREADS = 64
# Threads long requests can never take: health checks, VOD calls and the control plane get these.
RESERVED_THREADS = 8
BUDGET_KEY = "vodfc.server.budget"


class ThreadBudget:
    """How many of a server's threads long-held requests (FC invocations) may hold at once."""

    def __init__(self, limit: int):
        self.limit = limit
        self._free = threading.BoundedSemaphore(max(1, limit))

    def take(self) -> bool:
        """Hold one thread's worth; False (never blocks) when the budget is spent."""
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        self._free.release()


@contextlib.contextmanager
def thread_held(environ: Mapping[str, Any]) -> Iterator[bool]:
    """Count the request's thread against its server's budget while the block runs; yields False
    (holding nothing) when the budget is spent. A request no server budgets (in-process) holds none."""
    budget: ThreadBudget | None = environ.get(BUDGET_KEY)
    if budget is None:
        yield True
        return
    if not budget.take():
        yield False
        return
    try:
        yield True
    finally:
        budget.give_back()


def server_threads() -> int:
    text = os.environ.get("VODFC_SERVER_THREADS", "").strip()
    try:
        threads = int(text) if text else DEFAULT_THREADS
    except ValueError:
        raise ValueError(f"VODFC_SERVER_THREADS must be an integer, got {text!r}") from None
    if threads <= RESERVED_THREADS:
        raise ValueError(f"VODFC_SERVER_THREADS must be more than {RESERVED_THREADS}, got {threads}")
    return threads


def drop_as_disconnect(app: Flask, budget: ThreadBudget | None = None, mode: str | None = None) -> Any:
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
    app: Flask, host: str = DEFAULT_HOST, port: int = 0, threads: int | None = None, mode: str | None = None
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


class ThreadedServer:
    """The emulator app served by waitress in a background thread."""

    def __init__(
        self,
        app: Flask | None = None,
        *,
        config: EmulatorConfig | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        threads: int | None = None,
        mode: str | None = None,
    ):
        """``mode`` tags every request (``MODE_KEY``): the FC component's internal server says
        ``internal``; None is the public server (``server``)."""
        self.app = app if app is not None else create_app(config)
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

    def start(self) -> ThreadedServer:
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

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _announce(line: str) -> None:
    print(line, flush=True)  # flushed: a parent process reads the URL from a pipe


def serve_forever(app: Flask, host: str, port: int, announce: Any = _announce) -> None:
    """Serve in the foreground until interrupted; ``announce`` gets the startup lines."""
    from vodfc.emulator.app import get_state

    logging.getLogger("waitress").setLevel(logging.WARNING)
    server = make_server(app, host, port)
    state = get_state(app)
    url = f"http://{server.effective_host}:{server.effective_port}"
    key = state.config.access_keys[0]
    announce(f"vodfc emulator listening on {url} (region {state.config.region})")
    announce(f"AccessKeyId:     {key.access_key_id}")
    announce(f"AccessKeySecret: {key.access_key_secret}")
    announce(f"Account:         {key.account_id}")
    try:
        server.run()
    finally:
        server.close()
        state.store.close()
