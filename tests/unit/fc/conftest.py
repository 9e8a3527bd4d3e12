"""Helpers for the shared.fc unit tests: a WSGI caller and a log capture that sees FC's root handler."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


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
