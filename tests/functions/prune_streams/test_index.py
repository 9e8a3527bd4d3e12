"""prune_streams: unwanted definitions go, never the last playable kept stream."""

from __future__ import annotations

import json

import pytest
from vodfc.emulator.events import payloads as p

from shared.events.app import RetryLater
from tests.functions.support.events import invoke, sends_exactly
from tests.functions.support.fakes import FakeStream, FakeVideo


@pytest.fixture
def prune(fn, monkeypatch):
    monkeypatch.setenv("VODFC_PRUNE_STREAMS_CONFIG", json.dumps({"keep_definitions": ["SD", "HD"]}))
    return fn("prune_streams")


def stream_event(definition: str, job: str, status: str = "success") -> dict:
    return p.stream_transcode_complete(
        "v1", p.stream_info(job_id=job, definition=definition, status=status, file_url="http://x")
    )


def video(*streams: FakeStream, status: str = "Normal") -> FakeVideo:
    return FakeVideo("v1", status=status, streams=list(streams))


def report_of(module, event) -> dict:
    (report,) = invoke(module, event)["Results"]
    return report


def test_unwanted_stream_is_deleted_when_a_kept_one_plays(prune, vod) -> None:
    vod.add(video(FakeStream("sd", "SD"), FakeStream("fd", "FD")))
    report = report_of(prune, stream_event("FD", "fd"))
    assert report["Outcome"] == "deleted" and report["JobIds"] == ["fd"]
    assert [s.job_id for s in vod.videos["v1"].streams] == ["sd"]
    assert sends_exactly(vod, "prune_streams")


def test_kept_definition_with_suffix_is_kept(prune, vod) -> None:
    vod.add(video(FakeStream("hd", "HD-MP4")))
    assert report_of(prune, stream_event("HD-MP4", "hd"))["Outcome"] == "kept"
    assert not vod.actions("DeleteStream")


def test_mid_job_stream_is_deferred_to_transcode_complete(prune, vod) -> None:
    # GIVEN the job is still running: VOD refuses GetPlayInfo
    vod.add(video(FakeStream("fd", "FD"), FakeStream("sd", "SD"), status="Transcoding"))
    assert report_of(prune, stream_event("FD", "fd"))["Outcome"] == "deferred"
    # WHEN the job completes
    vod.videos["v1"].status = "Normal"
    report = report_of(prune, p.transcode_complete("v1", []))
    # THEN TranscodeComplete prunes it
    assert report["Outcome"] == "deleted" and report["JobIds"] == ["fd"]


def test_never_deletes_when_no_kept_stream_plays(prune, vod) -> None:
    vod.add(
        video(FakeStream("fd", "FD"), FakeStream("ld", "LD"), FakeStream("sd", "SD", status="Transcoding"))
    )
    report = report_of(prune, p.transcode_complete("v1", []))
    assert report["Outcome"] == "deferred"
    assert len(vod.videos["v1"].streams) == 3 and not vod.actions("DeleteStream")


def test_original_is_never_pruned(prune, vod) -> None:
    vod.add(video(FakeStream("od", "OD", "mp4"), FakeStream("sd", "SD")))
    assert report_of(prune, p.transcode_complete("v1", []))["Outcome"] == "unchanged"


def test_already_deleted_stream(prune, vod) -> None:
    vod.add(video(FakeStream("sd", "SD")))
    assert report_of(prune, stream_event("FD", "fd"))["Outcome"] == "already-deleted"


def test_transcode_complete_before_status_flip_is_retried(prune, vod) -> None:
    vod.add(video(FakeStream("fd", "FD"), FakeStream("sd", "SD"), status="Transcoding"))
    with pytest.raises(RetryLater):
        invoke(prune, p.transcode_complete("v1", []))


def test_formats_filter(fn, vod, monkeypatch) -> None:
    config = {"keep_definitions": ["SD"], "keep_formats": ["m3u8"]}
    monkeypatch.setenv("VODFC_PRUNE_STREAMS_CONFIG", json.dumps(config))
    module = fn("prune_streams")
    vod.add(video(FakeStream("sd-hls", "SD"), FakeStream("sd-mp4", "SD", "mp4")))
    report = report_of(module, p.transcode_complete("v1", []))
    assert report["JobIds"] == ["sd-mp4"]


def test_more_than_twenty_unwanted_streams_go_in_batches(prune, vod) -> None:
    vod.add(video(FakeStream("sd", "SD"), *[FakeStream(f"fd{i}", "FD") for i in range(25)]))
    report = report_of(prune, p.transcode_complete("v1", []))
    assert len(report["JobIds"]) == 25
    assert [len(c[1]["JobIds"]) for c in vod.actions("DeleteStream")] == [20, 5]


def test_keep_list_is_required(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv("VODFC_PRUNE_STREAMS_CONFIG", "{}")
    module = fn("prune_streams")
    vod.add(video(FakeStream("fd", "FD"), FakeStream("sd", "SD")))
    with pytest.raises(Exception, match="keep_definitions is required"):
        invoke(module, p.transcode_complete("v1", []))
    assert len(vod.videos["v1"].streams) == 2


def test_dry_run(fn, vod, monkeypatch) -> None:
    monkeypatch.setenv(
        "VODFC_PRUNE_STREAMS_CONFIG", json.dumps({"keep_definitions": ["SD"], "dry_run": True})
    )
    module = fn("prune_streams")
    vod.add(video(FakeStream("fd", "FD"), FakeStream("sd", "SD")))
    assert report_of(module, p.transcode_complete("v1", []))["Outcome"] == "would-delete"
    assert not vod.actions("DeleteStream")
