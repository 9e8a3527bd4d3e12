"""Lifecycle tests run on the real VOD backend through the plugin's ``vod`` fixture (both modes)."""

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


@pytest.fixture(scope="session")
def source_video() -> bytes:
    """A real 480x270 half-second H.264 clip (made once: encoding costs a few hundred ms)."""
    from vodfc.emulator.media.synth import make_video

    return make_video(480, 270, seconds=0.5, audio=False)  # type: ignore[no-any-return]


@pytest.fixture
def receiver() -> Iterator[Any]:
    receiver = support.Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def lifecycle(vod: Any, bus: Any) -> Any:
    from vodfc.emulator.lifecycle import get_lifecycle

    return get_lifecycle(vod.app)


@pytest.fixture
def bus(vod: Any) -> Iterator[Any]:
    """The app's bus with its subscribers muted: the template's event functions (FC runtime) would
    otherwise react to the test's events with VOD calls and events of their own."""
    from vodfc.emulator.events import get_bus

    bus = get_bus(vod.app)
    bus.sleep = lambda seconds: None
    with bus.muted():
        yield bus
        bus.flush()
