"""The Tea SDK with ``signature_algorithm="v2"`` (RPC v1 signature, ``Action`` in the query) reads
every query action into its models just like the default ACS3 path."""

from __future__ import annotations

from typing import Any

from tests.emulator.vod import sdk as sdk_helpers


def test_query_actions_through_the_rpc_signature(vod: Any, lib: Any) -> None:
    tea = sdk_helpers.Sdk("tea", vod, signature_algorithm="v2")
    calls = {
        "GetVideoInfo": {"VideoId": lib.normal},
        "GetVideoInfos": {"VideoIds": ",".join(lib.video_ids[:3])},
        "GetVideoList": {"PageSize": 100},
        "SearchMedia": {"PageSize": 5, "Fields": "Title,Duration,Snapshots"},
        "GetMezzanineInfo": {"VideoId": lib.normal, "AdditionType": "video,audio"},
        "GetPlayInfo": {"VideoId": lib.normal},
        "GetImageInfo": {"ImageId": lib.image_ids[0]},
        "GetImageInfos": {"ImageIds": ",".join(lib.image_ids)},
        "GetCategories": {"CateId": lib.seeded["category_ids"][0]},
    }
    for action, params in calls.items():
        body = tea.call(action, params)
        assert set(body) - {"RequestId"}, action
    failure = tea.fail("GetVideoInfo", {"VideoId": "0" * 32})
    assert (failure.code, failure.status) == ("InvalidVideo.NotFound", 404)
