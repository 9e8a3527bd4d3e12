"""A real upload end to end: CreateUploadVideo through the SDK, the file through oss2 with the returned
credentials, then the ingest component hands over to the lifecycle and the video becomes Normal with
every event delivered to a signed callback, in both modes."""

from __future__ import annotations

import base64
import json
from typing import Any

import oss2
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.shared.events.signature import sign


def call(vod: Any, request: Any) -> dict[str, Any]:
    return json.loads(vod.acs_client().do_action_with_exception(request))  # type: ignore[no-any-return]


def upload(vod: Any, data: bytes, **extra: str) -> str:
    request = CreateUploadVideoRequest()
    request.set_Title("Holiday")
    request.set_FileName("holiday.mp4")
    for name, value in extra.items():
        getattr(request, f"set_{name}")(value)
    created = call(vod, request)
    address = json.loads(base64.b64decode(created["UploadAddress"]))
    auth = json.loads(base64.b64decode(created["UploadAuth"]))
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], data)
    return str(created["VideoId"])


def status(vod: Any, video_id: str) -> str:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return str(call(vod, request)["Video"]["Status"])


def test_upload_to_normal_with_every_event(vod: Any, bus: Any, receiver: Any, source_video: bytes) -> None:
    bus.configure(callback_url=receiver.url, auth_switch="on", auth_key="Abc123xyz")
    video_id = upload(vod, source_video, UserData=json.dumps({"Extend": {"order": "42"}}))
    assert status(vod, video_id) == "Normal"
    bus.flush()
    kinds = [record.event_type for record in bus.log]
    assert kinds == [
        "MediaBaseChangeComplete",
        "FileUploadComplete",
        "VideoAnalysisComplete",
        "StreamTranscodeComplete",
        "SnapshotComplete",
        "StreamTranscodeComplete",
        "StreamTranscodeComplete",
        "TranscodeComplete",
    ]
    create, uploaded = bus.log[0].event, bus.log[1].event
    assert create["OperateMode"] == "create" and create["MediaId"] == video_id
    assert uploaded["Size"] == len(source_video) and uploaded["Extend"] == '{"order":"42"}'
    assert uploaded["FileUrl"].startswith("http://outin-")
    assert all(record.status == "delivered" for record in bus.log)
    requests = receiver.wait_for(len(kinds))
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        expected = sign(receiver.url, headers["x-vod-timestamp"], "Abc123xyz")
        assert headers["x-vod-signature"] == expected
    # The outputs are objects of the account's (private) VOD bucket, on the address the client used.
    from vodfc.emulator.oss import get_oss

    stream = vod.backend.streams_of(video_id)[0]
    bucket = vod.backend.storage_location.split(".", 1)[0]
    key = (
        stream.play_url.split(f"{bucket}/", 1)[1]
        if vod.mode == "server"
        else stream.play_url.split("/", 3)[3]
    )
    assert get_oss(vod.app).get_object(bucket, key).data == source_video
    if vod.mode == "server":
        assert stream.play_url.startswith(vod.url)


def test_the_lifecycle_takes_the_upload_ingest_hands_it(
    vod: Any, lifecycle: Any, bus: Any, source_video: bytes
) -> None:
    # FileUploadComplete is left out when the outcome says the caller sends it itself.
    lifecycle.set_outcome(emit_upload_event=False)
    video_id = upload(vod, source_video)
    assert status(vod, video_id) == "Normal"
    assert "FileUploadComplete" not in [record.event_type for record in bus.log]
    assert lifecycle.job(video_id).statuses[:2] == ["UploadSucc", "Transcoding"]


def test_a_file_that_is_not_media_sends_no_upload_event(vod: Any, bus: Any) -> None:
    video_id = upload(vod, b"definitely not a video")
    assert status(vod, video_id) == "UploadFail"
    assert [record.event_type for record in bus.log] == ["MediaBaseChangeComplete"]


def test_ingest_can_leave_broken_files_to_transcoding(vod: Any, bus: Any) -> None:
    from vodfc.emulator.ingest import get_ingest

    get_ingest(vod.app).non_media_status = "UploadSucc"  # the reference's inferred VOD behaviour
    try:
        video_id = upload(vod, b"definitely not a video")
    finally:
        get_ingest(vod.app).non_media_status = "UploadFail"
    assert status(vod, video_id) == "TranscodeFail"
    kinds = [record.event_type for record in bus.log]
    assert kinds == [
        "MediaBaseChangeComplete",
        "FileUploadComplete",
        "VideoAnalysisComplete",
        "TranscodeComplete",
    ]
    assert bus.log[2].event["Status"] == "fail"


def test_message_callback_set_through_the_tea_sdk(
    vod: Any, bus: Any, receiver: Any, source_video: bytes
) -> None:
    from alibabacloud_vod20170321 import models

    client = vod.tea_client()
    client.set_message_callback(
        models.SetMessageCallbackRequest(
            callback_type="HTTP",
            callback_url=receiver.url,
            event_type_list="FileUploadComplete,TranscodeComplete",
            auth_switch="on",
            auth_key="Abc123xyz",
        )
    )
    got = client.get_message_callback(models.GetMessageCallbackRequest()).body.message_callback
    assert (got.callback_url, got.event_type_list, got.auth_switch) == (
        receiver.url,
        "FileUploadComplete,TranscodeComplete",
        "on",
    )
    upload(vod, source_video)
    bus.flush()
    received = [json.loads(r["body"])["EventType"] for r in receiver.wait_for(2)]
    assert received == ["FileUploadComplete", "TranscodeComplete"]
    client.delete_message_callback(models.DeleteMessageCallbackRequest())
    assert client.get_message_callback(models.GetMessageCallbackRequest()).body.message_callback is None
