"""DeleteStream: delete some transcoded streams of one video (JobIds from GetPlayInfo).

Event ``{"VideoId": "...", "JobIds": ["j1"]}`` or ``DELETE /videos/{video_id}/streams?job_ids=j1``. VOD takes
at most 20 JobIds per call, so more is refused (JobIdsExceededMax) rather than split.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import validation
from shared.fc import Deploy, OperationApp, Schema
from shared.fc.params import VIDEO_ID, ids

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "DeleteStream",
    Schema(
        VIDEO_ID,
        ids("JobIds", "Job IDs of the streams to delete.", limit=validation.MAX_BATCH, required=True),
    ),
    description="Delete transcoded streams of a video.",
    returns={},
    deploy=Deploy(timeout=15),
)


@app.operation
def delete_stream(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    vod.delete_stream(args["VideoId"], args["JobIds"])
    return {}


app.route(
    "DELETE",
    "/videos/{video_id}/streams",
    path={"video_id": "VideoId"},
    query={"job_ids": "JobIds"},
    summary="Delete streams of a video",
)

handler = app.handler
http_handler = app.http_handler
