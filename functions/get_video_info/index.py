"""GetVideoInfo: one video's metadata, by VideoId (or by ReferenceId in an event).

Event ``{"VideoId": "..."}`` or ``GET /videos/{video_id}``. An unknown video is 404 InvalidVideo.NotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Deploy, Field, OperationApp, Schema

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "GetVideoInfo",
    Schema(
        Field("VideoId", description="The video's ID."),
        Field("ReferenceId", description="The video's custom reference ID, instead of VideoId."),
        one_of=[("VideoId", "ReferenceId")],
        exclusive=[("VideoId", "ReferenceId")],
    ),
    description="Get one video's metadata.",
    returns={"Video": "The video as VOD describes it (Title, Status, Duration, CoverURL, Snapshots, ...)."},
    deploy=Deploy(timeout=15),
)


@app.operation
def get_video_info(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    video = vod.get_video_info(args.get("VideoId"), reference_id=args.get("ReferenceId"))
    return {"Video": dict(video.raw)}


app.route("GET", "/videos/{video_id}", path={"video_id": "VideoId"}, summary="Get a video")

handler = app.handler
http_handler = app.http_handler
