"""Images: UpdateImageInfos, GetImageInfo(s), and the three modes of DeleteImage."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import validation
from ..errors import NotFound, ValidationError
from ..models._parse import obj_list, str_list
from ..transport import VodTransport
from ._common import chunks
from .videos import error_raw, update_entries

if TYPE_CHECKING:
    from ..models import DeleteImagesResult, Image, ImageInfosResult, ImageUpdate, UpdateImagesResult

IMAGE_NOT_FOUND = ("NoSuchResource", "InvalidImage.NotFound")


class ImageOperations(VodTransport):
    def update_image_infos(self, updates: Iterable[ImageUpdate]) -> UpdateImagesResult:
        """Apply many image updates, 20 per request; all entries are validated before the first request."""
        from ..models.inputs import ImageUpdate
        from ..models.results import UpdateImagesResult

        entries = update_entries(updates, ImageUpdate)
        non_exist: list[str] = []
        raws: list[Mapping[str, Any]] = []
        for chunk in chunks(entries):
            content = json.dumps(list(chunk), ensure_ascii=False, separators=(",", ":"))
            data = self.call("UpdateImageInfos", {"UpdateContent": content}, idempotent=True)
            raws.append(data)
            # The one answer where VOD wraps the list: {"NonExistImageIds": {"ImageId": [...]}}.
            non_exist.extend(str_list(data.get("NonExistImageIds"), "ImageId"))
        return UpdateImagesResult(non_exist_image_ids=tuple(non_exist), raw=tuple(raws))

    def get_image_info(
        self, image_id: str, *, output_type: str | None = None, auth_timeout: int | None = None
    ) -> Image:
        """One image; raises ``NotFound`` (VOD's code is NoSuchResource) for an unknown ID."""
        from ..models.media import Image

        validation.require("ImageId", image_id)
        validation.one_of("OutputType", output_type, validation.OUTPUT_TYPES)
        validation.auth_timeout(auth_timeout)
        params = {"ImageId": image_id, "OutputType": output_type, "AuthTimeout": auth_timeout}
        data = self.call("GetImageInfo", params, idempotent=True)
        info = data.get("ImageInfo")
        return Image.from_dict(info if isinstance(info, Mapping) else {})

    def get_image_infos(self, image_ids: str | Iterable[str]) -> ImageInfosResult:
        """Any number of images, 20 per request; unknown IDs land in ``non_exist_image_ids``."""
        from ..models.media import Image
        from ..models.results import ImageInfosResult

        ids = validation.ids("ImageIds", image_ids)
        images: list[Image] = []
        non_exist: list[str] = []
        raws: list[Mapping[str, Any]] = []
        for chunk in chunks(ids):
            try:
                data = self.call("GetImageInfos", {"ImageIds": chunk}, idempotent=True)
            except NotFound as error:
                if error.code not in IMAGE_NOT_FOUND:
                    raise
                non_exist.extend(chunk)
                raws.append(error_raw(error))
                continue
            raws.append(data)
            # Despite its singular name, ImageInfo is a list here.
            images.extend(Image.from_dict(i) for i in obj_list(data.get("ImageInfo"), "ImageInfo"))
            non_exist.extend(str_list(data.get("NonExistImageIds"), "ImageId"))
        return ImageInfosResult(images=tuple(images), non_exist_image_ids=tuple(non_exist), raw=tuple(raws))

    def delete_images(self, image_ids: str | Iterable[str]) -> DeleteImagesResult:
        """Delete images by ID (DeleteImageType=ImageId), 20 per request."""
        return self._delete_each("ImageId", "ImageIds", validation.ids("ImageIds", image_ids))

    def delete_image_urls(self, urls: str | Iterable[str]) -> DeleteImagesResult:
        """Delete images by URL (DeleteImageType=ImageURL), 20 per request."""
        return self._delete_each("ImageURL", "ImageURLs", validation.ids("ImageURLs", urls))

    def delete_video_images(self, video_id: str, image_types: str | Iterable[str]) -> None:
        """Delete a video's cover/snapshots (DeleteImageType=VideoId); ``All`` cannot be combined."""
        validation.require("VideoId", video_id)
        types = validation.ids("ImageType", image_types)
        validation.require("ImageType", types)
        validation.each_one_of("ImageType", types, validation.VIDEO_IMAGE_TYPES)
        if "All" in types and len(types) > 1:
            raise ValidationError("ImageType", "ImageType 'All' cannot be combined with other image types")
        params = {"DeleteImageType": "VideoId", "VideoId": video_id, "ImageType": types}
        try:
            self.send("DeleteImage", params, idempotent=True)
        except NotFound as error:
            if not error.may_have_landed:
                raise

    def _delete_each(self, mode: str, key: str, items: tuple[str, ...]) -> DeleteImagesResult:
        from ..models.results import DeleteImagesResult

        deleted: list[str] = []
        not_found: list[str] = []
        raws: list[Mapping[str, Any]] = []
        pending = list(chunks(items))
        while pending:
            chunk = pending.pop(0)
            try:
                reply = self.send("DeleteImage", {"DeleteImageType": mode, key: chunk}, idempotent=True)
            except NotFound as error:
                raws.append(error_raw(error))
                if error.may_have_landed:
                    # A retry after an attempt that may have landed: that attempt deleted them.
                    deleted.extend(chunk)
                elif len(chunk) == 1:
                    not_found.extend(chunk)
                else:
                    # VOD fails the whole request when an image is unknown; send the items one by one to
                    # delete the others and learn which ones are unknown.
                    pending[:0] = [(item,) for item in chunk]
                continue
            raws.append(reply.data)
            deleted.extend(chunk)
        return DeleteImagesResult(deleted=tuple(deleted), not_found=tuple(not_found), raw=tuple(raws))
