"""Source files and playable streams: GetMezzanineInfo, DeleteMezzanines, DeleteStream, GetPlayInfo,
GetVideoPlayAuth."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from vodfc.emulator.vod import media_events
from vodfc.emulator.vod.actions.common import (
    Params,
    bool_param,
    choice,
    id_list,
    int_param,
    optional,
    required,
)
from vodfc.emulator.vod.actions.videos import collect_videos, resolve_video
from vodfc.emulator.vod.delivery import delivery
from vodfc.emulator.vod.exceptions import (
    ForbiddenIllegalStatus,
    InvalidFileNotFound,
    InvalidParameter,
    InvalidVideoNoneStream,
    JobIdsExceededMax,
    MissingParameter,
    VodError,
)
from vodfc.emulator.vod.models import Mezzanine, Stream, VodBackend, compact_number, new_id
from vodfc.shared.validation import (
    ADDITION_TYPES,
    DEFINITIONS,
    MAX_BATCH,
    PLAY_AUTH_TIMEOUT_MAX_VOD_BUCKET,
    PLAY_FORMATS,
    RESULT_TYPES,
    STREAM_TYPES,
    format_time,
)

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext

# A video in one of these has nothing VOD will play yet (or any more): Forbidden.IllegalStatus.
UNPLAYABLE_STATUSES = frozenset(
    {"Uploading", "UploadFail", "UploadSucc", "Transcoding", "ProduceFail", "Blocked"}
)
# Sources that are themselves the playback stream: DeleteMezzanines needs Force for them.
SOURCE_PLAYS_MODES = frozenset({"NoTranscode", "AsyncTranscode"})


class ForbiddenAliyunVoDEncryption(VodError):
    """GetPlayInfo when every stream is encrypted with Alibaba Cloud's proprietary encryption."""

    code, status = "Forbidden.AliyunVoDEncryption", 403
    message = "Currently only AliyunVoDEncryption streams exist, you must use the Aliyun player to play."


def _additions(params: Params) -> list[str]:
    raw = optional(params, "AdditionType")
    if raw is None:
        return []
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    for part in parts:
        if part not in ADDITION_TYPES:
            raise InvalidParameter("AdditionType", "video and/or audio")
    return parts


def get_mezzanine_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    addresses = delivery(backend, params, ctx)
    additions = _additions(params)
    video = resolve_video(backend, params)
    mezz = backend.get_mezzanine(video.video_id)
    if mezz is None:
        # No source record yet: VOD still answers, with the upload's state as the status.
        status = "UploadFail" if video.status == "UploadFail" else "Uploading"
        if video.status not in ("Uploading", "UploadFail"):
            status = "Normal"
        mezz = Mezzanine(
            video_id=video.video_id,
            status=status,
            file_name=video.file_name,
            creation_time=video.creation_time,
        )
    if mezz.status == "Deleted":
        raise InvalidFileNotFound()
    body = mezz.body(addresses.output_type, additions)
    if "FileURL" in body:
        body["FileURL"] = addresses.url(body["FileURL"])
    return {"Mezzanine": body}


def delete_mezzanines(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    force = bool_param(params, "Force", False)
    targets, non_exist, non_exist_refs = collect_videos(backend, params)
    unremovable = []
    for video in targets.values():
        if (
            not force
            and backend.options.protect_untranscoded_sources
            and video.transcode_mode in SOURCE_PLAYS_MODES
        ):
            unremovable.append(video.video_id)
            continue
        mezz = backend.get_mezzanine(video.video_id)
        if mezz is None or mezz.status == "Deleted":
            continue
        backend.set_mezzanine(video.video_id, status="Deleted")
        media_events.mezzanine_deleted(ctx, video)
        # The source's own stream (an untranscoded video's <VideoId>02) goes with it.
        originals = [
            s.job_id
            for s in backend.streams_of(video.video_id)
            if s.job_id == f"{video.video_id}02" or s.specification == "Original"
        ]
        if originals:
            backend.delete_streams(video.video_id, originals)
    return {
        "NonExistVideoIds": non_exist,
        "UnRemoveableVideoIds": unremovable,
        "NonExistReferenceIds": non_exist_refs,
    }


def delete_stream(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    if optional(params, "VideoId") is None and optional(params, "ReferenceId") is None:
        raise MissingParameter("VideoId")
    required(params, "JobIds")
    job_ids = id_list(params, "JobIds", MAX_BATCH, JobIdsExceededMax)
    video = resolve_video(backend, params)
    removed = backend.delete_streams(video.video_id, job_ids)
    media_events.streams_deleted(ctx, video, [stream.job_id for stream in removed])
    return {}


def _comma_set(params: Params, name: str, allowed: tuple[str, ...]) -> list[str] | None:
    raw = optional(params, name)
    if raw is None:
        return None
    values = [v.strip() for v in raw.split(",") if v.strip()]
    for value in values:
        if value not in allowed:
            raise InvalidParameter(name, f"{value} is not one of {', '.join(allowed)}")
    return values


def _newest_per_rendition(streams: list[Stream]) -> list[Stream]:
    best: dict[tuple[str, str, str], Stream] = {}
    for stream in streams:
        key = (stream.definition, stream.format, stream.stream_type)
        held = best.get(key)
        if held is None or (stream.creation_time, stream.job_id) > (held.creation_time, held.job_id):
            best[key] = stream
    return list(best.values())


def get_play_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    formats = _comma_set(params, "Formats", PLAY_FORMATS)
    definitions = _comma_set(params, "Definition", DEFINITIONS)
    stream_type = choice(params, "StreamType", STREAM_TYPES)
    addresses = delivery(backend, params, ctx, vod_bucket_max=PLAY_AUTH_TIMEOUT_MAX_VOD_BUCKET)
    result_type = choice(params, "ResultType", RESULT_TYPES, "Single")
    video = resolve_video(backend, params)
    if video.status in UNPLAYABLE_STATUSES:
        raise ForbiddenIllegalStatus(
            video.status, video.audit_status, http_status=backend.options.play_illegal_status_http
        )
    candidates = [
        s
        for s in backend.streams_of(video.video_id)
        if s.status == "Normal"
        and (formats is None or s.format in formats)
        and (definitions is None or s.definition in definitions)
        and (stream_type is None or s.stream_type == stream_type)
    ]
    playable = [s for s in candidates if s.encrypt_type != "AliyunVoDEncryption"]
    if candidates and not playable:
        raise ForbiddenAliyunVoDEncryption()
    if result_type == "Single":
        playable = _newest_per_rendition(playable)
    if not playable:
        raise InvalidVideoNoneStream(
            formats=params.get("Formats", ""),
            definition=params.get("Definition", ""),
            stream_type=stream_type or ("audio" if video.media_type == "audio" else "video"),
        )
    playable.sort(key=lambda s: (s.format, s.definition_rank(), s.creation_time, s.job_id))
    base = {
        "VideoId": video.video_id,
        "Title": video.title,
        "Status": video.status,
        "MediaType": video.media_type,
        "CreationTime": video.creation_time,
        "Duration": compact_number(video.duration) if video.duration is not None else None,
        "CoverURL": video.cover_url,
        "TranscodeMode": video.transcode_mode,
        "OutputType": addresses.output_type,
        "StorageClass": video.storage_class,
    }
    play_infos = []
    for stream in playable:
        info = stream.play_info()
        # Not in the Tea model, but in every captured PlayInfo (vod-uncertainties.md §7): the video's.
        info["PreprocessStatus"] = video.preprocess_status
        if "PlayURL" in info:
            info["PlayURL"] = addresses.url(info["PlayURL"])
        play_infos.append(info)
    return {
        "VideoBase": {k: v for k, v in base.items() if v is not None},
        "PlayInfoList": {"PlayInfo": play_infos},
    }


def get_video_play_auth(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    """A player credential: ``PlayAuth`` (Base64 JSON, opaque to clients) and ``VideoMeta``."""
    required(params, "VideoId")
    timeout = int_param(params, "AuthInfoTimeout", 100, minimum=100, maximum=3000)
    assert timeout is not None
    video = resolve_video(backend, params)
    if video.status in UNPLAYABLE_STATUSES:
        raise ForbiddenIllegalStatus(
            video.status, video.audit_status, http_status=backend.options.play_illegal_status_http
        )
    meta = {
        "VideoId": video.video_id,
        "Title": video.title,
        "Status": video.status,
        "CoverURL": video.cover_url,
        "Duration": video.duration,
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    expire = format_time(ctx.now + timedelta(seconds=timeout))
    auth_info = {"CI": new_id(), "Caller": ctx.access_key_id, "ExpireTime": expire, "MediaId": video.video_id}
    token = {
        "AccessKeyId": "STS.vodfc" + new_id()[:16],
        "AccessKeySecret": new_id(),
        "SecurityToken": base64.b64encode(new_id().encode()).decode(),
        "AuthInfo": json.dumps(auth_info, separators=(",", ":")),
        "Region": backend.region,
        "CustomerId": int(backend.account_id) if backend.account_id.isdigit() else backend.account_id,
        "PlayDomain": "",
        "VideoMeta": meta,
    }
    play_auth = base64.b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()
    return {"PlayAuth": play_auth, "VideoMeta": meta}


ACTIONS = {
    "GetMezzanineInfo": get_mezzanine_info,
    "DeleteMezzanines": delete_mezzanines,
    "DeleteStream": delete_stream,
    "GetPlayInfo": get_play_info,
    "GetVideoPlayAuth": get_video_play_auth,
}
