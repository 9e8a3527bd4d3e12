"""Input VOD would refuse is refused before sending, with an error naming the field."""

from __future__ import annotations

import pytest

from shared.errors import InvalidParameter, ValidationError
from shared.models import ImageUpdate, VideoUpdate


def rejects(fake_vod, call, field, code="InvalidParameter"):
    with pytest.raises(ValidationError) as caught:
        call()
    assert isinstance(caught.value, InvalidParameter)
    assert caught.value.field == field, caught.value
    assert caught.value.code == code
    assert field.split("[")[0].split(".")[-1] in str(caught.value) or field in str(caught.value)
    assert fake_vod.calls == [], "nothing may be sent when validation fails"
    return caught.value


def test_title_is_limited_to_128_bytes_of_utf8(client, fake_vod):
    fake_vod.on("UpdateVideoInfo", {})
    client.update_video_info("v1", title="é" * 64)  # 128 bytes: accepted
    fake_vod.requests.clear()
    rejects(fake_vod, lambda: client.update_video_info("v1", title="é" * 65), "Title", "LengthExceededMax")


def test_description_is_limited_to_1024_bytes(client, fake_vod):
    rejects(
        fake_vod,
        lambda: client.update_video_info("v1", description="界" * 342),
        "Description",
        "LengthExceededMax",
    )


def test_at_most_16_tags(client, fake_vod):
    tags = [f"t{i}" for i in range(17)]
    rejects(fake_vod, lambda: client.update_video_info("v1", tags=tags), "Tags", "TagsExceededMax")


def test_each_tag_at_most_32_bytes(client, fake_vod):
    error = rejects(
        fake_vod,
        lambda: client.update_video_info("v1", tags="ok," + "x" * 33),
        "Tags['" + "x" * 33 + "']",
        "LengthExceededMax",
    )
    assert "32 bytes" in str(error)


def test_a_tag_list_item_may_not_contain_a_comma(client, fake_vod):
    rejects(fake_vod, lambda: client.update_video_info("v1", tags=["a,b"]), "Tags")


def test_update_needs_something_to_change(client, fake_vod):
    rejects(fake_vod, lambda: client.update_video_info("v1"), "UpdateVideoInfo")


def test_video_id_is_required(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_info(), "VideoId", "MissingParameter")
    rejects(fake_vod, lambda: client.update_video_info("", title="t"), "VideoId", "MissingParameter")
    rejects(fake_vod, lambda: client.get_mezzanine_info(""), "VideoId", "MissingParameter")


def test_reference_id_pattern(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_info(reference_id="short"), "ReferenceId")
    rejects(fake_vod, lambda: client.get_video_infos(reference_ids=["ok-ref-1", "bad ref!"]), "ReferenceIds")
    rejects(fake_vod, lambda: client.delete_videos(reference_ids=["x" * 65]), "ReferenceIds")


def test_batch_update_entries_are_all_checked_before_any_request(client, fake_vod):
    updates = [VideoUpdate(video_id=f"v{i}", title="t") for i in range(25)] + [
        VideoUpdate(video_id="v", title="x" * 129)
    ]
    rejects(
        fake_vod, lambda: client.update_video_infos(updates), "UpdateContent[25].Title", "LengthExceededMax"
    )


def test_batch_update_entry_needs_an_id_and_a_change(client, fake_vod):
    rejects(
        fake_vod,
        lambda: client.update_video_infos([VideoUpdate(title="t")]),
        "UpdateContent[0].VideoId",
        "MissingParameter",
    )
    rejects(fake_vod, lambda: client.update_video_infos([VideoUpdate(video_id="v1")]), "UpdateContent[0]")
    rejects(
        fake_vod,
        lambda: client.update_image_infos([ImageUpdate("")]),
        "UpdateContent[0].ImageId",
        "MissingParameter",
    )


def test_image_texts_may_not_contain_emoji(client, fake_vod):
    rejects(
        fake_vod,
        lambda: client.update_image_infos([ImageUpdate("i1", title="cat 😺")]),
        "UpdateContent[0].Title",
        "IllegalCharacters",
    )


def test_delete_stream_takes_at_most_20_job_ids(client, fake_vod):
    rejects(
        fake_vod,
        lambda: client.delete_stream("v1", [f"j{i}" for i in range(21)]),
        "JobIds",
        "JobIdsExceededMax",
    )
    rejects(fake_vod, lambda: client.delete_stream("v1", []), "JobIds", "MissingParameter")


def test_page_size_and_page_no(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_list(page_size=101), "PageSize")
    rejects(fake_vod, lambda: client.search_media(page_size=0), "PageSize")
    rejects(fake_vod, lambda: client.search_media(page_no=0), "PageNo")
    rejects(fake_vod, lambda: client.iter_video_list(page_size=500), "PageSize")


def test_single_pages_stay_inside_the_5000_window(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_list(page_no=51, page_size=100), "PageNo")
    rejects(fake_vod, lambda: client.search_media(page_no=501, page_size=10), "PageNo")
    fake_vod.on("SearchMedia", {"MediaList": []})
    client.search_media(page_no=501, page_size=10, scroll_token="tok")  # with a token, VOD allows it
    assert len(fake_vod.calls) == 1


def test_delete_image_type_rules(client, fake_vod):
    rejects(fake_vod, lambda: client.delete_video_images("v1", ["All", "CoverSnapshot"]), "ImageType")
    rejects(fake_vod, lambda: client.delete_video_images("v1", "Thumbnail"), "ImageType")
    rejects(fake_vod, lambda: client.delete_video_images("v1", []), "ImageType", "MissingParameter")
    rejects(fake_vod, lambda: client.delete_video_images("", "All"), "VideoId", "MissingParameter")


def test_enumerated_parameters(client, fake_vod):
    rejects(fake_vod, lambda: client.search_media(search_type="movie"), "SearchType")
    rejects(fake_vod, lambda: client.search_media(sort_by="Title:Asc"), "SortBy")
    rejects(
        fake_vod,
        lambda: client.search_media(sort_by="CreationTime:Asc," * 3 + "ModificationTime:Asc"),
        "SortBy",
        "SortByExceededMax",
    )
    rejects(fake_vod, lambda: client.get_video_list(sort_by="Title:Asc"), "SortBy")
    rejects(fake_vod, lambda: client.get_video_list(status=["Normal", "Lost"]), "Status")
    rejects(fake_vod, lambda: client.get_mezzanine_info("v1", output_type="ftp"), "OutputType")
    rejects(fake_vod, lambda: client.get_mezzanine_info("v1", addition_type="subtitle"), "AdditionType")
    rejects(fake_vod, lambda: client.get_play_info("v1", formats="avi"), "Formats")
    rejects(fake_vod, lambda: client.get_play_info("v1", definition="8K"), "Definition")
    rejects(fake_vod, lambda: client.get_play_info("v1", stream_type="text"), "StreamType")
    rejects(fake_vod, lambda: client.get_play_info("v1", result_type="Many"), "ResultType")


def test_times_and_numbers(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_list(start_time="yesterday"), "StartTime")
    rejects(
        fake_vod,
        lambda: client.get_video_list(start_time="2024-02-01T00:00:00Z", end_time="2024-01-01T00:00:00Z"),
        "EndTime",
    )
    rejects(fake_vod, lambda: client.get_video_list(cate_id="7"), "CateId")
    rejects(fake_vod, lambda: client.get_image_info("i1", auth_timeout=0), "AuthTimeout")


def test_ids_must_be_non_empty_strings(client, fake_vod):
    rejects(fake_vod, lambda: client.get_video_infos(["a", ""]), "VideoIds")
    rejects(fake_vod, lambda: client.delete_images([1, 2]), "ImageIds")


def test_datetime_arguments_are_sent_in_vod_format(client, fake_vod):
    from datetime import datetime, timedelta, timezone

    fake_vod.on("GetVideoList", {"VideoList": {"Video": []}})
    tz = timezone(timedelta(hours=8))
    client.get_video_list(start_time=datetime(2024, 1, 1, 8, 0, tzinfo=tz), end_time=datetime(2024, 1, 2))
    assert fake_vod.calls[0]["StartTime"] == "2024-01-01T00:00:00Z"
    assert fake_vod.calls[0]["EndTime"] == "2024-01-02T00:00:00Z"


def test_unknown_action_on_the_low_level_path(client, fake_vod):
    rejects(fake_vod, lambda: client.call("NoSuchThing", {}, idempotent=True), "Action")


def test_batch_updates_take_their_update_classes(client, fake_vod):
    rejects(
        fake_vod, lambda: client.update_video_infos([{"VideoId": "v1", "Title": "t"}]), "UpdateContent[0]"
    )
    rejects(
        fake_vod,
        lambda: client.update_image_infos([VideoUpdate(video_id="v1", title="t")]),
        "UpdateContent[0]",
    )
