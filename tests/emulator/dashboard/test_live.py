"""The live stream names the parts that changed, ends by itself, and holds a budgeted thread."""

from __future__ import annotations

from typing import Any

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
    assert chunks == [
        b"retry: 2000\n\n",
        b": idle\n\n",
        b'event: change\ndata: ["library"]\n\n',
        b'event: change\ndata: ["events"]\n\n',
    ]
    assert released == [True]


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
