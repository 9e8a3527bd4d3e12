"""The suite's own Tea check catches what it is meant to catch (so a green run means something)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_vod20170321 import models as tea_models
from darabonba.core import DaraCore

from tests.emulator.vod import sdk as sdk_helpers


def tea_response(action: str, raw: dict[str, Any]) -> Any:
    wire = {"headers": {}, "statusCode": 200, "body": raw}
    return DaraCore.from_map(getattr(tea_models, f"{action}Response")(), wire)


GOOD = {"RequestId": "R", "Video": {"VideoId": "v", "Snapshots": {"Snapshot": ["u"]}, "Duration": 1.5}}


def test_a_body_the_model_knows_passes() -> None:
    sdk_helpers.check_tea_model("GetVideoInfo", GOOD, tea_response("GetVideoInfo", GOOD))


def test_a_key_the_model_does_not_know_is_reported_with_its_path() -> None:
    raw = {"RequestId": "R", "Video": {"VideoId": "v", "Extra": 1}}
    with pytest.raises(AssertionError, match=r"Video\.Extra"):
        sdk_helpers.check_tea_model("GetVideoInfo", raw, tea_response("GetVideoInfo", raw))


def test_a_wrong_container_shape_is_a_none_body() -> None:
    raw = {"RequestId": "R", "Video": {"VideoId": "v", "Snapshots": ["not", "wrapped"]}}
    with pytest.raises(AssertionError, match="could not map"):
        sdk_helpers.check_tea_model("GetVideoInfo", raw, tea_response("GetVideoInfo", raw))


def test_list_items_are_walked() -> None:
    raw = {"RequestId": "R", "VideoList": [{"VideoId": "a"}, {"VideoId": "b", "Bogus": "x"}]}
    assert sdk_helpers.unknown_keys(raw, tea_models.GetVideoInfosResponseBody().from_map(raw).to_map()) == [
        "VideoList[1].Bogus"
    ]


def test_null_values_are_not_unknown_keys() -> None:
    raw = {"RequestId": "R", "Video": None}
    assert sdk_helpers.unknown_keys(raw, {"RequestId": "R"}) == []


def test_keys_the_cloud_sends_beyond_the_model_are_accepted_only_where_seen() -> None:
    raw = {
        "RequestId": "R",
        "VideoBase": {"VideoId": "v", "TranscodeMode": "NoTranscode", "OutputType": "cdn"},
    }
    sdk_helpers.check_tea_model("GetPlayInfo", raw, tea_response("GetPlayInfo", raw))
    elsewhere = {"RequestId": "R", "Video": {"VideoId": "v", "TranscodeMode": "NoTranscode"}}
    with pytest.raises(AssertionError, match=r"Video\.TranscodeMode"):
        sdk_helpers.check_tea_model("GetVideoInfo", elsewhere, tea_response("GetVideoInfo", elsewhere))
