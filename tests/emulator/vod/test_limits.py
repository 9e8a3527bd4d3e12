"""Bounded input: deep JSON, oversized bodies and control-plane documents get VOD's (or the admin
plane's) 4xx, never a 500 from a RecursionError or unbounded reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.request import CommonRequest

DEEP = "[" * 100_000


def _post(vod: Any, action: str, **body: str) -> Any:
    """The core SDK's CommonRequest with the parameters in a signed form body (POST), as big as needed."""
    request = CommonRequest(domain=vod.endpoint, version="2017-03-21", action_name=action)
    request.set_method("POST")
    for name, value in body.items():
        request.add_body_params(name, value)
    if vod.mode == "server":
        request.set_protocol_type("http")
    else:
        request.set_domain("vod.cn-shanghai.aliyuncs.com")
    return json.loads(vod.acs_client().do_action_with_exception(request))


def _refused(vod: Any, action: str, **body: str) -> ServerException:
    with pytest.raises(ServerException) as error:
        _post(vod, action, **body)
    return error.value


@pytest.mark.parametrize(
    ("action", "parameter"),
    [
        ("UpdateVideoInfos", "UpdateContent"),
        ("UpdateImageInfos", "UpdateContent"),
        ("CreateUploadVideo", "UserData"),
    ],
)
def test_deeply_nested_json_parameters_are_invalid(vod: Any, action: str, parameter: str) -> None:
    extra = {"Title": "t", "FileName": "a.mp4"} if action == "CreateUploadVideo" else {}
    for value in (DEEP, "[" * 65 + "]" * 65, '{"a":' * 70 + "1" + "}" * 70):
        error = _refused(vod, action, **{parameter: value}, **extra)
        assert (error.get_http_status(), error.get_error_code()) == (400, "InvalidParameter"), value[:80]
        assert parameter in error.get_error_msg()


def test_an_oversized_body_is_entity_too_large(vod: Any) -> None:
    error = _refused(vod, "UpdateVideoInfo", VideoId="v" * 32, Description="x" * (2 * 1024 * 1024))
    assert (error.get_http_status(), error.get_error_code()) == (400, "EntityTooLarge")
    # Under the limit the same call reaches the action (which has its own field limits).
    error = _refused(vod, "UpdateVideoInfo", VideoId="v" * 32, Description="x" * 2000)
    assert error.get_error_code() != "EntityTooLarge"


def test_deep_json_on_the_admin_plane_is_a_bad_request(vod: Any) -> None:
    if vod.mode != "server":
        pytest.skip("plain HTTP; the server covers it")
    for path, status in (("/_vodfc/faults", 400), ("/_vodfc/events", 400), ("/_vodfc/lifecycle/timing", 200)):
        response = requests.post(
            vod.url + path,
            data=DEEP,
            headers={**vod.admin_headers, "Content-Type": "application/json"},
            timeout=10,
        )
        # A body that is not a JSON document: refused where one is needed, ignored where it is optional.
        assert response.status_code == status, (path, response.text)
    huge = requests.post(
        vod.url + "/_vodfc/events",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={**vod.admin_headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert huge.status_code == 400 and huge.json()["error"] == "EntityTooLarge"
