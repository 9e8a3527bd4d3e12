"""The library pages: a page of SearchMedia, and everything VOD answers about one video or image.

A library page is SearchMedia's answer for the user's ``SearchType``, ``Match``, ``SortBy`` and page,
from the same engine as the API (``VodCalls.read``), so a Match expression means here what it means to
VOD, and a bad one is VOD's error, shown beside the field. Each video row adds what the list needs and
SearchMedia does not return, read from the records the actions answer from: its number of streams and
its source file's facts. A video's page is GetVideoInfo, GetMezzanineInfo and GetPlayInfo as they
answer (an action's error, such as GetPlayInfo on a video that is not playable, shown in its place).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vodfc.emulator.dashboard.calls import VodCalls
from vodfc.emulator.dashboard.pictures import Pictures
from vodfc.emulator.vod.exceptions import VodError
from vodfc.emulator.vod.search import ID_FIELD, SUB_OBJECT
from vodfc.shared.validation import MAX_WINDOW, SEARCH_TYPES, SORT_VALUES

PAGE_SIZE = 20
SORTS = SORT_VALUES
_AV_FIELDS = "Title,CoverURL,Status,Tags,CateId,CateName,Duration,Size,TranscodeMode,CreationTime,Description"
FIELDS = {
    "video": _AV_FIELDS,
    "audio": _AV_FIELDS,
    "image": "Title,URL,Status,Tags,CateId,CateName,CreationTime,Description",
    "attached": "Title,URL,Status,Tags,BusinessType,Categories,CreationTime,Description",
}
# SearchMedia's window: results beyond it need a ScrollToken.
MAX_PAGE = MAX_WINDOW // PAGE_SIZE


@dataclass(frozen=True)
class LibraryQuery:
    search_type: str = "video"
    match: str = ""
    sort: str = SORTS[0]
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> LibraryQuery:
        kind = args.get("type", "video")
        sort = args.get("sort", SORTS[0])
        try:
            page = int(args.get("page", "1"))
        except ValueError:
            page = 1
        return cls(
            search_type=kind if kind in SEARCH_TYPES else "video",
            match=args.get("q", "").strip(),
            sort=sort if sort in SORTS else SORTS[0],
            page=min(max(1, page), MAX_PAGE),
        )

    def params(self) -> dict[str, str]:
        params = {
            "SearchType": self.search_type,
            "SortBy": self.sort,
            "PageNo": str(self.page),
            "PageSize": str(PAGE_SIZE),
            "Fields": FIELDS[self.search_type],
        }
        if self.match:
            params["Match"] = self.match
        return params

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this query with ``changes`` (links to other pages and types)."""
        values = {"type": self.search_type, "q": self.match, "sort": self.sort, "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


@dataclass
class Row:
    media_type: str
    media_id: str
    fields: dict[str, Any]
    picture: str | None = None
    streams: int | None = None
    source: dict[str, Any] | None = None


@dataclass
class LibraryPage:
    query: LibraryQuery
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    error: VodError | None = None

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / PAGE_SIZE)))


def source_facts(mezzanine: Any) -> dict[str, Any] | None:
    if mezzanine is None:
        return None
    facts = {
        "FileName": mezzanine.file_name,
        "Status": mezzanine.status,
        "Size": mezzanine.size,
        "Resolution": f"{mezzanine.width}×{mezzanine.height}"
        if mezzanine.width and mezzanine.height
        else None,
        "Bitrate": f"{mezzanine.bitrate:g} Kbit/s" if mezzanine.bitrate else None,
        "Fps": f"{mezzanine.fps:g}" if mezzanine.fps else None,
    }
    return {name: value for name, value in facts.items() if value not in (None, "")}


def library_page(calls: VodCalls, pictures: Pictures, query: LibraryQuery) -> LibraryPage:
    page = LibraryPage(query)
    try:
        body = calls.read("SearchMedia", query.params())
    except VodError as error:
        page.error = error
        return page
    page.total = int(body.get("Total") or 0)
    backend = calls.backend()
    sub_object = SUB_OBJECT[query.search_type]
    for media in body.get("MediaList", []):
        fields = dict(media.get(sub_object) or {})
        media_id = str(media.get("MediaId") or fields.get(ID_FIELD[query.search_type], ""))
        row = Row(query.search_type, media_id, fields)
        row.picture = pictures.url(fields.get("CoverURL") or fields.get("URL"))
        if query.search_type in ("video", "audio"):
            with backend.lock:
                row.streams = len(backend.streams_of(media_id))
                row.source = source_facts(backend.mezzanines.get(media_id))
        page.rows.append(row)
    return page


@dataclass
class Answer:
    """One action's answer on a detail page: its body, or the VOD error it raised."""

    action: str
    params: dict[str, str]
    body: dict[str, Any] | None = None
    error: VodError | None = None


def answer(calls: VodCalls, action: str, params: dict[str, str], host_url: str) -> Answer:
    try:
        return Answer(action, params, body=calls.read(action, params, host_url))
    except VodError as error:
        return Answer(action, params, error=error)


def video_answers(calls: VodCalls, video_id: str, host_url: str) -> list[Answer]:
    """GetVideoInfo, GetMezzanineInfo (with the stream details) and GetPlayInfo for one video."""
    return [
        answer(calls, "GetVideoInfo", {"VideoId": video_id}, host_url),
        answer(calls, "GetMezzanineInfo", {"VideoId": video_id, "AdditionType": "video,audio"}, host_url),
        answer(calls, "GetPlayInfo", {"VideoId": video_id}, host_url),
    ]


def image_answers(calls: VodCalls, image_id: str, host_url: str) -> list[Answer]:
    return [answer(calls, "GetImageInfo", {"ImageId": image_id}, host_url)]


def attached_answers(calls: VodCalls, media_id: str, host_url: str) -> list[Answer]:
    return [answer(calls, "GetAttachedMediaInfo", {"MediaIds": media_id}, host_url)]
