"""SM3, the hash of ACS3-HMAC-SM3: the pure-Python fallback against the standard's examples and OpenSSL."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vodfc.emulator.protocol.sm3 import HAS_OPENSSL_SM3, PureSM3, sm3

# GB/T 32905-2016, appendix A: example 1 ("abc") and example 2 ("abcd" x 16, two blocks once padded).
VECTORS = {
    b"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    b"abcd" * 16: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
}


@pytest.mark.parametrize("message", list(VECTORS))
def test_the_pure_sm3_gives_the_standards_digests(message: bytes) -> None:
    assert PureSM3(message).hexdigest() == VECTORS[message]
    assert sm3(message).hexdigest() == VECTORS[message]


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), cut=st.integers(min_value=1, max_value=70))
def test_the_pure_sm3_fed_in_pieces_agrees_with_itself_whole(data: bytes, cut: int) -> None:
    pieces = PureSM3()
    for start in range(0, len(data), cut):
        pieces.update(data[start : start + cut])
    copy = pieces.copy()
    copy.update(b"more")
    assert pieces.digest() == PureSM3(data).digest()
    assert copy.digest() == PureSM3(data + b"more").digest()


@pytest.mark.skipif(not HAS_OPENSSL_SM3, reason="this Python's OpenSSL has no SM3")
@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), key=st.binary(max_size=100))
def test_the_pure_sm3_and_its_hmac_agree_with_openssl(data: bytes, key: bytes) -> None:
    assert PureSM3(data).digest() == hashlib.new("sm3", data).digest()
    assert hmac.new(key, data, PureSM3).digest() == hmac.new(key, data, "sm3").digest()


def test_without_openssls_sm3_the_pure_one_signs(monkeypatch: pytest.MonkeyPatch) -> None:
    from vodfc.emulator.protocol import signatures
    from vodfc.emulator.protocol import sm3 as module

    expected = hmac.new(b"SK", b"ACS3-HMAC-SM3\nabc", PureSM3).hexdigest()
    monkeypatch.setattr(module, "HAS_OPENSSL_SM3", False)
    assert isinstance(sm3(b"abc"), PureSM3)
    assert signatures.acs3_signature("SK", "ACS3-HMAC-SM3\nabc", "ACS3-HMAC-SM3") == expected
