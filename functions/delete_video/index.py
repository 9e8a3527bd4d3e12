"""DeleteVideo: delete videos with their source files, streams and snapshots.

Event ``{"VideoIds": ["a", "b"]}`` or ``DELETE /videos?ids=a,b``. Unknown IDs are listed, not an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import OperationApp, Schema
from shared.fc.params import REFERENCE_IDS, VIDEO_IDS

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "DeleteVideo",
    Schema(VIDEO_IDS, REFERENCE_IDS, one_of=[("VideoIds", "ReferenceIds")]),
    description="Delete videos (source files, streams and snapshots included).",
    returns={
        "DeletedVideoIds": "Video IDs that are gone now.",
        "DeletedReferenceIds": "Reference IDs whose videos are gone now.",
        "NonExistVideoIds": "Video IDs that did not exist.",
        "ForbiddenVideoIds": "Video IDs the function may not delete.",
        "NonExistReferenceIds": "Reference IDs that did not exist.",
    },
)


@app.operation
def delete_video(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    result = vod.delete_videos(args.get("VideoIds", ()), reference_ids=args.get("ReferenceIds", ()))
    return {
        "DeletedVideoIds": list(result.deleted_video_ids),
        "DeletedReferenceIds": list(result.deleted_reference_ids),
        "NonExistVideoIds": list(result.non_exist_video_ids),
        "ForbiddenVideoIds": list(result.forbidden_video_ids),
        "NonExistReferenceIds": list(result.non_exist_reference_ids),
    }


app.route(
    "DELETE",
    "/videos",
    query={"ids": "VideoIds", "reference_ids": "ReferenceIds"},
    summary="Delete videos",
)

handler = app.handler
http_handler = app.http_handler
