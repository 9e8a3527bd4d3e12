"""Sign raw requests the way the SDKs do, using the SDKs' own signing code (never the emulator's)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer

AK = "vodfc-access-key-id"
SECRET = "vodfc-access-key-secret"


def timestamp(when: datetime | None = None) -> str:
    return (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def rpc_signed(
    method: str,
    query: dict[str, str],
    body: dict[str, str] | None = None,
    *,
    ak: str = AK,
    secret: str = SECRET,
    fmt: str | None = "JSON",
    when: datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The query parameters (Signature included) of an RPC v1 call signed by the core SDK's composer."""
    params = {"Version": "2017-03-21", **query}
    # The same steps as the SDK's get_signed_url, with the Timestamp and nonce under the test's control.
    signed = dict(params)
    signed.update(
        Timestamp=timestamp(when),
        SignatureMethod="HMAC-SHA1",
        SignatureType="",
        SignatureVersion="1.0",
        SignatureNonce=nonce or uuid.uuid4().hex,
        AccessKeyId=ak,
    )
    if fmt is not None:
        signed["Format"] = fmt
    compose = rpc_signature_composer.__dict__["__compose_string_to_sign"]
    sign = rpc_signature_composer.__dict__["__get_signature"]
    string_to_sign = compose(method, {**signed, **(body or {})})
    signed["Signature"] = sign(string_to_sign, secret)
    return signed


def acs3_headers(
    method: str,
    action: str,
    query: dict[str, str],
    body: bytes = b"",
    *,
    ak: str = AK,
    secret: str = SECRET,
    host: str = "vod.cn-shanghai.aliyuncs.com",
    content_sha256: str | None = None,
    extra: dict[str, str] | None = None,
    algorithm: str = "ACS3-HMAC-SHA256",
) -> dict[str, str]:
    """Headers of an ACS3 call (``ACS3-HMAC-SHA256`` or ``ACS3-HMAC-SM3``), hashed and signed by the Tea
    SDK's own ``hash`` and ``get_authorization``."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": "2017-03-21",
        "x-acs-date": timestamp(),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": content_sha256 or TeaUtils.hex_encode(TeaUtils.hash(body, algorithm)),
        "accept": "application/json",
        **(extra or {}),
    }
    request: Any = SimpleNamespace(pathname="/", method=method, query=query, headers=headers)
    headers["Authorization"] = TeaUtils.get_authorization(
        request, algorithm, headers["x-acs-content-sha256"], ak, secret
    )
    return headers
