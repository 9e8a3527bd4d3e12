"""Configuration from the environment, and extra AccessKey pairs mapping to their own accounts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.config import DEFAULT_ACCESS_KEY, AccessKeyPair, EmulatorConfig, parse_access_keys
from vodfc.emulator.mock import MockVod


def test_environment_variables_override_the_defaults() -> None:
    config = EmulatorConfig.from_env(
        {
            "VODFC_REGION": "cn-beijing",
            "VODFC_ACCESS_KEYS": "ak2:sk2:222, ak3:sk3",
            "VODFC_VERIFY_SIGNATURES": "off",
            "VODFC_DATA_DIR": "/tmp/state",
        }
    )
    assert config.region == "cn-beijing"
    assert config.access_keys == (
        DEFAULT_ACCESS_KEY,
        AccessKeyPair("ak2", "sk2", "222"),
        AccessKeyPair("ak3", "sk3", DEFAULT_ACCESS_KEY.account_id),
    )
    assert config.verify_signatures is False
    assert config.data_dir == "/tmp/state"
    assert EmulatorConfig.from_env({}) == EmulatorConfig()


@pytest.mark.parametrize("text", ["justakey", "ak:", "a:b:c:d"])
def test_malformed_access_keys_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"id:secret\[:account\]"):
        parse_access_keys(text)


def test_an_extra_key_pair_reaches_its_own_accounts_backend(make_fake_app: Any) -> None:
    app = make_fake_app(access_keys=(DEFAULT_ACCESS_KEY, AccessKeyPair("ak2", "sk2", "2222222222222222")))
    with MockVod(app=app) as mock:
        mock.backend("2222222222222222").put("v1", Title="second account")
        mock.backend().put("v1", Title="default account")
        request = GetVideoInfoRequest()
        request.set_VideoId("v1")
        body = json.loads(AcsClient("ak2", "sk2", "cn-shanghai").do_action_with_exception(request))
    assert body["Video"]["Title"] == "second account"
    assert body["Context"]["Account"] == "2222222222222222"
