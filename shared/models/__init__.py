"""Typed results and inputs of the VodClient operations (frozen dataclasses; ``.raw`` keeps VOD's JSON).

Each name is loaded from its submodule on first access: building some twenty dataclasses costs a cold start
tens of milliseconds, and a handler typically needs two or three of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'shared.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"shared.models.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
