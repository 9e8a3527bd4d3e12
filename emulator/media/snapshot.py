"""A real frame of a real file, as a JPEG: what VOD's cover snapshot would show."""

from __future__ import annotations

from fractions import Fraction

import av
from av.video.codeccontext import VideoCodecContext
from vodfc.emulator.media.probe import NotMedia, Source, _open


def snapshot_jpeg(
    source: Source, at: float = 0.0, width: int | None = None, height: int | None = None
) -> bytes:
    """The first frame shown at or after ``at`` seconds (the last one if the file is shorter).

    ``width``/``height`` scale the picture (one of them alone keeps the aspect ratio). Raises
    ``NotMedia`` when there is no decodable video frame.
    """
    try:
        container, _ = _open(source)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise NotMedia(str(exc)) from exc
    with container:
        if not container.streams.video:
            raise NotMedia("no video stream")
        stream = container.streams.video[0]
        chosen = None
        try:
            if at > 0 and stream.time_base:
                container.seek(int(at / stream.time_base), stream=stream, backward=True)
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is None or frame.time >= at:
                    break
        except av.FFmpegError as exc:
            if chosen is None:
                raise NotMedia(str(exc)) from exc
        if chosen is None:
            raise NotMedia("no decodable video frame")
        return _encode_jpeg(chosen, width, height)


def _encode_jpeg(frame: av.VideoFrame, width: int | None, height: int | None) -> bytes:
    if width and not height:
        height = max(2, round(frame.height * width / frame.width))
    elif height and not width:
        width = max(2, round(frame.width * height / frame.height))
    width, height = width or frame.width, height or frame.height
    encoder = _video_encoder(av.CodecContext.create("mjpeg", "w"))
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    picture = frame.reformat(width=width, height=height, format="yuvj420p")
    picture.pts = 0
    packets = [*encoder.encode(picture), *encoder.encode(None)]
    return b"".join(bytes(packet) for packet in packets)


def _video_encoder(context: av.CodecContext) -> VideoCodecContext:
    # PyAV types ``CodecContext.create`` as the base class; a video codec makes a video context.
    assert isinstance(context, VideoCodecContext)
    return context
