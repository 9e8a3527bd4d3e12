"""Lazy iterators past VOD's 5,000-result window: SearchMedia by ScrollToken, GetVideoList by time windows."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from shared.errors import WindowExhausted
from tests.shared.support import error_body

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeSearch:
    """SearchMedia over N videos: past the first 5,000 a ScrollToken is required."""

    def __init__(self, total: int) -> None:
        self.ids = [f"m{i:05d}" for i in range(total)]

    def __call__(self, params):
        page_no, size = int(params["PageNo"]), int(params["PageSize"])
        if page_no * size > 5000 and params.get("ScrollToken") != "tok":
            return 400, error_body("InvalidParameter", "ScrollToken required")
        chunk = self.ids[(page_no - 1) * size : page_no * size]
        return {
            "Total": len(self.ids),
            "ScrollToken": "tok",
            "MediaList": [{"MediaId": i, "MediaType": "video", "Video": {"VideoId": i}} for i in chunk],
        }


def test_search_iterates_past_5000_with_scroll_token(client, fake_vod):
    fake_vod.on("SearchMedia", FakeSearch(12_345))
    ids = [item.media_id for item in client.iter_search_media("Status = 'Normal'")]
    assert ids == [f"m{i:05d}" for i in range(12_345)]
    assert len(fake_vod.calls) == 124
    assert "ScrollToken" not in fake_vod.calls[0]
    assert all(p["ScrollToken"] == "tok" for p in fake_vod.calls[1:])
    assert all(p["Match"] == "Status = 'Normal'" and p["PageSize"] == "100" for p in fake_vod.calls)


def test_search_iterator_is_lazy(client, fake_vod):
    fake_vod.on("SearchMedia", FakeSearch(1000))
    items = client.iter_search_media(page_size=50)
    assert fake_vod.calls == []
    first = list(itertools.islice(items, 120))
    assert len(first) == 120
    assert [p["PageNo"] for p in fake_vod.calls] == ["1", "2", "3"]


def test_search_stops_on_a_short_page(client, fake_vod):
    fake_vod.on("SearchMedia", FakeSearch(150))
    assert len(list(client.iter_search_media())) == 150
    assert len(fake_vod.calls) == 2


def test_search_without_scroll_token_stops_at_the_window(client, fake_vod, caplog):
    def no_token(params):
        page = FakeSearch(8000)(params)
        if isinstance(page, dict):
            page.pop("ScrollToken")
        return page

    fake_vod.on("SearchMedia", no_token)
    assert len(list(client.iter_search_media(search_type="image"))) == 5000
    assert "no ScrollToken" in caplog.text


class FakeVideoList:
    """GetVideoList over videos created three per second, with VOD's 5,000-result window.

    ``inclusive`` decides whether StartTime/EndTime include their own second, which VOD does not document;
    the iterator must be right either way.
    """

    def __init__(self, total: int, per_second: int = 3, inclusive: bool = True) -> None:
        self.videos = [
            {"VideoId": f"v{i:05d}", "CreationTime": stamp(T0 + timedelta(seconds=i // per_second))}
            for i in range(total)
        ]
        self.inclusive = inclusive

    def __call__(self, params):
        page_no, size = int(params["PageNo"]), int(params["PageSize"])
        if page_no * size > 5000:
            return 400, error_body("VideoListExceededMax", "The video list exceeded maximum.")
        start, end = params.get("StartTime"), params.get("EndTime")
        if self.inclusive:
            rows = [
                v
                for v in self.videos
                if (not start or v["CreationTime"] >= start) and (not end or v["CreationTime"] <= end)
            ]
        else:
            rows = [
                v
                for v in self.videos
                if (not start or v["CreationTime"] > start) and (not end or v["CreationTime"] < end)
            ]
        descending = params.get("SortBy", "CreationTime:Desc") == "CreationTime:Desc"
        # Stable order inside one second, like a database index on (CreationTime, VideoId).
        rows.sort(key=lambda v: (v["CreationTime"], v["VideoId"]), reverse=descending)
        return {"Total": len(rows), "VideoList": {"Video": rows[(page_no - 1) * size : page_no * size]}}


@pytest.mark.parametrize("inclusive", [True, False], ids=["inclusive-bounds", "exclusive-bounds"])
@pytest.mark.parametrize("sort_by", [None, "CreationTime:Asc"])
def test_video_list_walks_time_windows_past_5000_without_gaps_or_duplicates(
    client, fake_vod, inclusive, sort_by
):
    fake = FakeVideoList(12_001, per_second=3, inclusive=inclusive)
    fake_vod.on("GetVideoList", fake)
    ids = [v.video_id for v in client.iter_video_list(sort_by=sort_by)]
    expected = [v["VideoId"] for v in fake.videos]
    assert ids == (expected if sort_by else expected[::-1])
    assert all(int(p["PageNo"]) * int(p["PageSize"]) <= 5000 for p in fake_vod.calls)
    # The second window is bounded by the last CreationTime of the first one (one second of overlap).
    bound = "StartTime" if sort_by else "EndTime"
    windows = sorted({p.get(bound) for p in fake_vod.calls}, key=str)
    assert len(windows) >= 3


def test_video_list_keeps_the_callers_filters_in_every_window(client, fake_vod):
    fake_vod.on("GetVideoList", FakeVideoList(5_500))
    start = stamp(T0 - timedelta(days=1))
    videos = list(client.iter_video_list(status="Normal", cate_id=9, start_time=start))
    assert len(videos) == 5_500
    assert all(
        p["Status"] == "Normal" and p["CateId"] == "9" and p["StartTime"] == start for p in fake_vod.calls
    )


def test_video_list_iterator_is_lazy(client, fake_vod):
    fake_vod.on("GetVideoList", FakeVideoList(10_000))
    videos = client.iter_video_list()
    assert fake_vod.calls == []
    next(videos)
    assert len(fake_vod.calls) == 1
    list(itertools.islice(videos, 250))
    assert len(fake_vod.calls) == 3


def test_video_list_stops_when_total_is_reached(client, fake_vod):
    fake_vod.on("GetVideoList", FakeVideoList(200))
    assert len(list(client.iter_video_list())) == 200
    assert len(fake_vod.calls) == 2


def test_more_than_5000_videos_in_one_second_cannot_be_paged(client, fake_vod):
    fake_vod.on("GetVideoList", FakeVideoList(5_200, per_second=6000))
    videos = client.iter_video_list()
    with pytest.raises(WindowExhausted):
        for _ in videos:
            pass


def test_video_list_arguments_are_checked_before_iterating(client, fake_vod):
    from shared.errors import ValidationError

    with pytest.raises(ValidationError):
        client.iter_video_list(status="Bogus")
    with pytest.raises(ValidationError):
        client.iter_search_media(sort_by="CreationTime:Desc,ModificationTime:Asc")
    assert fake_vod.calls == []


def _walk_with_small_window(counts, sort_by, inclusive, monkeypatch):
    """Run iter_video_list over videos created ``counts[i]`` per second i, with a 30-result window."""
    import re

    import responses

    from shared import VodClient
    from shared.retry import RetryPolicy
    from tests.shared.support import SDK_ADAPTER, FakeVod

    monkeypatch.setattr("shared.validation.MAX_WINDOW", 30)
    fake = FakeVideoList(0, inclusive=inclusive)
    fake.videos = [
        {"VideoId": f"v{second:03d}-{n:02d}", "CreationTime": stamp(T0 + timedelta(seconds=second))}
        for second, count in enumerate(counts)
        for n in range(count)
    ]
    original = fake.__call__

    def with_small_window(params):
        if int(params["PageNo"]) * int(params["PageSize"]) > 30:
            return 400, error_body("VideoListExceededMax")
        return original(params)

    vod = FakeVod()
    vod.on("GetVideoList", with_small_window)
    client = VodClient(access_key_id="a", access_key_secret="b", retry=RetryPolicy(max_attempts=1))
    with responses.RequestsMock(target=SDK_ADAPTER, assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.POST, re.compile(r"https?://.*"), callback=vod.callback)
        ids = [v.video_id for v in client.iter_video_list(sort_by=sort_by, page_size=10)]
    expected = [v["VideoId"] for v in fake.videos]
    return ids, (expected if sort_by else expected[::-1])


@pytest.mark.parametrize("inclusive", [True, False], ids=["inclusive-bounds", "exclusive-bounds"])
@pytest.mark.parametrize("sort_by", [None, "CreationTime:Asc"])
def test_video_list_windows_hold_for_any_clustering_of_creation_times(monkeypatch, inclusive, sort_by):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=25))
    def check(counts):
        # Two neighbouring seconds are the most one window has to hold (the overlap second and the edge).
        try:
            ids, expected = _walk_with_small_window(counts, sort_by, inclusive, monkeypatch)
        except WindowExhausted:
            assert any(a + b >= 30 for a, b in itertools.pairwise([0, *counts, 0]))
            return
        assert ids == expected

    check()
