"""ListObjects v1 and v2, DeleteMultipleObjects, and bucket sub-resources, through oss2 (both modes)."""

from __future__ import annotations

from typing import Any

import oss2
import pytest
from vodfc.emulator.policy import Policy, oss_resource

KEYS = ["a/1", "a/2", "b", "c/x/1", "d", "e f+g", "ü/1"]


@pytest.fixture
def bucket(target: Any) -> oss2.Bucket:
    bucket = target.bucket()
    for key in KEYS:
        bucket.put_object(key, b"x")
    return bucket


def test_list_objects_v2_pages_with_continuation_tokens(bucket: oss2.Bucket) -> None:
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=2)] == KEYS
    grouped = [o.key for o in oss2.ObjectIteratorV2(bucket, delimiter="/", max_keys=2)]
    assert grouped == ["a/", "b", "c/", "d", "e f+g", "ü/"]
    page = bucket.list_objects_v2(max_keys=3)
    assert page.is_truncated and page.next_continuation_token
    assert [o.key for o in page.object_list] == KEYS[:3] and page.object_list[0].owner is None
    assert bucket.list_objects_v2(max_keys=1, fetch_owner=True).object_list[0].owner is not None
    after = bucket.list_objects_v2(start_after="c", delimiter="/")
    assert [o.key for o in after.object_list] == ["d", "e f+g"] and after.prefix_list == ["c/", "ü/"]


def test_list_objects_v1_counts_a_common_prefix_once(bucket: oss2.Bucket) -> None:
    assert [o.key for o in oss2.ObjectIterator(bucket, delimiter="/", max_keys=2)] == [
        "a/",
        "b",
        "c/",
        "d",
        "e f+g",
        "ü/",
    ]
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.list_objects(max_keys=1001)


def test_batch_delete(bucket: oss2.Bucket) -> None:
    result = bucket.batch_delete_objects(["a/1", "no-such-key", "e f+g"])
    assert result.deleted_keys == ["a/1", "no-such-key", "e f+g"]  # a missing key counts as deleted
    assert [o.key for o in oss2.ObjectIteratorV2(bucket)] == ["a/2", "b", "c/x/1", "d", "ü/1"]


def test_batch_delete_is_checked_per_object(target: Any, bucket: oss2.Bucket) -> None:
    only_b = Policy.allow(["oss:DeleteObject"], [oss_resource(target.bucket_name, "b")])
    token = target.state.accounts.issue_sts_token(target.vod.credentials.account_id, policy=only_b)
    scoped = target.bucket(oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token))
    assert scoped.batch_delete_objects(["b"]).deleted_keys == ["b"]
    with pytest.raises(oss2.exceptions.AccessDenied):
        scoped.batch_delete_objects(["d", "a/2"])
    assert bucket.object_exists("d") and bucket.object_exists("a/2")


@pytest.mark.parametrize("call", ["get_bucket_info", "get_bucket_acl", "get_bucket_location"])
def test_a_bucket_sub_resource_is_not_answered_with_a_listing(bucket: oss2.Bucket, call: str) -> None:
    with pytest.raises(oss2.exceptions.ServerError) as error:
        getattr(bucket, call)()
    assert (error.value.status, error.value.code) == (501, "NotImplemented")
