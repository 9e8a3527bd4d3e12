"""UpdateImageInfos: update the metadata of many images; every entry is checked before anything is sent.

Event or ``PATCH /images`` body: ``{"UpdateContent": [{"ImageId": "i", "Title": "x"}, ...]}``. Title,
Description and Tags must not contain emoji (VOD's rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Field, OperationApp, Schema
from shared.fc.params import CATE_ID, DESCRIPTION, MAX_IDS, TAGS, TITLE

if TYPE_CHECKING:
    from shared.client import VodClient

ENTRY = Schema(Field("ImageId", required=True), TITLE, DESCRIPTION, TAGS, CATE_ID)

app = OperationApp(
    "UpdateImageInfos",
    Schema(
        Field(
            "UpdateContent",
            "objects",
            required=True,
            max_items=MAX_IDS,
            too_many_code="CountExceededMax",
            description="Entries {ImageId, Title, Description, Tags, CateId}.",
        )
    ),
    description="Update the metadata of several images.",
    returns={"NonExistImageIds": "Image IDs that do not exist."},
)


@app.operation
def update_image_infos(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    from shared.models import ImageUpdate

    updates = []
    for index, raw in enumerate(args["UpdateContent"]):
        entry = ENTRY.parse(raw, where=f"UpdateContent[{index}].")
        updates.append(
            ImageUpdate(
                image_id=entry["ImageId"],
                title=entry.get("Title"),
                description=entry.get("Description"),
                tags=entry.get("Tags"),
                cate_id=entry.get("CateId"),
            )
        )
    result = vod.update_image_infos(updates)
    return {"NonExistImageIds": list(result.non_exist_image_ids)}


app.route("PATCH", "/images", body=True, also=("POST",), summary="Update several images")

handler = app.handler
http_handler = app.http_handler
