"""One function's instances: started on demand up to a cap, kept warm, reaped when idle, queued beyond.

``FunctionPool.acquire`` gives a request an instance with a free slot (an instance serves
``concurrency`` requests at once, 1 unless the function's ``InstanceConcurrency`` says more), starts
a new one while the function has fewer than ``cap``, or queues the request. Queued requests are served
in arrival order: a released slot (or the room a discarded instance leaves) is handed straight to the
oldest waiter. A request finding ``queue_size`` requests already waiting, or waiting longer than
``queue_wait``, is ``Throttled`` (FC's 429 ``ResourceExhausted``); requests that may wait without
bound (FC's asynchronous invocations, which FC queues) pass ``bounded=False``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from vodfc.emulator.fc.instances import Instance

_START = object()  # a waiter's grant: room to start an instance of its own


class Throttled(Exception):
    """FC's throttling answer: no instance within the function's limits (HTTP 429 ResourceExhausted)."""

    code = "ResourceExhausted"
    status = 429


class _Waiter:
    __slots__ = ("event", "grant")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.grant: Any = None


class FunctionPool:
    def __init__(
        self,
        name: str,
        start: Callable[[FunctionPool], Instance],
        *,
        cap: int,
        concurrency: int = 1,
        queue_size: int = 64,
        queue_wait: float = 30.0,
        keep_alive: float = 180.0,
    ):
        self.name = name
        self.cap = cap
        self.concurrency = max(1, concurrency)
        self.queue_size = queue_size
        self.queue_wait = queue_wait
        self.keep_alive = keep_alive
        self._start = start
        self._lock = threading.Lock()
        self._instances: list[Instance] = []
        self._starting = 0
        self._waiters: deque[_Waiter] = deque()
        self._closed = False

    # --- taking and giving back -------------------------------------------------------------------

    def acquire(self, *, bounded: bool = True) -> tuple[Instance, bool]:
        """An instance with a slot for one request, and whether it was started for it (a cold start)."""
        with self._lock:
            if self._closed:
                raise Throttled(f"function '{self.name}' is being unloaded")
            instance = self._free()
            if instance is not None:
                instance.in_flight += 1
                return instance, False
            if self._room():
                self._starting += 1
                grant: Any = _START
            else:
                if bounded and len(self._waiters) >= self.queue_size:
                    raise Throttled(
                        f"function '{self.name}' has {self.cap} busy instance(s) (VODFC_FC_MAX_INSTANCES) "
                        f"and {len(self._waiters)} queued request(s) (VODFC_FC_QUEUE_SIZE): try again later"
                    )
                waiter = _Waiter()
                self._waiters.append(waiter)
                grant = None
        if grant is None:
            waiter.event.wait(self.queue_wait if bounded else None)
            with self._lock:
                grant = waiter.grant
                if grant is None:
                    self._waiters.remove(waiter)
                    raise Throttled(
                        f"function '{self.name}': no instance became free within {self.queue_wait:g} s "
                        f"(VODFC_FC_QUEUE_WAIT; {self.cap} instance(s), VODFC_FC_MAX_INSTANCES)"
                    )
            if grant is not _START:
                return grant, False
        try:
            instance = self._start(self)
        except BaseException:
            with self._lock:
                self._starting -= 1
                self._hand_over()
            raise
        with self._lock:
            self._starting -= 1
            instance.in_flight = 1
            if self._closed:
                instance.dead = True
            else:
                self._instances.append(instance)
                self._hand_over()  # its other slots, when it serves several requests at once
        return instance, True

    def release(self, instance: Instance, *, discard: bool = False) -> None:
        """Give the slot back; ``discard`` (a timeout, a failed initializer) stops the instance."""
        with self._lock:
            instance.in_flight -= 1
            instance.last_used = time.monotonic()
            instance.invocations += 1
            stop = discard or instance.dead
            if stop and instance in self._instances:
                self._instances.remove(instance)
            self._hand_over()
        if stop:
            instance.kill()

    def lost(self, instance: Instance) -> None:
        """The instance's process ended on its own: it leaves the pool (its callers get an error)."""
        with self._lock:
            if instance in self._instances:
                self._instances.remove(instance)
            self._hand_over()

    def _free(self) -> Instance | None:
        candidates = [i for i in self._instances if not i.dead and i.in_flight < self.concurrency]
        if not candidates:
            return None
        # The busiest, then the most recently used: spare instances go idle and are reaped.
        return max(candidates, key=lambda i: (i.in_flight, i.last_used))

    def _room(self) -> bool:
        return len(self._instances) + self._starting < self.cap

    def _hand_over(self) -> None:
        while self._waiters:
            instance = self._free()
            if instance is not None:
                instance.in_flight += 1
                grant: Any = instance
            elif self._room():
                self._starting += 1
                grant = _START
            else:
                return
            waiter = self._waiters.popleft()
            waiter.grant = grant
            waiter.event.set()

    # --- housekeeping -----------------------------------------------------------------------------

    def reap(self, now: float) -> None:
        """Stop the instances idle for ``keep_alive`` seconds (the supervisor calls this every second)."""
        with self._lock:
            idle = [i for i in self._instances if i.in_flight == 0 and now - i.last_used >= self.keep_alive]
            for instance in idle:
                self._instances.remove(instance)
        for instance in idle:
            instance.kill()

    def clear(self, *, close: bool = False) -> None:
        """Stop every instance (running calls fail); ``close`` also refuses new requests."""
        with self._lock:
            victims, self._instances = self._instances, []
            self._closed = self._closed or close
            if close:
                waiters, self._waiters = list(self._waiters), deque()
                for waiter in waiters:
                    waiter.event.set()
            else:
                self._hand_over()
        for instance in victims:
            instance.kill()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "instances": [
                    {
                        "instanceId": i.instance_id,
                        "pid": i.worker.pid,
                        "busy": i.in_flight,
                        "invocations": i.invocations,
                        "idleSeconds": round(time.monotonic() - i.last_used, 1) if not i.in_flight else 0,
                        "privateTmp": i.private_tmp,
                        "tmp": i.worker.folder,
                    }
                    for i in self._instances
                ],
                "starting": self._starting,
                "queued": len(self._waiters),
                "maxInstances": self.cap,
                "instanceConcurrency": self.concurrency,
            }
