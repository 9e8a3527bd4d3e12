"""Typed results and inputs of the VodClient operations (frozen dataclasses; ``.raw`` keeps VOD's JSON)."""

from shared.models.inputs import ImageUpdate, VideoUpdate
from shared.models.media import Image, ImageMezzanine, MediaItem, Video
from shared.models.results import (
    DeleteImagesResult,
    DeleteMezzaninesResult,
    DeleteVideosResult,
    ImageInfosResult,
    SearchPage,
    UpdateImagesResult,
    UpdateVideosResult,
    VideoInfosResult,
    VideoListPage,
)
from shared.models.streams import AudioStreamInfo, Mezzanine, PlayInfo, Stream, VideoBase, VideoStreamInfo

__all__ = [
    "AudioStreamInfo",
    "DeleteImagesResult",
    "DeleteMezzaninesResult",
    "DeleteVideosResult",
    "Image",
    "ImageInfosResult",
    "ImageMezzanine",
    "ImageUpdate",
    "MediaItem",
    "Mezzanine",
    "PlayInfo",
    "SearchPage",
    "Stream",
    "UpdateImagesResult",
    "UpdateVideosResult",
    "Video",
    "VideoBase",
    "VideoInfosResult",
    "VideoListPage",
    "VideoStreamInfo",
    "VideoUpdate",
]
