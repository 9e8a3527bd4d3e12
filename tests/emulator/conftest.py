"""Transport fixtures over the fake VOD backend (tests/emulator/support/fakes.py): the request path
(front, gateway, protocol, mock, server, plugin) is tested on its own, without the VOD package.

``target`` runs each test twice, in-process (``mock_vod``) and against a ``ThreadedServer``,
exactly like the plugin's ``vod`` fixture, but with ``fakes.ACTIONS`` behind the gateway and a
clock the tests can move. The packages' folders below override ``target`` and ``clock`` with their
own; ``vod`` stays the plugin's real emulator unless a module imports plugin_over_fakes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support import fakes
from tests.emulator.support import signing as signing_helpers
from tests.emulator.support.refusals import Refusals


class Clock:
    """The emulator's clock, moved by tests instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def fake_app(config: EmulatorConfig | None = None, **changes: Any) -> Any:
    config = (config or EmulatorConfig(components=())).with_changes(**changes)
    return create_app(config, backend_factory=fakes.FakeBackend, actions=fakes.ACTIONS)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_fake_app() -> Any:
    """``make_fake_app(**config_changes)``: a fresh app over the fake backend."""
    return fake_app


@pytest.fixture
def fakes_module() -> Any:
    return fakes


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Refusals:
    """The emulator's refusal log lines of this test: why it refused a call an SDK made."""
    return Refusals(caplog)


@pytest.fixture
def signing() -> Any:
    """``rpc_signed`` / ``acs3_headers``: raw requests signed by the SDKs' own code."""
    return signing_helpers


@pytest.fixture(scope="session")
def _wire_clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def _wire_apps(_wire_clock: Clock) -> dict[str, Any]:
    # The clock follows real time unless a test moves it (and the fixture puts it back).
    return {mode: fake_app(clock=_wire_clock) for mode in ("inprocess", "server")}


@pytest.fixture(scope="session")
def _wire_server(_wire_apps: dict[str, Any]) -> Iterator[ThreadedServer]:
    with ThreadedServer(_wire_apps["server"]) as server:
        yield server


@pytest.fixture
def wire_clock(_wire_clock: Clock) -> Iterator[Clock]:
    saved = _wire_clock.now = datetime.now(timezone.utc).replace(microsecond=0)
    yield _wire_clock
    _wire_clock.now = saved


# What the plugin's public fixtures (vod_mock, vod_server, vod) run on where a test switches them to the
# fake backend (tests/emulator/support/plugin_over_fakes.py): one app and one server for the session.
@pytest.fixture(scope="session")
def _fake_plugin_app() -> Any:
    return fake_app()


@pytest.fixture(scope="session")
def _fake_plugin_server() -> Iterator[ThreadedServer]:
    with ThreadedServer(fake_app()) as server:
        yield server


@pytest.fixture
def wire_server(_wire_apps: dict[str, Any], _wire_server: ThreadedServer, wire_clock: Clock) -> VodTarget:
    """Server mode only (for the HTTP control plane), fresh state."""
    get_state(_wire_apps["server"]).reset()
    get_state(_wire_apps["server"]).before_action.clear()
    return VodTarget("server", _wire_apps["server"], _wire_server.url, Credentials())


@pytest.fixture(params=["inprocess", "server"])
def target(
    request: pytest.FixtureRequest, _wire_apps: dict[str, Any], wire_clock: Clock
) -> Iterator[VodTarget]:
    app = _wire_apps[request.param]
    get_state(app).reset()
    get_state(app).before_action.clear()
    if request.param == "inprocess":
        with MockVod(app=app):
            yield VodTarget("inprocess", app, None, Credentials())
    else:
        server = request.getfixturevalue("_wire_server")
        yield VodTarget("server", app, server.url, Credentials())
    get_state(app).before_action.clear()
