"""GetVideoInfos: the metadata of many videos at once; unknown IDs are listed, not an error.

Event ``{"VideoIds": ["a", "b"]}`` or ``GET /videos?ids=a,b``. ``shared`` asks VOD 20 IDs at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import OperationApp, Schema
from shared.fc.params import REFERENCE_IDS, VIDEO_IDS

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "GetVideoInfos",
    Schema(VIDEO_IDS, REFERENCE_IDS, one_of=[("VideoIds", "ReferenceIds")]),
    description="Get the metadata of several videos.",
    returns={
        "VideoList": "The videos found, as VOD describes them.",
        "NonExistVideoIds": "Requested video IDs that do not exist.",
        "NonExistReferenceIds": "Requested reference IDs that do not exist.",
    },
)


@app.operation
def get_video_infos(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    result = vod.get_video_infos(args.get("VideoIds", ()), reference_ids=args.get("ReferenceIds", ()))
    return {
        "VideoList": [dict(video.raw) for video in result.videos],
        "NonExistVideoIds": list(result.non_exist_video_ids),
        "NonExistReferenceIds": list(result.non_exist_reference_ids),
    }


app.route(
    "GET",
    "/videos",
    query={"ids": "VideoIds", "reference_ids": "ReferenceIds"},
    summary="Get several videos",
)

handler = app.handler
http_handler = app.http_handler
