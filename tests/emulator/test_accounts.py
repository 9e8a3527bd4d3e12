"""The key ring's long-lived keys of an account: what a client of it signs with (the dashboard uploads
with the first), never VOD's own service key, an STS token or a disabled key."""

from __future__ import annotations

from vodfc.emulator.accounts import Accounts
from vodfc.emulator.config import AccessKeyPair


def test_usable_keys_are_the_account_s_active_long_lived_ones_configured_first() -> None:
    accounts = Accounts(
        [AccessKeyPair("a1", "s", "111"), AccessKeyPair("b1", "s", "222"), AccessKeyPair("a2", "s", "111")]
    )
    accounts.add("a3", "s", "111")
    accounts.service_key("111")
    accounts.issue_sts_token("111")
    assert [key.access_key_id for key in accounts.usable_keys("111")] == ["a1", "a2", "a3"]
    assert [key.access_key_id for key in accounts.usable_keys("222")] == ["b1"]
    accounts.set_active("a1", False)
    assert [key.access_key_id for key in accounts.usable_keys("111")] == ["a2", "a3"]
    assert accounts.usable_keys("333") == []
    accounts.reset()
    assert [key.access_key_id for key in accounts.usable_keys("111")] == ["a1", "a2"]
