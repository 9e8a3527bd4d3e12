"""Inputs of the batch updates: one entry of UpdateVideoInfos / UpdateImageInfos ``UpdateContent``.

Only the fields that are set are sent, so VOD changes only those. ``entry()`` validates and returns the JSON
object VOD expects for the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import validation
from ..errors import ValidationError


@dataclass(frozen=True)
class VideoUpdate:
    video_id: str | None = None
    reference_id: str | None = None
    title: str | None = None
    description: str | None = None
    tags: str | tuple[str, ...] | list[str] | None = None
    cover_url: str | None = None
    cate_id: int | None = None

    def entry(self, index: int = 0) -> dict[str, Any]:
        where = f"UpdateContent[{index}]"
        if not self.video_id and not self.reference_id:
            validation.require(f"{where}.VideoId", None)
        if self.reference_id:
            validation.reference_id(self.reference_id, f"{where}.ReferenceId")
        validation.title(self.title, f"{where}.Title")
        validation.description(self.description, f"{where}.Description")
        validation.cate_id(self.cate_id, f"{where}.CateId")
        tags = validation.normalize_tags(self.tags, f"{where}.Tags")
        entry: dict[str, Any] = {}
        for key, value in (
            ("VideoId", self.video_id),
            ("ReferenceId", self.reference_id if not self.video_id else None),
            ("Title", self.title),
            ("Description", self.description),
            ("Tags", tags),
            ("CoverURL", self.cover_url),
            ("CateId", self.cate_id),
        ):
            if value is not None:
                entry[key] = value
        if len(entry) == 1:
            raise ValidationError(where, f"{where} changes nothing: set at least one field to update")
        return entry


@dataclass(frozen=True)
class ImageUpdate:
    image_id: str
    title: str | None = None
    description: str | None = None
    tags: str | tuple[str, ...] | list[str] | None = None
    cate_id: int | None = None

    def entry(self, index: int = 0) -> dict[str, Any]:
        where = f"UpdateContent[{index}]"
        validation.require(f"{where}.ImageId", self.image_id)
        validation.title(self.title, f"{where}.Title")
        validation.description(self.description, f"{where}.Description")
        validation.cate_id(self.cate_id, f"{where}.CateId")
        tags = validation.normalize_tags(self.tags, f"{where}.Tags")
        for name, text in (("Title", self.title), ("Description", self.description), ("Tags", tags)):
            validation.no_emoji(f"{where}.{name}", text)
        entry: dict[str, Any] = {"ImageId": self.image_id}
        for key, value in (
            ("Title", self.title),
            ("Description", self.description),
            ("Tags", tags),
            ("CateId", self.cate_id),
        ):
            if value is not None:
                entry[key] = value
        if len(entry) == 1:
            raise ValidationError(where, f"{where} changes nothing: set at least one field to update")
        return entry
