"""Tiny real media files made on the spot (no fixtures in the repository, no network).

Tests and demos upload these through the official clients; the emulator then probes them like any
other upload. A one-second 320x240 H.264 + AAC MP4 is about 16 KB and takes well under 0.1 s.
"""

from __future__ import annotations

import io
import math
import struct
from fractions import Fraction
from typing import Any

import av
from av.video.codeccontext import VideoCodecContext


def _fill(plane: Any, rows: list[bytes]) -> None:
    # Planes may be padded to an aligned line size: write each row at its stride.
    stride = plane.line_size
    plane.update(b"".join(row.ljust(stride, b"\0")[:stride] for row in rows))


def _video_frame(
    width: int, height: int, index: int, noise: bool, chroma: tuple[int, int] = (128, 128)
) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    if noise:
        # Pseudo-random bytes do not compress: used to make files big enough for multipart tests.
        seed = (index * 2654435761) & 0xFFFFFFFF
        luma = bytearray(width * height + 4)
        for i in range(0, width * height, 4):
            seed = (seed * 1103515245 + 12345) & 0xFFFFFFFF
            luma[i : i + 4] = seed.to_bytes(4, "little")
        rows = [bytes(luma[y * width : (y + 1) * width]) for y in range(height)]
    else:
        rows = [bytes((x * 3 + index * 8) & 0xFF for x in range(width))] * height
    _fill(frame.planes[0], rows)
    chroma_width, chroma_height = (width + 1) // 2, (height + 1) // 2
    for plane, value in zip(frame.planes[1:3], chroma, strict=True):
        _fill(plane, [bytes([value]) * chroma_width] * chroma_height)
    return frame


def make_video(
    width: int = 320,
    height: int = 240,
    seconds: float = 1.0,
    fps: int = 25,
    audio: bool = True,
    container: str = "mp4",
    codec: str = "libx264",
    noise: bool = False,
    bitrate: int | None = None,
) -> bytes:
    """A real video file: a moving gradient (or noise) picture and, optionally, a 440 Hz tone."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if bitrate:
            video.bit_rate = bitrate
        sound = out.add_stream("aac", rate=44100) if audio else None
        if sound is not None:
            sound.layout = "mono"
        frames = max(1, round(seconds * fps))
        for index in range(frames):
            frame = _video_frame(width, height, index, noise)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if sound is not None:
            _write_tone(out, sound, seconds)
    return buffer.getvalue()


def make_audio(seconds: float = 1.0, container: str = "mp4") -> bytes:
    """An audio-only file (AAC in MP4 by default)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        sound = out.add_stream("aac", rate=44100)
        sound.layout = "mono"
        _write_tone(out, sound, seconds)
    return buffer.getvalue()


def _write_tone(out: av.container.OutputContainer, sound: av.AudioStream, seconds: float) -> None:
    rate, size, total, written = 44100, 1024, int(44100 * seconds), 0
    while written < total:
        samples = [0.2 * math.sin(2 * math.pi * 440 * (written + k) / rate) for k in range(size)]
        chunk = av.AudioFrame(format="fltp", layout="mono", samples=size)
        chunk.planes[0].update(struct.pack(f"{size}f", *samples))
        chunk.sample_rate, chunk.pts = rate, written
        chunk.time_base = Fraction(1, rate)
        written += size
        for packet in sound.encode(chunk):
            out.mux(packet)
    for packet in sound.encode(None):
        out.mux(packet)


def make_image(
    width: int = 64, height: int = 48, fmt: str = "png", index: int = 0, chroma: tuple[int, int] = (128, 128)
) -> bytes:
    """A real still image (``png`` or ``jpeg``) of a gradient; ``index`` shifts it and ``chroma`` (the U
    and V values, 128 for grey) colours it, so pictures can differ."""
    codec, pix_fmt = {"png": ("png", "rgb24"), "jpeg": ("mjpeg", "yuvj420p"), "jpg": ("mjpeg", "yuvj420p")}[
        fmt
    ]
    frame = _video_frame(width, height, index, noise=False, chroma=chroma).reformat(format=pix_fmt)
    encoder = _video_encoder(av.CodecContext.create(codec, "w"))
    encoder.width, encoder.height, encoder.pix_fmt = width, height, pix_fmt
    encoder.time_base = Fraction(1, 25)
    frame.pts = 0
    return b"".join(bytes(p) for p in [*encoder.encode(frame), *encoder.encode(None)])


def _video_encoder(context: av.CodecContext) -> VideoCodecContext:
    # PyAV types ``CodecContext.create`` as the base class; a video codec makes a video context.
    assert isinstance(context, VideoCodecContext)
    return context
