"""Error messages word for word as the cloud's (``EmulatorConfig.explain_errors`` off), or with the
emulator's explanation after them (on, the default). Codes and statuses never change.

The cloud's texts: vod-api.md §2.4 (InvalidParameter), vod-uncertainties.md §2 (ErrorMatchSyntax,
SortByExceededMax), §4 (InvalidApi.NotFound, InvalidSignatureMethod).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod

URL = "https://vod.cn-shanghai.aliyuncs.com/"

# (the call's parameters, its code, the cloud's message)
CASES = [
    (
        {"Action": "GetVideoList", "PageSize": "101"},
        "InvalidParameter",
        'The specified parameter "PageSize" is not valid.',
    ),
    (
        {"Action": "GetMezzanineInfo", "VideoId": "v", "OutputType": "ftp"},
        "InvalidParameter",
        'The specified parameter "OutputType" is not valid.',
    ),
    (
        {"Action": "SearchMedia", "Match": "Colour = 'red'"},
        "ErrorMatchSyntax",
        "The parameter Match.Colour has an error syntax, please check it.",
    ),
    (
        {"Action": "SearchMedia", "SortBy": ",".join(["CreationTime:Desc"] * 4)},
        "SortByExceededMax",
        "The SortBy exceeded maximum.",
    ),
    (
        {"Action": "NoSuchAction"},
        "InvalidApi.NotFound",
        "Specified api is not found, please check your url and method.",
    ),
    (
        {"Action": "GetVideoInfo", "VideoId": "v", "Version": "2014-01-01"},
        "InvalidVersion",
        "Specified parameter Version is not valid.",
    ),
]


@pytest.fixture(params=[False, True], ids=["cloud", "explained"])
def explain(request: pytest.FixtureRequest) -> Iterator[bool]:
    with MockVod(EmulatorConfig(explain_errors=request.param)):
        yield request.param


def _error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["Code"], body["Message"]


@pytest.mark.parametrize(("params", "code", "cloud"), CASES, ids=[case[1] for case in CASES])
def test_messages_are_the_clouds_or_explained(
    explain: bool, signing: Any, params: dict[str, str], code: str, cloud: str
) -> None:
    response = requests.post(URL, params=signing.rpc_signed("POST", params), timeout=10)
    status, got_code, message = _error(response)
    assert (status, got_code) == (400 if code != "InvalidApi.NotFound" else 404, code), response.text
    if explain:
        assert message != cloud and message.startswith(cloud[:-1]), message
    else:
        assert message == cloud


def test_an_unknown_signature_method_is_the_clouds_message(explain: bool) -> None:
    headers = {
        "Authorization": "ACS3-HMAC-MD5 Credential=vodfc-access-key-id,SignedHeaders=host,Signature=00",
        "x-acs-action": "GetVideoInfo",
        "x-acs-version": "2017-03-21",
        "Accept": "application/json",
    }
    status, code, message = _error(requests.post(URL, params={"VideoId": "v"}, headers=headers, timeout=10))
    assert (status, code) == (400, "InvalidSignatureMethod")
    cloud = "Specified signature method is not valid."
    assert (message == cloud) is not explain, message
    assert message.startswith(cloud)


def test_xml_errors_carry_the_same_message(signing: Any) -> None:
    with MockVod(EmulatorConfig(explain_errors=False)):
        params = signing.rpc_signed("GET", {"Action": "GetVideoList", "PageSize": "0"}, fmt="XML")
        response = requests.get(URL, params=params, timeout=10)
    assert response.status_code == 400
    assert '<Message>The specified parameter "PageSize" is not valid.</Message>' in response.text, (
        response.text
    )


def test_the_switch_reads_the_environment() -> None:
    assert EmulatorConfig.from_env({}).explain_errors is True
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "0"}).explain_errors is False
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "1"}).explain_errors is True
