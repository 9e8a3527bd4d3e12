"""DeleteMezzanines: delete the source files of videos (the videos and their streams stay).

Event ``{"VideoIds": ["a"], "Force": true}`` or ``DELETE /videos/sources?ids=a&force=true``. ``Force`` is
needed for videos whose source is also their playback stream (NoTranscode / AsyncTranscode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Field, OperationApp, Schema
from shared.fc.params import REFERENCE_IDS, VIDEO_IDS

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "DeleteMezzanines",
    Schema(
        VIDEO_IDS,
        REFERENCE_IDS,
        Field("Force", "boolean", description="Also delete sources used as playback stream (default false)."),
        one_of=[("VideoIds", "ReferenceIds")],
    ),
    description="Delete videos' source files.",
    returns={
        "DeletedVideoIds": "Video IDs whose source file is gone now.",
        "NonExistVideoIds": "Video IDs that do not exist.",
        "UnRemoveableVideoIds": "Video IDs whose source cannot be deleted (without Force).",
        "NonExistReferenceIds": "Reference IDs that do not exist.",
    },
)


@app.operation
def delete_mezzanines(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    result = vod.delete_mezzanines(
        args.get("VideoIds", ()), force=args.get("Force", False), reference_ids=args.get("ReferenceIds", ())
    )
    return {
        "DeletedVideoIds": list(result.deleted_video_ids),
        "NonExistVideoIds": list(result.non_exist_video_ids),
        "UnRemoveableVideoIds": list(result.unremoveable_video_ids),
        "NonExistReferenceIds": list(result.non_exist_reference_ids),
    }


app.route(
    "DELETE",
    "/videos/sources",
    query={"ids": "VideoIds", "reference_ids": "ReferenceIds", "force": "Force"},
    summary="Delete source files",
)

handler = app.handler
http_handler = app.http_handler
