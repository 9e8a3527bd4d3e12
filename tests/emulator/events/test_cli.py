"""The event-bus subcommands (``vodfc.emulator.events.cli``) against a running emulator."""

from __future__ import annotations

import argparse
import base64
import json
import socket
from typing import Any

import pytest
from vodfc.emulator.events import get_bus, payloads
from vodfc.emulator.events.cli import add_commands


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="vodfc events")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_the_vodfc_command_has_the_bus_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    from vodfc.emulator.cli import main

    for name in ("log", "callback", "receive", "flush"):
        with pytest.raises(SystemExit) as stop:
            main(["events", name, "--help"])
        assert stop.value.code == 0
        assert f"vodfc events {name}" in capsys.readouterr().out


@pytest.fixture
def server(target: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    if target.mode != "server":
        pytest.skip("the command line talks to a server")
    monkeypatch.setenv("VODFC_ADMIN_TOKEN", target.admin_token)  # what the CLI reads
    return target


def test_callback_log_receive_flush(server: Any, receiver: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = server.url
    assert run("callback", "--callback-url", receiver.url, "--auth-key", "Abc123xyz", "--url", url) == 0
    assert json.loads(capsys.readouterr().out)["CallbackURL"] == receiver.url
    bus = get_bus(server.app)
    event = payloads.file_upload_complete("v" * 32, size=10, file_url="http://b/x.mp4")
    bus.emit(event)
    assert run("flush", "--url", url) == 0
    assert run("log", "--url", url) == 0
    line = capsys.readouterr().out.strip()
    assert "FileUploadComplete" in line and "v" * 32 in line and line.endswith("delivered")
    assert run("log", "--json", "--type", "TranscodeComplete", "--url", url) == 0
    assert json.loads(capsys.readouterr().out) == []

    assert run("callback", "--callback-type", "MNS", "--mns-queue", "q1", "--url", url) == 0
    capsys.readouterr()
    bus.emit(event)
    assert run("flush", "--url", url) == 0
    assert run("receive", "q1", "--delete", "--url", url) == 0
    message = json.loads(capsys.readouterr().out)
    assert json.loads(base64.b64decode(message["MessageBody"])) == event
    assert run("receive", "q1", "--url", url) == 1
    assert "empty" in capsys.readouterr().err
    assert run("callback", "--url", url) == 0
    assert json.loads(capsys.readouterr().out)["delivery"] == "auto"


def test_unreachable_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for argv in (("log",), ("flush",), ("callback",), ("receive", "q")):
        assert run(*argv, "--url", f"http://127.0.0.1:{port}") == 1
        assert "cannot reach the emulator" in capsys.readouterr().err
