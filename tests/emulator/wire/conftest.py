"""Transport fixtures over the fake VOD backend: the wire layer is tested on its own.

``target`` runs each test twice, in-process (``mock_vod``) and against a ``ThreadedServer``,
exactly like the plugin's ``vod`` fixture, but with ``fakes.ACTIONS`` behind the gateway and a
clock the tests can move.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget
from vodfc.emulator.server import ThreadedServer


def _load_helper(stem: str) -> Any:
    # --import-mode=importlib: test helpers are not importable by name, so load them by path.
    name = f"vodfc_wire_{stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{stem}.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fakes = _load_helper("fakes")
signing_helpers = _load_helper("signing")


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


# The plugin's own app fixtures, overridden with the fake backend so that the plugin's public
# fixtures (vod_mock, vod_server, vod) are tested here without the VOD package.
@pytest.fixture(scope="session")
def _vodfc_mock_app() -> Any:
    return fake_app()


@pytest.fixture(scope="session")
def _vodfc_server() -> Iterator[ThreadedServer]:
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
