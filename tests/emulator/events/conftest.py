"""Fixtures for the event bus tests: a loopback callback receiver and apps over the fake backend."""

from __future__ import annotations

from typing import Any

import pytest
from vodfc.emulator.events import get_bus

from tests.emulator.support import events as support
from tests.emulator.support.events import receiver  # noqa: F401  (fixture)

_server_app, target = support.targets(("events",))


@pytest.fixture
def clock() -> Any:
    return support.Clock()


@pytest.fixture
def app(clock: Any) -> Any:
    app = support.make_app(clock)
    get_bus(app).sleep = lambda seconds: None
    return app


@pytest.fixture
def bus(app: Any) -> Any:
    return get_bus(app)
