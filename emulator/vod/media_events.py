"""The events VOD sends because of a management call: DeleteMediaComplete and MediaBaseChangeComplete.

Each action emits where it makes the change, on its call's ``RequestContext``; the gateway publishes
them once the call committed, so a call that fails sends none, and a write that is no call (seeding,
a test's direct backend write) sends none either:

* CreateUploadVideo (the ingest component's action) → MediaBaseChangeComplete ``create``, before any
  upload, as VOD does;
* UpdateVideoInfo(s) → MediaBaseChangeComplete ``update`` with the fields the backend really changed;
  UpdateImageInfos the same for images (``MediaType`` image);
* DeleteVideo → DeleteMediaComplete ``all`` and MediaBaseChangeComplete ``delete`` per deleted video,
  then DeleteMediaComplete ``fail`` (InvalidVideo.NotFound) per unknown VideoId;
* DeleteMezzanines → DeleteMediaComplete ``mezzanine``; DeleteStream → ``stream`` with the deleted JobIds;
* DeleteImage → DeleteMediaComplete ``all`` with ``MediaType`` image per deleted image (its VideoId
  mode clears a video's snapshots, deletes no image record and sends nothing);
* UpdateAttachedMediaInfos → MediaBaseChangeComplete ``update`` (``MediaType`` attached, Title,
  Description, Tags); DeleteAttachedMedia → DeleteMediaComplete ``all`` (``MediaType`` attached, which
  the event's documented MediaType values include) per deleted asset.

VOD documents DeleteMediaComplete for DeleteVideo and MediaBaseChangeComplete for CreateUploadVideo,
UpdateVideoInfo(s) and DeleteVideo (shared/spec/vod-api.md §4); the other actions send them the same way
here. A medium's events go to its AppId's message callback, or to the URL in its ``UserData`` as it was
before the call; an unknown id's failure goes to the default AppId's callback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.events import payloads
from vodfc.emulator.events.user_data import callback_url_of

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext
    from vodfc.emulator.vod.models import AttachedMedia, Image, Video

# MediaContent's fields, by the record attribute that holds each.
VIDEO_CONTENT = {
    "title": "Title",
    "description": "Description",
    "cover_url": "CoverURL",
    "cate_id": "CateId",
    "tags": "Tags",
}
IMAGE_CONTENT = {"title": "Title", "description": "Description", "cate_id": "CateId", "tags": "Tags"}
ATTACHED_CONTENT = {"title": "Title", "description": "Description", "tags": "Tags"}


def _content(record: Video | Image, fields: Mapping[str, str], *, old: bool) -> dict[str, tuple[Any, Any]]:
    """The record's non-empty MediaContent fields, as the old or the new value of a change."""
    values = {wire: getattr(record, attr) for attr, wire in fields.items()}
    return {
        wire: (value, None) if old else (None, value)
        for wire, value in values.items()
        if value not in (None, "")
    }


def _changed(changed: Mapping[str, tuple[Any, Any]], fields: Mapping[str, str]) -> dict[str, tuple[Any, Any]]:
    return {wire: changed[attr] for attr, wire in fields.items() if attr in changed}


def video_created(ctx: RequestContext, video: Video) -> None:
    event = payloads.media_base_change_complete(
        video.video_id,
        operate_mode="create",
        changes=_content(video, VIDEO_CONTENT, old=False),
        event_time=ctx.now,
    )
    ctx.emit(event, app_id=video.app_id, callback_url=callback_url_of(video.user_data))


def video_updated(
    ctx: RequestContext, video: Video, changed: Mapping[str, tuple[Any, Any]], user_data: str | None
) -> None:
    """``changed``: what ``VodBackend.update_video`` changed; ``user_data``: the video's before the call."""
    content = _changed(changed, VIDEO_CONTENT)
    if content:
        event = payloads.media_base_change_complete(
            video.video_id, operate_mode="update", changes=content, event_time=ctx.now
        )
        ctx.emit(event, app_id=video.app_id, callback_url=callback_url_of(user_data))


def image_updated(ctx: RequestContext, image: Image, changed: Mapping[str, tuple[Any, Any]]) -> None:
    content = _changed(changed, IMAGE_CONTENT)
    if content:
        event = payloads.media_base_change_complete(
            image.image_id, operate_mode="update", changes=content, media_type="image", event_time=ctx.now
        )
        ctx.emit(event, app_id=image.app_id, callback_url=callback_url_of(image.user_data))


def video_deleted(ctx: RequestContext, video: Video) -> None:
    where = {"app_id": video.app_id, "callback_url": callback_url_of(video.user_data)}
    ctx.emit(payloads.delete_media_complete(video.video_id, delete_type="all", event_time=ctx.now), **where)
    event = payloads.media_base_change_complete(
        video.video_id,
        operate_mode="delete",
        changes=_content(video, VIDEO_CONTENT, old=True),
        event_time=ctx.now,
    )
    ctx.emit(event, **where)


def video_not_found(ctx: RequestContext, video_id: str) -> None:
    """DeleteVideo named a video that does not exist."""
    event = payloads.delete_media_complete(
        video_id,
        delete_type="all",
        status=payloads.FAIL,
        event_time=ctx.now,
        error_code="InvalidVideo.NotFound",
        error_message="The video does not exist.",
    )
    ctx.emit(event)


def mezzanine_deleted(ctx: RequestContext, video: Video) -> None:
    event = payloads.delete_media_complete(video.video_id, delete_type="mezzanine", event_time=ctx.now)
    ctx.emit(event, app_id=video.app_id, callback_url=callback_url_of(video.user_data))


def streams_deleted(ctx: RequestContext, video: Video, job_ids: Iterable[str]) -> None:
    event = payloads.delete_media_complete(
        video.video_id, delete_type="stream", job_ids=job_ids, event_time=ctx.now
    )
    ctx.emit(event, app_id=video.app_id, callback_url=callback_url_of(video.user_data))


def image_deleted(ctx: RequestContext, image: Image) -> None:
    event = payloads.delete_media_complete(
        image.image_id, media_type="image", delete_type="all", event_time=ctx.now
    )
    ctx.emit(event, app_id=image.app_id, callback_url=callback_url_of(image.user_data))


def attached_updated(
    ctx: RequestContext, attached: AttachedMedia, changed: Mapping[str, tuple[Any, Any]]
) -> None:
    content = _changed(changed, ATTACHED_CONTENT)
    if content:
        event = payloads.media_base_change_complete(
            attached.media_id,
            operate_mode="update",
            changes=content,
            media_type="attached",
            event_time=ctx.now,
        )
        ctx.emit(event, app_id=attached.app_id, callback_url=callback_url_of(attached.user_data))


def attached_deleted(ctx: RequestContext, attached: AttachedMedia) -> None:
    event = payloads.delete_media_complete(
        attached.media_id, media_type="attached", delete_type="all", event_time=ctx.now
    )
    ctx.emit(event, app_id=attached.app_id, callback_url=callback_url_of(attached.user_data))
