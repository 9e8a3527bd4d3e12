"""parse_events accepts every way FC receives a VOD event; typed classes read VOD's fields."""

from __future__ import annotations

import base64
import json
import random
from datetime import datetime, timezone

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire
from vodfc.emulator.fc.template import Trigger

from shared.events import EventFormatError, parse_event, parse_events
from shared.events.types import (
    DeleteMediaComplete,
    FileUploadComplete,
    ImageUploadComplete,
    MediaBaseChangeComplete,
    SnapshotComplete,
    StreamTranscodeComplete,
    TimerEvent,
    TranscodeComplete,
    UnknownEvent,
    VideoAnalysisComplete,
    parse_time,
)

WHEN = datetime(2026, 8, 19, 15, 7, 7, tzinfo=timezone.utc)
UPLOAD = p.example("FileUploadComplete", video_id="v" * 32, now=WHEN, rng=random.Random(1))


@pytest.mark.parametrize(
    ("envelope", "source"),
    [
        (lambda e: wire.encode(e), "direct"),
        (lambda e: wire.encode(e).decode(), "direct"),
        (lambda e: dict(e), "direct"),
        (lambda e: wire.mns_topic_stream(e), "direct"),
        (lambda e: wire.mns_topic_stream(e, attrs={"a": "b"}), "mns-topic-stream"),
        (
            lambda e: json.dumps(wire.mns_topic_json(e, trigger="vod-events", message_id="M1")).encode(),
            "mns-topic-json",
        ),
        (lambda e: json.dumps(wire.eventbridge_mns(e, message_id="M1")).encode(), "eventbridge-mns"),
        (lambda e: json.dumps(wire.eventbridge_mns(e, base64_body=True)).encode(), "eventbridge-mns"),
        (lambda e: base64.b64encode(wire.encode(e)), "direct"),
    ],
)
def test_every_envelope_yields_the_same_event(envelope, source) -> None:
    # GIVEN the same VOD event wrapped the way each trigger delivers it
    # WHEN it is parsed
    (event,) = parse_events(envelope(UPLOAD))
    # THEN the typed event is identical and says how it came
    assert isinstance(event, FileUploadComplete)
    assert dict(event.raw_event) == UPLOAD
    assert event.delivery.source == source
    assert event.video_id == "v" * 32 and event.size == 4372373 and event.succeeded


def test_mns_json_keeps_the_message_id() -> None:
    (event,) = parse_events(wire.mns_topic_json(UPLOAD, trigger="vod-events", message_id="M1"))
    assert event.delivery.message_id == "M1"


def test_eventbridge_batch_yields_every_event() -> None:
    other = p.example("TranscodeComplete", now=WHEN)
    batch = json.dumps([wire.eventbridge_mns(UPLOAD), wire.eventbridge_mns(other)])
    events = parse_events(batch)
    assert [type(e) for e in events] == [FileUploadComplete, TranscodeComplete]
    with pytest.raises(EventFormatError, match="batch of 2"):
        parse_event(batch)


def test_timer_event() -> None:
    event = parse_event(wire.timer_event(Trigger("sweep", "Timer", {"Payload": '{"DryRun": true}'}), WHEN))
    assert isinstance(event, TimerEvent)
    assert event.trigger_name == "sweep" and event.trigger_time == "2026-08-19T15:07:07Z"
    assert event.payload_json == {"DryRun": True}
    assert TimerEvent({"payload": "not json"}).payload_json == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe", "UTF-8"),
        (b"[1", "neither JSON nor Base64"),
        (b'{"hello": 1}', "Not a VOD event"),
        (json.dumps({"specversion": "1.0", "data": {"x": 1}}), "messageBody"),
        (json.dumps({"TopicName": "t", "Message": '{"no": 1}'}), "does not hold a VOD event"),
        (b"42", "must be a JSON object"),
    ],
)
def test_unreadable_events_raise_a_clear_error(raw, message) -> None:
    with pytest.raises(EventFormatError, match=message):
        parse_events(raw)


def test_unknown_event_type_is_an_unknown_event() -> None:
    event = parse_event({"EventType": "AIMediaAuditComplete", "MediaId": "m", "Status": "success"})
    assert isinstance(event, UnknownEvent)
    assert event.media_id == "m" and event.event_type == "AIMediaAuditComplete"


def test_typed_classes_read_vod_fields() -> None:
    streams = p.example_streams("v", definitions=("SD", "HD-MP4"), failed=("SD",), finished=WHEN)
    transcode = parse_event(p.transcode_complete("v", streams))
    assert isinstance(transcode, TranscodeComplete)
    assert [s.base_definition for s in transcode.streams] == ["SD", "HD"]
    assert not transcode.all_succeeded and len(transcode.failed_streams) == 1
    assert transcode.failed_streams[0].error_code == "InvalidParameter.ResourceContentBad"
    ok = streams[1]
    assert ok["Bitrate"] == "3000"
    one = parse_event(p.stream_transcode_complete("v", ok))
    assert isinstance(one, StreamTranscodeComplete)
    assert one.bitrate == 3000.0 and one.fps == 25.0 and one.width == 1920 and one.get_format == "m3u8"
    assert one.stream.job_id == ok["JobId"] and one.succeeded and one.encrypt is False

    image = parse_event(p.image_upload_complete("i", size=3, file_url="http://b/x.jpg", event_time=WHEN))
    assert isinstance(image, ImageUploadComplete)
    assert (
        image.event_datetime == WHEN and image.file_url == "http://b/x.jpg" and image.app_id == "app-1000000"
    )

    snap = parse_event(p.example("SnapshotComplete", video_id="v", now=WHEN))
    assert isinstance(snap, SnapshotComplete)
    assert snap.snapshot_infos[0].urls()[0].endswith("-00001.jpg")

    analysis = parse_event(p.example("VideoAnalysisComplete", video_id="v"))
    assert isinstance(analysis, VideoAnalysisComplete) and analysis.height == 1080

    deleted = parse_event(p.delete_media_complete("v", delete_type="stream", job_ids="a, b"))
    assert isinstance(deleted, DeleteMediaComplete) and deleted.job_ids == ("a", "b")

    change = parse_event(
        p.media_base_change_complete("v", operate_mode="update", changes={"Tags": ("a", "a,b")})
    )
    assert isinstance(change, MediaBaseChangeComplete)
    assert change.changes["Tags"].old == "a" and change.changes["Tags"].new == "a,b"


def test_extend_is_returned_as_sent_and_decoded() -> None:
    event = parse_event(p.file_upload_complete("v", size=1, file_url="http://x/a.mp4", extend={"k": 1}))
    assert event.extend == '{"k":1}' and event.extend_json == {"k": 1}
    assert isinstance(event, FileUploadComplete) and event.file_name == "a.mp4"


def test_missing_fields_read_as_none() -> None:
    event = parse_event({"EventType": "TranscodeComplete"})
    assert isinstance(event, TranscodeComplete)
    assert event.streams == () and not event.all_succeeded and event.video_id is None


def test_both_time_formats_parse() -> None:
    assert parse_time("2024-04-10T01:37:14:627Z") == datetime(
        2024, 4, 10, 1, 37, 14, 627000, tzinfo=timezone.utc
    )
    assert parse_time("2020-07-10T06:49:51Z") == datetime(2020, 7, 10, 6, 49, 51, tzinfo=timezone.utc)
    assert parse_time("yesterday") is None and parse_time(None) is None
