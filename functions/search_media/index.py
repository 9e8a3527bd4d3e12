"""SearchMedia: one page of a media search (videos by default; also audio, images, attached media).

Event ``{"Match": "Title = 'cat'", "PageSize": 20}`` or ``GET /videos?match=Title%20%3D%20'cat'``. Pages past
the first 5,000 results need the ``ScrollToken`` of the previous answer (VOD's rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import validation
from shared.fc import Field, OperationApp, Schema
from shared.fc.params import PAGE_NO, PAGE_SIZE

if TYPE_CHECKING:
    from shared.client import VodClient

app = OperationApp(
    "SearchMedia",
    Schema(
        Field("Match", description="VOD's filter expression, e.g. Title = 'cat' and Status = 'Normal'."),
        Field("SearchType", choices=validation.SEARCH_TYPES, description="What to search (default video)."),
        Field("Fields", "strings", description="Extra fields to return."),
        Field("SortBy", description="CreationTime:Desc (default) or CreationTime:Asc, ..."),
        PAGE_NO,
        PAGE_SIZE,
        Field("ScrollToken", description="Token from the previous page, needed past 5,000 results."),
    ),
    description="Search media assets with VOD's Match syntax.",
    returns={
        "Total": "Number of matching items.",
        "ScrollToken": "Pass it back with the next page number to go on.",
        "PageNo": "This page's number.",
        "PageSize": "Items per page.",
        "MediaList": "The hits as VOD sends them (MediaId, MediaType, CreationTime, Video/Audio/Image/...).",
    },
)


@app.operation
def search_media(vod: VodClient, args: dict[str, Any]) -> dict[str, Any]:
    page = vod.search_media(
        args.get("Match"),
        search_type=args.get("SearchType", "video"),
        fields=args.get("Fields"),
        sort_by=args.get("SortBy"),
        page_no=args.get("PageNo", 1),
        page_size=args.get("PageSize", 10),
        scroll_token=args.get("ScrollToken"),
    )
    return {
        "Total": page.total,
        "ScrollToken": page.scroll_token,
        "PageNo": page.page_no,
        "PageSize": page.page_size,
        "MediaList": [dict(item.raw) for item in page.items],
    }


app.route(
    "GET",
    "/videos",
    query={
        "match": "Match",
        "search_type": "SearchType",
        "fields": "Fields",
        "sort_by": "SortBy",
        "page_no": "PageNo",
        "page_size": "PageSize",
        "scroll_token": "ScrollToken",
    },
    summary="Search media",
)

handler = app.handler
http_handler = app.http_handler
