"""Part 8: what one use of the in-process mock costs a test, beside one use of moto's ``mock_aws``.

A use is what a test pays for its mock: enter, one call, exit. Ours: ``with mock_vod():``, one video
put straight into the backend (a fresh use starts empty), one ``GetVideoInfo`` through the core SDK.
moto's: ``with mock_aws():``, one boto3 S3 ``list_buckets`` (its state starts empty too). Clients are
built once, outside the uses, as a test suite's fixtures would. A third side builds a new emulator at
every use (no idle emulator is kept), which is what every use cost before emulators were reused; it
shows where the time went.

The target is absolute (a median of 1 ms per use), so it is judged on the process's CPU time: on this
shared 2-core machine other work inflates wall time by 2-3x at times, while a use is single-threaded
CPU work whose CPU time is what it costs on an idle machine. The wall-clock median is in the notes.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks import emu
from benchmarks.harness import Profile, Row, Side, compare, ms, verdict_at_most

PART = 8
TITLE = "per-use cost: with mock_vod() vs with mock_aws()"
TARGET_MS = 1.0


class Uses:
    """One ``mock_vod`` use, from the process's reused emulators or from ones never kept."""

    def __init__(self, *, reuse: bool) -> None:
        emu.require_vod()
        from vodfc.emulator.reuse import EMULATORS, Emulators

        self.emulators = EMULATORS if reuse else Emulators(max_idle=0)
        self.client = emu.acs_client()

    def use(self) -> Any:
        from vodfc.emulator.mock import MockVod

        with MockVod(emulators=self.emulators) as mock:
            video_id = emu.add_video(mock.backend())
            return emu.get_video_info(self.client, video_id)


def moto_use() -> Any:
    """One ``mock_aws`` use with one call, or None when moto or boto3 is not installed."""
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        return None
    s3 = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )

    def use() -> Any:
        with mock_aws():
            return s3.list_buckets()

    return use


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    reused, rebuilt = Uses(reuse=True), Uses(reuse=False)
    sides = [Side("mock_vod", reused.use), Side("mock_vod, built per use", rebuilt.use)]
    moto = moto_use()
    if moto is not None:
        sides.append(Side("mock_aws", moto))
    # A use that builds costs tens of calls' worth: time fewer of them per round.
    inner = max(2, profile.inner // 4)
    warmup = max(2, profile.warmup // 4)
    medians = compare(sides, warmup=warmup, rounds=profile.rounds, inner=inner, clock=time.process_time)
    (wall,) = compare(sides[:1], warmup=warmup, rounds=profile.rounds, inner=inner)
    ours, built = medians[0], medians[1]
    results["p8.mock_vod"], results["p8.built"], results["p8.wall"] = ours, built, wall
    rows = [
        Row(
            PART,
            "one use: `with mock_vod():` + one GetVideoInfo (core SDK), emulator reused",
            ms(ours),
            "",
            None,
            f"≤{TARGET_MS:g} ms",
            verdict_at_most(ours * 1000, TARGET_MS),
            f"CPU time; wall {ms(wall)}; median of {profile.rounds}×{inner} uses; the video is put into "
            "the backend in each use",
        ),
        Row(
            PART,
            "the same use when every use builds its emulator (before reuse)",
            ms(built),
            ms(ours),
            built / ours,
            "for scale",
            "—",
            "CPU time; ratio = built per use / reused",
        ),
    ]
    if moto is not None:
        theirs = medians[2]
        results["p8.mock_aws"] = theirs
        rows.append(
            Row(
                PART,
                "one use: `with mock_aws():` + one boto3 S3 list_buckets (moto)",
                ms(theirs),
                ms(ours),
                theirs / ours,
                "for scale",
                "—",
                "CPU time; ratio = moto's use / mock_vod's use",
            )
        )
    else:
        rows.append(Row(PART, "one use of moto's mock_aws", verdict="n/a (moto/boto3 not installed)"))
    return rows
