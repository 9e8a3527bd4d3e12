"""Alibaba's percent-encoding, the one both signature schemes are built on."""

from __future__ import annotations

from urllib.parse import quote


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as POP does it: only ``A-Za-z0-9-_.~`` stay, space is ``%20``, UTF-8 bytes."""
    return quote(value, safe="~", encoding="utf-8")
