"""Pages and batch results.

A batch method may send many requests (20 IDs each); its result merges them all. ``raw`` is then the tuple
of every answer VOD sent, in order, so nothing is lost in the merge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Annotations only (they stay strings): a handler that never builds a page should not pay for these.
    from .media import Image, MediaItem, Video

Raw = Mapping[str, Any]


def _unique(ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class SearchPage:
    items: tuple[MediaItem, ...]
    total: int | None
    scroll_token: str | None
    page_no: int
    page_size: int
    raw: Raw = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class VideoListPage:
    videos: tuple[Video, ...]
    total: int | None
    page_no: int
    page_size: int
    raw: Raw = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class VideoInfosResult:
    videos: tuple[Video, ...] = ()
    non_exist_video_ids: tuple[str, ...] = ()
    non_exist_reference_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)

    def get(self, video_id: str) -> Video | None:
        return next((v for v in self.videos if v.video_id == video_id), None)


@dataclass(frozen=True)
class UpdateVideosResult:
    non_exist_video_ids: tuple[str, ...] = ()
    forbidden_video_ids: tuple[str, ...] = ()
    non_exist_reference_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class DeleteVideosResult:
    """What DeleteVideo did with each requested ID: each is in exactly one of deleted/non-exist/forbidden.

    ``assumed_deleted_video_ids``/``..._reference_ids`` are IDs VOD reported as unknown on a *retry* whose
    earlier attempt may have landed (5xx or lost connection): our own first attempt deleted them, so they
    count as deleted, and are listed here so that the inference stays visible.
    """

    requested_video_ids: tuple[str, ...] = ()
    requested_reference_ids: tuple[str, ...] = ()
    non_exist_video_ids: tuple[str, ...] = ()
    forbidden_video_ids: tuple[str, ...] = ()
    non_exist_reference_ids: tuple[str, ...] = ()
    assumed_deleted_video_ids: tuple[str, ...] = ()
    assumed_deleted_reference_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)

    @property
    def deleted_video_ids(self) -> tuple[str, ...]:
        skip = set(self.non_exist_video_ids) | set(self.forbidden_video_ids)
        return _unique(tuple(v for v in self.requested_video_ids if v not in skip))

    @property
    def deleted_reference_ids(self) -> tuple[str, ...]:
        skip = set(self.non_exist_reference_ids)
        return _unique(tuple(r for r in self.requested_reference_ids if r not in skip))


@dataclass(frozen=True)
class DeleteMezzaninesResult:
    requested_video_ids: tuple[str, ...] = ()
    non_exist_video_ids: tuple[str, ...] = ()
    unremoveable_video_ids: tuple[str, ...] = ()
    non_exist_reference_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)

    @property
    def deleted_video_ids(self) -> tuple[str, ...]:
        skip = set(self.non_exist_video_ids) | set(self.unremoveable_video_ids)
        return _unique(tuple(v for v in self.requested_video_ids if v not in skip))


@dataclass(frozen=True)
class UpdateImagesResult:
    non_exist_image_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class ImageInfosResult:
    images: tuple[Image, ...] = ()
    non_exist_image_ids: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)

    def get(self, image_id: str) -> Image | None:
        return next((i for i in self.images if i.image_id == image_id), None)


@dataclass(frozen=True)
class DeleteImagesResult:
    """DeleteImage by ID or URL. VOD fails a whole request with NoSuchResource when an image is unknown, so a
    failed chunk is re-sent one item at a time to tell the deleted items from the unknown ones."""

    deleted: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    raw: tuple[Raw, ...] = field(default=(), repr=False, compare=False)
