"""The event log as the dashboard shows it: each event, where it went, each attempt, the signature check.

Read from the event bus's own records (``EventBus.log``). Where an event went: every attempt's target
(VOD's HTTP callback URL, or ``mns:<queue>`` for an MNS message callback), and the functions of the
loaded descriptor subscribed to VOD's MNS topic for its type. The signature check recomputes, for an
HTTP attempt that carried ``X-VOD-SIGNATURE``, VOD's ``md5(URL|timestamp|AuthKey)`` with the AuthKey
the account's message callback has now (``vodfc.shared.events.signature``, what the functions verify).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vodfc.emulator.events.bus import DeliveryAttempt, EventBus, EventRecord
from vodfc.shared.events.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

PAGE = 100


@dataclass(frozen=True)
class SignatureCheck:
    verdict: str  # valid | mismatch | unsigned | not-applicable
    detail: str


def media_id(record: EventRecord) -> str:
    event = record.event
    return str(event.get("VideoId") or event.get("MediaId") or event.get("ImageId") or "")


def signature_check(bus: EventBus, record: EventRecord, attempt: DeliveryAttempt) -> SignatureCheck:
    if attempt.target.startswith("mns:"):
        return SignatureCheck("not-applicable", "an MNS queue message: VOD signs only HTTP callbacks")
    headers = {name.lower(): value for name, value in attempt.headers.items()}
    given = headers.get(SIGNATURE_HEADER.lower())
    stamp = headers.get(TIMESTAMP_HEADER.lower())
    if not given or not stamp:
        return SignatureCheck("unsigned", "sent without X-VOD-SIGNATURE (the callback's AuthSwitch is off)")
    config = bus.callback_config(record.account_id, record.app_id) or bus.callback_config(record.account_id)
    if config is None or not config.auth_key:
        return SignatureCheck(
            "mismatch", "signed, but the account's callback has no AuthKey now to check it with"
        )
    expected = sign(attempt.target, stamp, config.auth_key)
    if expected == given:
        return SignatureCheck("valid", f"md5(URL|{stamp}|AuthKey) = {given}, with the current AuthKey")
    return SignatureCheck(
        "mismatch", f"X-VOD-SIGNATURE {given}, expected {expected} with the current AuthKey"
    )


def select(
    records: Sequence[EventRecord],
    event_type: str = "",
    media: str = "",
    limit: int = PAGE,
    *,
    account: str | None = None,
) -> list[EventRecord]:
    """Newest first, filtered by account, type and media id (the log records each event's account, not
    its region: the bus routes by account)."""
    chosen = [
        record
        for record in reversed(records)
        if (account is None or record.account_id == account)
        and (not event_type or record.event_type == event_type)
        and (not media or media_id(record) == media)
    ]
    return chosen[:limit]


def find(bus: EventBus, seq: int) -> EventRecord | None:
    return next((record for record in bus.log if record.seq == seq), None)
