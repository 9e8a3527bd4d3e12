"""Part 9: the dashboard's library page over a large library, beside the SearchMedia it is built on.

A library of ``dashboard_videos`` videos (10k in ``make bench``), each with its source-file record and
a stream, loaded through the ``VodBackend`` API. Timed, interleaved round by round: the first library
page (``GET /_vodfc/``, twenty videos, newest first) through the app's whole request cycle (the guard
reading the session cookie, the SearchMedia action, the rows' stream and source facts, the Jinja
rendering), without a socket, vs a direct SearchMedia of the same page (the action on the backend
under its lock, as the dashboard runs it). The difference is what the page costs on top of the search.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from vodfc.shared.validation import format_time

from benchmarks import emu
from benchmarks.harness import Profile, Row, Side, compare, count_text, ms, verdict_at_most

PART = 9
TITLE = "dashboard library page vs SearchMedia"
TARGET_MS = 200.0
START = datetime(2024, 3, 1, tzinfo=timezone.utc)


def load(backend: Any, store: Any, count: int) -> None:
    with backend.lock, store.transaction():
        for i in range(count):
            video = backend.create_video(
                f"Clip {i:06d}",
                status="Normal",
                now=format_time(START + timedelta(minutes=5 * i)),
                file_name=f"clip-{i:06d}.mp4",
                tags=f"tag{i % 20:02d}",
                duration=10.0 + i % 600,
                size=1_000_000 + i,
            )
            backend.set_mezzanine(
                video.video_id, status="Normal", size=1_000_000 + i, width=1280, height=720, fps=25.0
            )
            backend.add_stream(video.video_id, definition="SD", format="mp4", play_url="https://x/sd.mp4")


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    emu.require("vodfc.emulator.dashboard", "emulator/dashboard (the web dashboard)")
    from vodfc.emulator.app import emulator_of, get_state
    from vodfc.emulator.dashboard.library import LibraryQuery

    app = emu.build_app()
    emulator = emulator_of(app)
    state = get_state(app)
    backend = state.backend()
    started = time.perf_counter()
    load(backend, state.store, profile.dashboard_videos)
    load_seconds = time.perf_counter() - started
    browser = app.test_client()
    assert browser.get(f"/_vodfc/?token={state.guard.token}").status_code == 303

    def page() -> None:
        answer = browser.get("/_vodfc/")
        assert answer.status_code == 200 and b'class="card"' in answer.data

    dashboard = emulator.dashboard
    assert dashboard is not None
    params = LibraryQuery().params()

    def search() -> None:
        dashboard.calls.read("SearchMedia", params)

    # The cold calls, apart: SearchMedia's first call builds its index (the API's first call pays it
    # too), the page's first rendering compiles the templates (once per process).
    first = time.perf_counter()
    search()
    index_seconds = time.perf_counter() - first
    first = time.perf_counter()
    page()
    first_seconds = time.perf_counter() - first
    page_seconds, search_seconds = compare(
        [Side("library page", page), Side("SearchMedia", search)],
        warmup=max(2, profile.warmup // 5),
        rounds=profile.rounds,
        inner=max(1, profile.inner // 8),
    )
    emulator.close()
    results["p9.page"] = page_seconds
    results["p9.search"] = search_seconds
    size = count_text(profile.dashboard_videos)
    return [
        Row(
            PART,
            f"dashboard library page (first page of 20), {size} videos, vs a direct SearchMedia of it",
            ms(page_seconds),
            ms(search_seconds),
            page_seconds * 1000 / TARGET_MS,
            f"≤{TARGET_MS:g} ms",
            verdict_at_most(page_seconds * 1000, TARGET_MS),
            f"the page costs {ms(page_seconds - search_seconds)} over the search (the request cycle, "
            f"the rows' facts, the rendering); cold: SearchMedia's first call {ms(index_seconds)} (its "
            f"index build), then the first page {ms(first_seconds)} (templates compiled); loaded in "
            f"{load_seconds:.1f} s",
            ratio_text=f"{page_seconds * 1000 / TARGET_MS:.2f} of target",
        )
    ]
