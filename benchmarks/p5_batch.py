"""Part 5: batch efficiency of ``shared`` against ``mock_vod``.

(a) API calls: ``VodClient.update_video_infos`` and ``delete_videos`` over N videos must send exactly
ceil(N/20) requests each (VOD's batch limit is 20). Requests are counted on the client (every HTTP
attempt the SDK makes) and on the emulator (an ``after_action`` hook, completed calls).

(b) Throughput under the emulator's QPS cap (``vodfc.emulator.faults``, a token bucket on the emulator's
clock): the same update + delete with the shared ``RetryPolicy`` backing off on ``Throttling``. The
emulator clock and the client's ``sleep`` share a virtual clock -- real elapsed time plus the time
slept -- so backoff costs nothing in wall time but counts fully in the throughput. Share of the cap
= successful calls / tokens the bucket offered (its burst, which starts full, plus cap × elapsed).
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from benchmarks import emu
from benchmarks.harness import NotAvailable, Profile, Row, count_text, verdict_at_least

PART = 5
TITLE = "batch efficiency of shared/ (calls vs floor, QPS-cap throughput)"
BATCH = 20
SHARE_TARGET = 0.9
ENDPOINT = f"https://vod.{emu.REGION}.aliyuncs.com"


class VirtualClock:
    """Real time plus everything slept: sleeps return at once but move the clock forward."""

    def __init__(self) -> None:
        self._real0 = time.perf_counter()
        self._wall0 = datetime.now(timezone.utc)
        self.slept = 0.0

    def seconds(self) -> float:
        return time.perf_counter() - self._real0 + self.slept

    def __call__(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.seconds())

    def sleep(self, seconds: float) -> None:
        self.slept += max(0.0, seconds)


class Counted:
    """A VodClient whose SDK calls are counted per action (every attempt, throttled ones too)."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        from vodfc.shared.client import VodClient
        from vodfc.shared.retry import RetryPolicy

        self.client = VodClient(
            access_key_id=emu.ACCESS_KEY_ID,
            access_key_secret=emu.ACCESS_KEY_SECRET,
            region=emu.REGION,
            endpoint=ENDPOINT,
            retry=RetryPolicy(),  # the defaults every function runs with
            sleep=sleep,
        )
        self.attempts: Counter[str] = Counter()
        acs = self.client.acs_client
        send = acs.do_action_with_exception

        def counting(request: Any) -> Any:
            self.attempts[request.get_action_name()] += 1
            return send(request)

        acs.do_action_with_exception = counting


def load_videos(mock: Any, n: int) -> list[str]:
    backend = mock.backend()
    with backend.lock, mock.state.store.transaction():
        return [backend.create_video(f"batch {i}", status="Normal").video_id for i in range(n)]


def update_and_delete(counted: Counted, ids: list[str]) -> tuple[int, int]:
    """Update then delete every video; returns the failed item counts (update, delete).

    An operation that gives up (a ``VodError`` after the retries) counts all its items as failed:
    which chunks landed before it is not something the caller learns either.
    """
    from vodfc.shared.errors import VodError
    from vodfc.shared.models import VideoUpdate

    try:
        updated = counted.client.update_video_infos(
            VideoUpdate(video_id=v, title=f"renamed {v}") for v in ids
        )
        update_failed = len(updated.non_exist_video_ids) + len(updated.forbidden_video_ids)
    except VodError:
        update_failed = len(ids)
    try:
        deleted = counted.client.delete_videos(ids)
        delete_failed = len(ids) - len(deleted.deleted_video_ids)
    except VodError:
        delete_failed = len(ids)
    return update_failed, delete_failed


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    from vodfc.emulator.mock import MockVod

    rows = calls_rows(profile, MockVod(app=emu.build_app()), results)
    rows.extend(throughput_rows(profile, results))
    return rows


def calls_rows(profile: Profile, mock: Any, results: dict[str, float]) -> list[Row]:
    n = profile.batch_n
    floor = math.ceil(n / BATCH)
    with mock:
        ids = load_videos(mock, n)
        completed: Counter[str] = Counter()
        mock.state.after_action.append(lambda backend, action, *rest: completed.update([action]))
        counted = Counted()
        failed = update_and_delete(counted, ids)
        titles_done = sum(1 for v in ids if v not in mock.backend().videos)
    rows = []
    for action, method, bad in (
        ("UpdateVideoInfos", "update_video_infos", failed[0]),
        ("DeleteVideo", "delete_videos", failed[1]),
    ):
        sent = counted.attempts[action]
        results[f"p5.calls.{action}"] = sent
        ok = sent == floor and completed[action] == floor and bad == 0
        rows.append(
            Row(
                PART,
                f"`VodClient.{method}` of {count_text(n)} videos: API calls vs ceil(N/20)",
                f"{sent} calls",
                f"{floor} calls",
                sent / floor,
                "= floor",
                "ok" if ok else f"MISS ({sent - floor:+d} calls, {bad} failed items)",
                f"emulator completed {completed[action]}; {bad} failed items",
            )
        )
    if titles_done != n:
        rows[-1].verdict = f"MISS ({n - titles_done} videos left)"
    return rows


def throughput_rows(profile: Profile, results: dict[str, float]) -> list[Row]:
    faults_module = emu.require("vodfc.emulator.faults", "emulator/faults (QPS cap)")
    from vodfc.emulator.mock import MockVod

    clock = VirtualClock()
    mock = MockVod(app=emu.build_app(clock=clock))
    n = profile.qps_items
    cap = profile.qps_cap
    with mock:
        try:
            faults = faults_module.get_faults(mock.app)
            rule = faults.add("qps", qps=cap)
        except (AttributeError, KeyError, TypeError) as exc:
            raise NotAvailable(f"vodfc.emulator.faults has no QPS cap API as expected: {exc}") from None
        ids = load_videos(mock, n)
        completed: Counter[str] = Counter()
        mock.state.after_action.append(lambda backend, action, *rest: completed.update([action]))
        counted = Counted(sleep=clock.sleep)
        # Every throttled attempt logs a retry warning; hundreds of them would bury the table.
        shared_log = logging.getLogger("vodfc.shared")
        level = shared_log.level
        shared_log.setLevel(logging.ERROR)
        try:
            start = clock.seconds()
            failed = update_and_delete(counted, ids)
            elapsed = clock.seconds() - start
        finally:
            shared_log.setLevel(level)
    ok_calls = sum(completed.values())
    burst = rule.burst if getattr(rule, "burst", None) is not None else max(1.0, cap)
    offered = burst + cap * elapsed
    share = ok_calls / offered
    attempts = sum(counted.attempts.values())
    results["p5.qps.share"] = share
    floor = 2 * math.ceil(n / BATCH)
    bad = sum(failed)
    verdict = verdict_at_least(share, SHARE_TARGET)
    if bad:
        verdict = f"MISS ({bad} failed items)"
    return [
        Row(
            PART,
            f"update + delete {count_text(n)} videos under a {cap:g} QPS cap: throughput share of the cap",
            f"{ok_calls / elapsed:.1f} calls/s",
            f"{cap:g} QPS",
            share,
            f"≥{SHARE_TARGET:.0%}, 0 failed",
            verdict,
            f"{ok_calls} calls ok (floor {floor}), {attempts - ok_calls} throttled attempts, "
            f"{bad} failed items; "
            f"{elapsed:.2f} s virtual ({clock.slept:.2f} s of it backoff); share counts the bucket's "
            f"initial {burst:g}-token burst",
            ratio_text=f"{share:.0%}",
        )
    ]
