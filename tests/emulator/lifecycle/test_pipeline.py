"""The status machine from a completed upload to Normal (and every failure path), its events, the
streams it writes, timing control and the control plane; both SDK modes through the ``vod`` fixture."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any
from urllib.request import Request, urlopen

import pytest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.app import get_state
from vodfc.emulator.lifecycle import NO_TRANSCODE_GROUP, StreamSpec, scaled
from vodfc.shared.events.signature import sign


def video_info(vod: Any, video_id: str) -> dict[str, Any]:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return json.loads(vod.acs_client().do_action_with_exception(request))["Video"]  # type: ignore[no-any-return]


def new_video(vod: Any, file_name: str = "clip.mp4", **fields: Any) -> str:
    backend = vod.backend
    with backend.lock:
        return str(backend.create_video("A clip", file_name=file_name, **fields).video_id)


def upload(vod: Any, lifecycle: Any, video_id: str, data: bytes | None, **kw: Any) -> Any:
    url = f"http://{vod.backend.storage_location}/sv/x/{video_id}.mp4"
    # The ingest component passes the address the client used (the server's own port in server mode).
    kw.setdefault("host_url", vod.url if vod.mode == "server" else None)
    return lifecycle.upload_complete(vod.backend, video_id, data=data, file_url=url, **kw)


PIPELINE = {
    "FileUploadComplete",
    "VideoAnalysisComplete",
    "StreamTranscodeComplete",
    "SnapshotComplete",
    "TranscodeComplete",
}


def types(bus: Any, video_id: str, kinds: set[str] = PIPELINE) -> list[str]:
    """The video's events of those kinds (the template's event functions may add their own)."""
    bus.flush()
    return [
        record.event_type
        for record in bus.log
        if video_id in (record.event.get("VideoId"), record.event.get("MediaId"))
        and record.event_type in kinds
    ]


def test_scaling_keeps_the_aspect_ratio_and_never_upscales() -> None:
    assert scaled(1920, 1080, 540) == (960, 540)
    assert scaled(720, 1280, 360) == (360, 640)  # portrait: the short side is the width
    assert scaled(480, 270, 720) == (480, 270)
    assert scaled(0, 0, 360) == (640, 360)


def test_upload_to_normal(vod: Any, lifecycle: Any, bus: Any, receiver: Any, source_video: bytes) -> None:
    bus.configure(callback_url=receiver.url, auth_switch="on", auth_key="Abc123xyz")
    lifecycle.template_groups["tg-ladder"] = [StreamSpec("FD", "mp4"), StreamSpec("LD", "m3u8")]
    video_id = new_video(vod, template_group_id="tg-ladder")
    assert video_info(vod, video_id)["Status"] == "Uploading"
    job = upload(vod, lifecycle, video_id, source_video)
    assert job.done and job.statuses == ["UploadSucc", "Transcoding", "Normal"]
    info = video_info(vod, video_id)
    assert info["Status"] == "Normal" and info["CoverURL"].endswith("-00001.jpg")
    assert info["Duration"] == pytest.approx(0.5, abs=0.1)

    assert types(bus, video_id) == [
        "FileUploadComplete",
        "VideoAnalysisComplete",
        "StreamTranscodeComplete",
        "SnapshotComplete",
        "StreamTranscodeComplete",
        "TranscodeComplete",
    ]
    events = bus.events(VideoId=video_id)
    analysis = events[1]
    assert (analysis["Width"], analysis["Height"], analysis["Status"]) == (480, 270, "success")
    fd = events[2]
    assert (fd["Definition"], fd["Format"], fd["Width"], fd["Height"]) == ("FD", "mp4", 480, 270)
    assert isinstance(fd["Bitrate"], str) and isinstance(fd["Size"], int) and fd["JobId"]
    done = events[-1]
    assert done["Status"] == "success" and [s["Definition"] for s in done["StreamInfos"]] == ["FD", "LD"]

    streams = {s.definition: s for s in vod.backend.streams_of(video_id)}
    assert set(streams) == {"FD", "LD"} and streams["LD"].format == "m3u8"
    assert streams["FD"].job_id == fd["JobId"] and streams["FD"].play_url == fd["FileUrl"]
    if vod.mode == "server":
        # Outputs are on the emulator's own port: the mp4 is fetchable and is the uploaded file.
        assert streams["FD"].play_url.startswith(vod.url)
        with urlopen(streams["FD"].play_url, timeout=5) as response:
            assert response.read() == source_video
        with urlopen(info["CoverURL"], timeout=5) as response:
            assert response.read()[:2] == b"\xff\xd8"  # a JPEG: a real frame

    # Every event reached the callback, signed, in emission order.
    receiver.wait_for(6)
    bodies = [json.loads(r["body"])["EventType"] for r in receiver.requests]
    assert [kind for kind in bodies if kind in PIPELINE] == types(bus, video_id)
    headers = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}
    assert headers["x-vod-signature"] == sign(receiver.url, headers["x-vod-timestamp"], "Abc123xyz")


def test_manual_timing_shows_every_status(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    lifecycle.scheduler.set_timing("manual")
    video_id = new_video(vod)
    upload(vod, lifecycle, video_id, source_video)
    assert video_info(vod, video_id)["Status"] == "Uploading"
    assert lifecycle.scheduler.run_pending() == 1
    assert video_info(vod, video_id)["Status"] == "UploadSucc"
    lifecycle.scheduler.advance(1)  # analysis
    assert video_info(vod, video_id)["Status"] == "Transcoding"
    assert types(bus, video_id) == ["FileUploadComplete", "VideoAnalysisComplete"]
    lifecycle.scheduler.advance(3)  # first stream
    assert types(bus, video_id)[-1] == "StreamTranscodeComplete"
    assert video_info(vod, video_id)["Status"] == "Transcoding"
    lifecycle.scheduler.run_all()
    assert video_info(vod, video_id)["Status"] == "Normal"
    events = bus.events(VideoId=video_id)
    first = datetime.strptime(events[0]["EventTime"], "%Y-%m-%dT%H:%M:%SZ")
    last = datetime.strptime(events[-1]["EventTime"], "%Y-%m-%dT%H:%M:%SZ")
    assert (last - first).total_seconds() >= 8  # upload + analysis + 3 streams, on the moved clock
    assert events[-1]["EventTime"] == max(s["FinishTime"] for s in events[-1]["StreamInfos"])


def test_realtime_timing(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    lifecycle.delays = type(lifecycle.delays)(
        analysis=0.01, transcode_start=0.01, per_stream=0.01, snapshot=0.01
    )
    lifecycle.scheduler.set_timing("realtime")
    video_id = new_video(vod)
    upload(vod, lifecycle, video_id, source_video)
    assert lifecycle.scheduler.idle(timeout=10)
    assert video_info(vod, video_id)["Status"] == "Normal"


def test_one_definition_fails(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    video_id = new_video(vod)
    lifecycle.set_outcome(video_id, failed_definitions={"HD"})
    upload(vod, lifecycle, video_id, source_video)
    assert video_info(vod, video_id)["Status"] == "Normal"
    done = bus.events("TranscodeComplete", VideoId=video_id)[0]
    assert done["Status"] == "success"
    failed = [s for s in done["StreamInfos"] if s["Status"] == "fail"]
    assert [s["Definition"] for s in failed] == ["HD"] and failed[0]["ErrorCode"] == "InternalError"
    assert "FileUrl" not in failed[0]
    assert sorted(s.definition for s in vod.backend.streams_of(video_id)) == ["LD", "SD"]


def test_every_definition_fails(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    lifecycle.set_outcome(transcode_fails=True)  # the default for every video
    video_id = new_video(vod)
    job = upload(vod, lifecycle, video_id, source_video)
    assert job.statuses[-1] == "TranscodeFail" == video_info(vod, video_id)["Status"]
    assert bus.events("TranscodeComplete", VideoId=video_id)[0]["Status"] == "fail"
    assert vod.backend.streams_of(video_id) == []


def test_a_file_that_is_not_media(vod: Any, lifecycle: Any, bus: Any) -> None:
    video_id = new_video(vod)
    upload(vod, lifecycle, video_id, b"this is not a video at all")
    assert video_info(vod, video_id)["Status"] == "TranscodeFail"
    analysis = bus.events("VideoAnalysisComplete", VideoId=video_id)[0]
    assert analysis["Status"] == "fail" and analysis["ErrorCode"] == "InvalidParameter.ResourceContentBad"
    done = bus.events("TranscodeComplete", VideoId=video_id)[0]
    assert done["Status"] == "fail" and done["ErrorCode"] == "InvalidParameter.ResourceContentBad"
    assert "StreamTranscodeComplete" not in types(bus, video_id)


def test_upload_fail_sends_nothing(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    video_id = new_video(vod)
    lifecycle.set_outcome(video_id, upload_fails=True)
    upload(vod, lifecycle, video_id, source_video)
    assert video_info(vod, video_id)["Status"] == "UploadFail"
    assert vod.backend.get_mezzanine(video_id).status == "UploadFail"
    assert types(bus, video_id) == []


@pytest.mark.parametrize(("blocked", "final"), [(False, "Checking"), (True, "Blocked")])
def test_review(vod: Any, lifecycle: Any, source_video: bytes, blocked: bool, final: str) -> None:
    video_id = new_video(vod)
    lifecycle.set_outcome(video_id, review=True, blocked=blocked)
    upload(vod, lifecycle, video_id, source_video)
    assert video_info(vod, video_id)["Status"] == final


def test_snapshot_failure(vod: Any, lifecycle: Any, bus: Any, source_video: bytes) -> None:
    video_id = new_video(vod)
    lifecycle.set_outcome(video_id, snapshot_fails=True)
    upload(vod, lifecycle, video_id, source_video)
    snapshot = bus.events("SnapshotComplete", VideoId=video_id)[0]
    assert snapshot["Status"] == "fail" and snapshot["SnapshotInfos"] == []
    assert video_info(vod, video_id)["Status"] == "Normal"


def test_without_the_bytes_a_generated_cover(vod: Any, lifecycle: Any, bus: Any) -> None:
    video_id = new_video(vod)
    upload(vod, lifecycle, video_id, None, size=1234)
    assert video_info(vod, video_id)["Status"] == "Normal"
    assert bus.events("FileUploadComplete", VideoId=video_id)[0]["Size"] == 1234
    hd = next(s for s in vod.backend.streams_of(video_id) if s.definition == "HD")
    assert (hd.width, hd.height) == (1280, 720)  # an assumed 720p source is not upscaled


@pytest.mark.parametrize(
    ("file_name", "status", "streams"), [("a.mp4", "Normal", 1), ("a.avi", "UploadSucc", 0)]
)
def test_no_transcode_group(
    vod: Any, lifecycle: Any, source_video: bytes, file_name: str, status: str, streams: int
) -> None:
    video_id = new_video(vod, file_name=file_name, template_group_id=NO_TRANSCODE_GROUP)
    upload(vod, lifecycle, video_id, source_video)
    assert video_info(vod, video_id)["Status"] == status
    found = vod.backend.streams_of(video_id)
    assert len(found) == streams
    if found:
        assert (found[0].job_id, found[0].definition, found[0].specification) == (
            f"{video_id}02",
            "OD",
            "Original",
        )
        if vod.mode == "server":
            assert found[0].play_url.startswith(vod.url)  # the source itself, on the emulator's port


def test_userdata_callback_and_extend(
    vod: Any, lifecycle: Any, bus: Any, receiver: Any, source_video: bytes
) -> None:
    bus.configure(callback_url="http://127.0.0.1:9/global-never-used")
    user_data = json.dumps({"MessageCallback": {"CallbackURL": receiver.url}, "Extend": {"localId": "x1"}})
    video_id = new_video(vod, user_data=user_data)
    upload(vod, lifecycle, video_id, source_video)
    bus.flush()
    received = [json.loads(r["body"]) for r in receiver.wait_for(7)]
    assert {e["EventType"] for e in received} >= {"FileUploadComplete", "TranscodeComplete"}
    upload_event = received[0]
    assert upload_event["Extend"] == '{"localId":"x1"}'


def test_deleting_a_video_mid_processing_stops_it(
    vod: Any, lifecycle: Any, bus: Any, source_video: bytes
) -> None:
    from aliyunsdkvod.request.v20170321.DeleteVideoRequest import DeleteVideoRequest

    lifecycle.scheduler.set_timing("manual")
    video_id = new_video(vod)
    upload(vod, lifecycle, video_id, source_video)
    lifecycle.scheduler.advance(2)
    request = DeleteVideoRequest()
    request.set_VideoIds(video_id)
    vod.acs_client().do_action_with_exception(request)
    lifecycle.scheduler.run_all()
    assert types(bus, video_id, PIPELINE | {"DeleteMediaComplete"}) == [
        "FileUploadComplete",
        "VideoAnalysisComplete",
        "DeleteMediaComplete",
    ]


def test_reset_restores_defaults(vod: Any, lifecycle: Any, source_video: bytes) -> None:
    lifecycle.scheduler.set_timing("manual")
    lifecycle.set_outcome(transcode_fails=True)
    upload(vod, lifecycle, new_video(vod), source_video)
    get_state(vod.app).reset()
    assert lifecycle.scheduler.timing == "instant" and lifecycle.scheduler.pending == []
    assert not lifecycle.default_outcome.transcode_fails and lifecycle.jobs == []


def _admin_http(url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if body is not None else "GET"
    headers = {"Content-Type": "application/json", **(headers or {})}
    request = Request(url, data=data, method=method, headers=headers)
    with urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_control_plane(vod: Any, lifecycle: Any, source_video: bytes) -> None:
    if vod.mode != "server":
        pytest.skip("plain HTTP; the server covers it")
    from urllib.error import HTTPError

    base = f"{vod.url}/_vodfc/lifecycle"
    _http = functools.partial(_admin_http, headers=vod.admin_headers)
    overview = _http(f"{base}/timing", {"timing": "manual", "delays": {"per_stream": 5}})
    assert overview["timing"] == "manual" and overview["delays"]["per_stream"] == 5
    video_id = new_video(vod)
    outcome = _http(f"{base}/outcomes", {"video_id": video_id, "failed_definitions": ["SD"]})
    assert outcome["failed_definitions"] == ["SD"]
    upload(vod, lifecycle, video_id, source_video)
    assert [step["step"] for step in _http(base)["pending"]] == [f"{video_id}:upload"]
    assert _http(f"{base}/advance", {"seconds": 1})["ran"] == 2
    assert _http(f"{base}/run", {})["ran"] >= 4
    (job,) = _http(base)["jobs"]
    assert job["statuses"] == ["UploadSucc", "Transcoding", "Normal"]
    assert [s["Status"] for s in job["streams"]] == ["success", "fail", "success"]
    for path, body in [
        ("timing", {"timing": "slow"}),
        ("timing", {"delays": {"nope": 1}}),
        ("outcomes", {"explode": True}),
        ("advance", {"seconds": "x"}),
    ]:
        with pytest.raises(HTTPError) as info:
            _http(f"{base}/{path}", body)
        assert info.value.code == 400
        info.value.close()
