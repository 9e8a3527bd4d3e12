"""GetImageInfo: one image's metadata and source-file details.

Event ``{"ImageId": "..."}`` or ``GET /images/{image_id}``. An unknown image is a 404 with VOD's code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Deploy, Field, OperationApp, Schema
from shared.fc.params import AUTH_TIMEOUT, OUTPUT_TYPE

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "GetImageInfo",
    Schema(Field("ImageId", required=True, description="The image's ID."), OUTPUT_TYPE, AUTH_TIMEOUT),
    description="Get one image.",
    returns={"ImageInfo": "The image as VOD describes it (Title, URL, ImageType, Mezzanine, ...)."},
    deploy=Deploy(timeout=15),
)


@app.operation
def get_image_info(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    image = vod.get_image_info(
        args["ImageId"], output_type=args.get("OutputType"), auth_timeout=args.get("AuthTimeout")
    )
    return {"ImageInfo": dict(image.raw)}


app.route(
    "GET",
    "/images/{image_id}",
    path={"image_id": "ImageId"},
    query={"output_type": "OutputType", "auth_timeout": "AuthTimeout"},
    summary="Get an image",
)

handler = app.handler
http_handler = app.http_handler
