"""What a media's or a job's ``UserData`` (a JSON string) says about its events.

VOD sends a media's events to ``UserData.MessageCallback.CallbackURL`` when it has one (instead of the
account's callback) and echoes ``UserData.Extend`` in them. Anything that is not a JSON object counts
as empty.
"""

from __future__ import annotations

from typing import Any

from vodfc.shared import boundedjson


def _user_data(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        data = boundedjson.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def callback_url_of(user_data: str | None) -> str | None:
    """``UserData.MessageCallback.CallbackURL`` (an object or a JSON string), if any."""
    callback = _user_data(user_data).get("MessageCallback")
    if isinstance(callback, str):
        callback = _user_data(callback)
    if isinstance(callback, dict) and callback.get("CallbackURL"):
        return str(callback["CallbackURL"])
    return None


def extend_of(user_data: str | None) -> Any:
    return _user_data(user_data).get("Extend")
