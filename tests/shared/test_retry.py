"""Retries: what is repeated, how long we wait (fake sleep), when we give up, and what gets logged."""

from __future__ import annotations

import logging

import pytest
from aliyunsdkcore.vendored.requests.exceptions import ConnectionError as SdkConnectionError

from shared import VodClient
from shared.errors import NotFound, ServerError, Throttled, TransportError
from shared.retry import RetryPolicy
from tests.shared.support import error_body

THROTTLED = (400, error_body("Throttling.User", "Request was denied due to user flow control."))
UNAVAILABLE = (503, error_body("ServiceUnAvailable", "temporary failure"))
OK = {"Video": {"VideoId": "v1"}}


@pytest.mark.parametrize(
    "failure",
    [THROTTLED, UNAVAILABLE, SdkConnectionError("connection reset")],
    ids=["throttling", "503", "connection-error"],
)
def test_transient_failures_are_retried_with_backoff(client, fake_vod, sleeps, failure):
    fake_vod.on("GetVideoInfo", [failure, failure, OK])
    assert client.get_video_info("v1").video_id == "v1"
    assert len(fake_vod.calls) == 3
    # random() is pinned to 1.0, so each delay is the cap: base 0.5 doubling.
    assert sleeps == [0.5, 1.0]


def test_delays_are_capped_at_max_delay(client, fake_vod, sleeps):
    client.retry = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=3.0, random=lambda: 1.0)
    fake_vod.on("GetVideoInfo", [THROTTLED] * 5 + [OK])
    client.get_video_info("v1")
    assert sleeps == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_full_jitter_scales_the_cap_by_random():
    values = iter([0.0, 0.25, 0.5])
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0, random=lambda: next(values))
    assert [policy.delay(1), policy.delay(2), policy.delay(3)] == [0.0, 0.5, 2.0]


def test_gives_up_after_max_attempts_and_says_how_many(client, fake_vod, sleeps):
    fake_vod.on("GetVideoInfo", UNAVAILABLE)
    with pytest.raises(ServerError) as caught:
        client.get_video_info("v1")
    assert len(fake_vod.calls) == 4
    assert len(sleeps) == 3
    assert caught.value.attempts == 4
    assert "attempts=4" in str(caught.value)


def test_throttling_that_never_ends_surfaces_as_throttled(client, fake_vod):
    fake_vod.on("GetVideoInfo", THROTTLED)
    with pytest.raises(Throttled):
        client.get_video_info("v1")
    assert len(fake_vod.calls) == 4


def test_client_errors_are_not_retried(client, fake_vod, sleeps):
    fake_vod.on("GetVideoInfo", (404, error_body("InvalidVideo.NotFound")))
    with pytest.raises(NotFound):
        client.get_video_info("v1")
    assert len(fake_vod.calls) == 1
    assert sleeps == []


def test_non_idempotent_call_is_not_retried_after_a_5xx(client, fake_vod, sleeps, caplog):
    fake_vod.on("CreateUploadVideo", UNAVAILABLE)
    with caplog.at_level(logging.WARNING, logger="vodfc.shared"), pytest.raises(ServerError):
        client.call("CreateUploadVideo", {"Title": "t", "FileName": "a.mp4"}, idempotent=False)
    assert len(fake_vod.calls) == 1
    assert sleeps == []
    assert "not retried" in caplog.text


def test_non_idempotent_call_is_not_retried_after_a_lost_connection(client, fake_vod):
    fake_vod.on("CreateUploadVideo", SdkConnectionError("reset"))
    with pytest.raises(TransportError):
        client.call("CreateUploadVideo", {"Title": "t", "FileName": "a.mp4"}, idempotent=False)
    assert len(fake_vod.calls) == 1


def test_non_idempotent_call_is_retried_when_throttled(client, fake_vod):
    # Throttling means VOD refused the request before doing anything, so repeating it cannot double it.
    fake_vod.on("CreateUploadVideo", [THROTTLED, {"VideoId": "new"}])
    data = client.call("CreateUploadVideo", {"Title": "t", "FileName": "a.mp4"}, idempotent=False)
    assert data["VideoId"] == "new"
    assert len(fake_vod.calls) == 2


def test_each_retry_is_logged_without_secrets(fake_vod, caplog):
    client = VodClient(
        access_key_id="ak-visible",
        access_key_secret="super-secret",
        security_token="sts-token-secret",
        retry=RetryPolicy(random=lambda: 0.0),
        sleep=lambda _s: None,
    )
    fake_vod.on(
        "GetVideoInfo",
        [UNAVAILABLE, SdkConnectionError("reset for url /?SecurityToken=sts-token-secret"), OK],
    )
    with caplog.at_level(logging.DEBUG):
        client.get_video_info("v1")
    retries = [r for r in caplog.records if r.name == "vodfc.shared"]
    assert len(retries) == 2
    assert "GetVideoInfo attempt 1/5 failed with ServiceUnAvailable" in retries[0].getMessage()
    assert "SDK.HttpError" in retries[1].getMessage()
    assert "super-secret" not in caplog.text
    # Our own records and the core SDK's error log of the connection failure are both masked.
    assert "sts-token-secret" not in caplog.text
    assert "SecurityToken=***" in caplog.text


def test_the_sdks_own_error_reports_are_debug_lines(client, fake_vod, caplog):
    # A 404 for a deleted video and a throttled attempt that the retry gets through are not ERROR lines in a
    # function's log: the typed error and shared's own retry warning say the same thing.
    fake_vod.on("GetVideoInfo", [THROTTLED, OK])
    with caplog.at_level(logging.DEBUG):
        client.get_video_info("v1")
    reports = [r for r in caplog.records if r.getMessage().startswith("ServerException occurred")]
    assert len(reports) == 1 and "Throttling.User" in reports[0].getMessage()
    assert (reports[0].levelno, reports[0].levelname) == (logging.DEBUG, "DEBUG")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        client.get_video_info("v1")
        fake_vod.on("GetVideoInfo", (404, error_body("InvalidVideo.NotFound")))
        with pytest.raises(NotFound):
            client.get_video_info("gone")
    assert not [r for r in caplog.records if r.name.startswith("aliyunsdkcore")]


def test_policy_refuses_nonsense():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay=-1)


def test_one_attempt_policy_never_sleeps(client, fake_vod, sleeps):
    client.retry = RetryPolicy(max_attempts=1)
    fake_vod.on("GetVideoInfo", THROTTLED)
    with pytest.raises(Throttled):
        client.get_video_info("v1")
    assert sleeps == [] and len(fake_vod.calls) == 1


def test_delete_stream_retry_that_finds_the_streams_gone_succeeds(client, fake_vod):
    fake_vod.on("DeleteStream", [UNAVAILABLE, (404, error_body("InvalidStream.NotFound"))])
    client.delete_stream("v1", ["j1"])
    assert len(fake_vod.calls) == 2


def test_delete_stream_not_found_without_an_earlier_attempt_is_an_error(client, fake_vod):
    fake_vod.on("DeleteStream", [THROTTLED, (404, error_body("InvalidStream.NotFound"))])
    with pytest.raises(NotFound) as caught:
        client.delete_stream("v1", ["j1"])
    # The throttled attempt was refused, so it cannot explain the NotFound.
    assert caught.value.may_have_landed is False


def test_delete_video_images_retry_that_finds_them_gone_succeeds(client, fake_vod):
    fake_vod.on("DeleteImage", [SdkConnectionError("read timeout"), (404, error_body("NoSuchResource"))])
    client.delete_video_images("v1", "All")
    assert len(fake_vod.calls) == 2
