"""Typed results: robust number parsing, wrapped vs plain lists, frozen objects, raw JSON kept."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from shared.models import Image, MediaItem, Mezzanine, PlayInfo, Video
from shared.models._parse import obj_list, str_list, to_bool, to_float, to_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        ("5", 5),
        (" 12 ", 12),
        ("3.0", 3),
        (2.9, 2),
        (None, None),
        ("", None),
        ("abc", None),
        (True, None),
    ],
)
def test_to_int(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("42.4930", 42.493), (7, 7.0), ("x", None), (None, None)])
def test_to_float(value, expected):
    assert to_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0, False), ("1", True), ("true", True), ("off", False), ("?", None)]
)
def test_to_bool(value, expected):
    assert to_bool(value) is expected


def test_lists_plain_wrapped_or_comma_joined():
    assert str_list(["a", "b"]) == ("a", "b")
    assert str_list({"Snapshot": ["a"]}, "Snapshot") == ("a",)
    assert str_list({"Other": ["a"]}) == ("a",)
    assert str_list("a, b,,c") == ("a", "b", "c")
    assert str_list(None) == ()
    assert obj_list({"Video": [{"VideoId": "1"}, "junk"]}, "Video") == [{"VideoId": "1"}]
    assert obj_list({"Video": {"VideoId": "1"}}, "Video") == [{"VideoId": "1"}]
    assert obj_list("junk") == []


def test_results_are_frozen_and_compare_without_raw():
    a = Video.from_dict({"VideoId": "v", "Size": "1"})
    b = Video.from_dict({"VideoId": "v", "Size": 1})
    assert a == b
    assert a.raw == {"VideoId": "v", "Size": "1"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.title = "x"  # type: ignore[misc]


def test_malformed_values_do_not_raise():
    video = Video.from_dict({"VideoId": 5, "Size": "big", "Duration": [], "Tags": None, "Snapshots": "nope"})
    assert (video.video_id, video.size, video.duration, video.tags) == ("5", None, None, ())
    assert Mezzanine.from_dict({}).video_streams == ()
    assert PlayInfo.from_dict({"PlayInfoList": "broken"}).streams == ()
    assert Image.from_dict({"ImageId": "i", "Mezzanine": {}}).mezzanine is None


def test_audio_search_hits_use_audio_id():
    item = MediaItem.from_dict(
        {"MediaId": "a1", "MediaType": "audio", "Audio": {"AudioId": "a1", "Duration": 3}}
    )
    assert item.audio is not None and item.audio.video_id == "a1" and item.audio.duration == 3.0
    assert item.video is None


def test_importing_shared_is_cheap():
    code = (
        "import sys, shared, shared.errors, shared.models, shared.retry;"
        "prefixes = ('aliyunsdkvod', 'aliyunsdkcore', 'emulator', 'requests');"
        "heavy = [m for m in sys.modules if m.startswith(prefixes)];"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_an_operation_imports_only_its_own_request_class():
    code = (
        "import sys\n"
        "from shared import VodClient\n"
        "c = VodClient(access_key_id='a', access_key_secret='b', endpoint='127.0.0.1:1')\n"
        "c._request('GetVideoInfo', {'VideoId': 'x'})\n"
        "print(sorted(m for m in sys.modules if m.startswith('aliyunsdkvod.request.v20170321.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "['aliyunsdkvod.request.v20170321.GetVideoInfoRequest']"


def test_loading_the_client_builds_no_model_classes_until_an_operation_needs_them():
    code = (
        "import sys\n"
        "p = 'shared.models.'\n"
        "def built():\n    return sorted(m for m in sys.modules if m.startswith(p) and '_' not in m)\n"
        "import shared.client, shared.models\n"
        "print(built())\n"
        "from shared.models import Video\n"
        "print(built())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "['shared.models.media']"
