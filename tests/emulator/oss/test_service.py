"""The OSS component through the official oss2 client, in-process (virtual-hosted) and over loopback
(path style): objects, multipart, signatures (V1, V4, presigned), STS tokens and OSS error bodies."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import timedelta
from typing import Any

import oss2
import pytest
import requests
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.media.synth import make_video
from vodfc.emulator.mock import MockVod
from vodfc.emulator.oss import ObjectEvent, get_oss
from vodfc.emulator.policy import upload_policy

ACCOUNT = "1234567890123456"


@pytest.fixture(scope="module")
def clip() -> bytes:
    return make_video(seconds=0.5)


@pytest.fixture(scope="module")
def big() -> bytes:
    # Incompressible frames: ~330 KB, enough for three parts of OSS's 100 KB minimum.
    return make_video(seconds=0.4, noise=True, audio=False)


def test_put_get_head_delete_round_trip(target: Any, clip: bytes) -> None:
    bucket = target.bucket()
    put = bucket.put_object("sv/a/clip.mp4", clip)  # oss2 checks x-oss-hash-crc64ecma itself
    assert put.status == 200 and put.etag and put.request_id and len(put.request_id) == 24
    got = bucket.get_object("sv/a/clip.mp4")
    assert got.read() == clip and got.content_type == "video/mp4"
    head = bucket.head_object("sv/a/clip.mp4")
    assert head.content_length == len(clip) and head.etag == put.etag
    assert bucket.get_object_meta("sv/a/clip.mp4").content_length == len(clip)
    assert bucket.object_exists("sv/a/clip.mp4")
    bucket.delete_object("sv/a/clip.mp4")
    assert not bucket.object_exists("sv/a/clip.mp4")
    with pytest.raises(oss2.exceptions.NoSuchKey) as error:
        bucket.get_object("sv/a/clip.mp4")
    assert error.value.status == 404 and error.value.details["Key"] == "sv/a/clip.mp4"
    assert error.value.request_id


def test_file_objects_ranges_and_odd_keys(target: Any, clip: bytes) -> None:
    bucket = target.bucket()
    key = "dir/key with spaces+plus&amp;/ünïcode.mp4"
    bucket.put_object(key, io.BytesIO(clip), headers={"x-oss-meta-origin": "test"})
    got = bucket.get_object(key, byte_range=(10, 19))
    assert got.read() == clip[10:20] and got.status == 206
    assert bucket.head_object(key).headers["x-oss-meta-origin"] == "test"
    listed = [o.key for o in oss2.ObjectIterator(bucket, prefix="dir/")]
    assert listed == [key]
    assert [p.key for p in oss2.ObjectIterator(bucket, delimiter="/")] == ["dir/"]


def test_multipart_through_resumable_upload(target: Any, big: bytes, tmp_path: Any) -> None:
    source = tmp_path / "big.mp4"
    source.write_bytes(big)
    bucket = target.bucket()
    result = oss2.resumable_upload(
        bucket,
        "sv/big.mp4",
        str(source),
        store=oss2.ResumableStore(root=str(tmp_path)),
        multipart_threshold=100 * 1024,
        part_size=100 * 1024,
        num_threads=2,
    )
    assert result.status == 200
    assert bucket.get_object("sv/big.mp4").read() == big
    head = bucket.head_object("sv/big.mp4")
    assert head.object_type == "Multipart" and head.etag.endswith("-4")


def test_multipart_by_hand_list_parts_abort_and_errors(target: Any, big: bytes) -> None:
    bucket = target.bucket()
    upload_id = bucket.init_multipart_upload("m.mp4").upload_id
    first = bucket.upload_part("m.mp4", upload_id, 1, big[: 150 * 1024])
    second = bucket.upload_part("m.mp4", upload_id, 2, big[150 * 1024 :])
    parts = bucket.list_parts("m.mp4", upload_id).parts
    assert [(p.part_number, p.size, p.etag) for p in parts] == [
        (1, 150 * 1024, first.etag),
        (2, len(big) - 150 * 1024, second.etag),
    ]
    with pytest.raises(oss2.exceptions.ServerError) as error:
        bucket.complete_multipart_upload("m.mp4", upload_id, [oss2.models.PartInfo(1, "0" * 32)])
    assert error.value.code == "InvalidPart"
    done = bucket.complete_multipart_upload(
        "m.mp4",
        upload_id,
        [
            oss2.models.PartInfo(1, first.etag, size=150 * 1024, part_crc=first.crc),
            oss2.models.PartInfo(2, second.etag, size=len(big) - 150 * 1024, part_crc=second.crc),
        ],
    )
    assert done.status == 200 and bucket.get_object("m.mp4").read() == big
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.list_parts("m.mp4", upload_id)

    small = bucket.init_multipart_upload("s.mp4").upload_id
    bucket.upload_part("s.mp4", small, 1, b"x" * 10)
    bucket.upload_part("s.mp4", small, 2, b"y" * 10)
    with pytest.raises(oss2.exceptions.ServerError) as error:
        bucket.complete_multipart_upload("s.mp4", small, None, headers={"x-oss-complete-all": "yes"})
    assert error.value.code == "EntityTooSmall"
    bucket.abort_multipart_upload("s.mp4", small)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.upload_part("s.mp4", small, 3, b"z")


def test_wrong_secret_is_signature_does_not_match_with_the_string_to_sign(target: Any) -> None:
    token = target.sts()
    bucket = target.bucket(oss2.StsAuth(token.access_key_id, "not-the-secret", token.security_token))
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as error:
        bucket.put_object("x.mp4", b"data", headers={"Content-Type": "video/mp4"})
    details = error.value.details
    assert error.value.status == 403 and details["OSSAccessKeyId"] == token.access_key_id
    assert details["StringToSign"].startswith("PUT\n\nvideo/mp4\n")
    assert details["StringToSign"].endswith(f"/{target.bucket_name}/x.mp4")
    assert not target.oss.get_object(target.bucket_name, "x.mp4")


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown key", "InvalidAccessKeyId"),
        ("sts key without token", "InvalidAccessKeyId"),
        ("wrong token", "InvalidSecurityToken"),
        ("expired token", "SecurityTokenExpired"),
        ("disabled key", "InvalidAccessKeyId"),
    ],
)
def test_credential_errors(target: Any, case: str, code: str) -> None:
    token = target.sts(duration_seconds=-1 if case == "expired token" else 3600)
    auth = {
        "unknown key": oss2.Auth("no-such-key", "secret"),
        "sts key without token": oss2.Auth(token.access_key_id, token.access_key_secret),
        "wrong token": oss2.StsAuth(token.access_key_id, token.access_key_secret, "CAIS-wrong"),
        "expired token": oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token),
        "disabled key": oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token),
    }[case]
    if case == "disabled key":
        target.state.accounts.set_active(token.access_key_id, False)
    with pytest.raises(oss2.exceptions.ServerError) as error:
        target.bucket(auth).put_object("x.mp4", b"data")
    assert (error.value.status, error.value.code) == (403, code)


def test_long_lived_keys_work_too(target: Any, vodfc_credentials: Any, clip: bytes) -> None:
    bucket = target.bucket(oss2.Auth(vodfc_credentials.access_key_id, vodfc_credentials.access_key_secret))
    bucket.put_object("plain.mp4", clip)
    assert bucket.get_object("plain.mp4").read() == clip


def test_access_is_limited_to_the_owner_and_the_policy(target: Any) -> None:
    token = target.state.accounts.issue_sts_token(
        target.vod.credentials.account_id, policy=upload_policy(target.bucket_name, ("mine.mp4",))
    )
    bucket = target.bucket(oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token))
    bucket.put_object("mine.mp4", b"ok")
    with pytest.raises(oss2.exceptions.AccessDenied):
        bucket.put_object("other.mp4", b"no")
    with pytest.raises(oss2.exceptions.AccessDenied):
        list(oss2.ObjectIterator(bucket))
    stranger = target.state.accounts.add("stranger-key", "stranger-secret", "999")
    with pytest.raises(oss2.exceptions.AccessDenied) as error:
        target.bucket(oss2.Auth(stranger.access_key_id, "stranger-secret")).get_object("mine.mp4")
    assert "does not belong to you" in error.value.message
    with pytest.raises(oss2.exceptions.AccessDenied):
        target.bucket(oss2.AnonymousAuth()).get_object("mine.mp4")


def test_no_such_bucket_and_bucket_creation(target: Any, vodfc_credentials: Any) -> None:
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        target.bucket(name="no-such-bucket").put_object("x", b"1")
    auth = oss2.Auth(vodfc_credentials.access_key_id, vodfc_credentials.access_key_secret)
    mine = target.bucket(auth, name="my-own-bucket")
    mine.create_bucket()
    mine.put_object("k", b"v")
    assert mine.get_object("k").read() == b"v"
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        mine.delete_bucket()


def test_content_md5_is_checked(target: Any) -> None:
    bucket = target.bucket()
    good = base64.b64encode(hashlib.md5(b"abc").digest()).decode()
    bucket.put_object("md5.txt", b"abc", headers={"Content-MD5": good})
    with pytest.raises(oss2.exceptions.InvalidDigest):
        bucket.put_object("md5.txt", b"abd", headers={"Content-MD5": good})


def test_signature_v4(target: Any, clip: bytes) -> None:
    token = target.sts()
    auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token, auth_version="v4")
    bucket = target.bucket(auth, region="cn-shanghai")
    bucket.put_object("v4/a b+c.mp4", clip)
    assert bucket.get_object("v4/a b+c.mp4").read() == clip
    wrong = oss2.StsAuth(token.access_key_id, "nope", token.security_token, auth_version="v4")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as error:
        target.bucket(wrong, region="cn-shanghai").get_object("v4/a b+c.mp4")
    assert error.value.details["StringToSign"].startswith("OSS4-HMAC-SHA256\n")


def test_presigned_urls(target: Any, clip: bytes) -> None:
    bucket = target.bucket()
    bucket.put_object("signed.mp4", clip)
    url = bucket.sign_url("GET", "signed.mp4", 60)
    answer = requests.get(url, timeout=5)
    assert answer.status_code == 200 and answer.content == clip
    expired = bucket.sign_url("GET", "signed.mp4", -10)
    answer = requests.get(expired, timeout=5)
    assert answer.status_code == 403 and b"<Code>AccessDenied</Code>" in answer.content
    assert answer.headers["Content-Type"] == "application/xml"


def test_listeners_see_complete_objects_only(target: Any, clip: bytes, big: bytes) -> None:
    seen: list[ObjectEvent] = []
    target.oss.on_object_complete.append(seen.append)
    try:
        bucket = target.bucket()
        bucket.put_object("one.mp4", clip)
        upload_id = bucket.init_multipart_upload("two.mp4").upload_id
        bucket.upload_part("two.mp4", upload_id, 1, big)
        assert [e.key for e in seen] == ["one.mp4"]
        bucket.complete_multipart_upload("two.mp4", upload_id, None, headers={"x-oss-complete-all": "yes"})
    finally:
        target.oss.on_object_complete.remove(seen.append)
    assert [(e.operation, e.key, e.object.size) for e in seen] == [
        ("PutObject", "one.mp4", len(clip)),
        ("CompleteMultipartUpload", "two.mp4", len(big)),
    ]
    assert seen[0].account_id == ACCOUNT and seen[0].access_key_id.startswith("STS.")
    assert seen[0].url == f"http://{target.bucket_name}.oss-cn-shanghai.aliyuncs.com/one.mp4"


def test_a_failing_listener_does_not_fail_the_upload(target: Any) -> None:
    def boom(event: ObjectEvent) -> None:
        raise RuntimeError("listener bug")

    target.oss.on_object_complete.append(boom)
    try:
        assert target.bucket().put_object("fine.mp4", b"x").status == 200
    finally:
        target.oss.on_object_complete.remove(boom)


# --- in-process only ---------------------------------------------------------------------------------


def test_path_style_on_the_region_host_and_clock_skew(clip: bytes) -> None:
    with MockVod(EmulatorConfig()) as mock:
        get_oss(mock.app).create_bucket("skew-test", ACCOUNT, "cn-shanghai")
        token = mock.state.accounts.issue_sts_token(ACCOUNT)
        auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
        bucket = oss2.Bucket(auth, "https://oss-cn-shanghai.aliyuncs.com", "skew-test", is_path_style=True)
        bucket.put_object("p.mp4", clip)
        assert bucket.get_object("p.mp4").read() == clip
    late = EmulatorConfig().with_changes(
        clock=lambda: __import__("vodfc.emulator.config").emulator.config.utc_now() + timedelta(hours=1)
    )
    with MockVod(late) as mock:
        get_oss(mock.app).create_bucket("skew-test", ACCOUNT, "cn-shanghai")
        token = mock.state.accounts.issue_sts_token(ACCOUNT)
        auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
        with pytest.raises(oss2.exceptions.ServerError) as error:
            oss2.Bucket(auth, "http://oss-cn-shanghai.aliyuncs.com", "skew-test").put_object("p.mp4", clip)
        assert error.value.code == "RequestTimeTooSkewed"


def test_objects_survive_a_restart_with_a_data_dir(tmp_path: Any, clip: bytes) -> None:
    config = EmulatorConfig(data_dir=str(tmp_path))
    app = create_app(config)
    with MockVod(app=app) as mock:  # starting a mock resets the state: create the bucket inside
        get_oss(app).create_bucket("persist", ACCOUNT, "cn-shanghai")
        token = mock.state.accounts.issue_sts_token(ACCOUNT)
        auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
        oss2.Bucket(auth, "https://oss-cn-shanghai.aliyuncs.com", "persist").put_object("k.mp4", clip)
    again = get_oss(create_app(config)).get_object("persist", "k.mp4")
    assert again is not None and again.data == clip and again.etag
    get_state(app).reset()
    assert get_oss(create_app(config)).get_object("persist", "k.mp4") is None


def test_virtual_hosted_requests_through_a_proxy_reach_the_server(vod_server: Any, clip: bytes) -> None:
    """Code that keeps the real OSS endpoint reaches a server through a proxy setting (plain http)."""
    oss = get_oss(vod_server.app)
    oss.create_bucket("proxied-bucket", ACCOUNT, "cn-shanghai")
    token = get_state(vod_server.app).accounts.issue_sts_token(ACCOUNT)
    auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
    proxies = {"http": vod_server.url}
    bucket = oss2.Bucket(auth, "http://oss-cn-shanghai.aliyuncs.com", "proxied-bucket", proxies=proxies)
    bucket.put_object("via/proxy.mp4", clip)
    assert bucket.get_object("via/proxy.mp4").read() == clip
    assert oss.get_object("proxied-bucket", "via/proxy.mp4") is not None


@pytest.mark.parametrize(
    "host", ["oss-cn-shanghai-internal.aliyuncs.com", "vpc100-oss-cn-shanghai.aliyuncs.com"]
)
def test_internal_and_vpc_endpoints_are_intercepted(vod_mock: Any, host: str) -> None:
    get_oss(vod_mock.app).create_bucket("internal-test", ACCOUNT, "cn-shanghai")
    token = vod_mock.state.accounts.issue_sts_token(ACCOUNT)
    auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
    bucket = oss2.Bucket(auth, f"http://{host}", "internal-test")
    bucket.put_object("k", b"v")
    assert bucket.get_object("k").read() == b"v"


def test_signature_v2_header_and_presigned(target: Any, clip: bytes) -> None:
    token = target.sts()
    auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token, auth_version="v2")
    bucket = target.bucket(auth)
    bucket.put_object("v2/a b+c.mp4", clip, headers={"x-oss-meta-kind": "clip"})
    assert bucket.get_object("v2/a b+c.mp4", byte_range=(0, 9)).read() == clip[:10]  # Range is signed too
    answer = requests.get(bucket.sign_url("GET", "v2/a b+c.mp4", 60), timeout=5)
    assert answer.status_code == 200 and answer.content == clip
    wrong = oss2.StsAuth(token.access_key_id, "nope", token.security_token, auth_version="v2")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):
        target.bucket(wrong).get_object("v2/a b+c.mp4")
