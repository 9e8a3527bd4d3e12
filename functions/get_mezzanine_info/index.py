"""GetMezzanineInfo: a video's source file (URL, size, codec details and track lists).

Event ``{"VideoId": "...", "OutputType": "oss"}`` or ``GET /videos/{video_id}/source``. The track lists are
included by default (AdditionType video,audio).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import validation
from shared.fc import Deploy, Field, OperationApp, Schema
from shared.fc.params import AUTH_TIMEOUT, OUTPUT_TYPE, VIDEO_ID

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "GetMezzanineInfo",
    Schema(
        VIDEO_ID,
        Field(
            "AdditionType",
            "strings",
            choices=validation.ADDITION_TYPES,
            description="Track lists to include: video, audio (default both).",
        ),
        OUTPUT_TYPE,
        AUTH_TIMEOUT,
    ),
    description="Get a video's source file information.",
    returns={"Mezzanine": "The source file as VOD describes it (FileURL, Size, stream lists, ...)."},
    deploy=Deploy(timeout=15),
)


@app.operation
def get_mezzanine_info(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    mezzanine = vod.get_mezzanine_info(
        args["VideoId"],
        addition_type=args.get("AdditionType", validation.ADDITION_TYPES),
        output_type=args.get("OutputType"),
        auth_timeout=args.get("AuthTimeout"),
    )
    return {"Mezzanine": dict(mezzanine.raw)}


app.route(
    "GET",
    "/videos/{video_id}/source",
    path={"video_id": "VideoId"},
    query={"addition_type": "AdditionType", "output_type": "OutputType", "auth_timeout": "AuthTimeout"},
    summary="Get a video's source file",
)

handler = app.handler
http_handler = app.http_handler
