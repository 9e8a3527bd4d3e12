"""UpdateVideoInfo: change some fields of one video; fields left out stay as they are.

Event ``{"VideoId": "...", "Title": "new"}`` or ``PATCH /videos/{video_id}`` with ``{"Title": "new"}`` as body
(``POST`` too: FC 2.0 HTTP triggers cannot carry PATCH).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.fc import Deploy, Field, OperationApp, Schema
from shared.fc.params import CATE_ID, DESCRIPTION, TAGS, TITLE, VIDEO_ID

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "UpdateVideoInfo",
    Schema(
        VIDEO_ID,
        TITLE,
        DESCRIPTION,
        TAGS,
        Field("CoverURL", description="URL of the cover image."),
        CATE_ID,
        Field("UserData", "json", description="Custom JSON (object or JSON text)."),
    ),
    description="Update one video's metadata.",
    returns={},
    deploy=Deploy(timeout=15),
)


@app.operation
def update_video_info(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    vod.update_video_info(
        args["VideoId"],
        title=args.get("Title"),
        description=args.get("Description"),
        tags=args.get("Tags"),
        cover_url=args.get("CoverURL"),
        cate_id=args.get("CateId"),
        user_data=args.get("UserData"),
    )
    return {}


app.route(
    "PATCH",
    "/videos/{video_id}",
    path={"video_id": "VideoId"},
    body=True,
    also=("POST",),
    summary="Update a video",
)

handler = app.handler
http_handler = app.http_handler
