"""The FC 3.0 API through the official alibabacloud_fc20230330 client, in-process and against a server."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from alibabacloud_fc20230330 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_ACCESS_KEY, AccessKeyPair
from vodfc.emulator.fc import Template, get_fc
from vodfc.emulator.mock import MockVod

from tests.emulator.fc.support import CONFIG, acs3_headers, fc3_client


def _invoke(client: Any, name: str, event: bytes = b"{}", **options: Any) -> Any:
    headers = models.InvokeFunctionHeaders(
        x_fc_invocation_type=options.pop("invocation_type", None), x_fc_log_type=options.pop("log_type", None)
    )
    request = models.InvokeFunctionRequest(body=event, qualifier=options.pop("qualifier", None))
    from darabonba.runtime import RuntimeOptions

    return client.invoke_function_with_options(name, request, headers, RuntimeOptions())


def _refused(call: Any) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def _names(client: Any, **query: Any) -> tuple[list[str], str | None]:
    body = client.list_functions(models.ListFunctionsRequest(**query)).body
    return [f.function_name for f in body.functions], body.next_token


# --- functions ----------------------------------------------------------------------------------------


def test_the_templates_functions_are_listed_by_name_without_services(fc3: Any) -> None:
    names, token = _names(fc3.client())
    # A function name two services share is listed as <service>$<function>, FC 3.0's name for them.
    assert names == [
        "Probe",
        "ProbeOpen",
        "Shape310",
        "Shape312",
        "Web3",
        "Web3Signed",
        "other$Twin",
        "probe$Twin",
    ]
    assert token is None


def test_list_functions_pages_and_filters(fc3: Any) -> None:
    client = fc3.client()
    first, token = _names(client, limit=3)
    assert (first, token) == (["Probe", "ProbeOpen", "Shape310"], "Shape312")
    second, token = _names(client, limit=3, next_token=token)
    assert (second, token) == (["Shape312", "Web3", "Web3Signed"], "other$Twin")
    assert _names(client, prefix="Web")[0] == ["Web3", "Web3Signed"]
    assert _names(client, fc_version="v3")[0] == ["Web3", "Web3Signed"]
    assert "Web3" not in _names(client, fc_version="v2")[0]
    assert _names(client, runtime="python3.12")[0] == ["Shape312", "Web3Signed"]
    refused = _refused(lambda: client.list_functions(models.ListFunctionsRequest(limit=500)))
    assert (refused.status_code, refused.code) == (400, "InvalidArgument")
    refused = _refused(lambda: client.list_functions(models.ListFunctionsRequest(gpu_type="fc.gpu.tesla.1")))
    assert (refused.code, "gpuType" in refused.message) == ("InvalidArgument", True)


def test_get_function_describes_it_as_fc3_does(fc3: Any) -> None:
    function = fc3.client().get_function("Probe", models.GetFunctionRequest()).body
    assert (function.function_name, function.runtime, function.handler) == (
        "Probe",
        "python3.10",
        "main.handler",
    )
    assert (function.memory_size, function.timeout, function.disk_size) == (512, 3, 512)
    assert function.environment_variables == {"PROBE_SETTING": "hello"}
    assert function.function_arn == "acs:fc:cn-shanghai:1234567890123456:functions/Probe"
    assert function.instance_lifecycle_config.initializer.handler == "main.init"
    assert (function.log_config.project, function.log_config.logstore) == ("probe-project", "probe-store")
    assert function.code_checksum and function.created_time.endswith("Z")


def test_a_service_function_is_also_found_by_its_qualified_name(fc3: Any) -> None:
    client = fc3.client()
    assert client.get_function("probe$Probe", models.GetFunctionRequest()).body.function_name == "Probe"
    assert json.loads(_invoke(client, "other$Twin").body.read())["calls"] == 1
    refused = _refused(lambda: client.get_function("Twin", models.GetFunctionRequest()))
    assert (refused.status_code, refused.code) == (404, "FunctionNotFound")
    assert "other$Twin or probe$Twin" in refused.message


# --- invoke -------------------------------------------------------------------------------------------


def test_invoke_returns_the_result_and_fcs_headers(fc3: Any) -> None:
    response = _invoke(fc3.client(), "Probe", b'{"x": 1}', qualifier="LATEST", log_type="Tail")
    assert response.status_code == 200
    answer = json.loads(response.body.read())
    assert answer["event"] == {"x": 1} and answer["init"] == 1
    assert answer["request_id"] == response.headers["x-fc-request-id"]
    log = base64.b64decode(response.headers["x-fc-log-result"]).decode()
    assert f"FC Invoke Start RequestId: {answer['request_id']}" in log
    assert "x-fc-error-type" not in response.headers


def test_a_function_error_is_a_200_with_fcs_error_type(fc3: Any) -> None:
    response = _invoke(fc3.client(), "Probe", b'{"raise": "bad input"}')
    assert (response.status_code, response.headers["x-fc-error-type"]) == (200, "UnhandledInvocationError")
    body = json.loads(response.body.read())
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "bad input")
    assert body["stackTrace"][-1][2] == "handler"


def test_async_invoke_is_accepted_and_runs(fc3: Any) -> None:
    response = _invoke(fc3.client(), "Probe", b'{"async": true}', invocation_type="Async")
    assert (response.status_code, response.body.read()) == (202, b"")
    assert fc3.runtime.drain(10)
    ran = [i for i in fc3.runtime.history if i.request_id == response.headers["x-fc-request-id"]]
    assert ran and ran[0].ok and ran[0].kind == "async"


def test_api_errors_carry_code_message_and_request_id(fc3: Any) -> None:
    client = fc3.client()
    refused = _refused(lambda: _invoke(client, "Nope"))
    assert (refused.status_code, refused.code) == (404, "FunctionNotFound")
    assert "function 'Nope' does not exist" in refused.message
    assert refused.request_id and refused.request_id != "None"
    refused = _refused(lambda: _invoke(client, "Probe", qualifier="prod"))
    assert (refused.status_code, refused.code) == (404, "AliasNotFound")
    refused = _refused(lambda: client.get_function("Probe", models.GetFunctionRequest(qualifier="1")))
    assert refused.code == "AliasNotFound"
    refused = _refused(
        lambda: fc3_client(fc3.url, access_key_secret="wrong-secret").get_function(
            "Probe", models.GetFunctionRequest()
        )
    )
    assert (refused.status_code, refused.code) == (400, "SignatureDoesNotMatch")


def test_errors_are_json_code_message_request_id_on_the_wire(fc3: Any) -> None:
    base = fc3.url or "https://fcv3.cn-shanghai.aliyuncs.com"
    url = f"{base}/2023-03-30/functions/Nope"
    answer = requests.get(url, headers=acs3_headers("GET", url), timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {
        "Code": "FunctionNotFound",
        "Message": "function 'Nope' does not exist",
        "RequestId": answer.headers["x-fc-request-id"],
    }
    unsigned = requests.get(f"{base}/2023-03-30/functions", timeout=10)
    assert (unsigned.status_code, unsigned.json()["Code"]) == (400, "MissingRequiredHeader")
    # A path FC 3.0 has and the emulator does not serve: FC's error, never OSS's NoSuchBucket.
    url = f"{base}/2023-03-30/layers"
    other = requests.get(url, headers=acs3_headers("GET", url), timeout=10)
    assert (other.status_code, other.json()["Code"]) == (400, "PathNotSupported")
    url = f"{base}/2023-03-30/functions"  # CreateFunction
    created = requests.post(url, headers=acs3_headers("POST", url), timeout=10)
    assert (created.status_code, created.json()["Code"]) == (400, "PathNotSupported")


def test_another_accounts_key_finds_none_of_the_functions(fc3_template: Template) -> None:
    other = AccessKeyPair("other-key-id", "other-key-secret", "222")
    app = create_app(CONFIG.with_changes(access_keys=(DEFAULT_ACCESS_KEY, other)))
    get_fc(app).load(template=fc3_template)
    try:
        with MockVod(app=app):
            client = fc3_client(access_key_id=other.access_key_id, access_key_secret=other.access_key_secret)
            assert _names(client) == ([], None)
            for call in (
                lambda: _invoke(client, "Probe"),
                lambda: client.get_function("Probe", models.GetFunctionRequest()),
                lambda: client.list_triggers("ProbeOpen", models.ListTriggersRequest()),
                lambda: client.get_trigger("ProbeOpen", "http"),
            ):
                assert _refused(call).code == "FunctionNotFound"
            assert get_fc(app).runtime.history == type(get_fc(app).runtime.history)(maxlen=200)
    finally:
        get_fc(app).close()


# --- triggers -----------------------------------------------------------------------------------------


def test_triggers_are_fc3s_with_their_config_as_json_and_http_urls(fc3: Any) -> None:
    client = fc3.client()
    triggers = client.list_triggers("ProbeOpen", models.ListTriggersRequest()).body.triggers
    assert [t.trigger_name for t in triggers] == ["http"]
    http = triggers[0]
    assert (http.trigger_type, http.qualifier) == ("http", "LATEST")
    assert json.loads(http.trigger_config) == {
        "authType": "anonymous",
        "methods": ["GET"],
        "disableURLInternet": False,
    }
    assert http.http_trigger.url_internet.startswith("https://probe-probeopen-")
    assert http.http_trigger.url_internet.endswith(".cn-shanghai.fcapp.run")
    assert http.http_trigger.url_intranet.endswith(".cn-shanghai-vpc.fcapp.run")
    timer = client.get_trigger("probe$Twin", "every-minute").body
    assert timer.trigger_type == "timer"
    assert json.loads(timer.trigger_config)["cronExpression"] == "0 * * * * *"
    refused = _refused(lambda: client.get_trigger("Probe", "nope"))
    assert (refused.status_code, refused.code) == (404, "TriggerNotFound")


def test_an_fc2_functions_trigger_url_keeps_its_wsgi_call(fc3: Any) -> None:
    answer = requests.get(fc3.trigger_url("ProbeOpen") + "/hello%20there?a=1&a=2", timeout=10)
    assert answer.status_code == 201
    seen = answer.json()
    assert (seen["path"], seen["query"], seen["server"]) == ("/hello there", "a=1&a=2", "FCRUNTIME")
    assert seen["uri"] == "/hello%20there?a=1&a=2"
    assert answer.headers["x-fc-request-id"] == seen["request_id"]
    assert requests.post(fc3.trigger_url("ProbeOpen") + "/", timeout=10).status_code == 405


def test_an_fc3_function_gets_fc3s_http_event(fc3: Any) -> None:
    url = fc3.trigger_url("Web3")
    answer = requests.post(
        url + "/videos/a%20b?x=1&x=2&y=",
        data=b'{"k": "v"}',
        headers={"content-type": "application/json", "x-vod-signature": "sig", "User-Agent": "probe/1"},
        timeout=10,
    )
    assert answer.status_code == 200
    event = answer.json()["event"]
    assert answer.json()["request_id"] == answer.headers["x-fc-request-id"]
    assert event["version"] == "v1"
    assert event["rawPath"] == "/videos/a%20b"
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": "v"}', False)
    assert event["queryParameters"] == {"x": "1,2", "y": ""}
    assert event["headers"]["X-Vod-Signature"] == "sig"
    assert event["headers"]["Content-Type"] == "application/json"
    context = event["requestContext"]
    domain = url.rsplit("/", 1)[-1] if fc3.url else url.removeprefix("https://")
    assert (context["domainName"], context["domainPrefix"]) == (domain, domain.split(".")[0])
    assert context["accountId"] == "1234567890123456"
    assert context["requestId"] == answer.headers["x-fc-request-id"]
    assert context["http"] == {
        "method": "POST",
        "path": "/videos/a b",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "probe/1",
    }
    assert context["time"].endswith("Z") and context["timeEpoch"].isdigit()


def test_a_binary_body_arrives_base64_encoded(fc3: Any) -> None:
    data = bytes(range(256))
    answer = requests.post(
        fc3.trigger_url("Web3") + "/upload",
        data=data,
        headers={"content-type": "application/octet-stream"},
        timeout=10,
    )
    event = answer.json()["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data


def test_the_response_struct_becomes_the_http_answer(fc3: Any) -> None:
    url = fc3.trigger_url("Web3")
    binary = requests.get(url + "/binary", timeout=10)
    assert (binary.status_code, binary.content) == (206, bytes(range(256)))
    assert binary.headers["Content-Type"] == "application/octet-stream"
    assert binary.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    plain = requests.get(url + "/plain", timeout=10)
    assert (plain.status_code, plain.text, plain.headers["Content-Type"]) == (
        200,
        "just text",
        "text/plain; charset=utf-8",
    )
    whole = requests.get(url + "/object", timeout=10)
    assert (whole.status_code, whole.json(), whole.headers["Content-Type"]) == (
        200,
        {"no": "statusCode"},
        "application/json",
    )


def test_function_errors_through_the_trigger_are_502_with_fcs_fields(fc3: Any) -> None:
    url = fc3.trigger_url("Web3")
    failed = requests.get(url + "/raise", timeout=10)
    assert (failed.status_code, failed.headers["x-fc-error-type"]) == (502, "UnhandledInvocationError")
    body = failed.json()
    assert (body["Code"], body["Message"]) == ("UnhandledInvocationError", "RuntimeError: web boom")
    assert (body["errorType"], body["RequestId"]) == ("RuntimeError", failed.headers["x-fc-request-id"])
    invalid = requests.get(url + "/invalid", timeout=10)
    assert (invalid.status_code, invalid.json()["errorType"]) == (502, "InvalidHttpResponse")
    unknown = requests.get(url.replace("web3-", "nope-", 1), timeout=10)
    assert (unknown.status_code, unknown.json()["Code"]) == (404, "TriggerNotFound")


def test_a_signed_trigger_takes_acs3_signatures_of_the_owner(fc3: Any) -> None:
    url = fc3.trigger_url("Web3Signed") + "/signed?q=1"
    unsigned = requests.get(url, timeout=10)
    assert (unsigned.status_code, unsigned.json()["Code"]) == (400, "MissingRequiredHeader")
    signed = requests.get(url, headers=acs3_headers("GET", url), timeout=10)
    assert signed.status_code == 200
    assert signed.json()["event"]["queryParameters"] == {"q": "1"}
    forged = requests.get(url, headers=acs3_headers("GET", url, access_key_secret="not-it"), timeout=10)
    assert (forged.status_code, forged.json()["Code"]) == (400, "SignatureDoesNotMatch")


def test_a_server_answers_trigger_hosts_by_the_host_header(fc3: Any) -> None:
    if fc3.url is None:
        pytest.skip("the Host header is how a server tells the trigger hosts apart")
    domain = fc3.trigger_url("Web3").rsplit("/", 1)[-1]
    answer = requests.get(f"{fc3.url}/by-host", headers={"Host": domain}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["event"]["rawPath"] == "/by-host"


# --- the runtime's context ----------------------------------------------------------------------------


def test_python312_gets_fc3s_context_and_python310_fc2s(fc3: Any) -> None:
    client = fc3.client()
    new = json.loads(_invoke(client, "Shape312").body.read())
    old = json.loads(_invoke(client, "Shape310").body.read())
    assert new["attributes"] == [
        "account_id",
        "function",
        "log_project",
        "log_store",
        "logger",
        "region",
        "request_id",
    ]
    assert new["function"] == ["handler", "memory", "name", "qualifier", "timeout", "version_id"]
    assert (new["qualifier"], new["log"], new["logger"]) == (
        "LATEST",
        ["probe-project", "probe-store"],
        "LoggerAdapter",
    )
    # Its credentials are in the environment, as FC 3.0's python3.12 runtime keeps them.
    assert new["env_key"].startswith("STS.") and new["env_token"]
    assert {"credentials", "service", "getLogger"} <= set(old["attributes"])
    # FC's python3.10 runtime's FunctionMeta: no initializer attributes (shared/spec/fc-runtime.md §1.2).
    assert old["function"] == ["handler", "memory", "name", "timeout"]
    assert old["logger"] == "NoneType"


def test_the_state_reset_keeps_the_fc3_project(fc3: Any) -> None:
    get_state(fc3.app).reset()
    assert _names(fc3.client(), prefix="Probe")[0] == ["Probe", "ProbeOpen"]


def test_the_control_plane_lists_fc3_names_and_trigger_urls(fc3: Any) -> None:
    if fc3.url is not None:
        pytest.skip("the control plane answers the same in-process")
    listed = requests.get(f"{fc3.base}/_vodfc/fc/functions", timeout=10).json()["functions"]
    by_name = {(f["service"], f["function"]): f for f in listed}
    assert by_name[("other", "Twin")]["fc3Name"] == "other$Twin"
    assert by_name[("probe", "Probe")]["fc3Name"] == "Probe"
    opened = by_name[("probe", "ProbeOpen")]
    assert opened["fc3HttpUrl"] == fc3.trigger_url("ProbeOpen")
    assert requests.get(opened["fc3HttpPath"] + "/ping", timeout=10).json()["path"] == "/ping"


def test_a_key_limited_to_vod_actions_still_reaches_the_fc3_api(fc3: Any) -> None:
    """A policy about VOD's actions (a function's role's) is not checked against FC's API, as on FC 2.0."""
    from vodfc.emulator.policy import Policy

    state = get_state(fc3.app)
    only = Policy.from_document(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["vod:GetVideoInfo"], "Resource": "*"}]}
    )
    token = state.accounts.issue_sts_token(get_fc(fc3.app).account_id, policy=only)
    client = fc3_client(
        fc3.url,
        access_key_id=token.access_key_id,
        access_key_secret=token.access_key_secret,
        security_token=token.security_token,
    )
    assert client.get_function("Probe", models.GetFunctionRequest()).body.function_name == "Probe"
