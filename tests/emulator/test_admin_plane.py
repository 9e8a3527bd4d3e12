"""The admin plane (/_vodfc) answers only its owner: the admin token, a loopback (or allowed) Host,
and no cross-origin request; health stays open. The VOD API refuses foreign Hosts and web pages too."""

from __future__ import annotations

import http.client
import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.cli import main
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer

from tests.repo import REPO

# Every route that reveals or changes state, one of each component's.
GUARDED = [
    ("GET", "/_vodfc/state"),
    ("POST", "/_vodfc/reset"),
    ("POST", "/_vodfc/seed"),
    ("POST", "/_vodfc/sts"),
    ("GET", "/_vodfc/events"),
    ("GET", "/_vodfc/faults"),
    ("DELETE", "/_vodfc/faults"),
    ("GET", "/_vodfc/lifecycle"),
    ("GET", "/_vodfc/fc/functions"),
    ("GET", "/_vodfc/fc/invocations"),
    ("GET", "/_vodfc/nowhere"),
]


@pytest.fixture(scope="module")
def server() -> Any:
    with ThreadedServer(create_app(EmulatorConfig(seed=True))) as server:
        yield server


def _raw(server: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Any:
    """A request with exactly these headers (Host included): what a browser or a rebinding page sends."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_every_admin_route_wants_the_token(server: Any, method: str, path: str) -> None:
    response = requests.request(method, server.url + path, timeout=10)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = requests.request(method, server.url + path, headers={"X-Vodfc-Token": "guess"}, timeout=10)
    assert wrong.status_code == 401 and "wrong" in wrong.json()["message"]


def test_state_reset_and_sts_with_the_token(server: Any) -> None:
    get_state(server.app).seed()
    by_bearer = requests.get(server.url + "/_vodfc/state", headers=server.admin_headers, timeout=10)
    assert by_bearer.status_code == 200 and by_bearer.json()["records"]
    by_header = requests.post(
        server.url + "/_vodfc/sts", headers={"X-Vodfc-Token": server.admin_token}, timeout=10
    )
    assert by_header.status_code == 200 and by_header.json()["AccessKeyId"].startswith("STS.")


def test_a_token_in_the_query_string_does_not_count(server: Any) -> None:
    response = requests.post(f"{server.url}/_vodfc/reset?token={server.admin_token}", timeout=10)
    assert response.status_code == 401
    assert get_state(server.app).store.namespaces()


def test_health_stays_open(server: Any) -> None:
    assert requests.get(server.url + "/_vodfc/health", timeout=10).json()["status"] == "ok"


def test_a_cross_origin_text_plain_post_wipes_nothing(server: Any) -> None:
    state = get_state(server.app)
    state.seed()
    headers = {
        "Host": urlsplit(server.url).netloc,
        "Origin": "http://evil.example",
        "Content-Type": "text/plain",
    }
    status, body = _raw(server, "POST", "/_vodfc/reset", headers, b"x")
    assert status == 403 and json.loads(body)["error"] == "CrossOriginRefused"
    # Even with the token (a page cannot have it, but the refusal does not depend on that).
    status, _ = _raw(server, "POST", "/_vodfc/reset", {**headers, **server.admin_headers})
    assert status == 403
    status, _ = _raw(
        server, "POST", "/_vodfc/reset", {"Host": headers["Host"], "Sec-Fetch-Site": "cross-site"}
    )
    assert status == 403
    assert state.backend().videos  # nothing was wiped
    same_origin = {"Host": headers["Host"], "Origin": server.url, **server.admin_headers}
    status, body = _raw(server, "GET", "/_vodfc/state", same_origin)
    assert status == 200


@pytest.mark.parametrize("path", ["/_vodfc/state", "/_vodfc/health"])
def test_a_foreign_host_is_refused_dns_rebinding(server: Any, path: str) -> None:
    port = urlsplit(server.url).port
    status, body = _raw(
        server, "GET", path, {"Host": f"rebind.attacker.example:{port}", **server.admin_headers}
    )
    assert status == 403 and json.loads(body)["error"] == "ForbiddenHost"
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"vodfc.localhost:{port}"):
        assert _raw(server, "GET", path, {"Host": host, **server.admin_headers})[0] == 200


def test_the_vod_api_refuses_foreign_hosts_and_web_pages_but_keeps_cloud_names(server: Any) -> None:
    port = urlsplit(server.url).port
    query = "/?Action=GetVideoInfo&Version=2017-03-21&Format=JSON"
    status, body = _raw(server, "GET", query, {"Host": f"rebind.attacker.example:{port}"})
    assert status == 403 and json.loads(body)["Code"] == "Forbidden"
    status, body = _raw(server, "GET", query, {"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"})
    assert status == 403 and json.loads(body)["Code"] == "Forbidden"
    # The proxy route: a cloud Host on the emulator's port reaches the VOD API (and is then refused
    # only for its missing signature).
    status, body = _raw(server, "GET", query, {"Host": "vod.cn-beijing.aliyuncs.com"})
    assert status == 400 and json.loads(body)["Code"] == "MissingAccessKeyId"


def test_allowed_hosts_are_configurable() -> None:
    app = create_app(EmulatorConfig(components=(), allowed_hosts=("vodfc.internal",)))
    with ThreadedServer(app) as server:
        port = urlsplit(server.url).port
        headers = {"Host": f"vodfc.internal:{port}", **server.admin_headers}
        assert _raw(server, "GET", "/_vodfc/state", headers)[0] == 200
        assert _raw(server, "GET", "/_vodfc/state", {**headers, "Host": f"other:{port}"})[0] == 403


def test_in_process_the_mock_authenticates_for_the_test() -> None:
    app = create_app(EmulatorConfig(components=("events", "fc")))
    with MockVod(app=app):
        answer = requests.get("https://1234567890123456.cn-shanghai.fc.aliyuncs.com/_vodfc/fc/functions")
        assert answer.status_code == 200
    assert app.test_client().get("/_vodfc/state").status_code == 401
    token = get_state(app).guard.token
    assert app.test_client().get("/_vodfc/state", headers={"X-Vodfc-Token": token}).status_code == 200


def test_the_token_comes_from_the_environment() -> None:
    config = EmulatorConfig.from_env({"VODFC_ADMIN_TOKEN": "chosen-token"}, components=())
    assert get_state(create_app(config)).guard.token == "chosen-token"
    assert "chosen-token" not in repr(config)
    assert get_state(create_app(EmulatorConfig(components=()))).guard.token != "chosen-token"


def test_published_files_are_private_and_the_cli_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vodfc.emulator import admintoken

    monkeypatch.delenv("VODFC_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("VODFC_STATE_DIR", str(tmp_path / "state"))
    app = create_app(EmulatorConfig(components=("faults",), data_dir=str(tmp_path / "data")))
    with ThreadedServer(app) as server:
        port = int(urlsplit(server.url).port or 0)
        written, problems = admintoken.publish(server.admin_token, port, tmp_path / "data")
        assert not problems
        assert written == [tmp_path / "state" / f"admin-token-{port}", tmp_path / "data" / "admin-token"]
        for path in written:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert path.read_text().strip() == server.admin_token
        assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
        assert main(["faults", "list", "--url", server.url]) == 0
        assert json.loads(capsys.readouterr().out) == {"rules": []}
        admintoken.unpublish(written, server.admin_token)
        assert not any(path.exists() for path in written)
        assert main(["faults", "list", "--url", server.url]) == 1
        assert "admin token" in capsys.readouterr().err
    get_state(app).store.close()


def test_vodfc_emulator_prints_and_writes_the_token(tmp_path: Path) -> None:
    env = {**os.environ, "VODFC_STATE_DIR": str(tmp_path / "state"), "PYTHONUNBUFFERED": "1"}
    env.pop("VODFC_ADMIN_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "vodfc", "emulator", "--port", "0", "--no-seed", "--data-dir", str(tmp_path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("admin-token" in line for line in lines):
            time.sleep(0.05)
        tokens = [line.split()[-1] for line in lines if line.startswith("Admin token:")]
        assert tokens, lines
        token = tokens[0]
        url = lines[0].split()[4]
        assert (tmp_path / "admin-token").read_text().strip() == token
        port = urlsplit(url).port
        assert (tmp_path / "state" / f"admin-token-{port}").read_text().strip() == token
        assert requests.get(url + "/_vodfc/state", timeout=10).status_code == 401
        assert requests.get(url + "/_vodfc/state", headers={"X-Vodfc-Token": token}, timeout=10).ok
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not (tmp_path / "admin-token").exists()  # removed on the way out
