"""``mock_vod``: decorator, context manager, start/stop, nesting, and what it leaves alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.vendored.requests.adapters import HTTPAdapter as VendoredHTTPAdapter
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from flask import Response
from vodfc.emulator.app import get_state
from vodfc.emulator.mock import MockVod, mock_vod
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support.plugin_over_fakes import fake_mock_app, fake_server  # noqa: F401  (vod on fakes)

ORIGINAL_VENDORED_SEND = VendoredHTTPAdapter.send
ORIGINAL_SEND = requests.adapters.HTTPAdapter.send


def core_get(video_id: str = "v1", client: AcsClient | None = None) -> dict[str, Any]:
    client = client or AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def assert_unpatched() -> None:
    assert VendoredHTTPAdapter.send is ORIGINAL_VENDORED_SEND
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_SEND


@pytest.fixture
def mock(make_fake_app: Any) -> MockVod:
    return MockVod(app=make_fake_app())


def test_context_manager_patches_both_stacks_and_restores_them(mock: MockVod) -> None:
    with mock:
        assert VendoredHTTPAdapter.send is not ORIGINAL_VENDORED_SEND
        assert requests.adapters.HTTPAdapter.send is not ORIGINAL_SEND
        mock.backend().put("v1", Title="ctx")
        assert core_get()["Video"]["Title"] == "ctx"
    assert_unpatched()


def test_start_and_stop(mock: MockVod) -> None:
    mock.start()
    try:
        mock.backend().put("v1", Title="started")
        assert core_get()["Video"]["Title"] == "started"
    finally:
        mock.stop()
    assert_unpatched()
    with pytest.raises(RuntimeError):
        mock.stop()


def test_decorator_on_a_function_starts_fresh_each_call(mock: MockVod) -> None:
    @mock
    def first_video_title() -> int:
        assert not mock.backend().videos  # the previous call's video is gone
        mock.backend().put("v1", Title="decorated")
        return core_get()["Video"]["Title"]  # type: ignore[no-any-return]

    assert first_video_title() == "decorated"
    assert first_video_title() == "decorated"
    assert_unpatched()


def test_decorator_on_a_class_wraps_its_test_methods(mock: MockVod) -> None:
    @mock
    class Suite:
        def test_one(self) -> str:
            mock.backend().put("v1", Title="class")
            return core_get()["Video"]["Title"]  # type: ignore[no-any-return]

        def helper(self) -> bool:
            return VendoredHTTPAdapter.send is ORIGINAL_VENDORED_SEND

    assert Suite().test_one() == "class"
    assert Suite().helper() is True


def test_nested_mocks_share_the_outer_state_and_only_the_outer_unpatches(mock: MockVod) -> None:
    with mock:
        mock.backend().put("v1", Title="outer")
        with mock_vod() as inner:
            assert inner.app is mock.app
            assert core_get()["Video"]["Title"] == "outer"  # the inner start did not reset
        assert core_get()["Video"]["Title"] == "outer"  # still patched after the inner stop
    assert_unpatched()


def test_other_aliyun_hosts_get_a_vod_error_instead_of_the_network(mock: MockVod) -> None:
    with mock:
        response = requests.get("https://ecs.cn-hangzhou.aliyuncs.com/?Action=DescribeRegions", timeout=5)
    assert response.status_code == 404
    body = response.json()
    assert body["Code"] == "InvalidApi.NotFound"
    assert "ecs.cn-hangzhou.aliyuncs.com" in body["Message"]


def test_loopback_traffic_passes_through_to_a_real_server(mock: MockVod, make_fake_app: Any) -> None:
    server_app = make_fake_app()
    with ThreadedServer(server_app) as server, mock:
        get_state(server_app).backend().put("v1", Title="on the real server")
        mock.backend().put("v1", Title="in process")
        assert requests.get(server.url + "/_vodfc/health", timeout=5).json()["status"] == "ok"
        client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
        client.add_endpoint("cn-shanghai", "vod", server.endpoint)
        assert core_get(client=client)["Video"]["Title"] == "on the real server"
        assert core_get()["Video"]["Title"] == "in process"


def test_a_users_own_responses_mock_keeps_working_beside_it(mock: MockVod) -> None:
    with mock, responses.RequestsMock() as user_mock:
        user_mock.add(responses.GET, "https://example.com/thing", json={"mine": True})
        assert requests.get("https://example.com/thing", timeout=5).json() == {"mine": True}
        mock.backend().put("v1", Title="both")
        assert core_get()["Video"]["Title"] == "both"


def test_component_hosts_are_routed_into_the_app(make_fake_app: Any) -> None:
    app = make_fake_app()
    state = get_state(app)
    state.add_host_route(
        r"(?P<bucket>[a-z0-9-]+)\.oss-(?P<region>[a-z0-9-]+)\.aliyuncs\.com",
        lambda match: Response(f"{match['bucket']} in {match['region']}", content_type="text/plain"),
    )
    with MockVod(app=app):
        response = requests.get("https://media.oss-cn-shanghai.aliyuncs.com/some/key", timeout=5)
    assert response.text == "media in cn-shanghai"


def test_reset_drops_hooks_added_after_create_app_but_keeps_the_components(make_fake_app: Any) -> None:
    app = make_fake_app()
    state = get_state(app)
    component_hook = state.before_action  # same list object before and after
    state.before_action.append(lambda *args: None)
    state.mark_baseline()  # as create_app does once the components are in
    state.before_action.append(lambda *args: None)
    state.after_action.append(lambda *args: None)
    state.reset()
    assert len(state.before_action) == 1 and state.after_action == []
    assert state.before_action is component_hook
