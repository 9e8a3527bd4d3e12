"""GetVideoInfo, GetVideoInfos, UpdateVideoInfo, UpdateVideoInfos and DeleteVideo through both SDKs.

Acceptance criteria come from shared/spec/vod-api.md (§0.2 shapes, §0.3 types, §1 operations, §2
limits and errors) and shared/spec/vod-uncertainties.md (§1 all-unknown batches, §2 limit codes).
"""

from __future__ import annotations

import json
from typing import Any

NOT_FOUND = ("InvalidVideo.NotFound", 404, "The video does not exist.")
# 3-byte UTF-8 characters: the limits of Update* count bytes, not characters (vod-api.md §2.2).
CJK = "视"


def title_of(sdk: Any, video_id: str) -> dict[str, Any]:
    return sdk.call("GetVideoInfo", {"VideoId": video_id})["Video"]  # type: ignore[no-any-return]


# --- GetVideoInfo -----------------------------------------------------------------------------------


def test_get_video_info_returns_the_video_object(sdk: Any, lib: Any) -> None:
    body = sdk.call("GetVideoInfo", {"VideoId": lib.normal})
    assert set(body) == {"RequestId", "Video"}
    video = body["Video"]
    assert video["VideoId"] == lib.normal
    assert video["Status"] == "Normal"
    assert isinstance(video["Title"], str) and video["Title"]
    assert video["CreationTime"].endswith("Z") and len(video["CreationTime"]) == 20
    assert isinstance(video["Duration"], float)
    assert isinstance(video["Size"], int)
    assert isinstance(video.get("CateId", 0), int)
    assert isinstance(video.get("Tags", ""), str)
    # GetVideoInfo wraps the snapshot list (vod-api.md §0.2).
    assert isinstance(video["Snapshots"], dict) and isinstance(video["Snapshots"]["Snapshot"], list)


def test_get_video_info_by_reference_id(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    video = sdk.call("GetVideoInfo", {"ReferenceId": reference_id})["Video"]
    assert (video["VideoId"], video["ReferenceId"]) == (video_id, reference_id)


def test_get_video_info_of_an_unknown_video_is_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect("GetVideoInfo", {"VideoId": "0" * 32}, *NOT_FOUND)
    sdk.expect("GetVideoInfo", {"ReferenceId": "no-such-reference"}, *NOT_FOUND)


def test_get_video_info_without_an_id_is_missing_parameter(sdk: Any, lib: Any) -> None:
    sdk.expect("GetVideoInfo", {}, "MissingParameter", 400)


# --- GetVideoInfos ------------------------------------------------------------------------------------


def test_get_video_infos_lists_known_videos_and_unknown_ids(sdk: Any, lib: Any) -> None:
    known = lib.video_ids[:3]
    body = sdk.call("GetVideoInfos", {"VideoIds": ",".join([*known, "unknown-1"])})
    # Plain arrays, not wrapper objects (vod-api.md §0.2).
    assert isinstance(body["VideoList"], list)
    assert sorted(v["VideoId"] for v in body["VideoList"]) == sorted(known)
    assert body["NonExistVideoIds"] == ["unknown-1"]
    # Every id list of the answer is there, empty when nothing is in it, as in DeleteVideo's and
    # UpdateVideoInfos' (docs/vod-api-coverage.md): a Tea user iterates [] rather than None.
    assert body["NonExistReferenceIds"] == []
    for video in body["VideoList"]:
        assert isinstance(video.get("Snapshots", []), list)
        assert "AuditStatus" not in video


def test_get_video_infos_by_reference_ids(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    body = sdk.call("GetVideoInfos", {"ReferenceIds": f"{reference_id},missing-ref-1"})
    assert [v["VideoId"] for v in body["VideoList"]] == [video_id]
    assert body["NonExistReferenceIds"] == ["missing-ref-1"]
    assert body["NonExistVideoIds"] == []


def test_get_video_infos_takes_twenty_ids(sdk: Any, lib: Any) -> None:
    ids = [lib.normal] + [f"unknown-{n}" for n in range(19)]
    body = sdk.call("GetVideoInfos", {"VideoIds": ",".join(ids)})
    assert len(body["NonExistVideoIds"]) == 19


def test_get_video_infos_refuses_twenty_one_ids(sdk: Any, lib: Any) -> None:
    ids = [lib.normal] + [f"unknown-{n}" for n in range(20)]
    sdk.expect(
        "GetVideoInfos",
        {"VideoIds": ",".join(ids)},
        "VideoIdsExceededMax",
        400,
        "The VideoIds exceeded maximum.",
    )


def test_get_video_infos_refuses_twenty_one_reference_ids(sdk: Any, lib: Any) -> None:
    # No code is documented (vod-uncertainties.md §2): any *ExceededMax 400 is accepted.
    failure = sdk.fail("GetVideoInfos", {"ReferenceIds": ",".join(f"ref-{n:03}" for n in range(21))})
    assert failure.status == 400 and failure.code.endswith("ExceededMax"), failure


def test_get_video_infos_when_every_id_is_unknown_is_not_found(sdk: Any, lib: Any) -> None:
    # vod-uncertainties.md §1: 404 when every id is unknown, 200 + NonExistVideoIds when mixed.
    sdk.expect("GetVideoInfos", {"VideoIds": "unknown-1,unknown-2"}, *NOT_FOUND)


def test_get_video_infos_without_ids_is_missing_parameter(sdk: Any, lib: Any) -> None:
    sdk.expect("GetVideoInfos", {}, "MissingParameter", 400)


# --- UpdateVideoInfo ----------------------------------------------------------------------------------


def test_update_video_info_changes_only_the_given_fields(sdk: Any, lib: Any) -> None:
    before = title_of(sdk, lib.normal)
    body = sdk.call(
        "UpdateVideoInfo",
        {"VideoId": lib.normal, "Title": "新标题 new title", "Tags": "a,b", "CoverURL": "https://x/c.jpg"},
    )
    assert set(body) == {"RequestId"}
    after = title_of(sdk, lib.normal)
    assert (after["Title"], after["Tags"], after["CoverURL"]) == (
        "新标题 new title",
        "a,b",
        "https://x/c.jpg",
    )
    assert after.get("Description") == before.get("Description")
    assert after["CreationTime"] == before["CreationTime"]


def test_cover_url_is_any_string_unless_strict_checking_is_switched_on(sdk: Any, lib: Any, vod: Any) -> None:
    # VOD documents no format for CoverURL; its own SDK page sets one without a scheme.
    schemeless = "http192.168.0.0/16/tps/TB1qnJ1PVXXXXXCXXXXXXXXXXXX-700-700.png"
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "CoverURL": schemeless})
    sdk.call(
        "UpdateVideoInfos", {"UpdateContent": json.dumps([{"VideoId": lib.transcoded, "CoverURL": "c.jpg"}])}
    )
    assert title_of(sdk, lib.normal)["CoverURL"] == schemeless
    assert title_of(sdk, lib.transcoded)["CoverURL"] == "c.jpg"
    vod.backend.options.strict_cover_url = True
    for cover in (schemeless, "ftp://img.example.com/c.jpg", "http:///c.jpg"):
        failure = sdk.fail("UpdateVideoInfo", {"VideoId": lib.normal, "CoverURL": cover})
        assert (failure.code, failure.status) == ("InvalidParameter", 400)
        assert "CoverURL" in failure.message
    entries = json.dumps([{"VideoId": lib.transcoded, "CoverURL": "c.jpg"}])
    assert sdk.fail("UpdateVideoInfos", {"UpdateContent": entries}).code == "InvalidParameter"
    assert sdk.fail("CreateUploadVideo", {"Title": "t", "FileName": "a.mp4", "CoverURL": "c.jpg"}).code == (
        "InvalidParameter"
    )
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "CoverURL": "https://img.example.com/c.jpg"})
    assert title_of(sdk, lib.normal)["CoverURL"] == "https://img.example.com/c.jpg"


def test_a_cover_url_that_is_not_a_string_is_invalid(sdk: Any, lib: Any) -> None:
    entries = json.dumps([{"VideoId": lib.normal, "CoverURL": 12}])
    failure = sdk.fail("UpdateVideoInfos", {"UpdateContent": entries})
    assert (failure.code, failure.status) == ("InvalidParameter", 400)


def test_update_video_info_by_reference_id(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    sdk.call("UpdateVideoInfo", {"ReferenceId": reference_id, "Description": "by reference"})
    assert title_of(sdk, video_id)["Description"] == "by reference"


def test_update_video_info_category_and_user_data(sdk: Any, lib: Any) -> None:
    category = sdk.call("AddCategory", {"CateName": "updates"})["Category"]
    user_data = json.dumps({"Extend": {"source": "test"}})
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "CateId": category["CateId"], "UserData": user_data})
    video = title_of(sdk, lib.normal)
    assert (video["CateId"], video["CateName"]) == (category["CateId"], "updates")
    assert json.loads(video["UserData"]) == {"Extend": {"source": "test"}}


def test_update_video_info_title_limit_is_128_bytes(sdk: Any, lib: Any) -> None:
    exactly = CJK * 42 + "ab"
    assert len(exactly.encode()) == 128
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "Title": exactly})
    assert title_of(sdk, lib.normal)["Title"] == exactly
    over = CJK * 43  # 43 characters, 129 bytes
    sdk.expect(
        "UpdateVideoInfo",
        {"VideoId": lib.normal, "Title": over},
        "LengthExceededMax",
        400,
        "The specified Title length has exceeded 128 bytes.",
    )
    assert title_of(sdk, lib.normal)["Title"] == exactly


def test_update_video_info_description_limit_is_1024_bytes(sdk: Any, lib: Any) -> None:
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "Description": "d" * 1024})
    sdk.expect(
        "UpdateVideoInfo",
        {"VideoId": lib.normal, "Description": "d" * 1022 + CJK},
        "LengthExceededMax",
        400,
        "The specified Description length has exceeded 1024 bytes.",
    )


def test_update_video_info_takes_sixteen_tags_not_seventeen(sdk: Any, lib: Any) -> None:
    sixteen = ",".join(f"t{n}" for n in range(16))
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "Tags": sixteen})
    assert title_of(sdk, lib.normal)["Tags"] == sixteen
    sdk.expect(
        "UpdateVideoInfo",
        {"VideoId": lib.normal, "Tags": sixteen + ",t16"},
        "TagsExceededMax",
        400,
        "The specified Tags count has exceeded 16.",
    )


def test_update_video_info_tag_limit_is_32_bytes(sdk: Any, lib: Any) -> None:
    sdk.call("UpdateVideoInfo", {"VideoId": lib.normal, "Tags": "x" * 32})
    sdk.expect("UpdateVideoInfo", {"VideoId": lib.normal, "Tags": "ok," + CJK * 11}, "LengthExceededMax", 400)


def test_update_video_info_of_an_unknown_video_is_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect("UpdateVideoInfo", {"VideoId": "0" * 32, "Title": "x"}, *NOT_FOUND)


def test_update_video_info_without_an_id_is_missing_parameter(sdk: Any, lib: Any) -> None:
    sdk.expect("UpdateVideoInfo", {"Title": "x"}, "MissingParameter", 400)


# --- UpdateVideoInfos ---------------------------------------------------------------------------------


def test_update_video_infos_updates_known_and_lists_unknown(sdk: Any, lib: Any) -> None:
    first, second = lib.video_ids[:2]
    before = title_of(sdk, second)
    content = [
        {"VideoId": first, "Title": "first new", "Tags": "x,y", "Description": "d1"},
        {"VideoId": second, "Title": "second new"},
        {"VideoId": "unknown-9", "Title": "nobody"},
    ]
    body = sdk.call("UpdateVideoInfos", {"UpdateContent": json.dumps(content)})
    assert body["NonExistVideoIds"] == ["unknown-9"]
    assert body.get("ForbiddenVideoIds", []) == []
    assert isinstance(body.get("ForbiddenVideoIds", []), list)
    one, two = title_of(sdk, first), title_of(sdk, second)
    assert (one["Title"], one["Tags"], one["Description"]) == ("first new", "x,y", "d1")
    assert two["Title"] == "second new" and two.get("Description") == before.get("Description")


def test_update_video_infos_by_reference_id(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    content = [{"ReferenceId": reference_id, "Title": "by ref"}, {"ReferenceId": "nope-nope", "Title": "x"}]
    body = sdk.call("UpdateVideoInfos", {"UpdateContent": json.dumps(content)})
    assert body["NonExistReferenceIds"] == ["nope-nope"]
    assert title_of(sdk, video_id)["Title"] == "by ref"


def test_update_video_infos_with_only_unknown_ids_is_still_a_success(sdk: Any, lib: Any) -> None:
    # vod-uncertainties.md §1: UpdateVideoInfos always answers 200 with the NonExist list.
    body = sdk.call("UpdateVideoInfos", {"UpdateContent": json.dumps([{"VideoId": "u1", "Title": "t"}])})
    assert body["NonExistVideoIds"] == ["u1"]


def test_update_video_infos_takes_twenty_entries_not_twenty_one(sdk: Any, lib: Any) -> None:
    twenty = [{"VideoId": lib.normal, "Title": "t20"}] + [
        {"VideoId": f"u{n}", "Title": "t"} for n in range(19)
    ]
    assert len(sdk.call("UpdateVideoInfos", {"UpdateContent": json.dumps(twenty)})["NonExistVideoIds"]) == 19
    twenty_one = [*twenty, {"VideoId": lib.normal, "Title": "t21"}]
    sdk.expect("UpdateVideoInfos", {"UpdateContent": json.dumps(twenty_one)}, "CountExceededMax", 400)
    assert title_of(sdk, lib.normal)["Title"] == "t20"


def test_update_video_infos_entry_limits(sdk: Any, lib: Any) -> None:
    too_long = [{"VideoId": lib.normal, "Title": CJK * 43}]
    sdk.expect("UpdateVideoInfos", {"UpdateContent": json.dumps(too_long)}, "LengthExceededMax", 400)
    too_many = [{"VideoId": lib.normal, "Tags": ",".join(f"t{n}" for n in range(17))}]
    sdk.expect("UpdateVideoInfos", {"UpdateContent": json.dumps(too_many)}, "TagsExceededMax", 400)


def test_update_video_infos_needs_update_content(sdk: Any, lib: Any) -> None:
    sdk.expect("UpdateVideoInfos", {}, "MissingParameter", 400)


def test_update_video_infos_refuses_content_that_is_not_a_json_array(sdk: Any, lib: Any) -> None:
    sdk.expect("UpdateVideoInfos", {"UpdateContent": "not json"}, "InvalidParameter", 400)


# --- DeleteVideo --------------------------------------------------------------------------------------


def test_delete_video_removes_the_videos(sdk: Any, lib: Any) -> None:
    doomed = lib.video_ids[:2]
    body = sdk.call("DeleteVideo", {"VideoIds": ",".join(doomed)})
    for key in ("NonExistVideoIds", "ForbiddenVideoIds", "NonExistReferenceIds"):
        assert body.get(key, []) == []
    for video_id in doomed:
        sdk.expect("GetVideoInfo", {"VideoId": video_id}, *NOT_FOUND)
    remaining = sdk.call("GetVideoList", {"PageSize": 100})["VideoList"]["Video"]
    assert not {v["VideoId"] for v in remaining} & set(doomed)


def test_delete_video_with_some_unknown_ids_lists_them(sdk: Any, lib: Any) -> None:
    body = sdk.call("DeleteVideo", {"VideoIds": f"{lib.normal},unknown-1"})
    assert body["NonExistVideoIds"] == ["unknown-1"]
    sdk.expect("GetVideoInfo", {"VideoId": lib.normal}, *NOT_FOUND)


def test_delete_video_by_reference_ids(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    body = sdk.call("DeleteVideo", {"ReferenceIds": f"{reference_id},gone-gone"})
    assert body["NonExistReferenceIds"] == ["gone-gone"]
    sdk.expect("GetVideoInfo", {"VideoId": video_id}, *NOT_FOUND)


def test_delete_video_when_every_id_is_unknown_is_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteVideo", {"VideoIds": "unknown-1"}, *NOT_FOUND)


def test_delete_video_refuses_twenty_one_ids_and_deletes_nothing(sdk: Any, lib: Any) -> None:
    ids = [lib.normal] + [f"unknown-{n}" for n in range(20)]
    sdk.expect(
        "DeleteVideo",
        {"VideoIds": ",".join(ids)},
        "VideoIdsExceededMax",
        400,
        "The VideoIds exceeded maximum.",
    )
    assert title_of(sdk, lib.normal)["VideoId"] == lib.normal


def test_delete_video_takes_twenty_ids(sdk: Any, lib: Any) -> None:
    ids = [lib.normal] + [f"unknown-{n}" for n in range(19)]
    assert len(sdk.call("DeleteVideo", {"VideoIds": ",".join(ids)})["NonExistVideoIds"]) == 19


def test_delete_video_without_ids_is_missing_parameter(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteVideo", {}, "MissingParameter", 400)


def test_delete_video_refuses_twenty_one_reference_ids(sdk: Any, lib: Any) -> None:
    failure = sdk.fail("DeleteVideo", {"ReferenceIds": ",".join(f"ref-{n:03}" for n in range(21))})
    assert failure.status == 400 and failure.code.endswith("ExceededMax"), failure


def test_get_video_info_alone_carries_region_and_audit_status(sdk: Any, lib: Any) -> None:
    video = title_of(sdk, lib.normal)
    assert (video["RegionId"], video["AuditStatus"]) == ("cn-shanghai", "Normal")
    listed = sdk.call("GetVideoInfos", {"VideoIds": lib.normal})["VideoList"][0]
    assert "RegionId" not in listed and "AuditStatus" not in listed


def test_update_video_infos_is_all_or_nothing(sdk: Any, lib: Any) -> None:
    first, second = lib.video_ids[:2]
    before = title_of(sdk, first)["Title"]
    content = [{"VideoId": first, "Title": "would change"}, {"VideoId": second, "Title": CJK * 43}]
    sdk.expect("UpdateVideoInfos", {"UpdateContent": json.dumps(content)}, "LengthExceededMax", 400)
    assert title_of(sdk, first)["Title"] == before
