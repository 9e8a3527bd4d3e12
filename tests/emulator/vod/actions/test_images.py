"""GetImageInfo, GetImageInfos, UpdateImageInfos, DeleteImage and CreateUploadImage through both SDKs.

Acceptance criteria: shared/spec/vod-api.md §0.2 (``NonExistImageIds`` wrapped for UpdateImageInfos,
plain for GetImageInfos; ``ImageInfo`` a list in GetImageInfos), §0.3 (``Mezzanine.FileSize`` a
string), §2.2 (no emoji in image fields) and vod-uncertainties.md §2 (``NoSuchResource`` 404).
"""

from __future__ import annotations

import base64
import json
from typing import Any

NO_SUCH = ("NoSuchResource", 404, "The specified resource does not exist.")


def image(sdk: Any, image_id: str) -> dict[str, Any]:
    return sdk.call("GetImageInfo", {"ImageId": image_id})["ImageInfo"]  # type: ignore[no-any-return]


# --- GetImageInfo / GetImageInfos -----------------------------------------------------------------------


def test_get_image_info_shape_and_types(sdk: Any, lib: Any) -> None:
    body = sdk.call("GetImageInfo", {"ImageId": lib.image_ids[0]})
    assert set(body) == {"RequestId", "ImageInfo"}
    info = body["ImageInfo"]
    assert info["ImageId"] == lib.image_ids[0]
    assert info["Status"] in {"Uploading", "Normal", "UploadFail"}
    assert info["ImageType"] in {"default", "cover"}
    assert info["URL"].startswith("http")
    assert info["CreationTime"].endswith("Z")
    mezzanine = info["Mezzanine"]
    assert isinstance(mezzanine["FileSize"], str) and int(mezzanine["FileSize"]) >= 0
    assert isinstance(mezzanine["Width"], int) and isinstance(mezzanine["Height"], int)
    assert mezzanine["FileURL"].startswith("http")


def test_get_image_info_output_type_oss(sdk: Any, lib: Any) -> None:
    info = sdk.call("GetImageInfo", {"ImageId": lib.image_ids[0], "OutputType": "oss", "AuthTimeout": 3600})
    assert info["ImageInfo"]["URL"].startswith("http")


def test_get_image_info_auth_timeout_maximum(sdk: Any, lib: Any) -> None:
    params = {"ImageId": lib.image_ids[0], "OutputType": "oss"}
    sdk.call("GetImageInfo", {**params, "AuthTimeout": 2_592_000})
    assert sdk.fail("GetImageInfo", {**params, "AuthTimeout": 2_592_001}).status == 400


def test_get_image_info_errors(sdk: Any, lib: Any) -> None:
    sdk.expect("GetImageInfo", {"ImageId": "0" * 32}, *NO_SUCH)
    sdk.expect("GetImageInfo", {}, "MissingParameter", 400)


def test_get_image_infos_lists_known_and_unknown(sdk: Any, lib: Any) -> None:
    known = lib.image_ids[:2]
    body = sdk.call("GetImageInfos", {"ImageIds": ",".join([*known, "unknown-image"])})
    # ImageInfo is a list despite its singular name; NonExistImageIds a plain list here.
    assert isinstance(body["ImageInfo"], list)
    assert sorted(i["ImageId"] for i in body["ImageInfo"]) == sorted(known)
    assert body["NonExistImageIds"] == ["unknown-image"]
    for info in body["ImageInfo"]:
        assert isinstance(info["Mezzanine"]["FileSize"], str)


def test_get_image_infos_limits(sdk: Any, lib: Any) -> None:
    twenty = [lib.image_ids[0]] + [f"u{n}" for n in range(19)]
    assert len(sdk.call("GetImageInfos", {"ImageIds": ",".join(twenty)})["NonExistImageIds"]) == 19
    failure = sdk.fail("GetImageInfos", {"ImageIds": ",".join([*twenty, "u20"])})
    assert failure.status == 400 and failure.code.endswith("ExceededMax"), failure
    sdk.expect("GetImageInfos", {}, "MissingParameter", 400)


# --- UpdateImageInfos -------------------------------------------------------------------------------


def test_update_image_infos_updates_and_lists_unknown_wrapped(sdk: Any, lib: Any) -> None:
    first = lib.image_ids[0]
    before = image(sdk, first)
    content = [
        {"ImageId": first, "Title": "新图片 new", "Tags": "p,q"},
        {"ImageId": "unknown-image", "Title": "x"},
    ]
    body = sdk.call("UpdateImageInfos", {"UpdateContent": json.dumps(content, ensure_ascii=False)})
    # Wrapped, unlike every other NonExist list (vod-api.md §0.2, the doc sample's ['ImageId']).
    assert body["NonExistImageIds"] == {"ImageId": ["unknown-image"]}
    after = image(sdk, first)
    assert (after["Title"], after["Tags"]) == ("新图片 new", "p,q")
    assert after.get("Description") == before.get("Description")


def test_update_image_infos_with_every_id_known_has_an_empty_list(sdk: Any, lib: Any) -> None:
    content = [{"ImageId": lib.image_ids[0], "Description": "d", "CateId": lib.seeded["category_ids"][0]}]
    body = sdk.call("UpdateImageInfos", {"UpdateContent": json.dumps(content)})
    assert body.get("NonExistImageIds", {}).get("ImageId", []) == []
    assert image(sdk, lib.image_ids[0])["Description"] == "d"


def test_update_image_infos_takes_twenty_entries_not_twenty_one(sdk: Any, lib: Any) -> None:
    twenty = [{"ImageId": lib.image_ids[0], "Title": "t20"}] + [{"ImageId": f"u{n}"} for n in range(19)]
    body = sdk.call("UpdateImageInfos", {"UpdateContent": json.dumps(twenty)})
    assert len(body["NonExistImageIds"]["ImageId"]) == 19
    sdk.expect(
        "UpdateImageInfos",
        {"UpdateContent": json.dumps([*twenty, {"ImageId": "u20"}])},
        "CountExceededMax",
        400,
    )
    assert image(sdk, lib.image_ids[0])["Title"] == "t20"


def test_update_image_infos_refuses_emoji(sdk: Any, lib: Any) -> None:
    content = [{"ImageId": lib.image_ids[0], "Title": "smile \U0001f600"}]
    sdk.expect(
        "UpdateImageInfos",
        {"UpdateContent": json.dumps(content, ensure_ascii=False)},
        "IllegalCharacters",
        400,
        "The specified Title contains illegal emoticon or special characters.",
    )


def test_update_image_infos_field_limits(sdk: Any, lib: Any) -> None:
    too_long = [{"ImageId": lib.image_ids[0], "Title": "视" * 43}]
    sdk.expect("UpdateImageInfos", {"UpdateContent": json.dumps(too_long)}, "LengthExceededMax", 400)
    too_many = [{"ImageId": lib.image_ids[0], "Tags": ",".join(f"t{n}" for n in range(17))}]
    sdk.expect("UpdateImageInfos", {"UpdateContent": json.dumps(too_many)}, "TagsExceededMax", 400)


def test_update_image_infos_needs_update_content(sdk: Any, lib: Any) -> None:
    sdk.expect("UpdateImageInfos", {}, "MissingParameter", 400)
    sdk.expect("UpdateImageInfos", {"UpdateContent": "{oops"}, "InvalidParameter", 400)


# --- DeleteImage --------------------------------------------------------------------------------------


def test_delete_image_by_id(sdk: Any, lib: Any) -> None:
    doomed = lib.image_ids[:2]
    body = sdk.call("DeleteImage", {"DeleteImageType": "ImageId", "ImageIds": ",".join(doomed)})
    assert set(body) == {"RequestId"}
    for image_id in doomed:
        sdk.expect("GetImageInfo", {"ImageId": image_id}, *NO_SUCH)


def test_delete_image_by_url(sdk: Any, lib: Any) -> None:
    info = image(sdk, lib.image_ids[0])
    sdk.call("DeleteImage", {"DeleteImageType": "ImageURL", "ImageURLs": info["URL"]})
    sdk.expect("GetImageInfo", {"ImageId": lib.image_ids[0]}, *NO_SUCH)


def test_delete_image_of_a_video_clears_its_snapshots(sdk: Any, lib: Any) -> None:
    sdk.call("DeleteImage", {"DeleteImageType": "VideoId", "VideoId": lib.normal, "ImageType": "All"})
    video = sdk.call("GetVideoInfo", {"VideoId": lib.normal})["Video"]
    assert video.get("Snapshots", {}).get("Snapshot", []) == []


def test_delete_image_of_an_unknown_id_is_no_such_resource(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteImage", {"DeleteImageType": "ImageId", "ImageIds": "0" * 32}, *NO_SUCH)


def test_delete_image_limits_and_required_parameters(sdk: Any, lib: Any) -> None:
    ids = ",".join(f"{n:032x}" for n in range(21))
    failure = sdk.fail("DeleteImage", {"DeleteImageType": "ImageId", "ImageIds": ids})
    assert failure.status == 400 and failure.code.endswith("ExceededMax"), failure
    assert lib.image_ids[0] == image(sdk, lib.image_ids[0])["ImageId"]
    sdk.expect("DeleteImage", {"ImageIds": lib.image_ids[0]}, "MissingParameter", 400)
    sdk.expect("DeleteImage", {"DeleteImageType": "Everything"}, "InvalidParameter", 400)


# --- CreateUploadImage (shape only) --------------------------------------------------------------------


def decode(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob, validate=True))  # type: ignore[no-any-return]


def test_create_upload_image_shape(sdk: Any, lib: Any) -> None:
    body = sdk.call("CreateUploadImage", {"ImageType": "cover", "ImageExt": "jpg", "Title": "a cover"})
    assert set(body) == {"RequestId", "ImageId", "ImageURL", "FileURL", "UploadAddress", "UploadAuth"}
    address, auth = decode(body["UploadAddress"]), decode(body["UploadAuth"])
    assert list(address)[:3] == ["Endpoint", "Bucket", "FileName"]
    assert address["FileName"].endswith(".jpg")
    assert {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"} <= set(auth)
    assert isinstance(auth["Expiration"], str)
    assert image(sdk, body["ImageId"])["Status"] == "Uploading"


def test_create_upload_image_needs_an_image_type(sdk: Any, lib: Any) -> None:
    sdk.expect("CreateUploadImage", {"Title": "x"}, "MissingParameter", 400)


def test_update_image_infos_is_all_or_nothing(sdk: Any, lib: Any) -> None:
    first, second = lib.image_ids[:2]
    before = image(sdk, first)["Title"]
    content = [{"ImageId": first, "Title": "would change"}, {"ImageId": second, "Title": "bad \U0001f600"}]
    failure = sdk.fail("UpdateImageInfos", {"UpdateContent": json.dumps(content, ensure_ascii=False)})
    assert (failure.code, failure.status) == ("IllegalCharacters", 400), failure
    assert image(sdk, first)["Title"] == before


def test_delete_image_of_a_video_takes_a_list_of_types_but_all_alone(sdk: Any, lib: Any) -> None:
    params = {"DeleteImageType": "VideoId", "VideoId": lib.normal}
    failure = sdk.fail("DeleteImage", {**params, "ImageType": "All,CoverSnapshot"})
    assert (failure.code, failure.status) == ("InvalidParameter", 400), failure
    sdk.call("DeleteImage", {**params, "ImageType": "CoverSnapshot,NormalSnapshot"})
    video = sdk.call("GetVideoInfo", {"VideoId": lib.normal})["Video"]
    assert video.get("Snapshots", {}).get("Snapshot", []) == []


def test_delete_image_refuses_twenty_one_urls(sdk: Any, lib: Any) -> None:
    urls = ",".join(f"https://img.example.com/{n}.jpg" for n in range(21))
    failure = sdk.fail("DeleteImage", {"DeleteImageType": "ImageURL", "ImageURLs": urls})
    # No code is documented for this limit (vod-uncertainties.md §2): only the 400 is asserted.
    assert failure.status == 400 and failure.code in {"InvalidParameter", "ImageURLsExceededMax"}, failure


def test_delete_image_of_an_unknown_video_is_video_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect(
        "DeleteImage",
        {"DeleteImageType": "VideoId", "VideoId": "0" * 32, "ImageType": "All"},
        "InvalidVideo.NotFound",
        404,
    )
