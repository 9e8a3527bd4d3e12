"""The whole loop: upload through the official clients, VOD events, event functions, operation functions.

Every component is wired in (OSS, ingest, lifecycle, events, FC) and the project's template.yml is
loaded, so a CreateUploadVideo + oss2 upload makes VOD's pipeline events, which reach the template's
MNSTopic functions; their work is then visible through the operation functions over fc2.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc import get_fc
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import Target
from tests.repo import REPO


@pytest.fixture(scope="module")
def _loop_apps() -> Iterator[dict[str, Any]]:
    apps = {
        "inprocess": create_app(EmulatorConfig()),
        "server": ThreadedServer(create_app(EmulatorConfig())).start(),
    }
    for app in (apps["inprocess"], apps["server"].app):
        component = get_fc(app)
        component.sleep = lambda seconds: None
        component.load(REPO / "template.yml")
    yield apps
    apps["server"].stop()


@pytest.fixture(params=["inprocess", "server"])
def loop(request: pytest.FixtureRequest, _loop_apps: dict[str, Any]) -> Iterator[Target]:
    if request.param == "inprocess":
        app = _loop_apps["inprocess"]
        with MockVod(app=app):
            yield Target("inprocess", app, None)
    else:
        server = _loop_apps["server"]
        get_state(server.app).reset()
        yield Target("server", server.app, server.url)


def _upload(target: Target) -> str:
    import oss2
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    from vodfc.emulator.media.synth import make_video

    acs = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    domain = target.url.removeprefix("http://") if target.url else "vod.cn-shanghai.aliyuncs.com"
    request = CommonRequest(domain=domain, version="2017-03-21", action_name="CreateUploadVideo")
    request.set_method("POST")
    request.add_query_param("Title", "loop test")
    request.add_query_param("FileName", "loop.mp4")
    answer = json.loads(acs.do_action_with_exception(request))
    address = json.loads(base64.b64decode(answer["UploadAddress"]))
    auth = json.loads(base64.b64decode(answer["UploadAuth"]))
    bucket = oss2.Bucket(
        oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"]),
        address["Endpoint"],
        address["Bucket"],
    )
    bucket.put_object(address["FileName"], make_video())
    return str(answer["VideoId"])


def test_an_upload_runs_the_event_functions_and_the_operations_see_their_work(loop: Target) -> None:
    from vodfc.emulator.events import get_bus

    runtime = loop.runtime
    event_functions = {
        f.name
        for f in runtime.functions()
        if any(t.properties.get("TopicName") for t in f.triggers_of("MNSTopic"))
    }
    if not event_functions:
        pytest.skip("template.yml has no MNSTopic functions yet")
    video_id = _upload(loop)
    assert get_bus(loop.app).flush(20)
    delivered = [(d.event_type, d.function, d.invocation.ok) for d in runtime.deliveries]
    assert delivered, "no VOD event reached a function"
    assert all(ok for _, _, ok in delivered), delivered
    assert {function for _, function, _ in delivered} <= event_functions
    assert "FileUploadComplete" in {event_type for event_type, _, _ in delivered}
    answer = json.loads(
        loop.client().invoke_function("vodfc", "GetVideoInfo", payload=json.dumps({"VideoId": video_id})).data
    )
    assert answer["Video"]["VideoId"] == video_id
    if "AutoTag" in event_functions:
        assert answer["Video"].get("Tags"), "AutoTag ran but the video has no tags"
