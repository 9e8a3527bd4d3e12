"""A packaged function runs from its zip alone: a clean venv, no network, only what the zip holds.

The dependencies are copied out of this environment (``--deps-from-env``), so the test needs no
index; it takes a few seconds (venv creation, a 5 MB zip) and is marked ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.fc.package import package_functions, pins
from vodfc.emulator.fc.template import load_template
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import CONFIG
from tests.repo import REPO

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    code = os.getcwd()
    sys.path.insert(0, code)
    import index, aliyunsdkcore, aliyunsdkvod, shared
    for module in (index, aliyunsdkcore, aliyunsdkvod, shared):
        assert module.__file__.startswith(code), module.__file__

    class Credentials:
        access_key_id, access_key_secret, security_token = sys.argv[1:4]

    class Context:
        request_id = "req-zip"
        credentials = Credentials()
        region = "cn-shanghai"
        account_id = "1234567890123456"

    print(index.handler(json.dumps({"VideoId": sys.argv[4]}).encode(), Context()))
    """
)


@pytest.mark.slow
def test_a_packaged_function_runs_in_a_clean_venv(tmp_path: Path) -> None:
    template = load_template(REPO / "template.yml")
    [built] = package_functions(template, tmp_path / "dist", names=["GetVideoInfo"], deps="env")
    code = tmp_path / "code"
    with zipfile.ZipFile(built.path) as archive:
        names = archive.namelist()
        archive.extractall(code)
    assert "index.py" in names and "shared/__init__.py" in names
    assert any(name.startswith("aliyunsdkvod/") for name in names)
    for name, version in pins(REPO / "requirements.txt"):
        assert any(n.startswith(f"{name.replace('-', '_')}-{version}.dist-info/") for n in names), name

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"

    app = create_app(CONFIG)
    state = get_state(app)
    video_id = state.seed()["video_ids"][0]
    token = state.accounts.issue_sts_token(state.config.default_account_id)
    with ThreadedServer(app) as server:
        completed = subprocess.run(
            [
                str(python),
                "-I",
                "-c",
                SCRIPT,
                token.access_key_id,
                token.access_key_secret,
                token.security_token or "",
                video_id,
            ],
            cwd=code,
            env={"VOD_ENDPOINT": server.url, "PATH": "/usr/bin:/bin", "VODFC_LOG_LEVEL": "WARNING"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    assert answer["Video"]["VideoId"] == video_id
    assert answer["RequestId"] == "req-zip"
