"""The demo library: a small, realistic VOD account to try the API and the operation functions on.

``seed_demo_library(backend)`` loads twelve videos in the statuses a real library has (Normal ones with
a source file, transcoded streams and snapshots; one untranscoded; Uploading, UploadSucc,
Transcoding, UploadFail, TranscodeFail, Blocked), four images and three categories. Ids and times are
fixed, so seeding twice gives the same records (the second run overwrites the first) and examples
can name them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

from vodfc.emulator.vod.models import VodBackend
from vodfc.shared.validation import format_time

BASE_TIME = datetime(2026, 1, 5, 8, 0, 0, tzinfo=timezone.utc)

CATEGORIES = (
    # (cate_id, name, parent)
    (1000000001, "Tutorials", None),
    (1000000002, "Python", 1000000001),
    (1000000003, "Product demos", None),
)

# (title, status, tags, cate_id, reference_id, duration s, size bytes, transcode mode)
VIDEOS: tuple[tuple[str, str, str | None, int | None, str | None, float, int, str], ...] = (
    (
        "Getting started with VOD",
        "Normal",
        "tutorial,vod",
        1000000001,
        "demo-getting-started",
        125.6,
        31457280,
        "FastTranscode",
    ),
    (
        "Python SDK in five minutes",
        "Normal",
        "tutorial,python",
        1000000002,
        "demo-python-sdk",
        301.2,
        73400320,
        "FastTranscode",
    ),
    (
        "Function Compute event handlers",
        "Normal",
        "tutorial,fc,python",
        1000000002,
        None,
        452.0,
        104857600,
        "FastTranscode",
    ),
    (
        "Product tour 2026",
        "Normal",
        "demo,product",
        1000000003,
        "demo-product-tour",
        92.4,
        20971520,
        "FastTranscode",
    ),
    ("Customer keynote", "Normal", "demo,keynote", 1000000003, None, 1805.5, 524288000, "FastTranscode"),
    ("Raw conference recording", "Normal", "recording", None, None, 3600.0, 1073741824, "NoTranscode"),
    ("Weekly update (uploading)", "Uploading", "update", None, None, 0.0, 0, "FastTranscode"),
    ("Team offsite highlights", "UploadSucc", "team", None, None, 240.0, 62914560, "FastTranscode"),
    ("Release webinar", "Transcoding", "webinar,demo", 1000000003, None, 2710.3, 681574400, "FastTranscode"),
    ("Broken upload", "UploadFail", None, None, None, 0.0, 0, "FastTranscode"),
    ("Corrupt source file", "TranscodeFail", "broken", None, None, 12.0, 1048576, "FastTranscode"),
    ("Blocked by review", "Blocked", None, None, None, 60.0, 15728640, "FastTranscode"),
)

# definition, format, width, height, bitrate kbit/s
STREAM_LADDER = (
    ("LD", "m3u8", 640, 360, 400.0),
    ("SD", "m3u8", 848, 480, 800.0),
    ("LD", "mp4", 640, 360, 450.5),
    ("SD", "mp4", 848, 480, 900.25),
    ("HD", "mp4", 1280, 720, 1500.0),
)

# (title, image type, status, tags, cate_id, width, height, size)
IMAGES = (
    ("Getting started cover", "cover", "Normal", "cover,tutorial", 1000000001, 1280, 720, 182044),
    ("Product tour poster", "default", "Normal", "demo,poster", 1000000003, 1920, 1080, 402113),
    ("Team photo", "default", "Normal", "team", None, 1024, 768, 95012),
    ("Logo (uploading)", "default", "Uploading", None, None, None, None, None),
)


def demo_id(kind: str, n: int) -> str:
    """A fixed 32-hex id for the n-th demo record of a kind."""
    return hashlib.md5(f"vodfc-demo-{kind}-{n}".encode()).hexdigest()


def _video_stream(width: int, height: int, duration: float, fps: float = 25.0) -> dict[str, str]:
    return {
        "Index": "0",
        "CodecName": "h264",
        "CodecLongName": "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10",
        "Profile": "High",
        "CodecTimeBase": "1/50",
        "CodecTagString": "avc1",
        "CodecTag": "0x31637661",
        "Width": str(width),
        "Height": str(height),
        "HasBFrames": "2",
        "Sar": "1:1",
        "Dar": "16:9",
        "PixFmt": "yuv420p",
        "Level": "40",
        "Fps": f"{fps:.1f}",
        "AvgFPS": f"{fps:.1f}",
        "Timebase": "1/12800",
        "StartTime": "0.000000",
        "Duration": f"{duration:.6f}",
        "NumFrames": str(int(duration * fps)),
        "Lang": "und",
        "Rotate": "0",
        "HDRType": "SDR",
        "Bitrate": "2000.000",
    }


def _audio_stream(duration: float) -> dict[str, str]:
    return {
        "Index": "1",
        "CodecName": "aac",
        "CodecLongName": "AAC (Advanced Audio Coding)",
        "CodecTimeBase": "1/44100",
        "CodecTagString": "mp4a",
        "CodecTag": "0x6134706d",
        "SampleFmt": "fltp",
        "SampleRate": "44100",
        "Channels": "2",
        "ChannelLayout": "stereo",
        "Timebase": "1/44100",
        "StartTime": "0.000000",
        "Duration": f"{duration:.6f}",
        "Bitrate": "128.000",
        "NumFrames": str(int(duration * 43)),
        "Lang": "und",
    }


def seed_demo_library(backend: VodBackend) -> dict[str, Any]:
    """Load the demo library into ``backend`` (call under ``backend.lock`` in a store transaction).

    Returns a summary: counts, and the ids of the videos (by status), images and categories.
    """
    location = backend.storage_location
    category_ids = []
    for cate_id, name, parent in CATEGORIES:
        if cate_id in backend.categories:
            category_ids.append(cate_id)
            continue
        cate = backend.add_category(name, parent, cate_id=cate_id, now=format_time(BASE_TIME))
        category_ids.append(cate.cate_id)

    video_ids: list[str] = []
    by_status: dict[str, list[str]] = {}
    for n, (title, status, tags, video_cate, ref, duration, size, mode) in enumerate(VIDEOS, start=1):
        video_id = demo_id("video", n)
        created = BASE_TIME + timedelta(hours=n)
        stamp = format_time(created)
        if video_id in backend.videos:
            backend.delete_video(video_id)
        uploaded = status not in ("Uploading", "UploadFail")
        file_name = f"demo-{n:02d}.mp4"
        backend.create_video(
            title,
            video_id=video_id,
            status=status,
            now=stamp,
            file_name=file_name,
            description=f"Demo video {n}: {title}.",
            tags=tags,
            cate_id=video_cate,
            reference_id=ref,
            transcode_mode=mode,
            user_data='{"Extend":{"demo":"true"}}' if n == 1 else None,
        )
        video = backend.get_video(video_id)
        if uploaded:
            ts = int(created.timestamp())
            key = f"sv/{video_id[:8]}-{ts:x}/{video_id[:8]}-{ts:x}.mp4"
            backend.set_mezzanine(
                video_id,
                status="Normal",
                file_name=file_name,
                file_url=f"https://{location}/{key}",
                size=size,
                duration=duration,
                bitrate=round(size * 8 / 1000 / duration, 4) if duration else None,
                fps=25.0,
                width=1920,
                height=1080,
                file_md5=hashlib.md5(video_id.encode()).hexdigest(),
                crc64=str(int(video_id[:15], 16)),
                video_streams=[_video_stream(1920, 1080, duration)],
                audio_streams=[_audio_stream(duration)],
            )
            video.duration, video.size = duration, size
        if status in ("Normal", "Blocked"):
            snapshots = [
                f"https://{location}/{video_id}/snapshots/normal/{video_id[:8].upper()}-{i:05d}.jpg"
                for i in (1, 2, 3)
            ]
            video.snapshots = snapshots
            video.sprite_snapshots = [
                f"https://{location}/{video_id}/snapshots/sprite/{video_id[:8].upper()}-00001.jpg"
            ]
            video.cover_url = snapshots[0]
            stream_time = format_time(created + timedelta(minutes=5))
            if mode == "NoTranscode":
                # An untranscoded video plays its source file; VOD names that stream <VideoId>02.
                backend.add_stream(
                    video_id,
                    job_id=f"{video_id}02",
                    definition="OD",
                    format="mp4",
                    play_url=f"https://{location}/{key}",
                    bitrate=round(size * 8 / 1000 / duration, 2),
                    size=size,
                    duration=duration,
                    width=1920,
                    height=1080,
                    fps=25.0,
                    specification="Original",
                    now=stream_time,
                )
            else:
                for j, (definition, fmt, width, height, kbps) in enumerate(STREAM_LADDER, start=1):
                    job_id = demo_id(f"job-{n}", j)
                    backend.add_stream(
                        video_id,
                        job_id=job_id,
                        definition=definition,
                        format=fmt,
                        play_url=f"https://{location}/{video_id}/{job_id[:16]}-{definition.lower()}.{fmt}",
                        bitrate=kbps,
                        size=int(kbps * 1000 / 8 * duration),
                        duration=duration,
                        width=width,
                        height=height,
                        fps=25.0,
                        specification=f"H264.{definition}",
                        codec_name="h264",
                        now=stream_time,
                    )
            if status == "Blocked":
                video.audit_status = "Blocked"
            else:
                video.audit_status = "Normal"
        video.modification_time = format_time(created + timedelta(minutes=10)) if uploaded else stamp
        backend.save_video(video)
        video_ids.append(video_id)
        by_status.setdefault(status, []).append(video_id)

    image_ids: list[str] = []
    for n, (title, image_type, status, tags, image_cate, img_width, img_height, img_size) in enumerate(
        IMAGES, start=1
    ):
        image_id = demo_id("image", n)
        if image_id in backend.images:
            backend.delete_image(image_id)
        backend.create_image(
            image_id=image_id,
            image_type=image_type,
            image_ext="jpg",
            status=status,
            now=format_time(BASE_TIME + timedelta(hours=20 + n)),
            title=title,
            description=f"Demo image {n}: {title}.",
            tags=tags,
            cate_id=image_cate,
            width=img_width,
            height=img_height,
            file_size=img_size,
            original_file_name=f"demo-image-{n:02d}.jpg",
        )
        image_ids.append(image_id)

    return {
        "videos": len(video_ids),
        "images": len(image_ids),
        "categories": len(category_ids),
        "streams": sum(len(backend.streams_of(v)) for v in video_ids),
        "video_ids": video_ids,
        "videos_by_status": by_status,
        "image_ids": image_ids,
        "category_ids": category_ids,
    }
