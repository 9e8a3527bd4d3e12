"""Video metadata: GetVideoInfo(s), UpdateVideoInfo(s), DeleteVideo, GetVideoList."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.vod import media_events
from vodfc.emulator.vod.actions.common import (
    Params,
    check_cover_url,
    check_user_data,
    id_list,
    int_param,
    json_list,
    optional,
    page,
    sort_desc,
    text_changes,
    time_param,
    to_int,
)
from vodfc.emulator.vod.exceptions import (
    CountExceededMax,
    InvalidParameter,
    InvalidVideoNotFound,
    MissingParameter,
    ReferenceIdsExceededMax,
    VideoIdsExceededMax,
    VideoListExceededMax,
)
from vodfc.emulator.vod.models import Video, VodBackend
from vodfc.shared.validation import MAX_BATCH, VIDEO_STATUSES

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext


def resolve_video(backend: VodBackend, params: Params) -> Video:
    """The video ``VideoId`` or ``ReferenceId`` names (VideoId wins); ``MissingParameter`` if neither."""
    video_id = optional(params, "VideoId")
    reference_id = optional(params, "ReferenceId")
    if video_id is None and reference_id is None:
        raise MissingParameter("VideoId")
    video = backend.find_video(video_id, reference_id)
    if video is None:
        raise InvalidVideoNotFound()
    return video


def collect_videos(backend: VodBackend, params: Params) -> tuple[dict[str, Video], list[str], list[str]]:
    """The videos ``VideoIds`` and ``ReferenceIds`` name (≤20 each, at least one id), in request order,
    with the unknown ids and the unknown reference ids."""
    video_ids = id_list(params, "VideoIds", MAX_BATCH, VideoIdsExceededMax)
    reference_ids = id_list(params, "ReferenceIds", MAX_BATCH, ReferenceIdsExceededMax)
    if not video_ids and not reference_ids:
        raise MissingParameter("VideoIds")
    found: dict[str, Video] = {}
    non_exist: list[str] = []
    for vid in video_ids:
        video = backend.videos.get(vid)
        if video is None:
            non_exist.append(vid)
        else:
            found[vid] = video
    non_exist_refs: list[str] = []
    for ref in reference_ids:
        video = backend.find_video(reference_id=ref)
        if video is None:
            non_exist_refs.append(ref)
        else:
            found.setdefault(video.video_id, video)
    return found, non_exist, non_exist_refs


def video_changes(backend: VodBackend, entry: Mapping[str, Any]) -> dict[str, Any]:
    """Validated attribute changes from UpdateVideoInfo parameters or one UpdateVideoInfos entry.

    Only the keys present change; an empty Title is ignored (VOD keeps a title), an empty Description,
    Tags, CoverURL or UserData clears the field.
    """
    opts = backend.options
    changes = text_changes(entry, in_bytes=opts.limits_in_bytes, no_emoji=opts.reject_emoji_in_video_fields)
    if "CoverURL" in entry and entry["CoverURL"] is not None:
        cover = entry["CoverURL"]
        changes["cover_url"] = check_cover_url(cover, strict=opts.strict_cover_url) if cover != "" else None
    if "UserData" in entry and entry["UserData"] is not None:
        changes["user_data"] = check_user_data(entry["UserData"]) if entry["UserData"] != "" else None
    if entry.get("CateId") not in (None, ""):
        cate_id = to_int(entry["CateId"], "CateId")
        if opts.check_cate_id_exists:
            backend.get_category(cate_id)
        changes["cate_id"] = cate_id
    if entry.get("DownloadSwitch") not in (None, ""):
        if entry["DownloadSwitch"] not in ("on", "off"):
            raise InvalidParameter("DownloadSwitch")
        changes["download_switch"] = entry["DownloadSwitch"]
    return changes


def get_video_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    video = resolve_video(backend, params)
    cate = backend.categories.get(video.cate_id) if video.cate_id is not None else None
    return {"Video": video.cached_info_body(cate.cate_name if cate else None, backend.region)}


def get_video_infos(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    found, non_exist, non_exist_refs = collect_videos(backend, params)
    if not found and backend.options.all_unknown_is_not_found:
        raise InvalidVideoNotFound()
    return {
        "VideoList": [v.infos_body(backend.category_name(v.cate_id)) for v in found.values()],
        "NonExistVideoIds": non_exist,
        "NonExistReferenceIds": non_exist_refs,
    }


def update_video_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    video = resolve_video(backend, params)
    changes = video_changes(backend, params)
    user_data = video.user_data
    media_events.video_updated(ctx, video, backend.update_video(video, changes, ctx.now), user_data)
    return {}


def update_video_infos(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    entries = json_list(params, "UpdateContent", MAX_BATCH, CountExceededMax)
    non_exist: list[str] = []
    non_exist_refs: list[str] = []
    forbidden: list[str] = []
    plan: list[tuple[Video, dict[str, Any]]] = []
    # Check the whole batch first: a bad field rejects the call before anything is written.
    for entry in entries:
        video_id = entry.get("VideoId")
        reference_id = entry.get("ReferenceId")
        if video_id in (None, "") and reference_id in (None, ""):
            raise MissingParameter("UpdateContent.VideoId")
        if video_id not in (None, "") and not isinstance(video_id, str):
            raise InvalidParameter("UpdateContent.VideoId")
        changes = video_changes(backend, entry)
        video = backend.find_video(video_id or None, reference_id or None)
        if video is None:
            if video_id:
                non_exist.append(video_id)
            else:
                non_exist_refs.append(str(reference_id))
            continue
        if video.video_id in backend.forbidden_video_ids:
            forbidden.append(video.video_id)
            continue
        plan.append((video, changes))
    for video, changes in plan:
        user_data = video.user_data
        media_events.video_updated(ctx, video, backend.update_video(video, changes, ctx.now), user_data)
    return {
        "NonExistVideoIds": non_exist,
        "ForbiddenVideoIds": forbidden,
        "NonExistReferenceIds": non_exist_refs,
    }


def delete_video(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    found, non_exist, non_exist_refs = collect_videos(backend, params)
    forbidden = [vid for vid in found if vid in backend.forbidden_video_ids]
    if not found and backend.options.all_unknown_is_not_found:
        raise InvalidVideoNotFound()
    for vid in found:
        if vid not in backend.forbidden_video_ids:
            media_events.video_deleted(ctx, backend.delete_video(vid))
    for vid in non_exist:
        media_events.video_not_found(ctx, vid)
    return {
        "NonExistVideoIds": non_exist,
        "ForbiddenVideoIds": forbidden,
        "NonExistReferenceIds": non_exist_refs,
    }


def get_video_list(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    statuses: set[str] | None = None
    if optional(params, "Status"):
        statuses = {s.strip() for s in params["Status"].split(",") if s.strip()}
        unknown = statuses - set(VIDEO_STATUSES)
        if unknown:
            raise InvalidParameter("Status", f"unknown status {sorted(unknown)[0]}")
    start = time_param(params, "StartTime")
    end = time_param(params, "EndTime")
    if start is not None and end is not None and end <= start:
        raise InvalidParameter("EndTime", "it must be later than StartTime")
    cate_id = int_param(params, "CateId")
    location = optional(params, "StorageLocation")
    reference_ids = set(id_list(params, "ReferenceIds", MAX_BATCH, ReferenceIdsExceededMax))
    page_no, page_size = page(params)
    descending = sort_desc(params)
    window = backend.options.video_list_window
    if page_no * page_size > window:
        raise VideoListExceededMax()

    ordered = backend.videos_by_creation()
    matches = [
        v
        for v in (reversed(ordered) if descending else ordered)
        if (statuses is None or v.status in statuses)
        and (start is None or v.creation_time >= start)
        and (end is None or v.creation_time <= end)
        and (cate_id is None or v.cate_id == cate_id)
        and (location is None or v.storage_location == location)
        and (not reference_ids or v.reference_id in reference_ids)
    ]
    chunk = matches[(page_no - 1) * page_size : page_no * page_size]
    names = {cid: c.cate_name for cid, c in backend.categories.items()}
    return {
        "Total": len(matches),
        "VideoList": {"Video": [v.list_body(names.get(v.cate_id)) for v in chunk]},  # type: ignore[arg-type]
    }


ACTIONS = {
    "GetVideoInfo": get_video_info,
    "GetVideoInfos": get_video_infos,
    "UpdateVideoInfo": update_video_info,
    "UpdateVideoInfos": update_video_infos,
    "DeleteVideo": delete_video,
    "GetVideoList": get_video_list,
}
