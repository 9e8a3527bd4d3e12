"""Listing: SearchMedia and GetVideoList, one page at a time or as lazy iterators over everything.

Both APIs serve only the first 5,000 results of a query through PageNo/PageSize. The iterators get past that:
SearchMedia with its ScrollToken, GetVideoList (which has none) by moving a CreationTime window. They are
lazy: each page is requested only when iteration reaches it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import validation
from ..errors import ValidationError, WindowExhausted
from ..models._parse import obj_list, to_int, to_str
from ..transport import VodTransport
from ..validation import format_time, parse_time
from ._common import shift, wire_time

if TYPE_CHECKING:
    from ..models import MediaItem, SearchPage, Video, VideoListPage

logger = logging.getLogger("vodfc.shared")

TimeArg = str | datetime | None


def _search_sort(sort_by: str | None, *, scrolling: bool) -> None:
    if sort_by is None:
        return
    parts = [p.strip() for p in sort_by.split(",")]
    if len(parts) > (1 if scrolling else 3):
        limit = "1 sort field when scrolling" if scrolling else "3 sort fields"
        raise ValidationError(
            "SortBy", f"SortBy allows at most {limit}, got {sort_by!r}", code="SortByExceededMax"
        )
    for part in parts:
        name, _, order = part.partition(":")
        if name not in validation.SEARCH_SORT_FIELDS or order not in ("Asc", "Desc"):
            raise ValidationError(
                "SortBy", f"SortBy entries must be CreationTime|ModificationTime:Asc|Desc, got {part!r}"
            )


def _join(field: str, value: str | Iterable[str] | None) -> str | None:
    if value is None:
        return None
    return ",".join(validation.ids(field, value)) or None


def _second(value: str | None) -> str | None:
    """A CreationTime in the wire format, or None when VOD sent none or something unreadable."""
    parsed = parse_time(value) if value else None
    return format_time(parsed) if parsed else None


class ListingOperations(VodTransport):
    def search_media(
        self,
        match: str | None = None,
        *,
        search_type: str = "video",
        fields: str | Iterable[str] | None = None,
        sort_by: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        scroll_token: str | None = None,
    ) -> SearchPage:
        """One page of SearchMedia; ``match`` is VOD's filter (e.g. ``Title = 'cat'``)."""
        from ..models.media import MediaItem
        from ..models.results import SearchPage

        validation.one_of("SearchType", search_type, validation.SEARCH_TYPES)
        validation.page(page_no, page_size)
        if scroll_token is None:
            validation.window(page_no, page_size)
        _search_sort(sort_by, scrolling=scroll_token is not None)
        params = {
            "Match": match or None,
            "SearchType": search_type,
            "Fields": _join("Fields", fields),
            "SortBy": sort_by,
            "PageNo": page_no,
            "PageSize": page_size,
            "ScrollToken": scroll_token,
        }
        data = self.call("SearchMedia", params, idempotent=True)
        return SearchPage(
            items=tuple(MediaItem.from_dict(m) for m in obj_list(data.get("MediaList"), "Media")),
            total=to_int(data.get("Total")),
            scroll_token=to_str(data.get("ScrollToken")) or None,
            page_no=page_no,
            page_size=page_size,
            raw=data,
        )

    def iter_search_media(
        self,
        match: str | None = None,
        *,
        search_type: str = "video",
        fields: str | Iterable[str] | None = None,
        sort_by: str | None = None,
        page_size: int = 100,
    ) -> Iterator[MediaItem]:
        """Every hit of a search, fetched page by page as you iterate.

        Each request passes the ScrollToken of the previous answer, which is what lets VOD serve video and
        audio results past the first 5,000. Image and attached searches get no token from VOD and stop
        (with a warning) at 5,000.
        """
        validation.one_of("SearchType", search_type, validation.SEARCH_TYPES)
        validation.page(1, page_size)
        _search_sort(sort_by, scrolling=True)
        return self._scroll(match, search_type, fields, sort_by, page_size)

    def _scroll(
        self,
        match: str | None,
        search_type: str,
        fields: str | Iterable[str] | None,
        sort_by: str | None,
        page_size: int,
    ) -> Iterator[MediaItem]:
        page_no, token, seen = 1, None, 0
        while True:
            page = self.search_media(
                match,
                search_type=search_type,
                fields=fields,
                sort_by=sort_by,
                page_no=page_no,
                page_size=page_size,
                scroll_token=token,
            )
            yield from page.items
            seen += len(page.items)
            if len(page.items) < page_size or (page.total is not None and seen >= page.total):
                return
            token = page.scroll_token or token
            page_no += 1
            if token is None and page_no * page_size > validation.MAX_WINDOW:
                logger.warning(
                    "SearchMedia (%s) returned no ScrollToken; stopping at the first %d results",
                    search_type,
                    validation.MAX_WINDOW,
                )
                return

    def get_video_list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        cate_id: int | None = None,
        storage_location: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        sort_by: str | None = None,
    ) -> VideoListPage:
        """One page of GetVideoList (filters on status, CreationTime range, category, storage location)."""
        from ..models.media import Video
        from ..models.results import VideoListPage

        statuses = validation.ids("Status", status) if status is not None else ()
        validation.each_one_of("Status", statuses, validation.VIDEO_STATUSES)
        start, end = wire_time("StartTime", start_time), wire_time("EndTime", end_time)
        if start and end and end <= start:
            raise ValidationError("EndTime", f"EndTime {end} must be later than StartTime {start}")
        validation.cate_id(cate_id)
        validation.one_of("SortBy", sort_by, validation.SORT_VALUES)
        validation.page(page_no, page_size)
        validation.window(page_no, page_size)
        params = {
            "Status": statuses,
            "StartTime": start,
            "EndTime": end,
            "CateId": cate_id,
            "StorageLocation": storage_location,
            "PageNo": page_no,
            "PageSize": page_size,
            "SortBy": sort_by,
        }
        data = self.call("GetVideoList", params, idempotent=True)
        return VideoListPage(
            videos=tuple(Video.from_dict(v) for v in obj_list(data.get("VideoList"), "Video")),
            total=to_int(data.get("Total")),
            page_no=page_no,
            page_size=page_size,
            raw=data,
        )

    def iter_video_list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        cate_id: int | None = None,
        storage_location: str | None = None,
        sort_by: str | None = None,
        page_size: int = 100,
    ) -> Iterator[Video]:
        """Every video matching the filters, in CreationTime order, fetched lazily, past VOD's 5,000 limit."""
        # Validate now rather than at the first next(): a generator would defer these errors.
        statuses = validation.ids("Status", status) if status is not None else ()
        validation.each_one_of("Status", statuses, validation.VIDEO_STATUSES)
        validation.cate_id(cate_id)
        validation.one_of("SortBy", sort_by, validation.SORT_VALUES)
        validation.page(1, page_size)
        start, end = wire_time("StartTime", start_time), wire_time("EndTime", end_time)
        if start and end and end <= start:
            raise ValidationError("EndTime", f"EndTime {end} must be later than StartTime {start}")
        query = {
            "status": statuses,
            "cate_id": cate_id,
            "storage_location": storage_location,
            "sort_by": sort_by,
        }
        return self._walk_windows(query, start, end, page_size)

    def _walk_windows(
        self, query: dict[str, Any], start_time: str | None, end_time: str | None, page_size: int
    ) -> Iterator[Video]:
        # GetVideoList has no scroll token and refuses PageNo * PageSize > 5,000 (VideoListExceededMax).
        # So we page through a CreationTime window until its 5,000th result, then start a new window that
        # begins where the last one stopped: for the default newest-first order, EndTime moves back to the
        # CreationTime of the last video seen; for oldest-first, StartTime moves forward to it.
        #
        # Times have one-second resolution and several videos can share the boundary second, some before
        # and some after the cut. The new window therefore overlaps the old one by the boundary second
        # (one second further, so it does not matter whether VOD treats the bound as inclusive), and the
        # IDs already yielded in that overlap are skipped. Nothing is missed and nothing repeats. A window
        # must hold the overlap and the edge second together: if 5,000 or more videos were created within
        # those two seconds, no window can move past them and WindowExhausted is raised.
        descending = query["sort_by"] != "CreationTime:Asc"
        max_pages = validation.MAX_WINDOW // page_size
        skip: set[str] = set()
        previous_edge: str | None = None
        while True:
            edge_time: str | None = None
            overlap: dict[str, set[str]] = {}
            for page_no in range(1, max_pages + 1):
                page = self.get_video_list(
                    **query, start_time=start_time, end_time=end_time, page_no=page_no, page_size=page_size
                )
                for video in page.videos:
                    created = _second(video.creation_time)
                    if created is not None:
                        edge_time = created
                        overlap.setdefault(created, set()).add(video.video_id)
                    if video.video_id in skip:
                        continue
                    yield video
                if len(page.videos) < page_size or (
                    page.total is not None and page_no * page_size >= page.total
                ):
                    return
            if edge_time is None or edge_time == previous_edge:
                raise WindowExhausted(
                    "WindowExhausted",
                    f"{validation.MAX_WINDOW} or more videos were created within the second {edge_time} and "
                    "the one next to it; GetVideoList cannot page past them",
                    action="GetVideoList",
                )
            previous_edge = edge_time
            neighbour = shift(edge_time, 1 if descending else -1)
            skip = overlap.get(edge_time, set()) | overlap.get(neighbour, set())
            if descending:
                end_time = neighbour
            else:
                start_time = neighbour
