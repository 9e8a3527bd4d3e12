"""Node.js's VOD clients get from the emulator exactly what the Python SDK gets: @alicloud/pop-core (RPC, GET
and POST with a form body), the Tea core of @alicloud/vod20170321 (@alicloud/openapi-core, ACS3-HMAC-SHA256)
and @alicloud/openapi-client's callApi (v2 signature with GET and POST, ACS3-HMAC-SM3 with a form body,
ACS3-HMAC-SHA256 with GET).

tests/node/vod_clients.js runs the media-management flow with one client at a time against a real server,
from a fresh demo library it seeds through the control API, and reports each step's action, parameters and
answer (or the error as that client shaped it). Here each client's upload credentials are used with oss2,
then the same steps are replayed through aliyun-python-sdk-core from a fresh library, and every answer is
compared field by field. The emulator's clock stands still, so the times the updates write are the same in
every run. Without node and npm these tests are skipped, saying so; with node but without tests/node's
packages (``make setup``) they fail.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import oss2
import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from vodfc.emulator.app import create_app
from vodfc.emulator.config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_REGION,
    EmulatorConfig,
)
from vodfc.emulator.media.synth import make_video
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support.node import require_node, run_script

CLIENTS = ("popGet", "popPost", "tea", "openApiV2Get", "openApiV2Post", "openApiSm3Post", "openApiSha256Get")
POP_CORE = ("popGet", "popPost")
TEA = tuple(name for name in CLIENTS if name not in POP_CORE)
TOKEN = "node-vod-clients-admin-token"
WRONG_SECRET = "not-the-secret"
# The flow's calls that succeed, in order (CreateUploadVideo is compared on its own).
SUCCESSES = [
    "updateVideoInfo",
    "getVideoInfo",
    "searchMedia",
    "getVideoInfos",
    "updateVideoInfos",
    "getUpdatedVideoInfos",
    "getMezzanineInfo",
    "getPlayInfo",
    "deleteStream",
    "getPlayInfoAfterDeleteStream",
    "deleteMezzanines",
    "updateImageInfos",
    "getImageInfo",
    "deleteImage",
    "deleteVideo",
    "stsToken",
]
# Calls the script made fail once through a fault rule.
FAULTED = ("throttled", "unavailable")
# Per-call values: they differ between any two calls, whoever makes them.
VOLATILE = ("RequestId", "ScrollToken")


@dataclass
class Run:
    steps: list[dict[str, Any]]
    uploaded_status: str


def control(url: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{url}/_vodfc/{path}", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def python_client(url: str, keys: str | None = None) -> AcsClient:
    """aliyun-python-sdk-core's client: the default pair, or as a step's keys say ("wrong": another
    secret, "sts": a token the control API issues)."""
    if keys == "sts":
        token = control(url, "sts")
        credential = StsTokenCredential(
            token["AccessKeyId"], token["AccessKeySecret"], token["SecurityToken"]
        )
        client = AcsClient(region_id=DEFAULT_REGION, credential=credential)
    else:
        secret = WRONG_SECRET if keys == "wrong" else DEFAULT_ACCESS_KEY_SECRET
        client = AcsClient(DEFAULT_ACCESS_KEY_ID, secret, DEFAULT_REGION)
    client.add_endpoint(DEFAULT_REGION, "vod", url.removeprefix("http://"))
    return client


def python_call(url: str, action: str, params: dict[str, str], keys: str | None = None) -> Any:
    request = CommonRequest(domain=None, version="2017-03-21", action_name=action, product="vod")
    for name, value in params.items():
        request.add_query_param(name, value)
    return json.loads(python_client(url, keys).do_action_with_exception(request))


def decoded(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob))  # type: ignore[no-any-return]


def upload(created: dict[str, Any], data: bytes) -> None:
    """What a Node service hands its uploader: the file goes to OSS with the UploadAuth's STS keys."""
    address, auth = decoded(created["UploadAddress"]), decoded(created["UploadAuth"])
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], data)


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    config = EmulatorConfig(
        components=("oss", "media", "events", "ingest", "faults"), admin_token=TOKEN, clock=lambda: now
    )
    with ThreadedServer(create_app(config)) as running:
        yield running


@pytest.fixture(scope="module")
def runs(server: ThreadedServer) -> dict[str, Run]:
    node = require_node("@alicloud/pop-core")
    clip = make_video(seconds=0.3)
    out = {}
    for name in CLIENTS:
        plan = {
            "url": server.url,
            "adminToken": TOKEN,
            "accessKeyId": DEFAULT_ACCESS_KEY_ID,
            "accessKeySecret": DEFAULT_ACCESS_KEY_SECRET,
            "clients": [name],
        }
        steps = run_script(node, "vod_clients.js", plan)[name]
        created = steps[0]["answer"]["body"]
        upload(created, clip)
        status = python_call(server.url, "GetVideoInfo", {"VideoId": created["VideoId"]})["Video"]["Status"]
        out[name] = Run(steps, status)
    return out


@pytest.fixture(scope="module")
def python_steps(server: ThreadedServer, runs: dict[str, Run]) -> dict[str, dict[str, Any]]:
    """The same calls through aliyun-python-sdk-core, from a fresh demo library, by step name."""
    control(server.url, "reset")
    control(server.url, "seed")
    out = {}
    for step in runs[CLIENTS[0]].steps:
        if step["name"] in FAULTED:
            continue  # the rule the script added is spent
        try:
            out[step["name"]] = {
                "body": python_call(server.url, step["action"], step["params"], step.get("keys"))
            }
        except ServerException as error:
            out[step["name"]] = {
                "error": {
                    "code": error.get_error_code(),
                    "status": error.get_http_status(),
                    "message": error.get_error_msg(),
                }
            }
    return out


def steady(body: Any) -> Any:
    """An answer without its per-call values."""
    if isinstance(body, dict):
        return {key: steady(value) for key, value in body.items() if key not in VOLATILE}
    if isinstance(body, list):
        return [steady(value) for value in body]
    return body


def by_name(run: Run) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in run.steps}


def error_of(step: dict[str, Any]) -> dict[str, Any]:
    assert "error" in step, f"{step['name']} succeeded: {step.get('answer')}"
    return step["error"]  # type: ignore[no-any-return]


def test_every_client_ran_the_same_calls(runs: dict[str, Run]) -> None:
    reference = [(s["name"], s["action"], s["params"]) for s in runs[CLIENTS[0]].steps]
    for name in CLIENTS[1:]:
        assert [(s["name"], s["action"], s["params"]) for s in runs[name].steps] == reference, name


@pytest.mark.parametrize("client", CLIENTS)
def test_answers_equal_the_python_sdks_field_by_field(
    runs: dict[str, Run], python_steps: dict[str, dict[str, Any]], client: str
) -> None:
    compared = []
    for step in runs[client].steps:
        expected = python_steps.get(step["name"])
        if step["name"] == "createUploadVideo" or expected is None or "body" not in expected:
            continue
        assert "answer" in step, f"{client} {step['name']}: {step.get('error')}"
        assert step["answer"]["statusCode"] == 200
        assert steady(step["answer"]["body"]) == steady(expected["body"]), f"{client} {step['name']}"
        compared.append(step["name"])
    assert compared == SUCCESSES


@pytest.mark.parametrize("client", CLIENTS)
def test_errors_carry_the_python_sdks_code_status_and_message(
    runs: dict[str, Run], python_steps: dict[str, dict[str, Any]], client: str
) -> None:
    names = [
        "getDeletedMezzanine",
        "getDeletedImage",
        "getDeletedVideo",
        "unknownVideo",
        "badParameter",
        "missingParameter",
        "tooManyIds",
        "badMatch",
    ]
    steps = by_name(runs[client])
    for name in names:
        expected = python_steps[name]["error"]
        error = error_of(steps[name])
        assert (error["code"], int(error["statusCode"])) == (expected["code"], expected["status"]), name
        assert error["data"]["Code"] == expected["code"]
        assert error["data"]["Message"] == expected["message"], name
        assert error["data"]["HostId"] == "vod.cn-shanghai.aliyuncs.com"
        assert error["data"]["Recommend"].endswith(f"requestId={error['data']['RequestId']}")
    codes = {name: error_of(steps[name])["code"] for name in ("unknownVideo", "badParameter", "tooManyIds")}
    assert codes == {
        "unknownVideo": "InvalidVideo.NotFound",
        "badParameter": "InvalidParameter",
        "tooManyIds": "VideoIdsExceededMax",
    }
    # The server's string to sign differs per call; the code and status do not.
    forged, expected = error_of(steps["wrongSecret"]), python_steps["wrongSecret"]["error"]
    assert (forged["code"], int(forged["statusCode"])) == (expected["code"], expected["status"])


@pytest.mark.parametrize("client", POP_CORE)
def test_pop_core_errors_keep_its_own_shape(runs: dict[str, Run], client: str) -> None:
    steps = by_name(runs[client])
    forged = error_of(steps["wrongSecret"])
    # pop-core names an error after the code, keeps the body as data, and puts the URL in the message.
    assert (forged["name"], forged["code"], forged["statusCode"]) == (
        "SignatureDoesNotMatchError",
        "SignatureDoesNotMatch",
        400,
    )
    method = "GET" if client == "popGet" else "POST"
    assert forged["data"]["Message"].startswith(
        f"Specified signature is not matched with our calculation. server string to sign is:{method}&%2F&"
    )
    assert forged["message"].startswith(forged["data"]["Message"] + ", URL: ")
    missing = error_of(steps["unknownVideo"])
    assert (missing["name"], missing["statusCode"]) == ("InvalidVideo.NotFoundError", 404)
    throttled = error_of(steps["throttled"])
    assert (throttled["code"], throttled["statusCode"]) == ("Throttling.User", 400)
    unavailable = error_of(steps["unavailable"])
    assert (unavailable["name"], unavailable["statusCode"]) == ("ServiceUnAvailableError", 503)


@pytest.mark.parametrize("client", TEA)
def test_tea_errors_keep_its_own_shape(runs: dict[str, Run], client: str) -> None:
    steps = by_name(runs[client])
    forged = error_of(steps["wrongSecret"])
    assert (forged["code"], forged["statusCode"]) == ("SignatureDoesNotMatch", 400)
    assert forged["message"].startswith("SignatureDoesNotMatch: code: 400, Specified signature")
    algorithm = {"openApiSm3Post": "ACS3-HMAC-SM3", "openApiV2Get": "GET&", "openApiV2Post": "POST&"}.get(
        client, "ACS3-HMAC-SHA256\n"
    )
    assert f"server string to sign is:{algorithm}" in forged["data"]["Message"]
    missing = error_of(steps["unknownVideo"])
    request_id = missing["data"]["RequestId"]
    assert (
        missing["message"]
        == f"InvalidVideo.NotFound: code: 404, The video does not exist. request id: {request_id}"
    )
    throttled = error_of(steps["throttled"])
    assert (throttled["code"], throttled["statusCode"]) == ("Throttling.User", 400)
    unavailable = error_of(steps["unavailable"])
    assert (unavailable["code"], unavailable["statusCode"]) == ("ServiceUnAvailable", 503)
    if client == "tea":
        # openapi-core's classes, as the generated client raises them: 4xx, flow control, 5xx.
        assert (forged["name"], missing["requestId"]) == ("ClientError", missing["data"]["RequestId"])
        assert (throttled["name"], throttled["retryAfter"]) == ("ThrottlingError", 1000)
        assert unavailable["name"] == "ServerError"


@pytest.mark.parametrize("client", CLIENTS)
def test_create_upload_video_answers_like_the_python_sdk_and_its_credentials_upload(
    runs: dict[str, Run], python_steps: dict[str, dict[str, Any]], client: str
) -> None:
    created = runs[client].steps[0]["answer"]["body"]
    expected = python_steps["createUploadVideo"]["body"]
    assert sorted(created) == sorted(expected)
    address, reference_address = decoded(created["UploadAddress"]), decoded(expected["UploadAddress"])
    assert (address["Endpoint"], address["Bucket"]) == (
        reference_address["Endpoint"],
        reference_address["Bucket"],
    )
    assert re.fullmatch(r"sv/[0-9a-f]{8}-[0-9a-f]+/[0-9a-f]{8}-[0-9a-f]+\.mp4", address["FileName"])
    auth, reference_auth = decoded(created["UploadAuth"]), decoded(expected["UploadAuth"])
    assert sorted(auth) == sorted(reference_auth)
    same = ("ExpireUTCTime", "Expiration", "Region")
    assert {key: auth[key] for key in same} == {key: reference_auth[key] for key in same}
    assert runs[client].uploaded_status == "UploadSucc"


def test_the_flow_read_back_what_it_wrote(runs: dict[str, Run]) -> None:
    steps = by_name(runs[CLIENTS[0]])
    video = steps["getVideoInfo"]["answer"]["body"]["Video"]
    assert video["Title"] == 'It\'s a "Node" 视频 — «title» & more'
    assert video["Tags"] == "node client,标签,a b"
    assert video["Description"] == "a+b=c & 100% ~ *(!)* / ?#[]@ ;,$"
    found = steps["searchMedia"]["answer"]["body"]
    assert (found["Total"], found["MediaList"][0]["MediaId"]) == (1, video["VideoId"])
    infos = steps["getVideoInfos"]["answer"]["body"]
    assert len(infos["VideoList"]) == 1 and infos["NonExistVideoIds"] == [
        steps["getVideoInfos"]["params"]["VideoIds"].split(",")[1]
    ]
    assert steps["getUpdatedVideoInfos"]["answer"]["body"]["VideoList"][0]["Tags"] == "x,y,z"
    played = steps["getPlayInfo"]["answer"]["body"]["PlayInfoList"]["PlayInfo"]
    left = steps["getPlayInfoAfterDeleteStream"]["answer"]["body"]["PlayInfoList"]["PlayInfo"]
    deleted = steps["deleteStream"]["params"]["JobIds"].split(",")
    assert len(deleted) == 2 and [p["JobId"] for p in left] == [
        p["JobId"] for p in played if p["JobId"] not in deleted
    ]
    assert steps["getImageInfo"]["answer"]["body"]["ImageInfo"]["Tags"] == "cover,封面,première"
