"""VodClient against the emulator's real gateway: signatures, AccessKeys, STS tokens, faults.

The gateway checks what the cloud checks (signature, key, token), renders errors like VOD, and
can inject faults through ``before_action`` hooks. The VOD actions themselves are answered by a
minimal backend here, so these tests cover only the transport: that the client's credential
handling and retries hold up against a server that really verifies them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import Any

import pytest
from vodfc.emulator.app import get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import mock_vod
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.vod.exceptions import InvalidVideoNotFound, ThrottlingUser

from shared import VodClient
from shared.errors import AuthFailed, NotFound, TransportError, VodError
from shared.retry import RetryPolicy

DEFAULT_AK, DEFAULT_SECRET = "vodfc-access-key-id", "vodfc-access-key-secret"


class TinyBackend:
    """One video, enough to see a real answer come back through the gateway."""

    def __init__(self, account_id: str, region: str, store: Any) -> None:
        self.account_id, self.region = account_id, region
        self.lock = threading.RLock()
        self.seen: list[tuple[str, dict[str, str]]] = []

    def reset(self) -> None:
        self.seen = []


def get_video_info(backend: TinyBackend, params: Mapping[str, str], ctx: Any) -> dict[str, Any]:
    backend.seen.append(("GetVideoInfo", dict(params)))
    if params.get("VideoId") != "v1":
        raise InvalidVideoNotFound()
    return {"Video": {"VideoId": "v1", "Size": "12", "Duration": "3.5", "Snapshots": {"Snapshot": []}}}


# The only action this emulator answers: anything else is InvalidApi.NotFound.
ACTIONS = {"GetVideoInfo": get_video_info}


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("VOD_ENDPOINT", "FC_REGION", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config = EmulatorConfig(components=())
    with mock_vod(config, backend_factory=TinyBackend, actions=ACTIONS) as mock:
        yield mock


def make_client(**kwargs: Any) -> VodClient:
    kwargs.setdefault("access_key_id", DEFAULT_AK)
    kwargs.setdefault("access_key_secret", DEFAULT_SECRET)
    return VodClient(retry=RetryPolicy(max_attempts=3, random=lambda: 1.0), sleep=lambda _s: None, **kwargs)


def test_a_signed_call_is_accepted_and_answered(emulator):
    video = make_client().get_video_info("v1")
    assert (video.video_id, video.size, video.duration) == ("v1", 12, 3.5)
    assert emulator.backend().seen == [("GetVideoInfo", {"VideoId": "v1"})]


def test_sts_credentials_from_the_fc_context_are_accepted(emulator):
    state = get_state(emulator.app)
    account_id = state.accounts.find(DEFAULT_AK).account_id
    token = state.accounts.issue_sts_token(account_id)
    context = SimpleNamespace(
        credentials=SimpleNamespace(
            access_key_id=token.access_key_id,
            access_key_secret=token.access_key_secret,
            security_token=token.security_token,
        ),
        region="cn-shanghai",
    )
    assert VodClient.from_context(context).get_video_info("v1").video_id == "v1"


def test_an_sts_key_without_its_token_is_refused(emulator):
    state = get_state(emulator.app)
    token = state.accounts.issue_sts_token(state.accounts.find(DEFAULT_AK).account_id)
    client = make_client(access_key_id=token.access_key_id, access_key_secret=token.access_key_secret)
    with pytest.raises(AuthFailed):
        client.get_video_info("v1")


def test_a_wrong_secret_is_an_auth_failure(emulator):
    with pytest.raises(AuthFailed) as caught:
        make_client(access_key_secret="not-the-secret").get_video_info("v1")
    # The core SDK renames SignatureDoesNotMatch when the server's string-to-sign equals its own.
    assert caught.value.code in ("SignatureDoesNotMatch", "InvalidAccessKeySecret")
    assert caught.value.http_status == 400


def test_an_unknown_key_is_an_auth_failure(emulator):
    with pytest.raises(AuthFailed) as caught:
        make_client(access_key_id="nobody").get_video_info("v1")
    assert caught.value.code == "InvalidAccessKeyId.NotFound"


def test_vod_errors_come_back_typed(emulator):
    with pytest.raises(NotFound) as caught:
        make_client().get_video_info("nope")
    assert caught.value.code == "InvalidVideo.NotFound"
    assert caught.value.request_id


def test_an_action_the_server_does_not_know_is_not_a_not_found(emulator):
    with pytest.raises(VodError) as caught:
        make_client().call("GetCategories", {}, idempotent=True)
    assert caught.value.code == "InvalidApi.NotFound"
    assert not isinstance(caught.value, NotFound)


def test_throttling_and_a_dropped_connection_are_retried(emulator):
    faults = [ThrottlingUser(), DropConnection()]

    def flaky(backend: Any, action: str, params: Mapping[str, str], ctx: Any) -> None:
        if faults:
            raise faults.pop(0)

    get_state(emulator.app).before_action.append(flaky)
    assert make_client().get_video_info("v1").video_id == "v1"
    assert faults == []


def test_a_connection_that_keeps_dropping_gives_up(emulator):
    def always_drop(backend: Any, action: str, params: Mapping[str, str], ctx: Any) -> None:
        raise DropConnection()

    get_state(emulator.app).before_action.append(always_drop)
    with pytest.raises(TransportError) as caught:
        make_client().get_video_info("v1")
    assert caught.value.attempts == 3


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.server import ThreadedServer

    app = create_app(EmulatorConfig(components=()), backend_factory=TinyBackend, actions=ACTIONS)
    running = ThreadedServer(app, port=0).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.server
@pytest.mark.parametrize("form", ["url", "endpoint"], ids=["http-url", "bare-host-port"])
def test_vod_endpoint_points_the_client_at_a_real_server(server, monkeypatch, form):
    monkeypatch.setenv("VOD_ENDPOINT", server.url if form == "url" else server.endpoint)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_AK)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_SECRET)
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    assert VodClient.from_env().get_video_info("v1").size == 12


@pytest.mark.server
def test_a_closed_port_is_a_transport_error(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransportError) as caught:
        make_client(endpoint=f"127.0.0.1:{port}").get_video_info("v1")
    assert caught.value.attempts == 3
