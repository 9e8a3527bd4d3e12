"""TagOnUpload: VOD's FileUploadComplete event tags the video, whether it comes from a real upload through
the official clients, from an emitted event, or from an invocation by hand."""

from __future__ import annotations

import base64
import json

import oss2
import pytest
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.fc_target import FunctionError


def video(fc, video_id: str) -> dict:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return json.loads(fc.vod.acs_client().do_action_with_exception(request))["Video"]


def test_an_upload_through_the_official_clients_tags_the_video(fc) -> None:
    from vodfc.emulator.media.synth import make_video

    request = CreateUploadVideoRequest()
    request.set_Title("holiday")
    request.set_FileName("holiday.mp4")
    request.set_Tags("family")
    answer = json.loads(fc.vod.acs_client().do_action_with_exception(request))
    address = json.loads(base64.b64decode(answer["UploadAddress"]))
    auth = json.loads(base64.b64decode(answer["UploadAuth"]))
    bucket = oss2.Bucket(
        oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"]),
        address["Endpoint"],
        address["Bucket"],
    )
    bucket.put_object(address["FileName"], make_video())
    fc.flush()  # VOD's events reach the functions in the background against a server
    assert video(fc, answer["VideoId"])["Tags"] == "family,uploaded,small"
    uploads = [d for d in fc.deliveries if d.event_type == "FileUploadComplete"]
    assert [(d.function, d.invocation.ok) for d in uploads] == [("TagOnUpload", True)]


def test_an_emitted_event_is_delivered_once(fc) -> None:
    backend = fc.vod.backend
    with backend.lock:
        video_id = backend.create_video("big one", status="Normal", tags="raw").video_id
    delivered = fc.emit("FileUploadComplete", video_id=video_id, Size=200 * 1024 * 1024)
    # The event, then the MediaBaseChangeComplete the function's own UpdateVideoInfo made.
    assert [d.event_type for d in delivered] == ["FileUploadComplete", "MediaBaseChangeComplete"]
    delivery = delivered[0]
    assert delivery.invocation.json() == {
        "Outcome": "tagged",
        "VideoId": video_id,
        "Tags": ["raw", "uploaded", "large"],
    }
    assert video(fc, video_id)["Tags"] == "raw,uploaded,large"


def test_other_events_are_ignored(fc) -> None:
    (delivery,) = fc.emit("SnapshotComplete", video_id="anything")
    assert delivery.invocation.json() == {"Outcome": "ignored", "EventType": "SnapshotComplete"}


def test_a_broken_event_is_a_function_error(fc) -> None:
    with pytest.raises(FunctionError) as caught:
        fc.invoke("TagOnUpload", "not json")
    assert caught.value.error_type == "JSONDecodeError"
    assert "Traceback" not in str(caught.value)
    assert "FC Invoke End" in caught.value.log
