"""When media processing steps run: instantly, when a test moves the clock, or after real delays.

* ``instant`` (default): a scheduled step runs at once, and steps it schedules run right after it,
  in due-time order — a whole upload-to-Normal pipeline finishes inside the call that started it;
* ``manual``: steps wait until a test calls ``advance(seconds)`` (moves the scheduler's clock and runs
  what became due) or ``run_pending()`` / ``run_all()``;
* ``realtime``: a daemon thread runs each step when its due time comes (the server's realism mode).

The scheduler's clock is the emulator clock plus the time ``advance`` added, so the times written
into events and records move with it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

log = logging.getLogger("vodfc.lifecycle")

TIMINGS = ("instant", "manual", "realtime")


@dataclass(order=True)
class Task:
    due: datetime
    seq: int
    fn: Callable[[], None] = field(compare=False)
    label: str = field(compare=False, default="")
    generation: int = field(compare=False, default=0)


class Scheduler:
    def __init__(self, clock: Callable[[], datetime], timing: str = "instant"):
        if timing not in TIMINGS:
            raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
        self._clock = clock
        self.timing = timing
        self.skew = timedelta(0)
        self._tasks: list[Task] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._draining = False
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._running = 0
        self._local = threading.local()

    def now(self) -> datetime:
        """The scheduler's time; in manual timing, inside a step, the step's due time, so the steps
        it schedules and the times it writes follow the simulated timeline exactly."""
        current: datetime | None = getattr(self._local, "due", None)
        if current is not None:
            return current
        return self._clock() + self.skew

    def set_timing(self, timing: str) -> None:
        if timing not in TIMINGS:
            raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
        with self._lock:
            self.timing = timing
            self._wake.notify_all()
        if timing == "realtime":
            self._ensure_thread()
        elif timing == "instant":
            self._drain(lambda task: True)

    def call_later(self, delay: float, fn: Callable[[], None], label: str = "") -> Task:
        """Schedule ``fn`` ``delay`` seconds after the scheduler's now."""
        return self.call_at(self.now() + timedelta(seconds=max(0.0, delay)), fn, label)

    def call_at(self, due: datetime, fn: Callable[[], None], label: str = "") -> Task:
        with self._lock:
            task = Task(due, next(self._seq), fn, label, self._generation)
            heapq.heappush(self._tasks, task)
            self._wake.notify_all()
            timing = self.timing
        if timing == "instant":
            self._drain(lambda task: True)
        elif timing == "realtime":
            self._ensure_thread()
        return task

    @property
    def pending(self) -> list[tuple[datetime, str]]:
        with self._lock:
            return [(task.due, task.label) for task in sorted(self._tasks)]

    def advance(self, seconds: float) -> int:
        """Move the scheduler's clock forward and run every step that became due; returns how many ran."""
        with self._lock:
            self.skew += timedelta(seconds=seconds)
        return self.run_pending()

    def run_pending(self) -> int:
        """Run the steps due now (and those they schedule that are due too)."""
        return self._drain(lambda task: task.due <= self.now())

    def run_all(self) -> int:
        """Run every scheduled step, moving the clock to each one's due time."""
        ran = 0
        while True:
            with self._lock:
                if not self._tasks:
                    return ran
                due = self._tasks[0].due
                if due > self.now():
                    self.skew += due - self.now()
            ran += self.run_pending()

    def _drain(self, ready: Callable[[Task], bool]) -> int:
        ran = 0
        with self._lock:
            if self._draining:
                return 0  # the outer drain loop picks up what was just scheduled
            self._draining = True
        try:
            while True:
                with self._lock:
                    if not self._tasks or not ready(self._tasks[0]):
                        return ran
                    task = heapq.heappop(self._tasks)
                    self._running += 1
                try:
                    self._run(task)
                finally:
                    with self._lock:
                        self._running -= 1
                        self._wake.notify_all()
                ran += 1
        finally:
            with self._lock:
                self._draining = False

    def _run(self, task: Task) -> None:
        if task.generation != self._generation:
            return
        self._local.due = task.due if self.timing == "manual" else None
        try:
            task.fn()
        except Exception:  # one broken step must not stop the others
            log.exception("lifecycle step %s failed", task.label)
        finally:
            self._local.due = None

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._loop, name="vodfc-lifecycle", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self.timing != "realtime":
                    self._thread = None
                    return
                if not self._tasks:
                    self._wake.wait(1.0)
                    continue
                wait = (self._tasks[0].due - self.now()).total_seconds()
                if wait > 0:
                    self._wake.wait(min(wait, 1.0))
                    continue
            self.run_pending()

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is scheduled or running (realtime mode); False on timeout."""
        import time

        deadline = time.monotonic() + timeout
        with self._lock:
            while self._tasks or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(min(left, 0.05))
        return True

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._tasks.clear()
            self.skew = timedelta(0)
            self._wake.notify_all()
