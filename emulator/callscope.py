"""The HTTP call the emulator is answering, as code deep inside it needs to see it, without Flask.

The app's WSGI entry (``vodfc.emulator.front``) opens one ``CallScope`` around every request, whether
the VOD endpoint or Flask answers it. What code inside the call defers with ``after_call`` runs
once the answer is ready and every lock the call took is released: the event bus queues its
synchronous deliveries there, so a receiver that calls the emulator back (an FC function reading
the video) neither waits for the backend lock nor sees half-written state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from typing import Any

# The environ key a transport sets to say how the call arrived: "inprocess" (mock_vod), "server" (the
# HTTP server, the default), or "internal" (an FC function's own call, through the FC component's server).
MODE_KEY = "vodfc.mode"

log = logging.getLogger("vodfc")


class CallScope:
    """One request in flight: a context manager, entered by the WSGI entry around the request."""

    def __init__(self, environ: Mapping[str, Any]):
        self.mode = str(environ.get(MODE_KEY, "server"))
        self.after: list[Callable[[], None]] = []
        self._token: Token[CallScope | None] | None = None

    def __enter__(self) -> CallScope:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Closed first: what the deferred work emits is no longer part of this call.
        assert self._token is not None
        _current.reset(self._token)
        for work in self.after:
            try:
                work()
            except Exception:
                log.exception("work deferred to the end of a call failed")


_current: ContextVar[CallScope | None] = ContextVar("vodfc_call_scope", default=None)


def current_call() -> CallScope | None:
    """The call in flight in this thread (or task); None outside any request."""
    return _current.get()


def after_call(work: Callable[[], None]) -> bool:
    """Run ``work`` when the current call is answered; False (nothing queued) outside a call."""
    scope = _current.get()
    if scope is None:
        return False
    scope.after.append(work)
    return True
