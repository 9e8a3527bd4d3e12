"""What the transport tells an action about the request it is answering, and what the action emits."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from vodfc.emulator.accounts import Accounts

# "internal": a call an FC function made, through the FC component's internal server.
Mode = Literal["inprocess", "server", "internal"]


class DropConnection(Exception):
    """Raised by a hook to make the client see a dropped connection instead of an answer.

    In-process the client's own ``requests`` stack raises ``ConnectionError``; in server mode the
    socket is closed without a response.
    """


def new_request_id() -> str:
    """A RequestId in VOD's format: an upper-case UUID such as ``25818875-5F78-4A13-BEF6-D7393642CA58``.

    A version-4 UUID, as ``uuid.uuid4()`` makes it, formatted directly (one per call: half the cost).
    """
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    digits = raw.hex().upper()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


@dataclass(frozen=True)
class Emission:
    """A VOD event an action emitted, with where VOD routes it: the media's AppId (whose message
    callback gets it) and its ``UserData`` callback URL (which replaces the callback's URL)."""

    event: dict[str, Any]
    app_id: str | None = None
    callback_url: str | None = None


@dataclass(frozen=True)
class RequestContext:
    """One authenticated request, as the VOD actions and the hooks see it.

    An action emits VOD's events where it makes the change (``emit``); they wait in ``emitted`` until
    the gateway publishes them, after the call committed. A call that fails publishes nothing, and an
    action run without the gateway (a test, a benchmark) emits into a list nobody reads.
    """

    request_id: str
    access_key_id: str
    account_id: str
    region: str
    # scheme://host[:port] the client used; upload addresses and callbacks point back at it.
    host_url: str
    mode: Mode
    now: datetime
    security_token: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    accounts: Accounts | None = None
    emitted: list[Emission] = field(default_factory=list, compare=False)

    def emit(
        self, event: dict[str, Any], *, app_id: str | None = None, callback_url: str | None = None
    ) -> None:
        self.emitted.append(Emission(event, app_id, callback_url))
