"""Both official SDKs, unchanged, against the emulator in both modes: signatures, errors, hooks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_vod20170321 import models as vod_models
from aliyunsdkcore.acs_exception.exceptions import ClientException as CoreClientException
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from darabonba.exceptions import UnretryableException
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.pytest_plugin import VodTarget
from vodfc.emulator.vod.exceptions import ThrottlingUser

from tests.emulator.support.refusals import Refusals


def core_get(client: AcsClient, video_id: str = "v1") -> dict[str, Any]:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def tea_get(client: Any, video_id: str = "v1") -> Any:
    return client.get_video_info(vod_models.GetVideoInfoRequest(video_id=video_id))


@pytest.fixture
def seeded(target: VodTarget) -> VodTarget:
    target.backend.put("v1", Title="hello")
    return target


def test_core_sdk_call_is_answered_with_the_backend_state(seeded: VodTarget) -> None:
    body = core_get(seeded.acs_client())
    assert body["Video"] == {"VideoId": "v1", "Title": "hello"}
    assert body["Context"]["Mode"] == seeded.mode
    assert body["Context"]["Account"] == "1234567890123456"
    assert len(body["RequestId"]) == 36 and body["RequestId"] == body["RequestId"].upper()


def test_tea_v3_signature_is_accepted_and_mapped_into_models(seeded: VodTarget) -> None:
    response = tea_get(seeded.tea_client())
    assert response.status_code == 200
    assert response.body.video.title == "hello"
    assert response.headers["x-acs-request-id"] == response.body.request_id


def test_tea_with_the_v2_rpc_signature_is_accepted(seeded: VodTarget) -> None:
    assert tea_get(seeded.tea_client(signature_algorithm="v2")).body.video.video_id == "v1"


def test_tea_with_the_acs3_hmac_sm3_signature_is_accepted(seeded: VodTarget) -> None:
    # The Tea SDK signs with its own SM3; the emulator verifies it like ACS3-HMAC-SHA256.
    assert tea_get(seeded.tea_client(signature_algorithm="ACS3-HMAC-SM3")).body.video.title == "hello"
    with pytest.raises(tea_exceptions.ClientException) as caught:
        tea_get(seeded.tea_client(access_key_secret="not-the-secret", signature_algorithm="ACS3-HMAC-SM3"))
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.data["Message"].startswith("Specified signature does not match our calculation.")
    # The server's string to sign ends the message, and names the algorithm.
    assert ":ACS3-HMAC-SM3\n" in caught.value.data["Message"]


def test_host_url_points_back_at_the_address_the_client_used(seeded: VodTarget) -> None:
    host_url = core_get(seeded.acs_client())["Context"]["HostUrl"]
    expected = seeded.url if seeded.mode == "server" else "http://vod.cn-shanghai.aliyuncs.com"
    assert host_url == expected


def test_a_wrong_secret_surfaces_as_the_core_sdks_own_invalid_secret_error(seeded: VodTarget) -> None:
    with pytest.raises(ServerException) as caught:
        core_get(seeded.acs_client(access_key_secret="not-the-secret"))
    # The SDK only rewrites the code when our string-to-sign equals its own: proof that it does.
    assert caught.value.get_error_code() == "InvalidAccessKeySecret"
    assert caught.value.get_http_status() == 400
    assert caught.value.get_request_id()


def test_a_wrong_secret_is_signature_does_not_match_for_tea(seeded: VodTarget) -> None:
    with pytest.raises(tea_exceptions.ClientException) as caught:
        tea_get(seeded.tea_client(access_key_secret="not-the-secret"))
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.status_code == 400
    assert caught.value.data["Message"].startswith("Specified signature does not match our calculation.")


def test_an_unknown_access_key_is_not_found(seeded: VodTarget) -> None:
    with pytest.raises(ServerException) as caught:
        core_get(seeded.acs_client(access_key_id="nobody"))
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == (
        "InvalidAccessKeyId.NotFound",
        404,
    )
    assert caught.value.get_error_msg() == "Specified access key is not found."
    with pytest.raises(tea_exceptions.ClientException) as tea_caught:
        tea_get(seeded.tea_client(access_key_id="nobody"))
    assert tea_caught.value.code == "InvalidAccessKeyId.NotFound"


def test_sts_tokens_are_accepted_by_both_sdks(seeded: VodTarget) -> None:
    token = seeded.state.accounts.issue_sts_token("1234567890123456")
    credential = StsTokenCredential(token.access_key_id, token.access_key_secret, token.security_token)
    core = AcsClient(region_id="cn-shanghai", credential=credential)
    if seeded.mode == "server":
        core.add_endpoint("cn-shanghai", "vod", seeded.endpoint)
    assert core_get(core)["Video"]["Title"] == "hello"
    tea = seeded.tea_client(token.access_key_id, token.access_key_secret, security_token=token.security_token)
    assert tea_get(tea).body.video.title == "hello"


def test_an_expired_sts_token_is_rejected(seeded: VodTarget, wire_clock: Any) -> None:
    token = seeded.state.accounts.issue_sts_token("1234567890123456", duration_seconds=60)
    wire_clock.advance(seconds=61)  # still inside the timestamp skew window of the SDK's real clock
    tea = seeded.tea_client(token.access_key_id, token.access_key_secret, security_token=token.security_token)
    with pytest.raises(tea_exceptions.ClientException) as caught:
        tea_get(tea)
    assert caught.value.code == "InvalidSecurityToken.Expired"


def test_an_sts_key_with_a_wrong_token_is_rejected(seeded: VodTarget) -> None:
    token = seeded.state.accounts.issue_sts_token("1234567890123456")
    tea = seeded.tea_client(token.access_key_id, token.access_key_secret, security_token="CAISforged")
    with pytest.raises(tea_exceptions.ClientException) as caught:
        tea_get(tea)
    assert caught.value.code == "InvalidSecurityToken.MismatchWithAccessKey"


def test_an_unknown_action_is_not_found_and_lists_the_supported_ones(
    seeded: VodTarget, refusals: Refusals
) -> None:
    request = CommonRequest(domain=None, version="2017-03-21", action_name="GetVideoInfoo", product="vod")
    request.set_method("POST")
    with pytest.raises(ServerException) as caught:
        seeded.acs_client().do_action_with_exception(request)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("InvalidApi.NotFound", 404)
    assert caught.value.get_error_msg() == "Specified api is not found, please check your url and method."
    refusal = refusals.last("InvalidApi.NotFound")
    assert refusal.action == "GetVideoInfoo"
    assert refusal.detail is not None and "GetVideoInfo, UpdateVideoInfo" in refusal.detail


def test_a_business_error_keeps_code_message_status_and_request_id(seeded: VodTarget) -> None:
    with pytest.raises(ServerException) as caught:
        core_get(seeded.acs_client(), "missing")
    error = caught.value
    assert (error.get_error_code(), error.get_http_status()) == ("InvalidVideo.NotFound", 404)
    assert error.get_error_msg() == "The video does not exist."
    with pytest.raises(tea_exceptions.ClientException) as tea_caught:
        tea_get(seeded.tea_client(), "missing")
    assert tea_caught.value.data["HostId"] == "vod.cn-shanghai.aliyuncs.com"
    assert tea_caught.value.data["Recommend"].endswith(f"requestId={tea_caught.value.request_id}")


def test_a_before_action_hook_error_carries_its_headers(seeded: VodTarget) -> None:
    def throttle(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise ThrottlingUser(headers={"x-acs-retry-after": "1000"})

    seeded.state.before_action.append(throttle)
    with pytest.raises(tea_exceptions.ThrottlingException) as caught:
        tea_get(seeded.tea_client())
    assert caught.value.code == "Throttling.User"
    with pytest.raises(ServerException) as core_caught:
        core_get(seeded.acs_client())
    assert (core_caught.value.get_error_code(), core_caught.value.get_http_status()) == (
        "Throttling.User",
        400,
    )


def test_a_hook_sees_the_action_params_and_context(seeded: VodTarget) -> None:
    seen: list[tuple[str, dict[str, str], str]] = []
    seeded.state.before_action.append(
        lambda backend, action, params, ctx: seen.append((action, dict(params), ctx.region))
    )
    core_get(seeded.acs_client())
    assert seen == [("GetVideoInfo", {"VideoId": "v1"}, "cn-shanghai")]


def test_a_dropped_connection_is_the_sdks_connection_error(seeded: VodTarget) -> None:
    def drop(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise DropConnection()

    seeded.state.before_action.append(drop)
    with pytest.raises(CoreClientException) as caught:
        core_get(seeded.acs_client())
    assert caught.value.get_error_code() == "SDK.HttpError"
    with pytest.raises(UnretryableException):
        tea_get(seeded.tea_client())
    seeded.state.before_action.clear()
    assert core_get(seeded.acs_client())["Video"]["VideoId"] == "v1"  # the next call is fine


def test_a_failed_batch_leaves_no_write_behind(seeded: VodTarget) -> None:
    seeded.backend.put("v2", Title="second")
    request = CommonRequest(domain=None, version="2017-03-21", action_name="DeleteVideo", product="vod")
    request.add_query_param("VideoIds", "v1,v2,missing")
    with pytest.raises(ServerException):
        seeded.acs_client().do_action_with_exception(request)
    assert sorted(seeded.backend.videos) == ["v1", "v2"]
    assert sorted(seeded.state.store.load(seeded.backend.namespace, "video")) == ["v1", "v2"]


def test_an_unexpected_backend_crash_is_a_json_internal_error(seeded: VodTarget) -> None:
    def crash(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise RuntimeError("bug in a component")

    seeded.state.before_action.append(crash)
    with pytest.raises(ServerException) as caught:
        core_get(seeded.acs_client())
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("InternalError", 500)
    assert caught.value.get_error_msg() == "The request processing has failed due to some unknown error."


def test_a_disabled_key_is_inactive(seeded: VodTarget) -> None:
    seeded.state.accounts.set_active("vodfc-access-key-id", False)
    try:
        with pytest.raises(ServerException) as caught:
            core_get(seeded.acs_client())
    finally:
        seeded.state.accounts.set_active("vodfc-access-key-id", True)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == (
        "InvalidAccessKeyId.Inactive",
        400,
    )
    assert caught.value.get_error_msg() == "Specified access key is disabled."


def test_form_body_params_are_signed_and_a_wrong_secret_is_still_recognised(seeded: VodTarget) -> None:
    def update(secret: str | None) -> None:
        request = UpdateVideoInfoRequest()
        request.set_VideoId("v1")
        request.add_body_params("Title", "from a form body ~*'()")
        seeded.acs_client(access_key_secret=secret).do_action_with_exception(request)

    update(None)
    assert seeded.backend.videos["v1"]["Title"] == "from a form body ~*'()"
    with pytest.raises(ServerException) as caught:
        update("not-the-secret")
    assert caught.value.get_error_code() == "InvalidAccessKeySecret"


def test_a_common_request_with_a_wrong_secret_stays_signature_does_not_match(seeded: VodTarget) -> None:
    # The core SDK compares the server's string-to-sign with CommonRequest.string_to_sign, which it
    # never fills in (it signs an inner RpcRequest): against the cloud the code stays as sent.
    request = CommonRequest(domain=None, version="2017-03-21", action_name="GetVideoInfo", product="vod")
    request.add_query_param("VideoId", "v1")
    with pytest.raises(ServerException) as caught:
        seeded.acs_client(access_key_secret="not-the-secret").do_action_with_exception(request)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("SignatureDoesNotMatch", 400)
