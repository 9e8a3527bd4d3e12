"""Percent-encoding and the RPC string to sign, checked against urllib's quote()."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from vodfc.emulator.protocol.encoding import percent_encode
from vodfc.emulator.protocol.signatures import rpc_v1_string_to_sign


def test_percent_encode_is_quote_with_only_the_tilde_safe() -> None:
    rng = random.Random(7)
    alphabet = [*"aZ09-_.~%=&+ /:*\x00", "ü", "€", "😀"]
    samples = ["", "plain", "%41%", "".join(map(chr, range(300)))]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(3000)]
    for text in samples:
        assert percent_encode(text) == quote(text, safe="~", encoding="utf-8"), text
    with pytest.raises(UnicodeEncodeError):
        percent_encode("\ud800")


def test_the_rpc_string_to_sign_encodes_the_canonical_query_once_more() -> None:
    params = {"Timestamp": "2026-01-01T00:00:00Z", "Title": "a b&c=d%", "Signature": "ignored", "K": "ü"}
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    assert rpc_v1_string_to_sign("get", params) == f"GET&%2F&{percent_encode(canonical)}"
