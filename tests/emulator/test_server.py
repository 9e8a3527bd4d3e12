"""Server mode: persistence across restarts, the control plane, the CLI wiring."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import requests
from alibabacloud_tea_openapi.models import Config
from alibabacloud_vod20170321 import models as vod_models
from alibabacloud_vod20170321.client import Client
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.app import get_state
from vodfc.emulator.cli import build_parser
from vodfc.emulator.cli.server import config_from_args
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support.plugin_over_fakes import fake_mock_app, fake_server  # noqa: F401  (vod on fakes)


def client_for(server: ThreadedServer) -> AcsClient:
    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    client.add_endpoint("cn-shanghai", "vod", server.endpoint)
    return client


def test_an_acknowledged_write_survives_a_restart(make_fake_app: Any, tmp_path: Path) -> None:
    first = make_fake_app(data_dir=str(tmp_path))
    with ThreadedServer(first) as server:
        get_state(first).backend().put("v1", Title="before")
        update = CommonRequest(
            domain=None, version="2017-03-21", action_name="UpdateVideoInfo", product="vod"
        )
        update.add_query_param("VideoId", "v1")
        update.add_query_param("Title", "after the restart")
        client_for(server).do_action_with_exception(update)
    get_state(first).store.close()

    second = make_fake_app(data_dir=str(tmp_path))
    with ThreadedServer(second) as server:
        request = GetVideoInfoRequest()
        request.set_VideoId("v1")
        body = json.loads(client_for(server).do_action_with_exception(request))
    assert body["Video"]["Title"] == "after the restart"
    get_state(second).store.close()


@pytest.fixture
def server(wire_server: Any) -> Any:
    return wire_server


def test_health_reports_the_defaults(server: Any) -> None:
    health = requests.get(server.url + "/_vodfc/health", timeout=5).json()
    assert health["status"] == "ok"
    assert health["region"] == "cn-shanghai"
    assert health["accounts"] == ["1234567890123456"]


def test_state_shows_the_records_and_reset_drops_them(server: Any) -> None:
    server.backend.put("v1", Title="kept")
    state = requests.get(server.url + "/_vodfc/state", headers=server.admin_headers, timeout=5).json()
    assert state["records"]["1234567890123456/cn-shanghai"]["video"]["v1"]["Title"] == "kept"
    assert {"account": "1234567890123456", "region": "cn-shanghai"} in state["backends"]

    assert requests.post(server.url + "/_vodfc/reset", headers=server.admin_headers, timeout=5).json() == {
        "status": "ok"
    }
    assert (
        requests.get(server.url + "/_vodfc/state", headers=server.admin_headers, timeout=5).json()["records"]
        == {}
    )
    assert server.backend.videos == {}


def test_an_issued_sts_token_works_with_the_tea_sdk(server: Any) -> None:
    server.backend.put("v1", Title="via sts")
    token = requests.post(
        server.url + "/_vodfc/sts", json={"DurationSeconds": 900}, headers=server.admin_headers, timeout=5
    ).json()
    assert token["AccessKeyId"].startswith("STS.") and token["Expiration"].endswith("Z")
    client = Client(
        Config(
            access_key_id=token["AccessKeyId"], access_key_secret=token["AccessKeySecret"],
            security_token=token["SecurityToken"], region_id="cn-shanghai",
            endpoint=server.endpoint, protocol="http",
        )
    )  # fmt: skip
    assert client.get_video_info(vod_models.GetVideoInfoRequest(video_id="v1")).body.video.title == "via sts"


def test_seed_loads_the_demo_library_through_the_vod_package(server: Any, monkeypatch: Any) -> None:
    seeded: list[Any] = []

    def seed_demo_library(backend: Any) -> list[str]:
        seeded.append(backend)
        backend.put("demo1", Title="Demo")
        return ["demo1"]

    monkeypatch.setitem(
        sys.modules, "vodfc.emulator.vod.seed", types.SimpleNamespace(seed_demo_library=seed_demo_library)
    )
    answer = requests.post(server.url + "/_vodfc/seed", headers=server.admin_headers, timeout=5).json()
    assert answer == {"status": "ok", "seeded": ["demo1"]}
    assert seeded == [server.backend]
    assert server.backend.videos["demo1"]["Title"] == "Demo"


def test_control_plane_errors_are_json(server: Any) -> None:
    response = requests.post(
        server.url + "/_vodfc/sts", json={"DurationSeconds": "soon"}, headers=server.admin_headers, timeout=5
    )
    assert response.status_code == 400 and "DurationSeconds" in response.json()["error"]
    assert (
        requests.get(server.url + "/_vodfc/reset", headers=server.admin_headers, timeout=5).json()["error"]
        == "Method Not Allowed"
    )


def test_the_cli_registers_the_emulator_command() -> None:
    args = build_parser().parse_args(
        ["emulator", "--port", "0", "--data-dir", "/tmp/x", "--region", "cn-beijing", "--no-seed"]
    )
    config = config_from_args(args)
    assert (args.host, args.port) == ("127.0.0.1", 0)
    assert (config.region, config.data_dir, config.seed, config.verify_signatures) == (
        "cn-beijing", "/tmp/x", False, True,
    )  # fmt: skip
    defaults = config_from_args(build_parser().parse_args(["emulator"]))
    assert (defaults.region, defaults.seed, defaults.data_dir) == ("cn-shanghai", True, None)


def test_code_that_cannot_be_repointed_reaches_the_server_through_http_proxy(
    server: Any, monkeypatch: Any
) -> None:
    # A client left on the real endpoint (plain http is the core SDK's default) and an HTTP_PROXY
    # variable: the server gets the absolute-form request and the real Host, region included.
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    server.state.backend(region="cn-beijing").put("v1", Title="proxied")
    request = GetVideoInfoRequest()
    request.set_VideoId("v1")
    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-beijing")
    body = json.loads(client.do_action_with_exception(request))
    assert body["Video"]["Title"] == "proxied"
    assert body["Context"]["HostUrl"] == "http://vod.cn-beijing.aliyuncs.com"
