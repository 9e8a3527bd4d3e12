"""Alibaba's percent-encoding, the one both signature schemes are built on."""

from __future__ import annotations

import functools
import re

_UNRESERVED_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


@functools.lru_cache(maxsize=4096)
def _escaped(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as POP does it: only ``A-Za-z0-9-_.~`` stay, space is ``%20``, UTF-8 bytes.

    The same as ``urllib.parse.quote(value, safe="~")``, a few times faster: it runs two dozen times
    a call in the signature check, and quote() walks the string a byte at a time in Python.
    """
    return value if _UNRESERVED.fullmatch(value) else _escape(value)


def _escape(value: str) -> str:
    # One replace per distinct character to escape; "%" first, as the escapes bring in new ones.
    unsafe = set(value).difference(_UNRESERVED_CHARS)
    if "%" in unsafe:
        value = value.replace("%", "%25")
        unsafe.discard("%")
    for char in unsafe:
        value = value.replace(char, _escaped(char))
    return value
