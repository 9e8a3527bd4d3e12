"""Live pages: a server-sent event stream that says which parts of the emulator changed.

Each open page holds one stream (``GET <prefix>/ui/live``). Every ``interval`` seconds the stream reads a
small fingerprint of each part the pages show (the library's write generation, the event log and its
deliveries, the invocation history, the fault rules' switches and counts) and sends
``event: change`` with the names of the parts that moved; the page then fetches itself again and swaps
its live region (``static/dashboard.js``). Between changes a comment line goes out each interval, so a
closed connection (a tab closed, the server stopping) ends the stream within one interval. A stream
lives ``lifetime`` seconds and the browser reconnects (``retry``), so no stream holds a thread for ever;
while one is open it holds one of the server's long-request threads (``vodfc.emulator.thread_budget``),
and a server without one to spare answers 503 (the page's script opens a new stream a little later: a
browser does not retry a refused one by itself).

No change is lost between two streams, or between a page's rendering and its first stream: the page
carries the marks of what it shows (``seen``: a short digest per part, taken before it read anything),
every stream sends the marks it is at as its event id, which the browser hands back as
``Last-Event-ID`` when it reconnects, and a stream that starts from marks other than the current ones
says at once which parts moved.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Fingerprints = Callable[[], Mapping[str, Any]]

RETRY_MS = 2000


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def marks(fingerprints: Mapping[str, Any]) -> str:
    """The fingerprints in a few characters a URL or an event id can carry: ``name=digest`` per part."""
    return ",".join(
        f"{name}={hashlib.blake2s(repr(value).encode(), digest_size=6).hexdigest()}"
        for name, value in sorted(fingerprints.items())
    )


def moved_since(seen: str, current: str) -> list[str]:
    """The parts whose marks in ``current`` differ from ``seen`` (anything unreadable in it counts as
    moved)."""
    return changed(_parts(seen), _parts(current))


def _parts(text: str) -> dict[str, str]:
    return dict(item.partition("=")[::2] for item in text.split(",") if "=" in item)


def stream(
    fingerprints: Fingerprints,
    *,
    interval: float = 0.5,
    lifetime: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    release: Callable[[], None] | None = None,
    seen: str = "",
) -> Iterator[bytes]:
    """The stream's chunks, starting from the marks ``seen`` (none: from now); ``release`` runs when it
    ends, however it ends."""
    try:
        last = dict(fingerprints())
        current = marks(last)
        yield f"retry: {RETRY_MS}\nid: {current}\n\n".encode()
        if seen:
            parts = moved_since(seen, current)
            if parts:
                yield _change(parts, current)
        deadline = clock() + lifetime
        while clock() < deadline:
            sleep(interval)
            now = dict(fingerprints())
            parts = changed(last, now)
            last = now
            yield _change(parts, marks(now)) if parts else b": idle\n\n"
    finally:
        if release is not None:
            release()


def _change(parts: list[str], current: str) -> bytes:
    return f"id: {current}\nevent: change\ndata: {json.dumps(parts)}\n\n".encode()
