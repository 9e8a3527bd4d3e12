"""Typed views of a video's source file and playable streams (GetMezzanineInfo, GetPlayInfo).

Same conventions as ``shared.models.media``: frozen dataclasses built by ``from_dict``, real numbers whatever
VOD sent (these two answers send most numbers as strings), and the untouched JSON object in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._parse import obj_list, sub, to_bool, to_float, to_int, to_str

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class VideoStreamInfo:
    """One video track of a source file (GetMezzanineInfo; VOD sends every value as a string)."""

    index: int | None = None
    codec_name: str | None = None
    codec_long_name: str | None = None
    profile: str | None = None
    level: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    avg_fps: float | None = None
    bitrate: float | None = None
    duration: float | None = None
    num_frames: int | None = None
    pix_fmt: str | None = None
    dar: str | None = None
    sar: str | None = None
    rotate: int | None = None
    has_b_frames: int | None = None
    hdr_type: str | None = None
    lang: str | None = None
    start_time: float | None = None
    timebase: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> VideoStreamInfo:
        return cls(
            index=to_int(data.get("Index")),
            codec_name=to_str(data.get("CodecName")),
            codec_long_name=to_str(data.get("CodecLongName")),
            profile=to_str(data.get("Profile")),
            level=to_str(data.get("Level")),
            width=to_int(data.get("Width")),
            height=to_int(data.get("Height")),
            fps=_rate(data.get("Fps")),
            avg_fps=_rate(data.get("AvgFPS")),
            bitrate=to_float(data.get("Bitrate")),
            duration=to_float(data.get("Duration")),
            num_frames=to_int(data.get("NumFrames")),
            pix_fmt=to_str(data.get("PixFmt")),
            dar=to_str(data.get("Dar")),
            sar=to_str(data.get("Sar")),
            rotate=to_int(data.get("Rotate")),
            has_b_frames=to_int(data.get("HasBFrames")),
            hdr_type=to_str(data.get("HDRType")),
            lang=to_str(data.get("Lang")),
            start_time=to_float(data.get("StartTime")),
            timebase=to_str(data.get("Timebase")),
            raw=data,
        )


@dataclass(frozen=True)
class AudioStreamInfo:
    """One audio track of a source file (GetMezzanineInfo; all strings on the wire)."""

    index: int | None = None
    codec_name: str | None = None
    codec_long_name: str | None = None
    channels: int | None = None
    channel_layout: str | None = None
    sample_rate: int | None = None
    sample_fmt: str | None = None
    bitrate: float | None = None
    duration: float | None = None
    num_frames: int | None = None
    lang: str | None = None
    start_time: float | None = None
    timebase: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> AudioStreamInfo:
        return cls(
            index=to_int(data.get("Index")),
            codec_name=to_str(data.get("CodecName")),
            codec_long_name=to_str(data.get("CodecLongName")),
            channels=to_int(data.get("Channels")),
            channel_layout=to_str(data.get("ChannelLayout")),
            sample_rate=to_int(data.get("SampleRate")),
            sample_fmt=to_str(data.get("SampleFmt")),
            bitrate=to_float(data.get("Bitrate")),
            duration=to_float(data.get("Duration")),
            num_frames=to_int(data.get("NumFrames")),
            lang=to_str(data.get("Lang")),
            start_time=to_float(data.get("StartTime")),
            timebase=to_str(data.get("Timebase")),
            raw=data,
        )


@dataclass(frozen=True)
class Mezzanine:
    """A video's source file (GetMezzanineInfo); stream lists are filled only for the AdditionType asked."""

    video_id: str
    file_name: str | None = None
    file_url: str | None = None
    file_md5: str | None = None
    size: int | None = None
    duration: float | None = None
    bitrate: float | None = None
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    status: str | None = None
    output_type: str | None = None
    creation_time: str | None = None
    preprocess_status: str | None = None
    storage_class: str | None = None
    restore_status: str | None = None
    restore_expiration: str | None = None
    video_streams: tuple[VideoStreamInfo, ...] = ()
    audio_streams: tuple[AudioStreamInfo, ...] = ()
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> Mezzanine:
        return cls(
            video_id=to_str(data.get("VideoId")) or "",
            file_name=to_str(data.get("FileName")),
            file_url=to_str(data.get("FileURL")),
            file_md5=to_str(data.get("FileMD5")),
            size=to_int(data.get("Size")),
            duration=to_float(data.get("Duration")),
            bitrate=to_float(data.get("Bitrate")),
            fps=_rate(data.get("Fps")),
            width=to_int(data.get("Width")),
            height=to_int(data.get("Height")),
            status=to_str(data.get("Status")),
            output_type=to_str(data.get("OutputType")),
            creation_time=to_str(data.get("CreationTime")),
            preprocess_status=to_str(data.get("PreprocessStatus")),
            storage_class=to_str(data.get("StorageClass")),
            restore_status=to_str(data.get("RestoreStatus")),
            restore_expiration=to_str(data.get("RestoreExpiration")),
            video_streams=tuple(
                VideoStreamInfo.from_dict(s) for s in obj_list(data.get("VideoStreamList"), "VideoStream")
            ),
            audio_streams=tuple(
                AudioStreamInfo.from_dict(s) for s in obj_list(data.get("AudioStreamList"), "AudioStream")
            ),
            raw=data,
        )


@dataclass(frozen=True)
class Stream:
    """One playable stream from GetPlayInfo; ``job_id`` is what DeleteStream takes."""

    job_id: str | None = None
    definition: str | None = None
    format: str | None = None
    status: str | None = None
    stream_type: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    bitrate: float | None = None
    fps: float | None = None
    duration: float | None = None
    play_url: str | None = None
    encrypt: bool | None = None
    encrypt_type: str | None = None
    specification: str | None = None
    creation_time: str | None = None
    modification_time: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> Stream:
        return cls(
            job_id=to_str(data.get("JobId")),
            definition=to_str(data.get("Definition")),
            format=to_str(data.get("Format")),
            status=to_str(data.get("Status")),
            stream_type=to_str(data.get("StreamType")),
            size=to_int(data.get("Size")),
            width=to_int(data.get("Width")),
            height=to_int(data.get("Height")),
            bitrate=to_float(data.get("Bitrate")),
            fps=_rate(data.get("Fps")),
            duration=to_float(data.get("Duration")),
            play_url=to_str(data.get("PlayURL")),
            encrypt=to_bool(data.get("Encrypt")),
            encrypt_type=to_str(data.get("EncryptType")),
            specification=to_str(data.get("Specification")),
            creation_time=to_str(data.get("CreationTime")),
            modification_time=to_str(data.get("ModificationTime")),
            raw=data,
        )


@dataclass(frozen=True)
class VideoBase:
    """The video summary GetPlayInfo returns next to the streams."""

    video_id: str
    title: str | None = None
    status: str | None = None
    duration: float | None = None
    cover_url: str | None = None
    creation_time: str | None = None
    media_type: str | None = None
    storage_class: str | None = None
    transcode_mode: str | None = None
    output_type: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> VideoBase:
        return cls(
            video_id=to_str(data.get("VideoId")) or "",
            title=to_str(data.get("Title")),
            status=to_str(data.get("Status")),
            duration=to_float(data.get("Duration")),
            cover_url=to_str(data.get("CoverURL")),
            creation_time=to_str(data.get("CreationTime")),
            media_type=to_str(data.get("MediaType")),
            storage_class=to_str(data.get("StorageClass")),
            transcode_mode=to_str(data.get("TranscodeMode")),
            output_type=to_str(data.get("OutputType")),
            raw=data,
        )


@dataclass(frozen=True)
class PlayInfo:
    """GetPlayInfo's answer: the video summary plus its streams."""

    video_base: VideoBase
    streams: tuple[Stream, ...] = ()
    request_id: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(s.job_id for s in self.streams if s.job_id)

    @classmethod
    def from_dict(cls, data: Raw) -> PlayInfo:
        return cls(
            video_base=VideoBase.from_dict(sub(data, "VideoBase") or {}),
            streams=tuple(Stream.from_dict(s) for s in obj_list(data.get("PlayInfoList"), "PlayInfo")),
            request_id=to_str(data.get("RequestId")),
            raw=data,
        )


def _rate(value: Any) -> float | None:
    """Frame rates come as ``"25.0000"`` or as a fraction like ``"30000/1001"``."""
    text = to_str(value)
    if text and "/" in text:
        num, _, den = text.partition("/")
        n, d = to_float(num), to_float(den)
        return n / d if n is not None and d else None
    return to_float(value)
