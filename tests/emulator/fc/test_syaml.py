"""s.yaml on the local runtime: FC 3.0 functions loaded, every problem named by its place."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from vodfc.emulator.cli import main
from vodfc.emulator.fc import descriptor
from vodfc.emulator.fc.code import CodeError, CodeResolver
from vodfc.emulator.fc.model import TemplateError
from vodfc.emulator.fc.syaml import load_syaml, rendered

from tests.repo import REPO

CODE = "def handler(event, context):\n    return 'ok'\n"


def write(root: Path, props: str, *, extra: str = "") -> Path:
    (root / "code").mkdir(parents=True, exist_ok=True)
    (root / "code" / "main.py").write_text(CODE)
    text = (
        "edition: 3.0.0\nname: probe\nvars:\n  region: cn-shanghai\n  memory: 256\nresources:\n"
        "  Probe:\n    component: fc3\n    props:\n"
        + textwrap.indent(textwrap.dedent(props), "      ")
        + extra
    )
    path = root / "s.yaml"
    path.write_text(text)
    return path


BASE = """\
region: ${vars.region}
functionName: Probe
runtime: python3.10
code: ./code
handler: main.handler
"""


def trigger(kind: str, config: str) -> str:
    return BASE + f"triggers:\n  - {{triggerName: t, triggerType: {kind}, triggerConfig: {config}}}\n"


EVENTBRIDGE = (
    "{triggerEnable: true, asyncInvocationType: false, eventRuleFilterPattern: '{}', "
    "eventSinkConfig: {deliveryOption: {}}, runOptions: {mode: event-streaming}, eventSourceConfig: "
    "{eventSourceType: MNS, eventSourceParameters: {sourceMNSParameters: {IsBase64Decode: false}}}}"
)


def errors(path: Path) -> list[str]:
    return [str(i) for i in descriptor.validate_file(path) if i.level == "error"]


def test_the_projects_s_yaml_loads_as_fc3_functions_standing_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VODFC_CALLBACK_AUTH_KEY", raising=False)
    template = descriptor.load(REPO / "s.yaml")
    assert not template.services
    router = template.function("", "VodEvents")
    assert router is not None and router.fc_version == 3 and router.service == ""
    assert [t.type for t in router.triggers] == ["EventBridge", "HTTP"]
    assert router.triggers[0].properties["QueueName"] == "vodfc-vod-events"
    assert (router.triggers[0].properties["Mode"], router.triggers[0].properties["EventSchema"]) == (
        "event-streaming",
        "CloudEvents",
    )
    assert router.role.endswith(":role/vodfc-vodevents")
    assert router.environment["VODFC_CALLBACK_AUTH_KEY"] == ""  # ${env(...)} of an unset variable
    # a source run: the router's code is the project root, where shared/ and functions/ import by name
    assert router.location.path == (REPO,)
    sweeper = template.find("SweepFailedUploads")
    assert (
        sweeper is not None and sweeper.triggers_of("Timer")[0].properties["CronExpression"] == "0 0 3 * * *"
    )
    operation = template.find("GetVideoInfo")
    assert operation is not None and operation.http_trigger is not None
    assert operation.http_trigger.methods == ("GET", "HEAD")
    assert operation.location.path == (REPO / "functions" / "get_video_info", REPO)


def test_variables_are_resolved_as_s_resolves_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_NAME", "FromEnv")
    document = {
        "vars": {"region": "cn-beijing", "prefix": "${vars.region}-x", "memory": 512},
        "resources": {
            "r": {
                "props": {
                    "region": "${vars.region}",
                    "functionName": "${env('PROBE_NAME', 'Default')}",
                    "description": "${env('PROBE_UNSET', 'fallback')} ${vars.prefix}",
                    "memorySize": "${vars.memory}",
                    "role": "acs:ram::${config('AccountID')}:role/r",
                }
            }
        },
    }
    props = rendered(document)["resources"]["r"]["props"]
    assert props == {
        "region": "cn-beijing",
        "functionName": "FromEnv",
        "description": "fallback cn-beijing-x",
        "memorySize": 512,  # a whole-value variable keeps its type
        "role": "acs:ram::${config('AccountID')}:role/r",  # what `s` resolves with credentials stays
    }


def test_a_valid_project_loads_with_its_knobs(tmp_path: Path) -> None:
    knobs = "memorySize: ${vars.memory}\ntimeout: 9\nenvironmentVariables: {A: '1'}\n"
    path = write(tmp_path, BASE + knobs + "asyncInvokeConfig: {maxAsyncRetryAttempts: 0}\n")
    assert errors(path) == []
    function = load_syaml(path).find("Probe")
    assert function is not None
    assert (function.timeout, function.memory_size, function.environment) == (9, 256, {"A": "1"})
    assert function.async_retries == 0
    assert function.code_dir == (tmp_path / "code").resolve()


@pytest.mark.parametrize(
    ("props", "problem"),
    [
        (BASE.replace("functionName: Probe\n", ""), "resources.Probe.props.functionName: is required"),
        (
            BASE.replace("python3.10", "python3.11"),
            "resources.Probe.props.runtime: unknown runtime 'python3.11'",
        ),
        (BASE.replace("python3.10", "nodejs18"), "valid for FC, but the local runtime runs Python only"),
        (BASE.replace("main.handler", "main"), "props.handler: must be <module>.<function>"),
        (BASE.replace("main.handler", "main.missing"), "props.handler: main.py defines no 'missing'"),
        (BASE.replace("./code", "./nowhere"), "props.code: './nowhere' does not exist"),
        (BASE.replace("./code", "./code.zip"), "is a zip; the local runtime runs code from a directory"),
        (BASE + "memorySize: 200\n", "props.memorySize: must be a multiple of 64 MB, got 200"),
        (BASE + "timeout: 90000\n", "props.timeout: must be between 1 and 86400, got 90000"),
        (BASE + "environmentVariables: {FC_X: '1'}\n", "is reserved by FC"),
        (
            BASE + "asyncInvokeConfig: {maxAsyncRetryAttempts: 9}\n",
            "props.asyncInvokeConfig.maxAsyncRetryAttempts: must be between 0 and 8, got 9",
        ),
        (
            trigger("http", "{authType: anonymous, methods: [FETCH]}"),
            "props.triggers[0].triggerConfig.methods: 'FETCH' is not a method",
        ),
        (
            trigger("timer", "{cronExpression: '0 * * * * *'}"),
            "props.triggers[0].triggerConfig.enable: is required for a timer trigger",
        ),
        (
            trigger("timer", "{cronExpression: '0 * * * *', enable: true}"),
            "props.triggers[0].triggerConfig.cronExpression: needs 6 fields",
        ),
        (trigger("webhook", "{}"), "props.triggers[0].triggerType: must be one of"),
        (trigger("eventbridge", EVENTBRIDGE), "sourceMNSParameters.QueueName: is required"),
        (
            trigger("eventbridge", EVENTBRIDGE.replace("mode: event-streaming", "mode: streaming")),
            "triggerConfig.runOptions.mode: must be event-driven or event-streaming, got 'streaming'",
        ),
        (
            trigger(
                "eventbridge", EVENTBRIDGE.replace("deliveryOption: {}", "deliveryOption: {eventSchema: Raw}")
            ),
            "deliveryOption.eventSchema: must be CloudEvents or RawData, got 'Raw'",
        ),
        (
            trigger("eventbridge", "{triggerEnable: true}"),
            "props.triggers[0].triggerConfig.eventSourceConfig: is required for a eventbridge trigger",
        ),
    ],
)
def test_each_problem_is_named_by_its_place(tmp_path: Path, props: str, problem: str) -> None:
    found = errors(write(tmp_path, props))
    assert any(problem in line for line in found), found
    with pytest.raises(TemplateError):
        load_syaml(tmp_path / "s.yaml")


def test_two_resources_may_not_share_a_function_name_and_edition_must_be_3(tmp_path: Path) -> None:
    path = write(
        tmp_path, BASE, extra="  Again:\n    component: fc3\n    props:\n" + textwrap.indent(BASE, "      ")
    )
    assert any("'Probe' is also Probe's function name" in line for line in errors(path))
    path.write_text(path.read_text().replace("edition: 3.0.0", "edition: 2.0.0"))
    assert any(line.startswith("edition: must be '3.0.0'") for line in errors(path))


def test_unknown_props_are_warnings_and_other_components_are_left_alone(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "memorysize: 256\n", extra="  Bucket:\n    component: oss\n    props: {}\n")
    issues = descriptor.validate_file(path)
    assert [i for i in issues if i.level == "error"] == []
    (warning,) = [i for i in issues if i.level == "warning"]
    assert "did you mean memorySize?" in str(warning)
    assert any(i.level == "note" and "'oss' is not run locally" in str(i) for i in issues)
    assert [f.name for f in load_syaml(path).functions()] == ["Probe"]


def test_validate_checks_both_descriptors_of_the_project(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["validate", "--descriptor", str(REPO / "template.yml"), "--descriptor", str(REPO / "s.yaml")])
        == 0
    )
    out = capsys.readouterr().out
    assert "template.yml: OK (1 service(s), 29 function(s)" in out
    assert "s.yaml: OK (15 function(s), 16 trigger(s))" in out


def test_validate_lists_every_error_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, BASE.replace("python3.10", "python3.11").replace("main.handler", "main"))
    assert main(["validate", "--descriptor", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error: resources.Probe.props.runtime: unknown runtime 'python3.11' (did you mean" in err
    assert "error: resources.Probe.props.handler: must be <module>.<function>" in err
    assert f"{path}: 2 error(s)" in err


def test_a_build_folder_stands_for_its_sources_unless_the_build_is_asked_for(tmp_path: Path) -> None:
    source = CodeResolver(REPO, "source")
    assert source.resolve("build/fc/VodEvents").path == (REPO,)
    assert source.resolve("build/fc/GetVideoInfo/").path == (REPO / "functions" / "get_video_info", REPO)
    with pytest.raises(CodeError, match="build/fc/Nope is no code package of this project"):
        source.resolve("build/fc/Nope")
    # As deployed: the folder itself, nothing else on the path, and it must exist.
    (tmp_path / "build" / "fc" / "X").mkdir(parents=True)
    built = CodeResolver(tmp_path, "build").resolve("build/fc/X")
    assert (built.path, built.built) == ((tmp_path / "build" / "fc" / "X",), True)
    with pytest.raises(CodeError, match="does not exist"):
        CodeResolver(tmp_path, "build").resolve("build/fc/Y")


def test_instance_concurrency_on_a_python_runtime_is_noted_as_not_fcs(tmp_path: Path) -> None:
    # FC 3.0's built-in runtimes dropped instance concurrency (shared/spec/runtime-anchors.md §3).
    issues = descriptor.validate_file(write(tmp_path, BASE + "instanceConcurrency: 4\n"))
    assert [i for i in issues if i.level == "error"] == []
    (note,) = [i for i in issues if i.path.endswith("instanceConcurrency")]
    assert note.level == "note" and "one request at a time" in note.message
    assert load_syaml(tmp_path / "s.yaml").functions().__next__().instance_concurrency == 4
