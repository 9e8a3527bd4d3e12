"""Fixtures of the SDK-level VOD suite: both official SDKs × both emulator modes, over the demo library.

``sdk`` is parametrized over the core SDK (aliyun-python-sdk-vod request classes on ``AcsClient``)
and the Tea SDK (``alibabacloud_vod20170321`` ``Client``); with the plugin's ``vod`` fixture (in-process
and server) every test runs four ways. ``lib`` seeds the demo library into the fresh backend and
names the records the tests need, found through the API itself (GetVideoList, GetVideoInfo,
GetPlayInfo ...) so the suite does not depend on how the backend stores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from vodfc.emulator.pytest_plugin import VodTarget

from tests.emulator.support.events import muted_vod_bus, receiver  # noqa: F401  (fixtures: bus, receiver)
from tests.emulator.vod import sdk as sdk_helpers


@pytest.fixture(params=sdk_helpers.SDKS)
def sdk(request: pytest.FixtureRequest, vod: VodTarget) -> Any:
    """One official SDK against one emulator mode; ``sdk.call(action, params)`` / ``sdk.fail(...)``."""
    return sdk_helpers.Sdk(request.param, vod)


@pytest.fixture
def core(vod: VodTarget) -> Any:
    """The core SDK only (for the documentation examples, written with request classes)."""
    return sdk_helpers.Sdk("core", vod)


@dataclass
class Library:
    """The seeded demo library as the API shows it (``videos``: GetVideoList's entries)."""

    videos: list[dict[str, Any]]
    image_ids: list[str]
    seeded: dict[str, Any]
    transcode_modes: dict[str, str] = field(default_factory=dict)

    def ids(self, **where: str) -> list[str]:
        return [v["VideoId"] for v in self.videos if all(v.get(k) == want for k, want in where.items())]

    @property
    def video_ids(self) -> list[str]:
        return [v["VideoId"] for v in self.videos]

    @property
    def playable(self) -> list[str]:
        return [v for v in self.ids(Status="Normal") if self.transcode_modes.get(v) != "NoTranscode"]

    @property
    def normal(self) -> str:
        """A Normal, transcoded video: source file, several streams, snapshots."""
        return self.playable[0]

    @property
    def transcoded(self) -> str:
        return self.playable[-1]

    @property
    def untranscoded(self) -> str:
        """A Normal video whose only stream is its source file (NoTranscode)."""
        return next(v for v in self.ids(Status="Normal") if self.transcode_modes.get(v) == "NoTranscode")

    @property
    def with_reference(self) -> list[tuple[str, str]]:
        return [(v["VideoId"], v["ReferenceId"]) for v in self.videos if v.get("ReferenceId")]


def _discover(target: VodTarget, seeded: dict[str, Any]) -> Library:
    caller = sdk_helpers.Sdk("core", target)
    body = caller.call("GetVideoList", {"PageNo": 1, "PageSize": 100})
    videos = body["VideoList"]["Video"]
    assert len(videos) == seeded["videos"], "GetVideoList should list the whole demo library"
    # TranscodeMode is not in GetVideoList's answer; the backend record knows it.
    modes = {v["VideoId"]: target.backend.get_video(v["VideoId"]).transcode_mode for v in videos}
    return Library(videos=videos, image_ids=list(seeded["image_ids"]), seeded=seeded, transcode_modes=modes)


@pytest.fixture
def lib(vod: VodTarget) -> Library:
    """The demo library seeded into the test's fresh backend."""
    return _discover(vod, vod.state.seed())


def dumps(entries: list[dict[str, Any]]) -> str:
    return json.dumps(entries, ensure_ascii=False)
