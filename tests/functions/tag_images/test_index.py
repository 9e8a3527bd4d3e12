"""tag_images (ImageUploadComplete): the image's facts and the rules become its tags and category."""

from __future__ import annotations

import json

import pytest
from vodfc.emulator.events import payloads as p

from shared.errors import Throttled
from tests.functions.support.events import invoke, sends_exactly
from tests.functions.support.fakes import FakeImage


def results(module, event, timeout: int = 60) -> dict:
    (report,) = invoke(module, event, timeout)["Results"]
    return report


@pytest.fixture
def tag_images(fn, monkeypatch):
    rules = {"keyword_rules": [{"keywords": ["poster"], "tags": ["poster"], "cate_id": 5}]}
    monkeypatch.setenv("VODFC_TAG_IMAGES_CONFIG", json.dumps(rules))
    return fn("tag_images")


def image_event(image_id: str = "i1") -> dict:
    return p.image_upload_complete(image_id, size=1, file_url=f"http://b/image/default/{image_id}.jpg")


def test_image_is_tagged_and_categorised(tag_images, vod) -> None:
    vod.images["i1"] = FakeImage("i1", tags=["mine"])
    report = results(tag_images, image_event())
    assert report["Outcome"] == "updated"
    assert vod.images["i1"].tags == ["mine", "hd", "portrait", "poster"] and vod.images["i1"].cate_id == 5
    assert results(tag_images, image_event())["Outcome"] == "unchanged"
    assert len(vod.actions("UpdateImageInfos")) == 1
    assert sends_exactly(vod, "tag_images")


def test_missing_image_is_skipped(tag_images, vod) -> None:
    assert results(tag_images, image_event("nope"))["Outcome"] == "skipped"


def test_image_throttled_then_redelivered(tag_images, vod) -> None:
    vod.images["i1"] = FakeImage("i1")
    vod.fail("GetImageInfo", Throttled("Throttling.User", "x", http_status=400))
    with pytest.raises(Throttled):
        invoke(tag_images, image_event())
    results(tag_images, image_event())
    assert vod.images["i1"].tags == ["hd", "portrait", "poster"]
