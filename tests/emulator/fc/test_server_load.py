"""Many invocations at once against a server: the emulator's own APIs and the functions' own calls
keep being served, and what cannot run is throttled the way FC throttles (never "busy")."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import fc2
import pytest
import requests
from vodfc.emulator.app import create_app
from vodfc.emulator.fc import get_fc
from vodfc.emulator.fc.settings import RuntimeSettings
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import CONFIG, fc_client, write_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def _server(project: Path, threads: int | None = None, **settings: Any) -> ThreadedServer:
    app = create_app(CONFIG.with_changes(seed=True))
    get_fc(app).load(project, settings=RuntimeSettings(**settings))
    return ThreadedServer(app, threads=threads).start()


@pytest.fixture
def stop() -> Iterator[list[ThreadedServer]]:
    servers: list[ThreadedServer] = []
    yield servers
    for server in servers:
        server.stop()
        get_fc(server.app).close()


def _error(exc: fc2.FcError) -> dict[str, Any]:
    return json.loads(exc.message)  # type: ignore[no-any-return]


def test_a_burst_of_64_invocations_never_starves_the_emulator(project: Path, stop: list[Any]) -> None:
    server = _server(project, max_instances=8)
    stop.append(server)
    video_id, title = _any_video(server.url)
    flag = project.parent / "code" / f"go-{uuid.uuid4().hex[:8]}"
    event = json.dumps({"wait_for": str(flag), "vodcall": video_id}).encode()

    def invoke(_: int) -> Any:
        try:
            return json.loads(fc_client(server.url).invoke_function("probe", "Probe", payload=event).data)
        except fc2.FcError as exc:
            return exc

    with ThreadPoolExecutor(64) as pool:
        futures = [pool.submit(invoke, n) for n in range(64)]
        runtime = get_fc(server.app).runtime
        _wait(lambda: sum(i["busy"] for i in runtime.instances()["probe/Probe"]["instances"]) == 8)
        # Every instance is busy, the rest queue or were throttled: health, VOD and the control plane
        # still answer, and no invocation is done yet.
        assert requests.get(f"{server.url}/_vodfc/health", timeout=5).json()["status"] == "ok"
        assert _any_video(server.url) == (video_id, title)
        assert not any(f.done() and not isinstance(f.result(), fc2.FcError) for f in futures)
        flag.touch()
        outcomes = [f.result(60) for f in futures]
    answered = [o for o in outcomes if not isinstance(o, fc2.FcError)]
    throttled = [o for o in outcomes if isinstance(o, fc2.FcError)]
    # The functions' own VOD calls were served while the server was full of invocations.
    assert answered and all(a["out"]["vod"] == title for a in answered)
    # Beyond the threads invocations may hold (64 - 8 kept for everything else): FC's throttling answer.
    assert len(answered) == 56
    assert {(e.status_code, e.err_code) for e in throttled} == {(503, "ResourceThrottled")}
    assert len({a["pid"] for a in answered}) == 8


def test_a_full_function_queue_is_fcs_429_through_the_api_and_the_trigger(
    project: Path, stop: list[Any]
) -> None:
    server = _server(project, max_instances=1, queue_size=0)
    stop.append(server)
    flag = project.parent / "code" / f"go-{uuid.uuid4().hex[:8]}"
    client = fc_client(server.url)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(
            client.invoke_function, "probe", "Probe", payload=json.dumps({"wait_for": str(flag)}).encode()
        )
        runtime = get_fc(server.app).runtime
        _wait(
            lambda: runtime.instances().get("probe/Probe", {"instances": [{"busy": 0}]})["instances"][0][
                "busy"
            ]
        )
        with pytest.raises(fc2.FcError) as caught:
            client.invoke_function("probe", "Probe", payload=b"{}")
        assert (caught.value.status_code, caught.value.err_code) == (429, "ResourceExhausted")
        assert "VODFC_FC_QUEUE_SIZE" in _error(caught.value)["ErrorMessage"]
        flag.touch()
        assert json.loads(running.result(20).data)["function"][0] == "Probe"
    # Through an HTTP trigger FC marks its throttling as an error of its own (not the function's).
    flag = project.parent / "code" / f"go-{uuid.uuid4().hex[:8]}"
    trigger = f"{server.url}/2016-08-15/proxy/probe/ProbeOpen"
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(requests.get, f"{trigger}/wait", params={"f": str(flag)}, timeout=20)
        _wait(lambda: runtime.instances()["probe/ProbeOpen"]["instances"][0]["busy"])
        r = requests.get(f"{trigger}/x", timeout=10)
        assert (r.status_code, r.headers["x-fc-error-type"]) == (429, "FcCommonError")
        assert r.json()["ErrorCode"] == "ResourceExhausted"
        flag.touch()
        assert held.result(20).status_code == 201


def test_the_server_keeps_threads_for_itself(project: Path, stop: list[Any]) -> None:
    server = _server(project, threads=10, max_instances=4)  # invocations may hold 10 - 8 = 2 threads
    stop.append(server)
    flag = project.parent / "code" / f"go-{uuid.uuid4().hex[:8]}"
    event = json.dumps({"wait_for": str(flag)}).encode()
    client = fc_client(server.url)
    with ThreadPoolExecutor(2) as pool:
        held = [pool.submit(client.invoke_function, "probe", "Probe", payload=event) for _ in range(2)]
        runtime = get_fc(server.app).runtime
        _wait(lambda: sum(i["busy"] for i in runtime.instances()["probe/Probe"]["instances"]) == 2)
        with pytest.raises(fc2.FcError) as caught:
            client.invoke_function("probe", "Probe", payload=b"{}")
        assert (caught.value.status_code, caught.value.err_code) == (503, "ResourceThrottled")
        r = requests.get(f"{server.url}/2016-08-15/proxy/probe/ProbeOpen/x", timeout=10)
        assert (r.status_code, r.headers["x-fc-error-type"]) == (503, "FcCommonError")
        assert r.json()["ErrorCode"] == "ResourceThrottled"
        assert requests.get(f"{server.url}/_vodfc/health", timeout=5).ok
        flag.touch()
        assert all(json.loads(f.result(20).data)["function"][0] == "Probe" for f in held)


def _any_video(url: str) -> tuple[str, str]:
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai", auto_retry=False)
    request = CommonRequest(
        domain=url.removeprefix("http://"), version="2017-03-21", action_name="SearchMedia"
    )
    request.set_method("POST")
    request.add_query_param("PageSize", "1")
    video = json.loads(client.do_action_with_exception(request))["MediaList"][0]["Video"]
    return str(video["VideoId"]), str(video["Title"])


def _wait(condition: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except (KeyError, IndexError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
