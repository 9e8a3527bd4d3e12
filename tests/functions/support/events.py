"""The event-function tests' harness: each function loaded as FC loads it, wired to a FakeVod.

Its fixtures (``vod``, ``clock``, ``fn``) are registered by the conftest of each folder that uses them
(tests/functions/, tests/shared/events/); the helpers are imported from here.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from vodfc.emulator.fc.context import Credentials, FCContext, FunctionMeta, local_context
from vodfc.emulator.project import discover

from tests.functions.support.fakes import FakeVod
from tests.repo import REPO

PROJECT = discover.discover(REPO)
FUNCTIONS = tuple(function.folder for function in PROJECT.event_functions)
NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z


def load_function(folder: str) -> ModuleType:
    """functions/<folder>/index.py under a unique module name, once per session (a warm instance)."""
    return discover.load_function(REPO, folder)


def sends_exactly(vod: FakeVod, folder: str) -> bool:
    """The VOD actions ``vod`` saw are exactly those the static analysis found in the function's code."""
    return {action for action, _ in vod.calls} == set(PROJECT.function(folder).vod_actions)


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def vod() -> FakeVod:
    return FakeVod()


def context(timeout: int = 60) -> FCContext:
    return local_context(
        credentials=Credentials("STS.test-key-id", "test-secret-value-123", "test-security-token-123"),
        function=FunctionMeta("fn", "index.handler", 128, timeout),
    )


@pytest.fixture
def fn(
    vod: FakeVod, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """``fn("auto_tag")`` -> the module, its app using ``vod`` and ``clock``; config env vars cleared."""
    used: list[ModuleType] = []
    for function in PROJECT.event_functions:
        config = function.app.config
        if config is not None:
            monkeypatch.delenv(config.env, raising=False)
            monkeypatch.delenv(config.file_env, raising=False)
    monkeypatch.setenv("VODFC_SWEEP_CONFIG", json.dumps({"state_file": str(tmp_path / "sweep.json")}))

    def get(folder: str) -> ModuleType:
        module = load_function(folder)
        module.app.clients.override(vod)
        module.app.clock = clock
        module.app._verifier = None
        used.append(module)
        return module

    yield get
    for module in used:
        module.app.clients.override(None)
    # Every action sent at run time was found by the analysis that writes the service role's policy.
    declared = {action for module in used for action in PROJECT.function(module.app.name).vod_actions}
    assert {action for action, _ in vod.calls} <= declared


def invoke(module: ModuleType, event: Any, timeout: int = 60) -> dict[str, Any]:
    """The event face, as FC calls it (bytes in, JSON text out)."""
    payload = event if isinstance(event, (bytes, str)) else json.dumps(event).encode()
    return json.loads(module.handler(payload, context(timeout)))


def post(
    module: ModuleType, body: bytes, headers: dict[str, str], path: str = "/"
) -> tuple[int, dict[str, Any]]:
    """The HTTP face (FC 2.0 WSGI), as VOD's callback reaches it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "fc.context": context(),
        "fc.request_uri": f"/2016-08-15/proxy/vodfc/Fn{path}",
        "HTTP_HOST": "fc.example.com",
    }
    for key, value in headers.items():
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split()[0])

    body_out = b"".join(module.http_handler(environ, start_response))
    return captured["status"], json.loads(body_out)
