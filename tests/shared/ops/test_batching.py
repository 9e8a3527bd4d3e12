"""Batch methods: any number of IDs becomes ceil(N/20) requests whose answers are merged."""

from __future__ import annotations

import json

import pytest
from aliyunsdkcore.vendored.requests.exceptions import ConnectionError as SdkConnectionError

from shared.errors import AuthFailed, NotFound
from shared.models import ImageUpdate, VideoUpdate
from tests.shared.support import error_body

IDS = [f"vid{i:04d}" for i in range(1000)]
UNKNOWN = {f"vid{i:04d}" for i in range(1000) if i % 7 == 0}


def get_video_infos_like_vod(params):
    """Known IDs come back as videos; unknown ones in NonExistVideoIds; all-unknown is a 404."""
    ids = params["VideoIds"].split(",")
    known = [i for i in ids if i not in UNKNOWN and not i.startswith("gone")]
    if not known:
        return 404, error_body("InvalidVideo.NotFound", "The video does not exist.")
    return {
        "VideoList": [{"VideoId": i, "Size": "10"} for i in known],
        "NonExistVideoIds": [i for i in ids if i not in known],
    }


def test_get_video_infos_1000_ids_is_50_calls_merged(client, fake_vod):
    fake_vod.on("GetVideoInfos", get_video_infos_like_vod)
    result = client.get_video_infos(IDS)
    assert len(fake_vod.calls) == 50
    assert all(len(p["VideoIds"].split(",")) == 20 for p in fake_vod.calls)
    sent = [i for p in fake_vod.calls for i in p["VideoIds"].split(",")]
    assert sent == IDS
    assert len(result.videos) == 1000 - len(UNKNOWN)
    assert set(result.non_exist_video_ids) == UNKNOWN
    assert all(v.size == 10 for v in result.videos)
    assert len(result.raw) == 50


def test_a_chunk_where_every_id_is_unknown_is_merged_as_non_existent(client, fake_vod):
    fake_vod.on("GetVideoInfos", get_video_infos_like_vod)
    gone = [f"gone{i}" for i in range(39)]
    # Chunk 1: vid0001 + 19 unknown (200, NonExist list); chunk 2: 20 unknown (404); chunk 3: vid0002.
    result = client.get_video_infos(["vid0001", *gone, "vid0002"])
    assert len(fake_vod.calls) == 3
    assert result.non_exist_video_ids == tuple(gone)
    assert [v.video_id for v in result.videos] == ["vid0001", "vid0002"]
    assert result.raw[1]["Code"] == "InvalidVideo.NotFound"


def test_uneven_count_and_reference_ids_are_batched_separately(client, fake_vod):
    fake_vod.on("GetVideoInfos", {"VideoList": [], "NonExistReferenceIds": ["ref-0001"]})
    client.get_video_infos(IDS[:41], reference_ids=["ref-0001", "ref-0002"])
    assert [len(p.get("VideoIds", "").split(",")) for p in fake_vod.calls[:3]] == [20, 20, 1]
    assert fake_vod.calls[3]["ReferenceIds"] == "ref-0001,ref-0002"
    assert "VideoIds" not in fake_vod.calls[3]


def test_duplicate_ids_are_sent_once(client, fake_vod):
    fake_vod.on("GetVideoInfos", {"VideoList": [{"VideoId": "a"}]})
    client.get_video_infos(["a", "a", "a"])
    assert fake_vod.calls[0]["VideoIds"] == "a"


def test_empty_input_sends_nothing(client, fake_vod):
    assert client.get_video_infos([]).videos == ()
    assert client.delete_videos([]).deleted_video_ids == ()
    assert fake_vod.calls == []


def test_other_errors_still_fail_the_batch(client, fake_vod):
    fake_vod.on("GetVideoInfos", (403, error_body("Forbidden")))
    with pytest.raises(AuthFailed):
        client.get_video_infos(IDS[:30])
    assert len(fake_vod.calls) == 1


def delete_video_like_vod(params):
    ids = params["VideoIds"].split(",")
    known = [i for i in ids if i not in UNKNOWN and not i.startswith("gone")]
    if not known:
        return 404, error_body("InvalidVideo.NotFound")
    forbidden = [i for i in known if i.endswith("5")]
    return {"NonExistVideoIds": [i for i in ids if i not in known], "ForbiddenVideoIds": forbidden}


def test_delete_1000_videos_is_50_calls_and_every_id_is_accounted_for_once(client, fake_vod):
    fake_vod.on("DeleteVideo", delete_video_like_vod)
    result = client.delete_videos([*IDS, *[f"gone{i}" for i in range(20)]])
    assert len(fake_vod.calls) == 51
    deleted, missing, forbidden = (
        set(result.deleted_video_ids),
        set(result.non_exist_video_ids),
        set(result.forbidden_video_ids),
    )
    assert missing == UNKNOWN | {f"gone{i}" for i in range(20)}
    assert forbidden == {i for i in IDS if i.endswith("5") and i not in UNKNOWN}
    assert deleted.isdisjoint(missing) and deleted.isdisjoint(forbidden)
    assert len(deleted) + len(missing) + len(forbidden) == 1020


def test_retried_delete_whose_first_attempt_landed_counts_as_deleted(client, fake_vod):
    # First attempt deletes on the server but the answer is lost; the retry is told the IDs are unknown.
    fake_vod.on(
        "DeleteVideo", [SdkConnectionError("read timed out"), (404, error_body("InvalidVideo.NotFound"))]
    )
    result = client.delete_videos(["v1", "v2"])
    assert result.deleted_video_ids == ("v1", "v2")
    assert result.assumed_deleted_video_ids == ("v1", "v2")
    assert result.non_exist_video_ids == ()


def test_retried_delete_with_a_partial_non_exist_list_after_a_5xx(client, fake_vod):
    fake_vod.on("DeleteVideo", [(503, error_body("DeleteVideoFailed")), {"NonExistVideoIds": ["v2"]}])
    result = client.delete_videos(["v1", "v2"])
    assert result.deleted_video_ids == ("v1", "v2")
    assert result.assumed_deleted_video_ids == ("v2",)


def test_delete_of_unknown_ids_without_retry_is_non_existent(client, fake_vod):
    fake_vod.on("DeleteVideo", (404, error_body("InvalidVideo.NotFound")))
    result = client.delete_videos(["x1", "x2"])
    assert result.deleted_video_ids == ()
    assert result.non_exist_video_ids == ("x1", "x2")


def test_update_video_infos_in_chunks_of_20(client, fake_vod):
    fake_vod.on(
        "UpdateVideoInfos",
        lambda p: {
            "NonExistVideoIds": [
                e["VideoId"] for e in json.loads(p["UpdateContent"]) if e["VideoId"] in UNKNOWN
            ]
        },
    )
    result = client.update_video_infos(VideoUpdate(video_id=i, title=f"t-{i}") for i in IDS[:45])
    assert [len(json.loads(p["UpdateContent"])) for p in fake_vod.calls] == [20, 20, 5]
    assert set(result.non_exist_video_ids) == {i for i in IDS[:45] if i in UNKNOWN}
    assert len(result.raw) == 3


def test_update_image_infos_in_chunks_of_20(client, fake_vod):
    fake_vod.on("UpdateImageInfos", {"NonExistImageIds": {"ImageId": []}})
    client.update_image_infos(ImageUpdate(f"img{i}", title="t") for i in range(21))
    assert [len(json.loads(p["UpdateContent"])) for p in fake_vod.calls] == [20, 1]


def test_get_image_infos_all_unknown_chunk(client, fake_vod):
    fake_vod.on(
        "GetImageInfos",
        lambda p: (
            (404, error_body("NoSuchResource"))
            if p["ImageIds"].startswith("x")
            else {"ImageInfo": [{"ImageId": i} for i in p["ImageIds"].split(",")]}
        ),
    )
    result = client.get_image_infos([*[f"i{n}" for n in range(20)], "x1"])
    assert len(result.images) == 20
    assert result.non_exist_image_ids == ("x1",)


def test_delete_mezzanines_in_chunks(client, fake_vod):
    fake_vod.on("DeleteMezzanines", lambda p: {"UnRemoveableVideoIds": p["VideoIds"].split(",")[:1]})
    result = client.delete_mezzanines(IDS[:60])
    assert len(fake_vod.calls) == 3
    assert all(p["Force"] == "false" for p in fake_vod.calls)
    assert result.unremoveable_video_ids == (IDS[0], IDS[20], IDS[40])
    assert len(result.deleted_video_ids) == 57


def test_delete_images_splits_a_failed_chunk_to_find_the_unknown_ones(client, fake_vod):
    existing = {f"img{i}" for i in range(25)} - {"img3", "img22"}

    def delete_image(params):
        ids = params["ImageIds"].split(",")
        if any(i not in existing for i in ids):
            return 404, error_body("NoSuchResource")
        existing.difference_update(ids)
        return {}

    fake_vod.on("DeleteImage", delete_image)
    result = client.delete_images([f"img{i}" for i in range(25)])
    assert set(result.not_found) == {"img3", "img22"}
    assert len(result.deleted) == 23
    assert existing == set()
    # 2 chunk requests that failed, then 20 + 5 single-item requests.
    assert len(fake_vod.calls) == 27


def test_delete_images_by_url_in_chunks(client, fake_vod):
    fake_vod.on("DeleteImage", {})
    urls = [f"http://img/{i}.png" for i in range(41)]
    assert client.delete_image_urls(urls).deleted == tuple(urls)
    assert [len(p["ImageURLs"].split(",")) for p in fake_vod.calls] == [20, 20, 1]


def test_single_get_is_not_found_when_unknown(client, fake_vod):
    fake_vod.on("GetImageInfo", (404, error_body("NoSuchResource")))
    with pytest.raises(NotFound):
        client.get_image_info("nope")
