"""template.yml validation: every error named by its place; the project's own template is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from vodfc.emulator.cli import main
from vodfc.emulator.fc.template import TemplateError, cron_problem, load_template, validate, validate_file

from tests.emulator.fc.support import template_text, write_project
from tests.repo import REPO


def _errors(document: object, base: Path | None = None) -> dict[str, str]:
    return {i.path: i.message for i in validate(document, base_dir=base) if i.level == "error"}


def _probe(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    write_project(tmp_path)
    return yaml.safe_load(template_text())  # type: ignore[no-any-return]


def test_the_projects_template_is_valid_and_loads_every_function() -> None:
    issues = validate_file(REPO / "template.yml", check_imports=True)
    assert [i for i in issues if i.level == "error"] == []
    # python3.10 is accepted, with a note that Funcraft's own schema only knows python3.
    assert any("Funcraft's own schema only knows python3" in i.message for i in issues if i.level == "note")
    template = load_template(REPO / "template.yml")
    names = {f.name for f in template.functions()}
    assert {"SearchMedia", "GetVideoInfo", "DeleteImageHttp"} <= names


def test_top_level_errors() -> None:
    errors = _errors({"ROSTemplateFormatVersion": "2016-01-01", "Outputs": {}, "Resources": {}})
    assert "must be '2015-09-01'" in errors["ROSTemplateFormatVersion"]
    assert "is required" in errors["Transform"]
    assert errors["Outputs"].startswith("unknown property")
    assert "declares no Aliyun::Serverless::Service" in errors["Resources"]
    assert "must be a YAML mapping" in _errors(["not", "a", "mapping"])[""]


def test_function_property_errors_name_their_place(tmp_path: Path) -> None:
    document = _probe(tmp_path)
    props = document["Resources"]["probe"]["Probe"]["Properties"]
    props["Handler"] = "nodot"
    props["Runtime"] = "python3.11"
    props["Timeout"] = 0
    props["MemorySize"] = 200
    props["Memorysize"] = 256
    props["EnvironmentVariables"] = {"FC_X": "1", "ok": {"nested": 1}}
    props["AsyncConfiguration"] = {"MaxAsyncRetryAttempts": -1}
    del document["Resources"]["probe"]["Other"]["Properties"]["CodeUri"]
    errors = _errors(document, tmp_path)
    base = "Resources.probe.Probe.Properties"
    assert "must be <module>.<function>" in errors[f"{base}.Handler"]
    assert "unknown runtime 'python3.11'" in errors[f"{base}.Runtime"]
    assert "between 1 and 600" in errors[f"{base}.Timeout"]
    assert "multiple of 64" in errors[f"{base}.MemorySize"]
    assert "did you mean MemorySize?" in errors[f"{base}.Memorysize"]
    assert "reserved by FC" in errors[f"{base}.EnvironmentVariables.FC_X"]
    assert "must be a string" in errors[f"{base}.EnvironmentVariables.ok"]
    assert "between 0 and 8" in errors[f"{base}.AsyncConfiguration.MaxAsyncRetryAttempts"]
    assert errors["Resources.probe.Other.Properties.CodeUri"] == "is required"


def test_code_and_handler_must_exist(tmp_path: Path) -> None:
    document = _probe(tmp_path)
    document["Resources"]["probe"]["Probe"]["Properties"]["CodeUri"] = "missing/"
    document["Resources"]["probe"]["Other"]["Properties"]["Handler"] = "main.nothing"
    document["Resources"]["probe"]["Ticker"]["Properties"]["Handler"] = "other.handler"
    document["Resources"]["probe"]["OnSnapshot"]["Properties"]["Runtime"] = "nodejs12"
    errors = _errors(document, tmp_path)
    assert "'missing/' does not exist" in errors["Resources.probe.Probe.Properties.CodeUri"]
    assert "defines no 'nothing'" in errors["Resources.probe.Other.Properties.Handler"]
    assert "module 'other' not found" in errors["Resources.probe.Ticker.Properties.Handler"]
    assert "runs Python only" in errors["Resources.probe.OnSnapshot.Properties.Runtime"]


def test_import_check_catches_what_the_source_cannot_show(tmp_path: Path) -> None:
    path = write_project(tmp_path, code="import no_such_dependency\ndef handler(e, c): pass\n")
    issues = validate_file(path, check_imports=True)
    assert any(
        i.path == "Resources.probe.Other.Properties.Handler" and "ImportModuleError" in i.message
        for i in issues
    )


def test_trigger_errors(tmp_path: Path) -> None:
    document = _probe(tmp_path)
    service = document["Resources"]["probe"]
    service["ProbeHttp"]["Events"]["http"]["Properties"] = {"AuthType": "KEY", "Methods": ["GET", "PATCH"]}
    service["Ticker"]["Events"]["every-minute"]["Properties"] = {
        "CronExpression": "* * * * *",
        "Payload": {"a": 1},
    }
    service["OnSnapshot"]["Events"]["snapshot"]["Properties"]["NotifyContentFormat"] = "XML"
    service["OnAnything"]["Events"]["all"] = {"Type": "EventBridge", "Properties": {}}
    errors = _errors(document, tmp_path)
    events = "Resources.probe.{}.Events.{}.Properties.{}"
    assert "ANONYMOUS or FUNCTION" in errors[events.format("ProbeHttp", "http", "AuthType")]
    assert "PATCH arrived with FC 3.0" in errors[events.format("ProbeHttp", "http", "Methods")]
    assert "needs 6 fields" in errors[events.format("Ticker", "every-minute", "CronExpression")]
    assert "must be a string" in errors[events.format("Ticker", "every-minute", "Payload")]
    assert "STREAM or JSON" in errors[events.format("OnSnapshot", "snapshot", "NotifyContentFormat")]
    assert "must be one of" in errors["Resources.probe.OnAnything.Events.all.Type"]


def test_a_filter_tag_longer_than_mns_allows_is_an_error(tmp_path: Path) -> None:
    issues = validate(_probe(tmp_path), base_dir=tmp_path)
    assert [i for i in issues if i.level != "note"] == []  # SnapshotComplete: 16 characters
    document = yaml.safe_load((tmp_path / "template.yml").read_text())
    document["Resources"]["probe"]["OnSnapshot"]["Events"]["snapshot"]["Properties"]["FilterTag"] = (
        "FileUploadComplete"
    )
    errors = _errors(document, tmp_path)
    message = errors["Resources.probe.OnSnapshot.Events.snapshot.Properties.FilterTag"]
    assert "16 characters" in message and "'FileUploadComplete' has 18" in message


def test_cron_expressions() -> None:
    assert cron_problem("0 0 8 * * *") is None
    assert cron_problem("@every 5m") is None
    assert "once a minute" in (cron_problem("@every 10s") or "")
    assert "duration" in (cron_problem("@every often") or "")


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "template.yml"
    path.write_text("Resources:\n  a: [unclosed\n")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert "is not valid YAML (line" in str(caught.value)


def test_vodfc_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_project(tmp_path / "good")
    assert main(["validate", "--template", str(good)]) == 0
    assert "OK (1 service(s), 7 function(s)" in capsys.readouterr().out
    bad = write_project(tmp_path / "bad", template=template_text().replace("main.handler", "main.missing", 1))
    assert main(["validate", "--template", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "error: Resources.probe.Probe.Properties.Handler: main.py defines no 'missing'" in err


def test_instance_concurrency_on_python_is_noted_as_not_fcs(tmp_path: Path) -> None:
    # FC runs Python functions one request per instance: InstanceConcurrency is for custom runtimes
    # (shared/spec/runtime-anchors.md §3). vodfc honours it locally and says FC will not.
    document = _probe(tmp_path)
    document["Resources"]["probe"]["Probe"]["Properties"]["InstanceConcurrency"] = 3
    issues = validate(document, base_dir=tmp_path)
    assert [i for i in issues if i.level == "error"] == []
    (note,) = [i for i in issues if "InstanceConcurrency" in i.path]
    assert (note.level, note.path) == ("note", "Resources.probe.Probe.Properties.InstanceConcurrency")
    assert "one request at a time" in note.message
