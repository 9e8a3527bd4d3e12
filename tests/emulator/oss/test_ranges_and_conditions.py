"""GetObject's Range and conditional headers as OSS answers them, through oss2 (both modes)."""

from __future__ import annotations

from typing import Any

import oss2
import pytest

BODY = b"0123456789"  # ten bytes: valid ranges lie within 0-9


@pytest.fixture
def bucket(target: Any) -> oss2.Bucket:
    bucket = target.bucket()
    bucket.put_object("r.bin", BODY)
    return bucket


@pytest.mark.parametrize(
    ("byte_range", "status", "content_range", "body"),
    [
        ((2, 5), 206, "bytes 2-5/10", BODY[2:6]),
        ((None, 3), 206, "bytes 7-9/10", BODY[7:]),
        ((4, None), 206, "bytes 4-9/10", BODY[4:]),
        # Past the end, by default OSS ignores the range and sends the whole object.
        ((5, 20), 200, None, BODY),
        ((10, 20), 200, None, BODY),
        ((None, 20), 200, None, BODY),
    ],
)
def test_range_by_default(
    bucket: oss2.Bucket, byte_range: Any, status: int, content_range: str | None, body: bytes
) -> None:
    got = bucket.get_object("r.bin", byte_range=byte_range)
    assert (got.status, got.headers.get("Content-Range"), got.read()) == (status, content_range, body)
    assert got.content_length == len(body)


def test_range_with_standard_behaviour(bucket: oss2.Bucket) -> None:
    standard = {"x-oss-range-behavior": "standard"}
    got = bucket.get_object("r.bin", byte_range=(5, 20), headers=standard)
    assert (got.status, got.headers["Content-Range"], got.read()) == (206, "bytes 5-9/10", BODY[5:])
    with pytest.raises(oss2.exceptions.ServerError) as error:
        bucket.get_object("r.bin", byte_range=(10, 20), headers=standard)
    assert (error.value.status, error.value.code) == (416, "InvalidRange")


def test_conditional_get_and_head(bucket: oss2.Bucket) -> None:
    head = bucket.head_object("r.bin")
    etag, modified = head.headers["ETag"], head.headers["Last-Modified"]
    long_ago = "Wed, 21 Oct 2015 07:28:00 GMT"

    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        with pytest.raises(oss2.exceptions.NotModified) as not_modified:
            bucket.get_object("r.bin", headers=headers)
        assert not_modified.value.status == 304
        assert not_modified.value.headers["ETag"] == etag
        with pytest.raises(oss2.exceptions.NotModified):
            bucket.head_object("r.bin", headers=headers)

    for headers in ({"If-Match": '"0123456789ABCDEF0123456789ABCDEF"'}, {"If-Unmodified-Since": long_ago}):
        with pytest.raises(oss2.exceptions.PreconditionFailed) as failed:
            bucket.get_object("r.bin", headers=headers)
        assert failed.value.status == 412
        assert failed.value.message == "At least one of the pre-conditions you specified did not hold"

    for headers in (
        {"If-Match": etag},
        {"If-None-Match": '"0123456789ABCDEF0123456789ABCDEF"'},
        {"If-Modified-Since": long_ago},
        {"If-Unmodified-Since": modified},
    ):
        assert bucket.get_object("r.bin", headers=headers).read() == BODY
