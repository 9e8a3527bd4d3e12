"""Lifecycle tests run on the real VOD backend through the plugin's ``vod`` fixture (both modes)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.support.events import muted_vod_bus, receiver  # noqa: F401  (fixtures: bus, receiver)


@pytest.fixture(scope="session")
def source_video() -> bytes:
    """A real 480x270 half-second H.264 clip (made once: encoding costs a few hundred ms)."""
    from vodfc.emulator.media.synth import make_video

    return make_video(480, 270, seconds=0.5, audio=False)  # type: ignore[no-any-return]


@pytest.fixture
def lifecycle(vod: Any, bus: Any) -> Any:
    from vodfc.emulator.lifecycle import get_lifecycle

    return get_lifecycle(vod.app)
