"""DeleteMediaComplete and MediaBaseChangeComplete caused by management calls, through the SDK: each
action emits where it makes the change (``vodfc.emulator.vod.media_events``)."""

from __future__ import annotations

import json
from typing import Any

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from aliyunsdkvod.request.v20170321.DeleteImageRequest import DeleteImageRequest
from aliyunsdkvod.request.v20170321.DeleteMezzaninesRequest import DeleteMezzaninesRequest
from aliyunsdkvod.request.v20170321.DeleteStreamRequest import DeleteStreamRequest
from aliyunsdkvod.request.v20170321.DeleteVideoRequest import DeleteVideoRequest
from aliyunsdkvod.request.v20170321.UpdateImageInfosRequest import UpdateImageInfosRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfosRequest import UpdateVideoInfosRequest


def new_video(vod: Any, **fields: Any) -> str:
    with vod.backend.lock:
        return str(vod.backend.create_video(fields.pop("title", "Old title"), **fields).video_id)


def call(vod: Any, request: Any) -> dict[str, Any]:
    return json.loads(vod.acs_client().do_action_with_exception(request))  # type: ignore[no-any-return]


def content(event: dict[str, Any]) -> dict[str, Any]:
    return {name: json.loads(value) for name, value in event["MediaContent"].items()}


def test_update_video_info_sends_the_changed_fields(vod: Any, bus: Any, receiver: Any) -> None:
    bus.configure(callback_url=receiver.url)
    video_id = new_video(vod, description="same")
    request = UpdateVideoInfoRequest()
    request.set_VideoId(video_id)
    request.set_Title("New title")
    request.set_Description("same")
    request.set_Tags("a,b")
    call(vod, request)
    bus.flush()
    (event,) = bus.events("MediaBaseChangeComplete")
    assert (event["MediaId"], event["MediaType"], event["OperateMode"], event["Status"]) == (
        video_id,
        "video",
        "update",
        "success",
    )
    assert content(event) == {
        "Title": {"OldValue": "Old title", "NewValue": "New title"},
        "Tags": {"NewValue": "a,b"},
    }
    assert json.loads(receiver.wait_for(1)[0]["body"]) == event


def test_nothing_changed_nothing_sent(vod: Any, bus: Any) -> None:
    video_id = new_video(vod)
    request = UpdateVideoInfoRequest()
    request.set_VideoId(video_id)
    request.set_Title("Old title")
    call(vod, request)
    assert bus.events("MediaBaseChangeComplete") == []


def test_update_video_infos_one_event_per_changed_video(vod: Any, bus: Any) -> None:
    first, second = new_video(vod), new_video(vod)
    request = UpdateVideoInfosRequest()
    request.set_UpdateContent(
        json.dumps([{"VideoId": first, "Title": "One"}, {"VideoId": second, "Title": "Old title"}])
    )
    call(vod, request)
    bus.flush()
    assert [e["MediaId"] for e in bus.events("MediaBaseChangeComplete")] == [first]


def test_delete_video(vod: Any, bus: Any, receiver: Any) -> None:
    bus.configure(callback_url=receiver.url)
    override = receiver.url + "?per-video"
    video_id = new_video(vod, user_data=json.dumps({"MessageCallback": {"CallbackURL": override}}))
    other = new_video(vod)
    request = DeleteVideoRequest()
    request.set_VideoIds(f"{video_id},{other},{'f' * 32}")
    call(vod, request)
    bus.flush()
    deletes = bus.events("DeleteMediaComplete")
    assert [(e["MediaId"], e["Status"], e["DeleteType"]) for e in deletes] == [
        (video_id, "success", "all"),
        (other, "success", "all"),
        ("f" * 32, "fail", "all"),
    ]
    assert deletes[2]["ErrorCode"] == "InvalidVideo.NotFound"
    changes = bus.events("MediaBaseChangeComplete", MediaId=video_id)
    assert changes[0]["OperateMode"] == "delete"
    assert content(changes[0]) == {"Title": {"OldValue": "Old title"}}
    # The per-video URL from UserData got that video's events.
    paths = [r["path"] for r in receiver.wait_for(5)]
    assert paths.count("/vod/callback?per-video") == 2


def test_a_failed_call_sends_nothing(vod: Any, bus: Any) -> None:
    request = UpdateVideoInfoRequest()
    request.set_VideoId("0" * 32)
    request.set_Title("x")
    try:
        call(vod, request)
    except ServerException as error:
        assert error.get_error_code() == "InvalidVideo.NotFound"
    assert bus.log == []


# --- the other actions that change media --------------------------------------------------------


def delete_image_by_url(vod: Any, url: str) -> None:
    request = DeleteImageRequest()
    request.set_DeleteImageType("ImageURL")
    request.set_ImageURLs(url)
    call(vod, request)


def test_create_upload_video_announces_the_new_video(vod: Any, bus: Any) -> None:
    request = CreateUploadVideoRequest()
    request.set_Title("Fresh")
    request.set_FileName("fresh.mp4")
    request.set_Tags("x")
    video_id = call(vod, request)["VideoId"]
    (event,) = bus.events("MediaBaseChangeComplete")
    assert event["OperateMode"] == "create" and event["MediaId"] == video_id
    assert content(event) == {"Title": {"NewValue": "Fresh"}, "Tags": {"NewValue": "x"}}


def test_delete_stream_and_mezzanines(vod: Any, bus: Any) -> None:
    video_id = new_video(vod)
    backend = vod.backend
    with backend.lock:
        streams = [backend.add_stream(video_id, definition=d, format="mp4") for d in ("LD", "SD")]
        backend.set_mezzanine(video_id, status="Normal")
    job_ids = ",".join(s.job_id for s in streams)
    request = DeleteStreamRequest()
    request.set_VideoId(video_id)
    request.set_JobIds(job_ids)
    call(vod, request)
    request = DeleteMezzaninesRequest()
    request.set_VideoIds(video_id)
    call(vod, request)
    stream_event, mezzanine_event = bus.events("DeleteMediaComplete")
    assert (stream_event["DeleteType"], stream_event["JobIds"]) == ("stream", job_ids)
    assert (mezzanine_event["DeleteType"], mezzanine_event["MediaId"]) == ("mezzanine", video_id)
    assert "JobIds" not in mezzanine_event


def test_images(vod: Any, bus: Any) -> None:
    backend = vod.backend
    with backend.lock:
        image = backend.create_image(title="Pic", status="Normal")
        other = backend.create_image(title="Kept", status="Normal")
    request = UpdateImageInfosRequest()
    request.set_UpdateContent(json.dumps([{"ImageId": image.image_id, "Title": "Renamed"}]))
    call(vod, request)
    delete_image_by_url(vod, image.url)
    (change,) = bus.events("MediaBaseChangeComplete")
    assert change["MediaType"] == "image" and content(change) == {
        "Title": {"OldValue": "Pic", "NewValue": "Renamed"}
    }
    (deleted,) = bus.events("DeleteMediaComplete")
    assert (deleted["MediaType"], deleted["MediaId"], deleted["DeleteType"]) == (
        "image",
        image.image_id,
        "all",
    )
    assert other.image_id in backend.images


def test_an_image_deleted_by_a_signed_url_is_announced(vod: Any, bus: Any) -> None:
    # A CDN or signed address carries a query string; VOD matches the image without it.
    with vod.backend.lock:
        image = vod.backend.create_image(title="Pic", status="Normal")
    delete_image_by_url(vod, f"{image.url}?auth_key=1700000000-0-0-0123456789abcdef")
    assert image.image_id not in vod.backend.images
    (deleted,) = bus.events("DeleteMediaComplete")
    assert (deleted["MediaType"], deleted["MediaId"]) == ("image", image.image_id)


def test_delete_stream_announces_only_the_video_whose_streams_it_deleted(vod: Any, bus: Any) -> None:
    # VideoId wins over ReferenceId: the referenced video is untouched and hears nothing.
    video_id, other = new_video(vod), new_video(vod, reference_id="ref-other")
    backend = vod.backend
    with backend.lock:
        stream = backend.add_stream(video_id, definition="LD", format="mp4")
        kept = backend.add_stream(other, definition="LD", format="mp4")
    request = DeleteStreamRequest()
    request.set_VideoId(video_id)
    request.set_ReferenceId("ref-other")
    request.set_JobIds(stream.job_id)
    call(vod, request)
    assert [s.job_id for s in backend.streams_of(other)] == [kept.job_id]
    (event,) = bus.events("DeleteMediaComplete")
    assert (event["MediaId"], event["DeleteType"], event["JobIds"]) == (video_id, "stream", stream.job_id)
