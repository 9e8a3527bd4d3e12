"""Where an account's events go: VOD's message-callback configuration (SetMessageCallback).

One configuration per account and AppId, as in VOD. ``EventTypeList`` decides which events leave at
all (``ALL`` = every type, empty = none, ``AIComplete`` = the AI family); a per-media URL from
``UserData`` only changes where an enabled event goes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from vodfc.shared.validation import DEFAULT_APP_ID

AI_EVENTS = frozenset({"AIMediaAuditComplete", "AIMediaDNAComplete", "AIVideoTagComplete"})

# SetMessageCallback's wire names, and the field each one sets.
WIRE_FIELDS = {
    "CallbackType": "callback_type",
    "CallbackURL": "callback_url",
    "EventTypeList": "event_types",
    "AuthSwitch": "auth_switch",
    "AuthKey": "auth_key",
    "MnsEndpoint": "mns_endpoint",
    "MnsQueueName": "mns_queue_name",
    "AppId": "app_id",
}


@dataclass(frozen=True)
class CallbackConfig:
    """One AppId's notification settings, with VOD's field meanings (see vod-events-upload.md §1)."""

    callback_type: str = "HTTP"
    callback_url: str = ""
    event_types: str = "ALL"
    auth_switch: str = "off"
    auth_key: str = ""
    mns_endpoint: str = ""
    mns_queue_name: str = ""
    app_id: str = DEFAULT_APP_ID

    @property
    def is_mns(self) -> bool:
        return self.callback_type.upper() == "MNS"

    @property
    def signs(self) -> bool:
        """The X-VOD-* headers are added only with the switch on and a key set."""
        return self.auth_switch.lower() == "on" and bool(self.auth_key)

    def enabled(self, event_type: str) -> bool:
        names = {name.strip() for name in self.event_types.split(",") if name.strip()}
        if "ALL" in names or event_type in names:
            return True
        return "AIComplete" in names and event_type in AI_EVENTS

    def updated(self, **changes: Any) -> CallbackConfig:
        return replace(self, **changes)

    def as_vod_dict(self) -> dict[str, str]:
        """GetMessageCallback's ``MessageCallback`` object: every value a string."""
        values = asdict(self)
        return {wire: str(values[name]) for wire, name in WIRE_FIELDS.items() if wire != "AppId"} | {
            "AppId": self.app_id
        }

    @classmethod
    def from_vod(cls, params: dict[str, Any], base: CallbackConfig | None = None) -> CallbackConfig:
        """Apply SetMessageCallback parameters; a parameter left out keeps the stored value."""
        changes = {
            name: str(params[wire]) for wire, name in WIRE_FIELDS.items() if params.get(wire) is not None
        }
        return replace(base or cls(), **changes)
