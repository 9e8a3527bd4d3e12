"""Upload credentials do only what VOD's upload-token policy allows: write their one object through
every way oss2 uploads (simple, multipart by hand, resumable, resumed), and nothing else — no other
object, no bucket, no read, and no VOD API call at all."""

from __future__ import annotations

import base64
import json
from typing import Any

import oss2
import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from aliyunsdkvod.request.v20170321.DeleteVideoRequest import DeleteVideoRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from vodfc.emulator.app import emulator_of
from vodfc.emulator.media.synth import make_video

PART = 100 * 1024  # OSS's smallest part (all but the last)


@pytest.fixture(scope="module")
def big() -> bytes:
    # Incompressible frames, a little over three parts.
    return make_video(seconds=0.4, noise=True, audio=False)


@pytest.fixture(autouse=True)
def hold_lifecycle(vod: Any) -> None:
    lifecycle = emulator_of(vod.app).lifecycle
    if lifecycle is not None:
        lifecycle.scheduler.set_timing("manual")


def _decode(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob))  # type: ignore[no-any-return]


def create_upload(vod: Any, title: str = "scoped") -> tuple[str, dict[str, Any], dict[str, Any]]:
    request = CreateUploadVideoRequest()
    request.set_Title(title)
    request.set_FileName("clip.mp4")
    created = json.loads(vod.acs_client().do_action_with_exception(request))
    return created["VideoId"], _decode(created["UploadAddress"]), _decode(created["UploadAuth"])


def upload_bucket(address: dict[str, Any], auth: dict[str, Any]) -> oss2.Bucket:
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    return oss2.Bucket(sts, address["Endpoint"], address["Bucket"])


def vod_client_from(vod: Any, auth: dict[str, Any]) -> AcsClient:
    """What the issue's prober did: an AcsClient built from the STS keys inside an UploadAuth."""
    credential = StsTokenCredential(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    client = AcsClient(region_id=vod.credentials.region, credential=credential)
    if vod.mode == "server":
        client.add_endpoint(vod.credentials.region, "vod", vod.endpoint)
    return client


def test_simple_put_of_its_object(vod: Any) -> None:
    video_id, address, auth = create_upload(vod)
    upload_bucket(address, auth).put_object(address["FileName"], make_video(seconds=0.3))
    assert vod.backend.get_video(video_id).status == "UploadSucc"


def test_multipart_by_hand_with_list_and_abort(vod: Any, big: bytes) -> None:
    video_id, address, auth = create_upload(vod)
    bucket, key = upload_bucket(address, auth), address["FileName"]
    abandoned = bucket.init_multipart_upload(key).upload_id
    bucket.upload_part(key, abandoned, 1, big[:PART])
    assert [p.part_number for p in bucket.list_parts(key, abandoned).parts] == [1]
    bucket.abort_multipart_upload(key, abandoned)

    upload_id = bucket.init_multipart_upload(key).upload_id
    parts = []
    for number, start in enumerate(range(0, len(big), PART), start=1):
        result = bucket.upload_part(key, upload_id, number, big[start : start + PART])
        parts.append(oss2.models.PartInfo(number, result.etag))
    bucket.complete_multipart_upload(key, upload_id, parts)
    assert vod.backend.get_video(video_id).status == "UploadSucc"


def test_resumable_upload_and_its_resume(vod: Any, big: bytes, tmp_path: Any) -> None:
    video_id, address, auth = create_upload(vod)
    bucket, key = upload_bucket(address, auth), address["FileName"]
    source = tmp_path / "big.mp4"
    source.write_bytes(big)
    store = oss2.ResumableStore(root=str(tmp_path))

    # An interrupted first run: its record stays behind with one part uploaded ...
    upload_id = bucket.init_multipart_upload(key).upload_id
    bucket.upload_part(key, upload_id, 1, big[:PART])
    stat = source.stat()
    record = {
        "op_type": "ResumableUpload",
        "upload_id": upload_id,
        "file_path": str(source.resolve()),
        "size": len(big),
        "mtime": stat.st_mtime,
        "bucket": bucket.bucket_name,
        "key": key,
        "part_size": PART,
    }
    store.put(store.make_store_key(bucket.bucket_name, key, str(source.resolve())), record)
    # ... and resumable_upload picks it up (it checks the upload exists and lists its parts).
    result = oss2.resumable_upload(
        bucket, key, str(source), store=store, multipart_threshold=PART, part_size=PART, num_threads=2
    )
    assert result.status == 200
    assert emulator_of(vod.app).oss.get_object(address["Bucket"], key).data == big  # type: ignore[union-attr]
    assert vod.backend.get_video(video_id).status == "UploadSucc"

    # A fresh resumable upload of another upload's object.
    other_id, other_address, other_auth = create_upload(vod, "second")
    oss2.resumable_upload(
        upload_bucket(other_address, other_auth),
        other_address["FileName"],
        str(source),
        store=oss2.ResumableStore(root=str(tmp_path / "fresh")),
        multipart_threshold=PART,
        part_size=PART,
    )
    assert vod.backend.get_video(other_id).status == "UploadSucc"


def test_nothing_else_on_oss(vod: Any) -> None:
    _, address, auth = create_upload(vod)
    bucket, key = upload_bucket(address, auth), address["FileName"]
    bucket.put_object(key, b"not media")
    denied = [
        lambda: bucket.get_object(key),
        lambda: bucket.delete_object(key),
        lambda: bucket.put_object("sv/elsewhere.mp4", b"x"),
        lambda: list(oss2.ObjectIterator(bucket)),
        lambda: bucket.init_multipart_upload("sv/elsewhere.mp4"),
    ]
    for attempt in denied:
        with pytest.raises(oss2.exceptions.AccessDenied):
            attempt()
    with pytest.raises(oss2.exceptions.ServerError) as error:  # a HEAD answer has no body to name the code
        bucket.head_object(key)
    assert error.value.status == 403


def test_no_bucket_of_its_own_and_so_no_anonymous_writes(vod: Any) -> None:
    _, address, auth = create_upload(vod)
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    planted = oss2.Bucket(sts, address["Endpoint"], "planted-public-bucket")
    with pytest.raises(oss2.exceptions.AccessDenied):
        planted.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    anonymous = oss2.Bucket(oss2.AnonymousAuth(), address["Endpoint"], "planted-public-bucket")
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        anonymous.put_object("payload.bin", b"x")


@pytest.mark.parametrize(
    "request_of",
    [
        lambda victim: GetVideoInfoRequest(),
        lambda victim: UpdateVideoInfoRequest(),
        lambda victim: DeleteVideoRequest(),
    ],
    ids=["GetVideoInfo", "UpdateVideoInfo", "DeleteVideo"],
)
def test_no_vod_api_call(vod: Any, request_of: Any) -> None:
    victim = vod.backend.create_video("someone else's video", status="Normal")
    _, _, auth = create_upload(vod)
    request = request_of(victim)
    if isinstance(request, DeleteVideoRequest):
        request.set_VideoIds(victim.video_id)
    else:
        request.set_VideoId(victim.video_id)
    if isinstance(request, UpdateVideoInfoRequest):
        request.set_Title("renamed")
    with pytest.raises(ServerException) as error:
        vod_client_from(vod, auth).do_action_with_exception(request)
    assert (error.value.get_http_status(), error.value.get_error_code()) == (403, "Forbidden")
    assert error.value.get_error_msg() == "User not authorized to operate on the specified resource."
    video = vod.backend.get_video(victim.video_id)
    assert video.title == "someone else's video"
