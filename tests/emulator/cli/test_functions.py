"""``vodfc invoke``, ``timer``, ``build`` and the ``up`` announcement, run in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.cli import main
from vodfc.emulator.events import payloads, wire

from tests.emulator.fc.support import write_project
from tests.repo import REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = write_project(tmp_path / "proj")
    (tmp_path / "proj" / "shared").mkdir()
    (tmp_path / "proj" / "shared" / "__init__.py").write_text("VALUE = 1\n")
    (tmp_path / "proj" / "requirements.txt").write_text("# nothing pinned\n")
    return path


def test_invoke_in_process_prints_the_result(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "Probe", "--template", str(project), "--no-seed", "-d", '{"hello": 1}']) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["event"] == {"hello": 1}
    assert "FC Invoke Start RequestId" in captured.err


def test_invoke_reads_the_event_from_a_file_or_stdin(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"from": "file"}')
    assert main(["invoke", "Probe", "--template", str(project), "--no-seed", "--event", str(event)]) == 0
    assert json.loads(capsys.readouterr().out)["event"] == {"from": "file"}
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"from": "stdin"}')))
    assert main(["invoke", "probe/Probe", "--template", str(project), "--no-seed", "-e", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["event"] == {"from": "stdin"}


def test_invoke_reports_function_errors_and_unknown_functions(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invoke", "Probe", "--template", str(project), "--no-seed", "-d", '{"raise": "nope"}']) == 1
    assert '"errorMessage": "nope"' in capsys.readouterr().err
    assert main(["invoke", "Missing", "--template", str(project), "--no-seed"]) == 1
    assert "no function 'Missing'" in capsys.readouterr().err


def test_invoke_the_projects_function_over_the_seeded_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["invoke", "SearchMedia", "--template", str(REPO / "template.yml"), "-d", '{"PageSize": 2}'])
        == 0
    )
    answer = json.loads(capsys.readouterr().out)
    assert answer["Total"] > 0 and len(answer["MediaList"]) == 2


def test_invoke_against_a_running_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.server import ThreadedServer

    from tests.emulator.fc.support import CONFIG

    app = create_app(CONFIG)
    get_fc(app).load(write_project(tmp_path))
    with ThreadedServer(app) as server:
        monkeypatch.setenv("VODFC_ADMIN_TOKEN", server.admin_token)  # timer --url uses the admin plane
        assert main(["invoke", "Probe", "--url", server.url, "-d", '{"over": "http"}']) == 0
        assert json.loads(capsys.readouterr().out)["event"] == {"over": "http"}
        assert main(["invoke", "Probe", "--url", server.url, "-d", '{"raise": "x"}']) == 1
        assert json.loads(capsys.readouterr().err)["errorMessage"] == "x"
        assert main(["invoke", "Probe", "--url", server.endpoint, "--async"]) == 0
        assert "accepted: RequestId" in capsys.readouterr().out
        assert main(["timer", "Ticker", "--url", server.url]) == 0
        assert json.loads(capsys.readouterr().out)["event"]["triggerName"] == "every-minute"
        get_fc(app).runtime.drain(5)


def test_timer_in_process(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timer", "Ticker", "--template", str(project)]) == 0
    assert json.loads(capsys.readouterr().out)["event"]["payload"] == '{"from": "timer"}'
    assert main(["timer", "Probe", "--template", str(project)]) == 1
    assert "function 'Probe' has no Timer trigger" in capsys.readouterr().err


def test_the_s_yaml_router_takes_what_its_eventbridge_trigger_hands_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = json.dumps(
        wire.eventbridge_mns(payloads.file_upload_complete("missing", size=1, file_url="http://b/x.mp4"))
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(event.encode())))
    assert main(["invoke", "VodEvents", "--descriptor", str(REPO / "s.yaml"), "-e", "-"]) == 0
    (report,) = json.loads(capsys.readouterr().out)["Results"]
    assert (report["Function"], report["EventType"]) == ("auto_tag", "FileUploadComplete")
    # FC 3.0's HTTP trigger hands the handler FC 3.0's HTTP event (not FC 2.0's WSGI call), which its
    # router answers: an unknown video is the function's own 404.
    assert (
        main(["invoke", "GetVideoInfo", "--descriptor", str(REPO / "s.yaml"), "--http", "GET", "/videos/x"])
        == 1
    )
    captured = capsys.readouterr()
    assert "(GetVideoInfo, http" in captured.err and "HTTP 404" in captured.err
    assert json.loads(captured.out)["Code"] == "InvalidVideo.NotFound"


def test_build_names_the_packages_it_knows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["build", "Nope", "--root", str(REPO), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "vodfc build: no code package named Nope; there are: DeleteImage" in err and "VodEvents" in err


def test_up_announces_endpoints_keys_and_trigger_urls(capsys: pytest.CaptureFixture[str]) -> None:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.cli.functions import announce
    from vodfc.emulator.fc.template import load_template

    from tests.emulator.fc.support import CONFIG

    template = load_template(REPO / "template.yml")
    announce(create_app(CONFIG), "http://127.0.0.1:9000", template)
    out = capsys.readouterr().out
    assert "AccessKeyId:     vodfc-access-key-id" in out
    assert 'client.add_endpoint("cn-shanghai", "vod", "127.0.0.1:9000")' in out
    assert "http://127.0.0.1:9000/2016-08-15/proxy/vodfc/GetVideoInfoHttp/" in out


def test_up_demo_runs_against_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    from vodfc.emulator.app import create_app, get_state
    from vodfc.emulator.cli.functions import demo
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.server import ThreadedServer

    from tests.emulator.fc.support import CONFIG

    app: Any = create_app(CONFIG)
    get_fc(app).load(REPO / "template.yml")
    get_state(app).seed()
    with ThreadedServer(app) as server:
        demo(app, server.url)
    out = capsys.readouterr().out
    assert "fc2 invoke_function SearchMedia" in out
    assert "-> HTTP 200" in out


def test_invoke_http_in_process_and_over_the_server(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["invoke", "ProbeOpen", "--template", str(project), "--no-seed", "--http", "GET", "/a/b?x=1"])
        == 0
    )
    captured = capsys.readouterr()
    seen = json.loads(captured.out)
    assert (seen["path"], seen["query"]) == ("/a/b", "x=1")
    assert "HTTP 201" in captured.err
    assert (
        main(["invoke", "ProbeOpen", "--template", str(project), "--no-seed", "--http", "GET", "/fail"]) == 1
    )

    from vodfc.emulator.app import create_app
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.server import ThreadedServer

    from tests.emulator.fc.support import CONFIG

    app = create_app(CONFIG)
    get_fc(app).load(write_project(tmp_path / "served"))
    with ThreadedServer(app) as server:
        args = ["invoke", "ProbeHttp", "--url", server.url, "--http", "POST", "/items?q=1", "-d", '{"k": 1}']
        assert main(args) == 0
        seen = json.loads(capsys.readouterr().out)
        assert (seen["method"], seen["path"], seen["query"], seen["body"]) == (
            "POST",
            "/items",
            "q=1",
            '{"k": 1}',
        )
