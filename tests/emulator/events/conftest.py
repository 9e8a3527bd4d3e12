"""Fixtures for the event bus tests: a loopback callback receiver and apps over the fake backend."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.events import get_bus


def load_support() -> Any:
    # --import-mode=importlib: helpers are not importable by name, so load them by path.
    name = "vodfc_events_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("support.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = load_support()
_server_app, target = support.targets(("events",))


@pytest.fixture
def receiver() -> Iterator[Any]:
    receiver = support.Receiver()
    yield receiver
    receiver.close()


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
