"""End to end, in process: a real (PyAV-made) clip uploaded with oss2 -> the emulator's ingest and lifecycle
emit FileUploadComplete ... TranscodeComplete -> the local FC runtime runs template.yml's event router
(VodEvents) through its MNSTopic trigger, which runs every event function that handles the event -> the
functions' own VOD calls (official SDK, STS from the FC context) land in the emulator. Checks what a user
would: tags visible in GetVideoInfo, the source gone only when safe.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("vodfc.emulator.ingest")
pytest.importorskip("vodfc.emulator.lifecycle")
oss2 = pytest.importorskip("oss2")

from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest  # noqa: E402
from vodfc.emulator.app import create_app, get_state  # noqa: E402
from vodfc.emulator.config import EmulatorConfig  # noqa: E402
from vodfc.emulator.fc import get_fc  # noqa: E402
from vodfc.emulator.mock import MockVod  # noqa: E402
from vodfc.emulator.pytest_plugin import Credentials, VodTarget  # noqa: E402

from shared.client import VodClient  # noqa: E402
from tests.repo import REPO  # noqa: E402


@pytest.fixture(scope="module")
def clip() -> bytes:
    from vodfc.emulator.media.synth import make_video

    return make_video(width=1280, height=720, seconds=0.5, audio=False)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def _app() -> Any:
    app = create_app(EmulatorConfig())
    component = get_fc(app)
    component.sleep = lambda seconds: None  # MNS redelivery backoff
    component.load(REPO / "template.yml")
    return app


@pytest.fixture
def target(_app: Any) -> Iterator[VodTarget]:
    get_state(_app).reset()
    with MockVod(app=_app):
        yield VodTarget("inprocess", _app, None, Credentials())


def upload(target: VodTarget, clip: bytes, title: str = "clip") -> str:
    request = CreateUploadVideoRequest()
    request.set_Title(title)
    request.set_FileName("D:\\videos\\holiday.mp4")
    created = json.loads(target.acs_client().do_action_with_exception(request))
    address = json.loads(base64.b64decode(created["UploadAddress"]))
    auth = json.loads(base64.b64decode(created["UploadAuth"]))
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], clip)
    return str(created["VideoId"])


def settle(target: VodTarget) -> None:
    from vodfc.emulator.events import get_bus

    assert get_bus(target.app).flush(10)
    assert get_fc(target.app).runtime.drain(10)


def vod(target: VodTarget) -> VodClient:
    creds = target.credentials
    return VodClient(
        access_key_id=creds.access_key_id, access_key_secret=creds.access_key_secret, region=creds.region
    )


def reports(target: VodTarget, video_id: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(event function, event type) -> the reports of its MNS-triggered runs about ``video_id``."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for delivery in get_fc(target.app).runtime.deliveries:
        assert delivery.invocation.ok, delivery.invocation.error
        assert delivery.function == "VodEvents"  # the router runs each event function
        for report in json.loads(delivery.invocation.body).get("Results", []):
            if report.get("MediaId") == video_id:
                found.setdefault((report["Function"], delivery.event_type), []).append(report)
    return found


def test_upload_is_tagged_and_the_source_deleted_once_transcoded(target: VodTarget, clip: bytes) -> None:
    video_id = upload(target, clip)
    settle(target)
    client = vod(target)
    # auto_tag ran on FileUploadComplete/VideoAnalysisComplete through the MNS topic trigger
    video = client.get_video_info(video_id)
    assert video.status == "Normal"
    assert {"hd", "landscape", "short"} <= set(video.tags)
    # delete_source ran on TranscodeComplete: every stream succeeded and plays, so the source is gone
    source = target.backend.get_mezzanine(video_id)
    assert source is not None and source.status == "Deleted"
    assert client.get_play_info(video_id).streams
    # prune_streams ships in dry-run mode: no stream was deleted
    assert {s.definition for s in target.backend.streams_of(video_id)} >= {"SD"} or target.backend.streams_of(
        video_id
    )


def test_a_partial_transcode_keeps_the_source(target: VodTarget, clip: bytes) -> None:
    from vodfc.emulator.lifecycle import get_lifecycle

    lifecycle = get_lifecycle(target.app)
    lifecycle.set_outcome(failed_definitions={"LD"})
    try:
        video_id = upload(target, clip, title="partial")
        settle(target)
    finally:
        lifecycle.set_outcome(failed_definitions=())
    source = target.backend.get_mezzanine(video_id)
    assert source is not None and source.status == "Normal"
    (kept,) = reports(target, video_id)[("delete_source", "TranscodeComplete")]
    assert kept["Outcome"] == "kept" and "LD/" in kept["Reason"]
    assert {"hd", "landscape"} <= set(vod(target).get_video_info(video_id).tags)
