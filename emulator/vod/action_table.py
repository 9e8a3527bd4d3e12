"""The VOD action table: which function answers which ``Action``.

An action is ``fn(backend, params, ctx) -> dict`` (the answer body without ``RequestId``). The VOD
core's actions (``CORE_ACTIONS``: the ``vod.actions`` modules and SearchMedia) are always there; the
emulator's build adds those of the components it selected (uploads, message callbacks, processing
jobs), bound to that emulator's components, into one ``ActionTable`` per emulator. A name defined
twice is an error when the table is made, never a silent choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.vod import search
from vodfc.emulator.vod.actions import attached, categories, images, media, videos
from vodfc.emulator.vod.exceptions import InvalidApiNotFound

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

Action = Callable[["VodBackend", Mapping[str, str], RequestContext], dict[str, Any]]


class DuplicateAction(ValueError):
    """Two parts of one table define the same action."""


class ActionTable(Mapping[str, Action]):
    """Action name -> function, merged from parts that must not overlap."""

    def __init__(self, *parts: Mapping[str, Action]):
        merged: dict[str, Action] = {}
        for part in parts:
            for name, fn in part.items():
                if name in merged:
                    raise DuplicateAction(f"the VOD action {name} is defined twice")
                merged[name] = fn
        self._actions = merged
        self.names: tuple[str, ...] = tuple(sorted(merged))

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def dispatch(
        self, backend: VodBackend, action: str, params: Mapping[str, str], ctx: RequestContext
    ) -> dict[str, Any]:
        """Run one action; the body without ``RequestId``. Unknown actions: ``InvalidApi.NotFound``."""
        fn = self._actions.get(action)
        if fn is None:
            raise InvalidApiNotFound()
        return fn(backend, params, ctx)


CORE_ACTIONS = ActionTable(
    videos.ACTIONS, media.ACTIONS, images.ACTIONS, attached.ACTIONS, categories.ACTIONS, search.ACTIONS
)


def dispatch(
    backend: VodBackend, action: str, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    """One of the VOD core's actions, without an emulator around it (tests, benchmarks)."""
    return CORE_ACTIONS.dispatch(backend, action, params, ctx)
