"""Real ingestion end to end: CreateUpload* through the official VOD SDKs, the file through oss2 exactly
as Alibaba's upload guide does it (StsAuth + Bucket(Endpoint, Bucket) + put_object / multipart), then
the record as VOD would show it, with the facts probed from the real bytes."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import oss2
import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.CreateUploadAttachedMediaRequest import CreateUploadAttachedMediaRequest
from aliyunsdkvod.request.v20170321.CreateUploadImageRequest import CreateUploadImageRequest
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from aliyunsdkvod.request.v20170321.RefreshUploadVideoRequest import RefreshUploadVideoRequest
from vodfc.emulator.app import emulator_of, get_state
from vodfc.emulator.ingest import UploadCompleted, get_ingest
from vodfc.emulator.media.synth import make_audio, make_image, make_video


def decode(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob, validate=True))  # type: ignore[no-any-return]


def call(client: Any, request: Any) -> dict[str, Any]:
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def create_upload_video(
    vod: Any, title: str = "clip", file_name: str = "D:\\videos\\clip.mp4", **extra: Any
) -> dict[str, Any]:
    request = CreateUploadVideoRequest()
    request.set_Title(title)
    request.set_FileName(file_name)
    for name, value in extra.items():
        getattr(request, f"set_{name}")(value)
    return call(vod.acs_client(), request)


def oss_bucket(created: dict[str, Any]) -> tuple[oss2.Bucket, str]:
    """What the upload guide does with the two blobs."""
    address, auth = decode(created["UploadAddress"]), decode(created["UploadAuth"])
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    return oss2.Bucket(sts, address["Endpoint"], address["Bucket"]), address["FileName"]


@pytest.fixture(scope="module")
def clip() -> bytes:
    return make_video(width=320, height=240, seconds=1.0, audio=True)


@pytest.fixture(autouse=True)
def hold_lifecycle(vod: Any) -> None:
    """Keep the lifecycle component (transcoding, events) from moving on, so each test sees the
    record as ingestion leaves it; the next reset restores the timing."""
    lifecycle = emulator_of(vod.app).lifecycle
    if lifecycle is not None:
        lifecycle.scheduler.set_timing("manual")


@pytest.fixture
def completed(vod: Any) -> Any:
    seen: list[UploadCompleted] = []
    ingest = get_ingest(vod.app)
    ingest.on_upload_complete.append(seen.append)
    yield seen
    ingest.on_upload_complete.remove(seen.append)


def test_upload_credentials_have_vods_shape(vod: Any) -> None:
    created = create_upload_video(vod)
    assert set(created) == {"RequestId", "VideoId", "UploadAddress", "UploadAuth"}
    address, auth = decode(created["UploadAddress"]), decode(created["UploadAuth"])
    assert list(address) == ["Endpoint", "Bucket", "FileName"]
    assert address["Bucket"].startswith("outin-")
    assert address["FileName"].startswith("sv/") and address["FileName"].endswith(".mp4")
    if vod.mode == "inprocess":
        assert address["Endpoint"] == "https://oss-cn-shanghai.aliyuncs.com"
    else:
        assert address["Endpoint"] == vod.url
    assert list(auth) == [
        "SecurityToken",
        "AccessKeyId",
        "ExpireUTCTime",
        "AccessKeySecret",
        "Expiration",
        "Region",
    ]
    assert auth["AccessKeyId"].startswith("STS.") and auth["Region"] == "cn-shanghai"
    assert 3590 <= int(auth["Expiration"]) <= 3600
    video = vod.backend.get_video(created["VideoId"])
    assert (video.status, video.file_name) == ("Uploading", "D:\\videos\\clip.mp4")


def test_put_object_upload_is_probed_and_announced(
    vod: Any, clip: bytes, completed: list[UploadCompleted]
) -> None:
    created = create_upload_video(vod, title="real clip")
    bucket, key = oss_bucket(created)
    bucket.put_object(key, clip)
    video = vod.backend.get_video(created["VideoId"])
    assert video.status == "UploadSucc" and video.size == len(clip)
    assert 0.95 <= video.duration <= 1.1
    mezzanine = vod.backend.get_mezzanine(created["VideoId"])
    assert (mezzanine.status, mezzanine.width, mezzanine.height, mezzanine.size) == (
        "Normal",
        320,
        240,
        len(clip),
    )
    assert mezzanine.fps == 25.0 and mezzanine.bitrate > 0
    assert [s["CodecName"] for s in mezzanine.video_streams] == ["h264"]
    assert [s["CodecName"] for s in mezzanine.audio_streams] == ["aac"]
    [done] = completed
    assert (done.kind, done.media_id, done.ok, done.status, done.source.size) == (
        "video",
        video.video_id,
        True,
        "UploadSucc",
        len(clip),
    )
    assert done.source.file_url == f"http://{bucket.bucket_name}.oss-cn-shanghai.aliyuncs.com/{key}"
    assert done.media is not None and done.media.width == 320


def test_multipart_upload_like_the_upload_sdk(
    vod: Any, tmp_path: Any, completed: list[UploadCompleted]
) -> None:
    big = make_video(width=320, height=240, seconds=0.4, noise=True, audio=False)
    source = tmp_path / "big.mp4"
    source.write_bytes(big)
    created = create_upload_video(vod, file_name=str(source))
    bucket, key = oss_bucket(created)
    oss2.resumable_upload(
        bucket,
        key,
        str(source),
        store=oss2.ResumableStore(root=str(tmp_path)),
        multipart_threshold=100 * 1024,
        part_size=100 * 1024,
        num_threads=2,
    )
    video = vod.backend.get_video(created["VideoId"])
    assert video.status == "UploadSucc" and video.size == len(big)
    assert vod.backend.get_mezzanine(video.video_id).width == 320
    assert [c.object_event.operation for c in completed] == ["CompleteMultipartUpload"]


def test_a_file_that_is_not_media_fails_the_upload(vod: Any, completed: list[UploadCompleted]) -> None:
    created = create_upload_video(vod, file_name="notes.mp4")
    bucket, key = oss_bucket(created)
    bucket.put_object(key, b"these are my notes, not a video\n" * 50)
    video = vod.backend.get_video(created["VideoId"])
    assert video.status == "UploadFail" and video.size == 1600
    assert vod.backend.get_mezzanine(video.video_id).status == "UploadFail"
    [done] = completed
    assert (done.ok, done.media, done.status) == (False, None, "UploadFail") and done.error


def test_audio_upload_becomes_an_audio_asset(vod: Any) -> None:
    created = create_upload_video(vod, file_name="song.m4a")
    bucket, key = oss_bucket(created)
    assert key.endswith(".m4a")
    bucket.put_object(key, make_audio(seconds=0.5))
    video = vod.backend.get_video(created["VideoId"])
    assert (video.status, video.media_type) == ("UploadSucc", "audio")
    assert vod.backend.get_mezzanine(video.video_id).width is None


def test_the_token_writes_only_its_own_object(vod: Any) -> None:
    bucket, key = oss_bucket(create_upload_video(vod))
    with pytest.raises(oss2.exceptions.AccessDenied):
        bucket.put_object(key.replace(".mp4", "-other.mp4"), b"x")
    _, other_key = oss_bucket(create_upload_video(vod))
    with pytest.raises(oss2.exceptions.AccessDenied):
        bucket.put_object(other_key, b"x")


def test_refresh_keeps_the_address_and_issues_a_new_token(vod: Any, clip: bytes) -> None:
    created = create_upload_video(vod)
    request = RefreshUploadVideoRequest()
    request.set_VideoId(created["VideoId"])
    refreshed = call(vod.acs_client(), request)
    assert refreshed["VideoId"] == created["VideoId"]
    assert decode(refreshed["UploadAddress"]) == decode(created["UploadAddress"])
    assert decode(refreshed["UploadAuth"])["AccessKeyId"] != decode(created["UploadAuth"])["AccessKeyId"]
    bucket, key = oss_bucket(refreshed)
    bucket.put_object(key, clip)
    assert vod.backend.get_video(created["VideoId"]).status == "UploadSucc"
    request = RefreshUploadVideoRequest()
    request.set_VideoId("0" * 32)
    with pytest.raises(ServerException) as error:
        call(vod.acs_client(), request)
    assert error.value.get_error_code() == "InvalidVideo.NotFound"


def test_an_expired_token_is_refused(vod: Any, clip: bytes) -> None:
    created = create_upload_video(vod)
    auth = decode(created["UploadAuth"])
    vod.state.accounts.set_active(auth["AccessKeyId"], False)
    bucket, key = oss_bucket(created)
    with pytest.raises(oss2.exceptions.ServerError) as error:
        bucket.put_object(key, clip)
    assert error.value.code == "InvalidAccessKeyId"


@pytest.mark.parametrize("file_name", ["clip", "clip.txt", "folder/", "clip."])
def test_file_name_needs_a_media_extension(vod: Any, file_name: str) -> None:
    with pytest.raises(ServerException) as error:
        create_upload_video(vod, file_name=file_name)
    assert (error.value.get_error_code(), error.value.get_http_status()) == ("InvalidFileName.Extension", 400)
    assert error.value.get_error_msg() == "The specified FileName's extension is illegal."


def test_image_upload(vod: Any, completed: list[UploadCompleted]) -> None:
    request = CreateUploadImageRequest()
    request.set_ImageType("cover")
    request.set_ImageExt("png")
    request.set_Title("a cover")
    created = call(vod.acs_client(), request)
    assert set(created) == {"RequestId", "ImageId", "ImageURL", "FileURL", "UploadAddress", "UploadAuth"}
    bucket, key = oss_bucket(created)
    assert key == f"image/cover/{created['ImageId'].upper()}-6-2.png"
    assert created["ImageURL"].endswith(key)
    png = make_image(64, 48, fmt="png")
    bucket.put_object(key, png)
    image = vod.backend.get_image(created["ImageId"])
    assert (image.status, image.width, image.height, image.file_size) == ("Normal", 64, 48, len(png))
    assert [(c.kind, c.status, c.ok) for c in completed] == [("image", "Normal", True)]


def test_image_upload_of_junk_fails(vod: Any) -> None:
    request = CreateUploadImageRequest()
    request.set_ImageType("default")
    created = call(vod.acs_client(), request)
    bucket, key = oss_bucket(created)
    bucket.put_object(key, b"not a picture" * 10)
    assert vod.backend.get_image(created["ImageId"]).status == "UploadFail"


def test_tea_client_flow(vod: Any, clip: bytes) -> None:
    from alibabacloud_vod20170321 import models

    client = vod.tea_client()
    body = client.create_upload_video(models.CreateUploadVideoRequest(title="tea", file_name="tea.mov")).body
    address, auth = decode(body.upload_address), decode(body.upload_auth)
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], clip)
    assert vod.backend.get_video(body.video_id).status == "UploadSucc"


def test_with_the_lifecycle_running_the_upload_ends_normal_with_events(vod: Any, clip: bytes) -> None:
    lifecycle = emulator_of(vod.app).lifecycle
    bus = emulator_of(vod.app).events
    if lifecycle is None or bus is None:
        pytest.skip("the lifecycle and events components are not installed")
    lifecycle.scheduler.set_timing("instant")
    created = create_upload_video(vod)
    bucket, key = oss_bucket(created)
    bucket.put_object(key, clip)
    video = vod.backend.get_video(created["VideoId"])
    assert video.status == "Normal"
    uploads = [r.event for r in bus.log if r.event.get("EventType") == "FileUploadComplete"]
    assert [(e["VideoId"], e["Size"]) for e in uploads] == [(created["VideoId"], len(clip))]
    assert uploads[0]["FileUrl"] == f"http://{bucket.bucket_name}.oss-cn-shanghai.aliyuncs.com/{key}"


def test_image_upload_emits_image_upload_complete(vod: Any) -> None:
    bus = emulator_of(vod.app).events
    if bus is None:
        pytest.skip("the events component is not installed")
    request = CreateUploadImageRequest()
    request.set_ImageType("default")
    request.set_ImageExt("jpg")
    request.set_UserData('{"Extend": {"mine": "1"}}')
    created = call(vod.acs_client(), request)
    bucket, key = oss_bucket(created)
    jpeg = make_image(32, 32, fmt="jpeg")
    bucket.put_object(key, jpeg)
    [event] = [r.event for r in bus.log if r.event.get("EventType") == "ImageUploadComplete"]
    assert (event["ImageId"], event["Size"], event["Status"]) == (created["ImageId"], len(jpeg), "success")
    assert event["FileURL"] == created["FileURL"] and event["AppId"] == "app-1000000"
    assert json.loads(event["Extend"]) == {"mine": "1"}


def test_an_image_upload_is_not_processed_as_a_video(vod: Any) -> None:
    lifecycle = emulator_of(vod.app).lifecycle
    if lifecycle is None:
        pytest.skip("the lifecycle component is not installed")
    request = CreateUploadImageRequest()
    request.set_ImageType("default")
    created = call(vod.acs_client(), request)
    bucket, key = oss_bucket(created)
    bucket.put_object(key, make_image(32, 32, fmt="png"))
    assert vod.backend.get_image(created["ImageId"]).status == "Normal"
    assert lifecycle.jobs == []


ELSEWHERE = "outin-elsewhere.oss-cn-shanghai.aliyuncs.com"


def uploaded_elsewhere(vod: Any, clip: bytes, **extra: Any) -> tuple[Any, str, str]:
    """A video uploaded to a StorageLocation other than the account's VOD bucket, then processed."""
    emulator = emulator_of(vod.app)
    if emulator.lifecycle is None or emulator.oss is None:
        pytest.skip("the lifecycle and OSS components are not installed")
    emulator.lifecycle.scheduler.set_timing("instant")
    created = create_upload_video(vod, StorageLocation=ELSEWHERE, **extra)
    bucket, key = oss_bucket(created)
    assert bucket.bucket_name == "outin-elsewhere"
    bucket.put_object(key, clip)
    return emulator, created["VideoId"], key


def test_a_processing_job_reads_the_source_where_the_upload_went(vod: Any, clip: bytes) -> None:
    from aliyunsdkvod.request.v20170321.SubmitTranscodeJobsRequest import SubmitTranscodeJobsRequest
    from vodfc.emulator.lifecycle import StreamSpec

    emulator, video_id, _ = uploaded_elsewhere(vod, clip)
    emulator.lifecycle.template_groups["tg-mp4"] = [StreamSpec("HD", "mp4")]
    request = SubmitTranscodeJobsRequest()
    request.set_VideoId(video_id)
    request.set_TemplateGroupId("tg-mp4")
    (job,) = call(vod.acs_client(), request)["TranscodeJobs"]["TranscodeJob"]
    (stream,) = [s for s in vod.backend.streams_of(video_id) if s.job_id == job["JobId"]]
    # Outputs go to the account's VOD bucket; an mp4 output is the source's own bytes.
    outputs = vod.backend.storage_location.split(".", 1)[0]
    output_key = (
        stream.play_url.split(f"{outputs}/", 1)[1]
        if vod.mode == "server"
        else stream.play_url.split("/", 3)[3]
    )
    assert emulator.oss.get_object(outputs, output_key).data == clip


def test_a_video_played_as_it_is_plays_from_the_bucket_the_upload_went_to(vod: Any, clip: bytes) -> None:
    from vodfc.emulator.lifecycle import NO_TRANSCODE_GROUP

    _, video_id, key = uploaded_elsewhere(vod, clip, TemplateGroupId=NO_TRANSCODE_GROUP)
    (stream,) = vod.backend.streams_of(video_id)
    assert stream.specification == "Original"
    if vod.mode == "server":
        assert stream.play_url == f"{vod.url}/outin-elsewhere/{key}"
    else:
        assert stream.play_url == f"http://{ELSEWHERE}/{key}"


def test_get_mezzanine_info_shows_the_probed_facts(vod: Any, clip: bytes) -> None:
    from alibabacloud_vod20170321 import models

    created = create_upload_video(vod)
    bucket, key = oss_bucket(created)
    bucket.put_object(key, clip)
    request = models.GetMezzanineInfoRequest(video_id=created["VideoId"], addition_type="video,audio")
    mezzanine = vod.tea_client().get_mezzanine_info(request).body.mezzanine
    assert (mezzanine.width, mezzanine.height, mezzanine.size) == (320, 240, len(clip))
    assert isinstance(mezzanine.duration, str) and 0.95 <= float(mezzanine.duration) <= 1.1
    assert float(mezzanine.fps) == 25.0 and float(mezzanine.bitrate) > 0
    [video] = mezzanine.video_stream_list
    assert (video.codec_name, video.width, video.height, video.pix_fmt) == ("h264", "320", "240", "yuv420p")
    [audio] = mezzanine.audio_stream_list
    assert (audio.codec_name, audio.sample_rate, audio.channels) == ("aac", "44100", "1")
    assert mezzanine.file_md5 == hashlib.md5(clip).hexdigest()


def test_pending_uploads_survive_a_restart_with_a_data_dir(tmp_path: Any, clip: bytes) -> None:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.config import EmulatorConfig
    from vodfc.emulator.server import ThreadedServer

    config = EmulatorConfig(data_dir=str(tmp_path), seed=False)
    with ThreadedServer(create_app(config)) as first:
        client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
        client.add_endpoint("cn-shanghai", "vod", first.endpoint)
        request = CreateUploadVideoRequest()
        request.set_Title("before restart")
        request.set_FileName("clip.mp4")
        created = call(client, request)
        attached_request = CreateUploadAttachedMediaRequest()
        attached_request.set_BusinessType("watermark")
        attached_request.set_MediaExt("png")
        attached = call(client, attached_request)
    with ThreadedServer(create_app(config)) as second:
        hold = emulator_of(second.app).lifecycle
        if hold is not None:
            hold.scheduler.set_timing("manual")
        # No RefreshUploadVideo here: the account's own key writes the object, so only the records
        # persisted in the data dir can tell the ingest component whose upload it is.
        address = decode(created["UploadAddress"])
        owner = oss2.Auth("vodfc-access-key-id", "vodfc-access-key-secret")
        oss2.Bucket(owner, second.url, address["Bucket"]).put_object(address["FileName"], clip)
        video = get_state(second.app).backend().get_video(created["VideoId"])
        assert video.status == "UploadSucc" and video.size == len(clip)
        address = decode(attached["UploadAddress"])
        oss2.Bucket(owner, second.url, address["Bucket"]).put_object(address["FileName"], b"png bytes")
        medium = get_state(second.app).backend().attached[attached["MediaId"]]
        assert (medium.status, medium.file_size) == ("Normal", len(b"png bytes"))


def test_get_upload_details_follows_the_upload(vod: Any, clip: bytes) -> None:
    from alibabacloud_vod20170321 import models

    created = create_upload_video(vod, FileSize=len(clip))
    video_id = created["VideoId"]
    client = vod.tea_client()

    def details() -> Any:
        request = models.GetUploadDetailsRequest(media_ids=f"{video_id},{'0' * 32}")
        return client.get_upload_details(request).body

    before = details()
    assert before.non_exist_media_ids == ["0" * 32]
    [detail] = before.upload_details
    assert (detail.media_id, detail.upload_status, detail.upload_size, detail.file_size) == (
        video_id,
        "Uploading",
        0,
        len(clip),
    )
    assert detail.completion_time is None and detail.status == "Uploading"
    bucket, key = oss_bucket(created)
    upload_id = bucket.init_multipart_upload(key).upload_id
    bucket.upload_part(key, upload_id, 1, clip[:1000])
    [detail] = details().upload_details
    assert (detail.upload_size, detail.upload_ratio) == (1000, round(1000 / len(clip), 4))
    bucket.abort_multipart_upload(key, upload_id)
    bucket.put_object(key, clip)
    [detail] = details().upload_details
    assert (detail.upload_status, detail.upload_size, detail.upload_ratio) == ("Normal", len(clip), 1.0)
    assert detail.status == "UploadSucc" and detail.completion_time


def test_hls_upload_with_its_segments_under_the_object_prefix(vod: Any) -> None:
    created = create_upload_video(vod, file_name="show.m3u8")
    address = decode(created["UploadAddress"])
    assert list(address) == ["Endpoint", "Bucket", "FileName", "ObjectPrefix"]
    prefix = address["ObjectPrefix"]
    assert address["FileName"].startswith(prefix) and prefix.endswith("/")
    bucket, key = oss_bucket(created)
    segments = [make_video(seconds=0.5, container="mpegts") for _ in range(2)]
    for index, segment in enumerate(segments):
        bucket.put_object(f"{prefix}seg-{index}.ts", segment)
    with pytest.raises(oss2.exceptions.AccessDenied):
        bucket.put_object("elsewhere/seg.ts", segments[0])
    assert vod.backend.get_video(created["VideoId"]).status == "Uploading"
    playlist = (
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:0.5,\nseg-0.ts\n#EXTINF:0.5,\nseg-1.ts\n#EXT-X-ENDLIST\n"
    )
    bucket.put_object(key, playlist.encode())
    video = vod.backend.get_video(created["VideoId"])
    assert video.status == "UploadSucc"
    assert 0.95 <= video.duration <= 1.2
    assert video.size == len(playlist) + sum(len(s) for s in segments)
    assert vod.backend.get_mezzanine(video.video_id).width == 320

    broken = create_upload_video(vod, file_name="broken.m3u8")
    bucket, key = oss_bucket(broken)
    bucket.put_object(key, b"#EXTM3U\n#EXTINF:1,\nmissing.ts\n")
    assert vod.backend.get_video(broken["VideoId"]).status == "UploadFail"


def test_the_image_url_is_readable_without_a_signature_in_process(vod: Any) -> None:
    if vod.mode != "inprocess":
        pytest.skip("ImageURL names the real OSS host, which only the in-process mock answers")
    import requests

    request = CreateUploadImageRequest()
    request.set_ImageType("default")
    created = call(vod.acs_client(), request)
    bucket, key = oss_bucket(created)
    png = make_image(16, 16)
    bucket.put_object(key, png)
    answer = requests.get(created["ImageURL"], timeout=5)
    assert answer.status_code == 200 and answer.content == png
    with pytest.raises(oss2.exceptions.AccessDenied):
        oss2.Bucket(
            oss2.AnonymousAuth(), "https://oss-cn-shanghai.aliyuncs.com", bucket.bucket_name
        ).put_object(key, b"x")
