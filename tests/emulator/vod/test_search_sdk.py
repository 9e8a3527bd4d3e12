"""SearchMedia through both official SDKs (core request classes and the Tea client), in-process and
over a server: every Match form, the errors, paging, the 5,000-result window and ScrollToken.

Acceptance: shared/spec/vod-api.md §1 SearchMedia, §3; vod-uncertainties.md §2 (SearchMedia codes)
and §5 (wire shape, field table, range brackets, paging limits).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_vod20170321 import models as tea_models
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.SearchMediaRequest import SearchMediaRequest
from vodfc.emulator.vod.search import set_search_options

from tests.emulator.support.refusals import Refusals

BASE = datetime(2024, 3, 1, tzinfo=timezone.utc)
TAGS = ["cat,pet", "dog,pet", "city,night", "cat,night", "sea"]
STATUSES = ["Normal", "Normal", "Blocked", "Uploading", "Normal", "Transcoding"]


def at(minutes: int) -> str:
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Searcher:
    """SearchMedia through one SDK; ``search`` gives the JSON body, ``error`` the (code, status, message)."""

    def __init__(self, name: str, target: Any):
        self.name = name
        self.target = target
        self.client = target.acs_client() if name == "core" else target.tea_client()

    def search(self, **params: Any) -> dict[str, Any]:
        if self.name == "core":
            request = SearchMediaRequest()
            for key, value in params.items():
                getattr(request, f"set_{key}")(value)
            return json.loads(self.client.do_action_with_exception(request))  # type: ignore[no-any-return]
        response = self.client.search_media(tea_models.SearchMediaRequest().from_map(params))
        body = response.body
        assert body is not None, "the Tea SDK could not map the SearchMedia body"
        assert isinstance(body.total, int) and isinstance(body.request_id, str)
        for item in body.media_list or []:
            assert isinstance(item, tea_models.SearchMediaResponseBodyMediaList)
            sub = {
                "video": item.video,
                "audio": item.audio,
                "image": item.image,
                "attached": item.attached_media,
            }
            assert sub[item.media_type] is not None
        return body.to_map()  # type: ignore[no-any-return]

    def error(self, **params: Any) -> tuple[str, int, str]:
        try:
            body = self.search(**params)
        except ServerException as err:
            return err.get_error_code(), err.get_http_status(), err.get_error_msg()
        except (tea_exceptions.ClientException, tea_exceptions.ServerException) as err:
            return err.code, err.status_code, (err.data or {}).get("Message", "")
        raise AssertionError(f"SearchMedia {params} succeeded: {body}")


@pytest.fixture(params=["core", "tea"])
def api(request: pytest.FixtureRequest, vod: Any) -> Searcher:
    return Searcher(request.param, vod)


@pytest.fixture
def media(vod: Any) -> dict[str, Any]:
    """30 videos (one every 10 minutes), 2 audio files and 2 images with known attributes."""
    backend = vod.backend
    with backend.lock:
        cate = backend.add_category("Animals").cate_id if hasattr(backend, "add_category") else None
        for i in range(30):
            backend.create_video(
                f"Clip {i:02d} " + ("Kittens" if i % 5 == 0 else "Street"),
                video_id=f"vid{i:03d}",
                status=STATUSES[i % len(STATUSES)],
                now=at(i * 10),
                tags=TAGS[i % len(TAGS)],
                description="a short film" if i % 2 else "a long story",
                cate_id=cate if i < 10 else None,
                duration=float(10 * i),
                size=1000 * i,
            )
        for i in range(2):
            backend.create_video(
                f"Song {i}", video_id=f"aud{i}", status="Normal", now=at(i), media_type="audio"
            )
        for i in range(2):
            backend.create_image(
                image_id=f"img{i}",
                title=f"Poster {i}",
                status="Normal",
                now=at(i),
                tags="poster",
                original_file_name=f"Poster-{i}.PNG",
            )
    return {"cate": cate}


def ids(body: dict[str, Any]) -> list[str]:
    return [item["MediaId"] for item in body["MediaList"]]


def all_ids(api: Searcher, match: str, **params: Any) -> list[str]:
    body = api.search(Match=match, PageSize=100, SortBy="CreationTime:Asc", **params)
    assert body["Total"] == len(body["MediaList"])
    return ids(body)


def vids(*numbers: int) -> list[str]:
    return [f"vid{n:03d}" for n in numbers]


# --- shape ---------------------------------------------------------------------------------------------


def test_default_answer_shape(api: Searcher, media: Any) -> None:
    body = api.search()
    assert set(body) == {"RequestId", "Total", "ScrollToken", "MediaList"}
    assert body["Total"] == 30  # SearchType defaults to video: no audio, no images
    assert len(body["MediaList"]) == 10 and len(body["ScrollToken"]) == 32
    first = body["MediaList"][0]
    assert first["MediaType"] == "video" and first["MediaId"] == "vid029"
    assert first["CreationTime"] == at(290) == first["Video"]["CreationTime"]
    assert set(first["Video"]) == {"VideoId", "Title", "Status", "CreationTime", "ModificationTime"}
    # The real answer carries empty objects for the other types (the Tea model adds "Categories": []).
    assert first["Audio"] == {} and first["Image"] == {}
    assert not any(first["AttachedMedia"].values())


def test_fields_and_types(api: Searcher, media: Any) -> None:
    body = api.search(Match="VideoId = 'vid007'", Fields="Title,Duration,Size,Tags,CateId,Snapshots")
    video = body["MediaList"][0]["Video"]
    assert video["VideoId"] == "vid007" and video["Tags"] == TAGS[7 % 5]
    assert video["Duration"] == 70.0 and isinstance(video["Size"], int) and isinstance(video["CateId"], int)
    assert set(video) <= {"VideoId", "Title", "Duration", "Size", "Tags", "CateId", "Snapshots"}


def test_other_search_types(api: Searcher, media: Any) -> None:
    audio = api.search(SearchType="audio", SortBy="CreationTime:Asc", Fields="Title")
    assert ids(audio) == ["aud0", "aud1"]
    assert audio["MediaList"][0]["Audio"] == {"AudioId": "aud0", "Title": "Song 0"}
    images = api.search(SearchType="image", Match="Tags = 'poster'", Fields="Title,URL")
    assert sorted(ids(images)) == ["img0", "img1"]
    assert images["MediaList"][0]["Image"]["URL"].startswith("https://")
    assert api.search(SearchType="attached")["Total"] == 0
    # FileName is searchable on images but never returned.
    named = api.search(SearchType="image", Match="FileName = 'poster-1'", Fields="Title,FileName")
    assert ids(named) == ["img1"] and "FileName" not in named["MediaList"][0]["Image"]


# --- every Match form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        ("VideoId = 'vid003'", vids(3)),
        ("VideoId in ('vid003', 'vid004', 'nope')", vids(3, 4)),
        ("Title = 'kittens'", vids(0, 5, 10, 15, 20, 25)),  # fuzzy: contains, any case
        ("Title in ('Clip 01', 'Clip 02')", vids(1, 2)),
        ("Description = 'long'", vids(*range(0, 30, 2))),
        ("Tags = 'night'", vids(*(i for i in range(30) if i % 5 in (2, 3)))),
        ("Tags in ('sea', 'dog')", vids(*(i for i in range(30) if i % 5 in (1, 4)))),
        ("Status = 'Blocked'", vids(*range(2, 30, 6))),
        ("Status in ('Uploading', 'Transcoding')", vids(*(i for i in range(30) if i % 6 in (3, 5)))),
        ("Duration = (100, 130)", vids(11, 12)),
        ("Duration = [100, 130]", vids(10, 11, 12, 13)),
        ("Size = [25000,)", vids(25, 26, 27, 28, 29)),
        ("Size = (,2000)", vids(0, 1)),
        (f"CreationTime = ('{at(30)}','{at(60)}')", vids(4, 5)),
        (f"CreationTime = ['{at(30)}','{at(60)}']", vids(3, 4, 5, 6)),
        (f"CreationTime = ['{at(270)}',)", vids(27, 28, 29)),
        (f"CreationTime = (,'{at(10)}']", vids(0, 1)),
        ("Title = 'kittens' and Status = 'Normal'", vids(0, 10, 25)),
        ("Title = 'kittens' AND (Status = 'Blocked' or Tags = 'sea')", vids(20)),
        ("(Status = 'Blocked' or Status = 'Uploading') and Size = [0, 5000]", vids(2, 3)),
        ("Title = 'it''s' and Title = 'it\\'s'", []),
        ("AppId in ('app-1000000') and Size = (,1000]", vids(0, 1)),
        ("", vids(*range(30))),
    ],
)
def test_match_forms(api: Searcher, media: Any, match: str, expected: list[str]) -> None:
    assert all_ids(api, match) == expected


def test_category_and_storage_location(api: Searcher, media: Any, vod: Any) -> None:
    if media["cate"] is None:
        pytest.skip("the backend has no categories")
    assert all_ids(api, f"CateId = {media['cate']}") == vids(*range(10))
    location = vod.backend.get_video("vid000").storage_location
    assert len(all_ids(api, f"StorageLocation = '{location}'")) == 30


def test_selective_query_follows_writes(api: Searcher, media: Any, vod: Any) -> None:
    match = f"Status = 'Normal' and Tags = 'pet' and CreationTime = ['{at(0)}','{at(100)}']"
    assert all_ids(api, match) == vids(0, 1, 6, 10)
    with vod.backend.lock:
        vod.backend.set_video_status("vid005", "Normal")
        vod.backend.delete_video("vid006")
    assert all_ids(api, match) == vids(0, 1, 5, 10)


# --- errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code", "fragment"),
    [
        ({"Match": "Title = 'x"}, "ErrorMatchSyntax", "unterminated quoted value"),
        ({"Match": "Title = 'x' or Status = 'Normal'"}, "ErrorMatchSyntax", "inside parentheses"),
        ({"Match": "Colour = 'red'"}, "ErrorMatchSyntax", "The parameter Match.Colour has an error syntax"),
        ({"Match": "Title = ('a','b')"}, "ErrorMatchSyntax", "range queries are not supported"),
        ({"Match": "CreationTime = ('yesterday',)"}, "ErrorMatchSyntax", "is not a time"),
        ({"Match": "ImageId = 'img0'"}, "ErrorMatchSyntax", "unknown field for SearchType video"),
        ({"SortBy": "CreationTime:Asc,ModificationTime:Asc,CreationTime:Desc,ModificationTime:Desc"},
         "SortByExceededMax", "at most 3"),
        ({"SortBy": "Title:Asc"}, "InvalidParameter", "not sortable"),
        ({"PageSize": 101}, "InvalidParameter", '"PageSize"'),
        ({"PageNo": 0}, "InvalidParameter", '"PageNo"'),
        ({"SearchType": "videos"}, "InvalidParameter", '"SearchType"'),
        ({"PageNo": 101, "PageSize": 50}, "InvalidParameter", "first 5000 results"),
        ({"ScrollToken": "0123456789abcdef0123456789abcdef"}, "InvalidScrollToken.Expired", "expired"),
    ],
)  # fmt: skip
def test_errors(
    api: Searcher, media: Any, refusals: Refusals, params: dict[str, Any], code: str, fragment: str
) -> None:
    got_code, status, message = api.error(**params)
    assert (got_code, status) == (code, 400)
    # The SDK's user sees the cloud's text; why the emulator refused is in its refusal line.
    refusal = refusals.last(code)
    assert message == refusal.cloud_message
    assert fragment in refusal.explained


# --- paging, window, scroll ----------------------------------------------------------------------------


def test_pages_do_not_overlap(api: Searcher, media: Any) -> None:
    seen: list[str] = []
    for page in range(1, 5):
        body = api.search(PageNo=page, PageSize=8)
        assert body["Total"] == 30
        seen += ids(body)
    assert seen == vids(*range(29, -1, -1))


def test_sort_by_modification_time(api: Searcher, media: Any, vod: Any) -> None:
    with vod.backend.lock:
        vod.backend.update_video(vod.backend.get_video("vid000"), {"title": "edited"}, now=at(10_000))
    body = api.search(SortBy="ModificationTime:Desc,CreationTime:Asc", PageSize=2)
    assert ids(body) == ["vid000", "vid029"]


def test_window_and_scroll_token(api: Searcher, media: Any, vod: Any, refusals: Refusals) -> None:
    set_search_options(vod.backend, window=12, scroll_window=10)
    assert api.error(PageNo=3, PageSize=5)[0] == "InvalidParameter"
    first = api.search(PageSize=5, SortBy="CreationTime:Asc")
    token = first["ScrollToken"]
    seen = ids(first)
    for page in range(2, 7):
        body = api.search(PageSize=5, PageNo=page, ScrollToken=token, SortBy="CreationTime:Asc")
        assert body["ScrollToken"] == token and body["Total"] == 30
        seen += ids(body)
    assert seen == vids(*range(30))
    code, _, message = api.error(PageSize=5, PageNo=1, ScrollToken=token, SortBy="CreationTime:Asc")
    assert (code, message) == ("InvalidParameter", 'The specified parameter "PageNo" is not valid.')
    assert "at most 10 records" in refusals.detail(code)
    code, _, message = api.error(
        PageSize=5, PageNo=7, ScrollToken=token, SortBy="CreationTime:Asc,ModificationTime:Asc"
    )
    assert code == "SortByExceededMax"


def test_scroll_token_expires(api: Searcher, media: Any, vod: Any) -> None:
    set_search_options(vod.backend, scroll_ttl=timedelta(0))
    token = api.search()["ScrollToken"]
    code, status, message = api.error(ScrollToken=token, PageNo=2)
    assert (code, status, message) == (
        "InvalidScrollToken.Expired",
        400,
        "The ScrollToken is expired, please refresh it.",
    )
