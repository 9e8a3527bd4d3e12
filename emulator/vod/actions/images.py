"""Images: GetImageInfo(s), UpdateImageInfos, and the three modes of DeleteImage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vodfc.emulator.vod import media_events
from vodfc.emulator.vod.actions.common import (
    Params,
    choice,
    id_list,
    json_list,
    optional,
    plan_updates,
    required,
    text_changes,
    to_int,
)
from vodfc.emulator.vod.delivery import Delivery, delivery
from vodfc.emulator.vod.exceptions import (
    CountExceededMax,
    ImageIdsExceededMax,
    InvalidParameter,
    MissingParameter,
    NoSuchResource,
    VodError,
)
from vodfc.emulator.vod.models import Image, VodBackend
from vodfc.shared.validation import (
    DELETE_IMAGE_TYPES,
    MAX_BATCH,
    SNAPSHOT_TYPES,
)

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext


class ImageURLsExceededMax(VodError):
    """Inferred by analogy with ImageIdsExceededMax (VOD documents no code for this)."""

    code, status = "ImageURLsExceededMax", 400
    message = "The ImageURLs exceeded maximum."


def _image_info(backend: VodBackend, image: Image, addresses: Delivery) -> dict[str, Any]:
    """``ImageInfo`` with its addresses as the call's OutputType and AuthTimeout give them."""
    body = image.info_body(backend.category_name(image.cate_id))
    if "URL" in body:
        body["URL"] = addresses.url(body["URL"])
    mezzanine = body["Mezzanine"]
    if "FileURL" in mezzanine:
        mezzanine["FileURL"] = addresses.url(mezzanine["FileURL"])
    return body


def get_image_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    image_id = required(params, "ImageId")
    addresses = delivery(backend, params, ctx)
    image = backend.get_image(image_id)
    return {"ImageInfo": _image_info(backend, image, addresses)}


def get_image_infos(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    required(params, "ImageIds")
    image_ids = id_list(params, "ImageIds", MAX_BATCH, ImageIdsExceededMax)
    addresses = delivery(backend, params, ctx)
    infos = []
    non_exist = []
    for image_id in image_ids:
        image = backend.images.get(image_id)
        if image is None:
            non_exist.append(image_id)
        else:
            infos.append(_image_info(backend, image, addresses))
    return {"ImageInfo": infos, "NonExistImageIds": non_exist}


def image_changes(backend: VodBackend, entry: dict[str, Any]) -> dict[str, Any]:
    """Validated changes from one UpdateImageInfos entry (emoji are never allowed in images)."""
    changes = text_changes(entry, in_bytes=backend.options.limits_in_bytes, no_emoji=True)
    if entry.get("CateId") not in (None, ""):
        cate_id = to_int(entry["CateId"], "CateId")
        if backend.options.check_cate_id_exists:
            backend.get_category(cate_id)
        changes["cate_id"] = cate_id
    return changes


def update_image_infos(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    entries = json_list(params, "UpdateContent", MAX_BATCH, CountExceededMax)
    plan, non_exist = plan_updates(entries, "ImageId", backend.images, lambda e: image_changes(backend, e))
    for image, changes in plan:
        media_events.image_updated(ctx, image, backend.update_image(image, changes, ctx.now))
    # The one answer where VOD wraps an id list.
    return {"NonExistImageIds": {"ImageId": non_exist}}


def delete_image(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    mode = choice(params, "DeleteImageType", DELETE_IMAGE_TYPES)
    if mode is None:
        raise MissingParameter("DeleteImageType")
    if mode == "ImageId":
        required(params, "ImageIds")
        image_ids = id_list(params, "ImageIds", MAX_BATCH, ImageIdsExceededMax)
        if any(image_id not in backend.images for image_id in image_ids):
            raise NoSuchResource()
        for image_id in image_ids:
            media_events.image_deleted(ctx, backend.delete_image(image_id))
        return {}
    if mode == "ImageURL":
        required(params, "ImageURLs")
        urls = id_list(params, "ImageURLs", MAX_BATCH, ImageURLsExceededMax)
        doomed: dict[str, None] = {}
        for url in urls:
            found = backend.find_images_by_url(url)
            if not found:
                raise NoSuchResource()
            doomed.update((image.image_id, None) for image in found)
        for image_id in doomed:
            media_events.image_deleted(ctx, backend.delete_image(image_id))
        return {}
    # VideoId: the video's own snapshots, by kind.
    video_id = required(params, "VideoId")
    raw_types = optional(params, "ImageType")
    if raw_types is None:
        raise MissingParameter("ImageType")
    types = [t.strip() for t in raw_types.split(",") if t.strip()]
    if "All" in types:
        if len(types) > 1:
            raise InvalidParameter("ImageType", "All cannot be combined with other types")
        types = list(SNAPSHOT_TYPES)
    for kind in types:
        if kind not in SNAPSHOT_TYPES:
            raise InvalidParameter("ImageType")
    video = backend.get_video(video_id)
    if "CoverSnapshot" in types:
        video.cover_url = None
    if "NormalSnapshot" in types:
        video.snapshots = []
    if "SpriteSnapshot" in types:
        video.sprite_snapshots = []
    if "SpriteOriginSnapshot" in types:
        video.sprite_origin_snapshots = []
    backend.touch(video, ctx.now)
    backend.save_video(video)
    return {}


ACTIONS = {
    "GetImageInfo": get_image_info,
    "GetImageInfos": get_image_infos,
    "UpdateImageInfos": update_image_infos,
    "DeleteImage": delete_image,
}
