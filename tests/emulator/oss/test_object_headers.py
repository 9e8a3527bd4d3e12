"""The headers OSS keeps with an object and answers with, through oss2 (both modes)."""

from __future__ import annotations

from typing import Any

import oss2
import pytest
import requests

KEPT = {
    "Cache-Control": "no-cache",
    "Content-Disposition": 'attachment; filename="clip.mp4"',
    "Content-Encoding": "identity",
    "Content-Language": "zh-CN",
    "Expires": "Wed, 21 Oct 2015 07:28:00 GMT",
}


def test_standard_headers_and_storage_class_are_kept(target: Any) -> None:
    bucket = target.bucket()
    bucket.put_object("k.mp4", b"data", headers={**KEPT, "x-oss-storage-class": "IA"})
    for answer in (bucket.get_object("k.mp4"), bucket.head_object("k.mp4")):
        assert {name: answer.headers.get(name) for name in KEPT} == KEPT
        assert answer.headers["x-oss-storage-class"] == "IA"
    assert [o.storage_class for o in bucket.list_objects().object_list] == ["IA"]
    upload_id = bucket.init_multipart_upload("m.mp4", headers={"Cache-Control": "max-age=60"}).upload_id
    bucket.upload_part("m.mp4", upload_id, 1, b"part")
    bucket.complete_multipart_upload("m.mp4", upload_id, None, headers={"x-oss-complete-all": "yes"})
    assert bucket.head_object("m.mp4").headers["Cache-Control"] == "max-age=60"
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.put_object("bad.mp4", b"data", headers={"x-oss-storage-class": "Platinum"})


def test_response_parameters_override_the_answer(target: Any) -> None:
    bucket = target.bucket()
    bucket.put_object("k.mp4", b"data", headers={"Content-Type": "video/mp4"})
    override = {"response-content-disposition": "attachment; filename=x.mp4", "response-content-type": "a/b"}
    got = bucket.get_object("k.mp4", params=override)
    assert (got.headers["Content-Disposition"], got.headers["Content-Type"]) == (
        "attachment; filename=x.mp4",
        "a/b",
    )
    signed = requests.get(bucket.sign_url("GET", "k.mp4", 60, params=override), timeout=5)
    assert signed.headers["Content-Disposition"] == "attachment; filename=x.mp4"
    assert bucket.get_object("k.mp4").headers["Content-Type"] == "video/mp4"  # the object is unchanged


def test_empty_answers_name_no_content_type(target: Any) -> None:
    bucket = target.bucket()
    assert "Content-Type" not in bucket.put_object("k", b"v").headers
    assert "Content-Type" not in bucket.get_object_meta("k").headers
