"""The official Node.js clients against a server: @alicloud/fc2 (FC 2.0) and @alicloud/fc20230330 (FC 3.0).

tests/node/fc_clients.js makes the calls and reports what each client returned or raised; the packages are
installed by ``make setup`` / ``make test`` (``npm ci`` in tests/node, as CI does). Without node and npm on
the machine these tests are skipped, saying so; with node but without the packages they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vodfc.emulator.config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
)
from vodfc.emulator.fc import Template

from tests.emulator.fc.conftest import _prepare_fc3, _serve
from tests.emulator.fc.support import Fc3Target
from tests.emulator.support.node import require_node, run_script


@pytest.fixture(scope="module")
def report(_fc3_apps: dict[str, Any], fc3_template: Template) -> Iterator[dict[str, Any]]:
    node = require_node("@alicloud/fc20230330")
    served = _serve("server", _fc3_apps, lambda app: _prepare_fc3(app, fc3_template), Fc3Target)
    target = next(served)
    plan = {
        "url": target.url,
        "accountId": DEFAULT_ACCOUNT_ID,
        "region": DEFAULT_REGION,
        "accessKeyId": DEFAULT_ACCESS_KEY_ID,
        "accessKeySecret": DEFAULT_ACCESS_KEY_SECRET,
        "service": "probe",
    }
    yield run_script(node, "fc_clients.js", plan)
    next(served, None)


def test_fc2_invokes_lists_and_describes(report: dict[str, Any]) -> None:
    fc2 = report["fc2"]
    assert fc2["invoke"]["data"]["event"] == {"x": 1}
    assert fc2["invoke"]["requestId"] == fc2["invoke"]["data"]["request_id"]
    assert fc2["getFunction"] == {"functionName": "Probe", "runtime": "python3.10"}
    assert fc2["listFunctions"] == {"names": ["Probe", "ProbeOpen"], "nextToken": "Shape310"}


def test_fc2_sees_function_errors_as_fc_sends_them(report: dict[str, Any]) -> None:
    failed = report["fc2"]["functionError"]
    assert failed["errorType"] == "UnhandledInvocationError"
    assert (failed["data"]["errorType"], failed["data"]["errorMessage"]) == ("ValueError", "bad input")


def test_fc2_names_api_errors_by_error_code_and_reads_error_message(report: dict[str, Any]) -> None:
    missing = report["fc2"]["notFound"]["error"]
    assert (missing["name"], missing["code"]) == ("FCFunctionNotFoundError", "FunctionNotFound")
    assert "function 'Nope' does not exist in service 'probe'" in missing["message"]
    forged = report["fc2"]["badSignature"]["error"]
    assert (forged["name"], forged["code"]) == ("FCSignatureNotMatchError", "SignatureNotMatch")
    assert "does not match the signature you provided" in forged["message"]


def test_fc3_lists_describes_and_invokes(report: dict[str, Any]) -> None:
    fc3 = report["fc3"]
    assert fc3["listFunctions"] == {"names": ["Probe", "ProbeOpen", "Shape310"], "nextToken": "Shape312"}
    assert fc3["getFunction"] == {"functionName": "Probe", "runtime": "python3.10"}
    invoked = fc3["invoke"]
    assert (invoked["statusCode"], invoked["data"]["event"]) == (200, {"x": 1})
    assert f"FC Invoke End RequestId: {invoked['requestId']}" in invoked["log"]
    assert fc3["async"]["statusCode"] == 202 and fc3["async"]["requestId"]
    [http] = fc3["listTriggers"]
    assert (http["name"], http["type"], http["config"]["authType"]) == ("http", "http", "anonymous")
    assert http["url"].endswith(".cn-shanghai.fcapp.run")


def test_fc3_sees_function_errors_as_fc_sends_them(report: dict[str, Any]) -> None:
    failed = report["fc3"]["functionError"]
    assert (failed["statusCode"], failed["errorType"]) == (200, "UnhandledInvocationError")
    assert failed["data"]["errorMessage"] == "bad input"


def test_fc3_reads_code_message_and_request_id(report: dict[str, Any]) -> None:
    missing = report["fc3"]["notFound"]["error"]
    assert (missing["statusCode"], missing["code"]) == (404, "FunctionNotFound")
    assert "code: 404, function 'Nope' does not exist request id: " in missing["message"]
    assert missing["requestId"] == missing["data"]["RequestId"] != "undefined"
    trigger = report["fc3"]["triggerNotFound"]["error"]
    assert (trigger["statusCode"], trigger["code"]) == (404, "TriggerNotFound")
    forged = report["fc3"]["badSignature"]["error"]
    assert (forged["statusCode"], forged["code"]) == (400, "SignatureDoesNotMatch")
