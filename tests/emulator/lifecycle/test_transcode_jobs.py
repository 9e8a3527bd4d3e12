"""SubmitTranscodeJobs through the SDK: new streams from the recorded source, job ids in the answer,
events to the job's own callback URL, and the status rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.SubmitTranscodeJobsRequest import SubmitTranscodeJobsRequest
from vodfc.emulator.app import emulator_of
from vodfc.emulator.lifecycle import StreamSpec
from vodfc.emulator.lifecycle.actions import ACTIONS


def test_the_vod_action_table_lists_the_processing_jobs(vod: Any) -> None:
    emulator = emulator_of(vod.app)
    for name, fn in ACTIONS.items():
        # The emulator's table holds the lifecycle module's action, bound to its own lifecycle.
        bound = emulator.actions[name]
        assert bound.func is fn and bound.args == (emulator.lifecycle,)  # type: ignore[attr-defined]


def uploaded(vod: Any, lifecycle: Any, data: bytes, **fields: Any) -> str:
    with vod.backend.lock:
        fields.setdefault("file_name", "clip.mp4")
        video_id = str(vod.backend.create_video("clip", **fields).video_id)
    lifecycle.upload_complete(
        vod.backend, video_id, data=data, host_url=vod.url if vod.mode == "server" else None
    )
    return video_id


def submit(vod: Any, video_id: str, group: str = "tg-hls", user_data: str | None = None) -> dict[str, Any]:
    request = SubmitTranscodeJobsRequest()
    request.set_VideoId(video_id)
    request.set_TemplateGroupId(group)
    if user_data is not None:
        request.set_UserData(user_data)
    return json.loads(vod.acs_client().do_action_with_exception(request))  # type: ignore[no-any-return]


def test_more_streams_for_a_normal_video(
    vod: Any, lifecycle: Any, bus: Any, receiver: Any, source_video: bytes
) -> None:
    lifecycle.template_groups["tg-hls"] = [StreamSpec("FD", "m3u8"), StreamSpec("HD", "m3u8")]
    video_id = uploaded(vod, lifecycle, source_video)
    bus.configure(callback_url="http://127.0.0.1:9/global")
    first = len(bus.log)
    user_data = json.dumps({"MessageCallback": {"CallbackURL": receiver.url}, "Extend": "job-7"})
    answer = submit(vod, video_id, user_data=user_data)
    jobs = [job["JobId"] for job in answer["TranscodeJobs"]["TranscodeJob"]]
    assert len(jobs) == 2 and len(answer["TranscodeTaskId"]) == 32
    bus.flush()
    events = [record.event for record in bus.log[first:]]
    assert [e["EventType"] for e in events] == [
        "StreamTranscodeComplete",
        "StreamTranscodeComplete",
        "TranscodeComplete",
    ]
    assert [e["JobId"] for e in events[:2]] == jobs and all(e["Extend"] == "job-7" for e in events)
    assert len(receiver.wait_for(3)) == 3  # the job's own URL, not the global one
    streams = {(s.definition, s.format) for s in vod.backend.streams_of(video_id)}
    assert {("FD", "m3u8"), ("HD", "m3u8"), ("LD", "mp4")} <= streams
    assert vod.backend.get_video(video_id).status == "Normal"


def test_an_upload_succ_video_goes_through_transcoding(vod: Any, lifecycle: Any, source_video: bytes) -> None:
    from vodfc.emulator.lifecycle import NO_TRANSCODE_GROUP

    video_id = uploaded(
        vod, lifecycle, source_video, file_name="clip.avi", template_group_id=NO_TRANSCODE_GROUP
    )
    assert vod.backend.get_video(video_id).status == "UploadSucc"
    assert submit(vod, video_id, "default")["TranscodeJobs"]["TranscodeJob"]
    assert lifecycle.job(video_id).statuses == ["Transcoding", "Normal"]
    assert submit(vod, video_id, NO_TRANSCODE_GROUP)["TranscodeJobs"]["TranscodeJob"] == []


@pytest.mark.parametrize("status", ["Uploading", "Transcoding", "TranscodeFail", "Blocked"])
def test_illegal_status(vod: Any, status: str) -> None:
    with vod.backend.lock:
        video_id = vod.backend.create_video("clip", status=status).video_id
    with pytest.raises(ServerException) as info:
        submit(vod, video_id)
    assert (info.value.get_error_code(), info.value.get_http_status()) == ("Forbidden.IllegalStatus", 400)


def test_bad_requests(vod: Any) -> None:
    with pytest.raises(ServerException) as info:
        submit(vod, "0" * 32)
    assert info.value.get_error_code() == "InvalidVideo.NotFound"
    request = SubmitTranscodeJobsRequest()
    request.set_VideoId("0" * 32)
    with pytest.raises(ServerException) as missing:
        vod.acs_client().do_action_with_exception(request)
    assert missing.value.get_error_code() == "MissingParameter"


def snapshot(vod: Any, video_id: str, **params: str) -> dict[str, Any]:
    from aliyunsdkvod.request.v20170321.SubmitSnapshotJobRequest import SubmitSnapshotJobRequest

    request = SubmitSnapshotJobRequest()
    request.set_VideoId(video_id)
    for name, value in params.items():
        getattr(request, f"set_{name}")(value)
    return json.loads(vod.acs_client().do_action_with_exception(request))  # type: ignore[no-any-return]


def test_snapshot_job_takes_real_frames(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    from vodfc.emulator.oss import get_oss

    video_id = uploaded(vod, lifecycle, source_video)
    first = len(bus.log)
    job_id = snapshot(vod, video_id, SpecifiedOffsetTime="100", Count="3", Interval="0")["SnapshotJob"][
        "JobId"
    ]
    bus.flush()
    (event,) = [record.event for record in bus.log[first:]]
    assert (event["EventType"], event["SubType"], event["Status"]) == (
        "SnapshotComplete",
        "SpecifiedTime",
        "success",
    )
    (info,) = event["SnapshotInfos"]
    assert (info["JobId"], info["SnapshotType"], info["SnapshotCount"]) == (job_id, "NormalSnapshot", 3)
    urls = vod.backend.get_video(video_id).extra["snapshot_jobs"][job_id]
    bucket = vod.backend.storage_location.split(".", 1)[0]
    key = urls[0].split(f"{bucket}/", 1)[1] if vod.mode == "server" else urls[0].split("/", 3)[3]
    assert get_oss(vod.app).get_object(bucket, key).data[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Count": "0"}, "InvalidParameter"),
        ({"SpecifiedOffsetTime": "soon"}, "InvalidParameter"),
        ({"SpecifiedOffsetTimes": "[1,-2]"}, "InvalidParameter"),
        ({"Count": "101", "Interval": "1"}, "InvalidParameter"),
    ],
)
def test_snapshot_job_bad_input(
    vod: Any, lifecycle: Any, source_video: bytes, params: dict[str, str], code: str
) -> None:
    video_id = uploaded(vod, lifecycle, source_video)
    with pytest.raises(ServerException) as info:
        snapshot(vod, video_id, **params)
    assert (info.value.get_error_code(), info.value.get_http_status()) == (code, 400)


def test_snapshot_job_status_rule(vod: Any) -> None:
    with vod.backend.lock:
        video_id = vod.backend.create_video("clip", status="Uploading").video_id
    with pytest.raises(ServerException) as info:
        snapshot(vod, video_id)
    assert info.value.get_error_code() == "Forbidden.IllegalStatus"
