"""template.yml blocks of the event functions agree with the code: triggers, handlers, settings, policy."""

from __future__ import annotations

import ast
import json
import sys

import pytest
import yaml

from tests.functions.support.events import FUNCTIONS, PROJECT, REPO, load_function

SERVICE = yaml.safe_load((REPO / "template.yml").read_text())["Resources"]["vodfc"]
# FC function name -> folder, for the event functions that react to VOD events (not only to a timer)
EVENT_FUNCTIONS = {f.name: f.folder for f in PROJECT.event_functions if f.events}
TIMER_FUNCTIONS = {f.name: f.folder for f in PROJECT.event_functions if f.timer is not None}


@pytest.mark.parametrize(("name", "folder"), EVENT_FUNCTIONS.items())
def test_event_function_has_one_unfiltered_mns_trigger(name: str, folder: str) -> None:
    block = SERVICE[name]
    assert block["Properties"]["Handler"] == "index.handler"
    assert block["Properties"]["CodeUri"] == f"functions/{folder}/"
    # No FilterTag: MNS refuses one longer than 16 characters, and so every type this function handles.
    assert block["Events"] == {
        "vod-events": {
            "Type": "MNSTopic",
            "Properties": {
                "TopicName": "vodfc-vod-events",
                "Region": "cn-shanghai",
                "NotifyContentFormat": "JSON",
                "NotifyStrategy": "BACKOFF_RETRY",
            },
        }
    }
    handled = set(load_function(folder).app.handlers)
    assert handled and all(len(event_type) > 16 for event_type in handled)


def test_the_template_passes_vodfc_validate_without_errors_or_warnings() -> None:
    from vodfc.emulator.fc.template import validate_file

    issues = validate_file(REPO / "template.yml")
    assert [i for i in issues if i.level != "note"] == []


@pytest.mark.parametrize(("name", "folder"), EVENT_FUNCTIONS.items())
def test_callback_twin_is_an_anonymous_post_trigger_that_checks_signatures(name: str, folder: str) -> None:
    block = SERVICE[f"{name}Callback"]
    props = block["Properties"]
    assert props["Handler"] == "index.callback_handler"
    assert props["CodeUri"] == f"functions/{folder}/"
    assert block["Events"]["http"] == {
        "Type": "HTTP",
        "Properties": {"AuthType": "anonymous", "Methods": ["POST"]},
    }
    env = props["EnvironmentVariables"]
    # fail closed: no key in the template means every callback is refused until one is set
    assert env["VODFC_CALLBACK_AUTH_KEY"] == "" and "VODFC_CALLBACK_AUTH" not in env
    module = load_function(folder)
    assert module.callback_handler == module.http_handler


@pytest.mark.parametrize(("name", "folder"), TIMER_FUNCTIONS.items())
def test_timer_functions_run_on_a_timer(name: str, folder: str) -> None:
    block = SERVICE[name]
    assert block["Properties"]["Handler"] == "index.handler"
    (trigger,) = block["Events"].values()
    assert trigger["Type"] == "Timer" and trigger["Properties"]["Enable"] is True
    assert len(trigger["Properties"]["CronExpression"].split()) == 6
    assert "timer" in load_function(folder).app.handlers


def test_the_sweeper_runs_on_a_timer() -> None:
    assert TIMER_FUNCTIONS["SweepFailedUploads"] == "sweep_failed_uploads"


@pytest.mark.parametrize("folder", FUNCTIONS)
def test_template_settings_parse(folder: str) -> None:
    module = load_function(folder)
    env_name = module.app.config.env
    for block in SERVICE.values():
        if isinstance(block, dict) and block.get("Properties", {}).get("CodeUri") == f"functions/{folder}/":
            text = block["Properties"]["EnvironmentVariables"][env_name]
            assert module.app.config.parse(json.loads(text)) is not None


def test_service_role_allows_exactly_the_vod_actions_the_event_functions_send() -> None:
    (_operations, statement) = SERVICE["Properties"]["Policies"][0]["Statement"]
    sent = {action for function in PROJECT.event_functions for action in function.vod_actions}
    assert sorted(statement["Action"]) == sorted(f"vod:{action}" for action in sent)
    assert "vod:GetPlayInfo" in statement["Action"]


@pytest.mark.parametrize("folder", FUNCTIONS)
def test_function_imports_only_the_standard_library_and_shared(folder: str) -> None:
    tree = ast.parse((REPO / "functions" / folder / "index.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in ("shared", "__future__") or top in sys.stdlib_module_names, (folder, name)
