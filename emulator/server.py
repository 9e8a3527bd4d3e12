"""The emulator as a real HTTP server, on waitress (a production WSGI server), loopback by default.

``ThreadedServer`` runs it in a daemon thread for tests and ``vodfc up``: bind port 0 to get a free
port, ``start()`` returns once the socket listens, ``.url`` says where, ``stop()`` closes every
connection and joins the thread. ``serve_forever`` is the foreground form behind
``vodfc emulator``.

A server has ``VODFC_SERVER_THREADS`` threads (default 64). Requests that hold their thread for a long
time (an FC invocation waits for its function) may hold all but ``RESERVED_THREADS`` of them: each
request carries the server's ``ThreadBudget`` in its environ (``vodfc.emulator.thread_budget``), and
the FC API answers FC's throttling error when the budget is spent, so the emulator's own APIs always
find a free thread. The serving itself is ``vodfc.emulator.wsgi_server``'s.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from vodfc.emulator import admintoken
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_HOST, EmulatorConfig
from vodfc.emulator.gateway import refusals_shown
from vodfc.emulator.lookup import EXTENSION_KEY
from vodfc.emulator.wsgi_server import BackgroundServer, make_server

__all__ = ["ThreadedServer", "make_server", "serve_forever"]


class ThreadedServer(BackgroundServer):
    """The emulator app served by waitress in a background thread (a new app from ``config`` when
    none is given)."""

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
        super().__init__(
            app if app is not None else create_app(config), host=host, port=port, threads=threads, mode=mode
        )

    def start(self) -> ThreadedServer:
        # The address it binds is a Host name its clients may use (the guard's allowed hosts). A
        # plain Flask app (the benchmarks' baseline) has no guard.
        if EXTENSION_KEY in self.app.extensions:
            get_state(self.app).guard.allow_host(self.host)
        return super().start()

    @property
    def admin_token(self) -> str:
        return get_state(self.app).guard.token

    @property
    def admin_headers(self) -> dict[str, str]:
        """Headers that authenticate a request to the admin plane (``/_vodfc/...``)."""
        return admintoken.auth_headers(self.admin_token)


def _announce(line: str) -> None:
    print(line, flush=True)  # flushed: a parent process reads the URL from a pipe


def publish_admin_token(app: Flask, port: int) -> tuple[list[Any], list[str]]:
    """Write the app's admin token where the CLI finds it (``vodfc.emulator.admintoken``)."""
    state = get_state(app)
    return admintoken.publish(state.guard.token, port, state.config.data_dir)


def serve_forever(app: Flask, host: str, port: int, announce: Any = _announce) -> None:
    """Serve in the foreground until interrupted; ``announce`` gets the startup lines."""
    logging.getLogger("waitress").setLevel(logging.WARNING)
    state = get_state(app)
    state.guard.allow_host(host)
    server = make_server(app, host, port)
    url = f"http://{server.effective_host}:{server.effective_port}"
    key = state.config.access_keys[0]
    written, problems = publish_admin_token(app, server.effective_port)
    announce(f"vodfc emulator listening on {url} (region {state.config.region})")
    announce(f"AccessKeyId:     {key.access_key_id}")
    announce(f"AccessKeySecret: {key.access_key_secret}")
    announce(f"Account:         {key.account_id}")
    announce(f"Dashboard:       {admintoken.dashboard_url(url, state.guard.token)}")
    announce(f"Admin token:     {state.guard.token}")
    for path in written:
        announce(f"                 (also in {path})")
    for problem in problems:
        announce(f"warning: {problem}")
    try:
        with refusals_shown():  # why a call was refused, on stderr
            server.run()
    finally:
        server.close()
        admintoken.unpublish(written, state.guard.token)
        state.store.close()
