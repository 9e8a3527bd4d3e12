"""Raw HTTP clients speaking RPC or ACS3: GET/POST, query/form, XML/JSON, and the gateway's errors."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from vodfc.emulator.app import get_state
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import VodTarget

from tests.emulator.support.refusals import detail_of


@pytest.fixture
def api(target: VodTarget) -> VodTarget:
    target.backend.put("v1", Title="hello")
    return target


def base(target: VodTarget) -> str:
    return target.url + "/"


def error_of(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["Code"], body["Message"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rpc_parameters_in_the_query_string(api: VodTarget, signing: Any, method: str) -> None:
    params = signing.rpc_signed(method, {"Action": "GetVideoInfo", "VideoId": "v1"})
    response = requests.request(method, base(api), params=params, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["Video"]["Title"] == "hello"
    assert response.headers["x-acs-request-id"] == response.json()["RequestId"]


def test_rpc_parameters_in_a_form_body(api: VodTarget, signing: Any) -> None:
    form = signing.rpc_signed("POST", {"Action": "GetVideoInfo", "VideoId": "v1"})
    response = requests.post(base(api), data=form, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["Video"]["VideoId"] == "v1"


def test_rpc_parameters_split_between_query_and_form_body(api: VodTarget, signing: Any) -> None:
    body = {"VideoId": "v1", "Title": "renamed äö"}
    query = signing.rpc_signed("POST", {"Action": "UpdateVideoInfo"}, body)
    response = requests.post(base(api), params=query, data=body, timeout=10)
    assert response.status_code == 200, response.text
    assert api.backend.videos["v1"]["Title"] == "renamed äö"


def test_a_tampered_form_body_fails_the_signature(api: VodTarget, signing: Any) -> None:
    query = signing.rpc_signed("POST", {"Action": "UpdateVideoInfo"}, {"VideoId": "v1", "Title": "a"})
    response = requests.post(base(api), params=query, data={"VideoId": "v1", "Title": "b"}, timeout=10)
    status, code, message = error_of(response)
    assert (status, code) == (400, "SignatureDoesNotMatch")
    assert message.startswith(
        "Specified signature is not matched with our calculation. server string to sign is:"
    )
    assert "Title%3Db" in message


def test_rpc_answers_in_xml_unless_json_is_asked_for(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, fmt=None)
    response = requests.get(base(api), params=params, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "GetVideoInfoResponse"
    assert root.findtext("Video/Title") == "hello"
    assert root.findtext("RequestId") == response.headers["x-acs-request-id"]

    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, fmt=None)
    as_json = requests.get(base(api), params=params, headers={"Accept": "application/json"}, timeout=10)
    assert as_json.json()["Video"]["Title"] == "hello"


def test_format_xml_errors_use_the_error_root(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "nope"}, fmt="XML")
    response = requests.get(base(api), params=params, timeout=10)
    assert response.status_code == 404
    root = ET.fromstring(response.content)
    assert (root.tag, root.findtext("Code")) == ("Error", "InvalidVideo.NotFound")
    assert root.findtext("HostId") == "vod.cn-shanghai.aliyuncs.com"


def test_format_is_case_insensitive(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, fmt="json")
    assert requests.get(base(api), params=params, timeout=10).json()["Video"]["VideoId"] == "v1"


def test_acs3_call_with_a_form_body(api: VodTarget, signing: Any) -> None:
    body = b"VideoId=v1&Title=via%20acs3"
    headers = signing.acs3_headers(
        "POST", "UpdateVideoInfo", {}, body, host=urlsplit(base(api)).netloc,
        extra={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    response = requests.post(base(api), data=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert api.backend.videos["v1"]["Title"] == "via acs3"


def test_acs3_hmac_sm3_call_with_a_form_body(api: VodTarget, signing: Any) -> None:
    body = b"VideoId=v1&Title=via%20sm3"
    headers = signing.acs3_headers(
        "POST", "UpdateVideoInfo", {}, body, host=urlsplit(base(api)).netloc, algorithm="ACS3-HMAC-SM3",
        extra={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert headers["Authorization"].startswith("ACS3-HMAC-SM3 ")
    response = requests.post(base(api), data=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert api.backend.videos["v1"]["Title"] == "via sm3"


@pytest.mark.parametrize("algorithm", ["ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"])
def test_acs3_content_hash_must_match_the_body(api: VodTarget, signing: Any, algorithm: str) -> None:
    # The SHA-256 of the body is the right hash only for ACS3-HMAC-SHA256, and of another body for neither.
    other = b"something else" if algorithm == "ACS3-HMAC-SHA256" else b""
    headers = signing.acs3_headers(
        "POST", "GetVideoInfo", {"VideoId": "v1"}, b"", host=urlsplit(base(api)).netloc,
        content_sha256=hashlib.sha256(other).hexdigest(), algorithm=algorithm,
    )  # fmt: skip
    response = requests.post(base(api), params={"VideoId": "v1"}, headers=headers, timeout=10)
    status, code, message = error_of(response)
    assert (status, code) == (400, "SignatureDoesNotMatch")
    assert message.startswith("Specified signature does not match our calculation.")


def test_a_timestamp_outside_fifteen_minutes_is_expired(api: VodTarget, signing: Any) -> None:
    old = datetime.now(timezone.utc) - timedelta(minutes=16)
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, when=old)
    status, code, message = error_of(requests.get(base(api), params=params, timeout=10))
    assert (status, code, message) == (
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
    )


def test_a_malformed_timestamp_is_a_format_error(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
    params["Timestamp"] = "24/11/2026 10:00"
    assert error_of(requests.get(base(api), params=params, timeout=10))[:2] == (
        400,
        "InvalidTimeStamp.Format",
    )


def test_a_reused_nonce_is_rejected(api: VodTarget, signing: Any) -> None:
    first = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, nonce="n-0001")
    assert requests.get(base(api), params=first, timeout=10).status_code == 200
    again = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"}, nonce="n-0001")
    status, code, message = error_of(requests.get(base(api), params=again, timeout=10))
    assert (status, code, message) == (
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    )


@pytest.mark.parametrize(
    ("drop", "code"), [("AccessKeyId", "MissingAccessKeyId"), ("Signature", "MissingSignature")]
)
def test_missing_key_or_signature(api: VodTarget, signing: Any, drop: str, code: str) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
    del params[drop]
    status, got, message = error_of(requests.get(base(api), params=params, timeout=10))
    assert (status, got, message) == (400, code, f"{drop} is mandatory for this action.")


def test_an_unsupported_signature_method(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
    params["SignatureMethod"] = "HMAC-SHA256"
    assert error_of(requests.get(base(api), params=params, timeout=10))[:2] == (400, "InvalidSignatureMethod")


def test_another_api_version_is_rejected(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1", "Version": "2014-05-26"})
    response = requests.get(base(api), params=params, timeout=10)
    assert error_of(response) == (400, "InvalidVersion", "Specified parameter Version is not valid.")
    assert detail_of(response) == "This endpoint serves Version 2017-03-21, not 2014-05-26."


def test_the_region_comes_from_the_host_else_regionid_else_the_default(api: VodTarget, signing: Any) -> None:
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
    response = requests.get(base(api), params=params, timeout=10)
    assert response.json()["Context"]["Region"] == "cn-shanghai"  # no RegionId anywhere
    api.state.backend(region="cn-beijing").put("v1", Title="beijing")
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1", "RegionId": "cn-beijing"})
    # In-process the host names the region, and the host wins over RegionId.
    expected = "beijing" if api.mode == "server" else "hello"
    assert requests.get(base(api), params=params, timeout=10).json()["Video"]["Title"] == expected
    if api.mode == "inprocess":
        params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
        response = requests.get("http://vod.cn-beijing.aliyuncs.com/", params=params, timeout=10)
        assert response.json()["Video"]["Title"] == "beijing"


def test_an_unknown_path_is_a_json_error_never_html(api: VodTarget) -> None:
    response = requests.get(api.url + "/no/such/thing?Format=JSON", timeout=10)
    assert response.status_code == 404
    assert response.json()["Code"] == "InvalidApi.NotFound"


def test_signature_checking_can_be_switched_off(make_fake_app: Any) -> None:
    app = make_fake_app(verify_signatures=False)
    with MockVod(app=app):
        get_state(app).backend().put("v1", Title="unsigned")
        response = requests.get(
            "https://vod.cn-shanghai.aliyuncs.com/",
            params={"Action": "GetVideoInfo", "Version": "2017-03-21", "VideoId": "v1", "AccessKeyId": "x"},
            timeout=10,
        )
    assert response.status_code == 200
    assert ET.fromstring(response.content).findtext("Video/Title") == "unsigned"


def test_the_regionless_global_host_uses_regionid_or_the_default(make_fake_app: Any, signing: Any) -> None:
    with MockVod(app=make_fake_app()) as mock:
        mock.backend().put("v1", Title="default region")
        mock.backend(region="cn-beijing").put("v1", Title="beijing")
        for scheme in ("http", "https"):
            url = f"{scheme}://vod.aliyuncs.com/"
            plain = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v1"})
            assert requests.get(url, params=plain, timeout=5).json()["Video"]["Title"] == "default region"
            named = signing.rpc_signed(
                "GET", {"Action": "GetVideoInfo", "VideoId": "v1", "RegionId": "cn-beijing"}
            )
            assert requests.get(url, params=named, timeout=5).json()["Video"]["Title"] == "beijing"


def test_concurrent_calls_are_all_answered(api: VodTarget, signing: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def call(_: int) -> int:
        params = signing.rpc_signed("POST", {"Action": "GetVideoInfo", "VideoId": "v1"})
        return requests.post(base(api), params=params, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(call, range(40))) == [200] * 40
