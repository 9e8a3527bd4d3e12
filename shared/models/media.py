"""Typed views of the media objects VOD returns (videos, images, search hits).

Each class is a frozen dataclass built by ``from_dict`` from one JSON object of a VOD answer. Fields are
snake_case, numbers are real numbers whatever VOD sent, list fields are tuples, absent fields are None, and
``raw`` keeps the object exactly as VOD sent it (for fields not modelled here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._parse import str_list, sub, tags, to_float, to_int, to_str

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Video:
    """A video from GetVideoInfo(s), GetVideoList or SearchMedia (audio: AudioId goes in video_id)."""

    video_id: str
    title: str | None = None
    status: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    cate_id: int | None = None
    cate_name: str | None = None
    cover_url: str | None = None
    duration: float | None = None
    size: int | None = None
    creation_time: str | None = None
    modification_time: str | None = None
    reference_id: str | None = None
    user_data: str | None = None
    snapshots: tuple[str, ...] = ()
    sprite_snapshots: tuple[str, ...] = ()
    storage_location: str | None = None
    storage_class: str | None = None
    app_id: str | None = None
    audit_status: str | None = None
    region_id: str | None = None
    template_group_id: str | None = None
    download_switch: str | None = None
    media_source: str | None = None
    preprocess_status: str | None = None
    transcode_mode: str | None = None
    restore_status: str | None = None
    restore_expiration: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> Video:
        return cls(
            video_id=to_str(data.get("VideoId") or data.get("AudioId")) or "",
            title=to_str(data.get("Title")),
            status=to_str(data.get("Status")),
            description=to_str(data.get("Description")),
            tags=tags(data.get("Tags")),
            cate_id=to_int(data.get("CateId")),
            cate_name=to_str(data.get("CateName")),
            cover_url=to_str(data.get("CoverURL")),
            duration=to_float(data.get("Duration")),
            size=to_int(data.get("Size")),
            creation_time=to_str(data.get("CreationTime")),
            modification_time=to_str(data.get("ModificationTime")),
            reference_id=to_str(data.get("ReferenceId")),
            user_data=to_str(data.get("UserData")),
            snapshots=str_list(data.get("Snapshots"), "Snapshot"),
            sprite_snapshots=str_list(data.get("SpriteSnapshots"), "SpriteSnapshot"),
            storage_location=to_str(data.get("StorageLocation")),
            storage_class=to_str(data.get("StorageClass")),
            app_id=to_str(data.get("AppId")),
            audit_status=to_str(data.get("AuditStatus")),
            region_id=to_str(data.get("RegionId")),
            template_group_id=to_str(data.get("TemplateGroupId")),
            download_switch=to_str(data.get("DownloadSwitch")),
            media_source=to_str(data.get("MediaSource")),
            preprocess_status=to_str(data.get("PreprocessStatus")),
            transcode_mode=to_str(data.get("TranscodeMode")),
            restore_status=to_str(data.get("RestoreStatus")),
            restore_expiration=to_str(data.get("RestoreExpiration")),
            raw=data,
        )


@dataclass(frozen=True)
class ImageMezzanine:
    """The original upload behind an image (``FileSize`` arrives as a string)."""

    file_url: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    original_file_name: str | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> ImageMezzanine:
        return cls(
            file_url=to_str(data.get("FileURL")),
            file_size=to_int(data.get("FileSize")),
            width=to_int(data.get("Width")),
            height=to_int(data.get("Height")),
            original_file_name=to_str(data.get("OriginalFileName")),
            raw=data,
        )


@dataclass(frozen=True)
class Image:
    """An image from GetImageInfo(s) or SearchMedia (SearchType=image)."""

    image_id: str
    title: str | None = None
    status: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    cate_id: int | None = None
    cate_name: str | None = None
    image_type: str | None = None
    url: str | None = None
    creation_time: str | None = None
    modification_time: str | None = None
    storage_location: str | None = None
    app_id: str | None = None
    mezzanine: ImageMezzanine | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> Image:
        mezzanine = sub(data, "Mezzanine")
        return cls(
            image_id=to_str(data.get("ImageId")) or "",
            title=to_str(data.get("Title")),
            status=to_str(data.get("Status")),
            description=to_str(data.get("Description")),
            tags=tags(data.get("Tags")),
            cate_id=to_int(data.get("CateId")),
            cate_name=to_str(data.get("CateName")),
            image_type=to_str(data.get("ImageType")),
            url=to_str(data.get("URL")),
            creation_time=to_str(data.get("CreationTime")),
            modification_time=to_str(data.get("ModificationTime")),
            storage_location=to_str(data.get("StorageLocation")),
            app_id=to_str(data.get("AppId")),
            mezzanine=ImageMezzanine.from_dict(mezzanine) if mezzanine else None,
            raw=data,
        )


@dataclass(frozen=True)
class MediaItem:
    """One SearchMedia hit; the one of video/audio/image/attached matching ``media_type`` is set."""

    media_id: str
    media_type: str | None = None
    creation_time: str | None = None
    video: Video | None = None
    audio: Video | None = None
    image: Image | None = None
    attached: Raw | None = None
    raw: Raw = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Raw) -> MediaItem:
        video, audio, image = sub(data, "Video"), sub(data, "Audio"), sub(data, "Image")
        return cls(
            media_id=to_str(data.get("MediaId")) or "",
            media_type=to_str(data.get("MediaType")),
            creation_time=to_str(data.get("CreationTime")),
            video=Video.from_dict(video) if video else None,
            audio=Video.from_dict(audio) if audio else None,
            image=Image.from_dict(image) if image else None,
            attached=sub(data, "AttachedMedia"),
            raw=data,
        )
