"""The emulator as a real HTTP server, on waitress (a production WSGI server), loopback by default.

``ThreadedServer`` runs it in a daemon thread for tests and ``vodfc up``: bind port 0 to get a free
port, ``start()`` returns once the socket listens, ``.url`` says where, ``stop()`` closes every
connection and joins the thread. ``serve_forever`` is the foreground form behind
``vodfc emulator``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask
from vodfc.emulator import admintoken
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_HOST, EmulatorConfig
from vodfc.emulator.lookup import EXTENSION_KEY
from vodfc.emulator.protocol import DropConnection
from waitress.channel import ClientDisconnected
from waitress.server import create_server

# How long the serving loop sleeps in select() when idle; stop() wakes it at once anyway.
_POLL_SECONDS = 1.0


def drop_as_disconnect(app: Flask) -> Any:
    """WSGI wrapper: a ``DropConnection`` closes the socket without an answer.

    waitress treats ``ClientDisconnected`` from the application as "the peer is gone": it writes
    nothing (the headers were not flushed yet) and closes the channel.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return app(environ, start_response)
        except DropConnection:
            raise ClientDisconnected("dropped by a vodfc hook") from None

    return wsgi


def make_server(app: Flask, host: str = DEFAULT_HOST, port: int = 0, threads: int = 8) -> Any:
    # The address the server binds is a Host name its clients may use (the guard's allowed hosts).
    # (A plain Flask app, such as the benchmarks' baseline, has no guard.)
    if EXTENSION_KEY in getattr(app, "extensions", {}):
        get_state(app).guard.allow_host(host)
    # waitress logs a dropped call at INFO and a client gone mid-answer as a socket error; both are
    # expected here, so its own logging stays quiet unless something is really wrong.
    return create_server(
        drop_as_disconnect(app),
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
    ):
        self.app = app if app is not None else create_app(config)
        self.host = host
        self.port = port
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

    @property
    def admin_token(self) -> str:
        return get_state(self.app).guard.token

    @property
    def admin_headers(self) -> dict[str, str]:
        """Headers that authenticate a request to the admin plane (``/_vodfc/...``)."""
        return admintoken.auth_headers(self.admin_token)

    def start(self) -> ThreadedServer:
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self._stopping.clear()
        self._closed = False
        self._server = make_server(self.app, self.host, self.port)
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


def publish_admin_token(app: Flask, port: int) -> tuple[list[Any], list[str]]:
    """Write the app's admin token where the CLI finds it (``vodfc.emulator.admintoken``)."""
    state = get_state(app)
    return admintoken.publish(state.guard.token, port, state.config.data_dir)


def serve_forever(app: Flask, host: str, port: int, announce: Any = _announce) -> None:
    """Serve in the foreground until interrupted; ``announce`` gets the startup lines."""
    logging.getLogger("waitress").setLevel(logging.WARNING)
    server = make_server(app, host, port)
    state = get_state(app)
    url = f"http://{server.effective_host}:{server.effective_port}"
    key = state.config.access_keys[0]
    written, problems = publish_admin_token(app, server.effective_port)
    announce(f"vodfc emulator listening on {url} (region {state.config.region})")
    announce(f"AccessKeyId:     {key.access_key_id}")
    announce(f"AccessKeySecret: {key.access_key_secret}")
    announce(f"Account:         {key.account_id}")
    announce(f"Admin token:     {state.guard.token}")
    for path in written:
        announce(f"                 (also in {path})")
    for problem in problems:
        announce(f"warning: {problem}")
    try:
        server.run()
    finally:
        server.close()
        admintoken.unpublish(written, state.guard.token)
        state.store.close()
