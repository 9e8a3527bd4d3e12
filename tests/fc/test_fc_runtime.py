"""The local runtime itself: context, environment, warm instances, initializer, timeout, results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.fc import FunctionRuntime
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.runtime import encode_result
from vodfc.emulator.fc.template import load_template

from tests.fc.support import write_project

STUBS = "def handler(e, c): pass\ndef init(c): pass\ndef wsgi(e, s): pass\n"


@pytest.fixture
def runtime(tmp_path: Path) -> FunctionRuntime:
    issued: list[int] = []

    def issue() -> Credentials:
        issued.append(1)
        return Credentials(f"STS.key{len(issued)}", "sts-secret", "sts-token")

    template = load_template(write_project(tmp_path))
    return FunctionRuntime(template, issue_credentials=issue, account_id="111", region="cn-beijing")


def test_context_has_fcs_python310_shape(runtime: FunctionRuntime, tmp_path: Path) -> None:
    result = runtime.invoke("Probe", b"{}", request_id="rid-1")
    answer = result.json()
    assert answer["request_id"] == "rid-1"
    assert answer["credentials"] == ["STS.key1", "sts-secret", "sts-token"]
    assert answer["function"] == ["Probe", "main.handler", 512, 7, "main.init"]
    assert answer["service"] == ["probe", "probe-project", "probe-store", "LATEST", ""]
    assert (answer["region"], answer["account_id"]) == ("cn-beijing", "111")


def test_fc_environment_is_set_while_the_handler_runs_and_restored_after(
    runtime: FunctionRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOD_ENDPOINT", "http://stale.example")
    monkeypatch.delenv("PROBE_SETTING", raising=False)
    env = runtime.invoke("Probe", b"{}").json()["env"]
    assert env["FC_FUNCTION_NAME"] == "Probe"
    assert env["FC_SERVICE_NAME"] == "probe"
    assert env["FC_FUNCTION_HANDLER"] == "main.handler"
    assert env["FC_FUNCTION_MEMORY_SIZE"] == "512"
    assert (env["FC_REGION"], env["FC_ACCOUNT_ID"], env["FC_QUALIFIER"]) == ("cn-beijing", "111", "LATEST")
    assert env["FC_RUNTIME_VERSION"] == "python3.10"
    assert env["FC_INSTANCE_ID"]
    assert env["ALIBABA_CLOUD_ACCESS_KEY_ID"] == env["accessKeyID"] == "STS.key1"
    assert env["ALIBABA_CLOUD_SECURITY_TOKEN"] == "sts-token"
    assert env["PROBE_SETTING"] == "hello"
    # In-process the function must call the real VOD host (mock_vod answers it), not a stale override.
    assert env["VOD_ENDPOINT"] is None
    assert "PROBE_SETTING" not in os.environ and "FC_FUNCTION_NAME" not in os.environ
    assert os.environ["VOD_ENDPOINT"] == "http://stale.example"
    runtime.vod_endpoint = "http://127.0.0.1:9999"
    assert runtime.invoke("Probe", b"{}").json()["env"]["VOD_ENDPOINT"] == "http://127.0.0.1:9999"


def test_each_instance_has_its_own_tmpdir_that_goes_with_it(runtime: FunctionRuntime) -> None:
    first = runtime.invoke("Probe", b"{}").json()["env"]["TMPDIR"]
    assert first and first != os.environ.get("TMPDIR") and os.path.isdir(first)
    assert os.listdir(first) == []
    Path(first, "scratch").write_text("kept while warm")
    assert runtime.invoke("Probe", b"{}").json()["env"]["TMPDIR"] == first
    other = runtime.invoke("Other", b"{}").json()["env"]["TMPDIR"]
    assert other != first
    runtime.reset()
    assert not os.path.exists(first) and not os.path.exists(other)
    fresh = runtime.invoke("Probe", b"{}").json()["env"]["TMPDIR"]
    assert fresh != first and os.listdir(fresh) == []


def test_instances_are_warm_and_the_initializer_runs_once(runtime: FunctionRuntime) -> None:
    first = runtime.invoke("Probe", b"{}")
    second = runtime.invoke("Probe", b"{}")
    assert (first.cold_start, second.cold_start) == (True, False)
    assert [first.json()["calls"], second.json()["calls"]] == [1, 2]
    assert second.json()["init"] == 1
    assert "FC Initialize Start RequestId" in first.log_text and "Initialize" not in second.log_text
    # Another function with the same code is another instance, with its own globals.
    assert runtime.invoke("Other", b"{}").json()["calls"] == 1
    runtime.reset()
    assert runtime.invoke("Probe", b"{}").json()["calls"] == 1


def test_credentials_are_issued_once_per_instance_lifetime(runtime: FunctionRuntime) -> None:
    runtime.invoke("Probe", b"{}")
    runtime.invoke("Other", b"{}")
    assert runtime.invoke("Probe", b"{}").json()["credentials"][0] == "STS.key1"


def test_a_failing_initializer_fails_the_invocation_and_runs_again_next_time(tmp_path: Path) -> None:
    code = "N = {'n': 0}\ndef init(context):\n    N['n'] += 1\n"
    code += "    if N['n'] == 1:\n        raise OSError('cold')\n"
    code += "def handler(event, context):\n    return N['n']\ndef wsgi(e, s): pass\n"
    template = load_template(write_project(tmp_path, code=code))
    runtime = FunctionRuntime(template)
    failed = runtime.invoke("Probe", b"")
    assert failed.error is not None and failed.error["errorType"] == "OSError"
    assert runtime.invoke("Probe", b"").body == b"2"


def test_timeout_is_fcs_error_and_the_instance_is_replaced(runtime: FunctionRuntime) -> None:
    runtime.time_limit = lambda function: 0.05  # the error still names the configured Timeout
    timed_out = runtime.invoke("Probe", json.dumps({"sleep": 0.5}).encode())
    assert timed_out.error is not None
    assert timed_out.error["errorMessage"] == "Function timed out after 7 seconds"
    assert timed_out.log_lines[-1].endswith(", Error: Unhandled function error")
    runtime.time_limit = lambda function: 5.0
    after = runtime.invoke("Probe", b"{}")
    assert after.cold_start and after.ok
    assert os.environ.get("FC_FUNCTION_NAME") is None


def test_import_errors_are_reported_with_fcs_error_types(tmp_path: Path) -> None:
    template = load_template(write_project(tmp_path, code="import not_a_module_anywhere\n" + STUBS))
    failed = FunctionRuntime(template).invoke("Probe", b"")
    assert failed.error is not None
    assert failed.error["errorType"] == "ImportModuleError"
    assert "Unable to import module 'main'" in failed.error["errorMessage"]


def test_module_errors_are_user_code_errors(tmp_path: Path) -> None:
    code = "raise RuntimeError('broken at import')\n" + STUBS
    failed = FunctionRuntime(load_template(write_project(tmp_path, code=code))).invoke("Probe", b"")
    assert failed.error is not None and failed.error["errorType"] == "UserCodeError"
    assert "broken at import" in failed.error["errorMessage"]


def test_results_are_encoded_like_fcs_python_runtime() -> None:
    from decimal import Decimal

    assert encode_result(b"\x00raw") == b"\x00raw"
    assert encode_result("héllo") == "héllo".encode()
    assert encode_result({"b": 1, "a": Decimal("1.5")}) == b'{\n    "a": 1.5,\n    "b": 1\n}'
    assert encode_result(None) == b"null"
    with pytest.raises(TypeError):
        encode_result({"x": object()})


def test_events_are_bytes_whatever_the_caller_passes(runtime: FunctionRuntime) -> None:
    assert runtime.invoke("Probe", {"a": 1}).json()["event"] == {"a": 1}
    assert runtime.invoke("Probe", '{"b": 2}').json()["event_type"] == "bytes"


def test_unknown_function_is_a_lookup_error(runtime: FunctionRuntime) -> None:
    with pytest.raises(LookupError):
        runtime.invoke("Nope", b"")


def test_nested_invocations_from_a_handler_run_inside_the_callers_turn(tmp_path: Path) -> None:
    code = (
        "import os\nRT = {}\n"
        "def handler(event, context):\n"
        "    if event == b'outer':\n"
        "        inner = RT['rt'].invoke('Other', b'inner')\n"
        "        return {'inner': inner.body.decode(), 'me': os.environ['FC_FUNCTION_NAME']}\n"
        "    return os.environ['FC_FUNCTION_NAME']\n"
        "def init(context): pass\ndef wsgi(e, s): pass\n"
    )
    runtime = FunctionRuntime(load_template(write_project(tmp_path, code=code)))
    runtime.invoke("Probe", b"warm")
    instance, _ = runtime.instance(runtime.function("Probe"))  # type: ignore[arg-type]
    assert instance.module is not None
    instance.module.RT["rt"] = runtime
    assert runtime.invoke("Probe", b"outer").json() == {"inner": "Other", "me": "Probe"}


def test_http_handler_gets_fcs_environ(runtime: FunctionRuntime) -> None:
    from vodfc.emulator.fc.runtime import wsgi_environ

    environ = wsgi_environ(
        method="GET",
        path_info="/a",
        query_string="x=1",
        headers=[("X-Custom", "1"), ("x-custom", "2"), ("Content-Type", "text/plain")],
        body=b"",
        request_uri="/2016-08-15/proxy/probe/ProbeHttp/a?x=1",
    )
    assert environ["HTTP_X_CUSTOM"] == "1,2" and environ["CONTENT_TYPE"] == "text/plain"
    result = runtime.invoke_http("ProbeHttp", environ)
    assert result.status == 201
    assert ("X-Probe", "yes") in result.headers
    seen: dict[str, Any] = json.loads(result.body)
    assert seen["uri"] == "/2016-08-15/proxy/probe/ProbeHttp/a?x=1"
    assert seen["function_env"] == "ProbeHttp"


def test_initialization_timeout_is_its_own_error(tmp_path: Path) -> None:
    code = "import time\ndef init(context):\n    time.sleep(0.5)\n" + STUBS.replace("def init(c): pass\n", "")
    runtime = FunctionRuntime(load_template(write_project(tmp_path, code=code)))
    runtime.init_time_limit = lambda function: 0.05
    failed = runtime.invoke("Probe", b"")
    assert failed.error is not None
    assert failed.error["errorMessage"] == "Function initialization timed out after 3 seconds"
    assert failed.log_lines[0].startswith("FC Initialize Start RequestId")


def test_print_goes_to_the_invocation_log_verbatim(
    runtime: FunctionRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    before = sys.stdout
    result = runtime.invoke("Probe", {"print": "hello from print"})
    assert "hello from print" in result.log_lines
    assert "no newline yet" in result.log_lines
    assert result.log_lines.index("hello from print") < len(result.log_lines) - 1
    assert sys.stdout is before
    assert "hello from print" not in capsys.readouterr().out
