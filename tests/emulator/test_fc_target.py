"""The plugin's ``fc`` fixture as a user meets it: pytest run in a project of its own, outside the repository.

The project here is FC 3.0's (an s.yaml, named by the ``vodfc_descriptor`` ini option because it is not in the
rootdir): its calls go through FC 3.0's API and trigger URLs, ACS3-signed, where examples/tagging (run by
tests/packaging/test_wheel_install.py) covers a template.yml's through fc2. A project without a descriptor
gets one line saying what was looked for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from vodfc.emulator.protocol.signatures import acs3_sign

S_YAML = """\
edition: 3.0.0
name: userproject
resources:
  Echo:
    component: fc3
    props: {region: cn-shanghai, functionName: Echo, runtime: python3.10, code: ../code, handler: main.echo}
  Web:
    component: fc3
    props:
      region: cn-shanghai
      functionName: Web
      runtime: python3.10
      code: ../code
      handler: main.web
      triggers:
        - {triggerName: http, triggerType: http, triggerConfig: {authType: function, methods: [GET, POST]}}
  Tick:
    component: fc3
    props:
      region: cn-shanghai
      functionName: Tick
      runtime: python3.10
      code: ../code
      handler: main.echo
      triggers:
        - triggerName: nightly
          triggerType: timer
          triggerConfig: {cronExpression: '0 0 3 * * *', enable: true, payload: '{"from": "timer"}'}
  OnUpload:
    component: fc3
    props:
      region: cn-shanghai
      functionName: OnUpload
      runtime: python3.10
      code: ../code
      handler: main.on_upload
      triggers:
        - triggerName: from-vod
          triggerType: eventbridge
          triggerConfig:
            triggerEnable: true
            asyncInvocationType: false
            eventRuleFilterPattern: '{}'
            eventSourceConfig:
              eventSourceType: MNS
              eventSourceParameters:
                sourceMNSParameters: {QueueName: my-vod-events, IsBase64Decode: true}
            eventSinkConfig: {deliveryOption: {mode: event-driven, eventSchema: CloudEvents}}
            runOptions: {mode: event-driven, errorsTolerance: ALL}
"""

CODE = """\
import json


def echo(event, context):
    data = json.loads(event or b"{}")
    print("echo got", sorted(data))
    if "raise" in data:
        raise ValueError(data["raise"])
    return {"event": data, "function": context.function.name}


def web(event, context):
    request = json.loads(event)
    answer = {"path": request["rawPath"], "query": request["queryParameters"], "body": request["body"]}
    status = 404 if request["rawPath"] == "/missing" else 200
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(answer)}


def on_upload(event, context):
    cloud_event = json.loads(event)
    message = json.loads(cloud_event["data"]["messageBody"])
    return {"source": cloud_event["source"], "type": message["EventType"], "video": message["VideoId"]}
"""

TESTS = """\
import pytest
from vodfc.emulator.fc_target import FcApiError, FunctionError


def test_invoke_answers_and_logs(fc):
    assert fc.invoke("Echo", {"a": 1}) == {"event": {"a": 1}, "function": "Echo"}
    assert "echo got ['a']" in fc.logs("Echo")
    assert [i.function for i in fc.invocations()] == ["Echo"]


def test_a_failing_function_is_a_function_error(fc):
    with pytest.raises(FunctionError) as caught:
        fc.invoke("Echo", {"raise": "bad input"})
    error = caught.value
    assert (error.function, error.error_type, error.message) == ("Echo", "ValueError", "bad input")
    assert str(error) == "Echo failed: ValueError: bad input"
    assert error.request_id and error.request_id in error.log and error.stack


def test_an_unknown_function_is_an_api_error(fc):
    with pytest.raises(FcApiError) as caught:
        fc.invoke("Nope")
    assert caught.value.code == "FunctionNotFound" and "Echo, OnUpload, Tick, Web" in caught.value.message


def test_vod_events_reach_the_project_s_own_queue(fc):
    # The project's EventBridge trigger reads its own queue; the fixture points VOD's callback at it.
    assert fc.vod.backend is not None
    delivered = fc.emit("FileUploadComplete", video_id="v-1")
    answers = [d.invocation.json() for d in delivered if d.function == "OnUpload"]
    assert answers == [{"source": "MNS-OnUpload-from-vod", "type": "FileUploadComplete", "video": "v-1"}]


def test_http_through_the_signed_trigger(fc):
    answer = fc.http("POST", "/items?x=1", json_body={"b": 2})
    assert answer.status == 200
    assert answer.json() == {"path": "/items", "query": {"x": "1"}, "body": '{"b": 2}'}
    assert fc.http("GET", "/missing", function="Web").status == 404


def test_timer(fc):
    answer = fc.timer("Tick")
    assert (answer["event"]["triggerName"], answer["event"]["payload"]) == ("nightly", '{"from": "timer"}')
    assert fc.invocations("Tick")[0].kind == "timer"


def test_each_test_starts_empty(fc):
    assert fc.invocations() == [] and fc.vod.backend.videos == {}
    with fc.vod.backend.lock:
        fc.vod.backend.create_video("left behind")


def test_fc_and_vod_mock_together_are_refused_in_process(vod_mock, fc):
    # Against a server they may meet: vod_mock leaves loopback alone.
    assert fc.mode == "server"
"""


def run_pytest(project: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("VODFC_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-rA"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    return done.stdout + done.stderr


def test_a_user_projects_s_yaml_through_the_fc_fixture(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name, text in {
        "deploy/s.yaml": S_YAML,
        "code/main.py": CODE,
        "tests/test_functions.py": TESTS,
        "pytest.ini": "[pytest]\nvodfc_descriptor = deploy/s.yaml\n",
    }.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(textwrap.dedent(text))
    out = run_pytest(project)
    assert "15 passed, 1 error" in out, out
    # pytest appends the reason to the summary line only when the terminal is wide enough, so
    # compare the test ids alone.
    refused = [
        line.split()[1] for line in out.splitlines() if line.startswith("ERROR tests/test_functions.py::")
    ]
    assert refused == [
        "tests/test_functions.py::test_fc_and_vod_mock_together_are_refused_in_process[inprocess]"
    ], out
    assert "fc runs its own emulator: a test that asks for fc reaches VOD through fc.vod" in out


def test_without_a_descriptor_the_fixture_says_what_it_looked_for(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_it.py").write_text("def test_it(fc):\n    pass\n")
    out = run_pytest(tmp_path)
    assert f"the fc fixture found no template.yml or s.yaml in {tmp_path} (the rootdir)" in out, out
    assert "Traceback" not in out
    (tmp_path / "pytest.ini").write_text("[pytest]\nvodfc_descriptor = nowhere/template.yml\n")
    assert f"vodfc_descriptor = nowhere/template.yml: there is no {tmp_path / 'nowhere/template.yml'}" in (
        run_pytest(tmp_path)
    )


def test_acs3_sign_signs_as_the_tea_sdk_does() -> None:
    url = "http://127.0.0.1:9000/2023-03-30/functions/Echo/invocations?qualifier=LATEST&a=b%20c"
    headers = acs3_sign(
        "POST",
        url,
        b'{"x": 1}',
        {"content-type": "application/json"},
        "ak",
        "sk",
        now=datetime.now(timezone.utc),
    )
    request: Any = SimpleNamespace(
        pathname="/2023-03-30/functions/Echo/invocations",
        method="POST",
        query={"qualifier": "LATEST", "a": "b c"},
        headers={k: v for k, v in headers.items() if k != "Authorization"},
    )
    expected = TeaUtils.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], "ak", "sk"
    )
    assert headers["Authorization"] == expected
