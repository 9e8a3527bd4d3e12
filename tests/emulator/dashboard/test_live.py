"""The live stream names the parts that changed, ends by itself, and holds a budgeted thread."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

from vodfc.emulator.app import emulator_of
from vodfc.emulator.dashboard import live
from vodfc.emulator.thread_budget import BUDGET_KEY, ThreadBudget


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_stream_sends_changes_and_ends() -> None:
    time = FakeTime()
    states = iter([{"library": 1, "events": 1}, {"library": 1, "events": 1}, {"library": 2, "events": 1}])
    released: list[bool] = []
    chunks = list(
        live.stream(
            lambda: next(states, {"library": 2, "events": 3}),
            interval=1.0,
            lifetime=3.0,
            sleep=time.sleep,
            clock=time,
            release=lambda: released.append(True),
        )
    )
    first, second, third = (
        {"library": 1, "events": 1},
        {"library": 2, "events": 1},
        {"library": 2, "events": 3},
    )
    assert chunks == [
        f"retry: 2000\nid: {live.marks(first)}\n\n".encode(),
        b": idle\n\n",
        f'id: {live.marks(second)}\nevent: change\ndata: ["library"]\n\n'.encode(),
        f'id: {live.marks(third)}\nevent: change\ndata: ["events"]\n\n'.encode(),
    ]
    assert released == [True]


def test_a_stream_from_older_marks_says_at_once_what_moved() -> None:
    # What a page showed (or where the browser's last stream was) against what there is now.
    page = {"library": 1, "events": (2, 2, ("delivered",)), "faults": ()}
    now = {"library": 1, "events": (3, 3, ("delivered", "pending")), "faults": ()}
    chunks = list(live.stream(lambda: now, lifetime=0.0, seen=live.marks(page)))
    assert chunks[1] == f'id: {live.marks(now)}\nevent: change\ndata: ["events"]\n\n'.encode()
    assert list(live.stream(lambda: now, lifetime=0.0, seen=live.marks(now))) == chunks[:1]
    # Marks that cannot be read move everything: one refresh too many, never one too few.
    assert live.moved_since("garbage", live.marks(now)) == ["events", "faults", "library"]


def test_fingerprints_follow_writes_events_and_fault_switches(app: Any) -> None:
    emulator = emulator_of(app)
    assert emulator.dashboard is not None and emulator.events is not None and emulator.faults is not None
    before = emulator.dashboard.fingerprints()
    backend = emulator.state.backend()
    with backend.lock:
        backend.create_video("new one")
    emulator.events.emit({"EventType": "FileUploadComplete", "VideoId": "x"})
    rule = emulator.faults.add("throttle")
    emulator.faults.set_enabled(rule.id, False)
    assert live.changed(before, emulator.dashboard.fingerprints()) == ["events", "faults", "library"]


def test_the_endpoint_is_an_event_stream(client: Any, app: Any) -> None:
    dashboard = emulator_of(app).dashboard
    assert dashboard is not None
    dashboard.live_lifetime = 0.0
    answer = client.get("/_vodfc/ui/live")
    assert answer.status_code == 200
    assert answer.content_type == "text/event-stream"
    assert answer.get_data().startswith(b"retry: ")


def test_a_page_carries_its_marks_and_a_reconnect_is_answered_from_them(client: Any, app: Any) -> None:
    emulator = emulator_of(app)
    dashboard = emulator.dashboard
    assert dashboard is not None
    dashboard.live_lifetime = 0.0
    page = client.get("/_vodfc/").get_data(as_text=True)
    url = html.unescape(re.search(r'data-live-url="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert url == "/_vodfc/ui/live?" + urlencode({"seen": live.marks(dashboard.fingerprints())})
    # Nothing moved: the stream's first look finds nothing to say.
    assert b"event: change" not in client.get(url).get_data()
    # A write between the page and its stream (or between two streams) is still seen.
    backend = emulator.state.backend()
    with backend.lock:
        backend.create_video("made while the page loaded")
    assert b'event: change\ndata: ["library"]' in client.get(url).get_data()
    stale = live.marks({**dashboard.fingerprints(), "library": -1})
    answer = client.get("/_vodfc/ui/live", headers={"Last-Event-ID": stale})
    assert b'event: change\ndata: ["library"]' in answer.get_data()


def test_a_server_without_a_spare_thread_refuses_a_stream(client: Any, app: Any) -> None:
    dashboard = emulator_of(app).dashboard
    assert dashboard is not None
    dashboard.live_lifetime = 0.0
    budget = ThreadBudget(1)
    assert budget.take()
    answer = client.get("/_vodfc/ui/live", environ_base={BUDGET_KEY: budget})
    assert answer.status_code == 503
    budget.give_back()
    assert client.get("/_vodfc/ui/live", environ_base={BUDGET_KEY: budget}).status_code == 200
    assert budget.take()  # the stream gave its thread back when it ended
