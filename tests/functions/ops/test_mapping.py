"""Each operation function maps its event and its HTTP route onto the same VodClient call and answer.

Unit tier: a SpyVod stands in for VodClient (no VOD, no network); the emulator-backed tests are in
test_via_gateway.py and test_on_local_fc.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from vodfc.emulator.fc.context import Credentials, FCContext, local_context

from shared.models import (
    DeleteImagesResult,
    DeleteMezzaninesResult,
    DeleteVideosResult,
    Image,
    ImageUpdate,
    MediaItem,
    SearchPage,
    UpdateImagesResult,
    UpdateVideosResult,
    Video,
    VideoInfosResult,
    VideoListPage,
    VideoUpdate,
)
from shared.models.streams import Mezzanine
from tests.functions.ops.harness import OPERATIONS, PROJECT, SpyVod, call_event, call_http, load_function

VIDEO = {"VideoId": "v1", "Title": "cat", "Status": "Normal"}


@dataclass
class Case:
    function: str
    event: dict[str, Any]
    method: str
    path: str
    query: dict[str, str]
    body: Any
    call: tuple[str, tuple[Any, ...], dict[str, Any]]
    answer: Any
    expected: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case(
        "SearchMedia",
        {"Match": "Title = 'cat'", "PageSize": 5, "Fields": ["Title", "CoverURL"]},
        "GET",
        "/videos",
        {"match": "Title = 'cat'", "page_size": "5", "fields": "Title,CoverURL"},
        None,
        (
            "search_media",
            ("Title = 'cat'",),
            {
                "search_type": "video",
                "fields": ("Title", "CoverURL"),
                "sort_by": None,
                "page_no": 1,
                "page_size": 5,
                "scroll_token": None,
            },
        ),
        SearchPage(
            items=(MediaItem.from_dict({"MediaId": "v1", "MediaType": "video", "Video": VIDEO}),),
            total=1,
            scroll_token="tok",
            page_no=1,
            page_size=5,
        ),
        {
            "Total": 1,
            "ScrollToken": "tok",
            "MediaList": [{"MediaId": "v1", "MediaType": "video", "Video": VIDEO}],
        },
    ),
    Case(
        "GetVideoInfo",
        {"VideoId": "v1"},
        "GET",
        "/videos/v1",
        {},
        None,
        ("get_video_info", ("v1",), {"reference_id": None}),
        Video.from_dict(VIDEO),
        {"Video": VIDEO},
    ),
    Case(
        "GetVideoInfos",
        {"VideoIds": ["v1", "nope"]},
        "GET",
        "/videos",
        {"ids": "v1,nope"},
        None,
        ("get_video_infos", (("v1", "nope"),), {"reference_ids": ()}),
        VideoInfosResult(videos=(Video.from_dict(VIDEO),), non_exist_video_ids=("nope",)),
        {"VideoList": [VIDEO], "NonExistVideoIds": ["nope"], "NonExistReferenceIds": []},
    ),
    Case(
        "UpdateVideoInfo",
        {"VideoId": "v1", "Title": "dog", "Tags": ["a", "b"], "CateId": 7},
        "PATCH",
        "/videos/v1",
        {},
        {"Title": "dog", "Tags": "a,b", "CateId": "7"},
        (
            "update_video_info",
            ("v1",),
            {
                "title": "dog",
                "description": None,
                "tags": ("a", "b"),
                "cover_url": None,
                "cate_id": 7,
                "user_data": None,
            },
        ),
        None,
        {},
    ),
    Case(
        "UpdateVideoInfos",
        {"UpdateContent": [{"VideoId": "v1", "Title": "x"}, {"ReferenceId": "ref-000001", "CateId": 3}]},
        "PATCH",
        "/videos",
        {},
        {"UpdateContent": '[{"VideoId": "v1", "Title": "x"}, {"ReferenceId": "ref-000001", "CateId": 3}]'},
        (
            "update_video_infos",
            ([VideoUpdate(video_id="v1", title="x"), VideoUpdate(reference_id="ref-000001", cate_id=3)],),
            {},
        ),
        UpdateVideosResult(non_exist_video_ids=("v9",)),
        {"NonExistVideoIds": ["v9"], "ForbiddenVideoIds": [], "NonExistReferenceIds": []},
    ),
    Case(
        "DeleteVideo",
        {"VideoIds": "v1,v2"},
        "DELETE",
        "/videos",
        {"ids": "v1,v2"},
        None,
        ("delete_videos", (("v1", "v2"),), {"reference_ids": ()}),
        DeleteVideosResult(requested_video_ids=("v1", "v2"), non_exist_video_ids=("v2",)),
        {"DeletedVideoIds": ["v1"], "NonExistVideoIds": ["v2"]},
    ),
    Case(
        "GetMezzanineInfo",
        {"VideoId": "v1", "OutputType": "oss", "AuthTimeout": 600},
        "GET",
        "/videos/v1/source",
        {"output_type": "oss", "auth_timeout": "600"},
        None,
        (
            "get_mezzanine_info",
            ("v1",),
            {"addition_type": ("video", "audio"), "output_type": "oss", "auth_timeout": 600},
        ),
        Mezzanine.from_dict({"VideoId": "v1", "FileURL": "https://x/y.mp4"}),
        {"Mezzanine": {"VideoId": "v1", "FileURL": "https://x/y.mp4"}},
    ),
    Case(
        "GetVideoList",
        {"Status": ["Normal", "Checking"], "PageNo": 2},
        "GET",
        "/videos/list",
        {"status": "Normal,Checking", "page_no": "2"},
        None,
        (
            "get_video_list",
            (),
            {
                "status": ("Normal", "Checking"),
                "start_time": None,
                "end_time": None,
                "cate_id": None,
                "storage_location": None,
                "page_no": 2,
                "page_size": 10,
                "sort_by": None,
            },
        ),
        VideoListPage(videos=(Video.from_dict(VIDEO),), total=11, page_no=2, page_size=10),
        {"Total": 11, "PageNo": 2, "VideoList": [VIDEO]},
    ),
    Case(
        "DeleteStream",
        {"VideoId": "v1", "JobIds": ["j1", "j2"]},
        "DELETE",
        "/videos/v1/streams",
        {"job_ids": "j1,j2"},
        None,
        ("delete_stream", ("v1", ("j1", "j2")), {}),
        None,
        {},
    ),
    Case(
        "DeleteMezzanines",
        {"VideoIds": ["v1"], "Force": True},
        "DELETE",
        "/videos/sources",
        {"ids": "v1", "force": "true"},
        None,
        ("delete_mezzanines", (("v1",),), {"force": True, "reference_ids": ()}),
        DeleteMezzaninesResult(requested_video_ids=("v1",)),
        {"DeletedVideoIds": ["v1"], "UnRemoveableVideoIds": []},
    ),
    Case(
        "UpdateImageInfos",
        {"UpdateContent": [{"ImageId": "i1", "Title": "t"}]},
        "PATCH",
        "/images",
        {},
        {"UpdateContent": [{"ImageId": "i1", "Title": "t"}]},
        ("update_image_infos", ([ImageUpdate(image_id="i1", title="t")],), {}),
        UpdateImagesResult(non_exist_image_ids=()),
        {"NonExistImageIds": []},
    ),
    Case(
        "GetImageInfo",
        {"ImageId": "i1"},
        "GET",
        "/images/i1",
        {},
        None,
        ("get_image_info", ("i1",), {"output_type": None, "auth_timeout": None}),
        Image.from_dict({"ImageId": "i1", "Title": "t"}),
        {"ImageInfo": {"ImageId": "i1", "Title": "t"}},
    ),
    Case(
        "DeleteImage",
        {"ImageIds": ["i1", "i2"]},
        "DELETE",
        "/images",
        {"ids": "i1,i2"},
        None,
        ("delete_images", (("i1", "i2"),), {}),
        DeleteImagesResult(deleted=("i1",), not_found=("i2",)),
        {"DeleteImageType": "ImageId", "Deleted": ["i1"], "NotFound": ["i2"]},
    ),
]


def test_every_operation_has_a_case() -> None:
    assert sorted(case.function for case in CASES) == sorted(OPERATIONS)


def test_each_case_calls_a_method_the_static_analysis_found_in_its_function() -> None:
    # The analysis that writes the service role's VOD actions must see every call the functions make.
    for case in CASES:
        assert case.call[0] in PROJECT.function(case.function).vod_methods, case.function


@pytest.fixture
def context() -> FCContext:
    return local_context(Credentials("ak", "secret-abcdefgh", "token-abcdefgh"), request_id="req-77")


def _spy(case: Case) -> tuple[Any, SpyVod]:
    module = load_function(OPERATIONS[case.function])
    spy = SpyVod(**{case.call[0]: case.answer})
    module.app.clients.override(spy)
    return module, spy


@pytest.fixture(autouse=True)
def _restore_clients() -> Any:
    yield
    for folder in OPERATIONS.values():
        load_function(folder).app.clients.override(None)


@pytest.mark.parametrize("case", CASES, ids=[c.function for c in CASES])
def test_event_face_calls_vod_once_and_answers(case: Case, context: FCContext) -> None:
    module, spy = _spy(case)
    answer = call_event(module, case.event, context)
    _normalise(spy.calls)
    assert spy.calls == [_normalised(case.call)]
    assert answer["RequestId"] == "req-77"
    assert answer.items() >= case.expected.items()


@pytest.mark.parametrize("case", CASES, ids=[c.function for c in CASES])
def test_http_face_makes_the_same_call(case: Case, context: FCContext, monkeypatch: Any) -> None:
    monkeypatch.setenv("VODFC_HTTP_AUTH", "function")
    module, spy = _spy(case)
    answer = call_http(module, case.method, case.path, query=case.query, body=case.body, context=context)
    assert answer.status == 200, answer.body
    _normalise(spy.calls)
    assert spy.calls == [_normalised(case.call)]
    assert answer.json().items() >= case.expected.items()


Call = tuple[str, tuple[Any, ...], dict[str, Any]]


def _normalised(call: Call) -> Call:
    name, args, kwargs = call
    return name, tuple(list(a) if isinstance(a, list) else a for a in args), kwargs


def _normalise(calls: list[Call]) -> None:
    calls[:] = [_normalised(c) for c in calls]
