"""Live pages: a server-sent event stream that says which parts of the emulator changed.

Each open page holds one stream (``GET <prefix>/ui/live``). Every ``interval`` seconds the stream reads a
small fingerprint of each part the pages show (the library's write generation, the event log and its
deliveries, the invocation history, the fault rules' switches and counts) and sends
``event: change`` with the names of the parts that moved; the page then fetches itself again and swaps
its live region (``static/dashboard.js``). Between changes a comment line goes out each interval, so a
closed connection (a tab closed, the server stopping) ends the stream within one interval. A stream
lives ``lifetime`` seconds and the browser reconnects (``retry``), so no stream holds a thread for ever;
while one is open it holds one of the server's long-request threads (``vodfc.emulator.thread_budget``),
and a server without one to spare answers 503 (the browser retries later).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Fingerprints = Callable[[], Mapping[str, Any]]

RETRY_MS = 2000


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def stream(
    fingerprints: Fingerprints,
    *,
    interval: float = 0.5,
    lifetime: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    release: Callable[[], None] | None = None,
) -> Iterator[bytes]:
    """The stream's chunks; ``release`` runs when it ends, however it ends."""
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        last = dict(fingerprints())
        deadline = clock() + lifetime
        while clock() < deadline:
            sleep(interval)
            now = dict(fingerprints())
            parts = changed(last, now)
            last = now
            if parts:
                yield f"event: change\ndata: {json.dumps(parts)}\n\n".encode()
            else:
                yield b": idle\n\n"
    finally:
        if release is not None:
            release()
