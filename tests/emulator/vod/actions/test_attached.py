"""Auxiliary media assets end to end, as a user drives them: CreateUploadAttachedMedia through an official
SDK, the file uploaded with oss2 from the returned address and credentials, then GetAttachedMediaInfo,
SearchMedia (SearchType=attached), UpdateAttachedMediaInfos and DeleteAttachedMedia.

Request and answer fields are the SDKs' (aliyun-python-sdk-vod's request classes, the Tea models, which
``sdk.call`` checks every answer against); SearchMedia's ``AttachedMedia`` fields are shared/spec/vod-api.md
§SearchMedia's; the upload shapes are those of CreateUploadVideo/Image (vod-events-upload.md §5).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import oss2
import pytest
import requests
from vodfc.emulator.app import emulator_of

SUBTITLES = b"WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n"


def create(sdk: Any, **params: Any) -> dict[str, Any]:
    return sdk.call("CreateUploadAttachedMedia", {"BusinessType": "subtitle", "MediaExt": "vtt", **params})


def bucket_of(created: dict[str, Any]) -> tuple[oss2.Bucket, str]:
    """The upload SDK's steps: Base64-decode both blobs, then oss2 with the STS credentials."""
    address = json.loads(base64.b64decode(created["UploadAddress"]))
    auth = json.loads(base64.b64decode(created["UploadAuth"]))
    assert list(address) == ["Endpoint", "Bucket", "FileName"]
    assert {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"} <= set(auth)
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    return oss2.Bucket(sts, address["Endpoint"], address["Bucket"]), address["FileName"]


def info(sdk: Any, *media_ids: str, **params: Any) -> dict[str, Any]:
    return sdk.call("GetAttachedMediaInfo", {"MediaIds": ",".join(media_ids), **params})


def search(sdk: Any, match: str | None = None) -> list[dict[str, Any]]:
    params = {"SearchType": "attached", "Fields": "Title,BusinessType,Categories,URL,Status,Tags,Description"}
    if match is not None:
        params["Match"] = match
    return sdk.call("SearchMedia", params)["MediaList"]  # type: ignore[no-any-return]


def test_an_attached_medium_is_uploaded_found_updated_and_deleted(sdk: Any, vod: Any) -> None:
    first = sdk.call("AddCategory", {"CateName": "subtitles"})["Category"]
    second = sdk.call("AddCategory", {"CateName": "english", "ParentId": first["CateId"]})["Category"]
    created = create(
        sdk,
        Title="episode 1 subtitles",
        Description="English",
        Tags="en,episode1",
        CateIds=f"{first['CateId']},{second['CateId']}",
        FileName="D:\\subs\\ep1.vtt",
    )
    media_id = created["MediaId"]
    assert created["MediaURL"] == created["FileURL"] and created["FileURL"].endswith(
        f"/subtitle/{media_id}.vtt"
    )
    (pending,) = info(sdk, media_id)["AttachedMediaList"]
    assert pending["Status"] == "Uploading"

    bucket, key = bucket_of(created)
    bucket.put_object(key, SUBTITLES)
    body = info(sdk, media_id, "no-such-media")
    assert body["NonExistMediaIds"] == ["no-such-media"]
    (item,) = body["AttachedMediaList"]
    assert (item["MediaId"], item["Type"], item["Status"], item["Title"]) == (
        media_id,
        "subtitle",
        "Normal",
        "episode 1 subtitles",
    )
    assert (item["Description"], item["Tags"], item["AppId"]) == ("English", "en,episode1", "app-1000000")
    assert item["Categories"] == [
        {"CateId": first["CateId"], "CateName": "subtitles", "Level": 0, "ParentId": -1},
        {"CateId": second["CateId"], "CateName": "english", "Level": 1, "ParentId": first["CateId"]},
    ]
    # OutputType oss: a presigned URL of the uploaded file.
    (signed,) = info(sdk, media_id, OutputType="oss", AuthTimeout=60)["AttachedMediaList"]
    assert requests.get(signed["URL"], timeout=10).content == SUBTITLES

    (found,) = search(sdk)
    assert (found["MediaId"], found["MediaType"]) == (media_id, "attached")
    attached = found["AttachedMedia"]
    assert (attached["MediaId"], attached["BusinessType"], attached["Status"]) == (
        media_id,
        "subtitle",
        "Normal",
    )
    assert [c["CateId"] for c in attached["Categories"]] == [first["CateId"], second["CateId"]]
    assert "CateId" not in attached  # filtered on, never returned: it comes back inside Categories
    for match in (
        "BusinessType = 'subtitle'",
        f"CateId = {second['CateId']}",
        "Title = 'episode'",
        "FileName = 'ep1'",
        f"MediaId = '{media_id}'",
    ):
        assert [m["MediaId"] for m in search(sdk, match)] == [media_id], match
    assert search(sdk, "BusinessType = 'watermark'") == []

    update = [{"MediaId": media_id, "Title": "episode one", "Tags": "en", "CateIds": first["CateId"]}]
    update.append({"MediaId": "no-such-media", "Title": "x"})
    answer = sdk.call("UpdateAttachedMediaInfos", {"UpdateContent": json.dumps(update)})
    assert answer["NonExistMediaIds"] == ["no-such-media"]
    (item,) = info(sdk, media_id)["AttachedMediaList"]
    assert (item["Title"], item["Tags"], [c["CateId"] for c in item["Categories"]]) == (
        "episode one",
        "en",
        [first["CateId"]],
    )
    assert search(sdk, f"CateId = {second['CateId']}") == []
    assert [m["MediaId"] for m in search(sdk, "Title = 'one'")] == [media_id]

    deleted = sdk.call("DeleteAttachedMedia", {"MediaIds": f"{media_id},no-such-media"})
    assert deleted["NonExistMediaIds"] == ["no-such-media"]
    after = info(sdk, media_id)
    assert (after["AttachedMediaList"], after["NonExistMediaIds"]) == ([], [media_id])
    assert search(sdk) == []


def test_the_upload_events_and_the_deletion_event(sdk: Any, vod: Any) -> None:
    bus = emulator_of(vod.app).events
    assert bus is not None
    created = create(sdk, UserData=json.dumps({"Extend": {"mine": "1"}}))
    bucket, key = bucket_of(created)
    bucket.put_object(key, SUBTITLES)
    sdk.call(
        "UpdateAttachedMediaInfos",
        {"UpdateContent": json.dumps([{"MediaId": created["MediaId"], "Title": "t"}])},
    )
    sdk.call("DeleteAttachedMedia", {"MediaIds": created["MediaId"]})
    events = [r.event for r in bus.log]
    (uploaded,) = [e for e in events if e["EventType"] == "AttachedMediaUploadComplete"]
    assert (uploaded["AttachedMediaId"], uploaded["Size"], uploaded["Status"]) == (
        created["MediaId"],
        len(SUBTITLES),
        "success",
    )
    assert uploaded["FileURL"] == created["FileURL"] and json.loads(uploaded["Extend"]) == {"mine": "1"}
    (changed,) = [e for e in events if e["EventType"] == "MediaBaseChangeComplete"]
    assert (changed["MediaType"], changed["OperateMode"]) == ("attached", "update")
    assert json.loads(changed["MediaContent"]["Title"]) == {"NewValue": "t"}
    (gone,) = [e for e in events if e["EventType"] == "DeleteMediaComplete"]
    assert (gone["MediaType"], gone["DeleteType"], gone["MediaId"]) == ("attached", "all", created["MediaId"])


def test_the_upload_credentials_cover_their_object_only(sdk: Any) -> None:
    bucket, key = bucket_of(create(sdk))
    with pytest.raises(oss2.exceptions.AccessDenied):
        bucket.put_object(key + ".other", b"x")
    bucket.put_object(key, SUBTITLES)


def test_the_extension_comes_from_media_ext_else_the_file_name(sdk: Any) -> None:
    created = sdk.call(
        "CreateUploadAttachedMedia", {"BusinessType": "watermark", "FileName": "logo.PNG", "MediaExt": "gif"}
    )
    assert created["FileURL"].endswith(".gif")
    created = sdk.call(
        "CreateUploadAttachedMedia", {"BusinessType": "watermark", "FileName": "/tmp/logo.png"}
    )
    assert created["FileURL"].endswith(f"/watermark/{created['MediaId']}.png")


@pytest.mark.parametrize(
    ("params", "code", "names"),
    [
        ({"MediaExt": "vtt"}, "MissingParameter", "BusinessType"),
        ({"BusinessType": "poster", "MediaExt": "png"}, "InvalidParameter", "BusinessType"),
        ({"BusinessType": "subtitle"}, "MissingParameter", "MediaExt"),
        ({"BusinessType": "subtitle", "MediaExt": "png"}, "InvalidParameter", "MediaExt"),
        ({"BusinessType": "material", "FileName": "notes.txt"}, "InvalidParameter", "MediaExt"),
        (
            {"BusinessType": "subtitle", "MediaExt": "vtt", "CateIds": "1,2,3,4,5,6"},
            "InvalidParameter",
            "CateIds",
        ),
        ({"BusinessType": "subtitle", "MediaExt": "vtt", "CateIds": "x"}, "InvalidParameter", "CateIds"),
        (
            {"BusinessType": "subtitle", "MediaExt": "vtt", "Title": "\U0001f600"},
            "IllegalCharacters",
            "Title",
        ),
    ],
)
def test_create_upload_attached_media_refuses_bad_input(
    sdk: Any, params: dict[str, Any], code: str, names: str
) -> None:
    failure = sdk.fail("CreateUploadAttachedMedia", params)
    assert (failure.code, failure.status) == (code, 400)
    assert names in failure.message


def test_unknown_categories_and_too_many_ids(sdk: Any) -> None:
    failure = sdk.fail(
        "CreateUploadAttachedMedia", {"BusinessType": "subtitle", "MediaExt": "vtt", "CateIds": "42"}
    )
    assert (failure.code, failure.status) == ("InvalidCateId.NotFound", 404)
    ids = ",".join(f"m{n}" for n in range(21))
    for action in ("GetAttachedMediaInfo", "DeleteAttachedMedia"):
        sdk.expect(
            action, {"MediaIds": ids}, "ExceededMax", 400, "The input parameter 'MediaIds' Exceed the limit."
        )
    entries = json.dumps([{"MediaId": f"m{n}", "Title": "t"} for n in range(21)])
    assert sdk.fail("UpdateAttachedMediaInfos", {"UpdateContent": entries}).code == "CountExceededMax"
    assert sdk.fail("UpdateAttachedMediaInfos", {"UpdateContent": json.dumps([{"Title": "t"}])}).code == (
        "MissingParameter"
    )
    sdk.expect("GetAttachedMediaInfo", {}, "MissingParameter", 400)


def test_deleting_a_category_takes_it_out_of_the_medium(sdk: Any) -> None:
    first = sdk.call("AddCategory", {"CateName": "a"})["Category"]["CateId"]
    second = sdk.call("AddCategory", {"CateName": "b"})["Category"]["CateId"]
    created = create(sdk, CateIds=f"{first},{second}")
    sdk.call("UpdateCategory", {"CateId": second, "CateName": "renamed"})
    (found,) = search(sdk)
    assert [c["CateName"] for c in found["AttachedMedia"]["Categories"]] == ["a", "renamed"]
    sdk.call("DeleteCategory", {"CateId": first})
    (item,) = info(sdk, created["MediaId"])["AttachedMediaList"]
    assert [c["CateId"] for c in item["Categories"]] == [second]
    assert search(sdk, f"CateId = {first}") == []
