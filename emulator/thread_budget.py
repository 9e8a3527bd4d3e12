"""How many of a server's threads long-held requests may hold, so the rest stay free for everything else.

The HTTP server (``vodfc.emulator.server``) puts its ``ThreadBudget`` in every request's environ under
``BUDGET_KEY``; a request that holds its thread for long (an FC invocation waits for its function)
holds a share of it with ``thread_held`` and is refused when none is left. A request no server
budgets (in-process, through ``mock_vod``) holds none.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

BUDGET_KEY = "vodfc.server.budget"
# Threads long requests can never take: health checks, VOD calls and the control plane get these.
RESERVED_THREADS = 8


class ThreadBudget:
    """How many of a server's threads long-held requests (FC invocations) may hold at once."""

    def __init__(self, limit: int):
        self.limit = limit
        self._free = threading.BoundedSemaphore(max(1, limit))

    def take(self) -> bool:
        """Hold one thread's worth; False (never blocks) when the budget is spent."""
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        self._free.release()


@contextlib.contextmanager
def thread_held(environ: Mapping[str, Any]) -> Iterator[bool]:
    """Count the request's thread against its server's budget while the block runs; yields False
    (holding nothing) when the budget is spent. A request no server budgets (in-process) holds none."""
    budget: ThreadBudget | None = environ.get(BUDGET_KEY)
    if budget is None:
        yield True
        return
    if not budget.take():
        yield False
        return
    try:
        yield True
    finally:
        budget.give_back()
