"""VOD's documented 5xx errors (DeleteVideoFailed, DeleteStreamFailed 503; InternalError 500) reach
both SDKs with their code and status; the Tea SDK raises its ServerException for them.

The cloud answers these on its own failures, which nothing in the emulator's normal state causes, so
a before_action hook (dropped by the per-test reset) raises VOD's own error class for the action.
"""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from vodfc.emulator.vod import exceptions as vod_errors

CASES = [
    (
        "DeleteVideo",
        vod_errors.DeleteVideoFailed,
        503,
        "Deleting video has failed due to some unknown error.",
    ),
    (
        "DeleteStream",
        vod_errors.DeleteStreamFailed,
        503,
        "Deleting stream has failed due to some unknown error.",
    ),
    (
        "GetVideoInfo",
        vod_errors.InternalError,
        500,
        "The request processing has failed due to some unknown error.",
    ),
    (
        "GetVideoInfo",
        vod_errors.ServiceUnAvailable,
        503,
        "The request has failed due to a temporary failure of the server.",
    ),
]


@pytest.mark.parametrize(("action", "error", "status", "message"), CASES)
def test_server_failures_keep_code_and_status(
    sdk: Any, lib: Any, action: str, error: type[vod_errors.VodError], status: int, message: str
) -> None:
    def fail(backend: Any, name: str, params: Any, ctx: Any) -> None:
        if name == action:
            raise error()

    sdk.target.state.before_action.append(fail)
    params = {"VideoId": lib.normal, "VideoIds": lib.normal, "JobIds": "f" * 32}
    wanted = {"DeleteVideo": ["VideoIds"], "DeleteStream": ["VideoId", "JobIds"], "GetVideoInfo": ["VideoId"]}
    sdk.expect(action, {k: params[k] for k in wanted[action]}, error.code, status, message)


def test_the_tea_sdk_raises_its_server_exception_for_a_503(vod: Any, lib: Any) -> None:
    from alibabacloud_vod20170321 import models

    def fail(*args: Any) -> None:
        raise vod_errors.DeleteVideoFailed()

    vod.state.before_action.append(fail)
    with pytest.raises(tea_exceptions.ServerException) as caught:
        vod.tea_client().delete_video(models.DeleteVideoRequest(video_ids=lib.normal))
    assert (caught.value.code, caught.value.status_code) == ("DeleteVideoFailed", 503)
