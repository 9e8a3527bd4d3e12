"""What a file really is: container, duration, size, bitrate and streams, read with PyAV (FFmpeg).

VOD analyses every upload with its own ffprobe-like step ("VideoAnalysisComplete") and reports the
result through GetMezzanineInfo. The emulator does the same on the real bytes, so a test that uploads
a 320x240, one-second clip sees 320, 240 and a duration near 1.0, and a text file renamed ``.mp4`` is
recognised as not being media at all.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, BinaryIO

import av

Source = bytes | str | os.PathLike[str] | BinaryIO


class NotMedia(Exception):
    """The bytes are not a container FFmpeg can read, or hold no audio or video stream."""


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec_name: str
    codec_long_name: str
    codec_tag: str  # the four-character code, e.g. "avc1"
    profile: str
    width: int
    height: int
    pix_fmt: str
    fps: float
    avg_fps: float
    time_base: str
    start_time: float
    duration: float
    bitrate: float  # bits per second, 0 when the container does not say
    num_frames: int
    has_b_frames: bool
    sar: str
    dar: str
    lang: str
    rotate: int


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec_name: str
    codec_long_name: str
    codec_tag: str
    profile: str
    sample_rate: int
    channels: int
    channel_layout: str
    sample_fmt: str
    time_base: str
    start_time: float
    duration: float
    bitrate: float
    num_frames: int
    lang: str


@dataclass(frozen=True)
class MediaInfo:
    format_name: str  # FFmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    format_long_name: str
    size: int
    duration: float  # seconds
    bitrate: float  # bits per second
    video_streams: list[VideoStream] = field(default_factory=list)
    audio_streams: list[AudioStream] = field(default_factory=list)

    @property
    def is_audio(self) -> bool:
        return not self.video_streams and bool(self.audio_streams)

    @property
    def width(self) -> int:
        return self.video_streams[0].width if self.video_streams else 0

    @property
    def height(self) -> int:
        return self.video_streams[0].height if self.video_streams else 0

    @property
    def fps(self) -> float:
        return self.video_streams[0].avg_fps if self.video_streams else 0.0

    @property
    def bitrate_kbps(self) -> float:
        return self.bitrate / 1000.0


def _ratio(value: Fraction | None) -> float:
    return float(value) if value else 0.0


def _seconds(value: int | None, time_base: Fraction | None) -> float:
    if value is None or time_base is None:
        return 0.0
    return float(value * time_base)


def _aspect(value: Fraction | None, fallback: Fraction) -> str:
    value = value or fallback
    return f"{value.numerator}:{value.denominator}"


def _open(source: Source) -> tuple[Any, int]:
    if isinstance(source, bytes):
        return av.open(io.BytesIO(source), mode="r"), len(source)
    if isinstance(source, (str, os.PathLike)):
        return av.open(os.fspath(source), mode="r"), os.path.getsize(source)
    position = source.tell()
    size = source.seek(0, io.SEEK_END) - position
    source.seek(position)
    return av.open(source, mode="r"), size


def probe(source: Source) -> MediaInfo:
    """Read the container's and streams' facts; raises ``NotMedia`` for anything else."""
    try:
        container, size = _open(source)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise NotMedia(str(exc)) from exc
    with container:
        videos: list[VideoStream] = []
        audios: list[AudioStream] = []
        for stream in container.streams:
            ctx = stream.codec_context
            if ctx is None or stream.type not in ("video", "audio"):
                continue
            common: dict[str, Any] = {
                "index": stream.index,
                "codec_name": ctx.name or "",
                "codec_long_name": ctx.codec.long_name if ctx.codec else "",
                "codec_tag": ctx.codec_tag or "",
                "profile": ctx.profile or "",
                "time_base": str(stream.time_base) if stream.time_base else "0/1",
                "start_time": _seconds(stream.start_time, stream.time_base),
                "duration": _seconds(stream.duration, stream.time_base),
                "bitrate": float(ctx.bit_rate or 0),
                "num_frames": int(stream.frames or 0),
                "lang": str(stream.metadata.get("language", "und")),
            }
            if stream.type == "video":
                if not ctx.width or not ctx.height:
                    continue
                rotate = stream.metadata.get("rotate", "0")
                videos.append(
                    VideoStream(
                        **common,
                        width=ctx.width,
                        height=ctx.height,
                        pix_fmt=ctx.format.name if ctx.format else "",
                        fps=_ratio(stream.guessed_rate or stream.base_rate),
                        avg_fps=_ratio(stream.average_rate or stream.guessed_rate),
                        has_b_frames=bool(ctx.has_b_frames),
                        # An unset aspect ratio means square pixels, as ffprobe reports it.
                        sar=_aspect(ctx.sample_aspect_ratio, Fraction(1, 1)),
                        dar=_aspect(ctx.display_aspect_ratio, Fraction(ctx.width, ctx.height)),
                        rotate=int(rotate) if str(rotate).lstrip("-").isdigit() else 0,
                    )
                )
            else:
                audios.append(
                    AudioStream(
                        **common,
                        sample_rate=int(ctx.sample_rate or 0),
                        channels=int(ctx.channels or 0),
                        channel_layout=ctx.layout.name if ctx.layout else "",
                        sample_fmt=ctx.format.name if ctx.format else "",
                    )
                )
        if not videos and not audios:
            raise NotMedia("no audio or video stream")
        if container.duration is not None:
            duration = container.duration / av.time_base
        else:
            duration = max([*(v.duration for v in videos), *(a.duration for a in audios)])
        bitrate = float(container.bit_rate or 0)
        if not bitrate and duration > 0:
            bitrate = size * 8 / duration
        return MediaInfo(
            format_name=container.format.name,
            format_long_name=container.format.long_name,
            size=size,
            duration=duration,
            bitrate=bitrate,
            video_streams=videos,
            audio_streams=audios,
        )


def is_media(source: Source) -> bool:
    try:
        probe(source)
    except NotMedia:
        return False
    return True
