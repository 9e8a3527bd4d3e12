"""Typed, read-only views of VOD event notifications (one class per event type).

Each class is a :class:`~collections.abc.Mapping` over the raw event dict, as VOD sent it, with one property
per field (snake_case of VOD's key) that converts the value the way VOD documents it and tolerates an absent
field (``None``), because payloads vary with options and VOD leaves optional fields out. ``raw_event`` gives
the dict back. Nothing is copied or validated up front: building a view is free, and a handler pays only for
the fields it reads.

Field descriptions paraphrase VOD's event documentation ("Event notification > Events"); see
shared/spec/vod-events-upload.md §3 for what was verified against real captures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from .. import boundedjson
from .._record import FrozenRecord
from ..validation import parse_time

SUCCESS = "success"


class Delivery(FrozenRecord):
    """How an event reached the function (filled in by :func:`shared.events.parse.parse_events`).

    ``source``: callback, mns-topic-stream, mns-topic-json, eventbridge-mns, eventbridge, direct or timer.
    """

    __slots__ = ("source", "message_id", "signed")

    def __init__(self, source: str = "direct", message_id: str | None = None, signed: bool = False) -> None:
        self.source = source
        self.message_id = message_id
        self.signed = signed


class DictWrapper(Mapping[str, Any]):
    """A read-only mapping over one JSON object, with typed accessors for subclasses."""

    def __init__(self, data: Mapping[str, Any], delivery: Delivery | None = None) -> None:
        self._data = data
        self.delivery = delivery or Delivery()

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._data)!r})"

    @property
    def raw_event(self) -> Mapping[str, Any]:
        """The event exactly as received."""
        return self._data

    def _str(self, key: str) -> str | None:
        value = self._data.get(key)
        return None if value is None else str(value)

    def _int(self, key: str) -> int | None:
        value = self._data.get(key)
        try:
            return None if value is None or value == "" else int(float(value))
        except (TypeError, ValueError):
            return None

    def _float(self, key: str) -> float | None:
        value = self._data.get(key)
        try:
            return None if value is None or value == "" else float(value)
        except (TypeError, ValueError):
            return None

    def _bool(self, key: str) -> bool | None:
        value = self._data.get(key)
        if isinstance(value, bool) or value is None:
            return value
        text = str(value).strip().lower()
        return True if text in ("true", "1") else False if text in ("false", "0") else None


class VodEvent(DictWrapper):
    """Fields every VOD event carries. https://www.alibabacloud.com/help/en/vod/user-guide/event-notification"""

    @property
    def event_type(self) -> str:
        """The event type, e.g. FileUploadComplete."""
        return self._str("EventType") or ""

    @property
    def event_time(self) -> str | None:
        """When VOD generated the event, UTC, as sent (``yyyy-MM-ddTHH:mm:ssZ``)."""
        return self._str("EventTime")

    @property
    def event_datetime(self) -> datetime | None:
        """``EventTime`` parsed (either documented format)."""
        return parse_time(self.event_time)

    @property
    def status(self) -> str | None:
        """``success`` or ``fail`` (``Success``/``Failed`` for UpdateMediaStorageClassComplete)."""
        return self._str("Status")

    @property
    def succeeded(self) -> bool:
        """Whether ``Status`` says success (compared case-insensitively)."""
        return (self.status or "").lower() == SUCCESS

    @property
    def extend(self) -> str | None:
        """The ``UserData.Extend`` value given at upload or job submission, passed through as a string."""
        value = self._data.get("Extend")
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    @property
    def extend_json(self) -> Any:
        """``Extend`` decoded when it holds JSON, else None."""
        text = self.extend
        if not text:
            return None
        try:
            return boundedjson.loads(text)
        except ValueError:
            return None

    @property
    def error_code(self) -> str | None:
        """The error code of a failed job (absent on success)."""
        return self._str("ErrorCode")

    @property
    def error_message(self) -> str | None:
        """The error message of a failed job (absent on success)."""
        return self._str("ErrorMessage")

    @property
    def media_id(self) -> str | None:
        """The ID of the media the event is about (VideoId, ImageId, MediaId or AttachedMediaId)."""
        return (
            self._str("VideoId")
            or self._str("ImageId")
            or self._str("MediaId")
            or self._str("AttachedMediaId")
        )

    @property
    def video_id(self) -> str | None:
        """The video (or audio) ID, for events about a video."""
        return self._str("VideoId")


class FileUploadComplete(VodEvent):
    """A video's or audio's source file was uploaded. Sent on success only (no event for a failed upload)."""

    @property
    def size(self) -> int | None:
        """Size of the uploaded file, bytes."""
        return self._int("Size")

    @property
    def file_url(self) -> str | None:
        """The OSS URL of the source file (``FileUrl``; an http URL)."""
        return self._str("FileUrl") or self._str("FileURL")

    @property
    def file_name(self) -> str | None:
        """The last path segment of ``FileUrl`` (the object name VOD chose, not the user's file name)."""
        url = self.file_url
        if not url:
            return None
        return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None


class UploadByURLComplete(VodEvent):
    """An UploadMediaByURL job finished (VideoId is there once the file was pulled)."""

    @property
    def job_id(self) -> str | None:
        """The upload job's ID."""
        return self._str("JobId")

    @property
    def source_url(self) -> str | None:
        """The URL the file was pulled from."""
        return self._str("SourceURL")

    @property
    def size(self) -> int | None:
        """Size of the pulled file, bytes (the documented sample quotes it as a string)."""
        return self._int("Size")

    @property
    def file_name(self) -> str | None:
        """The last path segment of ``SourceURL``, without a query."""
        url = self.source_url
        if not url:
            return None
        return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None


class ImageUploadComplete(VodEvent):
    """An image was uploaded (success only)."""

    @property
    def image_id(self) -> str | None:
        """The image ID."""
        return self._str("ImageId")

    @property
    def size(self) -> int | None:
        """Size of the image file, bytes."""
        return self._int("Size")

    @property
    def file_url(self) -> str | None:
        """The OSS URL of the image (``FileURL``, upper-case URL in this event)."""
        return self._str("FileURL") or self._str("FileUrl")

    @property
    def app_id(self) -> str | None:
        """The application the image belongs to (default app-1000000)."""
        return self._str("AppId")


class AttachedMediaUploadComplete(VodEvent):
    """An auxiliary media asset (watermark, subtitle or material file) was uploaded (success only)."""

    @property
    def attached_media_id(self) -> str | None:
        """The auxiliary media asset's ID (``AttachedMediaId``)."""
        return self._str("AttachedMediaId")

    @property
    def size(self) -> int | None:
        """Size of the uploaded file, bytes."""
        return self._int("Size")

    @property
    def file_url(self) -> str | None:
        """The URL of the uploaded file (``FileURL``)."""
        return self._str("FileURL") or self._str("FileUrl")


class MediaFacts(DictWrapper):
    """Size, picture and timing fields shared by a stream and an analysed source."""

    @property
    def size(self) -> int | None:
        """Size in bytes."""
        return self._int("Size")

    @property
    def width(self) -> int | None:
        """Width in pixels (absent for audio)."""
        return self._int("Width")

    @property
    def height(self) -> int | None:
        """Height in pixels (absent for audio)."""
        return self._int("Height")

    @property
    def duration(self) -> float | None:
        """Duration in seconds (VOD sends an integer or a float)."""
        return self._float("Duration")

    @property
    def bitrate(self) -> float | None:
        """Bitrate in Kbps (a string on the wire)."""
        return self._float("Bitrate")

    @property
    def fps(self) -> float | None:
        """Frame rate (a string on the wire; absent for audio)."""
        return self._float("Fps")


class StreamInfo(MediaFacts):
    """One output stream of a transcode job (one definition in one format)."""

    @property
    def status(self) -> str | None:
        """``success`` or ``fail``."""
        return self._str("Status")

    @property
    def succeeded(self) -> bool:
        """Whether this stream was produced."""
        return (self.status or "").lower() == SUCCESS

    @property
    def job_id(self) -> str | None:
        """The stream's transcode job ID (what DeleteStream and GetPlayInfo's JobId use)."""
        return self._str("JobId")

    @property
    def definition(self) -> str | None:
        """FD, LD, SD, HD, OD, 2K, 4K or AUTO; preset templates may add a suffix such as ``HD-MP4``."""
        return self._str("Definition")

    @property
    def base_definition(self) -> str | None:
        """``Definition`` without a template suffix (``HD-MP4`` -> ``HD``)."""
        value = self.definition
        return value.split("-", 1)[0].upper() if value else None

    @property
    def get_format(self) -> str | None:
        """``mp4`` or ``m3u8`` (named get_format so it does not shadow the builtin)."""
        return self._str("Format")

    @property
    def file_url(self) -> str | None:
        """The stream's URL (http)."""
        return self._str("FileUrl")

    @property
    def encrypt(self) -> bool | None:
        """Whether the stream is encrypted."""
        return self._bool("Encrypt")

    @property
    def encrypt_type(self) -> str | None:
        """The encryption method, when encrypted."""
        return self._str("EncryptType")

    @property
    def is_audio(self) -> bool | None:
        """Whether this is an audio-only stream."""
        return self._bool("IsAudio")

    @property
    def codec(self) -> str | None:
        """The codec of the stream, when sent."""
        return self._str("Codec")

    @property
    def watermark_ids(self) -> tuple[str, ...]:
        """IDs of the watermarks applied (``WatermarkId`` is a comma list)."""
        value = self._str("WatermarkId") or ""
        return tuple(part.strip() for part in value.split(",") if part.strip())

    @property
    def start_time(self) -> str | None:
        """When transcoding of this stream started (UTC)."""
        return self._str("StartTime")

    @property
    def finish_time(self) -> str | None:
        """When transcoding of this stream finished (UTC)."""
        return self._str("FinishTime")

    @property
    def error_code(self) -> str | None:
        """Why the stream failed (absent on success)."""
        return self._str("ErrorCode")

    @property
    def error_message(self) -> str | None:
        """The failure message (absent on success)."""
        return self._str("ErrorMessage")


class StreamTranscodeComplete(VodEvent, StreamInfo):
    """One stream of a transcode job finished: the stream's fields plus VideoId, EventType and EventTime."""

    @property
    def stream(self) -> StreamInfo:
        """The stream as a :class:`StreamInfo` (the same dict)."""
        return StreamInfo(self._data, self.delivery)

    # The two bases both define these; the event's meaning is the stream's.
    @property
    def status(self) -> str | None:
        """``success`` or ``fail`` for this stream."""
        return self._str("Status")

    @property
    def succeeded(self) -> bool:
        """Whether this stream was produced."""
        return (self.status or "").lower() == SUCCESS

    @property
    def error_code(self) -> str | None:
        """Why the stream failed."""
        return self._str("ErrorCode")

    @property
    def error_message(self) -> str | None:
        """The failure message."""
        return self._str("ErrorMessage")


class TranscodeComplete(VodEvent):
    """Every stream of a transcode job finished. ``Status`` is success if at least one stream succeeded."""

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        """``StreamInfos``: every stream of the job, in VOD's (unsorted) order."""
        infos = self._data.get("StreamInfos")
        if not isinstance(infos, list):
            return ()
        return tuple(StreamInfo(item, self.delivery) for item in infos if isinstance(item, Mapping))

    @property
    def failed_streams(self) -> tuple[StreamInfo, ...]:
        """Streams whose Status is not success."""
        return tuple(s for s in self.streams if not s.succeeded)

    @property
    def all_succeeded(self) -> bool:
        """True only when the event succeeded, lists at least one stream, and every stream succeeded."""
        streams = self.streams
        return self.succeeded and bool(streams) and all(s.succeeded for s in streams)


class SnapshotInfo(DictWrapper):
    """One entry of SnapshotComplete's ``SnapshotInfos``."""

    @property
    def status(self) -> str | None:
        """``success`` or ``fail``."""
        return self._str("Status")

    @property
    def snapshot_type(self) -> str | None:
        """CoverSnapshot, NormalSnapshot or SpriteSnapshot."""
        return self._str("SnapshotType")

    @property
    def snapshot_count(self) -> int | None:
        """How many snapshots were taken."""
        return self._int("SnapshotCount")

    @property
    def snapshot_format(self) -> str | None:
        """Object-name rule with a ``{SnapshotCount}`` placeholder (5 digits from 00001)."""
        return self._str("SnapshotFormat")

    @property
    def snapshot_regular(self) -> str | None:
        """The full URL rule of the snapshots."""
        return self._str("SnapshotRegular")

    @property
    def job_id(self) -> str | None:
        """The snapshot job ID."""
        return self._str("JobId")

    def urls(self) -> tuple[str, ...]:
        """Every snapshot URL, expanded from ``SnapshotRegular`` and ``SnapshotCount``."""
        rule, count = self.snapshot_regular, self.snapshot_count or 0
        if not rule:
            return ()
        return tuple(rule.replace("{SnapshotCount}", f"{n:05d}") for n in range(1, count + 1))


class SnapshotComplete(VodEvent):
    """A snapshot job finished (``SubType`` SpecifiedTime for SubmitSnapshotJob jobs)."""

    @property
    def sub_type(self) -> str | None:
        """``SpecifiedTime`` when the job came from SubmitSnapshotJob."""
        return self._str("SubType")

    @property
    def cover_url(self) -> str | None:
        """The cover snapshot's URL."""
        return self._str("CoverUrl")

    @property
    def snapshot_infos(self) -> tuple[SnapshotInfo, ...]:
        """One entry per snapshot type produced."""
        infos = self._data.get("SnapshotInfos")
        if not isinstance(infos, list):
            return ()
        return tuple(SnapshotInfo(item, self.delivery) for item in infos if isinstance(item, Mapping))


class VideoAnalysisComplete(VodEvent, MediaFacts):
    """The source file was analysed; failure means the file is broken. No Width/Height/Fps for audio."""


class DeleteMediaComplete(VodEvent):
    """Media was deleted (only DeleteVideo generates this event)."""

    @property
    def media_type(self) -> str | None:
        """video (audio or video), image or attached."""
        return self._str("MediaType")

    @property
    def delete_type(self) -> str | None:
        """all (the whole asset), mezzanine (the source) or stream (streams, see job_ids)."""
        return self._str("DeleteType")

    @property
    def job_ids(self) -> tuple[str, ...]:
        """The deleted streams' job IDs (DeleteType stream only)."""
        value = self._str("JobIds") or ""
        return tuple(part.strip() for part in value.split(",") if part.strip())


class FieldChange(FrozenRecord):
    """One ``MediaContent`` entry: the value before and after (absent on create / delete)."""

    __slots__ = ("old", "new")

    def __init__(self, old: Any = None, new: Any = None) -> None:
        self.old = old
        self.new = new


class MediaBaseChangeComplete(VodEvent):
    """Basic information changed: OperateMode create (CreateUploadVideo), update or delete."""

    @property
    def media_type(self) -> str | None:
        """video, image or attached."""
        return self._str("MediaType")

    @property
    def operate_mode(self) -> str | None:
        """create, update or delete."""
        return self._str("OperateMode")

    @property
    def changes(self) -> dict[str, FieldChange]:
        """``MediaContent`` decoded: field -> FieldChange. Values may be JSON strings or objects."""
        content = self._data.get("MediaContent")
        if isinstance(content, str):
            try:
                content = boundedjson.loads(content)
            except ValueError:
                return {}
        if not isinstance(content, Mapping):
            return {}
        result: dict[str, FieldChange] = {}
        for name, value in content.items():
            if isinstance(value, str):
                try:
                    value = boundedjson.loads(value)
                except ValueError:
                    value = {"NewValue": value}
            if isinstance(value, Mapping):
                result[str(name)] = FieldChange(value.get("OldValue"), value.get("NewValue"))
        return result


class UnknownEvent(VodEvent):
    """An event type vodfc does not model (new VOD events, AI events): handlers acknowledge and log it."""


EVENT_CLASSES: dict[str, type[VodEvent]] = {
    "FileUploadComplete": FileUploadComplete,
    "UploadByURLComplete": UploadByURLComplete,
    "ImageUploadComplete": ImageUploadComplete,
    "AttachedMediaUploadComplete": AttachedMediaUploadComplete,
    "StreamTranscodeComplete": StreamTranscodeComplete,
    "TranscodeComplete": TranscodeComplete,
    "SnapshotComplete": SnapshotComplete,
    "VideoAnalysisComplete": VideoAnalysisComplete,
    "DeleteMediaComplete": DeleteMediaComplete,
    "MediaBaseChangeComplete": MediaBaseChangeComplete,
}


def vod_event(data: Mapping[str, Any], delivery: Delivery | None = None) -> VodEvent:
    """The typed view for ``data`` (an :class:`UnknownEvent` for an unmodelled EventType)."""
    cls = EVENT_CLASSES.get(str(data.get("EventType") or ""), UnknownEvent)
    return cls(data, delivery)


class TimerEvent(DictWrapper):
    """A timer trigger's event: ``{"triggerTime", "triggerName", "payload"}`` (same on FC 2.0 and 3.0)."""

    @property
    def trigger_time(self) -> str | None:
        """When the timer fired (UTC)."""
        return self._str("triggerTime")

    @property
    def trigger_name(self) -> str | None:
        """The trigger's name from the template."""
        return self._str("triggerName")

    @property
    def payload(self) -> str | None:
        """The trigger's ``Payload`` string, verbatim."""
        return self._str("payload")

    @property
    def payload_json(self) -> dict[str, Any]:
        """``payload`` decoded when it is a JSON object, else ``{}``."""
        text = self.payload
        if not text:
            return {}
        try:
            value = boundedjson.loads(text)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
