"""Events VOD sends because of a management call: DeleteMediaComplete and MediaBaseChangeComplete.

A ``before_action`` hook notes what the named media looked like; the ``after_action`` hook (run only
after the call committed) compares and emits:

* CreateUploadVideo → MediaBaseChangeComplete ``create`` (before any upload, as VOD does);
* UpdateVideoInfo(s) → MediaBaseChangeComplete ``update`` with the changed fields only;
* UpdateImageInfos → the same for images (``MediaType`` image);
* DeleteVideo → DeleteMediaComplete ``all`` per deleted video (``fail`` with InvalidVideo.NotFound
  per unknown id) and MediaBaseChangeComplete ``delete``;
* DeleteMezzanines → DeleteMediaComplete ``mezzanine``; DeleteStream → ``stream`` with the JobIds;
* DeleteImage → DeleteMediaComplete ``all`` with ``MediaType`` image per deleted image.

The hooks only read the backend; anything they cannot make sense of is skipped, never an error for
the call that already succeeded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.events.bus import EventBus
from vodfc.emulator.lifecycle.user_data import callback_url_of
from vodfc.emulator.protocol import RequestContext
from vodfc.shared import boundedjson
from vodfc.shared.events import payloads

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

log = logging.getLogger("vodfc.lifecycle")

# MediaContent field -> record attribute.
VIDEO_FIELDS = {
    "Title": "title",
    "Description": "description",
    "CoverURL": "cover_url",
    "CateId": "cate_id",
    "Tags": "tags",
}
IMAGE_FIELDS = {"Title": "title", "Description": "description", "CateId": "cate_id", "Tags": "tags"}
WATCHED = {
    "CreateUploadVideo",
    "UpdateVideoInfo",
    "UpdateVideoInfos",
    "UpdateImageInfos",
    "DeleteVideo",
    "DeleteMezzanines",
    "DeleteStream",
    "DeleteImage",
}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _entries(params: Mapping[str, str]) -> list[dict[str, Any]]:
    try:
        entries = boundedjson.loads(params.get("UpdateContent") or "[]")
    except ValueError:
        return []
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _fields(record: Any, names: Mapping[str, str]) -> dict[str, Any]:
    return {wire: getattr(record, attr, None) for wire, attr in names.items()}


class MediaEvents:
    def __init__(self, bus: EventBus):
        self.bus = bus
        self._lock = threading.Lock()
        self._before: dict[str, dict[str, Any]] = {}

    # --- what the call names ---------------------------------------------------------------------

    def _video_ids(self, backend: VodBackend, action: str, params: Mapping[str, str]) -> list[str]:
        ids = _split(params.get("VideoIds")) + _split(params.get("VideoId"))
        references = _split(params.get("ReferenceIds")) + _split(params.get("ReferenceId"))
        if action == "UpdateVideoInfos":
            for entry in _entries(params):
                if entry.get("VideoId"):
                    ids.append(str(entry["VideoId"]))
                elif entry.get("ReferenceId"):
                    references.append(str(entry["ReferenceId"]))
        resolve = getattr(backend, "video_id_of_reference", None)
        for reference in references:
            found = resolve(reference) if resolve else None
            if found:
                ids.append(found)
        return list(dict.fromkeys(ids))

    def _image_ids(self, backend: VodBackend, action: str, params: Mapping[str, str]) -> list[str]:
        images = getattr(backend, "images", {})
        if action == "UpdateImageInfos":
            return [str(e["ImageId"]) for e in _entries(params) if e.get("ImageId")]
        kind = params.get("DeleteImageType")
        if kind == "ImageId":
            return _split(params.get("ImageIds"))
        if kind == "ImageURL":
            urls = set(_split(params.get("ImageURLs")))
            return [i for i, image in images.items() if {image.url, image.file_url} & urls]
        return list(images)  # by VideoId: whatever disappears

    # --- hooks -----------------------------------------------------------------------------------

    def before_action(
        self, backend: VodBackend, action: str, params: Mapping[str, str], ctx: RequestContext
    ) -> None:
        if action not in WATCHED or action == "CreateUploadVideo":
            return
        try:
            videos = getattr(backend, "videos", {})
            images = getattr(backend, "images", {})
            note: dict[str, Any] = {"videos": {}, "images": {}, "mezzanines": {}}
            for vid in self._video_ids(backend, action, params):
                video = videos.get(vid)
                if video is not None:
                    note["videos"][vid] = (_fields(video, VIDEO_FIELDS), getattr(video, "user_data", None))
                    mezz = getattr(backend, "mezzanines", {}).get(vid)
                    note["mezzanines"][vid] = getattr(mezz, "status", None)
            if action in ("UpdateImageInfos", "DeleteImage"):
                for image_id in self._image_ids(backend, action, params):
                    image = images.get(image_id)
                    if image is not None:
                        note["images"][image_id] = _fields(image, IMAGE_FIELDS)
            with self._lock:
                self._before[ctx.request_id] = note
                # A call that failed never reaches after_action: keep only the latest notes.
                while len(self._before) > 256:
                    self._before.pop(next(iter(self._before)))
        except Exception:
            log.exception("noting media before %s failed", action)

    def after_action(
        self,
        backend: VodBackend,
        action: str,
        params: Mapping[str, str],
        ctx: RequestContext,
        result: Mapping[str, Any],
    ) -> None:
        if action not in WATCHED:
            return
        with self._lock:
            note = self._before.pop(ctx.request_id, {"videos": {}, "images": {}, "mezzanines": {}})
        try:
            getattr(self, f"_after_{action}")(backend, params, ctx, result, note)
        except Exception:
            log.exception("emitting the events of %s failed", action)

    # --- per action --------------------------------------------------------------------------------

    def _emit(self, backend: VodBackend, event: dict[str, Any], user_data: str | None = None) -> None:
        self.bus.emit(event, account_id=backend.account_id, callback_url=callback_url_of(user_data))

    def _after_CreateUploadVideo(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        video = getattr(backend, "videos", {}).get(result.get("VideoId"))
        if video is None:
            return
        changes = {k: (None, v) for k, v in _fields(video, VIDEO_FIELDS).items() if v not in (None, "")}
        event = payloads.media_base_change_complete(
            video.video_id, operate_mode="create", changes=changes, event_time=ctx.now
        )
        self._emit(backend, event, video.user_data)

    def _changed(self, backend: VodBackend, note: Any, ctx: RequestContext, media_type: str) -> None:
        records = getattr(backend, "videos" if media_type == "video" else "images", {})
        names = VIDEO_FIELDS if media_type == "video" else IMAGE_FIELDS
        for media_id, before in note["videos" if media_type == "video" else "images"].items():
            old, user_data = before if media_type == "video" else (before, None)
            record = records.get(media_id)
            if record is None:
                continue
            new = _fields(record, names)
            changes = {k: (old[k], new[k]) for k in names if old.get(k) != new.get(k)}
            if not changes:
                continue
            event = payloads.media_base_change_complete(
                media_id, operate_mode="update", changes=changes, media_type=media_type, event_time=ctx.now
            )
            self._emit(backend, event, user_data)

    def _after_UpdateVideoInfo(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        self._changed(backend, note, ctx, "video")

    _after_UpdateVideoInfos = _after_UpdateVideoInfo

    def _after_UpdateImageInfos(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        self._changed(backend, note, ctx, "image")

    def _after_DeleteVideo(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        videos = getattr(backend, "videos", {})
        for vid, (old, user_data) in note["videos"].items():
            if vid in videos:
                continue
            self._emit(
                backend, payloads.delete_media_complete(vid, delete_type="all", event_time=ctx.now), user_data
            )
            changes = {k: (v, None) for k, v in old.items() if v not in (None, "")}
            event = payloads.media_base_change_complete(
                vid, operate_mode="delete", changes=changes, event_time=ctx.now
            )
            self._emit(backend, event, user_data)
        for vid in result.get("NonExistVideoIds") or []:
            event = payloads.delete_media_complete(
                vid,
                delete_type="all",
                status=payloads.FAIL,
                event_time=ctx.now,
                error_code="InvalidVideo.NotFound",
                error_message="The video does not exist.",
            )
            self._emit(backend, event)

    def _after_DeleteMezzanines(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        mezzanines = getattr(backend, "mezzanines", {})
        for vid, (_, user_data) in note["videos"].items():
            before = note["mezzanines"].get(vid)
            after = getattr(mezzanines.get(vid), "status", None)
            if before not in (None, "Deleted") and after in (None, "Deleted"):
                event = payloads.delete_media_complete(vid, delete_type="mezzanine", event_time=ctx.now)
                self._emit(backend, event, user_data)

    def _after_DeleteStream(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        for vid, (_, user_data) in note["videos"].items():
            event = payloads.delete_media_complete(
                vid, delete_type="stream", job_ids=_split(params.get("JobIds")), event_time=ctx.now
            )
            self._emit(backend, event, user_data)

    def _after_DeleteImage(
        self, backend: VodBackend, params: Any, ctx: RequestContext, result: Any, note: Any
    ) -> None:
        images = getattr(backend, "images", {})
        for image_id in note["images"]:
            if image_id not in images:
                event = payloads.delete_media_complete(
                    image_id, media_type="image", delete_type="all", event_time=ctx.now
                )
                self._emit(backend, event)

    def forget(self) -> None:
        with self._lock:
            self._before.clear()
