"""Part 4: SearchMedia's server-side latency over catalogues of growing size.

The catalogue is loaded straight through the ``VodBackend`` API (no API calls) and grown in place
(1k, then 10k, then 100k). Videos arrive one every five minutes, so the selective query -- Normal
videos of one tag uploaded during the first day -- has the same ~20 hits at every size: a search
that uses its indexes should barely slow down as the catalogue grows, a full scan grows linearly.
The Title substring query has to look at every title (1% of them match), so it is the scan case.

Timed: ``vodfc.emulator.vod.action_table.dispatch`` on the backend, under its lock and a store transaction
as the gateway runs it, without HTTP. The first call at each size (which may build indexes) is
reported in the notes; the figure is the median of the calls after it.
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from vodfc.shared.validation import format_time

from benchmarks import emu
from benchmarks.harness import NotAvailable, Profile, Row, count_text, ms, time_calls, verdict_at_most

PART = 4
TITLE = "SearchMedia latency vs catalogue size"
TARGET_MS = 10.0
START = datetime(2024, 3, 1, tzinfo=timezone.utc)
STEP = timedelta(minutes=5)
STATUSES = ("Normal",) * 6 + ("Checking", "Blocked", "Transcoding", "UploadSucc")
TAGS = tuple(f"tag{n:02d}" for n in range(20))
WORDS = tuple(f"word{n:03d}" for n in range(100))
QUERIES = {
    "selective": (
        "Status in ('Normal') and CreationTime = ('2024-03-01T00:00:00Z','2024-03-02T00:00:00Z') "
        "and Tags in ('tag07')"
    ),
    "title": "Title = 'word042'",
}
QUERY_LABELS = {
    "selective": "selective Match (Status + 1-day CreationTime range + Tag)",
    "title": "Title substring (1% of titles)",
}


def video_fields(i: int) -> dict[str, Any]:
    return {
        "title": f"Clip {i:06d} {WORDS[i % len(WORDS)]} {WORDS[(i * 7 + 3) % len(WORDS)]}",
        "status": STATUSES[i % len(STATUSES)],
        "now": format_time(START + STEP * i),
        "tags": f"{TAGS[i % len(TAGS)]},{TAGS[(i * 3 + 1) % len(TAGS)]}",
        "cate_id": None,
        "duration": 10.0 + i % 600,
        "size": 1_000_000 + i,
        # Search reads the video records only; skipping the source-file records halves the load time.
        "mezzanine": False,
    }


def grow(backend: Any, store: Any, start: int, stop: int) -> None:
    with backend.lock, store.transaction():
        for i in range(start, stop):
            backend.create_video(**video_fields(i))


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    emu.require_vod()
    emu.require("vodfc.emulator.vod.search", "emulator/vod/search.py (SearchMedia)")
    from vodfc.emulator.protocol import RequestContext
    from vodfc.emulator.store import MemoryStore
    from vodfc.emulator.vod import action_table
    from vodfc.emulator.vod.models import VodBackend

    if "SearchMedia" not in action_table.CORE_ACTIONS:
        raise NotAvailable("SearchMedia is not in the emulator's action table")
    store = MemoryStore()
    backend = VodBackend(emu.ACCOUNT_ID, emu.REGION, store)
    ctx = RequestContext(
        request_id="BENCH",
        access_key_id=emu.ACCESS_KEY_ID,
        account_id=emu.ACCOUNT_ID,
        region=emu.REGION,
        host_url="https://vod.cn-shanghai.aliyuncs.com",
        mode="inprocess",
        now=datetime.now(timezone.utc),
    )

    def search(match: str) -> dict[str, Any]:
        params = {"SearchType": "video", "Match": match, "PageSize": "10", "Fields": "Title,Tags,Status"}
        with backend.lock, store.transaction():
            return action_table.dispatch(backend, "SearchMedia", params, ctx)

    timings: dict[str, dict[int, float]] = {q: {} for q in QUERIES}
    notes: dict[str, dict[int, str]] = {q: {} for q in QUERIES}
    loaded = 0
    for size in sorted(profile.search_sizes):
        started = time.perf_counter()
        grow(backend, store, loaded, size)
        load_seconds = time.perf_counter() - started
        loaded = size
        for name, match in QUERIES.items():
            first_start = time.perf_counter()
            total = search(match).get("Total")
            first = time.perf_counter() - first_start
            notes[name][size] = f"{total} hits; first call {ms(first)}; loaded in {load_seconds:.1f} s"
        samples: dict[str, list[float]] = {q: [] for q in QUERIES}
        for r in range(profile.search_repeats):
            order = list(QUERIES) if r % 2 == 0 else list(reversed(QUERIES))
            for name in order:
                samples[name].append(time_calls(lambda m=QUERIES[name]: search(m), 1))
        for name in QUERIES:
            timings[name][size] = statistics.median(samples[name])
            results[f"p4.{name}.{size}"] = timings[name][size]

    rows = []
    largest = max(profile.search_sizes)
    for name in QUERIES:
        for size in sorted(profile.search_sizes):
            seconds = timings[name][size]
            at_largest = size == largest
            rows.append(
                Row(
                    PART,
                    f"SearchMedia {QUERY_LABELS[name]}, {count_text(size)} videos",
                    ms(seconds),
                    f"{TARGET_MS:g} ms" if at_largest else "",
                    seconds * 1000 / TARGET_MS if at_largest else None,
                    f"≤{TARGET_MS:g} ms at {count_text(largest)}" if at_largest else "",
                    verdict_at_most(seconds * 1000, TARGET_MS) if at_largest else "—",
                    notes[name][size],
                )
            )
        rows.append(growth_row(name, timings[name]))
    return rows


def growth_row(name: str, by_size: dict[int, float]) -> Row:
    """Latency growth between the two largest sizes, as an exponent: t ∝ n^k (k < 1 is sub-linear)."""
    sizes = sorted(by_size)
    small, big = sizes[-2], sizes[-1]
    growth = by_size[big] / by_size[small]
    exponent = math.log(growth) / math.log(big / small)
    steps = ", ".join(f"{count_text(s)}: {ms(by_size[s])}" for s in sizes)
    selective = name == "selective"
    return Row(
        PART,
        f"SearchMedia {QUERY_LABELS[name]}: growth {count_text(small)}→{count_text(big)}",
        f"{growth:.1f}× for {big // small}× the videos",
        "",
        None,
        "sub-linear (k<1)" if selective else "(no target)",
        ("ok" if exponent < 1 else f"MISS (k={exponent:.2f})") if selective else "—",
        f"k = growth exponent, t ∝ n^k; {steps}",
        ratio_text=f"k={exponent:.2f}",
    )
