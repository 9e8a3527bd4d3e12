"""The VOD actions through dispatch: shapes, JSON types, limits and error codes."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import pytest
from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.store import MemoryStore
from vodfc.emulator.vod import exceptions as exc
from vodfc.emulator.vod.action_table import CORE_ACTIONS, dispatch
from vodfc.emulator.vod.actions.common import check_tags, check_text
from vodfc.emulator.vod.models import VodBackend
from vodfc.emulator.vod.seed import seed_demo_library

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def call(backend: VodBackend, action: str, **params: Any) -> dict[str, Any]:
    ctx = RequestContext("REQ", "ak", "1", backend.region, "http://127.0.0.1:9000", "inprocess", NOW)
    return dispatch(backend, action, {k: str(v) for k, v in params.items()}, ctx)


@pytest.fixture
def b() -> VodBackend:
    backend = VodBackend("1", "cn-shanghai", MemoryStore())
    seed_demo_library(backend)
    return backend


def normal(b: VodBackend) -> str:
    return next(
        v.video_id for v in b.videos.values() if v.status == "Normal" and v.transcode_mode != "NoTranscode"
    )


def test_supported_actions_and_unknown_action(b: VodBackend) -> None:
    names = CORE_ACTIONS.names
    assert {"GetVideoInfo", "GetPlayInfo", "DeleteImage", "AddCategory"} <= set(names)
    with pytest.raises(exc.InvalidApiNotFound):
        call(b, "NoSuchAction")


def test_get_video_info_shape(b: VodBackend) -> None:
    video = call(b, "GetVideoInfo", VideoId=normal(b))["Video"]
    assert isinstance(video["Snapshots"], dict) and isinstance(video["Snapshots"]["Snapshot"], list)
    assert isinstance(video["Duration"], float) and isinstance(video["Size"], int)
    assert isinstance(video["CateId"], int) and video["CateName"]
    assert video["RegionId"] == "cn-shanghai" and video["AuditStatus"] == "Normal"
    assert video["CreationTime"].endswith("Z") and len(video["CreationTime"]) == 20
    with pytest.raises(exc.MissingParameter):
        call(b, "GetVideoInfo")
    ref = next(v for v in b.videos.values() if v.reference_id)
    assert call(b, "GetVideoInfo", ReferenceId=ref.reference_id)["Video"]["VideoId"] == ref.video_id


def test_get_video_infos_lists(b: VodBackend) -> None:
    vid = normal(b)
    body = call(b, "GetVideoInfos", VideoIds=f"{vid},missing")
    assert body["NonExistVideoIds"] == ["missing"]
    assert isinstance(body["VideoList"][0]["Snapshots"], list)
    with pytest.raises(exc.InvalidVideoNotFound):
        call(b, "GetVideoInfos", VideoIds="x,y")
    b.options.all_unknown_is_not_found = False
    assert call(b, "GetVideoInfos", VideoIds="x,y")["NonExistVideoIds"] == ["x", "y"]
    with pytest.raises(exc.VideoIdsExceededMax):
        call(b, "GetVideoInfos", VideoIds=",".join(f"id{n}" for n in range(21)))


def test_update_video_info_limits(b: VodBackend) -> None:
    vid = normal(b)
    call(b, "UpdateVideoInfo", VideoId=vid, Title="é" * 64, Tags="a, b,a", Description="d")
    video = b.get_video(vid)
    assert (
        video.title == "é" * 64 and video.tags == "a,b" and video.modification_time == "2026-03-01T12:00:00Z"
    )
    with pytest.raises(exc.LengthExceededMax) as info:
        call(b, "UpdateVideoInfo", VideoId=vid, Title="é" * 65)  # 130 bytes
    assert info.value.message == "The specified Title length has exceeded 128 bytes."
    with pytest.raises(exc.TagsExceededMax):
        call(b, "UpdateVideoInfo", VideoId=vid, Tags=",".join(str(n) for n in range(17)))
    with pytest.raises(exc.IllegalCharacters):
        call(b, "UpdateVideoInfo", VideoId=vid, Title="party \U0001f389")
    with pytest.raises(exc.InvalidCategoryNotFound):
        call(b, "UpdateVideoInfo", VideoId=vid, CateId=5)
    with pytest.raises(exc.InvalidParameter):
        call(b, "UpdateVideoInfo", VideoId=vid, UserData="not json")


def test_update_video_infos(b: VodBackend) -> None:
    vid = normal(b)
    b.forbidden_video_ids.add(vid)
    other = next(v for v in b.videos if v != vid)
    content = json.dumps(
        [{"VideoId": vid, "Title": "x"}, {"VideoId": other, "Title": "y"}, {"VideoId": "nope"}]
    )
    body = call(b, "UpdateVideoInfos", UpdateContent=content)
    assert body == {"NonExistVideoIds": ["nope"], "ForbiddenVideoIds": [vid], "NonExistReferenceIds": []}
    assert b.get_video(other).title == "y"
    with pytest.raises(exc.CountExceededMax):
        call(b, "UpdateVideoInfos", UpdateContent=json.dumps([{"VideoId": other}] * 21))
    with pytest.raises(exc.InvalidParameter):
        call(b, "UpdateVideoInfos", UpdateContent="{not json")


def test_delete_video(b: VodBackend) -> None:
    vid = normal(b)
    body = call(b, "DeleteVideo", VideoIds=f"{vid},nope")
    assert body == {"NonExistVideoIds": ["nope"], "ForbiddenVideoIds": [], "NonExistReferenceIds": []}
    assert vid not in b.videos and not b.streams_of(vid) and b.get_mezzanine(vid) is None
    with pytest.raises(exc.InvalidVideoNotFound):
        call(b, "DeleteVideo", VideoIds="nope")
    with pytest.raises(exc.VideoIdsExceededMax):
        call(b, "DeleteVideo", VideoIds=",".join(f"id{n}" for n in range(21)))


def test_get_video_list(b: VodBackend) -> None:
    body = call(b, "GetVideoList", PageSize=5)
    assert body["Total"] == 12 and len(body["VideoList"]["Video"]) == 5
    times = [v["CreationTime"] for v in body["VideoList"]["Video"]]
    assert times == sorted(times, reverse=True)
    assert call(b, "GetVideoList", Status="Uploading,UploadFail")["Total"] == 2
    assert call(b, "GetVideoList", CateId=1000000003)["Total"] == 3
    window = call(b, "GetVideoList", StartTime="2026-01-05T09:00:00Z", EndTime="2026-01-05T10:00:00Z")
    assert window["Total"] == 2
    with pytest.raises(exc.InvalidParameter):
        call(b, "GetVideoList", PageSize=101)
    with pytest.raises(exc.VideoListExceededMax):
        call(b, "GetVideoList", PageNo=51, PageSize=100)
    with pytest.raises(exc.InvalidParameter):
        call(b, "GetVideoList", StartTime="yesterday")


def test_mezzanine_info(b: VodBackend) -> None:
    vid = normal(b)
    mezz = call(b, "GetMezzanineInfo", VideoId=vid)["Mezzanine"]
    assert (
        isinstance(mezz["Bitrate"], str)
        and isinstance(mezz["Duration"], str)
        and isinstance(mezz["Size"], int)
    )
    assert "VideoStreamList" not in mezz
    full = call(b, "GetMezzanineInfo", VideoId=vid, AdditionType="video,audio")["Mezzanine"]
    assert all(isinstance(v, str) for v in full["VideoStreamList"][0].values())
    assert all(isinstance(v, str) for v in full["AudioStreamList"][0].values())
    uploading = next(v.video_id for v in b.videos.values() if v.status == "Uploading")
    assert call(b, "GetMezzanineInfo", VideoId=uploading)["Mezzanine"]["Status"] == "Uploading"


def test_delete_mezzanines(b: VodBackend) -> None:
    vid = normal(b)
    raw = next(v.video_id for v in b.videos.values() if v.transcode_mode == "NoTranscode")
    body = call(b, "DeleteMezzanines", VideoIds=f"{vid},{raw},nope")
    assert body == {"NonExistVideoIds": ["nope"], "UnRemoveableVideoIds": [raw], "NonExistReferenceIds": []}
    with pytest.raises(exc.InvalidFileNotFound):
        call(b, "GetMezzanineInfo", VideoId=vid)
    call(b, "DeleteMezzanines", VideoIds=raw, Force="true")
    with pytest.raises(exc.InvalidVideoNoneStream):
        call(b, "GetPlayInfo", VideoId=raw)


def test_get_play_info(b: VodBackend) -> None:
    vid = normal(b)
    body = call(b, "GetPlayInfo", VideoId=vid)
    streams = body["PlayInfoList"]["PlayInfo"]
    assert [(s["Format"], s["Definition"]) for s in streams] == [
        ("m3u8", "LD"),
        ("m3u8", "SD"),
        ("mp4", "LD"),
        ("mp4", "SD"),
        ("mp4", "HD"),
    ]
    assert isinstance(streams[0]["Bitrate"], str) and isinstance(streams[0]["Size"], int)
    assert isinstance(body["VideoBase"]["Duration"], str)
    only = call(b, "GetPlayInfo", VideoId=vid, Formats="mp4", Definition="HD,SD")["PlayInfoList"]["PlayInfo"]
    assert {s["Definition"] for s in only} == {"SD", "HD"}
    with pytest.raises(exc.InvalidVideoNoneStream) as info:
        call(b, "GetPlayInfo", VideoId=vid, Formats="flv", Definition="4K")
    assert "'Formats: flv, Definition: 4K, StreamType: video'" in info.value.message
    # A newer stream of the same rendition hides the older one unless ResultType=Multiple.
    b.add_stream(vid, definition="HD", format="mp4", play_url="http://x/new.mp4", now="2027-01-01T00:00:00Z")
    single = call(b, "GetPlayInfo", VideoId=vid, Formats="mp4", Definition="HD")["PlayInfoList"]["PlayInfo"]
    assert [s["PlayURL"] for s in single] == ["http://x/new.mp4"]
    multiple = call(b, "GetPlayInfo", VideoId=vid, Formats="mp4", Definition="HD", ResultType="Multiple")
    assert len(multiple["PlayInfoList"]["PlayInfo"]) == 2
    uploading = next(v.video_id for v in b.videos.values() if v.status == "Uploading")
    with pytest.raises(exc.ForbiddenIllegalStatus) as illegal:
        call(b, "GetPlayInfo", VideoId=uploading)
    assert illegal.value.status == 403
    assert "Currently Video Status is Uploading and AuditStatus is Init." in illegal.value.message


def test_delete_stream(b: VodBackend) -> None:
    vid = normal(b)
    jobs = [s.job_id for s in b.streams_of(vid)]
    call(b, "DeleteStream", VideoId=vid, JobIds=jobs[0])
    assert len(b.streams_of(vid)) == len(jobs) - 1
    with pytest.raises(exc.InvalidStreamNotFound):
        call(b, "DeleteStream", VideoId=vid, JobIds=f"{jobs[1]},nope")
    with pytest.raises(exc.JobIdsExceededMax):
        call(b, "DeleteStream", VideoId=vid, JobIds=",".join(f"j{n}" for n in range(21)))
    with pytest.raises(exc.MissingParameter):
        call(b, "DeleteStream", VideoId=vid)


def test_images(b: VodBackend) -> None:
    image_id = next(iter(b.images))
    info = call(b, "GetImageInfo", ImageId=image_id)["ImageInfo"]
    assert isinstance(info["Mezzanine"]["FileSize"], str) and isinstance(info["Mezzanine"]["Width"], int)
    with pytest.raises(exc.NoSuchResource):
        call(b, "GetImageInfo", ImageId="nope")
    infos = call(b, "GetImageInfos", ImageIds=f"{image_id},nope")
    assert isinstance(infos["ImageInfo"], list) and infos["NonExistImageIds"] == ["nope"]
    body = call(
        b,
        "UpdateImageInfos",
        UpdateContent=json.dumps([{"ImageId": image_id, "Title": "t"}, {"ImageId": "x"}]),
    )
    assert body == {"NonExistImageIds": {"ImageId": ["x"]}}
    with pytest.raises(exc.IllegalCharacters):
        call(
            b, "UpdateImageInfos", UpdateContent=json.dumps([{"ImageId": image_id, "Tags": "ok,\U0001f600"}])
        )


def test_delete_image_modes(b: VodBackend) -> None:
    ids = list(b.images)
    with pytest.raises(exc.MissingParameter):
        call(b, "DeleteImage")
    with pytest.raises(exc.MissingParameter):
        call(b, "DeleteImage", DeleteImageType="ImageId")
    with pytest.raises(exc.NoSuchResource):
        call(b, "DeleteImage", DeleteImageType="ImageId", ImageIds=f"{ids[0]},nope")
    assert ids[0] in b.images  # the whole call failed
    call(b, "DeleteImage", DeleteImageType="ImageId", ImageIds=ids[0])
    url = b.images[ids[1]].url
    call(b, "DeleteImage", DeleteImageType="ImageURL", ImageURLs=url)
    assert ids[1] not in b.images
    vid = normal(b)
    with pytest.raises(exc.InvalidParameter):
        call(b, "DeleteImage", DeleteImageType="VideoId", VideoId=vid, ImageType="All,CoverSnapshot")
    call(b, "DeleteImage", DeleteImageType="VideoId", VideoId=vid, ImageType="NormalSnapshot")
    assert b.get_video(vid).snapshots == [] and b.get_video(vid).cover_url
    call(b, "DeleteImage", DeleteImageType="VideoId", VideoId=vid, ImageType="All")
    assert b.get_video(vid).cover_url is None


def test_categories(b: VodBackend) -> None:
    top = call(b, "AddCategory", CateName="New")["Category"]
    assert top["Level"] == 0 and top["ParentId"] == -1 and isinstance(top["CateId"], int)
    child = call(b, "AddCategory", CateName="Child", ParentId=top["CateId"])["Category"]
    grand = call(b, "AddCategory", CateName="Grand", ParentId=child["CateId"])["Category"]
    with pytest.raises(exc.CategoryLevelExceededMax):
        call(b, "AddCategory", CateName="Too deep", ParentId=grand["CateId"])
    with pytest.raises(exc.InvalidCategoryNotFound):
        call(b, "AddCategory", CateName="Orphan", ParentId=99)
    with pytest.raises(exc.LengthExceededMax):
        call(b, "AddCategory", CateName="x" * 65)
    roots = call(b, "GetCategories")
    assert roots["SubTotal"] == 3 and "Category" not in roots
    sub = call(b, "GetCategories", CateId=top["CateId"])
    assert sub["Category"]["CateId"] == top["CateId"]
    assert sub["SubCategories"]["Category"][0]["SubTotal"] == 1
    with pytest.raises(exc.InvalidCategoryNotFound):
        call(b, "GetCategories", CateId=99)
    call(b, "UpdateCategory", CateId=top["CateId"], CateName="Renamed")
    assert b.get_category(top["CateId"]).cate_name == "Renamed"
    call(b, "DeleteCategory", CateId=top["CateId"])
    assert grand["CateId"] not in b.categories


def test_field_checks_count_bytes_or_characters() -> None:
    assert check_text("Title", "é" * 100, 128, in_bytes=False)
    with pytest.raises(exc.LengthExceededMax):
        check_text("Title", "é" * 100, 128, in_bytes=True)
    assert check_tags(["a", "b", " ", "a"]) == "a,b"
    with pytest.raises(exc.LengthExceededMax):
        check_tags("x" * 33)


def test_get_video_play_auth(b: VodBackend) -> None:
    vid = normal(b)
    body = call(b, "GetVideoPlayAuth", VideoId=vid)
    token = json.loads(base64.b64decode(body["PlayAuth"]))
    assert token["VideoMeta"]["VideoId"] == vid and json.loads(token["AuthInfo"])["MediaId"] == vid
    assert body["VideoMeta"]["Status"] == "Normal" and isinstance(body["VideoMeta"]["Duration"], float)
    with pytest.raises(exc.InvalidParameter):
        call(b, "GetVideoPlayAuth", VideoId=vid, AuthInfoTimeout=3001)
    uploading = next(v.video_id for v in b.videos.values() if v.status == "Uploading")
    with pytest.raises(exc.ForbiddenIllegalStatus):
        call(b, "GetVideoPlayAuth", VideoId=uploading)
