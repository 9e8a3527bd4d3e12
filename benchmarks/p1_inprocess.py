"""Part 1: one GetVideoInfo through the core SDK under ``mock_vod`` vs a canned ``responses`` body.

The canned side is the floor any in-process fake can reach: the SDK signs and sends, the vendored
``requests`` is answered by ``responses`` (intercepted exactly as sdk-internals.md says, through
``aliyunsdkcore.vendored.requests.adapters.HTTPAdapter.send``) with the very body the emulator gave.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from benchmarks import emu
from benchmarks.harness import Profile, Row, Side, compare, ms, verdict_at_most

PART = 1
TITLE = "in-process GetVideoInfo (mock_vod vs canned responses)"
TARGET = 1.5
VENDORED_SEND = "aliyunsdkcore.vendored.requests.adapters.HTTPAdapter.send"
_VOD_URL = re.compile(r"https?://vod\.cn-shanghai\.aliyuncs\.com/.*")


def canned_mock(body: bytes) -> contextlib.AbstractContextManager[Any]:
    """A ``responses`` mock of the core SDK's vendored stack answering every VOD call with ``body``."""
    import responses

    @contextlib.contextmanager
    def active() -> Iterator[Any]:
        with responses.RequestsMock(target=VENDORED_SEND, assert_all_requests_are_fired=False) as rsps:
            for method in (responses.GET, responses.POST):
                rsps.add(
                    method,
                    _VOD_URL,
                    body=body,
                    content_type="application/json;charset=utf-8",
                    headers={"x-acs-request-id": "00000000-0000-0000-0000-000000000000"},
                )
            yield rsps

    return active()


class InProcess:
    """An emulator app behind ``mock_vod`` holding one video, and a client to fetch it."""

    def __init__(self) -> None:
        from vodfc.emulator.mock import MockVod

        self.mock = MockVod(app=emu.build_app())
        with self.mock:
            self.video_id = emu.add_video(self.mock.backend())
        self.client = emu.acs_client()
        with self.active():
            self.body = self.client.do_action_with_exception(self._request())

    def _request(self) -> Any:
        from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

        request = GetVideoInfoRequest()
        request.set_VideoId(self.video_id)
        return request

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        self.mock.start(reset=False)
        try:
            yield
        finally:
            self.mock.stop()

    def call(self) -> Any:
        return emu.get_video_info(self.client, self.video_id)


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    subject = InProcess()
    sides = [
        Side("mock_vod", subject.call, subject.active),
        Side("canned", subject.call, lambda: canned_mock(subject.body)),
    ]
    emulator, canned = compare(sides, warmup=profile.warmup, rounds=profile.rounds, inner=profile.inner)
    results["p1.emulator"] = emulator
    results["p1.canned"] = canned
    ratio = emulator / canned
    return [
        Row(
            PART,
            "GetVideoInfo in-process: core SDK under mock_vod vs canned `responses` body",
            ms(emulator),
            ms(canned),
            ratio,
            f"≤{TARGET}×",
            verdict_at_most(ratio, TARGET),
            f"{len(subject.body)} B answer; median of {profile.rounds}×{profile.inner} calls",
        )
    ]
