"""GetMezzanineInfo, GetPlayInfo, DeleteStream and DeleteMezzanines through both SDKs.

Acceptance criteria: shared/spec/vod-api.md §0.2/§0.3/§1/§2 and vod-uncertainties.md §2, §6, §7.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND = ("InvalidVideo.NotFound", 404, "The video does not exist.")
FILE_GONE = ("InvalidFile.NotFound", 404, "The file does not exist.")

VIDEO_STREAM_KEYS = {"Bitrate", "CodecName", "Duration", "Fps", "Height", "Index", "Width", "PixFmt"}
AUDIO_STREAM_KEYS = {"Bitrate", "CodecName", "Duration", "Index", "SampleRate", "Channels"}


def play_infos(sdk: Any, video_id: str, **params: Any) -> list[dict[str, Any]]:
    body = sdk.call("GetPlayInfo", {"VideoId": video_id, **params})
    return body["PlayInfoList"]["PlayInfo"]  # type: ignore[no-any-return]


# --- GetMezzanineInfo ---------------------------------------------------------------------------------


def test_get_mezzanine_info_basic_fields_and_types(sdk: Any, lib: Any) -> None:
    body = sdk.call("GetMezzanineInfo", {"VideoId": lib.normal})
    assert set(body) == {"RequestId", "Mezzanine"}
    mezzanine = body["Mezzanine"]
    assert mezzanine["VideoId"] == lib.normal
    assert mezzanine["Status"] == "Normal"
    assert mezzanine["FileURL"].startswith("http")
    assert mezzanine["FileName"]
    # vod-api.md §0.3: Size/Width/Height numbers; Bitrate/Fps/Duration strings.
    for key in ("Size", "Width", "Height"):
        assert isinstance(mezzanine[key], int), key
    for key in ("Bitrate", "Fps", "Duration"):
        assert isinstance(mezzanine[key], str), key
    float(mezzanine["Duration"])
    # No stream lists unless AdditionType asks for them (vod-uncertainties.md §6).
    assert "VideoStreamList" not in mezzanine and "AudioStreamList" not in mezzanine


def test_get_mezzanine_info_stream_lists_are_plain_arrays_of_strings(sdk: Any, lib: Any) -> None:
    mezzanine = sdk.call("GetMezzanineInfo", {"VideoId": lib.normal, "AdditionType": "video,audio"})[
        "Mezzanine"
    ]
    video_streams, audio_streams = mezzanine["VideoStreamList"], mezzanine["AudioStreamList"]
    assert isinstance(video_streams, list) and video_streams
    assert isinstance(audio_streams, list)
    for stream in video_streams:
        assert set(stream) >= VIDEO_STREAM_KEYS, stream
        assert all(isinstance(value, str) for value in stream.values()), stream
    for stream in audio_streams:
        assert set(stream) >= AUDIO_STREAM_KEYS, stream
        assert all(isinstance(value, str) for value in stream.values()), stream
    only_video = sdk.call("GetMezzanineInfo", {"VideoId": lib.normal, "AdditionType": "video"})["Mezzanine"]
    assert "VideoStreamList" in only_video and "AudioStreamList" not in only_video


def test_get_mezzanine_info_output_type_oss(sdk: Any, lib: Any) -> None:
    mezzanine = sdk.call(
        "GetMezzanineInfo", {"VideoId": lib.normal, "OutputType": "oss", "AuthTimeout": 7200}
    )["Mezzanine"]
    assert mezzanine["OutputType"] == "oss"
    assert mezzanine["FileURL"].startswith("http")


def test_get_mezzanine_info_by_reference_id(sdk: Any, lib: Any) -> None:
    video_id, reference_id = lib.with_reference[0]
    assert sdk.call("GetMezzanineInfo", {"ReferenceId": reference_id})["Mezzanine"]["VideoId"] == video_id


def test_get_mezzanine_info_errors(sdk: Any, lib: Any) -> None:
    sdk.expect("GetMezzanineInfo", {"VideoId": "0" * 32}, *NOT_FOUND)
    sdk.expect("GetMezzanineInfo", {}, "MissingParameter", 400)


# --- GetPlayInfo --------------------------------------------------------------------------------------


def test_get_play_info_shape_and_types(sdk: Any, lib: Any) -> None:
    body = sdk.call("GetPlayInfo", {"VideoId": lib.normal})
    base = body["VideoBase"]
    assert base["VideoId"] == lib.normal and base["Status"] == "Normal"
    assert isinstance(base["Duration"], str)
    streams = body["PlayInfoList"]["PlayInfo"]
    assert isinstance(streams, list) and streams
    for stream in streams:
        assert stream["PlayURL"].startswith("http")
        assert stream["JobId"]
        for key in ("Size", "Width", "Height"):
            assert isinstance(stream[key], int), (key, stream)
        for key in ("Bitrate", "Fps", "Duration"):
            assert isinstance(stream[key], str), (key, stream)
        assert stream["Format"] in {"mp4", "m3u8", "mp3", "flv", "mpd"}


def test_get_play_info_streams_carry_the_preprocess_status_as_the_cloud_sends_it(sdk: Any, lib: Any) -> None:
    # Every PlayInfo of the captured answers has PreprocessStatus (vod-uncertainties.md §7), though the
    # Tea model lacks it: a raw-JSON client reads it.
    for video_id in (lib.normal, lib.untranscoded):
        for stream in play_infos(sdk, video_id):
            assert stream["PreprocessStatus"] == "UnPreprocess", stream


def test_get_play_info_filters_by_format_and_definition(sdk: Any, lib: Any) -> None:
    streams = play_infos(sdk, lib.normal)
    first = streams[0]
    chosen = play_infos(sdk, lib.normal, Formats=first["Format"], Definition=first["Definition"])
    assert chosen and all(
        (s["Format"], s["Definition"]) == (first["Format"], first["Definition"]) for s in chosen
    )


def test_get_play_info_without_a_matching_stream_is_none_stream(sdk: Any, lib: Any) -> None:
    sdk.expect(
        "GetPlayInfo",
        {"VideoId": lib.normal, "Formats": "flv", "Definition": "4K"},
        "InvalidVideo.NoneStream",
        404,
        "The video has no stream to play for the request parameter "
        "'Formats: flv, Definition: 4K, StreamType: video'.",
    )


def test_get_play_info_of_a_video_not_yet_playable_is_illegal_status(sdk: Any, lib: Any) -> None:
    created = sdk.call("CreateUploadVideo", {"Title": "not yet", "FileName": "clip.mp4"})
    failure = sdk.fail("GetPlayInfo", {"VideoId": created["VideoId"]})
    assert (failure.code, failure.status) == ("Forbidden.IllegalStatus", 403), failure
    assert failure.message.startswith("Status of the video is illegal.")


def test_get_play_info_errors(sdk: Any, lib: Any) -> None:
    sdk.expect("GetPlayInfo", {"VideoId": "0" * 32}, *NOT_FOUND)


# --- DeleteStream -------------------------------------------------------------------------------------


def test_delete_stream_removes_that_stream_only(sdk: Any, lib: Any) -> None:
    streams = play_infos(sdk, lib.normal)
    assert len(streams) >= 2, "the demo library's first Normal video should have several streams"
    doomed = streams[0]["JobId"]
    body = sdk.call("DeleteStream", {"VideoId": lib.normal, "JobIds": doomed})
    assert set(body) == {"RequestId"}
    left = play_infos(sdk, lib.normal)
    assert doomed not in {s["JobId"] for s in left}
    assert len(left) == len(streams) - 1


def test_delete_stream_of_an_unknown_job_is_stream_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect(
        "DeleteStream",
        {"VideoId": lib.normal, "JobIds": "f" * 32},
        "InvalidStream.NotFound",
        404,
        "The stream does not exist.",
    )


def test_delete_stream_of_an_unknown_video_is_not_found(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteStream", {"VideoId": "0" * 32, "JobIds": "f" * 32}, *NOT_FOUND)


def test_delete_stream_refuses_twenty_one_job_ids(sdk: Any, lib: Any) -> None:
    jobs = ",".join(f"{n:032x}" for n in range(21))
    sdk.expect(
        "DeleteStream",
        {"VideoId": lib.normal, "JobIds": jobs},
        "JobIdsExceededMax",
        400,
        "The JobIds exceeded maximum.",
    )


def test_delete_stream_needs_job_ids(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteStream", {"VideoId": lib.normal}, "MissingParameter", 400)


# --- DeleteMezzanines ---------------------------------------------------------------------------------


def test_delete_mezzanines_removes_the_source_file(sdk: Any, lib: Any) -> None:
    target = lib.transcoded
    body = sdk.call("DeleteMezzanines", {"VideoIds": f"{target},unknown-1"})
    assert body["NonExistVideoIds"] == ["unknown-1"]
    assert body.get("UnRemoveableVideoIds", []) == []
    sdk.expect("GetMezzanineInfo", {"VideoId": target}, *FILE_GONE)
    # The video and its transcoded streams stay.
    assert sdk.call("GetVideoInfo", {"VideoId": target})["Video"]["VideoId"] == target
    assert play_infos(sdk, target)


def test_delete_mezzanines_keeps_the_source_that_is_the_playback_stream_unless_forced(
    sdk: Any, lib: Any
) -> None:
    target = lib.untranscoded
    body = sdk.call("DeleteMezzanines", {"VideoIds": target})
    assert body["UnRemoveableVideoIds"] == [target]
    assert sdk.call("GetMezzanineInfo", {"VideoId": target})["Mezzanine"]["VideoId"] == target
    forced = sdk.call("DeleteMezzanines", {"VideoIds": target, "Force": True})
    assert forced.get("UnRemoveableVideoIds", []) == []
    sdk.expect("GetMezzanineInfo", {"VideoId": target}, *FILE_GONE)


def test_delete_mezzanines_by_reference_ids(sdk: Any, lib: Any) -> None:
    _, reference_id = lib.with_reference[0]
    body = sdk.call("DeleteMezzanines", {"ReferenceIds": f"{reference_id},nope-nope", "Force": True})
    assert body["NonExistReferenceIds"] == ["nope-nope"]


def test_delete_mezzanines_with_only_unknown_ids_is_a_success(sdk: Any, lib: Any) -> None:
    assert sdk.call("DeleteMezzanines", {"VideoIds": "u1,u2"})["NonExistVideoIds"] == ["u1", "u2"]


def test_delete_mezzanines_refuses_twenty_one_ids(sdk: Any, lib: Any) -> None:
    # vod-uncertainties.md §2 suggests VideoIdsExceededMax 400 for VideoIds lists.
    ids = [lib.normal] + [f"unknown-{n}" for n in range(20)]
    sdk.expect("DeleteMezzanines", {"VideoIds": ",".join(ids)}, "VideoIdsExceededMax", 400)


def test_delete_mezzanines_without_ids_is_missing_parameter(sdk: Any, lib: Any) -> None:
    sdk.expect("DeleteMezzanines", {}, "MissingParameter", 400)


# --- details from real captures (vod-uncertainties.md §6, §7) -------------------------------------------


def test_get_mezzanine_info_of_a_source_still_uploading_shows_its_status(sdk: Any, lib: Any) -> None:
    uploading = lib.ids(Status="Uploading")[0]
    mezzanine = sdk.call("GetMezzanineInfo", {"VideoId": uploading})["Mezzanine"]
    assert (mezzanine["VideoId"], mezzanine["Status"]) == (uploading, "Uploading")


def test_get_mezzanine_info_auth_timeout_maximum(sdk: Any, lib: Any) -> None:
    sdk.call("GetMezzanineInfo", {"VideoId": lib.normal, "OutputType": "oss", "AuthTimeout": 2_592_000})
    failure = sdk.fail(
        "GetMezzanineInfo", {"VideoId": lib.normal, "OutputType": "oss", "AuthTimeout": 2_592_001}
    )
    assert failure.status == 400, failure


def test_get_play_info_of_an_untranscoded_video_plays_the_source(sdk: Any, lib: Any) -> None:
    body = sdk.call("GetPlayInfo", {"VideoId": lib.untranscoded})
    (stream,) = body["PlayInfoList"]["PlayInfo"]
    # VOD names the original's stream <VideoId>02 (two captures).
    assert stream["JobId"] == f"{lib.untranscoded}02"
    assert (stream["Definition"], stream["Specification"]) == ("OD", "Original")
    assert body["VideoBase"]["TranscodeMode"] == "NoTranscode"


def test_get_play_info_lists_m3u8_before_mp4_and_low_definitions_first(sdk: Any, lib: Any) -> None:
    rank = {"FD": 0, "LD": 1, "SD": 2, "HD": 3, "OD": 4, "2K": 5, "4K": 6}
    streams = play_infos(sdk, lib.normal)
    formats = [s["Format"] for s in streams]
    assert formats == sorted(formats, key=lambda f: f != "m3u8")
    for fmt in set(formats):
        definitions = [rank[s["Definition"]] for s in streams if s["Format"] == fmt]
        assert definitions == sorted(definitions)


def test_get_play_info_illegal_status_message_names_both_statuses(sdk: Any, lib: Any) -> None:
    uploading = lib.ids(Status="Uploading")[0]
    sdk.expect(
        "GetPlayInfo",
        {"VideoId": uploading},
        "Forbidden.IllegalStatus",
        403,
        "Status of the video is illegal. Currently Video Status is Uploading and AuditStatus is Init.",
    )
