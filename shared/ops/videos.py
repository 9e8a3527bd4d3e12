"""Video metadata: GetVideoInfo(s), UpdateVideoInfo(s), DeleteVideo.

Batch methods take any number of IDs, send them 20 at a time (VOD's limit), and merge the answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import validation
from ..errors import NotFound, ValidationError
from ..models._parse import obj_list, str_list
from ..transport import VodTransport
from ._common import chunks

if TYPE_CHECKING:
    from ..models import (
        DeleteVideosResult,
        ImageUpdate,
        UpdateVideosResult,
        Video,
        VideoInfosResult,
        VideoUpdate,
    )

VIDEO_NOT_FOUND = "InvalidVideo.NotFound"


def error_raw(error: NotFound) -> dict[str, Any]:
    """Stand-in for the JSON body of an error answer, kept in a batch result's ``raw``."""
    return {"RequestId": error.request_id, "Code": error.code, "Message": error.message}


def id_chunks(
    video_ids: tuple[str, ...], reference_ids: tuple[str, ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """(parameter, ids) per request: VideoIds and ReferenceIds are batched separately, 20 each."""
    return [("VideoIds", c) for c in chunks(video_ids)] + [("ReferenceIds", c) for c in chunks(reference_ids)]


def checked_reference_ids(reference_ids: str | Iterable[str]) -> tuple[str, ...]:
    refs = validation.ids("ReferenceIds", reference_ids)
    for ref in refs:
        validation.reference_id(ref, "ReferenceIds")
    return refs


def update_entries(
    updates: Iterable[object], kind: type[VideoUpdate] | type[ImageUpdate]
) -> list[dict[str, Any]]:
    """Every UpdateContent entry, validated before anything is sent."""
    entries = []
    for index, update in enumerate(updates):
        if not isinstance(update, kind):
            raise ValidationError(
                f"UpdateContent[{index}]", f"UpdateContent[{index}] must be a {kind.__name__}, got {update!r}"
            )
        entries.append(update.entry(index))
    return entries


class VideoOperations(VodTransport):
    def get_video_info(self, video_id: str | None = None, *, reference_id: str | None = None) -> Video:
        """One video's metadata; raises ``NotFound`` (InvalidVideo.NotFound) for an unknown ID."""
        from ..models.media import Video

        if not video_id and not reference_id:
            validation.require("VideoId", None)
        if reference_id:
            validation.reference_id(reference_id)
        params = {"VideoId": video_id} if video_id else {"ReferenceId": reference_id}
        data = self.call("GetVideoInfo", params, idempotent=True)
        video = data.get("Video")
        return Video.from_dict(video if isinstance(video, Mapping) else {})

    def get_video_infos(
        self, video_ids: str | Iterable[str] = (), *, reference_ids: str | Iterable[str] = ()
    ) -> VideoInfosResult:
        """Metadata of any number of videos; unknown IDs land in ``non_exist_*`` instead of failing.

        VOD answers 404 InvalidVideo.NotFound when *every* ID of a request is unknown (while a mixed
        request gets 200 with NonExistVideoIds); such a chunk is merged as "all non-existent".
        """
        from ..models.media import Video
        from ..models.results import VideoInfosResult

        vids = validation.ids("VideoIds", video_ids)
        refs = checked_reference_ids(reference_ids)
        videos: list[Video] = []
        missing: dict[str, list[str]] = {"VideoIds": [], "ReferenceIds": []}
        raws: list[Mapping[str, Any]] = []
        for key, chunk in id_chunks(vids, refs):
            try:
                data = self.call("GetVideoInfos", {key: chunk}, idempotent=True)
            except NotFound as error:
                if error.code != VIDEO_NOT_FOUND:
                    raise
                missing[key].extend(chunk)
                raws.append(error_raw(error))
                continue
            raws.append(data)
            videos.extend(Video.from_dict(v) for v in obj_list(data.get("VideoList"), "Video"))
            missing["VideoIds"].extend(str_list(data.get("NonExistVideoIds"), "VideoId"))
            missing["ReferenceIds"].extend(str_list(data.get("NonExistReferenceIds"), "ReferenceId"))
        return VideoInfosResult(
            videos=tuple(videos),
            non_exist_video_ids=tuple(missing["VideoIds"]),
            non_exist_reference_ids=tuple(missing["ReferenceIds"]),
            raw=tuple(raws),
        )

    def update_video_info(
        self,
        video_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: str | Iterable[str] | None = None,
        cover_url: str | None = None,
        cate_id: int | None = None,
        user_data: str | Mapping[str, Any] | None = None,
    ) -> None:
        """Change the given fields of one video (only those; None means "leave as is")."""
        validation.require("VideoId", video_id)
        validation.title(title)
        validation.description(description)
        validation.cate_id(cate_id)
        wire_tags = validation.normalize_tags(tags)
        if isinstance(user_data, Mapping):
            user_data = json.dumps(user_data, ensure_ascii=False, separators=(",", ":"))
        params = {
            "VideoId": video_id,
            "Title": title,
            "Description": description,
            "Tags": wire_tags,
            "CoverURL": cover_url,
            "CateId": cate_id,
            "UserData": user_data,
        }
        if all(value is None for key, value in params.items() if key != "VideoId"):
            raise ValidationError(
                "UpdateVideoInfo",
                "UpdateVideoInfo needs at least one of Title, Description, Tags, CoverURL, CateId, UserData",
            )
        self.call("UpdateVideoInfo", params, idempotent=True)

    def update_video_infos(self, updates: Iterable[VideoUpdate]) -> UpdateVideosResult:
        """Apply many updates, 20 per request. Every entry is validated before the first request is sent."""
        from ..models.inputs import VideoUpdate
        from ..models.results import UpdateVideosResult

        entries = update_entries(updates, VideoUpdate)
        non_exist: list[str] = []
        forbidden: list[str] = []
        non_exist_refs: list[str] = []
        raws: list[Mapping[str, Any]] = []
        for chunk in chunks(entries):
            content = json.dumps(list(chunk), ensure_ascii=False, separators=(",", ":"))
            data = self.call("UpdateVideoInfos", {"UpdateContent": content}, idempotent=True)
            raws.append(data)
            non_exist.extend(str_list(data.get("NonExistVideoIds"), "VideoId"))
            forbidden.extend(str_list(data.get("ForbiddenVideoIds"), "VideoId"))
            non_exist_refs.extend(str_list(data.get("NonExistReferenceIds"), "ReferenceId"))
        return UpdateVideosResult(
            non_exist_video_ids=tuple(non_exist),
            forbidden_video_ids=tuple(forbidden),
            non_exist_reference_ids=tuple(non_exist_refs),
            raw=tuple(raws),
        )

    def delete_videos(
        self, video_ids: str | Iterable[str] = (), *, reference_ids: str | Iterable[str] = ()
    ) -> DeleteVideosResult:
        """Delete any number of videos (with their source files, streams and snapshots), 20 per request.

        DeleteVideo is retried after a 5xx or a lost connection because deleting twice leaves the same end
        state. If such a retry is then told the videos do not exist (404, or NonExist lists), an earlier
        attempt deleted them: those IDs count as deleted (and are listed in ``assumed_deleted_*``), never
        as failures and never twice.
        """
        from ..models.results import DeleteVideosResult

        vids = validation.ids("VideoIds", video_ids)
        refs = checked_reference_ids(reference_ids)
        gone: dict[str, list[str]] = {"VideoIds": [], "ReferenceIds": []}
        assumed: dict[str, list[str]] = {"VideoIds": [], "ReferenceIds": []}
        forbidden: list[str] = []
        raws: list[Mapping[str, Any]] = []
        for key, chunk in id_chunks(vids, refs):
            try:
                reply = self.send("DeleteVideo", {key: chunk}, idempotent=True)
            except NotFound as error:
                if error.code != VIDEO_NOT_FOUND:
                    raise
                (assumed if error.may_have_landed else gone)[key].extend(chunk)
                raws.append(error_raw(error))
                continue
            data = reply.data
            raws.append(data)
            target = assumed if reply.may_have_landed else gone
            target["VideoIds"].extend(str_list(data.get("NonExistVideoIds"), "VideoId"))
            target["ReferenceIds"].extend(str_list(data.get("NonExistReferenceIds"), "ReferenceId"))
            forbidden.extend(str_list(data.get("ForbiddenVideoIds"), "VideoId"))
        return DeleteVideosResult(
            requested_video_ids=vids,
            requested_reference_ids=refs,
            non_exist_video_ids=tuple(gone["VideoIds"]),
            forbidden_video_ids=tuple(forbidden),
            non_exist_reference_ids=tuple(gone["ReferenceIds"]),
            assumed_deleted_video_ids=tuple(assumed["VideoIds"]),
            assumed_deleted_reference_ids=tuple(assumed["ReferenceIds"]),
            raw=tuple(raws),
        )
