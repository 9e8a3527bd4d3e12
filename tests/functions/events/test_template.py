"""template.yml blocks of the event functions agree with the code: triggers, handlers, settings, policy."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.functions.support.events import FUNCTIONS, PROJECT, REPO, load_function

SERVICE = yaml.safe_load((REPO / "template.yml").read_text())["Resources"]["vodfc"]
# The event functions that react to VOD events: one router runs them all (VOD writes to one queue/URL).
ROUTED = tuple(f.folder for f in PROJECT.event_functions if f.events)
TIMER_FUNCTIONS = {f.name: f.folder for f in PROJECT.event_functions if f.timer is not None}


def test_the_router_has_one_unfiltered_mns_trigger_and_runs_every_event_function() -> None:
    block = SERVICE["VodEvents"]
    props = block["Properties"]
    assert props["Handler"] == "shared.events.router.handler"
    assert props["CodeUri"] == "build/fc/VodEvents/"
    assert props["EnvironmentVariables"]["VODFC_EVENT_FUNCTIONS"] == ",".join(ROUTED)
    # No FilterTag: MNS refuses one longer than 16 characters, and so every type the functions handle.
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
    for folder in ROUTED:
        handled = set(load_function(folder).app.handlers)
        assert handled and all(len(event_type) > 16 for event_type in handled)
    # Each function handles its events in turn: the router's timeout covers them all.
    assert props["Timeout"] == sum(PROJECT.function(folder).timeout for folder in ROUTED)
    # No event function is deployed on its own besides the router (VOD would reach only one of them).
    assert not {PROJECT.function(folder).name for folder in ROUTED} & set(SERVICE)


def test_the_template_passes_vodfc_validate_without_errors_or_warnings() -> None:
    from vodfc.emulator.fc.template import validate_file

    issues = validate_file(REPO / "template.yml")
    assert [i for i in issues if i.level != "note"] == []


def test_the_callback_face_is_an_anonymous_post_trigger_that_checks_signatures() -> None:
    block = SERVICE["VodEventsCallback"]
    props = block["Properties"]
    assert props["Handler"] == "shared.events.router.http_handler"
    assert props["CodeUri"] == SERVICE["VodEvents"]["Properties"]["CodeUri"]
    assert block["Events"]["http"] == {
        "Type": "HTTP",
        "Properties": {"AuthType": "anonymous", "Methods": ["POST"]},
    }
    env = props["EnvironmentVariables"]
    # fail closed: no key in the template means every callback is refused until one is set
    assert env["VODFC_CALLBACK_AUTH_KEY"] == "" and "VODFC_CALLBACK_AUTH" not in env


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
    functions = [b for key, b in SERVICE.items() if key not in ("Type", "Properties")]
    blocks = [b for b in functions if env_name in b["Properties"].get("EnvironmentVariables", {})]
    assert blocks  # the router's faces, or the function's own block for a timer
    for block in blocks:
        text = block["Properties"]["EnvironmentVariables"][env_name]
        assert module.app.config.parse(json.loads(text)) is not None


def test_service_role_allows_exactly_the_vod_actions_the_event_functions_send() -> None:
    (_operations, statement) = SERVICE["Properties"]["Policies"][0]["Statement"]
    sent = {action for function in PROJECT.event_functions for action in function.vod_actions}
    assert sorted(statement["Action"]) == sorted(f"vod:{action}" for action in sent)
    assert "vod:GetPlayInfo" in statement["Action"]
