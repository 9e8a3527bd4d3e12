"""The VOD action table: ``dispatch(backend, action, params, ctx)`` for the gateway.

Actions come from the modules in ``ACTION_MODULES``; each exposes ``ACTIONS``, a dict of action name
to ``fn(backend, params, ctx) -> dict`` (the answer body without ``RequestId``). Modules that are not
installed are skipped, so the VOD core, SearchMedia (``vodfc.emulator.vod.search``), the upload actions
(``vodfc.emulator.ingest.actions``), the message-callback actions (``vodfc.emulator.events.actions``) and the
processing jobs (``vodfc.emulator.lifecycle.actions``) are developed and shipped independently.
When two modules name the same action, the first module listed wins. The table is built once, on first use.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from vodfc.emulator.vod.exceptions import InvalidApiNotFound

Action = Callable[[Any, Mapping[str, str], Any], dict[str, Any]]

ACTION_MODULES: tuple[str, ...] = (
    "vodfc.emulator.vod.actions.videos",
    "vodfc.emulator.vod.actions.media",
    "vodfc.emulator.vod.actions.images",
    "vodfc.emulator.vod.actions.categories",
    "vodfc.emulator.vod.search",
    "vodfc.emulator.ingest.actions",
    "vodfc.emulator.events.actions",
    "vodfc.emulator.lifecycle.actions",
)

log = logging.getLogger(__name__)
_table: dict[str, Action] | None = None
_table_lock = threading.Lock()


def build_table(modules: tuple[str, ...] = ACTION_MODULES) -> dict[str, Action]:
    table: dict[str, Action] = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # not installed (yet): its actions answer InvalidApi.NotFound
            log.exception("VOD action module %s failed to import; its actions are unavailable", name)
            continue
        except Exception:
            # A broken component must not take every other action down with it.
            log.exception("VOD action module %s failed to import; its actions are unavailable", name)
            continue
        for action, fn in getattr(module, "ACTIONS", {}).items():
            table.setdefault(action, fn)
    return table


def actions() -> dict[str, Action]:
    global _table
    table = _table
    if table is None:
        with _table_lock:
            if _table is None:
                _table = build_table()
            table = _table
    return table


def reload_actions() -> None:
    """Rebuild the table on next use (after installing a module at run time, in tests)."""
    global _table
    with _table_lock:
        _table = None


def SUPPORTED_ACTIONS() -> list[str]:  # the gateway looks this name up
    return sorted(actions())


def dispatch(backend: Any, action: str, params: Mapping[str, str], ctx: Any) -> dict[str, Any]:
    """Run one VOD action; the body without ``RequestId``. Unknown actions: ``InvalidApi.NotFound``."""
    fn = (_table or actions()).get(action)
    if fn is None:
        raise InvalidApiNotFound()
    return fn(backend, params, ctx)
