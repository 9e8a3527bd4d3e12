"""One FC function for every event function: VOD's events have one consumer, which runs each handler.

VOD writes each event once, to one MNS queue (or one HTTP callback URL) per AppId, and a queue hands each
message to one consumer. So the event functions cannot each read VOD's queue: they would split the events
between them. They are deployed as one FC function instead, ``VodEvents``, whose code package holds every
event function's ``functions/<folder>/index.py`` beside ``shared/``; its handler is this module's
``handler`` (``shared.events.router.handler``), and ``http_handler`` is its VOD-callback face (FC 2.0 WSGI;
on FC 3.0 the event handler serves the HTTP event the same way).

Which event functions it runs is the deployment's ``VODFC_EVENT_FUNCTIONS`` (folder names, comma-separated;
``vodfc generate`` writes it from the declarations). They are imported when this module is, so a function
missing from the package fails the way FC reports it: ``ImportModuleError`` on the first invocation.

For each event, every function whose ``EventApp`` handles the event type runs, in-process, one after the
other, in the listed order; each report carries its function's name. A function that fails does not stop
the others: once all ran, the first failure is raised (the trigger redelivers the event, or VOD retries the
callback), which is why every handler must be idempotent. An event type no function handles is
acknowledged, as an ``EventApp`` acknowledges one.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..fc.errors import ConfigurationError
from .app import EventApp, EventReceiver, StartResponse, event_kind
from .types import TimerEvent, VodEvent

logger = logging.getLogger("vodfc.events")

ENV_FUNCTIONS = "VODFC_EVENT_FUNCTIONS"
# The package the event functions sit in, in the code package as in the repository.
PACKAGE = "functions"
NAME = "VodEvents"
_FOLDER = re.compile(r"[a-z_][a-z0-9_]*")


class EventRouter(EventReceiver):
    """Runs every ``EventApp`` that handles an event (see the module docstring)."""

    def __init__(
        self, apps: Sequence[EventApp[Any]], *, name: str = NAME, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(name, clock)
        self.apps = tuple(apps)

    def receive(self, event: VodEvent | TimerEvent, context: Any) -> list[dict[str, Any]]:
        kind = event_kind(event)
        targets = [app for app in self.apps if kind in app.handlers]
        if not targets:
            logger.info("%s ignored %s: no event function handles it", self.name, kind or "?")
            return [
                {"EventType": kind, "Outcome": "ignored", "Reason": "no function handles this event type"}
            ]
        reports: list[dict[str, Any]] = []
        failure: BaseException | None = None
        for app in targets:
            try:
                reports.append({"Function": app.name, **app.dispatch(event, context)})
            except Exception as exc:
                logger.warning(
                    "%s: %s failed on %s: %s: %s", self.name, app.name, kind, type(exc).__name__, exc
                )
                failure = failure or exc
        if failure is not None:
            raise failure
        return reports


def from_env(environ: Mapping[str, str] | None = None) -> EventRouter:
    """The router of the functions named by ``VODFC_EVENT_FUNCTIONS``, each imported from ``functions``."""
    env = os.environ if environ is None else environ
    names = [name.strip() for name in (env.get(ENV_FUNCTIONS) or "").split(",") if name.strip()]
    if not names:
        raise ConfigurationError(f"Set {ENV_FUNCTIONS} to the event functions this router runs (folders).")
    bad = [name for name in names if not _FOLDER.fullmatch(name)]
    if bad:
        raise ConfigurationError(f"{ENV_FUNCTIONS} names folders (snake_case), not {', '.join(bad)}.")
    apps: list[EventApp[Any]] = []
    for name in names:
        module = importlib.import_module(f"{PACKAGE}.{name}.index")
        app: Any = getattr(module, "app", None)
        if not isinstance(getattr(app, "handlers", None), dict) or not hasattr(app, "dispatch"):
            raise ConfigurationError(f"{PACKAGE}/{name}/index.py defines no EventApp named app.")
        apps.append(app)
    return EventRouter(apps)


_router: EventRouter | None = None
_lock = threading.Lock()


def router() -> EventRouter:
    """This instance's router (built from the environment on first use)."""
    global _router
    with _lock:
        if _router is None:
            _router = from_env()
        return _router


def handler(event: Any, context: Any) -> str | dict[str, Any]:
    return router().handler(event, context)


def http_handler(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    return router().http_handler(environ, start_response)


# In an FC instance the variable is set before the handler's module is imported: import the functions now,
# so one missing from the code package fails the load (ImportModuleError), not a later event.
if os.environ.get(ENV_FUNCTIONS):
    _router = from_env()
