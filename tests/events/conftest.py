"""Fixtures for the event-function tests: each function loaded as FC loads it, wired to a FakeVod."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from shared.fc.context import FcContext, FcCredentials, FcFunctionMeta

from .fakes import FakeVod

REPO = Path(__file__).resolve().parents[2]
FUNCTIONS = ("auto_tag", "delete_source", "tag_images", "sweep_failed_uploads", "prune_streams")
NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z

_loaded: dict[str, ModuleType] = {}


def load_function(folder: str) -> ModuleType:
    """functions/<folder>/index.py under a unique module name, once per session (a warm instance)."""
    if folder not in _loaded:
        name = f"vodfc_event_fn_{folder}"
        spec = importlib.util.spec_from_file_location(name, REPO / "functions" / folder / "index.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _loaded[folder] = module
    return _loaded[folder]


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


def context(timeout: int = 60) -> FcContext:
    return FcContext(
        credentials=FcCredentials("STS.test-key-id", "test-secret-value-123", "test-security-token-123"),
        function=FcFunctionMeta(name="fn", timeout=timeout),
    )


@pytest.fixture
def fn(
    vod: FakeVod, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """``fn("auto_tag")`` -> the module, its app using ``vod`` and ``clock``; config env vars cleared."""
    used: list[ModuleType] = []
    for name in ("AUTO_TAG", "DELETE_SOURCE", "TAG_IMAGES", "PRUNE_STREAMS", "SWEEP"):
        monkeypatch.delenv(f"VODFC_{name}_CONFIG", raising=False)
        monkeypatch.delenv(f"VODFC_{name}_CONFIG_FILE", raising=False)
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
