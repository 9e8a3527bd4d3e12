"""sweep_failed_uploads (timer): old failed uploads deleted in batches, resuming where a run stopped."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from vodfc.emulator.events import wire
from vodfc.emulator.fc.template import Trigger

from shared.errors import ServerError
from tests.functions.support.events import NOW, invoke, sends_exactly
from tests.functions.support.fakes import FakeVideo

DAY = 86400


def iso(offset: float) -> str:
    return datetime.fromtimestamp(NOW + offset, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tick(payload: dict | None = None) -> bytes:
    trigger = Trigger("sweep", "Timer", {"Payload": json.dumps(payload) if payload else ""})
    return wire.timer_event(trigger, datetime.now(timezone.utc))


def results(module, event, timeout: int = 60) -> dict:
    (report,) = invoke(module, event, timeout)["Results"]
    return report


@pytest.fixture
def sweep(fn):
    return fn("sweep_failed_uploads")


def library(vod, failed: int = 45) -> None:
    for i in range(failed):
        vod.add(
            FakeVideo(
                f"bad{i:03d}", status="UploadFail" if i % 2 else "Uploading", creation_time=iso(-2 * DAY + i)
            )
        )
    vod.add(FakeVideo("young", status="Uploading", creation_time=iso(-600)))
    vod.add(FakeVideo("good", status="Normal", creation_time=iso(-3 * DAY)))


def test_sweeps_old_failed_uploads_in_batches_of_twenty(sweep, vod) -> None:
    library(vod)
    report = results(sweep, tick())
    assert report["Complete"] and len(report["Deleted"]) == 45
    assert set(vod.videos) == {"young", "good"}
    assert [len(c[1]) for c in vod.actions("DeleteVideo")] == [20, 20, 5]
    assert sends_exactly(vod, "sweep_failed_uploads")


def test_dry_run_reports_and_deletes_nothing(sweep, vod) -> None:
    library(vod)
    report = results(sweep, tick({"dry_run": True}))
    assert report["Outcome"] == "would-delete" and len(report["Deleted"]) == 45
    assert len(vod.videos) == 47 and not vod.actions("DeleteVideo")
    # a dry run does not move the cursor: the real run still finds everything
    assert len(results(sweep, tick())["Deleted"]) == 45


def test_resumes_after_the_deadline_without_repeating_work(sweep, vod, clock) -> None:
    library(vod)
    # GIVEN each VOD call takes 2 s of a 10 s function timeout (5 s safety margin)
    original = vod._call

    def slow(action, arg):
        clock.now += 2
        return original(action, arg)

    vod._call = slow
    first = results(sweep, tick(), timeout=10)
    assert not first["Complete"] and 0 < len(first["Deleted"]) < 45
    # WHEN the next tick runs
    clock.now += 600
    second = results(sweep, tick({"min_age_seconds": DAY + 600}))
    # THEN it continues after the cursor: every video deleted exactly once
    assert not set(first["Deleted"]) & set(second["Deleted"])
    assert len(first["Deleted"]) + len(second["Deleted"]) == 45
    deleted = [i for c in vod.actions("DeleteVideo") for i in c[1]]
    assert len(deleted) == len(set(deleted)) == 45


def test_rechecks_status_right_before_deleting(sweep, vod) -> None:
    library(vod, failed=3)
    original = vod.get_video_infos

    def finished_meanwhile(ids):
        vod.videos["bad001"].status = "Normal"  # the upload completed after the search
        return original(ids)

    vod.get_video_infos = finished_meanwhile
    report = results(sweep, tick())
    assert "bad001" in vod.videos
    assert {"VideoId": "bad001", "Reason": "status is now Normal"} in report["Skipped"]


def test_max_per_run(sweep, vod) -> None:
    library(vod)
    report = results(sweep, tick({"max_per_run": 20}))
    assert not report["Complete"] and len(report["Deleted"]) == 20


def test_unsafe_settings_are_refused(sweep, vod) -> None:
    library(vod, failed=2)
    with pytest.raises(Exception, match="statuses"):
        invoke(sweep, tick({"statuses": ["Normal"]}))
    with pytest.raises(Exception, match="min_age_seconds must be an integer >= 3600"):
        invoke(sweep, tick({"min_age_seconds": 60}))
    assert len(vod.videos) == 4


@pytest.mark.parametrize("after", [False, True])
def test_a_failed_batch_is_retried_by_the_next_run(sweep, vod, after) -> None:
    library(vod, failed=25)
    vod.fail("DeleteVideo", ServerError("InternalError", "boom", http_status=500), after=after)
    with pytest.raises(ServerError):
        invoke(sweep, tick())
    report = results(sweep, tick())
    assert set(vod.videos) == {"young", "good"}
    assert report["Complete"]


def test_every_sweep_delete_is_logged(sweep, vod, caplog) -> None:
    library(vod, failed=1)
    with caplog.at_level("INFO"):
        invoke(sweep, tick())
    assert any("DELETE video bad000 (status Uploading" in r.getMessage() for r in caplog.records)


def test_a_video_without_a_readable_creation_time_is_never_swept(sweep, vod) -> None:
    library(vod, failed=2)
    vod.add(FakeVideo("odd", status="UploadFail", creation_time="2020-13-45T99:99:99Z"))
    report = results(sweep, tick())
    assert "odd" in vod.videos and len(report["Deleted"]) == 2
    assert {"VideoId": "odd", "Reason": "no readable CreationTime"} in report["Skipped"]


def test_the_default_cursor_lives_in_the_instances_tmpdir(fn, vod, monkeypatch, tmp_path) -> None:
    # The local runtime gives each FC instance its own TMPDIR; a cursor in the host's /tmp would
    # follow the user from one emulator run (and library) to the next.
    monkeypatch.delenv("VODFC_SWEEP_CONFIG")
    instance_tmp = tmp_path / "instance"
    instance_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(instance_tmp))
    library(vod, failed=3)
    report = results(fn("sweep_failed_uploads"), tick())
    assert len(report["Deleted"]) == 3
    saved = json.loads((instance_tmp / "vodfc-sweep-state.json").read_text())
    assert saved == report["Cursor"] and saved["VideoIds"] == ["bad002"]
