"""OSS's error answers as oss2 sees them: EC and RecommendDoc where OSS's value is known, the x-oss-ec
header, the error repeated in x-oss-err for HEAD, and the V4 signing-region check (both modes)."""

from __future__ import annotations

from typing import Any

import oss2
import pytest
import requests
from vodfc.emulator.policy import upload_policy


def _ec_fields(error: oss2.exceptions.OssError) -> tuple[str, str | None, str | None]:
    return error.ec, error.headers.get("x-oss-ec"), error.details.get("RecommendDoc")


def test_known_causes_carry_their_ec(target: Any) -> None:
    bucket = target.bucket()
    with pytest.raises(oss2.exceptions.NoSuchKey) as missing:
        bucket.get_object("missing.mp4")
    doc = "https://api.aliyun.com/troubleshoot?q=0026-00000001"
    assert _ec_fields(missing.value) == ("0026-00000001", "0026-00000001", doc)

    with pytest.raises(oss2.exceptions.NoSuchBucket) as no_bucket:
        target.bucket(name="no-such-bucket").put_object("k", b"v")
    assert no_bucket.value.ec == "0015-00000101"

    with pytest.raises(oss2.exceptions.ServerError) as unknown:
        target.bucket(oss2.Auth("no-such-key", "secret")).put_object("k", b"v")
    assert (unknown.value.code, unknown.value.ec) == ("InvalidAccessKeyId", "0002-00000902")

    token = target.sts()
    wrong = oss2.StsAuth(token.access_key_id, "wrong-secret", token.security_token)
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as v1:
        target.bucket(wrong).put_object("k", b"v")
    assert v1.value.ec == "0002-00000040"
    wrong_v4 = oss2.StsAuth(token.access_key_id, "wrong-secret", token.security_token, auth_version="v4")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as v4:
        target.bucket(wrong_v4, region="cn-shanghai").put_object("k", b"v")
    assert v4.value.ec == "0002-00000201"

    with pytest.raises(oss2.exceptions.AccessDenied) as anonymous:
        target.bucket(oss2.AnonymousAuth()).get_object("missing.mp4")
    assert anonymous.value.ec == "0003-00000001"

    scoped = target.state.accounts.issue_sts_token(
        target.vod.credentials.account_id, policy=upload_policy(target.bucket_name, ("mine.mp4",))
    )
    upload = target.bucket(
        oss2.StsAuth(scoped.access_key_id, scoped.access_key_secret, scoped.security_token)
    )
    with pytest.raises(oss2.exceptions.AccessDenied) as policy:
        upload.put_object("other.mp4", b"v")
    assert policy.value.message == "Access denied by authorizer's policy."
    assert policy.value.ec == "0003-00000301"

    upload_id = bucket.init_multipart_upload("m.mp4").upload_id
    bucket.abort_multipart_upload("m.mp4", upload_id)
    with pytest.raises(oss2.exceptions.NoSuchUpload) as no_upload:
        bucket.upload_part("m.mp4", upload_id, 1, b"x")
    assert no_upload.value.ec == "0017-00000244"


def test_an_unknown_ec_is_not_invented(target: Any) -> None:
    bucket = target.bucket()
    with pytest.raises(oss2.exceptions.InvalidDigest) as digest:
        bucket.put_object("k", b"abc", headers={"Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="})
    assert _ec_fields(digest.value) == ("", None, None)


def test_head_errors_come_in_x_oss_err(target: Any) -> None:
    bucket = target.bucket()
    with pytest.raises(oss2.exceptions.NoSuchKey) as missing:
        bucket.head_object("missing.mp4")
    assert missing.value.status == 404 and missing.value.body == b""
    assert missing.value.details["Key"] == "missing.mp4" and missing.value.ec == "0026-00000001"
    assert missing.value.details["RequestId"] == missing.value.request_id
    token = target.sts(duration_seconds=-1)
    expired = target.bucket(oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token))
    with pytest.raises(oss2.exceptions.ServerError) as error:
        expired.head_object("missing.mp4")
    assert (error.value.status, error.value.code) == (403, "SecurityTokenExpired")
    assert not bucket.object_exists("missing.mp4")


def test_v4_signed_for_another_region_is_refused(target: Any) -> None:
    token = target.sts()
    auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token, auth_version="v4")
    elsewhere = target.bucket(auth, region="cn-beijing")  # the bucket is in cn-shanghai
    with pytest.raises(oss2.exceptions.InvalidArgument) as error:
        elsewhere.put_object("k", b"v")
    assert error.value.message == "Invalid signing region in Authorization header."
    assert error.value.ec == "0002-00000226"
    answer = requests.get(elsewhere.sign_url("GET", "k", 60), timeout=5)
    assert answer.status_code == 400 and b"<Code>InvalidArgument</Code>" in answer.content
    target.bucket(auth, region="cn-shanghai").put_object("k", b"v")


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_an_expired_presigned_url_says_when_it_expired(target: Any, version: str) -> None:
    token = target.sts()
    auth = oss2.StsAuth(
        token.access_key_id, token.access_key_secret, token.security_token, auth_version=version
    )
    bucket = target.bucket(auth, region="cn-shanghai")
    bucket.put_object("k", b"v")
    answer = requests.get(bucket.sign_url("GET", "k", -10), timeout=5)
    assert answer.status_code == 403
    details = oss2.exceptions._parse_error_body(answer.content)
    assert (details["Code"], details["Message"]) == ("AccessDenied", "Request has expired.")
    assert details["Expires"] < details["ServerTime"]
