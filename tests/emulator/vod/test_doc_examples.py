"""The 13 examples of VOD's Python SDK "media asset management" page, written as a user writes them.

Each test calls the emulator the way the page does: an ``AcsClient``, a request class from
``aliyunsdkvod.request.v20170321``, its ``set_*`` setters, ``set_accept_format('JSON')`` and
``json.loads(clt.do_action_with_exception(request))``; then it reads the answer with the very
subscripts the page prints (``response['VideoList']['Video']``, ``['NonExistImageIds']['ImageId']``
...), against the seeded demo library. Runs in-process and against a server.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321 import (
    DeleteImageRequest,
    DeleteMezzaninesRequest,
    DeleteStreamRequest,
    DeleteVideoRequest,
    GetImageInfoRequest,
    GetMezzanineInfoRequest,
    GetPlayInfoRequest,
    GetVideoInfoRequest,
    GetVideoInfosRequest,
    GetVideoListRequest,
    SearchMediaRequest,
    UpdateImageInfosRequest,
    UpdateVideoInfoRequest,
    UpdateVideoInfosRequest,
)

# The page's own CoverURL, exactly as it prints it: a string without a scheme. VOD documents no format
# for CoverURL, and the page's example must run as written.
PAGE_COVER_URL = "http192.168.0.0/16/tps/TB1qnJ1PVXXXXXCXXXXXXXXXXXX-700-700.png"


@pytest.fixture
def clt(vod: Any, lib: Any) -> Any:
    """The page's ``init_vod_client()``, pointed at the emulator by the fixture."""
    return vod.acs_client(auto_retry=True, max_retry_time=3, timeout=3)


def search_media(clt: Any) -> Any:
    request = SearchMediaRequest.SearchMediaRequest()
    request.set_Fields("Title,CoverURL,Status")
    # The page's window is July 2018; this one covers the demo library's January 2026.
    request.set_Match(
        "Status in ('Normal','Checking') and CreationTime = ('2026-01-01T00:00:00Z','2026-02-01T00:00:00Z')"
    )
    request.set_PageNo(1)
    request.set_PageSize(10)
    request.set_SearchType("video")
    request.set_SortBy("CreationTime:Desc")
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def get_video_info(clt: Any, video_id: str) -> Any:
    request = GetVideoInfoRequest.GetVideoInfoRequest()
    request.set_VideoId(video_id)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def get_video_infos(clt: Any, video_ids: str) -> Any:
    request = GetVideoInfosRequest.GetVideoInfosRequest()
    request.set_VideoIds(video_ids)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def update_video_info(clt: Any, video_id: str) -> Any:
    request = UpdateVideoInfoRequest.UpdateVideoInfoRequest()
    request.set_VideoId(video_id)
    request.set_Title("new Title")
    request.set_Description("new Description")
    request.set_CoverURL(PAGE_COVER_URL)
    request.set_Tags("tag1,tag2")
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def update_video_infos(clt: Any, first: str, second: str) -> Any:
    request = UpdateVideoInfosRequest.UpdateVideoInfosRequest()
    update_content = []
    update_item1 = {"VideoId": first, "Title": "new Title1", "Tags": "tag1,tag2"}
    update_item2 = {"VideoId": second, "Title": "new Title2", "Tags": "tag1,tag2"}
    update_content.append(update_item1)
    update_content.append(update_item2)
    request.set_UpdateContent(json.dumps(update_content))
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def delete_videos(clt: Any, video_ids: str) -> Any:
    request = DeleteVideoRequest.DeleteVideoRequest()
    request.set_VideoIds(video_ids)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def get_mezzanine_info(clt: Any, video_id: str) -> Any:
    request = GetMezzanineInfoRequest.GetMezzanineInfoRequest()
    request.set_VideoId(video_id)
    request.set_AuthTimeout(3600 * 5)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def get_video_list(clt: Any, start_time: str, end_time: str) -> Any:
    request = GetVideoListRequest.GetVideoListRequest()
    request.set_StartTime(start_time)
    request.set_EndTime(end_time)
    request.set_PageNo(1)
    request.set_PageSize(20)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def delete_stream(clt: Any, video_id: str, job_ids: str) -> Any:
    request = DeleteStreamRequest.DeleteStreamRequest()
    request.set_VideoId(video_id)
    request.set_JobIds(job_ids)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def delete_mezzanines(clt: Any, video_ids: str, force: bool) -> Any:
    request = DeleteMezzaninesRequest.DeleteMezzaninesRequest()
    request.set_VideoIds(video_ids)
    request.set_Force(force)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def update_image_infos(clt: Any, image_id: str) -> Any:
    request = UpdateImageInfosRequest.UpdateImageInfosRequest()
    update_content = []
    update_item = {"ImageId": image_id, "Title": "new Title", "Tags": "tag1,tag2"}
    update_content.append(update_item)
    request.set_UpdateContent(json.dumps(update_content))
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def get_image_info(clt: Any, image_id: str) -> Any:
    request = GetImageInfoRequest.GetImageInfoRequest()
    request.set_ImageId(image_id)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


def delete_image(
    clt: Any, delete_image_type: str, image_urls: str, image_ids: str, video_id: str, image_type: str
) -> Any:
    request = DeleteImageRequest.DeleteImageRequest()
    request.set_DeleteImageType(delete_image_type)
    if delete_image_type == "ImageURL":
        request.set_ImageURLs(image_urls)
    elif delete_image_type == "ImageId":
        request.set_ImageIds(image_ids)
    elif delete_image_type == "VideoId":
        request.set_VideoId(video_id)
        request.set_ImageType(image_type)
    request.set_accept_format("JSON")
    return json.loads(clt.do_action_with_exception(request))


# --- the 13 examples ------------------------------------------------------------------------------------


def test_example_search_media(clt: Any, lib: Any) -> None:
    response = search_media(clt)
    assert response["RequestId"]
    assert response["Total"] == len(lib.ids(Status="Normal"))
    for media in response["MediaList"]:
        assert media["Video"]["Title"]
        assert media["Video"]["Status"] in ("Normal", "Checking")
    assert {m["MediaId"] for m in response["MediaList"]} <= set(lib.ids(Status="Normal"))


def test_example_get_video_info(clt: Any, lib: Any) -> None:
    response = get_video_info(clt, lib.normal)
    assert response["Video"]["Title"] == next(v["Title"] for v in lib.videos if v["VideoId"] == lib.normal)


def test_example_get_video_infos(clt: Any, lib: Any) -> None:
    video_ids = ",".join([lib.video_ids[0], lib.video_ids[1], "VideoIdNotExist"])
    response = get_video_infos(clt, video_ids)
    assert [video["VideoId"] for video in response["VideoList"]] != []
    assert {video["VideoId"] for video in response["VideoList"]} == set(lib.video_ids[:2])
    assert response["NonExistVideoIds"] == ["VideoIdNotExist"]


def test_example_update_video_info(clt: Any, lib: Any) -> None:
    update_video_info(clt, lib.normal)
    video = get_video_info(clt, lib.normal)["Video"]
    assert (video["Title"], video["Description"], video["Tags"]) == (
        "new Title",
        "new Description",
        "tag1,tag2",
    )
    assert video["CoverURL"] == PAGE_COVER_URL


def test_example_update_video_infos(clt: Any, lib: Any) -> None:
    first, second = lib.video_ids[:2]
    response = update_video_infos(clt, first, second)
    assert response.get("NonExistVideoIds", []) == []
    assert get_video_info(clt, first)["Video"]["Title"] == "new Title1"
    assert get_video_info(clt, second)["Video"]["Title"] == "new Title2"


def test_example_delete_videos(clt: Any, lib: Any) -> None:
    response = delete_videos(clt, ",".join(lib.video_ids[:2]))
    assert response["RequestId"]
    remaining = get_video_list(clt, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z")["VideoList"]["Video"]
    assert not {v["VideoId"] for v in remaining} & set(lib.video_ids[:2])


def test_example_get_mezzanine_info(clt: Any, lib: Any) -> None:
    response = get_mezzanine_info(clt, lib.normal)
    assert response["Mezzanine"]["VideoId"] == lib.normal
    assert response["Mezzanine"]["FileURL"]


def test_example_get_video_list(clt: Any, lib: Any) -> None:
    # The page lists the last five days; the demo library's videos are dated, so cover them.
    oldest = min(v["CreationTime"] for v in lib.videos)
    start_time = oldest
    end_time = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
    response = get_video_list(clt, start_time, end_time)
    videos = response["VideoList"]["Video"]
    assert len(videos) == min(20, len(lib.videos))
    assert response["Total"] == len(lib.videos)


def test_example_delete_stream(clt: Any, lib: Any) -> None:
    request = GetPlayInfoRequest.GetPlayInfoRequest()
    request.set_VideoId(lib.normal)
    request.set_accept_format("JSON")
    play_info = json.loads(clt.do_action_with_exception(request))["PlayInfoList"]["PlayInfo"]
    job_id = play_info[0]["JobId"]
    assert delete_stream(clt, lib.normal, job_id)["RequestId"]
    again = json.loads(clt.do_action_with_exception(request))["PlayInfoList"]["PlayInfo"]
    assert job_id not in [p["JobId"] for p in again]


def test_example_delete_mezzanines(clt: Any, lib: Any) -> None:
    response = delete_mezzanines(clt, lib.transcoded, False)
    assert response.get("UnRemoveableVideoIds", []) == []
    assert response.get("NonExistVideoIds", []) == []


def test_example_update_image_infos(clt: Any, lib: Any) -> None:
    update = update_image_infos(clt, lib.image_ids[0])
    assert update.get("NonExistImageIds", {}).get("ImageId", []) == []
    assert get_image_info(clt, lib.image_ids[0])["ImageInfo"]["Title"] == "new Title"
    missing = update_image_infos(clt, "ImageIdNotExist")
    assert missing["NonExistImageIds"]["ImageId"] == ["ImageIdNotExist"]


def test_example_get_image_info(clt: Any, lib: Any) -> None:
    response = get_image_info(clt, lib.image_ids[0])
    assert response["ImageInfo"]["ImageId"] == lib.image_ids[0]
    assert response["ImageInfo"]["Mezzanine"]["FileURL"]


def test_example_delete_image(clt: Any, lib: Any) -> None:
    first, second = lib.image_ids[:2]
    url = get_image_info(clt, second)["ImageInfo"]["URL"]
    delete_image(clt, "ImageId", "", first, "", "")
    delete_image(clt, "ImageURL", url, "", "", "")
    delete_image(clt, "VideoId", "", "", lib.normal, "All")
    for gone in (first, second):
        request = GetImageInfoRequest.GetImageInfoRequest()
        request.set_ImageId(gone)
        with pytest.raises(ServerException) as caught:
            clt.do_action_with_exception(request)
        assert caught.value.get_error_code() == "NoSuchResource"
