"""The command line's rough edges: --version, the environment behind --host/--port/--url and
--explain-errors, one-line network errors, and the exit status of a function that answered an error."""

from __future__ import annotations

import importlib.metadata
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from vodfc.emulator.cli import build_parser, main
from vodfc.emulator.cli.functions import _answered_error
from vodfc.emulator.cli.options import reason
from vodfc.emulator.cli.server import config_from_args

import vodfc

REPO = Path(__file__).resolve().parents[3]
VARIABLES = ("VODFC_HOST", "VODFC_PORT", "VODFC_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"vodfc {vodfc.__version__}"
    # pyproject.toml reads its version from vodfc.__version__: the installed metadata says the same.
    assert importlib.metadata.version("vodfc") == vodfc.__version__


@pytest.mark.parametrize("command", ["emulator", "up"])
def test_host_and_port_come_from_the_environment_unless_given(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = build_parser().parse_args([command])
    assert (args.host, args.port) == ("127.0.0.1", 9000)
    monkeypatch.setenv("VODFC_HOST", "0.0.0.0")
    monkeypatch.setenv("VODFC_PORT", "9100")
    args = build_parser().parse_args([command])
    assert (args.host, args.port) == ("0.0.0.0", 9100)
    args = build_parser().parse_args([command, "--host", "127.0.0.2", "--port", "0"])
    assert (args.host, args.port) == ("127.0.0.2", 0)


def test_a_bad_port_is_named_by_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VODFC_PORT", "nine")
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["emulator"])
    assert done.value.code == 2
    assert "$VODFC_PORT=nine is not a port number" in capsys.readouterr().err
    assert build_parser().parse_args(["emulator", "--port", "9001"]).port == 9001  # the flag wins
    with pytest.raises(SystemExit):
        build_parser().parse_args(["emulator", "--port", "70000"])
    assert "70000 is not a port number (0-65535)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "default"),
    [
        (["invoke", "F"], None),  # in-process
        (["timer", "F"], None),
        (["faults", "list"], "http://127.0.0.1:9000"),
        (["events", "log"], "http://127.0.0.1:9000"),
        (["events", "emit", "FileUploadComplete"], "http://127.0.0.1:9000"),
    ],
)
def test_url_comes_from_the_environment_unless_given(
    argv: list[str], default: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_parser().parse_args(argv).url == default
    monkeypatch.setenv("VODFC_URL", "http://127.0.0.1:9555")
    assert build_parser().parse_args(argv).url == "http://127.0.0.1:9555"
    assert build_parser().parse_args([*argv, "--url", "http://x:1"]).url == "http://x:1"


@pytest.mark.parametrize("command", ["emulator", "up"])
def test_a_taken_port_is_one_line(command: str, taken_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [command, "--port", str(taken_port), "--no-seed"]
    if command == "up":
        argv += ["--template", str(REPO / "template.yml"), "--no-demo", "--quiet"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        f"vodfc {command}: cannot listen on 127.0.0.1:{taken_port}: Address already in use"
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["invoke", "GetVideoInfo", "-d", "{}"],
        ["invoke", "GetVideoInfoHttp", "--http", "GET", "/videos/x"],
        ["timer", "SweepFailedUploads"],
        ["faults", "list"],
        ["events", "log"],
        ["events", "emit", "FileUploadComplete"],
    ],
)
def test_an_emulator_that_is_not_there_is_one_line_at_once(
    argv: list[str], closed_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    monkeypatch.setenv("VODFC_URL", url)
    started = time.monotonic()
    assert main(argv) == 1
    assert time.monotonic() - started < 10  # no client retrying with backoff first
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"cannot reach the emulator at {url}: Connection refused")


def test_invoke_exits_1_when_the_function_answers_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    template = str(REPO / "template.yml")
    assert main(["invoke", "GetVideoInfo", "--template", template, "-d", '{"VideoId": "none"}']) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["Code"] == "InvalidVideo.NotFound"  # the answer is still printed
    assert "vodfc invoke: GetVideoInfo answered an error: InvalidVideo.NotFound (HTTP 404)" in captured.err
    assert main(["invoke", "SearchMedia", "--template", template, "-d", '{"PageSize": 1}']) == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"Code": "Forbidden", "Message": "no", "HttpStatus": 403}', "Forbidden (HTTP 403): no"),
        (b'{"RequestId": "r", "Code": "InvalidEvent", "Message": "bad"}', "InvalidEvent: bad"),
        (b'{"Video": {"VideoId": "v"}, "RequestId": "r"}', None),
        (b'{"RequestId": "r", "Results": [{"Outcome": "done"}]}', None),
        (b'{"Code": 5}', None),
        (b"[1, 2]", None),
        (b"plain text", None),
        (b"", None),
    ],
)
def test_what_counts_as_an_error_answer(body: bytes, error: str | None) -> None:
    assert _answered_error(body) == error


def test_reason_digs_out_the_operating_systems_words() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    try:
        try:
            raise refused
        except OSError as exc:
            raise RuntimeError("HTTPConnectionPool(...): Max retries exceeded") from exc
    except RuntimeError as wrapped:
        assert reason(wrapped) == "Connection refused"
    assert reason(ValueError("plain")) == "plain"


@pytest.mark.parametrize("command", ["emulator", "up"])
def test_explain_errors_is_a_flag_and_a_variable(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VODFC_EXPLAIN_ERRORS", raising=False)
    assert config_from_args(build_parser().parse_args([command])).explain_errors is False
    assert config_from_args(build_parser().parse_args([command, "--explain-errors"])).explain_errors is True
    monkeypatch.setenv("VODFC_EXPLAIN_ERRORS", "1")
    assert config_from_args(build_parser().parse_args([command])).explain_errors is True
