"""DeleteImage: delete images by ID, by URL, or a video's cover/snapshots.

Give exactly one of ``ImageIds``, ``ImageURLs`` or ``VideoId`` (+ ``ImageType``); ``DeleteImageType`` is
optional and, when given, must agree. HTTP: ``DELETE /images?ids=...``, ``?urls=...`` or
``?video_id=...&image_type=CoverSnapshot``. Unknown images are listed in ``NotFound``, not an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import validation
from shared.fc import Field, OperationApp, Schema
from shared.fc.params import ids
from shared.fc.schema import invalid, missing

if TYPE_CHECKING:
    from shared.client import VodClient

# Which parameter each DeleteImageType uses.
MODES = {"ImageId": "ImageIds", "ImageURL": "ImageURLs", "VideoId": "VideoId"}

app = OperationApp(
    "DeleteImage",
    Schema(
        Field("DeleteImageType", choices=validation.DELETE_IMAGE_TYPES, description="How images are named."),
        ids("ImageIds", "Image IDs to delete."),
        ids("ImageURLs", "Image URLs to delete."),
        Field("VideoId", description="The video whose images to delete."),
        Field(
            "ImageType",
            "strings",
            choices=validation.VIDEO_IMAGE_TYPES,
            description="With VideoId: the kinds of images to delete, or All.",
        ),
        one_of=[("ImageIds", "ImageURLs", "VideoId")],
        exclusive=[("ImageIds", "ImageURLs", "VideoId")],
    ),
    description="Delete images.",
    returns={
        "DeleteImageType": "How the images were named: ImageId, ImageURL or VideoId.",
        "Deleted": "Image IDs or URLs deleted (ImageId/ImageURL modes).",
        "NotFound": "Image IDs or URLs that did not exist.",
        "VideoId": "VideoId mode: the video.",
        "ImageType": "VideoId mode: the image types deleted.",
    },
)


@app.operation
def delete_image(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    mode = next(m for m, name in MODES.items() if name in args)
    if args.get("DeleteImageType", mode) != mode:
        raise invalid("DeleteImageType", f"{args['DeleteImageType']} does not fit the given {MODES[mode]}")
    if mode == "VideoId":
        if "ImageType" not in args:
            raise missing("ImageType")
        vod.delete_video_images(args["VideoId"], args["ImageType"])
        return {"DeleteImageType": mode, "VideoId": args["VideoId"], "ImageType": list(args["ImageType"])}
    if "ImageType" in args:
        raise invalid("ImageType", "it only goes with VideoId")
    if mode == "ImageId":
        result = vod.delete_images(args["ImageIds"])
    else:
        result = vod.delete_image_urls(args["ImageURLs"])
    return {"DeleteImageType": mode, "Deleted": list(result.deleted), "NotFound": list(result.not_found)}


app.route(
    "DELETE",
    "/images",
    query={"ids": "ImageIds", "urls": "ImageURLs", "video_id": "VideoId", "image_type": "ImageType"},
    summary="Delete images",
)

handler = app.handler
http_handler = app.http_handler
