"""The FC 2.0 API through the official fc2 client, in-process and against a server."""

from __future__ import annotations

import base64
import json
from typing import Any

import fc2
import flask
import pytest
import requests
from vodfc.emulator.app import get_state
from vodfc.emulator.fc.api import canonical_resource, sign, string_to_sign


def _error(exc: fc2.FcError) -> dict[str, Any]:
    return json.loads(exc.message)  # type: ignore[no-any-return]


def test_invoke_returns_the_handlers_result_as_fc_does(probe: Any) -> None:
    response = probe.client().invoke_function("probe", "Probe", payload=b'{"x": 1}')
    # Non-str results are JSON with indent=4 and sorted keys, like FC's Python runtime.
    assert response.data.startswith(b'{\n    "account_id"')
    answer = json.loads(response.data)
    assert answer["event"] == {"x": 1}
    assert answer["event_type"] == "bytes"
    assert answer["request_id"] == response.headers["x-fc-request-id"]
    assert response.headers["x-fc-invocation-service-version"] == "LATEST"
    assert int(response.headers["x-fc-invocation-duration"]) >= 1


def test_string_results_are_sent_verbatim(probe: Any) -> None:
    response = probe.client().invoke_function("probe", "Probe", payload=b'{"raw": "plain text"}')
    assert response.data == b"plain text"


def test_function_errors_are_200_with_fc_error_type_and_fc_body(probe: Any) -> None:
    with pytest.raises(fc2.FcError) as caught:
        probe.client().invoke_function("probe", "Probe", payload=b'{"raise": "bad input"}')
    assert caught.value.status_code == 200
    body = _error(caught.value)
    assert body["errorMessage"] == "bad input"
    assert body["errorType"] == "ValueError"
    trace = body["stackTrace"]
    assert trace and trace[-1][0].endswith("main.py") and trace[-1][2] == "handler"
    assert caught.value.request_id == body["RequestId"]


def test_raw_http_error_headers(probe: Any) -> None:
    client = probe.client()
    headers = client._build_common_headers(
        "POST", "/2016-08-15/services/probe/functions/Probe/invocations", {"x-fc-log-type": "Tail"}
    )
    if probe.mode == "server":
        r = requests.post(
            f"{probe.url}/2016-08-15/services/probe/functions/Probe/invocations",
            data=b'{"raise": "x"}',
            headers=headers,
            timeout=10,
        )
    else:
        r = requests.post(
            f"{probe.base}/2016-08-15/services/probe/functions/Probe/invocations",
            data=b'{"raise": "x"}',
            headers=headers,
            timeout=10,
        )
    assert r.status_code == 200
    assert r.headers["x-fc-error-type"] == "UnhandledInvocationError"
    log = base64.b64decode(r.headers["x-fc-log-result"]).decode()
    assert "FC Invoke Start RequestId: " in log
    assert "FC Invoke End RequestId: " in log and log.rstrip().endswith("Error: Unhandled function error")


def test_log_tail_has_fc_markers_and_the_handlers_lines(probe: Any) -> None:
    response = probe.client().invoke_function(
        "probe", "Probe", payload=b"{}", headers={"x-fc-log-type": "Tail"}
    )
    request_id = response.headers["x-fc-request-id"]
    lines = base64.b64decode(response.headers["x-fc-log-result"]).decode().splitlines()
    # A cold instance runs its initializer first, with markers of its own.
    assert lines[:2] == [
        f"FC Initialize Start RequestId: {request_id}",
        f"FC Initialize End RequestId: {request_id}",
    ]
    assert lines[2] == f"FC Invoke Start RequestId: {request_id}"
    assert lines[-1] == f"FC Invoke End RequestId: {request_id}"
    assert any(line.endswith(f"{request_id} [INFO] probe got 2 bytes") for line in lines)


def test_unknown_function_and_service_are_fcs_404s(probe: Any) -> None:
    client = probe.client()
    with pytest.raises(fc2.FcError) as caught:
        client.invoke_function("probe", "Nope")
    assert (caught.value.status_code, caught.value.err_code) == (404, "FunctionNotFound")
    assert "function 'Nope' does not exist in service 'probe'" in _error(caught.value)["ErrorMessage"]
    with pytest.raises(fc2.FcError) as caught:
        client.invoke_function("nosuch", "Probe")
    assert (caught.value.status_code, caught.value.err_code) == (404, "ServiceNotFound")
    with pytest.raises(fc2.FcError) as caught:
        client.get_function("probe", "Nope")
    assert caught.value.err_code == "FunctionNotFound"


def test_qualifier_latest_works_and_others_are_not_found(probe: Any) -> None:
    client = probe.client()
    assert (
        json.loads(client.invoke_function("probe", "Probe", payload=b"{}", qualifier="LATEST").data)["calls"]
        == 1
    )
    with pytest.raises(fc2.FcError) as caught:
        client.invoke_function("probe", "Probe", qualifier="prod")
    assert caught.value.err_code == "AliasNotFound"


def test_wrong_secret_is_signature_not_match(probe: Any) -> None:
    with pytest.raises(fc2.FcError) as caught:
        probe.client(access_key_secret="wrong-secret").invoke_function("probe", "Probe")
    assert (caught.value.status_code, caught.value.err_code) == (403, "SignatureNotMatch")


def test_unknown_key_is_invalid_access_key_id(probe: Any) -> None:
    with pytest.raises(fc2.FcError) as caught:
        probe.client(access_key_id="nobody").invoke_function("probe", "Probe")
    assert (caught.value.status_code, caught.value.err_code) == (403, "InvalidAccessKeyID")


def test_sts_credentials_sign_with_their_token(probe: Any) -> None:
    state = get_state(probe.app)
    token = state.accounts.issue_sts_token(state.config.default_account_id)
    client = probe.client(
        access_key_id=token.access_key_id,
        access_key_secret=token.access_key_secret,
        security_token=token.security_token,
    )
    assert json.loads(client.invoke_function("probe", "Probe", payload=b"{}").data)["calls"] == 1
    forged = probe.client(
        access_key_id=token.access_key_id, access_key_secret=token.access_key_secret, security_token="forged"
    )
    with pytest.raises(fc2.FcError) as caught:
        forged.invoke_function("probe", "Probe")
    assert caught.value.status_code == 403


def test_missing_authorization_and_skewed_date(probe: Any) -> None:
    url = f"{probe.base}/2016-08-15/services/probe/functions/Probe/invocations"
    r = requests.post(url, data=b"{}", timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (403, "SignatureNotMatch")
    assert r.headers["x-fc-request-id"]
    date = "Mon, 01 Jan 2018 00:00:00 GMT"
    headers = {"Date": date, "Content-Type": "application/json"}
    text = string_to_sign("POST", headers, "/2016-08-15/services/probe/functions/Probe/invocations")
    headers["Authorization"] = f"FC vodfc-access-key-id:{sign('vodfc-access-key-secret', text)}"
    r = requests.post(url, data=b"{}", headers=headers, timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (403, "RequestTimeTooSkewed")
    del headers["Date"]
    r = requests.post(url, data=b"{}", headers=headers, timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (400, "MissingRequiredHeader")


def test_async_invocation_is_202_and_runs_later(probe: Any) -> None:
    response = probe.client().invoke_function(
        "probe", "Probe", payload=b'{"n": 7}', headers={"x-fc-invocation-type": "Async"}
    )
    assert response.data == b""
    request_id = response.headers["x-fc-request-id"]
    assert probe.runtime.drain(10)
    done = [r for r in probe.runtime.history if r.request_id == request_id]
    assert len(done) == 1 and done[0].kind == "async" and done[0].ok
    assert json.loads(done[0].body)["event"] == {"n": 7}


def test_async_payload_limit(probe: Any) -> None:
    with pytest.raises(fc2.FcError) as caught:
        probe.client().invoke_function(
            "probe", "Probe", payload=b"x" * (128 * 1024 + 1), headers={"x-fc-invocation-type": "Async"}
        )
    assert (caught.value.status_code, caught.value.err_code) == (400, "EntityTooLarge")


def test_get_service_list_and_get_functions_and_triggers(probe: Any) -> None:
    client = probe.client()
    service = client.get_service("probe").data
    assert service["serviceName"] == "probe"
    assert service["logConfig"] == {"project": "probe-project", "logstore": "probe-store"}
    names = [f["functionName"] for f in client.list_functions("probe").data["functions"]]
    assert names == sorted(["Probe", "Other", "ProbeHttp", "ProbeOpen", "Ticker", "OnSnapshot", "OnAnything"])
    page = client.list_functions("probe", limit=2)
    assert len(page.data["functions"]) == 2 and page.data["nextToken"] == names[2]
    function = client.get_function("probe", "Probe")
    assert function.data["runtime"] == "python3.10"
    assert function.data["memorySize"] == 512 and function.data["timeout"] == 7
    assert function.data["initializer"] == "main.init"
    assert function.data["environmentVariables"] == {"PROBE_SETTING": "hello"}
    assert function.headers["etag"] == function.data["codeChecksum"]
    assert [s["serviceName"] for s in client.list_services().data["services"]] == ["probe"]
    triggers = client.list_triggers("probe", "Ticker").data["triggers"]
    assert triggers[0]["triggerType"] == "timer"
    assert triggers[0]["triggerConfig"]["cronExpression"] == "0 * * * * *"


def test_paths_fc_does_not_serve_are_fc_errors(probe: Any) -> None:
    r = requests.get(f"{probe.base}/2016-08-15/layers", timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (400, "PathNotSupported")


# --- HTTP triggers ----------------------------------------------------------------------------------


def test_http_trigger_with_function_auth_through_do_http_request(probe: Any) -> None:
    r = probe.client().do_http_request(
        "POST",
        "probe",
        "ProbeHttp",
        "/items/a b",
        # fc2 signs the lower-case 'content-type' it set itself: a 'Content-Type' key would be sent but not
        # signed, and FC (like the emulator) would answer SignatureNotMatch.
        headers={"X-Custom": "v", "content-type": "text/plain"},
        params={"q": "1 2", "z": "", "a": "x"},
        body=b"payload",
    )
    assert r.status_code == 201
    assert r.headers["X-Probe"] == "yes"
    seen = r.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/items/a b"
    assert seen["body"] == "payload"
    assert seen["content_type"] == "text/plain"
    assert seen["x_custom"] == "v"
    assert seen["server"] == "FCRUNTIME"
    assert seen["uri"].startswith("/2016-08-15/proxy/probe/ProbeHttp/items/")
    assert "q=1+2" in seen["query"]
    assert seen["request_id"] == r.headers["x-fc-request-id"]
    assert seen["function_env"] == "ProbeHttp"


def test_http_trigger_with_function_auth_refuses_unsigned_and_wrong_methods(probe: Any) -> None:
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeHttp/x", timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (403, "SignatureNotMatch")
    r = probe.client(access_key_secret="nope").do_http_request("GET", "probe", "ProbeHttp", "/x", headers={})
    assert (r.status_code, r.json()["ErrorCode"]) == (403, "SignatureNotMatch")
    r = probe.client().do_http_request("DELETE", "probe", "ProbeHttp", "/x", headers={})
    assert (r.status_code, r.json()["ErrorCode"]) == (405, "MethodNotAllowed")


def test_anonymous_http_trigger_needs_no_signature(probe: Any) -> None:
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeOpen/hello?x=1", timeout=10)
    assert r.status_code == 201
    assert r.json()["path"] == "/hello" and r.json()["query"] == "x=1"
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeOpen", timeout=10)
    assert r.json()["path"] == "/"


def test_http_function_error_and_no_trigger(probe: Any) -> None:
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeOpen/fail", timeout=10)
    assert r.status_code == 502
    assert r.headers["x-fc-error-type"] == "UnhandledInvocationError"
    assert r.json()["errorMessage"] == "http boom"
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/Probe/x", timeout=10)
    assert (r.status_code, r.json()["ErrorCode"]) == (404, "TriggerNotFound")


def test_canonical_resource_matches_fc2() -> None:
    from fc2.auth import Auth

    assert canonical_resource("/p", "b=2&a=1&a=0&c") == Auth._get_sign_resource(
        "/p", {"b": "2", "a": ["1", "0"], "c": []}
    )
    assert canonical_resource("/p", "") == Auth._get_sign_resource("/p", {})


def test_get_trigger_and_paged_triggers(probe: Any) -> None:
    client = probe.client()
    trigger = client.get_trigger("probe", "Ticker", "every-minute")
    assert trigger.data["triggerName"] == "every-minute" and trigger.data["triggerType"] == "timer"
    assert trigger.headers["etag"]
    assert client.get_trigger("probe", "ProbeHttp", "http").data["triggerConfig"]["authType"] == "function"
    with pytest.raises(fc2.FcError) as caught:
        client.get_trigger("probe", "Ticker", "nope")
    assert (caught.value.status_code, caught.value.err_code) == (404, "TriggerNotFound")
    with pytest.raises(fc2.FcError) as caught:
        client.get_trigger("probe", "Nope", "http")
    assert caught.value.err_code == "FunctionNotFound"
    assert (
        client.list_triggers("probe", "Ticker", limit=1).data["triggers"][0]["triggerName"] == "every-minute"
    )


def test_a_function_invokes_another_through_the_fc_api_it_was_given(probe: Any) -> None:
    # The instance's VOD_ENDPOINT serves the whole emulator, FC API included, with its STS credentials.
    answer = probe.client().invoke_function("probe", "Probe", payload=b'{"nested": "Other"}')
    nested = json.loads(answer.data)["out"]["nested"]
    assert nested["function"][0] == "Other"
    assert nested["account_id"] == json.loads(answer.data)["account_id"]


def test_http_trigger_errors_carry_fcs_error_fields_and_the_functions_own_answer_passes(probe: Any) -> None:
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeOpen/fail", timeout=10)
    assert r.status_code == 502
    body = r.json()
    # What both official clients read from a non-2xx FC answer, beside FC's function error body.
    assert body["ErrorCode"] == "UnhandledInvocationError"
    assert body["ErrorMessage"] == "RuntimeError: http boom"
    assert body["errorType"] == "RuntimeError"
    r = requests.get(f"{probe.base}/2016-08-15/proxy/probe/ProbeOpen/teapot", timeout=10)
    assert r.status_code == 418
    assert r.json() == {"Code": "Teapot", "Message": "short and stout"}
    assert "x-fc-error-type" not in r.headers


# --- InvokeFunction without Flask -------------------------------------------------------------------


INVOCATIONS = "/2016-08-15/services/probe/functions/Probe/invocations"


def test_an_invocation_never_enters_flask_and_runs_the_request_hooks_once(probe: Any) -> None:
    flask_paths: list[str] = []
    hook_paths: list[str] = []
    state = get_state(probe.app)
    flask_hooks = probe.app.before_request_funcs.setdefault(None, [])

    def flask_hook() -> None:
        flask_paths.append(flask.request.path)

    def request_hook(environ: dict[str, Any]) -> None:
        hook_paths.append(environ["PATH_INFO"])

    flask_hooks.append(flask_hook)
    state.request_hooks.append(request_hook)
    try:
        client = probe.client()
        assert json.loads(client.invoke_function("probe", "Probe", payload=b"{}").data)["calls"] == 1
        client.get_service("probe")
    finally:
        flask_hooks.remove(flask_hook)
        state.request_hooks.remove(request_hook)
    assert hook_paths.count(INVOCATIONS) == 1
    assert INVOCATIONS not in flask_paths
    assert "/2016-08-15/services/probe" in flask_paths  # the rest of the API is Flask's


def test_an_unexpected_failure_of_an_invocation_is_fcs_500(
    probe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the runtime broke")

    monkeypatch.setattr(probe.runtime, "invoke", broken)
    with pytest.raises(fc2.FcError) as caught:
        probe.client().invoke_function("probe", "Probe", payload=b"{}")
    assert caught.value.status_code == 500
    body = _error(caught.value)
    assert body["ErrorCode"] == "InternalServerError"
    assert body["ErrorMessage"] == "RuntimeError: the runtime broke"


def test_the_invocation_log_says_when_each_invocation_started(probe: Any) -> None:
    from datetime import datetime, timezone

    before = datetime.now(timezone.utc)
    request_id = probe.client().invoke_function("probe", "Probe", payload=b"{}").headers["x-fc-request-id"]
    after = datetime.now(timezone.utc)
    listed = requests.get(
        f"{probe.base}/_vodfc/fc/invocations", headers=probe.admin_headers, timeout=10
    ).json()["invocations"]
    found = next(i for i in listed if i["requestId"] == request_id)
    started = datetime.fromisoformat(found["startedAt"])
    assert started.utcoffset() is not None and started.utcoffset().total_seconds() == 0
    assert before <= started <= after


def test_log_tail_is_not_returned_for_a_function_with_instance_concurrency(tmp_path: Any) -> None:
    # FC documents X-Fc-Log-Result as absent when an instance serves more than one request at a time
    # (shared/spec/runtime-anchors.md §3): the log of one request cannot be told from the others'.
    from vodfc.emulator.app import create_app
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.mock import MockVod

    from tests.emulator.fc.support import CONFIG, fc_client, template_text, write_project

    props = "        InstanceConcurrency: 2\n"
    template = write_project(tmp_path, template=template_text(probe_props=props))
    app = create_app(CONFIG)
    component = get_fc(app)
    component.load(template)
    try:
        with MockVod(app=app):
            tail = {"x-fc-log-type": "Tail"}
            shared = fc_client().invoke_function("probe", "Probe", payload=b"{}", headers=tail)
            single = fc_client().invoke_function("probe", "Other", payload=b"{}", headers=tail)
        assert "x-fc-log-result" not in shared.headers
        assert json.loads(shared.data)["function"][0] == "Probe"
        assert "FC Invoke End" in base64.b64decode(single.headers["x-fc-log-result"]).decode()
    finally:
        component.close()
