"""A scriptable fake of VOD's RPC endpoint, reached through the real AcsClient.

The core SDK sends with its vendored copy of requests, so the mock patches that adapter (plain
``responses.activate`` would not see the calls). Tests register per-Action answers and read back the query
parameters the SDK actually put on the wire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from shared import VodClient
from shared.retry import RetryPolicy

SDK_ADAPTER = "aliyunsdkcore.vendored.requests.adapters.HTTPAdapter.send"

Answer = dict[str, Any] | tuple[int, dict[str, Any]] | BaseException
Handler = Callable[[dict[str, str]], Answer]


def error_body(code: str, message: str = "boom", request_id: str = "REQ-ERR") -> dict[str, Any]:
    return {
        "RequestId": request_id,
        "HostId": "vod.cn-shanghai.aliyuncs.com",
        "Code": code,
        "Message": message,
    }


class FakeVod:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler | list[Answer]] = {}
        self.requests: list[dict[str, Any]] = []

    @property
    def calls(self) -> list[dict[str, str]]:
        """The query parameters of every request sent, in order."""
        return [r["params"] for r in self.requests]

    def actions(self) -> list[str]:
        return [p["Action"] for p in self.calls]

    def on(self, action: str, answer: Handler | Answer | list[Answer]) -> None:
        """Answer ``action`` with a handler, a fixed answer, or a queue of answers (one per call)."""
        if callable(answer) and not isinstance(answer, BaseException):
            self.handlers[action] = answer
        elif isinstance(answer, list):
            self.handlers[action] = list(answer)
        else:
            self.handlers[action] = lambda _params, a=answer: a

    def callback(self, request: Any) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(request.url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.requests.append(
            {"url": request.url, "scheme": parts.scheme, "host": parts.netloc, "params": params}
        )
        handler = self.handlers.get(params.get("Action", ""))
        if handler is None:
            answer: Answer = (404, error_body("InvalidApi.NotFound", "Specified api is not found"))
        elif isinstance(handler, list):
            answer = handler.pop(0) if len(handler) > 1 else handler[0]
        else:
            answer = handler(params)
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        body = {"RequestId": f"REQ-{len(self.requests)}", **body}
        return status, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(body)


@pytest.fixture
def fake_vod() -> Iterator[FakeVod]:
    fake = FakeVod()
    with responses.RequestsMock(target=SDK_ADAPTER, assert_all_requests_are_fired=False) as rsps:
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(r"https?://.*"), callback=fake.callback)
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(fake_vod: FakeVod, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> VodClient:
    """A VodClient with fixed credentials, no endpoint override, and a fake sleep (delays are recorded).

    Named `client` so it does not shadow the emulator plugin's `vod` fixture.
    """
    for name in ("VOD_ENDPOINT", "FC_REGION"):
        monkeypatch.delenv(name, raising=False)
    return VodClient(
        access_key_id="test-ak",
        access_key_secret="test-secret",
        retry=RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=3.0, random=lambda: 1.0),
        sleep=sleeps.append,
    )
