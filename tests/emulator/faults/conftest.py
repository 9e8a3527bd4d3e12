"""Fault tests run against apps over the fake VOD backend with the events and faults components."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.support import events as support
from tests.emulator.support.events import receiver  # noqa: F401  (fixture)

COMPONENTS = ("events", "faults")
_server_app, target = support.targets(COMPONENTS)


@pytest.fixture
def clock() -> Any:
    return support.Clock()


@pytest.fixture
def app(clock: Any) -> Any:
    from vodfc.emulator.events import get_bus

    app = support.make_app(clock, COMPONENTS)
    get_bus(app).sleep = lambda seconds: None
    return app
