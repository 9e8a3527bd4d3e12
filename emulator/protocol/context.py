"""What the transport tells an action about the request it is answering."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from emulator.accounts import Accounts

Mode = Literal["inprocess", "server"]


class DropConnection(Exception):
    """Raised by a hook to make the client see a dropped connection instead of an answer.

    In-process the client's own ``requests`` stack raises ``ConnectionError``; in server mode the
    socket is closed without a response.
    """


def new_request_id() -> str:
    """A RequestId in VOD's format: an upper-case UUID such as ``25818875-5F78-4A13-BEF6-D7393642CA58``."""
    return str(uuid.uuid4()).upper()


@dataclass(frozen=True)
class RequestContext:
    """One authenticated request, as the VOD actions and the hooks see it."""

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
