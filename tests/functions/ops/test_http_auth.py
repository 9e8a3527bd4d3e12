"""HTTP auth of the operation functions, configured the way a deployment does it: environment variables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vodfc.emulator.fc.context import local_context

from shared.models import Video
from tests.functions.ops.harness import OPERATIONS, SpyVod, call_http, load_function

TOKEN = "operator-token-0123456789"


@pytest.fixture
def get_video_info(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("VODFC_HTTP_AUTH", "token")
    monkeypatch.setenv("VODFC_HTTP_TOKEN", TOKEN)
    module = load_function(OPERATIONS["GetVideoInfo"])
    module.app.clients.override(SpyVod(get_video_info=Video.from_dict({"VideoId": "v1"})))
    yield module
    module.app.clients.override(None)


def call(module: Any, headers: dict[str, str]) -> Any:
    return call_http(
        module, "GET", "/videos/v1", headers=headers, context=local_context(request_id="req-auth")
    )


def test_the_configured_token_lets_the_request_through(get_video_info: Any) -> None:
    assert call(get_video_info, {"Authorization": f"Bearer {TOKEN}"}).status == 200


def test_no_token_is_401(get_video_info: Any) -> None:
    answer = call(get_video_info, {})
    assert (answer.status, answer.json()["Code"], answer.json()["RequestId"]) == (
        401,
        "MissingAuthorization",
        "req-auth",
    )


def test_a_wrong_token_is_403(get_video_info: Any) -> None:
    answer = call(get_video_info, {"Authorization": f"Bearer {TOKEN}x"})
    assert (answer.status, answer.json()["Code"]) == (403, "InvalidToken")


def test_the_token_never_reaches_the_log(get_video_info: Any, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        call(get_video_info, {"Authorization": f"Bearer {TOKEN}"})
        logging.getLogger("vodfc.test").info("operator pasted %s", TOKEN)
    assert TOKEN not in caplog.text


def test_explicitly_open_functions_need_no_token(get_video_info: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("VODFC_HTTP_AUTH", "none")
    assert call(get_video_info, {}).status == 200


def test_a_token_function_without_a_token_configured_refuses_everyone(
    get_video_info: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VODFC_HTTP_TOKEN")
    answer = call(get_video_info, {"Authorization": "Bearer anything"})
    assert (answer.status, answer.json()["Code"]) == (500, "FunctionNotConfigured")
