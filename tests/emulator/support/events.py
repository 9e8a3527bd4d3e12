"""Helpers shared by the events, faults, lifecycle and VOD tests.

A loopback callback receiver, a movable clock, and apps over the request-path tests' fake VOD backend
(support/fakes.py) plus the message-callback actions, so the bus and the faults are tested through the
official SDK without depending on the VOD package; and the fields FC documents for the envelopes a function
receives events in (the wire and FC trigger tests check against them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.events import get_bus
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support import fakes

# The fields of an MNS queue trigger's CloudEvents object, in the order of FC's own sample (its trigger
# event formats page).
FC_MNS_QUEUE_EVENT_FIELDS = (
    "id",
    "source",
    "specversion",
    "type",
    "datacontenttype",
    "subject",
    "time",
    "aliyunaccountid",
    "aliyunpublishtime",
    "aliyunoriginalaccountid",
    "aliyuneventbusname",
    "aliyunregionid",
    "aliyunpublishaddr",
    "data",
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 8, 19, 15, 7, 7, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Receiver:
    """A loopback HTTP server recording every callback; answers the statuses queued in ``replies``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: list[int] = []
        self.default = 200
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status = receiver.replies.pop(0) if receiver.replies else receiver.default
                    receiver.arrived.notify_all()
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/vod/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
        return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def make_app(clock: Clock | None = None, components: tuple[str, ...] = ("events",)) -> Any:
    config = EmulatorConfig(components=components)
    if clock is not None:
        config = config.with_changes(clock=clock)
    # The events component adds the message-callback actions to the fake backend's.
    return create_app(config, backend_factory=fakes.FakeBackend, actions=fakes.ACTIONS)


def targets(components: tuple[str, ...]) -> Any:
    """A module-scoped server app and a parametrized ``target`` fixture over apps with ``components``."""

    @pytest.fixture(scope="module")
    def _server_app() -> Iterator[tuple[Any, ThreadedServer]]:
        app = make_app(components=components)
        with ThreadedServer(app) as server:
            yield app, server

    @pytest.fixture(params=["inprocess", "server"])
    def target(request: pytest.FixtureRequest, _server_app: Any) -> Iterator[VodTarget]:
        if request.param == "inprocess":
            app = make_app(components=components)
            with MockVod(app=app):
                get_bus(app).sleep = lambda seconds: None
                yield VodTarget("inprocess", app, None, Credentials())
        else:
            app, server = _server_app
            get_state(app).reset()
            get_bus(app).sleep = lambda seconds: None
            yield VodTarget("server", app, server.url, Credentials())
            get_bus(app).flush()
            get_state(app).reset()

    return _server_app, target


# Fixtures: registered by the conftests that use them (``from ... import receiver``).
@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture(name="bus")
def muted_vod_bus(vod: Any) -> Iterator[Any]:
    """``bus``: the ``vod`` emulator's bus with its subscribers muted: the template's event functions (FC
    runtime) would otherwise react to the test's events with VOD calls and events of their own."""
    bus = get_bus(vod.app)
    bus.sleep = lambda seconds: None
    with bus.muted():
        yield bus
        bus.flush()
