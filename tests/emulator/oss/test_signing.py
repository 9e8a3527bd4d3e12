"""The server-side signature code agrees with oss2's client-side signing, for any key, header and query.

oss2 signs an ``oss2.http.Request``; the emulator recomputes the signature from what a server sees
(lower-case header names, the decoded key and query). Hypothesis varies keys (unicode, spaces, '+',
'%', '/'), user metadata and sub-resources, for V1, V2 and V4.
"""

from __future__ import annotations

from typing import Any

import oss2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.oss import get_oss, signing
from vodfc.emulator.oss.signing import SUBRESOURCES

ACCOUNT = "1234567890123456"
KEY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
keys = st.text(KEY_CHARS, min_size=1, max_size=40).filter(lambda k: not k.startswith("/"))
# A "." or ".." segment never leaves the client: requests (urllib3) removes dot segments from the URL
# after oss2 signed the key, so no server, OSS included, can see the key that was signed.
url_keys = keys.filter(lambda k: not {".", ".."} & set(k.split("/")))
header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)
meta = st.dictionaries(
    st.sampled_from(["x-oss-meta-a", "x-oss-meta-b", "x-oss-meta-c"]), header_values, max_size=2
)
params = st.dictionaries(
    st.sampled_from(["uploadId", "partNumber", "acl", "prefix", "max-keys", "response-content-type"]),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=10),
    max_size=3,
)


def server_view(request: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
    headers = {k.lower(): v for k, v in request.headers.items() if v is not None}
    return headers, [(k, v) for k, v in request.params.items()]


@pytest.mark.parametrize("version", ["v1", "v2", "v4"])
@settings(max_examples=60, deadline=None)
@given(key=keys, metadata=meta, query=params, content_type=st.sampled_from(["", "video/mp4", "text/plain"]))
def test_server_string_matches_oss2(
    version: str, key: str, metadata: dict[str, str], query: dict[str, str], content_type: str
) -> None:
    auth = oss2.StsAuth("STS.key", "secret", "token", auth_version=version)
    headers = dict(metadata)
    if content_type:
        headers["Content-Type"] = content_type
    request = oss2.http.Request(
        "PUT", "http://example", params=dict(query), headers=headers, region="cn-shanghai", product="oss"
    )
    auth._sign_request(request, "my-bucket", key)
    seen_headers, seen_query = server_view(request)
    claim = signing.parse(seen_headers, dict(seen_query))
    assert claim is not None and claim.version == version and claim.access_key_id == "STS.key"
    string = signing.string_to_sign(claim, "PUT", seen_headers, "my-bucket", key, seen_query)
    assert signing.matches(claim, signing.sign(claim, "secret", string))
    assert not signing.matches(claim, signing.sign(claim, "other-secret", string))


@given(
    query=st.dictionaries(
        st.sampled_from(["uploadId", "partNumber", "acl", "prefix", "max-keys"]),
        st.text(st.characters(min_codepoint=0x30, max_codepoint=0x7A), max_size=8),
        max_size=4,
    )
)
@settings(max_examples=30, deadline=None)
def test_v1_resource_keeps_only_sub_resources(query: dict[str, str]) -> None:
    resource = signing.v1_resource("b", "k", list(query.items()))
    path, _, sub = resource.partition("?")
    assert path == "/b/k"
    names = [part.split("=", 1)[0] for part in sub.split("&") if part]
    assert names == sorted(k for k in query if k in SUBRESOURCES)


@pytest.mark.parametrize("version", ["v1", "v4"])
@settings(max_examples=40, deadline=None)
@given(key=url_keys, data=st.binary(max_size=64))
def test_any_key_round_trips_through_the_mock(version: str, key: str, data: bytes) -> None:
    with MockVod(EmulatorConfig(components=("oss",))) as mock:
        get_oss(mock.app).create_bucket("prop-bucket", ACCOUNT, "cn-shanghai")
        token = mock.state.accounts.issue_sts_token(ACCOUNT)
        auth = oss2.StsAuth(
            token.access_key_id, token.access_key_secret, token.security_token, auth_version=version
        )
        bucket = oss2.Bucket(
            auth, "https://oss-cn-shanghai.aliyuncs.com", "prop-bucket", region="cn-shanghai"
        )
        bucket.put_object(key, data)
        assert bucket.get_object(key).read() == data
        assert get_oss(mock.app).get_object("prop-bucket", key) is not None
