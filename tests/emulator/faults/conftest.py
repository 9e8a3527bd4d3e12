"""Fault tests run against apps over the fake VOD backend with the events and faults components."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _load_support() -> Any:
    # Shared with the events tests; --import-mode=importlib, so loaded by path.
    name = "vodfc_events_support"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "events" / "support.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _load_support()
COMPONENTS = ("events", "faults")
_server_app, target = support.targets(COMPONENTS)


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
    from vodfc.emulator.events import get_bus

    app = support.make_app(clock, COMPONENTS)
    get_bus(app).sleep = lambda seconds: None
    return app
