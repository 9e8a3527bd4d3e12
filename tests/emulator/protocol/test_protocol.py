"""The wire protocol's pieces, checked against the SDKs' own implementations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from hypothesis import given, settings
from hypothesis import strategies as st
from vodfc.emulator.protocol import envelope
from vodfc.emulator.protocol.decoding import ApiCall
from vodfc.emulator.protocol.signatures import (
    ACS3_HASHES,
    NonceCache,
    acs3_canonical_request,
    acs3_signature,
    acs3_string_to_sign,
    parse_acs3_authorization,
    parse_timestamp,
    rpc_v1_signature,
    rpc_v1_string_to_sign,
)
from vodfc.emulator.vod.exceptions import (
    InvalidSignatureMethod,
    InvalidTimeStampFormat,
    SignatureNonceUsed,
    ThrottlingUser,
)

param_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=20
)
param_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._", min_size=1)


@settings(max_examples=60, deadline=None)
@given(params=st.dictionaries(param_names, param_text, max_size=6), method=st.sampled_from(["GET", "POST"]))
def test_rpc_v1_string_to_sign_and_signature_match_the_core_sdk(params: dict[str, str], method: str) -> None:
    compose = rpc_signature_composer.__dict__["__compose_string_to_sign"]
    sign = rpc_signature_composer.__dict__["__get_signature"]
    expected = compose(method, params)
    assert rpc_v1_string_to_sign(method, {**params, "Signature": "ignored"}) == expected
    assert rpc_v1_signature("s3cret", expected) == sign(expected, "s3cret")


@settings(max_examples=40, deadline=None)
@given(
    query=st.dictionaries(param_names, param_text, max_size=5),
    body=st.binary(max_size=64),
    algorithm=st.sampled_from(["ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"]),
)
def test_acs3_signature_matches_the_tea_sdk(query: dict[str, str], body: bytes, algorithm: str) -> None:
    headers = {
        "host": "vod.cn-shanghai.aliyuncs.com",
        "x-acs-action": "GetVideoInfo",
        "x-acs-date": "2026-11-24T00:34:13Z",
        # The Tea SDK's own hash of the body for the algorithm (SM3 comes from its own pure-Python SM3).
        "x-acs-content-sha256": TeaUtils.hex_encode(TeaUtils.hash(body, algorithm)),
    }
    request: Any = SimpleNamespace(pathname="/", method="POST", query=query, headers=headers)
    payload_hash = headers["x-acs-content-sha256"]
    authorization = TeaUtils.get_authorization(request, algorithm, payload_hash, "AK", "SK")
    used, access_key_id, signed, signature = parse_acs3_authorization(authorization)
    call = ApiCall(
        style="acs3", action="GetVideoInfo", version="2017-03-21", region="cn-shanghai", format="JSON",
        params=dict(query), signed_params=dict(query), query=dict(query), method="POST", path="/",
        body=body, headers=headers, authorization=authorization,
    )  # fmt: skip
    string_to_sign = acs3_string_to_sign(acs3_canonical_request(call, signed, used), used)
    assert (used, access_key_id) == (algorithm, "AK")
    assert acs3_signature("SK", string_to_sign, used) == signature


@pytest.mark.parametrize("algorithm", ["ACS3-RSA-SHA256", "ACS3-HMAC-SHA1", "HMAC-SHA256"])
def test_acs3_authorization_with_another_algorithm_is_an_invalid_signature_method(algorithm: str) -> None:
    with pytest.raises(InvalidSignatureMethod) as caught:
        parse_acs3_authorization(f"{algorithm} Credential=AK,SignedHeaders=host,Signature=00")
    assert all(name in caught.value.message for name in ACS3_HASHES)


@pytest.mark.parametrize("text", ["2026-11-24T00:34:13Z", "2026-11-24T00:34:13.123Z"])
def test_timestamps_in_both_iso_forms_parse_as_utc(text: str) -> None:
    assert parse_timestamp(text) == datetime(2026, 11, 24, 0, 34, 13, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["2026-11-24 00:34:13", "2026-13-24T00:34:13Z", "yesterday", ""])
def test_malformed_timestamps_are_rejected_with_the_gateway_code(text: str) -> None:
    with pytest.raises(InvalidTimeStampFormat):
        parse_timestamp(text)


def test_a_nonce_is_remembered_for_the_window_and_then_forgotten() -> None:
    cache = NonceCache(timedelta(minutes=15))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cache.remember("AK", "n1", start)
    cache.remember("OTHER-AK", "n1", start)  # nonces are per key
    with pytest.raises(SignatureNonceUsed):
        cache.remember("AK", "n1", start + timedelta(minutes=14, seconds=59))
    cache.remember("AK", "n1", start + timedelta(minutes=15))  # VOD's window, not twice it
    assert len(cache) == 1  # the two of the first minute are gone


def test_the_nonce_cache_is_bounded_in_entries() -> None:
    cache = NonceCache(timedelta(minutes=15), capacity=1000)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n in range(5000):
        cache.remember("AK", f"nonce-{n}", now)
    assert len(cache) == 1000
    with pytest.raises(SignatureNonceUsed):
        cache.remember("AK", "nonce-4999", now)  # the most recent are the ones kept
    cache.remember("AK", "nonce-0", now)


def test_xml_writes_lists_as_repeated_elements_and_escapes_text() -> None:
    text, content_type = envelope.success(
        "GetVideoInfos",
        {"VideoList": {"Video": [{"VideoId": "a"}, {"VideoId": "b"}]}, "NonExistVideoIds": ["x", "y"],
         "Title": "<&>", "Flag": True, "Skipped": None},
        "RID",
        "XML",
    )  # fmt: skip
    assert content_type.startswith("text/xml")
    assert text == (
        '<?xml version="1.0" encoding="UTF-8"?><GetVideoInfosResponse><RequestId>RID</RequestId>'
        "<VideoList><Video><VideoId>a</VideoId></Video><Video><VideoId>b</VideoId></Video></VideoList>"
        "<NonExistVideoIds>x</NonExistVideoIds><NonExistVideoIds>y</NonExistVideoIds>"
        "<Title>&lt;&amp;&gt;</Title><Flag>true</Flag></GetVideoInfosResponse>"
    )


def test_error_body_has_the_cloud_fields() -> None:
    body = envelope.error_body(ThrottlingUser(), "RID", "cn-beijing")
    assert body == {
        "RequestId": "RID",
        "HostId": "vod.cn-beijing.aliyuncs.com",
        "Code": "Throttling.User",
        "Message": "Request was denied due to user flow control.",
        "Recommend": "https://api.aliyun.com/troubleshoot?q=Throttling.User&product=vod&requestId=RID",
    }
