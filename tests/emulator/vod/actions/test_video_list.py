"""GetVideoList through both SDKs: wrapped shape, filters, sorting, paging and the 5,000-record window.

Acceptance criteria: shared/spec/vod-api.md §0.2 (``VideoList.Video``, wrapped ``Snapshots``), §1
GetVideoList, §2.1 (PageSize max 100, only the first 5,000 records, then ``VideoListExceededMax``).
"""

from __future__ import annotations

from typing import Any


def listed(sdk: Any, **params: Any) -> dict[str, Any]:
    return sdk.call("GetVideoList", params)  # type: ignore[no-any-return]


def ids(body: dict[str, Any]) -> list[str]:
    return [v["VideoId"] for v in body["VideoList"]["Video"]]


def test_get_video_list_shape(sdk: Any, lib: Any) -> None:
    body = listed(sdk, PageSize=100)
    assert set(body) == {"RequestId", "Total", "VideoList"}
    assert isinstance(body["Total"], int) and body["Total"] == len(lib.videos)
    videos = body["VideoList"]["Video"]
    assert isinstance(videos, list) and len(videos) == body["Total"]
    for video in videos:
        assert {"VideoId", "Title", "Status", "CreationTime"} <= set(video)
        assert isinstance(video.get("Size", 0), int)
        assert isinstance(video.get("Duration", 0.0), (int, float))
        if "Snapshots" in video:
            assert isinstance(video["Snapshots"]["Snapshot"], list)


def test_get_video_list_defaults_to_ten_newest_first(sdk: Any, lib: Any) -> None:
    body = listed(sdk)
    videos = body["VideoList"]["Video"]
    assert len(videos) == min(10, len(lib.videos))
    times = [v["CreationTime"] for v in videos]
    assert times == sorted(times, reverse=True)


def test_get_video_list_sorts_oldest_first_on_request(sdk: Any, lib: Any) -> None:
    times = [
        v["CreationTime"] for v in listed(sdk, SortBy="CreationTime:Asc", PageSize=100)["VideoList"]["Video"]
    ]
    assert times == sorted(times)


def test_get_video_list_pages_do_not_overlap(sdk: Any, lib: Any) -> None:
    everything = ids(listed(sdk, PageSize=100))
    assert len(everything) >= 3
    pages = [ids(listed(sdk, PageNo=page, PageSize=2)) for page in range(1, len(everything) // 2 + 2)]
    assert [video_id for page in pages for video_id in page] == everything
    assert listed(sdk, PageNo=len(pages) + 5, PageSize=2)["VideoList"].get("Video", []) == []


def test_get_video_list_filters_by_status(sdk: Any, lib: Any) -> None:
    body = listed(sdk, Status="Normal", PageSize=100)
    assert sorted(ids(body)) == sorted(lib.ids(Status="Normal"))
    assert body["Total"] == len(lib.ids(Status="Normal"))
    statuses = {v["Status"] for v in lib.videos}
    both = ",".join(sorted(statuses)[:2])
    want = sorted(v["VideoId"] for v in lib.videos if v["Status"] in both.split(","))
    assert sorted(ids(listed(sdk, Status=both, PageSize=100))) == want


def test_get_video_list_filters_by_category(sdk: Any, lib: Any) -> None:
    category = sdk.call("AddCategory", {"CateName": "listed"})["Category"]
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "CateId": category["CateId"]})
    assert ids(listed(sdk, CateId=category["CateId"])) == [lib.normal]


def test_get_video_list_filters_by_creation_time_window(sdk: Any, lib: Any) -> None:
    times = sorted(v["CreationTime"] for v in lib.videos)
    start, end = times[0], times[-1]
    inside = ids(listed(sdk, StartTime=start, EndTime=end, PageSize=100))
    assert sorted(inside) == sorted(v["VideoId"] for v in lib.videos if start <= v["CreationTime"] <= end)
    assert listed(sdk, StartTime="2000-01-01T00:00:00Z", EndTime="2000-01-02T00:00:00Z")["Total"] == 0


def test_get_video_list_page_size_100_is_the_maximum(sdk: Any, lib: Any) -> None:
    listed(sdk, PageSize=100)
    failure = sdk.fail("GetVideoList", {"PageSize": 101})
    assert (failure.code, failure.status) == ("InvalidParameter", 400), failure


def test_get_video_list_reaches_only_the_first_5000_records(sdk: Any, vod: Any) -> None:
    many = 5_001
    backend = vod.backend
    with backend.lock:
        for n in range(many):
            backend.create_video(title=f"bulk {n}", file_name=f"bulk{n}.mp4")
    last_page = listed(sdk, PageNo=50, PageSize=100)
    assert last_page["Total"] >= many
    assert len(last_page["VideoList"]["Video"]) == 100
    sdk.expect(
        "GetVideoList",
        {"PageNo": 51, "PageSize": 100},
        "VideoListExceededMax",
        400,
        "The video list exceeded maximum.",
    )


def test_get_video_list_filters_by_reference_ids(sdk: Any, lib: Any) -> None:
    wanted = lib.with_reference[:2]
    body = listed(sdk, ReferenceIds=",".join(ref for _, ref in wanted), PageSize=100)
    assert sorted(ids(body)) == sorted(video_id for video_id, _ in wanted)


def test_get_video_list_refuses_twenty_one_reference_ids(sdk: Any, lib: Any) -> None:
    failure = sdk.fail("GetVideoList", {"ReferenceIds": ",".join(f"ref-{n:03}" for n in range(21))})
    assert failure.status == 400 and failure.code.endswith("ExceededMax"), failure


def test_get_video_list_end_time_must_follow_start_time(sdk: Any, lib: Any) -> None:
    failure = sdk.fail(
        "GetVideoList", {"StartTime": "2026-02-01T00:00:00Z", "EndTime": "2026-01-01T00:00:00Z"}
    )
    assert (failure.code, failure.status) == ("InvalidParameter", 400), failure


def test_get_video_list_bad_paging_values_are_invalid_parameters(sdk: Any, lib: Any) -> None:
    for params in ({"PageNo": 0}, {"PageSize": 0}, {"PageSize": "abc"}, {"SortBy": "Title:Asc"}):
        failure = sdk.fail("GetVideoList", params)
        assert (failure.code, failure.status) == ("InvalidParameter", 400), (params, failure)
