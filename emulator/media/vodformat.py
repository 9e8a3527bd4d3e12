"""Probe results in VOD's wire shapes (GetMezzanineInfo's Mezzanine and its stream lists).

The models type nearly everything in the stream lists as a string, and ``Bitrate``/``Fps``/
``Duration`` of the Mezzanine itself too (see the VOD API reference); the numbers are formatted the
way ffprobe prints them, which is what VOD's own analysis echoes.
"""

from __future__ import annotations

from typing import Any

from vodfc.emulator.media.probe import AudioStream, MediaInfo, VideoStream


def seconds(value: float) -> str:
    """``1.020998`` -> ``"1.020998"``; ``12.0`` -> ``"12.0"`` (ffprobe prints microseconds at most)."""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def kbps(bits_per_second: float) -> str:
    """Bitrate in kbit/s with three decimals at most (``"127.255"``)."""
    text = f"{bits_per_second / 1000:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def fps(value: float) -> str:
    return seconds(round(value, 3))


def _tag_hex(tag: str) -> str:
    # ffprobe's codec_tag is the little-endian integer of the fourcc, e.g. "avc1" -> 0x31637661.
    raw = tag.encode("latin-1")[:4].ljust(4, b"\0") if tag else b"\0\0\0\0"
    return f"0x{int.from_bytes(raw, 'little'):08x}"


def video_stream(stream: VideoStream) -> dict[str, str]:
    return {
        "Index": str(stream.index),
        "CodecName": stream.codec_name,
        "CodecLongName": stream.codec_long_name,
        "Profile": stream.profile,
        "CodecTimeBase": stream.time_base,
        "CodecTagString": stream.codec_tag or "[0][0][0][0]",
        "CodecTag": _tag_hex(stream.codec_tag),
        "Width": str(stream.width),
        "Height": str(stream.height),
        "HasBFrames": "1" if stream.has_b_frames else "0",
        "Sar": stream.sar,
        "Dar": stream.dar,
        "PixFmt": stream.pix_fmt,
        "Level": "",
        "Fps": fps(stream.fps),
        "AvgFPS": fps(stream.avg_fps),
        "Timebase": stream.time_base,
        "StartTime": seconds(stream.start_time),
        "Duration": seconds(stream.duration),
        "Bitrate": kbps(stream.bitrate),
        "NumFrames": str(stream.num_frames),
        "Lang": stream.lang,
        "Rotate": str(stream.rotate),
        "HDRType": "SDR",
    }


def audio_stream(stream: AudioStream) -> dict[str, str]:
    return {
        "Index": str(stream.index),
        "CodecName": stream.codec_name,
        "CodecLongName": stream.codec_long_name,
        "CodecTimeBase": stream.time_base,
        "CodecTagString": stream.codec_tag or "[0][0][0][0]",
        "CodecTag": _tag_hex(stream.codec_tag),
        "SampleFmt": stream.sample_fmt,
        "SampleRate": str(stream.sample_rate),
        "Channels": str(stream.channels),
        "ChannelLayout": stream.channel_layout,
        "Timebase": stream.time_base,
        "StartTime": seconds(stream.start_time),
        "Duration": seconds(stream.duration),
        "Bitrate": kbps(stream.bitrate),
        "NumFrames": str(stream.num_frames),
        "Lang": stream.lang,
    }


def mezzanine_facts(info: MediaInfo) -> dict[str, Any]:
    """The probed part of GetMezzanineInfo's ``Mezzanine`` (numbers typed as the models type them)."""
    facts: dict[str, Any] = {
        "Size": info.size,
        "Duration": seconds(info.duration),
        "Bitrate": kbps(info.bitrate),
        "VideoStreamList": [video_stream(s) for s in info.video_streams],
        "AudioStreamList": [audio_stream(s) for s in info.audio_streams],
    }
    if info.video_streams:
        facts.update({"Width": info.width, "Height": info.height, "Fps": fps(info.fps)})
    return facts
