"""GetFunctionCode (FC 2.0 and 3.0): a presigned URL to the function's code zip, whose CRC-64 is the
checksum GetFunction reports, through the official clients in-process and against a server."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import fc2
import pytest
import requests
from vodfc.emulator.app import create_app
from vodfc.emulator.config import EmulatorConfig, utc_now
from vodfc.emulator.fc import get_fc
from vodfc.emulator.fc.template import load_template
from vodfc.emulator.mock import MockVod
from vodfc.emulator.oss.storage import crc64
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import PROBE_CODE, Fc3Target, as_fc3, write_project

# The emulator's clock, ahead of the real one by SHIFT[0] seconds (to see a URL expire).
SHIFT = [0]
CONFIG = EmulatorConfig(components=("oss", "fc"), clock=lambda: utc_now() + timedelta(seconds=SHIFT[0]))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("code")
    path = write_project(root)
    (root / "code" / "helpers").mkdir()
    (root / "code" / "helpers" / "names.py").write_text("NAME = 'probe'\n")
    (root / "code" / "__pycache__").mkdir()
    (root / "code" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"not shipped")
    return path


@pytest.fixture(params=["inprocess", "server"])
def target(request: pytest.FixtureRequest, project: Path) -> Iterator[Fc3Target]:
    app = create_app(CONFIG)
    get_fc(app).load(template=as_fc3(load_template(project)))
    if request.param == "inprocess":
        with MockVod(app=app):
            yield Fc3Target("inprocess", app, None)
    else:
        server = ThreadedServer(app).start()
        try:
            yield Fc3Target("server", app, server.url)
        finally:
            server.stop()


def _fc2(target: Fc3Target) -> Any:
    """An fc2 client at the server, or at FC's real host (mock_vod answers it)."""
    return fc2.Client(
        endpoint=target.url or "https://1234567890123456.cn-shanghai.fc.aliyuncs.com",
        accessKeyID="vodfc-access-key-id",
        accessKeySecret="vodfc-access-key-secret",
    )


def _download(url: str) -> bytes:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_fc2_code_is_the_zip_get_function_describes(target: Fc3Target) -> None:
    client = _fc2(target)
    code = client.get_function_code("probe", "Probe").data
    function = client.get_function("probe", "Probe").data
    data = _download(code["url"])
    assert code["checksum"] == function["codeChecksum"] == str(crc64(data))
    assert function["codeSize"] == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["helpers/names.py", "main.py"]
        assert archive.read("main.py").decode() == PROBE_CODE
    # Where the client reaches OSS: the real host in-process (mock_vod answers it), the server otherwise.
    expected = "https://fc-code-cn-shanghai-1234567890123456.oss-cn-shanghai.aliyuncs.com/code/"
    assert code["url"].startswith(expected if target.url is None else f"{target.url}/fc-code-")
    # The same bytes every time: a second call hands out the same object.
    assert client.get_function_code("probe", "Probe").data["checksum"] == code["checksum"]


def test_fc3_code_and_its_url_is_signed(target: Fc3Target) -> None:
    from alibabacloud_fc20230330 import models

    client = target.client()
    code = client.get_function_code("Probe", models.GetFunctionCodeRequest()).body
    function = client.get_function("Probe", models.GetFunctionRequest()).body
    data = _download(code.url)
    assert code.checksum == function.code_checksum == str(crc64(data))
    tampered = code.url.replace("Signature=", "Signature=x")
    refused = requests.get(tampered, timeout=10)
    assert refused.status_code == 403 and b"SignatureDoesNotMatch" in refused.content
    unsigned = requests.get(code.url.split("?", 1)[0], timeout=10)
    assert unsigned.status_code == 403 and b"AccessDenied" in unsigned.content


def test_the_url_expires(target: Fc3Target) -> None:
    # The URL lives VODFC_FC_CODE_URL_SECONDS (one hour by default) of the emulator's clock.
    client = _fc2(target)
    url = client.get_function_code("probe", "Probe").data["url"]
    assert requests.get(url, timeout=10).status_code == 200
    SHIFT[0] = 3601
    try:
        expired = requests.get(url, timeout=10)
    finally:
        SHIFT[0] = 0
    assert expired.status_code == 403 and b"Request has expired" in expired.content


def test_unknown_function_and_an_emulator_without_oss(target: Fc3Target) -> None:
    client = _fc2(target)
    with pytest.raises(fc2.FcError) as caught:
        client.get_function_code("probe", "Nope")
    assert (caught.value.status_code, caught.value.err_code) == (404, "FunctionNotFound")


def test_without_the_oss_component_the_refusal_says_why(project: Path) -> None:
    app = create_app(EmulatorConfig(components=("fc",)))
    get_fc(app).load(project)
    server = ThreadedServer(app).start()
    try:
        client: Any = fc2.Client(
            endpoint=server.url, accessKeyID="vodfc-access-key-id", accessKeySecret="vodfc-access-key-secret"
        )
        with pytest.raises(fc2.FcError) as caught:
            client.get_function_code("probe", "Probe")
        body = json.loads(caught.value.args[0])
        assert (caught.value.status_code, body["ErrorCode"]) == (400, "PathNotSupported")
        assert (
            body["ErrorMessage"] == "GetFunctionCode needs the emulator's OSS component to hand out the code"
        )
    finally:
        server.stop()
