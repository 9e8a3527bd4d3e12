"""Every VOD error answer becomes the right class of the error tree, with nothing VOD said lost."""

from __future__ import annotations

import pytest
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.vendored.requests.exceptions import ConnectionError as SdkConnectionError

from shared import errors
from shared.retry import RetryPolicy
from tests.shared.support import error_body

CASES = [
    ("InvalidVideo.NotFound", 404, errors.NotFound),
    ("InvalidFile.NotFound", 404, errors.NotFound),
    ("InvalidStream.NotFound", 404, errors.NotFound),
    ("NoSuchResource", 404, errors.NotFound),
    ("InvalidVideo.NoneStream", 404, errors.NotFound),
    ("Forbidden.IllegalStatus", 400, errors.IllegalStatus),
    ("Forbidden.IllegalStatus", 403, errors.IllegalStatus),
    ("Throttling.User", 400, errors.Throttled),
    ("Throttling", 503, errors.Throttled),
    ("MissingParameter", 400, errors.InvalidParameter),
    ("InvalidParameter", 400, errors.InvalidParameter),
    ("VideoIdsExceededMax", 400, errors.InvalidParameter),
    ("JobIdsExceededMax", 400, errors.InvalidParameter),
    ("CountExceededMax", 400, errors.InvalidParameter),
    ("LengthExceededMax", 400, errors.InvalidParameter),
    ("TagsExceededMax", 400, errors.InvalidParameter),
    ("VideoListExceededMax", 400, errors.InvalidParameter),
    ("ErrorMatchSyntax", 400, errors.InvalidParameter),
    ("IllegalCharacters", 400, errors.InvalidParameter),
    ("SignatureDoesNotMatch", 400, errors.AuthFailed),
    ("InvalidAccessKeyId.NotFound", 404, errors.AuthFailed),
    ("InvalidAccessKeyId.Inactive", 400, errors.AuthFailed),
    ("InvalidSecurityToken.Expired", 400, errors.AuthFailed),
    ("InvalidTimeStamp.Expired", 400, errors.AuthFailed),
    ("Forbidden", 403, errors.AuthFailed),
    ("Forbidden.RAM", 403, errors.AuthFailed),
    ("OperationDenied.Suspended", 403, errors.AuthFailed),
    ("InternalError", 500, errors.ServerError),
    ("ServiceUnAvailable", 503, errors.ServerError),
    ("DeleteVideoFailed", 503, errors.ServerError),
    ("SomethingNew", 400, errors.VodError),
    ("InvalidCategory.NotFound", 404, errors.NotFound),
    ("InvalidApi.NotFound", 404, errors.VodError),
]


@pytest.mark.parametrize(("code", "status", "cls"), CASES)
def test_vod_error_answers_map_to_the_tree(client, fake_vod, code, status, cls):
    fake_vod.on("GetVideoInfo", (status, error_body(code, "what VOD said: details", "REQ-42")))
    client.retry = RetryPolicy(max_attempts=1)
    with pytest.raises(errors.VodError) as caught:
        client.get_video_info("v1")
    error = caught.value
    assert type(error) is cls
    assert (error.code, error.message, error.http_status, error.request_id) == (
        code,
        "what VOD said: details",
        status,
        "REQ-42",
    )
    assert error.action == "GetVideoInfo"
    assert isinstance(error.original, ServerException)
    assert error.__cause__ is error.original


def test_connection_errors_become_transport_errors(client, fake_vod):
    fake_vod.on("GetVideoInfo", SdkConnectionError("connection refused"))
    client.retry = RetryPolicy(max_attempts=1)
    with pytest.raises(errors.TransportError) as caught:
        client.get_video_info("v1")
    assert caught.value.code == "SDK.HttpError"
    assert isinstance(caught.value.original, ClientException)


def test_non_json_error_body_keeps_its_status(client, fake_vod):
    fake_vod.on("GetVideoInfo", lambda _p: (502, {}))
    client.retry = RetryPolicy(max_attempts=1)
    with pytest.raises(errors.ServerError) as caught:
        client.get_video_info("v1")
    assert caught.value.http_status == 502


def test_str_is_readable():
    error = errors.NotFound(
        "InvalidVideo.NotFound",
        "The video does not exist.",
        http_status=404,
        request_id="R1",
        action="GetVideoInfo",
    )
    error.attempts = 2
    assert str(error) == (
        "InvalidVideo.NotFound: The video does not exist. "
        "(action=GetVideoInfo, http_status=404, request_id=R1, attempts=2)"
    )
    assert "NotFound(code='InvalidVideo.NotFound'" in repr(error)


def test_validation_error_is_an_invalid_parameter_naming_the_field():
    error = errors.ValidationError("Title", "too long", code="LengthExceededMax")
    assert isinstance(error, errors.InvalidParameter)
    assert error.field == "Title"
    assert str(error) == "LengthExceededMax: too long"


def test_secrets_quoted_by_the_sdk_are_masked():
    exc = ClientException(
        "SDK.HttpError",
        "Max retries exceeded with url: /?AccessKeyId=ak&SecurityToken=tok&Signature=sig%3D&X=1",
    )
    error = errors.from_sdk_exception(exc)
    assert "tok" not in error.message and "sig" not in error.message
    assert "SecurityToken=***" in error.message and "X=1" in error.message


def test_unknown_sdk_client_errors_stay_generic():
    error = errors.from_sdk_exception(ClientException("SDK.InvalidRegionId", "bad region"))
    assert type(error) is errors.VodError
    assert error.http_status is None


def test_an_sdk_crash_on_an_odd_answer_is_still_a_vod_error(client, fake_vod):
    # The core SDK splits SignatureDoesNotMatch messages on ':' and raises IndexError when there is none.
    fake_vod.on("GetVideoInfo", (400, error_body("SignatureDoesNotMatch", "no colon here")))
    with pytest.raises(errors.VodError) as caught:
        client.get_video_info("v1")
    assert caught.value.code == "SDK.UnexpectedError"
    assert "IndexError" in caught.value.message
    assert isinstance(caught.value.original, IndexError)
