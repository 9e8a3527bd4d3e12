"""GetVideoList: one page of videos filtered by status, creation time, category and storage location.

Event ``{"Status": ["Normal"], "PageSize": 50}`` or ``GET /videos/list?status=Normal&page_size=50``. Only the
first 5,000 matches are reachable by page number (VOD's rule); narrow StartTime/EndTime to go further.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import validation
from shared.fc import Field, OperationApp, Schema
from shared.fc.params import CATE_ID, PAGE_NO, PAGE_SIZE

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "GetVideoList",
    Schema(
        Field("Status", "strings", choices=validation.VIDEO_STATUSES, description="Statuses to include."),
        Field("StartTime", description="Created at or after (UTC, 2017-11-14T09:15:50Z)."),
        Field("EndTime", description="Created before (UTC), later than StartTime."),
        CATE_ID,
        Field("StorageLocation", description="Storage address (bucket) of the videos."),
        PAGE_NO,
        PAGE_SIZE,
        Field("SortBy", choices=validation.SORT_VALUES, description="CreationTime:Desc (default) or :Asc."),
    ),
    description="List videos page by page.",
    returns={
        "Total": "Number of matching videos.",
        "PageNo": "This page's number.",
        "PageSize": "Videos per page.",
        "VideoList": "The videos of this page, as VOD describes them.",
    },
)


@app.operation
def get_video_list(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    page = vod.get_video_list(
        status=args.get("Status"),
        start_time=args.get("StartTime"),
        end_time=args.get("EndTime"),
        cate_id=args.get("CateId"),
        storage_location=args.get("StorageLocation"),
        page_no=args.get("PageNo", 1),
        page_size=args.get("PageSize", 10),
        sort_by=args.get("SortBy"),
    )
    return {
        "Total": page.total,
        "PageNo": page.page_no,
        "PageSize": page.page_size,
        "VideoList": [dict(video.raw) for video in page.videos],
    }


app.route(
    "GET",
    "/videos/list",
    query={
        "status": "Status",
        "start_time": "StartTime",
        "end_time": "EndTime",
        "cate_id": "CateId",
        "storage_location": "StorageLocation",
        "page_no": "PageNo",
        "page_size": "PageSize",
        "sort_by": "SortBy",
    },
    summary="List videos",
)

handler = app.handler
http_handler = app.http_handler
