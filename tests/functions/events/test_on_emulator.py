"""The event functions against the emulator, through the official SDK (shared.VodClient -> aliyunsdkcore).

In process (``vod_mock``: the SDK's HTTP calls are answered by the emulator app) and over loopback HTTP
(``vod_server``). Faults come from the emulator's fault rules (throttling, 5xx), so the functions see what
the SDK really raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire
from vodfc.emulator.fc.template import Trigger
from vodfc.emulator.pytest_plugin import Credentials

from shared.client import VodClient
from shared.errors import ServerError, Throttled
from shared.events.app import RetryLater
from shared.retry import RetryPolicy
from tests.functions.support.events import PROJECT, context, load_function

try:
    from vodfc.emulator.vod.action_table import CORE_ACTIONS

    MISSING = {a for f in PROJECT.event_functions for a in f.vod_actions} - set(CORE_ACTIONS.names)
except ImportError:  # pragma: no cover - the VOD core is not installed
    MISSING = {"everything"}

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"emulator lacks {sorted(MISSING)}")
CREDS = Credentials()


class Emulator:
    def __init__(self, app: Any, url: str | None) -> None:
        from vodfc.emulator.app import get_state

        self.app = app
        self.url = url
        self.backend = get_state(app).backend(CREDS.account_id, CREDS.region)

    def client(self, retries: int = 1) -> VodClient:
        return VodClient(
            access_key_id=CREDS.access_key_id,
            access_key_secret=CREDS.access_key_secret,
            region=CREDS.region,
            endpoint=self.url,
            retry=RetryPolicy(max_attempts=retries, base_delay=0),
            sleep=lambda _: None,
        )

    def fault(self, kind: str, **fields: Any) -> None:
        from vodfc.emulator.faults import get_faults

        get_faults(self.app).add(kind, **fields)

    def tags(self, video_id: str) -> list[str]:
        return self.backend.get_video(video_id).tag_list()


@pytest.fixture(params=["inprocess", "server"])
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    if request.param == "inprocess":
        mock = request.getfixturevalue("vod_mock")
        yield Emulator(mock.app, None)
    else:
        server = request.getfixturevalue("vod_server")
        yield Emulator(server.app, server.url)


@pytest.fixture
def run(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``run(folder, event, retries=1, **settings)`` -> the report (raises what the event face raises)."""
    used = []

    def call(folder: str, event: Any, retries: int = 1, **settings: Any) -> dict[str, Any]:
        module = load_function(folder)
        monkeypatch.setenv(module.app.config.env, json.dumps(settings))
        module.app.clients.override(emulator.client(retries))
        used.append(module)
        payload = event if isinstance(event, bytes) else json.dumps(event).encode()
        (report,) = json.loads(module.handler(payload, context()))["Results"]
        return report

    yield call
    for module in used:
        module.app.clients.override(None)


def normal_video(emulator: Emulator, **fields: Any) -> str:
    video = emulator.backend.create_video(
        "trip",
        status="Normal",
        file_name="D:\\clips\\summer-trailer.mp4",
        tags=fields.pop("tags", None),
        **fields,
    )
    emulator.backend.set_mezzanine(
        video.video_id, status="Normal", width=3840, height=2160, duration=42.5, size=9
    )
    return video.video_id


def test_auto_tag_through_the_sdk(emulator: Emulator, run: Any) -> None:
    vid = normal_video(emulator, tags="mine")
    rules = {"keyword_rules": [{"keywords": ["trailer"], "tags": ["trailer"]}]}
    event = wire.mns_topic_json(
        p.file_upload_complete(vid, size=9, file_url="http://b/x.mp4"), trigger="vod-events"
    )
    report = run("auto_tag", event, **rules)
    assert report["Outcome"] == "updated"
    assert emulator.tags(vid) == ["mine", "4k", "landscape", "short", "trailer"]
    # the same event again changes nothing and sends no update
    assert run("auto_tag", event, **rules)["Outcome"] == "unchanged"


def test_auto_tag_throttled_by_the_emulator_is_retried_by_shared(emulator: Emulator, run: Any) -> None:
    vid = normal_video(emulator)
    emulator.fault("throttle", action="UpdateVideoInfo", times=2)
    report = run("auto_tag", p.file_upload_complete(vid, size=9, file_url="http://b/x.mp4"), retries=3)
    assert report["Outcome"] == "updated" and "4k" in emulator.tags(vid)


def test_auto_tag_gives_a_5xx_back_to_the_trigger(emulator: Emulator, run: Any) -> None:
    vid = normal_video(emulator, tags="mine")
    emulator.fault("error", action="GetVideoInfo", code="ServiceUnAvailable", status=503, times=1)
    with pytest.raises(ServerError):
        run("auto_tag", p.file_upload_complete(vid, size=9, file_url="http://b/x.mp4"))
    assert emulator.tags(vid) == ["mine"]
    run("auto_tag", p.file_upload_complete(vid, size=9, file_url="http://b/x.mp4"))
    assert emulator.tags(vid)[0] == "mine" and len(emulator.tags(vid)) > 1


def transcoded_video(emulator: Emulator, definitions: tuple[str, ...] = ("SD", "HD")) -> tuple[str, dict]:
    vid = normal_video(emulator)
    infos = []
    for definition in definitions:
        stream = emulator.backend.add_stream(
            vid, definition=definition, format="m3u8", play_url=f"http://cdn/{vid}-{definition}.m3u8"
        )
        infos.append(p.stream_info(job_id=stream.job_id, definition=definition, file_url="http://x"))
    return vid, p.transcode_complete(vid, infos)


def source_status(emulator: Emulator, vid: str) -> str | None:
    mezz = emulator.backend.get_mezzanine(vid)
    return None if mezz is None else mezz.status


def test_delete_source_when_safe(emulator: Emulator, run: Any) -> None:
    vid, event = transcoded_video(emulator)
    report = run("delete_source", event)
    assert report["Outcome"] == "deleted"
    assert source_status(emulator, vid) == "Deleted"
    # redelivery: nothing more to do
    assert run("delete_source", event)["Outcome"] == "already-deleted"


def test_delete_source_keeps_it_after_a_partial_transcode(emulator: Emulator, run: Any) -> None:
    vid, event = transcoded_video(emulator)
    event["StreamInfos"][0].update(Status="fail", ErrorCode="InternalError", ErrorMessage="boom")
    assert run("delete_source", event)["Outcome"] == "kept"
    assert source_status(emulator, vid) == "Normal"


def test_delete_source_waits_for_the_status_flip(emulator: Emulator, run: Any) -> None:
    vid, event = transcoded_video(emulator)
    emulator.backend.set_video_status(vid, "Transcoding")
    with pytest.raises(RetryLater):
        run("delete_source", event)
    assert source_status(emulator, vid) == "Normal"
    emulator.backend.set_video_status(vid, "Normal")
    assert run("delete_source", event)["Outcome"] == "deleted"


def test_delete_source_opt_out_and_throttled_delete(emulator: Emulator, run: Any) -> None:
    vid, event = transcoded_video(emulator)
    emulator.backend.update_video(emulator.backend.get_video(vid), {"tags": "keep-source"})
    assert run("delete_source", event)["Outcome"] == "kept"
    other, event2 = transcoded_video(emulator)
    emulator.fault("throttle", action="DeleteMezzanines", times=1)
    with pytest.raises(Throttled):
        run("delete_source", event2)
    assert source_status(emulator, other) == "Normal"
    assert run("delete_source", event2)["Outcome"] == "deleted"
    assert source_status(emulator, vid) == "Normal"


def test_prune_streams_through_the_sdk(emulator: Emulator, run: Any) -> None:
    vid, event = transcoded_video(emulator, ("FD", "LD", "SD", "HD"))
    report = run("prune_streams", event, keep_definitions=["SD", "HD"])
    assert report["Outcome"] == "deleted" and len(report["JobIds"]) == 2
    assert sorted(s.definition for s in emulator.backend.streams_of(vid)) == ["HD", "SD"]
    assert run("prune_streams", event, keep_definitions=["SD", "HD"])["Outcome"] == "unchanged"


def test_tag_images_through_the_sdk(emulator: Emulator, run: Any) -> None:
    image = emulator.backend.create_image(status="Normal", width=1920, height=1080, tags="mine")
    report = run("tag_images", p.image_upload_complete(image.image_id, size=1, file_url="http://b/i.png"))
    assert report["Outcome"] == "updated"
    assert report["Tags"] == ["mine", "hd", "landscape"]


def test_sweep_through_search_media(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    backend = emulator.backend
    stale = [
        backend.create_video(
            f"bad{i}", status="UploadFail" if i % 2 else "Uploading", now=f"2020-01-01T00:00:{i:02d}Z"
        )
        for i in range(23)
    ]
    young = backend.create_video("young", status="Uploading")
    playable = backend.create_video("ok", status="Normal", now="2020-01-01T00:00:00Z")
    monkeypatch.setenv("VODFC_SWEEP_CONFIG", json.dumps({"state_file": str(tmp_path / "cursor.json")}))
    module = load_function("sweep_failed_uploads")
    module.app.clients.override(emulator.client())
    try:
        (report,) = json.loads(
            module.handler(
                wire.timer_event(Trigger("sweep", "Timer", {}), datetime.now(timezone.utc)), context()
            )
        )["Results"]
    finally:
        module.app.clients.override(None)
    assert report["Complete"] and sorted(report["Deleted"]) == sorted(v.video_id for v in stale)
    assert set(backend.videos) >= {young.video_id, playable.video_id}
    assert not {v.video_id for v in stale} & set(backend.videos)
