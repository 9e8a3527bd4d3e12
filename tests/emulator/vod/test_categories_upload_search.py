"""AddCategory/GetCategories, CreateUploadVideo (shape only) and basic SearchMedia through both SDKs.

Acceptance criteria: shared/spec/vod-api.md §0.2 (``SubCategories.Category`` wrapped, ``MediaList``
plain), §1 (brief operations, SearchMedia), §2.2 field limits; vod-events-upload.md §5 (upload
blobs); vod-uncertainties.md §5 (SearchMedia wire shape). SearchMedia's Match language is tested in
depth elsewhere; here only what every caller relies on.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.emulator.support.refusals import Refusals


def decode(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob, validate=True))  # type: ignore[no-any-return]


# --- AddCategory / GetCategories ---------------------------------------------------------------------


def test_add_category_at_the_top_level(sdk: Any, lib: Any) -> None:
    body = sdk.call("AddCategory", {"CateName": "Sports"})
    assert set(body) == {"RequestId", "Category"}
    category = body["Category"]
    assert isinstance(category["CateId"], int)
    assert (category["CateName"], category["Level"]) == ("Sports", 0)
    assert category.get("Type", "default") == "default"


def test_categories_nest_three_levels(sdk: Any, lib: Any) -> None:
    top = sdk.call("AddCategory", {"CateName": "top"})["Category"]
    child = sdk.call("AddCategory", {"CateName": "child", "ParentId": top["CateId"]})["Category"]
    grandchild = sdk.call("AddCategory", {"CateName": "grandchild", "ParentId": child["CateId"]})["Category"]
    assert (child["Level"], child["ParentId"]) == (1, top["CateId"])
    assert (grandchild["Level"], grandchild["ParentId"]) == (2, child["CateId"])
    failure = sdk.fail("AddCategory", {"CateName": "too deep", "ParentId": grandchild["CateId"]})
    assert failure.status == 400, failure


def test_get_categories_lists_the_children_wrapped(sdk: Any, lib: Any) -> None:
    top = sdk.call("AddCategory", {"CateName": "parent"})["Category"]
    names = ["a", "b", "c"]
    for name in names:
        sdk.call("AddCategory", {"CateName": name, "ParentId": top["CateId"]})
    body = sdk.call("GetCategories", {"CateId": top["CateId"]})
    assert body["Category"]["CateId"] == top["CateId"]
    assert body["Category"]["CateName"] == "parent"
    assert body["SubTotal"] == 3
    children = body["SubCategories"]["Category"]
    assert sorted(c["CateName"] for c in children) == names
    assert all(c["ParentId"] == top["CateId"] and c["Level"] == 1 for c in children)
    paged = sdk.call("GetCategories", {"CateId": top["CateId"], "PageNo": 2, "PageSize": 2})
    assert len(paged["SubCategories"]["Category"]) == 1 and paged["SubTotal"] == 3


def test_get_categories_of_the_root_lists_top_level_categories(sdk: Any, lib: Any) -> None:
    made = sdk.call("AddCategory", {"CateName": "rooted"})["Category"]
    body = sdk.call("GetCategories", {"CateId": -1, "PageSize": 100})
    assert made["CateId"] in {c["CateId"] for c in body["SubCategories"]["Category"]}


def test_category_errors(sdk: Any, lib: Any) -> None:
    sdk.expect("GetCategories", {"CateId": -1, "PageSize": 101}, "InvalidParameter", 400)
    sdk.expect("AddCategory", {}, "MissingParameter", 400)
    failure = sdk.fail("GetCategories", {"CateId": 987654321})
    assert failure.status == 404, failure
    failure = sdk.fail("AddCategory", {"CateName": "orphan", "ParentId": 987654321})
    assert failure.status == 404, failure


# --- CreateUploadVideo (shape only) --------------------------------------------------------------------


def test_create_upload_video_shape(sdk: Any, lib: Any) -> None:
    body = sdk.call("CreateUploadVideo", {"Title": "my clip", "FileName": "clip.mp4", "FileSize": 1024})
    assert set(body) == {"RequestId", "VideoId", "UploadAddress", "UploadAuth"}
    address, auth = decode(body["UploadAddress"]), decode(body["UploadAuth"])
    assert list(address)[:3] == ["Endpoint", "Bucket", "FileName"]
    assert address["FileName"].endswith(".mp4")
    assert {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"} <= set(auth)
    assert isinstance(auth["Expiration"], str) and 0 < int(auth["Expiration"]) <= 3600
    # Captures carry the expiry instant and the region too (vod-events-upload.md §5).
    assert auth["Region"] == "cn-shanghai" and auth["ExpireUTCTime"].endswith("Z")
    video = sdk.call("GetVideoInfo", {"VideoId": body["VideoId"]})["Video"]
    assert (video["Title"], video["Status"]) == ("my clip", "Uploading")


def test_create_upload_video_required_fields_and_limits(sdk: Any, lib: Any) -> None:
    sdk.expect("CreateUploadVideo", {"FileName": "clip.mp4"}, "MissingParameter", 400)
    sdk.expect("CreateUploadVideo", {"Title": "t"}, "MissingParameter", 400)
    tags = ",".join(f"t{n}" for n in range(17))
    sdk.expect("CreateUploadVideo", {"Title": "t", "FileName": "a.mp4", "Tags": tags}, "TagsExceededMax", 400)
    sdk.expect("CreateUploadVideo", {"Title": "x" * 129, "FileName": "a.mp4"}, "LengthExceededMax", 400)
    sdk.expect(
        "CreateUploadVideo",
        {"Title": "party \U0001f389", "FileName": "a.mp4"},
        "IllegalCharacters",
        400,
        "The specified Title contains illegal emoticon or special characters.",
    )


def test_create_upload_video_reference_id_is_checked_and_unique(
    sdk: Any, lib: Any, refusals: Refusals
) -> None:
    # vod-api.md §2.2: 6-64 characters of [A-Za-z0-9_-], unique per user; the code is inferred.
    def create(reference_id: str) -> dict[str, Any]:
        return {"Title": "t", "FileName": "a.mp4", "ReferenceId": reference_id}

    for bad in ("short", "x" * 65, "with space", "emoji-\U0001f389x", "dot.ted.id"):
        failure = sdk.expect("CreateUploadVideo", create(bad), "InvalidParameter", 400)
        assert '"ReferenceId"' in failure.message, failure
    taken_id, taken = lib.with_reference[0]
    failure = sdk.expect("CreateUploadVideo", create(taken), "InvalidParameter", 400)
    assert failure.message == 'The specified parameter "ReferenceId" is not valid.', failure
    # Why: the id is taken, which only the emulator's explanation says.
    assert taken in refusals.detail("InvalidParameter")
    # The video that has it keeps it.
    assert sdk.call("GetVideoInfo", {"ReferenceId": taken})["Video"]["VideoId"] == taken_id
    longest = "A_z-09" + "y" * 58
    made = sdk.call("CreateUploadVideo", create(longest))
    assert sdk.call("GetVideoInfo", {"ReferenceId": longest})["Video"]["VideoId"] == made["VideoId"]
    # Freed with its video: the id can be used again.
    sdk.call("DeleteVideo", {"VideoIds": made["VideoId"]})
    sdk.call("CreateUploadVideo", create(longest))


# --- SearchMedia (basic) -------------------------------------------------------------------------------


def test_search_media_default_is_videos_newest_first(sdk: Any, lib: Any) -> None:
    body = sdk.call("SearchMedia", {"PageSize": 100})
    assert {"RequestId", "Total", "MediaList"} <= set(body)
    assert isinstance(body["Total"], int)
    media = body["MediaList"]
    assert isinstance(media, list) and media
    assert body["Total"] == len(media)
    for item in media:
        assert item["MediaType"] == "video"
        assert item["Video"]["VideoId"] == item["MediaId"]
    times = [item["CreationTime"] for item in media]
    assert times == sorted(times, reverse=True)
    assert {item["MediaId"] for item in media} <= set(lib.video_ids)


def test_search_media_fields_select_the_returned_fields(sdk: Any, lib: Any) -> None:
    media = sdk.call("SearchMedia", {"Fields": "Title,Duration,Size", "PageSize": 5})["MediaList"]
    for item in media:
        video = item["Video"]
        assert "Title" in video
        assert isinstance(video.get("Duration", 0.0), (int, float))
        assert isinstance(video.get("Size", 0), int)
        # SearchMedia's snapshot lists are plain arrays, unlike GetVideoInfo's.
        assert isinstance(video.get("Snapshots", []), list)


def test_search_media_match_on_video_id(sdk: Any, lib: Any) -> None:
    body = sdk.call("SearchMedia", {"Match": f"VideoId = '{lib.normal}'", "Fields": "Title"})
    assert [item["MediaId"] for item in body["MediaList"]] == [lib.normal]
    assert body["Total"] == 1


def test_search_media_images(sdk: Any, lib: Any) -> None:
    media = sdk.call("SearchMedia", {"SearchType": "image", "PageSize": 100})["MediaList"]
    assert media and all(item["MediaType"] == "image" for item in media)
    assert all(item["Image"]["ImageId"] == item["MediaId"] for item in media)


def test_search_media_paging(sdk: Any, lib: Any) -> None:
    everything = [item["MediaId"] for item in sdk.call("SearchMedia", {"PageSize": 100})["MediaList"]]
    first = sdk.call("SearchMedia", {"PageSize": 2, "PageNo": 1})
    second = sdk.call("SearchMedia", {"PageSize": 2, "PageNo": 2})
    assert [m["MediaId"] for m in first["MediaList"] + second["MediaList"]] == everything[:4]
    assert first["Total"] == len(everything)


def test_search_media_page_size_100_is_the_maximum(sdk: Any, lib: Any) -> None:
    failure = sdk.fail("SearchMedia", {"PageSize": 101})
    assert failure.status == 400, failure


def test_search_media_bad_match_is_a_syntax_error(sdk: Any, lib: Any) -> None:
    failure = sdk.fail("SearchMedia", {"Match": "Title = "})
    assert (failure.code, failure.status) == ("ErrorMatchSyntax", 400), failure


def test_search_media_of_an_empty_type_is_an_empty_list(sdk: Any, lib: Any) -> None:
    for search_type in ("audio", "attached"):
        body = sdk.call("SearchMedia", {"SearchType": search_type})
        assert (body["Total"], body["MediaList"]) == (0, [])
