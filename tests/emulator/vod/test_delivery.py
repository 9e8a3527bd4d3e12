"""OutputType and AuthTimeout: the addresses GetMezzanineInfo, GetPlayInfo and GetImageInfo(s) answer.

``oss`` is a presigned OSS URL valid for AuthTimeout seconds, which the emulator's OSS serves until it
expires and then refuses with ``AccessDenied`` "Request has expired."; ``cdn`` has no maximum and, with
the CDN URL-signing switch on, carries a type-A ``auth_key`` that the emulator checks when it serves
the file (shared/spec/vod-api.md §1, the Tea models' AuthTimeout notes). Each test calls VOD through an
official SDK and fetches the URL with ``requests`` or oss2, in-process and against a server, on an
emulator whose clock the test moves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import oss2
import pytest
import requests
from vodfc.emulator.app import create_app, emulator_of
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget
from vodfc.emulator.server import ThreadedServer

from tests.emulator.vod import sdk as sdk_helpers

DATA = b"the source file's bytes" * 100
CDN_KEY = "vodfcCdnPrivateKey1234"


class Clock:
    """The emulator's clock, moved by the tests instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def _clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def _server(_clock: Clock) -> Iterator[ThreadedServer]:
    with ThreadedServer(config=EmulatorConfig(clock=_clock)) as server:
        yield server


@pytest.fixture(scope="module")
def _mock_app(_clock: Clock) -> Any:
    return create_app(EmulatorConfig(clock=_clock))


@pytest.fixture
def clock(_clock: Clock) -> Clock:
    # Each test starts at real time: the SDKs' own timestamps stay inside the signature window.
    _clock.now = datetime.now(timezone.utc).replace(microsecond=0)
    return _clock


@pytest.fixture(params=["inprocess", "server"])
def target(request: pytest.FixtureRequest, clock: Clock, _mock_app: Any) -> Iterator[VodTarget]:
    if request.param == "inprocess":
        with MockVod(app=_mock_app):
            yield VodTarget("inprocess", _mock_app, None, Credentials())
    else:
        server = request.getfixturevalue("_server")
        emulator_of(server.app).reset()
        yield VodTarget("server", server.app, server.url, Credentials())


@pytest.fixture(params=sdk_helpers.SDKS)
def sdk(request: pytest.FixtureRequest, target: VodTarget) -> Any:
    return sdk_helpers.Sdk(request.param, target)


def upload_video(sdk: Any, data: bytes = DATA, **params: Any) -> str:
    """CreateUploadVideo, then oss2 with the returned address and credentials, as the upload SDK does."""
    body = sdk.call("CreateUploadVideo", {"Title": "signed", "FileName": "clip.mp4", **params})
    address = json.loads(base64.b64decode(body["UploadAddress"]))
    auth = json.loads(base64.b64decode(body["UploadAuth"]))
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], data)
    return str(body["VideoId"])


def file_url(sdk: Any, video_id: str, **params: Any) -> str:
    return str(sdk.call("GetMezzanineInfo", {"VideoId": video_id, **params})["Mezzanine"]["FileURL"])


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def refusal(response: requests.Response) -> tuple[int, str, str]:
    """(status, Code, Message) of an OSS XML error."""
    text = response.text
    code = text.split("<Code>", 1)[1].split("</Code>", 1)[0]
    message = text.split("<Message>", 1)[1].split("</Message>", 1)[0]
    return response.status_code, code, message


# --- OutputType oss ------------------------------------------------------------------------------------


def test_oss_output_is_a_presigned_url_served_until_auth_timeout(sdk: Any, clock: Clock) -> None:
    video_id = upload_video(sdk)
    url = file_url(sdk, video_id, OutputType="oss", AuthTimeout=600)
    query = query_of(url)
    assert set(query) == {"Expires", "OSSAccessKeyId", "Signature"}
    assert int(query["Expires"]) == int(clock.now.timestamp()) + 600
    answer = requests.get(url, timeout=10)
    assert (answer.status_code, answer.content) == (200, DATA)
    clock.advance(599)
    assert requests.get(url, timeout=10).status_code == 200
    clock.advance(2)
    assert refusal(requests.get(url, timeout=10)) == (403, "AccessDenied", "Request has expired.")


def test_oss2_reads_the_presigned_url_until_it_expires(sdk: Any, target: VodTarget, clock: Clock) -> None:
    video_id = upload_video(sdk)
    url = file_url(sdk, video_id, OutputType="oss")  # AuthTimeout defaults to 3600
    assert int(query_of(url)["Expires"]) == int(clock.now.timestamp()) + 3600
    parts = urlsplit(url)
    endpoint = f"{parts.scheme}://{parts.netloc}"
    anonymous = oss2.Bucket(oss2.AnonymousAuth(), endpoint, "any-bucket")
    assert anonymous.get_object_with_url(url).read() == DATA
    clock.advance(3601)
    with pytest.raises(oss2.exceptions.AccessDenied) as caught:
        anonymous.get_object_with_url(url)
    assert caught.value.message == "Request has expired."


def test_a_tampered_presigned_url_is_refused(sdk: Any) -> None:
    url = file_url(sdk, upload_video(sdk), OutputType="oss", AuthTimeout=600)
    expires = query_of(url)["Expires"]
    later = url.replace(f"Expires={expires}", f"Expires={int(expires) + 3600}")
    assert refusal(requests.get(later, timeout=10))[:2] == (403, "SignatureDoesNotMatch")


def test_oss_output_maximum_depends_on_the_bucket_and_the_action(sdk: Any, target: VodTarget) -> None:
    video_id = upload_video(sdk)
    assert file_url(sdk, video_id, OutputType="oss", AuthTimeout=2_592_000)
    failure = sdk.fail(
        "GetMezzanineInfo", {"VideoId": video_id, "OutputType": "oss", "AuthTimeout": 2_592_001}
    )
    assert (failure.code, failure.status) == ("InvalidParameter", 400)
    assert "AuthTimeout" in failure.message
    # A file in the user's own bucket: 36 hours at most.
    region = target.credentials.region
    own = upload_video(sdk, StorageLocation=f"my-own-bucket.oss-{region}.aliyuncs.com")
    assert file_url(sdk, own, OutputType="oss", AuthTimeout=129_600)
    params = {"VideoId": own, "OutputType": "oss", "AuthTimeout": 129_601}
    assert sdk.fail("GetMezzanineInfo", params).code == "InvalidParameter"


def test_get_play_info_oss_urls_are_presigned_with_a_seven_day_maximum(sdk: Any, target: VodTarget) -> None:
    seeded = target.state.seed()
    video_id = next(v for v in seeded["video_ids"] if target.backend.streams_of(v))
    stored = target.backend.streams_of(video_id)[0].play_url
    # Give the seeded stream its bytes, where its address says they are.
    bucket, key = urlsplit(stored).hostname.split(".", 1)[0], urlsplit(stored).path[1:]  # type: ignore[union-attr]
    oss = emulator_of(target.app).oss
    assert oss is not None
    oss.create_bucket(bucket, target.credentials.account_id, target.credentials.region, acl="public-read")
    oss.put_object(bucket, key, DATA)
    params = {"VideoId": video_id, "OutputType": "oss", "AuthTimeout": 604_800}
    body = sdk.call("GetPlayInfo", params)
    assert body["VideoBase"]["OutputType"] == "oss"
    urls = {info["PlayURL"] for info in body["PlayInfoList"]["PlayInfo"]}
    assert all(set(query_of(url)) == {"Expires", "OSSAccessKeyId", "Signature"} for url in urls)
    played = next(url for url in urls if urlsplit(url).path.endswith(key))
    assert requests.get(played, timeout=10).content == DATA
    assert sdk.fail("GetPlayInfo", {**params, "AuthTimeout": 604_801}).code == "InvalidParameter"


def test_get_image_info_oss_urls_are_presigned(sdk: Any, clock: Clock) -> None:
    body = sdk.call("CreateUploadImage", {"ImageType": "default", "ImageExt": "png"})
    address = json.loads(base64.b64decode(body["UploadAddress"]))
    auth = json.loads(base64.b64decode(body["UploadAuth"]))
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], DATA)
    params = {"ImageId": body["ImageId"], "OutputType": "oss", "AuthTimeout": 60}
    info = sdk.call("GetImageInfo", params)["ImageInfo"]
    for url in (info["URL"], info["Mezzanine"]["FileURL"]):
        assert requests.get(url, timeout=10).content == DATA
    (listed,) = sdk.call("GetImageInfos", {"ImageIds": body["ImageId"], "OutputType": "oss"})["ImageInfo"]
    assert requests.get(listed["URL"], timeout=10).status_code == 200
    clock.advance(61)
    assert refusal(requests.get(info["URL"], timeout=10))[1:] == ("AccessDenied", "Request has expired.")


# --- OutputType cdn ------------------------------------------------------------------------------------


def test_cdn_output_has_no_maximum_and_is_the_stored_address(sdk: Any) -> None:
    video_id = upload_video(sdk)
    url = file_url(sdk, video_id, OutputType="cdn", AuthTimeout=31_536_000)
    assert not urlsplit(url).query
    assert file_url(sdk, video_id) == url  # cdn is the default


def test_cdn_url_signing_type_a_is_a_switch_checked_where_the_file_is_served(
    sdk: Any, target: VodTarget, clock: Clock
) -> None:
    video_id = upload_video(sdk)
    unsigned = file_url(sdk, video_id)
    assert requests.get(unsigned, timeout=10).content == DATA
    options = target.backend.options
    options.cdn_auth_key, options.cdn_auth_ttl = CDN_KEY, 1800
    signed = file_url(sdk, video_id, AuthTimeout=300)
    assert signed.startswith(unsigned + "?auth_key=")
    # auth_key=<timestamp>-<rand>-<uid>-md5("<URI>-<timestamp>-<rand>-<uid>-<PrivateKey>") (type A).
    timestamp, rand, uid, digest = query_of(signed)["auth_key"].split("-")
    uri = urlsplit(signed).path
    assert digest == hashlib.md5(f"{uri}-{timestamp}-{rand}-{uid}-{CDN_KEY}".encode()).hexdigest()
    # The node refuses it after timestamp + validity period; VOD makes that AuthTimeout from now.
    assert int(timestamp) + 1800 == int(clock.now.timestamp()) + 300
    assert requests.get(signed, timeout=10).content == DATA
    assert refusal(requests.get(unsigned, timeout=10))[:2] == (403, "AccessDenied")
    forged = signed[:-4] + ("0000" if not signed.endswith("0000") else "1111")
    assert "does not match" in refusal(requests.get(forged, timeout=10))[2]
    clock.advance(301)
    assert "expired" in refusal(requests.get(signed, timeout=10))[2]
    # Without AuthTimeout the URL lives the domain's validity period.
    default = file_url(sdk, video_id)
    assert int(query_of(default)["auth_key"].split("-")[0]) == int(clock.now.timestamp())
    # OSS output is still OSS's own signature, untouched by the CDN's.
    assert requests.get(file_url(sdk, video_id, OutputType="oss"), timeout=10).content == DATA
