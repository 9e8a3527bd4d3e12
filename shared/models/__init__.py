"""Typed results and inputs of the VodClient operations (frozen dataclasses; ``.raw`` keeps VOD's JSON).

Each name is loaded from its submodule on first access: building some twenty dataclasses costs a cold start
tens of milliseconds, and a handler typically needs two or three of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .inputs import ImageUpdate, VideoUpdate
    from .media import Image, ImageMezzanine, MediaItem, Video
    from .results import (
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
    from .streams import AudioStreamInfo, Mezzanine, PlayInfo, Stream, VideoBase, VideoStreamInfo

_HOME = {
    "inputs": ("ImageUpdate", "VideoUpdate"),
    "media": ("Image", "ImageMezzanine", "MediaItem", "Video"),
    "results": (
        "DeleteImagesResult",
        "DeleteMezzaninesResult",
        "DeleteVideosResult",
        "ImageInfosResult",
        "SearchPage",
        "UpdateImagesResult",
        "UpdateVideosResult",
        "VideoInfosResult",
        "VideoListPage",
    ),
    "streams": ("AudioStreamInfo", "Mezzanine", "PlayInfo", "Stream", "VideoBase", "VideoStreamInfo"),
}

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


__getattr__, __dir__ = lazy_exports(__name__, _HOME, globals())
