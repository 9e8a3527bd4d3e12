"""SM3 (GB/T 32905-2016, the Chinese national hash), for ACS3-HMAC-SM3 signatures.

``sm3(data)`` is OpenSSL's SM3 through ``hashlib`` when this Python's OpenSSL offers it (OpenSSL 3's
default provider does), else ``PureSM3``: the algorithm written from the standard's definition (message
padding, expansion to 132 words, 64 compression rounds). Both behave like a ``hashlib`` object
(``update``, ``digest``, ``hexdigest``, ``copy``, ``digest_size``, ``block_size``), so
``hmac.new(key, msg, sm3)`` works with either. The pure version is slow (about 1 MB/s); it only ever
hashes a request's canonical form and body.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


def _p0(x: int) -> int:
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x: int) -> int:
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


# The round constant T_j rotated left by j, for each of the 64 rounds.
_TJ = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _compress(state: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    w_prime = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, h = state
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _TJ[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + w_prime[j]) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        a, b, c, d = tt1, a, _rotl(b, 9), c
        e, f, g, h = _p0(tt2), e, _rotl(f, 19), g
    return tuple(x ^ y for x, y in zip(state, (a, b, c, d, e, f, g, h), strict=True))


class PureSM3:
    """SM3 in Python, with the ``hashlib`` object interface."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b""):
        self._state: tuple[int, ...] = _IV
        self._pending = b""
        self._length = 0
        self.update(data)

    def update(self, data: bytes) -> None:
        self._length += len(data)
        pending = self._pending + bytes(data)
        whole = len(pending) - len(pending) % 64
        state = self._state
        for start in range(0, whole, 64):
            state = _compress(state, pending[start : start + 64])
        self._state, self._pending = state, pending[whole:]

    def copy(self) -> PureSM3:
        other = PureSM3()
        other._state, other._pending, other._length = self._state, self._pending, self._length
        return other

    def digest(self) -> bytes:
        # Padding: a 1 bit, zeros to 448 mod 512 bits, then the length in bits as 64 bits.
        tail = self._pending + b"\x80" + b"\x00" * ((55 - len(self._pending)) % 64)
        tail += struct.pack(">Q", (self._length * 8) & 0xFFFFFFFFFFFFFFFF)
        state = self._state
        for start in range(0, len(tail), 64):
            state = _compress(state, tail[start : start + 64])
        return struct.pack(">8I", *state)

    def hexdigest(self) -> str:
        return self.digest().hex()


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return False
    return True


HAS_OPENSSL_SM3 = _openssl_has_sm3()


def sm3(data: bytes = b"") -> Any:
    """A new SM3 hash object (OpenSSL's when available), fed ``data``."""
    if HAS_OPENSSL_SM3:
        return hashlib.new("sm3", data)
    return PureSM3(data)
