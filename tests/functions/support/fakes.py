"""An in-memory stand-in for ``shared.VodClient``: the methods the event functions call, typed results from
``shared.models``, scriptable faults (before or after the change lands) and a call log.

Used until the emulator serves every action the functions need; tests/functions/events/test_on_emulator.py
runs the same functions against the emulator through the official SDK.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.errors import IllegalStatus, NotFound, VodError
from shared.models.inputs import ImageUpdate
from shared.models.media import Image, MediaItem, Video
from shared.models.results import (
    DeleteMezzaninesResult,
    DeleteVideosResult,
    UpdateImagesResult,
    VideoInfosResult,
)
from shared.models.streams import Mezzanine, PlayInfo
from shared.validation import MAX_TAGS, TAG_MAX_BYTES


@dataclass
class FakeStream:
    job_id: str
    definition: str
    format: str = "m3u8"
    status: str = "Normal"
    play_url: str | None = "http://cdn.example.com/v.m3u8"

    def raw(self) -> dict[str, Any]:
        data = {
            "JobId": self.job_id,
            "Definition": self.definition,
            "Format": self.format,
            "Status": self.status,
        }
        if self.play_url:
            data["PlayURL"] = self.play_url
        return data


@dataclass
class FakeVideo:
    video_id: str
    title: str = "clip"
    status: str = "Normal"
    tags: list[str] = field(default_factory=list)
    cate_id: int | None = None
    creation_time: str = "2026-01-01T00:00:00Z"
    width: int | None = 1920
    height: int | None = 1080
    rotate: int | None = None
    duration: float | None = 42.0
    file_name: str | None = "holiday-trailer.mp4"
    source: bool = True
    source_is_stream: bool = False
    streams: list[FakeStream] = field(default_factory=list)


@dataclass
class FakeImage:
    image_id: str
    tags: list[str] = field(default_factory=list)
    cate_id: int | None = None
    width: int | None = 1080
    height: int | None = 1920
    original_file_name: str | None = "poster.jpg"


@dataclass
class Fault:
    error: VodError
    after: bool = False  # True: the change lands, then the error is raised (a 5xx after the fact)


class FakeVod:
    def __init__(self) -> None:
        self.videos: dict[str, FakeVideo] = {}
        self.images: dict[str, FakeImage] = {}
        self.calls: list[tuple[str, Any]] = []
        self.faults: dict[str, list[Fault]] = {}

    # --- scripting -------------------------------------------------------------------------------------

    def add(self, video: FakeVideo) -> FakeVideo:
        self.videos[video.video_id] = video
        return video

    def fail(self, action: str, error: VodError, *, after: bool = False, times: int = 1) -> None:
        self.faults.setdefault(action, []).extend(Fault(error, after) for _ in range(times))

    def _call(self, action: str, arg: Any) -> Fault | None:
        self.calls.append((action, arg))
        queue = self.faults.get(action)
        fault = queue.pop(0) if queue else None
        if fault is not None and not fault.after:
            raise fault.error
        return fault

    def actions(self, name: str | None = None) -> list[tuple[str, Any]]:
        return [c for c in self.calls if name is None or c[0] == name]

    def _video(self, video_id: str) -> FakeVideo:
        if video_id not in self.videos:
            raise NotFound("InvalidVideo.NotFound", "The video does not exist.", http_status=404)
        return self.videos[video_id]

    @staticmethod
    def _landed(fault: Fault | None) -> None:
        if fault is not None:
            raise fault.error

    # --- videos ----------------------------------------------------------------------------------------

    def get_video_info(self, video_id: str) -> Video:
        self._call("GetVideoInfo", video_id)
        return self._to_video(self._video(video_id))

    @staticmethod
    def _to_video(v: FakeVideo) -> Video:
        raw: dict[str, Any] = {
            "VideoId": v.video_id,
            "Title": v.title,
            "Status": v.status,
            "CreationTime": v.creation_time,
            "Tags": ",".join(v.tags),
        }
        if v.cate_id is not None:
            raw["CateId"] = v.cate_id
        if v.duration is not None:
            raw["Duration"] = v.duration
        return Video.from_dict(raw)

    def get_video_infos(self, video_ids: Iterable[str]) -> VideoInfosResult:
        ids = list(video_ids)
        self._call("GetVideoInfos", ids)
        return VideoInfosResult(
            videos=tuple(self._to_video(self.videos[i]) for i in ids if i in self.videos),
            non_exist_video_ids=tuple(i for i in ids if i not in self.videos),
        )

    def update_video_info(
        self, video_id: str, *, tags: Any = None, cate_id: int | None = None, **_: Any
    ) -> None:
        fault = self._call("UpdateVideoInfo", {"VideoId": video_id, "Tags": tags, "CateId": cate_id})
        video = self._video(video_id)
        if tags is not None:
            tags = list(tags)
            assert len(tags) <= MAX_TAGS and all(len(t.encode()) <= TAG_MAX_BYTES for t in tags), tags
            video.tags = tags
        if cate_id is not None:
            video.cate_id = cate_id
        self._landed(fault)

    def delete_videos(self, video_ids: Iterable[str]) -> DeleteVideosResult:
        ids = list(video_ids)
        assert len(ids) <= 20, "the sweeper deletes in batches of at most 20"
        fault = self._call("DeleteVideo", ids)
        missing = tuple(i for i in ids if i not in self.videos)
        for i in ids:
            self.videos.pop(i, None)
        self._landed(fault)
        return DeleteVideosResult(requested_video_ids=tuple(ids), non_exist_video_ids=missing)

    def iter_search_media(self, match: str, **kwargs: Any) -> Iterator[MediaItem]:
        self._call("SearchMedia", {"Match": match, **kwargs})
        statuses = re.search(r"Status in \(([^)]*)\)", match)
        wanted = {s.strip(" '") for s in statuses.group(1).split(",")} if statuses else None
        bounds = re.search(r"CreationTime = \[\s*'([^']*)'\s*,\s*'([^']*)'\s*\]", match)
        hits = [
            v
            for v in self.videos.values()
            if (wanted is None or v.status in wanted)
            and (bounds is None or bounds.group(1) <= v.creation_time <= bounds.group(2))
        ]
        hits.sort(key=lambda v: (v.creation_time, v.video_id))
        for v in hits:
            yield MediaItem(
                media_id=v.video_id,
                media_type="video",
                creation_time=v.creation_time,
                video=self._to_video(v),
            )

    # --- source and streams ------------------------------------------------------------------------------

    def get_mezzanine_info(self, video_id: str, **_: Any) -> Mezzanine:
        self._call("GetMezzanineInfo", video_id)
        v = self._video(video_id)
        if not v.source:
            raise NotFound("InvalidFile.NotFound", "The file does not exist.", http_status=404)
        raw: dict[str, Any] = {
            "VideoId": v.video_id,
            "Status": "Normal",
            "FileName": v.file_name,
            "Size": 1000,
        }
        if v.width:
            raw.update(Width=v.width, Height=v.height)
        if v.duration is not None:
            raw["Duration"] = str(v.duration)
        if v.rotate is not None:
            raw["VideoStreamList"] = [
                {"Width": str(v.width), "Height": str(v.height), "Rotate": str(v.rotate)}
            ]
        return Mezzanine.from_dict(raw)

    def get_play_info(self, video_id: str, **_: Any) -> PlayInfo:
        self._call("GetPlayInfo", video_id)
        v = self._video(video_id)
        if v.status not in ("Normal", "Checking", "Blocked"):
            raise IllegalStatus("Forbidden.IllegalStatus", "Status of the video is illegal.", http_status=400)
        streams = [s.raw() for s in v.streams]
        if v.source_is_stream and v.source:
            streams.append(FakeStream("source-od", "OD", "mp4").raw())
        if not streams:
            raise NotFound("InvalidVideo.NoneStream", "The video has no stream.", http_status=404)
        return PlayInfo.from_dict(
            {"VideoBase": {"VideoId": video_id, "Status": v.status}, "PlayInfoList": {"PlayInfo": streams}}
        )

    def delete_mezzanines(self, video_ids: Iterable[str], **kwargs: Any) -> DeleteMezzaninesResult:
        ids = list(video_ids)
        assert not kwargs.get("force"), "the source is never deleted with Force"
        fault = self._call("DeleteMezzanines", ids)
        missing, unremoveable = [], []
        for i in ids:
            v = self.videos.get(i)
            if v is None:
                missing.append(i)
            elif v.source_is_stream:
                unremoveable.append(i)
            else:
                v.source = False
        self._landed(fault)
        return DeleteMezzaninesResult(
            requested_video_ids=tuple(ids),
            non_exist_video_ids=tuple(missing),
            unremoveable_video_ids=tuple(unremoveable),
        )

    def delete_stream(self, video_id: str, job_ids: Iterable[str]) -> None:
        jobs = list(job_ids)
        assert len(jobs) <= 20
        fault = self._call("DeleteStream", {"VideoId": video_id, "JobIds": jobs})
        v = self._video(video_id)
        known = {s.job_id for s in v.streams}
        if not set(jobs) & known:
            raise NotFound("InvalidStream.NotFound", "The stream does not exist.", http_status=404)
        v.streams = [s for s in v.streams if s.job_id not in jobs]
        self._landed(fault)

    # --- images ----------------------------------------------------------------------------------------

    def get_image_info(self, image_id: str, **_: Any) -> Image:
        self._call("GetImageInfo", image_id)
        if image_id not in self.images:
            raise NotFound("InvalidImage.NotFound", "The image does not exist.", http_status=404)
        img = self.images[image_id]
        raw: dict[str, Any] = {"ImageId": image_id, "Tags": ",".join(img.tags), "Status": "Normal"}
        if img.cate_id is not None:
            raw["CateId"] = img.cate_id
        raw["Mezzanine"] = {
            "Width": img.width,
            "Height": img.height,
            "OriginalFileName": img.original_file_name,
        }
        return Image.from_dict(raw)

    def update_image_infos(self, updates: Iterable[ImageUpdate]) -> UpdateImagesResult:
        entries = list(updates)
        fault = self._call("UpdateImageInfos", entries)
        missing = []
        for entry in entries:
            img = self.images.get(entry.image_id)
            if img is None:
                missing.append(entry.image_id)
                continue
            if entry.tags is not None:
                tags = list(entry.tags) if not isinstance(entry.tags, str) else entry.tags.split(",")
                assert len(tags) <= MAX_TAGS
                img.tags = tags
            if entry.cate_id is not None:
                img.cate_id = entry.cate_id
        self._landed(fault)
        return UpdateImagesResult(non_exist_image_ids=tuple(missing))
