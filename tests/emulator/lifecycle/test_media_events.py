"""DeleteMediaComplete and MediaBaseChangeComplete caused by management calls: through the SDK for the
actions the VOD backend answers, and by driving the hooks directly for the others."""

from __future__ import annotations

import json
from typing import Any

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.DeleteVideoRequest import DeleteVideoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfosRequest import UpdateVideoInfosRequest
from vodfc.emulator.protocol import RequestContext, new_request_id


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


# --- hooks driven directly (the actions belong to other components) ---------------------------------


def drive(
    vod: Any, action: str, params: dict[str, str], change: Any, result: dict[str, Any] | None = None
) -> None:
    from vodfc.emulator.lifecycle import get_lifecycle

    hooks = get_lifecycle(vod.app).media_events
    backend = vod.backend
    ctx = RequestContext(
        request_id=new_request_id(),
        access_key_id="ak",
        account_id=backend.account_id,
        region=backend.region,
        host_url="http://127.0.0.1",
        mode="inprocess",
        now=vod.state.config.clock(),
    )
    with backend.lock:
        hooks.before_action(backend, action, params, ctx)
        answer = change() or {}
        hooks.after_action(backend, action, params, ctx, result if result is not None else answer)


def test_create_upload_video_announces_the_new_video(vod: Any, bus: Any) -> None:
    holder: dict[str, str] = {}

    def create() -> dict[str, str]:
        holder["id"] = new_video(vod, title="Fresh", tags="x", cate_id=None)
        return {"VideoId": holder["id"]}

    drive(vod, "CreateUploadVideo", {"Title": "Fresh"}, create)
    (event,) = bus.events("MediaBaseChangeComplete")
    assert event["OperateMode"] == "create" and event["MediaId"] == holder["id"]
    assert content(event) == {"Title": {"NewValue": "Fresh"}, "Tags": {"NewValue": "x"}}


def test_delete_stream_and_mezzanines(vod: Any, bus: Any) -> None:
    video_id = new_video(vod)
    backend = vod.backend
    with backend.lock:
        streams = [backend.add_stream(video_id, definition=d, format="mp4") for d in ("LD", "SD")]
        backend.set_mezzanine(video_id, status="Normal")
    job_ids = ",".join(s.job_id for s in streams)
    drive(
        vod,
        "DeleteStream",
        {"VideoId": video_id, "JobIds": job_ids},
        lambda: backend.delete_streams(video_id, job_ids.split(",")) and None,
    )
    drive(
        vod,
        "DeleteMezzanines",
        {"VideoIds": video_id},
        lambda: backend.set_mezzanine(video_id, status="Deleted") and None,
    )
    stream_event, mezzanine_event = bus.events("DeleteMediaComplete")
    assert (stream_event["DeleteType"], stream_event["JobIds"]) == ("stream", job_ids)
    assert (mezzanine_event["DeleteType"], mezzanine_event["MediaId"]) == ("mezzanine", video_id)
    assert "JobIds" not in mezzanine_event


def test_images(vod: Any, bus: Any) -> None:
    backend = vod.backend
    with backend.lock:
        image = backend.create_image(title="Pic", status="Normal")
        other = backend.create_image(title="Kept", status="Normal")

    def retitle() -> None:
        image.title = "Renamed"
        backend.save_image(image)

    drive(
        vod,
        "UpdateImageInfos",
        {"UpdateContent": json.dumps([{"ImageId": image.image_id, "Title": "Renamed"}])},
        retitle,
    )
    drive(
        vod,
        "DeleteImage",
        {"DeleteImageType": "ImageURL", "ImageURLs": image.url},
        lambda: backend.delete_image(image.image_id) and None,
    )
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
