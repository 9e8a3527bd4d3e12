"""The local runtime itself: context, environment, warm instances, initializer, timeout, results.

These run a bare ``FunctionRuntime`` (no emulator app): its instances are real processes, so what a test
wants from inside one comes back in the handler's result.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.fc import FunctionRuntime
from vodfc.emulator.fc.context import Credentials
from vodfc.emulator.fc.runtime import encode_result
from vodfc.emulator.fc.template import load_template

from tests.emulator.fc.support import write_project

STUBS = "def handler(e, c): pass\ndef init(c): pass\ndef wsgi(e, s): pass\n"


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[FunctionRuntime]:
    issued: list[int] = []

    def issue(service: Any) -> Credentials:
        issued.append(1)
        return Credentials(f"STS.key{len(issued)}", "sts-secret", "sts-token")

    template = load_template(write_project(tmp_path))
    runtime = FunctionRuntime(template, issue_credentials=issue, account_id="111", region="cn-beijing")
    yield runtime
    runtime.close()


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[Any]:
    """``bare(code)``: a runtime over the probe template with other code; closed after the test."""
    made: list[FunctionRuntime] = []

    def make(code: str, **options: Any) -> FunctionRuntime:
        made.append(FunctionRuntime(load_template(write_project(tmp_path, code=code)), **options))
        return made[-1]

    yield make
    for runtime in made:
        runtime.close()


def test_context_has_fcs_python310_shape(runtime: FunctionRuntime, tmp_path: Path) -> None:
    result = runtime.invoke("Probe", b"{}", request_id="rid-1")
    answer = result.json()
    assert answer["request_id"] == "rid-1"
    assert answer["credentials"] == ["STS.key1", "sts-secret", "sts-token"]
    assert answer["function"] == ["Probe", "main.handler", 512, 7]
    assert answer["service"] == ["probe", "probe-project", "probe-store", "LATEST", ""]
    assert (answer["region"], answer["account_id"]) == ("cn-beijing", "111")


def test_an_instance_has_fcs_environment_and_nothing_of_the_hosts(
    runtime: FunctionRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOD_ENDPOINT", "http://stale.example")
    monkeypatch.setenv("PROBE_HOST_ONLY", "host secret")
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
    # The host's variables stay out (a bare runtime has no emulator to point VOD_ENDPOINT at)...
    assert env["VOD_ENDPOINT"] is None and env["PROBE_HOST_ONLY"] is None
    assert "PROBE_SETTING" not in os.environ and "FC_FUNCTION_NAME" not in os.environ
    # ...and what FC refreshes during an instance's life reaches the warm instance with the next call.
    runtime.vod_endpoint = "http://127.0.0.1:9999"
    again = runtime.invoke("Probe", b"{}")
    assert not again.cold_start and again.json()["env"]["VOD_ENDPOINT"] == "http://127.0.0.1:9999"


def test_each_instance_has_a_tmp_of_its_own_that_goes_with_it(runtime: FunctionRuntime) -> None:
    tmp = runtime.invoke("Probe", b"{}").json()["env"]["TMPDIR"]
    scratch = f"{tmp}/scratch"
    runtime.invoke("Probe", {"write": [scratch, "kept while warm"]})
    assert runtime.invoke("Probe", {"read": scratch}).json()["out"]["read"] == "kept while warm"
    # Another function is another instance: its own TMPDIR does not have the file.
    other = runtime.invoke("Other", b"{}").json()["env"]["TMPDIR"]
    assert runtime.invoke("Other", {"read": f"{other}/scratch"}).json()["out"]["read"] is None
    folder = runtime.instances()["probe/Probe"]["instances"][0]["tmp"]
    assert os.path.isfile(os.path.join(folder, "scratch"))
    runtime.reset()
    assert not os.path.exists(folder)
    fresh = runtime.invoke("Probe", {"read": scratch})
    assert fresh.cold_start and fresh.json()["out"]["read"] is None


def test_with_a_private_tmp_a_literal_tmp_path_is_the_instances_own(runtime: FunctionRuntime) -> None:
    first = runtime.invoke("Probe", b"{}")
    if not runtime.instances()["probe/Probe"]["instances"][0]["privateTmp"]:
        pytest.skip("no mount namespace here (VODFC_FC_PRIVATE_TMP=auto fell back to TMPDIR)")
    assert first.json()["env"]["TMPDIR"] == "/tmp"
    literal = f"/tmp/vodfc-probe-{uuid.uuid4().hex}"
    runtime.invoke("Probe", {"write": [literal, "mine"]})
    assert not os.path.exists(literal)
    assert runtime.invoke("Probe", {"read": literal}).json()["out"]["read"] == "mine"
    assert runtime.invoke("Other", {"read": literal}).json()["out"]["read"] is None


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


def test_a_failing_initializer_fails_the_invocation_and_the_next_call_starts_a_new_instance(
    bare: Any,
) -> None:
    # FC (Python): the instance whose initializer failed is dropped; the next call creates a new one and
    # runs the initializer again. The flag file (beside the code, so every instance sees it) makes only
    # the first initializer fail; the module state shows the second call ran in a new process.
    code = (
        "import os\nN = {'n': 0}\n"
        "def init(context):\n    N['n'] += 1\n"
        "    if not os.path.exists('failed-once'):\n"
        "        open('failed-once', 'w').close()\n        raise OSError('cold')\n"
        "def handler(event, context):\n    return {'inits': N['n'], 'pid': os.getpid()}\n"
        "def wsgi(e, s): pass\n"
    )
    runtime = bare(code)
    failed = runtime.invoke("Probe", b"")
    assert failed.error is not None and failed.error["errorType"] == "OSError"
    assert failed.log_lines[0].startswith("FC Initialize Start")
    assert failed.log_lines[-1].endswith(", Error: Unhandled function error")
    again = runtime.invoke("Probe", b"")
    assert again.cold_start and "FC Initialize Start" in again.log_text
    assert again.json()["inits"] == 1
    assert runtime.invoke("Probe", b"").json() == again.json()


def test_timeout_is_fcs_error_and_the_instance_is_replaced(runtime: FunctionRuntime) -> None:
    warm = runtime.invoke("Probe", b"{}").json()["pid"]
    runtime.time_limit = lambda function: 0.3  # the error still names the configured Timeout
    timed_out = runtime.invoke("Probe", json.dumps({"sleep": 30, "print": "before the end"}).encode())
    assert timed_out.error is not None
    assert timed_out.error["errorType"] == "FunctionTimeoutError"
    assert timed_out.error["errorMessage"] == "Function timed out after 7 seconds"
    # What the function wrote before it was stopped is in its log.
    assert "before the end" in timed_out.log_lines
    assert timed_out.log_lines[-1].endswith(", Error: Unhandled function error")
    assert not _alive(warm)
    after = runtime.invoke("Probe", b"{}")
    assert after.cold_start and after.ok and after.json()["pid"] != warm


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_import_errors_are_reported_with_fcs_error_types(bare: Any) -> None:
    failed = bare("import not_a_module_anywhere\n" + STUBS).invoke("Probe", b"")
    assert failed.error is not None
    assert failed.error["errorType"] == "ImportModuleError"
    assert "Unable to import module 'main'" in failed.error["errorMessage"]


def test_module_errors_are_user_code_errors(bare: Any) -> None:
    failed = bare("raise RuntimeError('broken at import')\n" + STUBS).invoke("Probe", b"")
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


def test_initialization_timeout_is_its_own_error(bare: Any) -> None:
    code = "import time\ndef init(context):\n    time.sleep(30)\n" + STUBS.replace("def init(c): pass\n", "")
    runtime = bare(code)
    runtime.init_time_limit = lambda function: 0.3
    failed = runtime.invoke("Probe", b"")
    assert failed.error is not None
    assert failed.error["errorMessage"] == "Function initialization timed out after 3 seconds"
    assert failed.log_lines[0].startswith("FC Initialize Start RequestId")


def test_print_logging_and_raw_output_reach_the_invocation_log_in_order(
    runtime: FunctionRuntime, capfd: pytest.CaptureFixture[str]
) -> None:
    result = runtime.invoke("Probe", {"print": "hello from print", "oswrite": "straight to fd 2"})
    lines = result.log_lines
    logged = next(i for i, line in enumerate(lines) if "[INFO] probe got " in line)
    assert logged < lines.index("hello from print") < lines.index("no newline yet")
    assert lines.index("no newline yet") < lines.index("straight to fd 2") < len(lines) - 1
    assert "hello from print" not in capfd.readouterr().out


def test_an_instance_imports_its_code_as_fc_does(runtime: FunctionRuntime, tmp_path: Path) -> None:
    answer = runtime.invoke("Probe", b"{}").json()
    code = str(tmp_path / "code")
    # The code folder is the working directory and first on sys.path; the module has its own name.
    assert answer["cwd"] == code and answer["path"][0] == code
    assert answer["module"] == "main"


def _async_attempts(runtime: FunctionRuntime, name: str, event: Any) -> list[Any]:
    waits: list[float] = []
    runtime.sleep = waits.append
    request_id = runtime.invoke_async(name, event)
    assert runtime.drain(30)
    runs = [r for r in runtime.history if r.request_id == request_id]
    assert all(r.kind == "async" for r in runs)
    assert len(waits) == len(runs) - 1  # a wait before each retry
    return runs


def test_a_failed_async_invocation_is_retried_three_times_as_fc_does(tmp_path: Path) -> None:
    # FC retries an async invocation whose function failed 3 times (MaxAsyncRetryAttempts, default 3:
    # shared/spec/runtime-anchors.md §3); a function can ask for fewer (0-8).
    from tests.emulator.fc.support import template_text

    props = "        AsyncConfiguration:\n          MaxAsyncRetryAttempts: 1\n"
    runtime = FunctionRuntime(load_template(write_project(tmp_path, template_text(probe_props=props))))
    try:
        failed = _async_attempts(runtime, "Other", {"raise": "always"})
        assert [r.ok for r in failed] == [False] * 4
        assert _async_attempts(runtime, "Probe", {"raise": "always"})[-1].error["errorMessage"] == "always"
        assert len(_async_attempts(runtime, "Probe", {"raise": "again"})) == 2
        assert [r.ok for r in _async_attempts(runtime, "Other", {})] == [True]
    finally:
        runtime.close()
