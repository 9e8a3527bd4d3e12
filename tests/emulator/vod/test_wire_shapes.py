"""The backend's answers through the real transport and both official SDKs (shapes survive the wire)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from alibabacloud_vod20170321 import models as tea
from aliyunsdkvod.request.v20170321.GetPlayInfoRequest import GetPlayInfoRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from vodfc.emulator.protocol import RequestContext, envelope
from vodfc.emulator.vod.action_table import dispatch
from vodfc.emulator.vod.seed import demo_id

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def test_core_sdk_reads_the_seeded_library(vod: Any) -> None:
    vod.state.seed()
    client = vod.acs_client()
    request = GetVideoInfoRequest()
    request.set_VideoId(demo_id("video", 1))
    video = json.loads(client.do_action_with_exception(request))["Video"]
    assert video["Title"] == "Getting started with VOD" and video["CateName"] == "Tutorials"
    play = GetPlayInfoRequest()
    play.set_VideoId(demo_id("video", 1))
    play.set_Formats("mp4")
    streams = json.loads(client.do_action_with_exception(play))["PlayInfoList"]["PlayInfo"]
    assert [s["Definition"] for s in streams] == ["LD", "SD", "HD"]


def test_tea_sdk_models_parse_every_wrapped_list(vod: Any) -> None:
    vod.state.seed()
    client = vod.tea_client()
    vid = demo_id("video", 1)
    info = client.get_video_info(tea.GetVideoInfoRequest(video_id=vid)).body
    assert info.video.snapshots.snapshot and info.video.cate_id == 1000000001
    infos = client.get_video_infos(tea.GetVideoInfosRequest(video_ids=f"{vid},nope")).body
    assert infos.video_list[0].video_id == vid and infos.non_exist_video_ids == ["nope"]
    listing = client.get_video_list(tea.GetVideoListRequest(page_size=3)).body
    assert listing.total == 12 and len(listing.video_list.video) == 3
    play = client.get_play_info(tea.GetPlayInfoRequest(video_id=vid)).body
    assert play.play_info_list.play_info[0].job_id and play.video_base.duration
    mezz = client.get_mezzanine_info(tea.GetMezzanineInfoRequest(video_id=vid, addition_type="video")).body
    assert mezz.mezzanine.video_stream_list[0].codec_name == "h264"
    image_id = demo_id("image", 1)
    image = client.get_image_info(tea.GetImageInfoRequest(image_id=image_id)).body
    assert image.image_info.mezzanine.file_size == "182044"
    update = client.update_image_infos(
        tea.UpdateImageInfosRequest(update_content=json.dumps([{"ImageId": "nope", "Title": "x"}]))
    ).body
    assert update.non_exist_image_ids.image_id == ["nope"]
    cats = client.get_categories(tea.GetCategoriesRequest(cate_id=1000000001)).body
    assert cats.category.cate_name == "Tutorials" and cats.sub_categories.category[0].cate_name == "Python"


def test_xml_answers_repeat_list_elements(vod: Any) -> None:
    vod.state.seed()
    backend = vod.backend
    ctx = RequestContext("R", "ak", backend.account_id, backend.region, vod.url, "inprocess", NOW)
    body = dispatch(
        backend, "GetVideoInfos", {"VideoIds": f"{demo_id('video', 1)},{demo_id('video', 2)},nope"}, ctx
    )
    text = envelope.to_xml("GetVideoInfosResponse", body)
    assert text.count("<VideoList>") == 2 and "<NonExistVideoIds>nope</NonExistVideoIds>" in text
    assert text.count("<Snapshots>") == 6  # a plain list of snapshot URLs repeats its element
