"""The payload builders reproduce VOD's captured bodies: key names, key order, JSON types, time formats."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire

WHEN = datetime(2020, 7, 10, 6, 49, 51, 627000, tzinfo=timezone.utc)


def test_file_upload_complete_matches_the_captured_mns_body() -> None:
    # GIVEN the fields of capture CAP-2
    event = p.file_upload_complete(
        "10f6baa29bdf71f1bfc46733a78e0102",
        size=4372373,
        file_url="http://outin-x.oss-cn-shanghai.aliyuncs.com/customerTrans/b1/6169c89c-7202a.mp4",
        event_time="2026-08-19T15:07:07Z",
    )
    # THEN key order and types are the capture's
    assert list(event) == ["Status", "FileUrl", "VideoId", "EventType", "EventTime", "Size"]
    assert event["Size"] == 4372373 and event["Status"] == "success"
    assert b" " not in wire.encode(event)


def test_image_upload_complete_uses_file_url_upper_case_and_colon_millis() -> None:
    event = p.image_upload_complete("img", size=1, file_url="http://b/i.jpg", event_time=WHEN)
    assert event["FileURL"] == "http://b/i.jpg" and "FileUrl" not in event
    assert event["EventTime"] == "2020-07-10T06:49:51:627Z"
    assert event["AppId"] == "app-1000000"


def test_stream_fields_have_vod_types() -> None:
    info = p.stream_info(
        job_id="j",
        definition="SD",
        size=10,
        width=1280,
        height=720,
        duration=154.0,
        bitrate=1110,
        fps=25,
        finish_time=WHEN,
    )
    assert info["Bitrate"] == "1110" and info["Fps"] == "25"
    assert info["Width"] == 1280 and info["Duration"] == 154.0
    assert info["Encrypt"] is False and info["IsAudio"] is False
    assert info["FinishTime"] == "2020-07-10T06:49:51Z"


def test_stream_transcode_complete_follows_the_capture_order() -> None:
    stream = p.stream_info(
        job_id="j",
        definition="LD",
        size=1,
        width=2,
        height=3,
        duration=4,
        finish_time=WHEN,
        watermark_id="w1",
    )
    event = p.stream_transcode_complete("v", stream)
    keys = list(event)
    assert keys[:6] == ["Status", "IsAudio", "VideoId", "EventType", "Size", "WatermarkId"]
    assert keys[-5:] == ["FinishTime", "EventTime", "Height", "Width", "JobId"]
    assert event["EventTime"] == event["FinishTime"]


def test_transcode_complete_status_and_time_follow_the_streams() -> None:
    streams = p.example_streams("v", definitions=("SD", "FD"), finished=WHEN, failed=("FD",))
    event = p.transcode_complete("v", streams)
    assert event["Status"] == "success"  # at least one stream succeeded
    assert event["EventTime"] == max(s["FinishTime"] for s in streams)
    assert list(event)[:5] == ["Status", "VideoId", "EventType", "EventTime", "StreamInfos"]
    failed = p.transcode_complete("v", p.example_streams("v", definitions=("SD",), failed=("SD",)))
    assert failed["Status"] == "fail"
    assert failed["StreamInfos"][0]["ErrorCode"] == "InvalidParameter.ResourceContentBad"


def test_extend_object_is_sent_as_a_json_string() -> None:
    event = p.file_upload_complete("v", size=1, file_url="http://x", extend={"test": "your extend data"})
    assert event["Extend"] == '{"test":"your extend data"}'


def test_media_base_change_values_are_json_strings() -> None:
    created = p.media_base_change_complete("v", operate_mode="create", changes={"Title": ("a", "b")})
    assert json.loads(created["MediaContent"]["Title"]) == {"NewValue": "b"}
    deleted = p.media_base_change_complete("v", operate_mode="delete", changes={"Title": ("a", "b")})
    assert json.loads(deleted["MediaContent"]["Title"]) == {"OldValue": "a"}


def test_delete_media_complete_joins_job_ids() -> None:
    event = p.delete_media_complete("v", delete_type="stream", job_ids=["a", "b"])
    assert event["JobIds"] == "a,b" and event["DeleteType"] == "stream"


@pytest.mark.parametrize("event_type", p.EVENT_TYPES)
def test_every_type_has_a_deterministic_example(event_type: str) -> None:
    first = p.example(event_type, now=WHEN, rng=random.Random(7))
    again = p.example(event_type, now=WHEN, rng=random.Random(7))
    assert first == again and first["EventType"] == event_type
    assert json.loads(wire.encode(first)) == first


def test_unknown_example_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown VOD event type"):
        p.example("NoSuchEvent")


@pytest.mark.parametrize("event_type", p.EVENT_TYPES)
def test_every_type_the_emulator_sends_is_typed_in_shared(event_type: str) -> None:
    from vodfc.shared.events.types import UnknownEvent, vod_event

    event = vod_event(p.example(event_type, now=WHEN, rng=random.Random(7)))
    assert not isinstance(event, UnknownEvent) and type(event).__name__ == event_type
    assert event.media_id


def test_attached_media_upload_complete_has_the_documented_fields_in_order() -> None:
    from vodfc.shared.events.types import AttachedMediaUploadComplete, vod_event

    event = p.attached_media_upload_complete("m" * 32, size=14333, file_url="https://h/watermark/m.png")
    assert list(event) == ["EventTime", "EventType", "AttachedMediaId", "Size", "FileURL", "Status"]
    typed = vod_event(event)
    assert isinstance(typed, AttachedMediaUploadComplete)
    assert (typed.attached_media_id, typed.size, typed.file_url) == (
        "m" * 32,
        14333,
        "https://h/watermark/m.png",
    )
