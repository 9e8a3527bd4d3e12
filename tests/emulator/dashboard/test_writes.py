"""The dashboard writes nothing the APIs could not: its upload is CreateUploadVideo through the gateway's
call path and a PUT to OSS with the upload's own credentials; its fault switch is the fault model's."""

from __future__ import annotations

import ast
from typing import Any
from urllib.parse import urlsplit

from vodfc.emulator.app import emulator_of
from vodfc.emulator.media.synth import make_video

from tests.repo import REPO

# The backend's, OSS's and the bus's writing methods: the dashboard must call none of them itself.
WRITERS = {
    "create_video", "save_video", "update_video", "set_video_status", "delete_video", "set_mezzanine",
    "add_stream", "delete_streams", "create_image", "save_image", "update_image", "delete_image",
    "create_attached", "save_attached", "update_attached", "delete_attached", "add_category",
    "save_category", "delete_category", "touch", "put_object", "create_bucket", "emit", "publish",
    "configure", "delete_config", "add", "remove", "clear", "reset", "seed", "dispatch",
}  # fmt: skip


def test_the_dashboard_package_calls_no_writer_of_its_own() -> None:
    calls = {}
    for path in sorted((REPO / "emulator" / "dashboard").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.setdefault(node.func.attr, []).append(f"{path.name}:{node.lineno}")
    used = {name: places for name, places in calls.items() if name in WRITERS}
    # The one dispatch is calls.read's, which refuses an action that emits (a write).
    assert used == {"dispatch": [used["dispatch"][0]]} and used["dispatch"][0].startswith("calls.py:")


def test_an_upload_is_create_upload_video_then_a_put_with_its_credentials(client: Any, app: Any) -> None:
    emulator = emulator_of(app)
    seen: list[str] = []
    emulator.state.before_action.append(lambda backend, action, params, ctx: seen.append(action))
    plan = client.post("/_vodfc/ui/uploads", json={"Title": "From the page", "FileName": "clip.mp4"})
    assert plan.status_code == 200, plan.get_data(as_text=True)
    body = plan.get_json()
    assert seen == ["CreateUploadVideo"]
    video_id = body["VideoId"]
    assert emulator.state.backend().get_video(video_id).status == "Uploading"
    url = urlsplit(body["PutURL"])
    assert "OSSAccessKeyId=STS." in url.query and "security-token=" in url.query
    # The credentials allow that one object: the same signature on another key is refused.
    other = client.put(url.path + "x?" + url.query, data=b"x", headers={"Content-Type": body["ContentType"]})
    assert other.status_code == 403
    browser = app.test_client()  # OSS needs no cookie: the signed URL is the authority
    put = browser.put(
        body["PutURL"], data=make_video(seconds=0.4), headers={"Content-Type": body["ContentType"]}
    )
    assert put.status_code == 200, put.get_data(as_text=True)
    assert emulator.state.backend().get_mezzanine(video_id).status == "Normal"


def test_an_upload_meets_the_api_s_faults_and_errors(client: Any, app: Any) -> None:
    faults = emulator_of(app).faults
    assert faults is not None
    faults.add("error", action="CreateUploadVideo", code="Throttling.User", status=503, times=1)
    failed = client.post("/_vodfc/ui/uploads", json={"FileName": "clip.mp4"})
    assert failed.status_code == 503 and failed.get_json()["Code"] == "Throttling.User"
    bad = client.post("/_vodfc/ui/uploads", json={"FileName": "notes.txt"})
    assert bad.status_code == 400 and bad.get_json()["Code"] == "InvalidFileName.Extension"  # VOD's own check
    assert client.post("/_vodfc/ui/uploads", data="nope").status_code == 400


def test_the_fault_switch_is_the_fault_model_s(client: Any, app: Any) -> None:
    faults = emulator_of(app).faults
    assert faults is not None
    rule = faults.add("throttle", action="GetVideoInfo")
    page = client.get("/_vodfc/ui/faults").get_data(as_text=True)
    assert f'id="rule-{rule.id}"' in page and "Switch off" in page
    answer = client.post(f"/_vodfc/ui/faults/{rule.id}", data={"enabled": "off"})
    assert answer.status_code == 303
    assert faults.rule(rule.id) is not None and not rule.enabled
    assert not rule.matches_call("GetVideoInfo", {})
    assert "Switch on" in client.get("/_vodfc/ui/faults").get_data(as_text=True)
    client.post(f"/_vodfc/ui/faults/{rule.id}", data={"enabled": "on"})
    assert rule.enabled and rule.matches_call("GetVideoInfo", {})
    assert client.post("/_vodfc/ui/faults/nope", data={"enabled": "on"}).status_code == 404
    assert client.post(f"/_vodfc/ui/faults/{rule.id}", data={"enabled": "maybe"}).status_code == 400


def test_the_admin_plane_switches_a_rule_the_same_way(client: Any, app: Any) -> None:
    faults = emulator_of(app).faults
    assert faults is not None
    rule = faults.add("error", action="GetVideoInfo")
    answer = client.patch(f"/_vodfc/faults/{rule.id}", json={"enabled": False})
    assert answer.status_code == 200 and answer.get_json()["enabled"] is False
    assert client.patch(f"/_vodfc/faults/{rule.id}", json={"enabled": "sometimes"}).status_code == 400
    assert client.patch(f"/_vodfc/faults/{rule.id}", json={"times": 3}).status_code == 400
    assert client.patch("/_vodfc/faults/nope", json={"enabled": True}).status_code == 404


def test_reads_do_not_meet_faults(client: Any, app: Any) -> None:
    faults = emulator_of(app).faults
    assert faults is not None
    faults.add("throttle", action="SearchMedia")
    assert client.get("/_vodfc/").status_code == 200
    assert faults.rules[0].matched == 0
