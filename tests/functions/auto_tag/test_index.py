"""auto_tag: facts -> rules -> tags merged within VOD's limits, never removing a user's tag."""

from __future__ import annotations

import json

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire

from shared.errors import Throttled
from tests.functions.support.events import invoke, sends_exactly
from tests.functions.support.fakes import FakeVideo

RULES = {
    "keyword_rules": [{"keywords": ["trailer"], "tags": ["trailer"], "cate_id": 7}],
    "resolution_categories": {"4k": 9},
}


def upload(video_id: str = "v1") -> dict:
    return p.file_upload_complete(video_id, size=10, file_url=f"http://b.oss/sv/x/{video_id}.mp4")


@pytest.fixture
def auto_tag(fn, monkeypatch):
    monkeypatch.setenv("VODFC_AUTO_TAG_CONFIG", json.dumps(RULES))
    return fn("auto_tag")


def test_tags_from_resolution_orientation_duration_and_keywords(auto_tag, vod) -> None:
    # GIVEN a 1080p landscape 42 s video named *trailer* with a user's tag
    vod.add(FakeVideo("v1", tags=["mine"]))
    # WHEN FileUploadComplete arrives over the MNS topic (JSON envelope)
    result = invoke(auto_tag, wire.mns_topic_json(upload(), trigger="vod-events"))
    # THEN the user's tag stays first and ours follow; the category comes from the keyword rule
    (report,) = result["Results"]
    assert report["Outcome"] == "updated"
    assert vod.videos["v1"].tags == ["mine", "hd", "landscape", "short", "trailer"]
    assert vod.videos["v1"].cate_id == 7
    assert sends_exactly(vod, "auto_tag")


def test_user_category_is_never_overwritten(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1", cate_id=3))
    invoke(auto_tag, upload())
    assert vod.videos["v1"].cate_id == 3


def test_no_update_when_nothing_changes(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1"))
    invoke(auto_tag, upload())
    updates = len(vod.actions("UpdateVideoInfo"))
    (report,) = invoke(auto_tag, upload())["Results"]
    assert report["Outcome"] == "unchanged"
    assert len(vod.actions("UpdateVideoInfo")) == updates == 1


def test_portrait_4k_by_rotation(auto_tag, vod) -> None:
    vod.add(
        FakeVideo("v1", width=3840, height=2160, rotate=90, file_name="D:\\videos\\clip.mp4", duration=4000)
    )
    invoke(auto_tag, upload())
    assert vod.videos["v1"].tags == ["4k", "portrait", "long"]
    assert vod.videos["v1"].cate_id == 9


def test_vod_tag_limit_keeps_every_user_tag(auto_tag, vod) -> None:
    # GIVEN 14 user tags: room for two more
    user = [f"user{i}" for i in range(14)]
    vod.add(FakeVideo("v1", tags=list(user)))
    (report,) = invoke(auto_tag, upload())["Results"]
    assert vod.videos["v1"].tags == [*user, "hd", "landscape"]
    assert report["Dropped"] == ["short", "trailer"]


def test_case_insensitive_duplicates_are_not_added(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1", tags=["HD", "Trailer"]))
    invoke(auto_tag, upload())
    assert vod.videos["v1"].tags == ["HD", "Trailer", "landscape", "short"]


def test_facts_missing_until_analysis_then_added(auto_tag, vod) -> None:
    # GIVEN VOD has not analysed the file yet at FileUploadComplete
    vod.add(FakeVideo("v1", width=None, height=None, duration=None))
    invoke(auto_tag, upload())
    assert vod.videos["v1"].tags == ["trailer"]
    # WHEN VideoAnalysisComplete brings the facts
    analysis = p.video_analysis_complete("v1", width=720, height=1280, duration=30.0, size=10)
    invoke(auto_tag, analysis)
    # THEN the rest is added, nothing removed
    assert vod.videos["v1"].tags == ["trailer", "hd", "portrait", "short"]


def test_deleted_video_is_skipped(auto_tag, vod) -> None:
    (report,) = invoke(auto_tag, upload("gone"))["Results"]
    assert report["Outcome"] == "skipped" and "no longer exists" in report["Reason"]
    assert not vod.actions("UpdateVideoInfo")


def test_source_gone_falls_back_to_the_event_file_name(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1", source=False, duration=None))
    event = p.file_upload_complete("v1", size=10, file_url="http://b.oss/sv/x/My-Trailer-2.mp4")
    invoke(auto_tag, event)
    assert vod.videos["v1"].tags == ["trailer"]


def test_failed_analysis_is_skipped(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1"))
    failed = p.video_analysis_complete("v1", status="fail", error_code="InvalidParameter.ResourceContentBad")
    (report,) = invoke(auto_tag, failed)["Results"]
    assert report["Outcome"] == "skipped"


def test_throttling_raises_for_redelivery_and_leaves_no_partial_state(auto_tag, vod) -> None:
    vod.add(FakeVideo("v1", tags=["mine"]))
    vod.fail("UpdateVideoInfo", Throttled("Throttling.User", "flow control", http_status=400))
    with pytest.raises(Throttled):
        invoke(auto_tag, upload())
    assert vod.videos["v1"].tags == ["mine"]
    invoke(auto_tag, upload())  # the redelivery
    assert vod.videos["v1"].tags[0] == "mine" and "hd" in vod.videos["v1"].tags


def test_bad_configuration_is_a_clear_500(fn, monkeypatch, vod) -> None:
    monkeypatch.setenv(
        "VODFC_AUTO_TAG_CONFIG", json.dumps({"keyword_rules": [{"keywords": ["x"], "tags": ["a,b"]}]})
    )
    module = fn("auto_tag")
    vod.add(FakeVideo("v1"))
    with pytest.raises(Exception, match="contains a comma"):
        invoke(module, upload())
    assert not vod.actions("UpdateVideoInfo")


def test_url_upload_is_tagged_too(auto_tag, vod) -> None:
    # GIVEN a video pulled from a URL whose source facts are not known yet
    vod.add(FakeVideo("v1", source=False, duration=None))
    event = p.upload_by_url_complete("v1", job_id="j1", source_url="http://example.com/a/Big-Trailer.mp4?x=1")
    (report,) = invoke(auto_tag, event)["Results"]
    # THEN the file name comes from SourceURL
    assert report["Outcome"] == "updated" and vod.videos["v1"].tags == ["trailer"]
    failed = p.upload_by_url_complete(
        None, job_id="j2", source_url="http://x", status="fail", error_code="URLInvalidError"
    )
    (report,) = invoke(auto_tag, failed)["Results"]
    assert report["Outcome"] == "skipped"
