"""The plugin's public fixtures, as the SDK suites use them (over the fake backend: plugin_over_fakes)."""

from __future__ import annotations

import json
from typing import Any

import requests
from alibabacloud_vod20170321 import models as vod_models
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget

from tests.emulator.support.plugin_over_fakes import fake_mock_app, fake_server  # noqa: F401  (vod on fakes)


def test_credentials_are_the_documented_defaults(vodfc_credentials: Credentials) -> None:
    assert vodfc_credentials == Credentials(
        "vodfc-access-key-id", "vodfc-access-key-secret", "1234567890123456", "cn-shanghai"
    )


def test_vod_runs_once_per_mode_with_working_clients(vod: VodTarget) -> None:
    vod.backend.put("v1", Title=f"in {vod.mode}")
    request = GetVideoInfoRequest()
    request.set_VideoId("v1")
    body = json.loads(vod.acs_client().do_action_with_exception(request))
    assert body["Video"]["Title"] == f"in {vod.mode}"
    tea = vod.tea_client().get_video_info(vod_models.GetVideoInfoRequest(video_id="v1"))
    assert tea.body.video.title == f"in {vod.mode}"
    assert vod.url.startswith("http://127.0.0.1:" if vod.mode == "server" else "https://vod.cn-shanghai")


def test_vod_starts_every_test_with_empty_state(vod: VodTarget) -> None:
    assert vod.backend.videos == {}
    vod.backend.put("leftover", Title="must not leak into the next test")


def test_vod_mock_is_active_and_fresh(vod_mock: MockVod) -> None:
    assert vod_mock.backend().videos == {}
    response = requests.get("https://vod.cn-shanghai.aliyuncs.com/?Format=JSON", timeout=5)
    assert response.json()["Code"] == "MissingAction"


def test_vod_server_answers_over_loopback(vod_server: Any) -> None:
    assert requests.get(vod_server.url + "/_vodfc/health", timeout=5).json()["status"] == "ok"


def test_clients_in_another_region_reach_that_regions_backend(vod: VodTarget) -> None:
    vod.state.backend(region="cn-beijing").put("v1", Title="beijing")
    vod.backend.put("v1", Title="shanghai")
    request = GetVideoInfoRequest()
    request.set_VideoId("v1")
    body = json.loads(vod.acs_client(region_id="cn-beijing").do_action_with_exception(request))
    assert body["Video"]["Title"] == "beijing"
    tea = vod.tea_client(region_id="cn-beijing").get_video_info(vod_models.GetVideoInfoRequest(video_id="v1"))
    assert tea.body.video.title == "beijing"
