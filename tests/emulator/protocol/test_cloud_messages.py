"""Error messages word for word as the cloud's (the default, ``EmulatorConfig.explain_errors`` off), the
emulator's explanation in the ``x-vodfc-error-detail`` header and the refusal's log line whatever the
switch, and in ``Message`` too with the switch on. Codes and statuses never change.

The cloud's texts: vod-api.md §2.4 (InvalidParameter), vod-uncertainties.md §2 (ErrorMatchSyntax,
SortByExceededMax), §4 (InvalidApi.NotFound, InvalidSignatureMethod).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any, NamedTuple

import oss2
import pytest
import requests
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_vod20170321 import models as tea_models
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkvod.request.v20170321.GetVideoListRequest import GetVideoListRequest
from vodfc.emulator.app import get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.gateway import refusals_shown
from vodfc.emulator.mock import MockVod
from vodfc.emulator.pytest_plugin import Credentials, VodTarget
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support.refusals import DETAIL_HEADER, Refusals, detail_of

VOD_URL = "https://vod.cn-shanghai.aliyuncs.com/"


class Case(NamedTuple):
    params: dict[str, str]
    code: str
    status: int
    cloud: str  # the cloud's message
    detail: str  # a regular expression the whole explanation matches


# One call per error class the emulator explains (a detail), refused for a reason only the detail says.
CASES = [
    Case(
        {"Action": "GetVideoList", "PageSize": "101"},
        "InvalidParameter",
        400,
        'The specified parameter "PageSize" is not valid.',
        re.escape("the value must be at most 100"),
    ),
    Case(
        {"Action": "GetMezzanineInfo", "VideoId": "v", "OutputType": "ftp"},
        "InvalidParameter",
        400,
        'The specified parameter "OutputType" is not valid.',
        re.escape("one of oss, cdn"),
    ),
    Case(
        {"Action": "SearchMedia", "Match": "Colour = 'red'"},
        "ErrorMatchSyntax",
        400,
        "The parameter Match.Colour has an error syntax, please check it.",
        r"unknown field for SearchType video; searchable: AppId, .*Title.*",
    ),
    Case(
        {"Action": "SearchMedia", "SortBy": ",".join(["CreationTime:Desc"] * 4)},
        "SortByExceededMax",
        400,
        "The SortBy exceeded maximum.",
        re.escape("at most 3 sort fields"),
    ),
    Case(
        {"Action": "NoSuchAction"},
        "InvalidApi.NotFound",
        404,
        "Specified api is not found, please check your url and method.",
        r"This emulator supports: AddCategory, .*GetVideoInfo, .*SearchMedia, .*\.",
    ),
    Case(
        {"Action": "GetVideoInfo", "VideoId": "v", "Version": "2014-01-01"},
        "InvalidVersion",
        400,
        "Specified parameter Version is not valid.",
        re.escape("This endpoint serves Version 2017-03-21, not 2014-01-01."),
    ),
]
IDS = [f"{case.code}-{case.params['Action']}" for case in CASES]
# The classes whose explanation joins the cloud's sentence instead of following it.
IN_SENTENCE = {"InvalidParameter", "ErrorMatchSyntax", "SortByExceededMax"}


def explained(code: str, cloud: str, detail: str) -> str:
    """What ``Message`` says with the switch on: the cloud's text and the explanation."""
    return f"{cloud[:-1]}: {detail}." if code in IN_SENTENCE else f"{cloud} {detail}"


class Emulator(NamedTuple):
    """One emulator, in-process or served, with its switch; ``url`` is where a raw client calls."""

    mode: str
    explain: bool
    url: str
    target: VodTarget


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[bool, ThreadedServer]]:
    with (
        ThreadedServer(config=EmulatorConfig()) as plain,  # the default: the switch off
        ThreadedServer(config=EmulatorConfig(explain_errors=True)) as explaining,
    ):
        yield {False: plain, True: explaining}


def _emulator(request: pytest.FixtureRequest, mode: str, explain: bool) -> Iterator[Emulator]:
    if mode == "inprocess":
        # mock_vod() as users start it; the switch on only where the test asks for it.
        with MockVod(EmulatorConfig(explain_errors=True) if explain else None) as mock:
            yield Emulator(mode, explain, VOD_URL, VodTarget(mode, mock.app, None, Credentials()))
    else:
        server = request.getfixturevalue("servers")[explain]
        get_state(server.app).reset()
        yield Emulator(
            mode, explain, server.url + "/", VodTarget(mode, server.app, server.url, Credentials())
        )


@pytest.fixture(params=["inprocess", "server"])
def cloudlike(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """The default emulator (switch off), both modes."""
    yield from _emulator(request, request.param, False)


@pytest.fixture(params=[(mode, explain) for mode in ("inprocess", "server") for explain in (False, True)])
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Both modes, each with the switch off and on."""
    yield from _emulator(request, *request.param)


def rpc(emulator: Emulator, signing: Any, params: dict[str, str], fmt: str = "JSON") -> requests.Response:
    return requests.post(emulator.url, params=signing.rpc_signed("POST", params, fmt=fmt), timeout=10)


def acs3(
    emulator: Emulator, signing: Any, action: str, query: dict[str, str], **options: Any
) -> requests.Response:
    host = emulator.url.split("://", 1)[1].rstrip("/")
    headers = signing.acs3_headers("POST", action, query, host=host, **options)
    return requests.post(emulator.url, params=query, headers=headers, timeout=10)


def json_error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["Code"], body["Message"]


def xml_error(response: requests.Response) -> tuple[int, str, str]:
    root = ET.fromstring(response.text)
    assert root.tag == "Error", response.text
    return response.status_code, root.findtext("Code") or "", root.findtext("Message") or ""


# --- the default: the cloud's text, the explanation beside it ----------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_by_default_an_rpc_callers_message_is_exactly_the_clouds(
    cloudlike: Emulator, signing: Any, case: Case, fmt: str
) -> None:
    response = rpc(cloudlike, signing, case.params, fmt)
    error = json_error(response) if fmt == "JSON" else xml_error(response)
    assert error == (case.status, case.code, case.cloud), response.text
    assert re.fullmatch(case.detail, detail_of(response)), detail_of(response)


# An ACS3 call's version is x-acs-version, which the signing helper sets: every case but InvalidVersion.
ACS3_CASES = [(case, name) for case, name in zip(CASES, IDS, strict=True) if case.code != "InvalidVersion"]


@pytest.mark.parametrize("case", [case for case, _ in ACS3_CASES], ids=[name for _, name in ACS3_CASES])
def test_by_default_an_acs3_callers_message_is_exactly_the_clouds(
    cloudlike: Emulator, signing: Any, case: Case
) -> None:
    query = {key: value for key, value in case.params.items() if key != "Action"}
    response = acs3(cloudlike, signing, case.params["Action"], query)
    assert json_error(response) == (case.status, case.code, case.cloud), response.text
    assert re.fullmatch(case.detail, detail_of(response)), detail_of(response)


def test_an_unknown_signature_method_is_the_clouds_message(emulator: Emulator, signing: Any) -> None:
    cloud = "Specified signature method is not valid."
    # ACS3: the algorithm of the Authorization header.
    headers = signing.acs3_headers("POST", "GetVideoInfo", {"VideoId": "v"})
    headers["Authorization"] = headers["Authorization"].replace("ACS3-HMAC-SHA256", "ACS3-HMAC-MD5", 1)
    response = requests.post(emulator.url, params={"VideoId": "v"}, headers=headers, timeout=10)
    detail = "The emulator verifies ACS3-HMAC-SHA256 and ACS3-HMAC-SM3, not ACS3-HMAC-MD5."
    message = f"{cloud} {detail}" if emulator.explain else cloud
    assert json_error(response) == (400, "InvalidSignatureMethod", message)
    assert detail_of(response) == detail
    # RPC: SignatureMethod.
    params = signing.rpc_signed("GET", {"Action": "GetVideoInfo", "VideoId": "v"})
    params["SignatureMethod"] = "HMAC-SHA256"
    response = requests.get(emulator.url, params=params, timeout=10)
    detail = "RPC requests are signed with HMAC-SHA1, not HMAC-SHA256."
    message = f"{cloud} {detail}" if emulator.explain else cloud
    assert json_error(response) == (400, "InvalidSignatureMethod", message)
    assert detail_of(response) == detail


def test_an_error_the_emulator_does_not_explain_has_no_detail_header(
    emulator: Emulator, signing: Any
) -> None:
    response = rpc(emulator, signing, {"Action": "GetVideoInfo", "VideoId": "missing"})
    assert json_error(response) == (404, "InvalidVideo.NotFound", "The video does not exist.")
    assert DETAIL_HEADER not in response.headers


# --- the switch -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_switch_puts_the_explanation_back_in_the_message(
    emulator: Emulator, signing: Any, case: Case
) -> None:
    response = rpc(emulator, signing, case.params)
    status, code, message = json_error(response)
    detail = detail_of(response)
    assert re.fullmatch(case.detail, detail), detail
    assert (status, code) == (case.status, case.code)
    assert message == (explained(code, case.cloud, detail) if emulator.explain else case.cloud)


def test_the_switch_reads_the_environment() -> None:
    assert EmulatorConfig().explain_errors is False
    assert EmulatorConfig.from_env({}).explain_errors is False
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "1"}).explain_errors is True
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "true"}).explain_errors is True
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "0"}).explain_errors is False
    assert EmulatorConfig.from_env({"VODFC_EXPLAIN_ERRORS": "off"}).explain_errors is False


# --- the header: any text, ASCII on the wire -----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "cloud", "detail"),
    [
        (
            {"Action": "GetVideoList", "Status": "审核中"},
            'The specified parameter "Status" is not valid.',
            "unknown status 审核中",
        ),
        (
            {"Action": "SearchMedia", "Match": "标题 = 'x'"},
            "The parameter Match has an error syntax, please check it.",
            "position 0: unexpected character '标'",
        ),
        (
            {"Action": "GetVideoList", "Status": "Normal\r\nX-Injected: 1 100%"},
            'The specified parameter "Status" is not valid.',
            "unknown status Normal\r\nX-Injected: 1 100%",
        ),
    ],
    ids=["cjk-value", "cjk-field", "crlf-and-percent"],
)
def test_a_detail_of_any_text_survives_the_header(
    emulator: Emulator, signing: Any, params: dict[str, str], cloud: str, detail: str
) -> None:
    response = rpc(emulator, signing, params)
    status, code, message = json_error(response)
    assert (status, message == cloud) == (400, not emulator.explain)
    assert "X-Injected" not in response.headers
    raw = response.headers[DETAIL_HEADER]
    assert raw.isascii() and "%" in raw  # percent-encoded UTF-8 (detail_of checks the rest)
    assert detail_of(response) == detail
    assert message == (explained(code, cloud, detail) if emulator.explain else cloud)


def test_the_header_reads_as_the_text_where_it_is_ascii(cloudlike: Emulator, signing: Any) -> None:
    response = rpc(cloudlike, signing, {"Action": "GetVideoInfo", "VideoId": "v", "Version": "2014-01-01"})
    assert response.headers[DETAIL_HEADER] == "This endpoint serves Version 2017-03-21, not 2014-01-01."


# --- the official clients: the cloud's error, the header ignored ----------------------------------------


def test_the_official_clients_see_the_clouds_error(cloudlike: Emulator, refusals: Refusals) -> None:
    cloud = 'The specified parameter "Status" is not valid.'
    request = GetVideoListRequest()
    request.set_Status("审核中")
    with pytest.raises(ServerException) as core:
        cloudlike.target.acs_client().do_action_with_exception(request)
    assert (core.value.get_error_code(), core.value.get_http_status()) == ("InvalidParameter", 400)
    assert core.value.get_error_msg() == cloud and core.value.get_request_id()
    assert refusals.detail("InvalidParameter") == "unknown status 审核中"
    with pytest.raises(tea_exceptions.ClientException) as tea:
        cloudlike.target.tea_client().get_video_list(tea_models.GetVideoListRequest(status="审核中"))
    assert (tea.value.code, tea.value.status_code, tea.value.data["Message"]) == (
        "InvalidParameter",
        400,
        cloud,
    )
    assert tea.value.request_id == tea.value.data["RequestId"]


def test_oss_errors_carry_no_detail_header(cloudlike: Emulator) -> None:
    # oss2 reads OSS's own error shape; the header belongs to VOD's errors only.
    # In-process oss2 keeps the real endpoint; against the server it goes path style by itself.
    endpoint = (
        "https://oss-cn-shanghai.aliyuncs.com" if cloudlike.mode == "inprocess" else cloudlike.target.url
    )
    auth = oss2.Auth("vodfc-access-key-id", "vodfc-access-key-secret")
    bucket = oss2.Bucket(auth, endpoint, "no-such-bucket-here")
    with pytest.raises(oss2.exceptions.OssError) as caught:
        bucket.get_object("missing.mp4")
    assert caught.value.status == 404
    assert DETAIL_HEADER not in {name.lower() for name in caught.value.headers}


# --- the log: one INFO line per refused call ----------------------------------------------------------


def test_a_refused_call_is_one_info_line(emulator: Emulator, signing: Any, refusals: Refusals) -> None:
    rpc(emulator, signing, {"Action": "GetVideoList", "Status": "Normal\r\nX-Injected: 1"})
    refusal = refusals.last()
    assert refusal.line == (
        'refused GetVideoList: InvalidParameter: The specified parameter "Status" is not valid: '
        "unknown status Normal\\r\\nX-Injected: 1."
    )
    assert (refusal.action, refusal.detail) == ("GetVideoList", "unknown status Normal\r\nX-Injected: 1")
    # Every refusal has its line, explained or not.
    rpc(emulator, signing, {"Action": "GetVideoInfo", "VideoId": "missing"})
    assert refusals.last().line == "refused GetVideoInfo: InvalidVideo.NotFound: The video does not exist."


def test_a_request_that_is_no_call_is_named_by_its_method_and_path(
    cloudlike: Emulator, refusals: Refusals
) -> None:
    requests.get(cloudlike.url, headers={"Accept": "application/json"}, timeout=10)
    assert refusals.last().line == "refused GET /: MissingAction: Action is mandatory for this action."


def test_a_server_shows_the_refusals_on_its_console(
    servers: dict[bool, ThreadedServer], signing: Any, refusals: Refusals
) -> None:
    console = io.StringIO()
    params = signing.rpc_signed("POST", {"Action": "GetVideoList", "PageSize": "0"})
    with refusals_shown(console):
        requests.post(servers[False].url + "/", params=params, timeout=10)
    assert console.getvalue() == (
        "INFO vodfc.gateway.refused: refused GetVideoList: InvalidParameter: "
        'The specified parameter "PageSize" is not valid: the value must be at least 1.\n'
    )
    # Afterwards the lines go where they went before (here: the test's log capture), and only there.
    assert refusals.all() == []
    requests.post(servers[False].url + "/", params=signing.rpc_signed("POST", {"Action": "Nope"}), timeout=10)
    assert console.getvalue().count("\n") == 1
    assert refusals.last().code == "InvalidApi.NotFound"


# --- the emulator's own refusals: not VOD's answers, so always explained --------------------------------


def test_a_host_nothing_emulates_is_always_explained() -> None:
    with MockVod():
        response = requests.get("https://ecs.cn-shanghai.aliyuncs.com/", timeout=10)
    detail = (
        "The vodfc emulator does not emulate ecs.cn-shanghai.aliyuncs.com; it answers "
        "vod.<region>.aliyuncs.com and the hosts its components register."
    )
    assert json_error(response) == (
        404,
        "InvalidApi.NotFound",
        f"Specified api is not found, please check your url and method. {detail}",
    )
    assert detail_of(response) == detail


def test_a_host_the_guard_refuses_is_always_explained(servers: dict[bool, ThreadedServer]) -> None:
    response = requests.get(
        servers[False].url + "/",
        headers={"Host": "rebound.example", "Accept": "application/json"},
        timeout=10,
    )
    status, code, message = json_error(response)
    detail = detail_of(response)
    assert (status, code) == (403, "Forbidden") and "'rebound.example'" in detail
    assert message == f"User not authorized to operate on the specified resource. {detail}"
