"""The policy model: RAM documents in, allow/deny decisions out, the same for VOD and OSS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from vodfc.emulator.accounts import Accounts
from vodfc.emulator.config import DEFAULT_ACCESS_KEY
from vodfc.emulator.policy import (
    Policy,
    PolicyError,
    Statement,
    oss_action,
    oss_resource,
    upload_policy,
    vod_resource,
)

from tests.repo import REPO

VOD = vod_resource("cn-shanghai", "1234567890123456")


def test_wildcards_and_case() -> None:
    policy = Policy.from_document(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["vod:Get*"], "Resource": "*"}]}
    )
    assert policy.allows("vod:GetVideoInfo", VOD)
    assert policy.allows("VOD:getvideoinfo", VOD)  # actions compare like RAM: regardless of case
    assert not policy.allows("vod:DeleteVideo", VOD)
    single = Policy.allow(["oss:PutObject"], [oss_resource("b", "dir/?.mp4")])
    assert single.allows("oss:PutObject", oss_resource("b", "dir/a.mp4"))
    assert not single.allows("oss:PutObject", oss_resource("b", "dir/ab.mp4"))
    assert not single.allows("oss:PutObject", oss_resource("b", "DIR/a.mp4"))  # resources are exact


def test_an_explicit_deny_wins_and_silence_refuses() -> None:
    policy = Policy(
        (
            Statement("Allow", ("vod:*",)),
            Statement("Deny", ("vod:Delete*",), (VOD,)),
        )
    )
    assert policy.allows("vod:UpdateVideoInfo", VOD)
    assert not policy.allows("vod:DeleteVideo", VOD)
    assert policy.allows("vod:DeleteVideo", vod_resource("cn-beijing", "1234567890123456"))
    assert not policy.allows("oss:PutObject", oss_resource("b", "k"))


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        {"Statement": []},
        {"Statement": [{"Effect": "Maybe", "Action": "vod:*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "vod:*", "Resource": "*", "Condition": {}}]},
        {"Statement": [{"Effect": "Allow", "NotAction": "vod:*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "vod:*", "Resource": "*", "Extra": 1}]},
    ],
)
def test_documents_the_emulator_cannot_evaluate_are_refused(document: Any) -> None:
    with pytest.raises(PolicyError):
        Policy.from_document(document)


def test_system_policy_names_and_the_templates_own_policies() -> None:
    assert Policy.from_documents(["AliyunVODFullAccess"]).allows("vod:DeleteVideo", VOD)
    with pytest.raises(PolicyError):
        Policy.from_documents(["AliyunEverythingAccess"])
    template = yaml.safe_load((REPO / "template.yml").read_text("utf-8"))
    role = Policy.from_documents(template["Resources"]["vodfc"]["Properties"]["Policies"])
    assert role.allows("vod:GetVideoInfo", VOD) and role.allows("vod:SearchMedia", VOD)
    assert not role.allows("vod:CreateUploadVideo", VOD)
    assert Policy.from_document(role.to_document()) == role


def test_oss_requests_map_to_rams_action_names() -> None:
    assert oss_action("PUT", "k", {}) == "oss:PutObject"
    assert oss_action("POST", "k", {"uploads": ""}) == "oss:PutObject"  # initiate
    assert oss_action("PUT", "k", {"uploadId": "u", "partNumber": "1"}) == "oss:PutObject"
    assert oss_action("POST", "k", {"uploadId": "u"}) == "oss:PutObject"  # complete
    assert oss_action("GET", "k", {"uploadId": "u"}) == "oss:ListParts"
    assert oss_action("DELETE", "k", {"uploadId": "u"}) == "oss:AbortMultipartUpload"
    assert oss_action("HEAD", "k", {}) == "oss:GetObject"
    assert oss_action("DELETE", "k", {}) == "oss:DeleteObject"
    assert oss_action("PUT", "", {}) == "oss:PutBucket"
    assert oss_action("GET", "", {}) == "oss:ListObjects"


def test_upload_policy_covers_its_objects_only() -> None:
    policy = upload_policy("outin-x", ("sv/a/b.m3u8",), prefix="sv/a/")
    assert policy.allows("oss:PutObject", oss_resource("outin-x", "sv/a/b.m3u8"))
    assert policy.allows("oss:PutObject", oss_resource("outin-x", "sv/a/seg-1.ts"))
    assert policy.allows("oss:ListParts", oss_resource("outin-x", "sv/a/b.m3u8"))
    assert not policy.allows("oss:GetObject", oss_resource("outin-x", "sv/a/b.m3u8"))
    assert not policy.allows("oss:PutObject", oss_resource("outin-x", "sv/other.mp4"))
    assert not policy.allows("oss:PutBucket", oss_resource("outin-x"))
    assert not policy.allows("vod:GetVideoInfo", VOD)


def test_sts_tokens_carry_the_policy_they_were_issued_with() -> None:
    accounts = Accounts([DEFAULT_ACCESS_KEY])
    scoped = accounts.issue_sts_token("1234567890123456", policy=Policy.allow(["vod:GetVideoInfo"]))
    full = accounts.issue_sts_token("1234567890123456")
    assert accounts.find(scoped.access_key_id) == scoped
    assert scoped.allows("vod:GetVideoInfo", VOD) and not scoped.allows("vod:DeleteVideo", VOD)
    assert full.allows("vod:DeleteVideo", VOD)
    assert accounts.find(DEFAULT_ACCESS_KEY.access_key_id).allows("oss:PutBucket", oss_resource("b"))  # type: ignore[union-attr]


def test_long_expired_tokens_are_forgotten_and_the_key_ring_stays_bounded() -> None:
    now = [datetime(2026, 1, 1, tzinfo=timezone.utc)]
    accounts = Accounts([DEFAULT_ACCESS_KEY], clock=lambda: now[0])
    first = [accounts.issue_sts_token("1234567890123456", 60) for _ in range(1000)]
    now[0] += timedelta(hours=2)
    assert accounts.find(first[0].access_key_id) is not None  # expired, still answered as expired
    now[0] += timedelta(days=2)
    for _ in range(1100):
        accounts.issue_sts_token("1234567890123456", 60)
    assert all(accounts.find(token.access_key_id) is None for token in first)
    assert accounts.find(DEFAULT_ACCESS_KEY.access_key_id) is not None
