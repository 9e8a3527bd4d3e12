"""Operation functions against the emulator's real VOD gateway: STS from the FC context, faults, logs.

The gateway verifies signatures and STS tokens and renders errors exactly as VOD does; the action itself is
answered by a one-video action table here, so these tests are about the function's plumbing around a real
VodClient (credentials, retries, error mapping, logging), not about VOD's data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from vodfc.emulator.app import get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc.context import Credentials, FCContext, local_context
from vodfc.emulator.mock import mock_vod
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.vod.exceptions import ForbiddenIllegalStatus, InvalidVideoNotFound, ThrottlingUser

from shared import VodClient
from shared.retry import RetryPolicy
from tests.functions.ops.harness import call_event, call_http, load_function

DEFAULT_AK = "vodfc-access-key-id"
VIDEO = {"VideoId": "v1", "Title": "cat", "Status": "Normal", "Snapshots": {"Snapshot": []}}


class OneVideoBackend:
    def __init__(self, account_id: str, region: str, store: Any) -> None:
        self.account_id, self.region = account_id, region
        self.lock = threading.RLock()
        self.seen: list[tuple[str, dict[str, str]]] = []

    def reset(self) -> None:
        self.seen = []


def get_video_info(backend: OneVideoBackend, params: Mapping[str, str], ctx: Any) -> dict[str, Any]:
    backend.seen.append(("GetVideoInfo", dict(params)))
    if params.get("VideoId") != "v1":
        raise InvalidVideoNotFound()
    return {"Video": dict(VIDEO)}


ACTIONS = {"GetVideoInfo": get_video_info}


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("VOD_ENDPOINT", "FC_REGION", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VODFC_HTTP_AUTH", "function")
    with mock_vod(EmulatorConfig(components=()), backend_factory=OneVideoBackend, actions=ACTIONS) as mock:
        yield mock


@pytest.fixture
def function(emulator: Any) -> Iterator[Any]:
    """GetVideoInfo with the real VodClient built from the context, retrying without real sleeps."""
    module = load_function("get_video_info")
    sleeps: list[float] = []

    def factory(context: Any) -> VodClient:
        return VodClient.from_context(
            context, retry=RetryPolicy(max_attempts=3, random=lambda: 1.0), sleep=sleeps.append
        )

    module.app.clients.override(factory)
    module.sleeps = sleeps
    yield module
    module.app.clients.override(None)


def sts_context(emulator: Any, request_id: str = "req-sts") -> FCContext:
    state = get_state(emulator.app)
    token = state.accounts.issue_sts_token(state.accounts.find(DEFAULT_AK).account_id)
    creds = Credentials(token.access_key_id, token.access_key_secret, token.security_token)
    return local_context(creds, request_id=request_id)


def test_both_faces_call_vod_with_the_contexts_sts_credentials(emulator: Any, function: Any) -> None:
    context = sts_context(emulator)
    assert call_event(function, {"VideoId": "v1"}, context)["Video"]["Title"] == "cat"
    answer = call_http(function, "GET", "/videos/v1", context=context)
    assert (answer.status, answer.json()["Video"]["VideoId"]) == (200, "v1")
    assert [action for action, _ in emulator.backend().seen] == ["GetVideoInfo", "GetVideoInfo"]


def test_the_default_client_provider_builds_a_working_client(emulator: Any) -> None:
    module = load_function("get_video_info")
    module.app.clients.reset()
    assert call_event(module, {"VideoId": "v1"}, sts_context(emulator))["Video"]["VideoId"] == "v1"


def test_unknown_video_is_404_with_vods_code_and_request_ids(emulator: Any, function: Any) -> None:
    answer = call_http(function, "GET", "/videos/zzz", context=sts_context(emulator, "req-404"))
    assert answer.status == 404
    body = answer.json()
    assert (body["Code"], body["RequestId"]) == ("InvalidVideo.NotFound", "req-404")
    assert body["VodRequestId"]


def test_throttling_and_dropped_connections_are_retried_by_shared(emulator: Any, function: Any) -> None:
    faults: list[Exception] = [ThrottlingUser(), DropConnection()]

    def flaky(backend: Any, action: str, params: Any, ctx: Any) -> None:
        if faults:
            raise faults.pop(0)

    get_state(emulator.app).before_action.append(flaky)
    answer = call_event(function, {"VideoId": "v1"}, sts_context(emulator))
    assert answer["Video"]["VideoId"] == "v1"
    assert faults == []
    assert len(function.sleeps) == 2


def test_throttling_that_does_not_stop_is_429_with_retry_after(emulator: Any, function: Any) -> None:
    get_state(emulator.app).before_action.append(lambda *args: (_ for _ in ()).throw(ThrottlingUser()))
    answer = call_http(function, "GET", "/videos/v1", context=sts_context(emulator))
    assert (answer.status, answer.json()["Code"]) == (429, "Throttling.User")
    assert answer.headers["Retry-After"] == "1"


def test_illegal_status_is_409(emulator: Any, function: Any) -> None:
    get_state(emulator.app).before_action.append(
        lambda *args: (_ for _ in ()).throw(ForbiddenIllegalStatus("Transcoding"))
    )
    answer = call_event(function, {"VideoId": "v1"}, sts_context(emulator))
    assert (answer["HttpStatus"], answer["Code"]) == (409, "Forbidden.IllegalStatus")


def test_refused_function_credentials_are_a_502_not_the_callers_fault(emulator: Any, function: Any) -> None:
    creds = Credentials("STS.unknown-key", "wrong-secret-123", "bogus-token-123")
    context = local_context(creds, request_id="r")
    answer = call_http(function, "GET", "/videos/v1", context=context)
    assert answer.status == 502
    assert "function's own credentials" in answer.json()["Message"]


def test_logs_are_fc_formatted_carry_the_request_id_and_hide_credentials(
    emulator: Any, function: Any, caplog: pytest.LogCaptureFixture
) -> None:
    context = sts_context(emulator, "req-logs")
    creds = context.credentials
    assert creds is not None
    faults: list[Exception] = [DropConnection()]
    get_state(emulator.app).before_action.append(lambda *a: faults and (_ for _ in ()).throw(faults.pop(0)))
    with caplog.at_level(logging.DEBUG):
        call_event(function, {"VideoId": "v1"}, context)
        call_http(function, "GET", "/videos/nope", context=context, headers={"Authorization": "FC ak:sig"})
    text = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [str(record.exc_text or "") for record in caplog.records]
    )
    assert "GetVideoInfo invoked" in text
    assert "retrying" in text  # shared's retry warning went through the same filters
    for secret in (creds.access_key_secret, creds.security_token):
        assert secret not in text
        assert secret not in caplog.text
    from shared.fc.logs import FcFormatter

    lines = [FcFormatter().format(r) for r in caplog.records if r.name == "vodfc.fc"]
    assert lines and all(" req-logs [" in line for line in lines)
