"""VOD's event notifications, built exactly as VOD sends them: one builder per event type.

The emulator's producers build their events here (the VOD actions DeleteMediaComplete and
MediaBaseChangeComplete, ingest ImageUploadComplete and AttachedMediaUploadComplete, the lifecycle the
processing events), and
``vodfc events generate`` prints the same builders' ``example``; ``vodfc.emulator.events.wire`` encodes
them and wraps them the way a function receives them.

What is reproduced (shared/spec/vod-events-upload.md §3, vod-api.md §4):

* keys in PascalCase and, where a capture exists, in the order VOD sent them (FileUploadComplete,
  StreamTranscodeComplete, TranscodeComplete); optional fields are left out rather than sent empty;
* ``Size``, ``Width``, ``Height``, ``Duration`` are JSON numbers; ``Bitrate`` and ``Fps`` are strings;
  ``Encrypt`` and ``IsAudio`` are booleans; ``SnapshotCount`` is a number;
* times are ``yyyy-MM-ddTHH:mm:ssZ`` UTC without milliseconds, except ImageUploadComplete, whose current
  documentation shows ``yyyy-MM-ddTHH:mm:ss:SSSZ`` (a colon before the milliseconds);
* ``FileUrl`` (lower-case "rl") on video events, ``FileURL`` on ImageUploadComplete and
  AttachedMediaUploadComplete;
* ``Extend`` is a string: a mapping given as ``extend`` is serialised to compact JSON, as VOD does with an
  object in ``UserData.Extend``;
* TranscodeComplete's ``Status`` is ``success`` when at least one stream succeeded, and its ``EventTime`` is
  the latest stream ``FinishTime``;
* MediaBaseChangeComplete's ``MediaContent`` is an object whose values are JSON *strings*
  ``{"OldValue":..,"NewValue":..}`` (the documented sample's shape).

:func:`example` builds a realistic event of any type with made-up IDs, for the generator and tests.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from vodfc.shared.validation import DEFAULT_APP_ID
from vodfc.shared.validation import format_time as vod_time

SUCCESS = "success"
FAIL = "fail"

FILE_UPLOAD_COMPLETE = "FileUploadComplete"
UPLOAD_BY_URL_COMPLETE = "UploadByURLComplete"
IMAGE_UPLOAD_COMPLETE = "ImageUploadComplete"
ATTACHED_MEDIA_UPLOAD_COMPLETE = "AttachedMediaUploadComplete"
STREAM_TRANSCODE_COMPLETE = "StreamTranscodeComplete"
TRANSCODE_COMPLETE = "TranscodeComplete"
SNAPSHOT_COMPLETE = "SnapshotComplete"
VIDEO_ANALYSIS_COMPLETE = "VideoAnalysisComplete"
DELETE_MEDIA_COMPLETE = "DeleteMediaComplete"
MEDIA_BASE_CHANGE_COMPLETE = "MediaBaseChangeComplete"

Event = dict[str, Any]
TimeLike = datetime | str | None


# --- times ---------------------------------------------------------------------------------------------


def format_time(value: TimeLike = None) -> str:
    """VOD's event time format, ``2020-07-10T06:49:51Z`` (UTC, whole seconds); now when ``value`` is None;
    a string is taken as already formatted."""
    return value if isinstance(value, str) else vod_time(value)


def format_image_time(value: TimeLike = None) -> str:
    """ImageUploadComplete's documented format, ``2024-04-10T01:37:14:627Z`` (colon before milliseconds)."""
    if isinstance(value, str):
        return value
    moment = _utc(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f":{moment.microsecond // 1000:03d}Z"


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _extend(value: str | Mapping[str, Any] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _put(event: Event, key: str, value: Any) -> None:
    if value is not None:
        event[key] = value


# --- upload events ---------------------------------------------------------------------------------------


def file_upload_complete(
    video_id: str,
    *,
    size: int,
    file_url: str,
    event_time: TimeLike = None,
    extend: str | Mapping[str, Any] | None = None,
) -> Event:
    """A video's (or audio's) source file landed in OSS. VOD sends no event when an upload fails."""
    event: Event = {
        "Status": SUCCESS,
        "FileUrl": file_url,
        "VideoId": video_id,
        "EventType": FILE_UPLOAD_COMPLETE,
        "EventTime": format_time(event_time),
        "Size": int(size),
    }
    _put(event, "Extend", _extend(extend))
    return event


def upload_by_url_complete(
    video_id: str | None,
    *,
    job_id: str,
    source_url: str,
    status: str = SUCCESS,
    size: int | None = None,
    event_time: TimeLike = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """An UploadMediaByURL job finished. ``VideoId`` is present once the file was pulled.

    The documented sample quotes ``Size`` as a string and the table does not list it; it is sent as a number
    here, like every other event's Size.
    """
    event: Event = {
        "Status": status,
        "EventTime": format_time(event_time),
        "EventType": UPLOAD_BY_URL_COMPLETE,
    }
    _put(event, "VideoId", video_id)
    event["JobId"] = job_id
    event["SourceURL"] = source_url
    _put(event, "Size", None if size is None else int(size))
    _put(event, "ErrorCode", error_code)
    _put(event, "ErrorMessage", error_message)
    return event


def image_upload_complete(
    image_id: str,
    *,
    size: int,
    file_url: str,
    app_id: str = DEFAULT_APP_ID,
    event_time: TimeLike = None,
    extend: str | Mapping[str, Any] | None = None,
) -> Event:
    """An image upload finished (success only; ``FileURL`` is spelt with an upper-case URL here)."""
    event: Event = {
        "Status": SUCCESS,
        "FileURL": file_url,
        "AppId": app_id,
        "EventType": IMAGE_UPLOAD_COMPLETE,
        "EventTime": format_image_time(event_time),
        "Size": int(size),
        "ImageId": image_id,
    }
    _put(event, "Extend", _extend(extend))
    return event


def attached_media_upload_complete(
    media_id: str,
    *,
    size: int,
    file_url: str,
    event_time: TimeLike = None,
    extend: str | Mapping[str, Any] | None = None,
) -> Event:
    """An auxiliary media asset's file was uploaded (success only). Its fields and their order are the
    ones of VOD's event page (the shelf names the event only); ``Extend`` is added like the other upload
    events' [inferred]."""
    event: Event = {
        "EventTime": format_time(event_time),
        "EventType": ATTACHED_MEDIA_UPLOAD_COMPLETE,
        "AttachedMediaId": media_id,
        "Size": int(size),
        "FileURL": file_url,
        "Status": SUCCESS,
    }
    _put(event, "Extend", _extend(extend))
    return event


# --- transcoding -----------------------------------------------------------------------------------------


def stream_info(
    *,
    job_id: str,
    definition: str,
    format: str = "m3u8",
    status: str = SUCCESS,
    file_url: str | None = None,
    size: int | None = None,
    width: int | None = None,
    height: int | None = None,
    duration: float | None = None,
    bitrate: str | int | float | None = None,
    fps: str | int | float | None = None,
    encrypt: bool = False,
    encrypt_type: str | None = None,
    is_audio: bool = False,
    codec: str | None = None,
    watermark_id: str | Iterable[str] | None = None,
    start_time: TimeLike = None,
    finish_time: TimeLike = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """One stream (one definition in one format) as it appears in ``StreamInfos`` of TranscodeComplete.

    Numbers follow the captures: ``Bitrate`` and ``Fps`` become strings, the rest stay numbers. A failed
    stream carries ``ErrorCode``/``ErrorMessage`` and, usually, no URL or size.
    """
    finished = format_time(finish_time)
    started = format_time(start_time) if start_time is not None else finished
    info: Event = {"Status": status, "IsAudio": bool(is_audio)}
    _put(info, "Size", None if size is None else int(size))
    info["Definition"] = definition
    _put(info, "Fps", None if fps is None else _number_text(fps))
    info["StartTime"] = started
    _put(info, "Duration", duration)
    _put(info, "Bitrate", None if bitrate is None else _number_text(bitrate))
    info["Encrypt"] = bool(encrypt)
    _put(info, "EncryptType", encrypt_type)
    _put(info, "Codec", codec)
    _put(info, "FileUrl", file_url)
    info["Format"] = format
    info["FinishTime"] = finished
    _put(info, "Height", None if height is None else int(height))
    _put(info, "Width", None if width is None else int(width))
    info["JobId"] = job_id
    if watermark_id is not None:
        info["WatermarkId"] = watermark_id if isinstance(watermark_id, str) else ",".join(watermark_id)
    _put(info, "ErrorCode", error_code)
    _put(info, "ErrorMessage", error_message)
    return info


def _number_text(value: str | int | float) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stream_transcode_complete(
    video_id: str,
    stream: Mapping[str, Any],
    *,
    event_time: TimeLike = None,
    extend: str | Mapping[str, Any] | None = None,
) -> Event:
    """One stream finished: the stream's fields (see :func:`stream_info`) plus VideoId/EventType/EventTime.

    ``EventTime`` equals the stream's ``FinishTime`` unless given.
    """
    finish = str(stream.get("FinishTime") or format_time(None))
    event: Event = {"Status": stream.get("Status", SUCCESS), "IsAudio": bool(stream.get("IsAudio", False))}
    event["VideoId"] = video_id
    event["EventType"] = STREAM_TRANSCODE_COMPLETE
    # Key order of the captured body: Size and WatermarkId come right after EventType.
    for key in ("Size", "WatermarkId"):
        _put(event, key, stream.get(key))
    for key, value in stream.items():
        if key not in ("Status", "IsAudio", "Size", "WatermarkId", "FinishTime", "Height", "Width", "JobId"):
            event[key] = value
    event["FinishTime"] = finish
    event["EventTime"] = format_time(event_time) if event_time is not None else finish
    for key in ("Height", "Width", "JobId"):
        _put(event, key, stream.get(key))
    _put(event, "Extend", _extend(extend))
    return event


def transcode_complete(
    video_id: str,
    streams: Sequence[Mapping[str, Any]],
    *,
    status: str | None = None,
    event_time: TimeLike = None,
    extend: str | Mapping[str, Any] | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """Every stream of a transcode job finished.

    ``Status`` defaults to ``success`` when at least one stream succeeded (VOD's rule), ``EventTime`` to the
    latest stream ``FinishTime``. Streams keep the order given: VOD does not sort them.
    """
    if status is None:
        status = SUCCESS if any(s.get("Status") == SUCCESS for s in streams) else FAIL
    if event_time is None:
        finishes = [str(s["FinishTime"]) for s in streams if s.get("FinishTime")]
        when = max(finishes) if finishes else format_time(None)
    else:
        when = format_time(event_time)
    event: Event = {
        "Status": status,
        "VideoId": video_id,
        "EventType": TRANSCODE_COMPLETE,
        "EventTime": when,
        "StreamInfos": [dict(s) for s in streams],
    }
    _put(event, "ErrorCode", error_code)
    _put(event, "ErrorMessage", error_message)
    _put(event, "Extend", _extend(extend))
    return event


# --- snapshots and analysis ---------------------------------------------------------------------------


def snapshot_info(
    *,
    job_id: str,
    snapshot_type: str = "CoverSnapshot",
    snapshot_count: int = 1,
    snapshot_format: str,
    snapshot_regular: str,
    status: str = SUCCESS,
) -> Event:
    """One entry of SnapshotComplete's ``SnapshotInfos``."""
    return {
        "Status": status,
        "SnapshotType": snapshot_type,
        "SnapshotCount": int(snapshot_count),
        "SnapshotFormat": snapshot_format,
        "SnapshotRegular": snapshot_regular,
        "JobId": job_id,
    }


def snapshot_complete(
    video_id: str,
    *,
    snapshot_infos: Sequence[Mapping[str, Any]],
    cover_url: str | None = None,
    status: str = SUCCESS,
    sub_type: str | None = None,
    event_time: TimeLike = None,
    error_code: str | None = None,
    error_message: str | None = None,
    extend: str | Mapping[str, Any] | None = None,
) -> Event:
    """A snapshot job finished. ``SubType`` is ``SpecifiedTime`` for jobs from SubmitSnapshotJob."""
    event: Event = {
        "EventType": SNAPSHOT_COMPLETE,
        "EventTime": format_time(event_time),
        "VideoId": video_id,
        "Status": status,
    }
    _put(event, "SubType", sub_type)
    _put(event, "CoverUrl", cover_url)
    event["SnapshotInfos"] = [dict(s) for s in snapshot_infos]
    _put(event, "ErrorCode", error_code)
    _put(event, "ErrorMessage", error_message)
    _put(event, "Extend", _extend(extend))
    return event


def video_analysis_complete(
    video_id: str,
    *,
    status: str = SUCCESS,
    size: int | None = None,
    duration: float | None = None,
    width: int | None = None,
    height: int | None = None,
    bitrate: str | int | float | None = None,
    fps: str | int | float | None = None,
    event_time: TimeLike = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """The source was analysed (a failure means a broken file). Width/Height/Fps are absent for audio."""
    event: Event = {"VideoId": video_id, "EventTime": format_time(event_time)}
    event["EventType"] = VIDEO_ANALYSIS_COMPLETE
    event["Status"] = status
    _put(event, "Width", None if width is None else int(width))
    _put(event, "Height", None if height is None else int(height))
    _put(event, "Duration", duration)
    _put(event, "Bitrate", None if bitrate is None else _number_text(bitrate))
    _put(event, "Fps", None if fps is None else _number_text(fps))
    _put(event, "Size", None if size is None else int(size))
    _put(event, "ErrorCode", error_code)
    _put(event, "ErrorMessage", error_message)
    return event


# --- media changes -----------------------------------------------------------------------------------


def delete_media_complete(
    media_id: str,
    *,
    media_type: str = "video",
    delete_type: str = "all",
    job_ids: str | Iterable[str] | None = None,
    status: str = SUCCESS,
    event_time: TimeLike = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """A media asset (DeleteType all), its source (mezzanine) or streams (stream + JobIds) were deleted."""
    event: Event = {
        "EventType": DELETE_MEDIA_COMPLETE,
        "EventTime": format_time(event_time),
        "Status": status,
        "MediaType": media_type,
        "DeleteType": delete_type,
        "MediaId": media_id,
    }
    if job_ids is not None:
        event["JobIds"] = job_ids if isinstance(job_ids, str) else ",".join(job_ids)
    _put(event, "ErrorCode", error_code)
    _put(event, "ErrorMessage", error_message)
    return event


# MediaContent field names in the order the documented sample lists them.
MEDIA_CONTENT_FIELDS = ("Title", "Description", "CoverURL", "CateId", "Tags")


def media_base_change_complete(
    media_id: str,
    *,
    operate_mode: str,
    changes: Mapping[str, tuple[Any, Any]],
    media_type: str = "video",
    status: str = SUCCESS,
    event_time: TimeLike = None,
) -> Event:
    """Basic information changed: ``OperateMode`` create (CreateUploadVideo), update or delete.

    ``changes`` maps a field (Title, Description, CoverURL, CateId, Tags) to ``(old, new)``; each becomes a
    JSON string ``{"OldValue":..,"NewValue":..}``, without OldValue on create and without NewValue on delete.
    """
    content: dict[str, str] = {}
    ordered = [f for f in MEDIA_CONTENT_FIELDS if f in changes] + [
        f for f in changes if f not in MEDIA_CONTENT_FIELDS
    ]
    for name in ordered:
        old, new = changes[name]
        pair: dict[str, Any] = {}
        if operate_mode != "create" and old is not None:
            pair["OldValue"] = old
        if operate_mode != "delete" and new is not None:
            pair["NewValue"] = new
        content[name] = json.dumps(pair, ensure_ascii=False, separators=(",", ":"))
    return {
        "EventType": MEDIA_BASE_CHANGE_COMPLETE,
        "EventTime": format_time(event_time),
        "Status": status,
        "MediaType": media_type,
        "MediaId": media_id,
        "OperateMode": operate_mode,
        "MediaContent": content,
    }


# --- realistic examples --------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[..., Event]] = {
    FILE_UPLOAD_COMPLETE: file_upload_complete,
    UPLOAD_BY_URL_COMPLETE: upload_by_url_complete,
    IMAGE_UPLOAD_COMPLETE: image_upload_complete,
    ATTACHED_MEDIA_UPLOAD_COMPLETE: attached_media_upload_complete,
    STREAM_TRANSCODE_COMPLETE: stream_transcode_complete,
    TRANSCODE_COMPLETE: transcode_complete,
    SNAPSHOT_COMPLETE: snapshot_complete,
    VIDEO_ANALYSIS_COMPLETE: video_analysis_complete,
    DELETE_MEDIA_COMPLETE: delete_media_complete,
    MEDIA_BASE_CHANGE_COMPLETE: media_base_change_complete,
}
EVENT_TYPES = tuple(BUILDERS)

# Definition -> (width, height, bitrate kbps) for a 16:9 source, as VOD's default templates produce them.
LADDER = {
    "FD": (640, 360, 400),
    "LD": (960, 540, 800),
    "SD": (1280, 720, 1500),
    "HD": (1920, 1080, 3000),
    "2K": (2560, 1440, 6000),
    "4K": (3840, 2160, 10000),
}


def new_id(rng: random.Random | None = None) -> str:
    """A VOD-style 32-hex ID (VideoId, ImageId, JobId)."""
    if rng is None:
        return uuid.uuid4().hex
    return f"{rng.getrandbits(128):032x}"


def example_streams(
    video_id: str,
    *,
    definitions: Sequence[str] = ("FD", "LD", "SD"),
    format: str = "m3u8",
    duration: float = 52.233433,
    finished: datetime | None = None,
    failed: Iterable[str] = (),
    rng: random.Random | None = None,
) -> list[Event]:
    """Stream objects of one job, ``failed`` definitions with VOD's transcode error fields."""
    done = _utc(finished)
    failing = set(failed)
    streams = []
    for index, definition in enumerate(definitions):
        width, height, kbps = LADDER.get(definition.split("-", 1)[0], (1280, 720, 1500))
        file_hash = hashlib.md5(f"{video_id}{definition}{format}".encode()).hexdigest()
        start = done - timedelta(seconds=27)
        finish = done - timedelta(seconds=len(definitions) - 1 - index)
        if definition in failing:
            streams.append(
                stream_info(
                    job_id=new_id(rng),
                    definition=definition,
                    format=format,
                    status=FAIL,
                    duration=duration,
                    start_time=start,
                    finish_time=finish,
                    error_code="InvalidParameter.ResourceContentBad",
                    error_message="The resource operated InputFile is bad",
                )
            )
            continue
        streams.append(
            stream_info(
                job_id=new_id(rng),
                definition=definition,
                format=format,
                file_url=f"http://outin-{video_id[:8]}.oss-cn-shanghai.aliyuncs.com/{video_id}/"
                f"{file_hash}-{definition.lower()}.{format}",
                size=int(kbps * 1000 / 8 * duration),
                width=width,
                height=height,
                duration=duration,
                bitrate=kbps,
                fps=25,
                start_time=start,
                finish_time=finish,
            )
        )
    return streams


def example(
    event_type: str,
    *,
    video_id: str | None = None,
    image_id: str | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Event:
    """A realistic event of ``event_type`` with made-up IDs and URLs (for generators, docs and tests)."""
    when = _utc(now)
    vid = video_id or new_id(rng)
    bucket = f"outin-{new_id(rng)}"
    if event_type == FILE_UPLOAD_COMPLETE:
        stem = f"{vid[:8]}-{int(when.timestamp() * 1000):011x}"
        key = f"sv/{stem}/{stem}.mp4"
        return file_upload_complete(
            vid, size=4372373, file_url=f"http://{bucket}.oss-cn-shanghai.aliyuncs.com/{key}", event_time=when
        )
    if event_type == UPLOAD_BY_URL_COMPLETE:
        return upload_by_url_complete(
            vid,
            job_id=new_id(rng),
            source_url="http://example.com/media/holiday-trailer.mp4",
            size=4372373,
            event_time=when,
        )
    if event_type == IMAGE_UPLOAD_COMPLETE:
        iid = image_id or new_id(rng)
        return image_upload_complete(
            iid,
            size=105520,
            file_url=f"http://{bucket}.oss-cn-shanghai.aliyuncs.com/image/default/{iid.upper()}-6-2.jpg",
            event_time=when,
        )
    if event_type == ATTACHED_MEDIA_UPLOAD_COMPLETE:
        mid = new_id(rng)
        return attached_media_upload_complete(
            mid,
            size=14333,
            file_url=f"https://{bucket}.oss-cn-shanghai.aliyuncs.com/watermark/{mid}.png",
            event_time=when,
        )
    if event_type == STREAM_TRANSCODE_COMPLETE:
        return stream_transcode_complete(
            vid, example_streams(vid, definitions=("LD",), finished=when, rng=rng)[0]
        )
    if event_type == TRANSCODE_COMPLETE:
        return transcode_complete(
            vid, example_streams(vid, definitions=("SD", "FD", "LD"), finished=when, rng=rng)
        )
    if event_type == SNAPSHOT_COMPLETE:
        job = new_id(rng)
        file_hash = new_id(rng)
        base = f"http://{bucket}.oss-cn-shanghai.aliyuncs.com/{vid}/covers/{file_hash}"
        return snapshot_complete(
            vid,
            cover_url=f"{base}-00001.jpg",
            snapshot_infos=[
                snapshot_info(
                    job_id=job,
                    snapshot_count=1,
                    snapshot_format=f"{vid}/covers/{file_hash}-{{SnapshotCount}}.jpg",
                    snapshot_regular=f"{base}-{{SnapshotCount}}.jpg",
                )
            ],
            event_time=when,
        )
    if event_type == VIDEO_ANALYSIS_COMPLETE:
        return video_analysis_complete(
            vid, size=4372373, duration=52.233, width=1920, height=1080, bitrate=669, fps=25, event_time=when
        )
    if event_type == DELETE_MEDIA_COMPLETE:
        return delete_media_complete(vid, event_time=when)
    if event_type == MEDIA_BASE_CHANGE_COMPLETE:
        return media_base_change_complete(
            vid, operate_mode="update", changes={"Title": ("old title", "new title")}, event_time=when
        )
    raise ValueError(f"unknown VOD event type {event_type!r}; known: {', '.join(EVENT_TYPES)}")
