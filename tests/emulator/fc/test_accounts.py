"""FC resources belong to an account: another account's keys do not find them, the functions act with
their own account's credentials, and only their own account's VOD events reach them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fc2
import pytest
import requests
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_ACCESS_KEY, DEFAULT_ACCOUNT_ID, AccessKeyPair
from vodfc.emulator.events import get_bus
from vodfc.emulator.fc import get_fc
from vodfc.emulator.mock import MockVod

from tests.emulator.fc.support import CONFIG, FC_HOST_URL, fc_client

OTHER = AccessKeyPair("other-key-id", "other-key-secret", "222")
SNAPSHOT = {"EventType": "SnapshotComplete", "VideoId": "v-1", "Status": "success"}


def _app(probe_template: Path, monkeypatch: pytest.MonkeyPatch, owner: str | None = None) -> Any:
    if owner is not None:
        monkeypatch.setenv("VODFC_FC_ACCOUNT", owner)
    app = create_app(CONFIG.with_changes(access_keys=(DEFAULT_ACCESS_KEY, OTHER)))
    get_fc(app).sleep = lambda seconds: None
    get_fc(app).load(probe_template)
    return app


@pytest.fixture
def two_accounts(probe_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    app = _app(probe_template, monkeypatch)
    with MockVod(app=app):
        yield app
    get_fc(app).close()


def _other_client() -> Any:
    return fc_client(access_key_id=OTHER.access_key_id, access_key_secret=OTHER.access_key_secret)


def test_another_accounts_key_finds_none_of_the_functions(two_accounts: Any) -> None:
    client = _other_client()
    for call in (
        lambda: client.invoke_function("probe", "Probe", payload=b"{}"),
        lambda: client.get_service("probe"),
        lambda: client.get_function("probe", "Probe"),
        lambda: client.list_functions("probe"),
        lambda: client.list_triggers("probe", "Ticker"),
        lambda: client.get_trigger("probe", "Ticker", "every-minute"),
    ):
        with pytest.raises(fc2.FcError) as caught:
            call()
        assert (caught.value.status_code, caught.value.err_code) == (404, "ServiceNotFound")
    assert client.list_services().data["services"] == []
    # A trigger with AuthType function checks the signer's account too.
    response = client.do_http_request("GET", "probe", "ProbeHttp", "/x", headers={})
    assert (response.status_code, response.json()["ErrorCode"]) == (404, "ServiceNotFound")
    # The owner's key works, and nothing ran for the other account.
    assert json.loads(fc_client().invoke_function("probe", "Probe", payload=b"{}").data)["calls"] == 1


def test_functions_act_with_their_own_accounts_credentials(two_accounts: Any) -> None:
    answer = json.loads(fc_client().invoke_function("probe", "Probe", payload=b"{}").data)
    key = get_state(two_accounts).accounts.find(answer["credentials"][0])
    assert key is not None and key.is_temporary and key.account_id == DEFAULT_ACCOUNT_ID
    assert answer["account_id"] == answer["env"]["FC_ACCOUNT_ID"] == DEFAULT_ACCOUNT_ID


def test_only_the_owning_accounts_events_reach_the_functions(two_accounts: Any) -> None:
    bus = get_bus(two_accounts)
    runtime = get_fc(two_accounts).runtime
    bus.emit(SNAPSHOT, account_id=OTHER.account_id)
    assert bus.flush(10)
    assert runtime.deliveries == []
    bus.emit(SNAPSHOT, account_id=DEFAULT_ACCOUNT_ID)
    assert bus.flush(10)
    assert sorted(d.function for d in runtime.deliveries) == ["OnAnything", "OnSnapshot"]


def test_the_functions_can_belong_to_another_account(
    probe_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(probe_template, monkeypatch, owner=OTHER.account_id)
    try:
        with MockVod(app=app):
            with pytest.raises(fc2.FcError) as caught:
                fc_client().invoke_function("probe", "Probe", payload=b"{}")
            assert caught.value.err_code == "ServiceNotFound"
            answer = json.loads(_other_client().invoke_function("probe", "Probe", payload=b"{}").data)
            assert answer["account_id"] == OTHER.account_id
            key = get_state(app).accounts.find(answer["credentials"][0])
            assert key is not None and key.account_id == OTHER.account_id
            # An anonymous trigger's URL names the owner: anyone reaches it.
            assert (
                requests.get(f"{FC_HOST_URL}/2016-08-15/proxy/probe/ProbeOpen/x", timeout=10).status_code
                == 201
            )
    finally:
        get_fc(app).close()


def test_an_unknown_owning_account_is_refused(probe_template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VODFC_FC_ACCOUNT", "999")
    with pytest.raises(ValueError, match="VODFC_FC_ACCOUNT=999"):
        create_app(CONFIG)
