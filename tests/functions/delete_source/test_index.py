"""delete_source: the mezzanine goes only when it is safe; every refusal says why."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from vodfc.emulator.events import payloads as p

from shared.errors import ServerError, Throttled
from shared.events.app import RetryLater
from tests.functions.support.events import NOW, invoke, sends_exactly
from tests.functions.support.fakes import FakeStream, FakeVideo

JOBS = {"SD": "job-sd", "FD": "job-fd", "LD": "job-ld"}


def transcoded(video_id: str = "v1", failed: tuple[str, ...] = ()) -> dict:
    streams = p.example_streams(video_id, definitions=tuple(JOBS), failed=failed)
    for stream in streams:
        stream["JobId"] = JOBS[stream["Definition"]]
    return p.transcode_complete(video_id, streams)


def ready_video(video_id: str = "v1", **kwargs) -> FakeVideo:
    kwargs.setdefault("streams", [FakeStream(job, d) for d, job in JOBS.items()])
    return FakeVideo(video_id, **kwargs)


@pytest.fixture
def delete_source(fn):
    return fn("delete_source")


def report_of(module, event) -> dict:
    (report,) = invoke(module, event)["Results"]
    return report


def test_deletes_when_every_stream_succeeded_and_plays(delete_source, vod) -> None:
    vod.add(ready_video())
    report = report_of(delete_source, transcoded())
    assert report["Outcome"] == "deleted"
    assert vod.videos["v1"].source is False
    assert vod.actions("DeleteMezzanines") == [("DeleteMezzanines", ["v1"])]
    assert sends_exactly(vod, "delete_source")


def test_partial_transcode_keeps_the_source(delete_source, vod) -> None:
    vod.add(ready_video())
    report = report_of(delete_source, transcoded(failed=("FD",)))
    assert report["Outcome"] == "kept"
    assert "FD/m3u8: InvalidParameter.ResourceContentBad" in report["Reason"]
    assert vod.videos["v1"].source and not vod.actions("DeleteMezzanines")


def test_failed_transcode_keeps_the_source(delete_source, vod) -> None:
    vod.add(ready_video())
    report = report_of(delete_source, transcoded(failed=tuple(JOBS)))
    assert report["Outcome"] == "kept" and vod.videos["v1"].source


def test_no_streams_keeps_the_source(delete_source, vod) -> None:
    vod.add(ready_video())
    report = report_of(delete_source, p.transcode_complete("v1", []))
    assert report["Outcome"] == "kept" and "no stream" in report["Reason"]


def test_opt_out_tag(delete_source, vod) -> None:
    vod.add(ready_video(tags=["Keep-Source"]))
    report = report_of(delete_source, transcoded())
    assert report["Outcome"] == "kept" and "opted out" in report["Reason"]
    assert vod.videos["v1"].source


def test_minimum_age(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv("VODFC_DELETE_SOURCE_CONFIG", json.dumps({"min_age_seconds": 3600}))
    module = fn("delete_source")
    young = datetime.fromtimestamp(NOW - 600, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    vod.add(ready_video(creation_time=young))
    report = report_of(module, transcoded())
    assert report["Outcome"] == "kept" and "younger than min_age_seconds" in report["Reason"]
    old = datetime.fromtimestamp(NOW - 7200, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    vod.videos["v1"].creation_time = old
    assert report_of(module, transcoded())["Outcome"] == "deleted"


def test_streams_not_read_back_keep_the_source(delete_source, vod) -> None:
    # GIVEN GetPlayInfo lists the SD stream still transcoding and no FD stream
    vod.add(
        ready_video(streams=[FakeStream("job-sd", "SD", status="Transcoding"), FakeStream("job-ld", "LD")])
    )
    report = report_of(delete_source, transcoded())
    assert report["Outcome"] == "kept"
    assert "does not read back SD/m3u8 (job job-sd), FD/m3u8 (job job-fd)" in report["Reason"]
    assert vod.videos["v1"].source


def test_ignored_definitions_need_not_read_back(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv("VODFC_DELETE_SOURCE_CONFIG", json.dumps({"ignore_definitions": ["fd", "ld"]}))
    module = fn("delete_source")
    vod.add(ready_video(streams=[FakeStream("job-sd", "SD")]))
    assert report_of(module, transcoded())["Outcome"] == "deleted"


def test_status_not_flipped_yet_is_retried_not_read_as_no_streams(delete_source, vod) -> None:
    # GIVEN TranscodeComplete arrived before VOD flipped the video to Normal
    vod.add(ready_video(status="Transcoding"))
    with pytest.raises(RetryLater):
        invoke(delete_source, transcoded())
    assert vod.videos["v1"].source
    # WHEN the trigger redelivers after the flip
    vod.videos["v1"].status = "Normal"
    assert report_of(delete_source, transcoded())["Outcome"] == "deleted"


def test_the_only_playable_copy_is_never_deleted(delete_source, vod) -> None:
    # GIVEN a NoTranscode-style video: its only stream is the original (OD)
    vod.add(FakeVideo("v1", streams=[FakeStream("job-od", "OD", "mp4")]))
    event = p.transcode_complete(
        "v1", [p.stream_info(job_id="job-od", definition="OD", format="mp4", file_url="http://x")]
    )
    report = report_of(delete_source, event)
    assert report["Outcome"] == "kept" and "only copy" in report["Reason"]
    assert vod.videos["v1"].source


def test_vod_refusal_is_respected_never_forced(delete_source, vod) -> None:
    vod.add(ready_video(source_is_stream=True))
    report = report_of(delete_source, transcoded())
    assert report["Outcome"] == "kept" and "not forced" in report["Reason"]


def test_already_deleted_source_is_done(delete_source, vod) -> None:
    vod.add(ready_video(source=False))
    assert report_of(delete_source, transcoded())["Outcome"] == "already-deleted"
    assert not vod.actions("DeleteMezzanines")


def test_deleted_video_is_skipped(delete_source, vod) -> None:
    assert report_of(delete_source, transcoded("gone"))["Outcome"] == "skipped"


def test_dry_run_deletes_nothing(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv("VODFC_DELETE_SOURCE_CONFIG", json.dumps({"dry_run": True}))
    module = fn("delete_source")
    vod.add(ready_video())
    assert report_of(module, transcoded())["Outcome"] == "would-delete"
    assert vod.videos["v1"].source and not vod.actions("DeleteMezzanines")


def test_every_delete_is_logged_with_what_and_why(delete_source, vod, caplog) -> None:
    vod.add(ready_video())
    with caplog.at_level("INFO"):
        invoke(delete_source, transcoded())
    line = next(r.getMessage() for r in caplog.records if "DELETE source" in r.getMessage())
    assert "video v1" in line and "holiday-trailer.mp4" in line and "all 3 streams" in line


@pytest.mark.parametrize(
    "fault",
    [
        Throttled("Throttling.User", "flow control", http_status=400),
        ServerError("InternalError", "x", http_status=500),
    ],
)
def test_faults_lose_nothing(delete_source, vod, fault) -> None:
    # GIVEN DeleteMezzanines fails once (a 5xx may even have landed)
    vod.add(ready_video())
    vod.fail("DeleteMezzanines", fault, after=isinstance(fault, ServerError))
    with pytest.raises(type(fault)):
        invoke(delete_source, transcoded())
    # WHEN the trigger redelivers
    report = report_of(delete_source, transcoded())
    # THEN the source is gone exactly once, and the outcome says so
    assert vod.videos["v1"].source is False
    assert report["Outcome"] in ("deleted", "already-deleted")


def test_bad_settings_are_refused(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv("VODFC_DELETE_SOURCE_CONFIG", json.dumps({"min_age_seconds": -1}))
    module = fn("delete_source")
    vod.add(ready_video())
    with pytest.raises(Exception, match="min_age_seconds"):
        invoke(module, transcoded())
    assert vod.videos["v1"].source
