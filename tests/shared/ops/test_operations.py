"""Each operation: what the SDK puts on the wire, and the typed result built from VOD's answer."""

from __future__ import annotations

import json

import pytest

from shared.errors import NotFound
from shared.models import ImageUpdate, VideoUpdate

VIDEO = {
    "VideoId": "v1",
    "Title": "cat",
    "Status": "Normal",
    "Tags": "a,b",
    "CateId": "7",
    "Size": "1024",
    "Duration": "12.5",
    "Snapshots": {"Snapshot": ["http://s/1.jpg", "http://s/2.jpg"]},
    "CreationTime": "2024-01-01T00:00:00Z",
}


def test_every_request_is_a_signed_vod_rpc_call_over_https(client, fake_vod):
    fake_vod.on("GetVideoInfo", {"Video": VIDEO})
    client.get_video_info("v1")
    sent = fake_vod.requests[0]
    assert sent["scheme"] == "https"
    assert sent["host"] == "vod.cn-shanghai.aliyuncs.com"
    params = sent["params"]
    assert params["Action"] == "GetVideoInfo"
    assert params["Version"] == "2017-03-21"
    assert params["AccessKeyId"] == "test-ak"
    assert params["RegionId"] == "cn-shanghai"
    assert params["Signature"]
    assert "test-secret" not in sent["url"]


def test_get_video_info_parses_numbers_sent_as_strings_and_keeps_raw(client, fake_vod):
    fake_vod.on("GetVideoInfo", {"Video": VIDEO})
    video = client.get_video_info("v1")
    assert fake_vod.calls[0]["VideoId"] == "v1"
    assert video.video_id == "v1"
    assert video.cate_id == 7
    assert video.size == 1024
    assert video.duration == 12.5
    assert video.tags == ("a", "b")
    assert video.snapshots == ("http://s/1.jpg", "http://s/2.jpg")
    assert video.raw["Snapshots"] == {"Snapshot": ["http://s/1.jpg", "http://s/2.jpg"]}


def test_get_video_info_by_reference_id(client, fake_vod):
    fake_vod.on("GetVideoInfo", {"Video": VIDEO})
    client.get_video_info(reference_id="my-ref-001")
    assert fake_vod.calls[0]["ReferenceId"] == "my-ref-001"
    assert "VideoId" not in fake_vod.calls[0]


def test_update_video_info_sends_only_given_fields(client, fake_vod):
    fake_vod.on("UpdateVideoInfo", {})
    client.update_video_info("v1", title="new", tags=["x", "y"], cate_id=3, user_data={"Extend": {"k": "v"}})
    params = fake_vod.calls[0]
    assert params["Title"] == "new"
    assert params["Tags"] == "x,y"
    assert params["CateId"] == "3"
    assert json.loads(params["UserData"]) == {"Extend": {"k": "v"}}
    assert "Description" not in params and "CoverURL" not in params


def test_update_video_infos_sends_json_update_content(client, fake_vod):
    fake_vod.on("UpdateVideoInfos", {"NonExistVideoIds": ["v9"], "ForbiddenVideoIds": ["v8"]})
    result = client.update_video_infos(
        [VideoUpdate(video_id="v1", title="t"), VideoUpdate(video_id="v9", tags="a,b", cate_id=2)]
    )
    content = json.loads(fake_vod.calls[0]["UpdateContent"])
    assert content == [{"VideoId": "v1", "Title": "t"}, {"VideoId": "v9", "Tags": "a,b", "CateId": 2}]
    assert result.non_exist_video_ids == ("v9",)
    assert result.forbidden_video_ids == ("v8",)


def test_delete_videos_reports_each_id_once(client, fake_vod):
    fake_vod.on("DeleteVideo", {"NonExistVideoIds": ["v2"], "ForbiddenVideoIds": ["v3"]})
    result = client.delete_videos(["v1", "v2", "v3"])
    assert fake_vod.calls[0]["VideoIds"] == "v1,v2,v3"
    assert result.deleted_video_ids == ("v1",)
    assert result.non_exist_video_ids == ("v2",)
    assert result.forbidden_video_ids == ("v3",)


def test_get_mezzanine_info_with_stream_lists(client, fake_vod):
    fake_vod.on(
        "GetMezzanineInfo",
        {
            "Mezzanine": {
                "VideoId": "v1",
                "Size": 2048,
                "Duration": "42.4930",
                "Bitrate": "771.2280",
                "Fps": "25.0000",
                "Width": 1280,
                "Height": "720",
                "VideoStreamList": [
                    {"Index": "0", "Width": "1280", "Height": "720", "Fps": "30000/1001", "NumFrames": "100"}
                ],
                "AudioStreamList": [
                    {"Index": "1", "Channels": "2", "SampleRate": "44100", "Bitrate": "128.0"}
                ],
            }
        },
    )
    mezz = client.get_mezzanine_info("v1", output_type="oss", auth_timeout=600)
    params = fake_vod.calls[0]
    assert params["AdditionType"] == "video,audio"
    assert params["OutputType"] == "oss"
    assert params["AuthTimeout"] == "600"
    assert (mezz.size, mezz.duration, mezz.bitrate, mezz.fps, mezz.height) == (
        2048,
        42.493,
        771.228,
        25.0,
        720,
    )
    stream = mezz.video_streams[0]
    assert (stream.index, stream.width, stream.num_frames) == (0, 1280, 100)
    assert stream.fps == pytest.approx(29.97, abs=0.01)
    audio = mezz.audio_streams[0]
    assert (audio.channels, audio.sample_rate, audio.bitrate) == (2, 44100, 128.0)


def test_get_mezzanine_info_without_additions(client, fake_vod):
    fake_vod.on("GetMezzanineInfo", {"Mezzanine": {"VideoId": "v1"}})
    mezz = client.get_mezzanine_info("v1", addition_type=None)
    assert "AdditionType" not in fake_vod.calls[0]
    assert mezz.video_streams == () and mezz.audio_streams == ()


def test_get_play_info_lists_streams_with_job_ids(client, fake_vod):
    fake_vod.on(
        "GetPlayInfo",
        {
            "VideoBase": {
                "VideoId": "v1",
                "Duration": "6.4",
                "Status": "Normal",
                "TranscodeMode": "FastTranscode",
            },
            "PlayInfoList": {
                "PlayInfo": [
                    {
                        "JobId": "j1",
                        "Definition": "LD",
                        "Format": "m3u8",
                        "Size": 100,
                        "Bitrate": "450.5",
                        "Width": 640,
                        "Height": "360",
                        "Status": "Normal",
                        "PlayURL": "http://cdn/ld.m3u8",
                        "Encrypt": 0,
                    },
                    {"JobId": "j2", "Definition": "SD", "Format": "mp4", "Size": "200", "Fps": "25"},
                ]
            },
        },
    )
    info = client.get_play_info("v1", formats=["mp4", "m3u8"], definition="LD,SD", stream_type="video")
    params = fake_vod.calls[0]
    assert (params["Formats"], params["Definition"], params["StreamType"]) == ("mp4,m3u8", "LD,SD", "video")
    assert info.video_base.duration == 6.4
    assert info.video_base.transcode_mode == "FastTranscode"
    assert info.job_ids == ("j1", "j2")
    first, second = info.streams
    assert (first.size, first.bitrate, first.width, first.height, first.encrypt) == (
        100,
        450.5,
        640,
        360,
        False,
    )
    assert first.play_url == "http://cdn/ld.m3u8"
    assert (second.size, second.fps) == (200, 25.0)
    assert info.raw["PlayInfoList"]["PlayInfo"][1]["JobId"] == "j2"


def test_get_play_info_none_stream_is_not_found(client, fake_vod):
    fake_vod.on("GetPlayInfo", (404, {"Code": "InvalidVideo.NoneStream", "Message": "no stream"}))
    with pytest.raises(NotFound) as caught:
        client.get_play_info("v1")
    assert caught.value.code == "InvalidVideo.NoneStream"


def test_delete_stream_sends_job_ids(client, fake_vod):
    fake_vod.on("DeleteStream", {})
    client.delete_stream("v1", ["j1", "j2"])
    assert fake_vod.calls[0]["JobIds"] == "j1,j2"
    assert fake_vod.calls[0]["VideoId"] == "v1"


def test_delete_mezzanines_sends_force_and_merges(client, fake_vod):
    fake_vod.on("DeleteMezzanines", {"NonExistVideoIds": ["v2"], "UnRemoveableVideoIds": ["v3"]})
    result = client.delete_mezzanines(["v1", "v2", "v3"], force=True)
    assert fake_vod.calls[0]["Force"] == "true"
    assert result.deleted_video_ids == ("v1",)
    assert result.unremoveable_video_ids == ("v3",)
    assert result.non_exist_video_ids == ("v2",)


def test_update_image_infos_reads_the_wrapped_non_exist_list(client, fake_vod):
    fake_vod.on("UpdateImageInfos", {"NonExistImageIds": {"ImageId": ["i9"]}})
    result = client.update_image_infos(
        [ImageUpdate("i1", title="t", tags=["a"]), ImageUpdate("i9", cate_id=4)]
    )
    assert json.loads(fake_vod.calls[0]["UpdateContent"]) == [
        {"ImageId": "i1", "Title": "t", "Tags": "a"},
        {"ImageId": "i9", "CateId": 4},
    ]
    assert result.non_exist_image_ids == ("i9",)


def test_get_image_info_parses_the_mezzanine(client, fake_vod):
    fake_vod.on(
        "GetImageInfo",
        {
            "ImageInfo": {
                "ImageId": "i1",
                "URL": "http://img/1.png",
                "CateId": 3,
                "Mezzanine": {"FileSize": "5000", "Width": 100, "Height": "50", "OriginalFileName": "a.png"},
            }
        },
    )
    image = client.get_image_info("i1", output_type="cdn")
    assert fake_vod.calls[0]["ImageId"] == "i1"
    assert image.mezzanine is not None
    assert (image.mezzanine.file_size, image.mezzanine.width, image.mezzanine.height) == (5000, 100, 50)
    assert image.url == "http://img/1.png"


def test_get_image_infos_reads_the_imageinfo_list(client, fake_vod):
    fake_vod.on(
        "GetImageInfos", {"ImageInfo": [{"ImageId": "i1"}, {"ImageId": "i2"}], "NonExistImageIds": ["i3"]}
    )
    result = client.get_image_infos(["i1", "i2", "i3"])
    assert fake_vod.calls[0]["ImageIds"] == "i1,i2,i3"
    assert [i.image_id for i in result.images] == ["i1", "i2"]
    assert result.get("i2") is not None
    assert result.non_exist_image_ids == ("i3",)


def test_delete_image_modes(client, fake_vod):
    fake_vod.on("DeleteImage", {})
    assert client.delete_images(["i1", "i2"]).deleted == ("i1", "i2")
    assert client.delete_image_urls("http://a/1.png").deleted == ("http://a/1.png",)
    client.delete_video_images("v1", ["CoverSnapshot", "NormalSnapshot"])
    ids, urls, by_video = fake_vod.calls
    assert (ids["DeleteImageType"], ids["ImageIds"]) == ("ImageId", "i1,i2")
    assert (urls["DeleteImageType"], urls["ImageURLs"]) == ("ImageURL", "http://a/1.png")
    assert (by_video["DeleteImageType"], by_video["VideoId"]) == ("VideoId", "v1")
    assert by_video["ImageType"] == "CoverSnapshot,NormalSnapshot"


def test_search_media_page(client, fake_vod):
    fake_vod.on(
        "SearchMedia",
        {
            "Total": "2",
            "ScrollToken": "2716cd7937a85fb9e4127b9a12d22cb4",
            "MediaList": [
                {"MediaId": "v1", "MediaType": "video", "Video": {"VideoId": "v1", "Size": "9"}, "Audio": {}},
                {"MediaId": "i1", "MediaType": "image", "Image": {"ImageId": "i1"}, "Video": {}},
            ],
        },
    )
    page = client.search_media(
        "Title = 'cat'", fields=["Title", "Size"], sort_by="CreationTime:Asc", page_size=20
    )
    params = fake_vod.calls[0]
    assert (params["Match"], params["Fields"], params["SortBy"]) == (
        "Title = 'cat'",
        "Title,Size",
        "CreationTime:Asc",
    )
    assert (params["SearchType"], params["PageNo"], params["PageSize"]) == ("video", "1", "20")
    assert "ScrollToken" not in params
    assert page.total == 2
    assert page.scroll_token == "2716cd7937a85fb9e4127b9a12d22cb4"
    video_item, image_item = page.items
    assert video_item.video is not None and video_item.video.size == 9
    assert video_item.audio is None
    assert image_item.image is not None and image_item.video is None


def test_get_video_list_page(client, fake_vod):
    fake_vod.on("GetVideoList", {"Total": 1, "VideoList": {"Video": [VIDEO]}})
    page = client.get_video_list(
        status=["Normal", "Checking"],
        start_time="2024-01-01T00:00:00Z",
        end_time="2024-02-01T00:00:00Z",
        cate_id=7,
        sort_by="CreationTime:Asc",
        page_size=50,
    )
    params = fake_vod.calls[0]
    assert params["Status"] == "Normal,Checking"
    assert (params["StartTime"], params["EndTime"]) == ("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z")
    assert (params["CateId"], params["PageSize"], params["SortBy"]) == ("7", "50", "CreationTime:Asc")
    assert page.total == 1 and page.videos[0].snapshots == ("http://s/1.jpg", "http://s/2.jpg")


def test_low_level_call_returns_the_decoded_answer(client, fake_vod):
    fake_vod.on("GetCategories", {"SubTotal": 0})
    data = client.call("GetCategories", {"CateId": -1, "PageSize": None}, idempotent=True)
    assert data["SubTotal"] == 0
    assert fake_vod.calls[0]["CateId"] == "-1"
    assert "PageSize" not in fake_vod.calls[0]
