"""Helpers for the shared.fc unit tests: a small fake VodClient and the OperationApp built on it, a WSGI
caller, and a log capture that sees FC's root handler (its fixture is registered by the conftest here)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from vodfc.emulator.fc.context import Credentials, FCContext, local_context

from shared.errors import NotFound
from shared.fc import Field, HttpAuth, OperationApp, Schema


@dataclass
class WsgiAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call_wsgi(
    app: Any,
    method: str,
    path: str,
    *,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    context: Any = None,
) -> WsgiAnswer:
    """Call a WSGI handler with an environ shaped like FC 2.0's runtime builds it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "FCRUNTIME",
        "SERVER_PORT": "9000",
        "wsgi.input": io.BytesIO(body),
        "fc.context": context,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> Any:
        captured[:] = [int(status.split(" ", 1)[0]), dict(response_headers)]
        return lambda data: None

    chunks = app(environ, start_response)
    return WsgiAnswer(captured[0], captured[1], b"".join(chunks))


@dataclass
class LogLines:
    records: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.records)


class _ListHandler(logging.Handler):
    def __init__(self, sink: LogLines) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.records.append(self.format(record))


@pytest.fixture
def fc_logs() -> Iterator[LogLines]:
    """Every log line the root logger emits during the test, formatted the FC way."""
    from shared.fc.logs import FcFormatter

    sink = LogLines()
    handler = _ListHandler(sink)
    handler.setFormatter(FcFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield sink
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


SECRET = "sts-secret-value-0123456789"
TOKEN = "sts-token-value-abcdefghijklmnop"


class FakeVod:
    """Stands in for VodClient: answers get_video_info from a dict, or raises the error it was given."""

    def __init__(self, videos: dict[str, dict[str, Any]] | None = None, error: Exception | None = None):
        self.videos = videos or {}
        self.error = error
        self.calls: list[str] = []

    def get_video_info(self, video_id: str) -> dict[str, Any]:
        self.calls.append(video_id)
        if self.error is not None:
            raise self.error
        if video_id not in self.videos:
            raise NotFound("InvalidVideo.NotFound", "The video does not exist.", request_id="VOD-REQ-1")
        return self.videos[video_id]


def build_app(vod: Any, auth: HttpAuth | None = None) -> OperationApp:
    app = OperationApp(
        "GetVideoInfo",
        Schema(Field("VideoId", required=True), Field("OutputType", choices=("oss", "cdn"))),
        auth=auth or HttpAuth(mode="none"),
    )

    @app.operation
    def get_video_info(client: Any, args: dict[str, Any]) -> dict[str, Any]:
        if args["VideoId"] == "explode":
            raise RuntimeError(f"internal detail with {SECRET}")
        return {"Video": client.get_video_info(args["VideoId"])}

    app.route("GET", "/videos/{video_id}", path={"video_id": "VideoId"}, query={"output_type": "OutputType"})
    app.route("POST", "/videos/{video_id}/touch", path={"video_id": "VideoId"}, body=True, also=("PUT",))
    app.clients.override(vod)
    return app


def context(request_id: str = "req-1") -> FCContext:
    return local_context(Credentials("ak-id", SECRET, TOKEN), request_id=request_id)
