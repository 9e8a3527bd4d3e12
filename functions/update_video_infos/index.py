"""UpdateVideoInfos: update many videos in one call; every entry is checked before anything is sent.

Event or ``PATCH /videos`` body: ``{"UpdateContent": [{"VideoId": "a", "Title": "x"}, ...]}`` (an array, or
VOD's JSON text). Unknown and forbidden IDs come back as lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Field, OperationApp, Schema
from shared.fc.params import CATE_ID, DESCRIPTION, MAX_IDS, TAGS, TITLE

if TYPE_CHECKING:
    from shared.client import VodClient

ENTRY = Schema(
    Field("VideoId"),
    Field("ReferenceId"),
    TITLE,
    DESCRIPTION,
    TAGS,
    Field("CoverURL"),
    CATE_ID,
    one_of=[("VideoId", "ReferenceId")],
)

app = OperationApp(
    "UpdateVideoInfos",
    Schema(
        Field(
            "UpdateContent",
            "objects",
            required=True,
            max_items=MAX_IDS,
            too_many_code="CountExceededMax",
            description="Entries {VideoId or ReferenceId, Title, Description, Tags, CoverURL, CateId}.",
        )
    ),
    description="Update the metadata of several videos.",
    returns={
        "NonExistVideoIds": "Video IDs that do not exist.",
        "ForbiddenVideoIds": "Video IDs the function may not change.",
        "NonExistReferenceIds": "Reference IDs that do not exist.",
    },
)


@app.operation
def update_video_infos(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    from shared.models import VideoUpdate

    updates = []
    for index, raw in enumerate(args["UpdateContent"]):
        entry = ENTRY.parse(raw, where=f"UpdateContent[{index}].")
        updates.append(
            VideoUpdate(
                video_id=entry.get("VideoId"),
                reference_id=entry.get("ReferenceId"),
                title=entry.get("Title"),
                description=entry.get("Description"),
                tags=entry.get("Tags"),
                cover_url=entry.get("CoverURL"),
                cate_id=entry.get("CateId"),
            )
        )
    result = vod.update_video_infos(updates)
    return {
        "NonExistVideoIds": list(result.non_exist_video_ids),
        "ForbiddenVideoIds": list(result.forbidden_video_ids),
        "NonExistReferenceIds": list(result.non_exist_reference_ids),
    }


app.route("PATCH", "/videos", body=True, also=("POST",), summary="Update several videos")

handler = app.handler
http_handler = app.http_handler
