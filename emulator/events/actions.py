"""VOD's message-callback actions: SetMessageCallback, GetMessageCallback, DeleteMessageCallback.

They read and write the event bus's per-account configuration, so a callback set through the SDK
is the one the emulator's events are delivered to. ``actions(bus)`` binds them to one emulator's bus.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.events.bus import EventBus
from vodfc.emulator.events.config import CallbackConfig
from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.vod.action_table import Action
from vodfc.emulator.vod.exceptions import InvalidParameter

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

MAX_URL_BYTES = 256
_AUTH_KEY = re.compile(r"(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9]{1,32}")


def set_message_callback(
    bus: EventBus, backend: VodBackend, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    callback_type = params.get("CallbackType")
    if callback_type is not None and callback_type.upper() not in {"HTTP", "MNS"}:
        raise InvalidParameter("CallbackType", "it must be HTTP or MNS")
    url = params.get("CallbackURL")
    if url is not None:
        if len(url.encode("utf-8")) > MAX_URL_BYTES:
            raise InvalidParameter("CallbackURL", f"it is longer than {MAX_URL_BYTES} bytes")
        if url and (not re.match(r"https?://", url) or "," in url):
            raise InvalidParameter("CallbackURL", "it must be one http(s) URL")
    switch = params.get("AuthSwitch")
    if switch is not None and switch.lower() not in {"on", "off"}:
        raise InvalidParameter("AuthSwitch", "it must be on or off")
    key = params.get("AuthKey")
    if key and not _AUTH_KEY.fullmatch(key):
        raise InvalidParameter(
            "AuthKey", "it must be up to 32 letters and digits with upper, lower and digits"
        )
    base = bus.callback_config(ctx.account_id, params.get("AppId") or None)
    values = dict(params)
    if callback_type is not None:
        values["CallbackType"] = callback_type.upper()
    bus.configure(ctx.account_id, CallbackConfig.from_vod(values, base))
    return {}


def get_message_callback(
    bus: EventBus, backend: VodBackend, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    config = bus.callback_config(ctx.account_id, params.get("AppId") or None)
    # Before any configuration the reference suggests an answer without MessageCallback (not verified).
    return {"MessageCallback": config.as_vod_dict()} if config is not None else {}


def delete_message_callback(
    bus: EventBus, backend: VodBackend, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    bus.delete_config(ctx.account_id, params.get("AppId") or None)
    return {}


ACTIONS: dict[str, Callable[[EventBus, VodBackend, Mapping[str, str], RequestContext], dict[str, Any]]] = {
    "SetMessageCallback": set_message_callback,
    "GetMessageCallback": get_message_callback,
    "DeleteMessageCallback": delete_message_callback,
}


def actions(bus: EventBus) -> dict[str, Action]:
    """The message-callback actions of the emulator whose bus is ``bus``."""
    return {name: functools.partial(fn, bus) for name, fn in ACTIONS.items()}
