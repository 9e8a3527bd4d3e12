"""s.yaml is what Serverless Devs 3's fc3 component accepts, and says what the functions need.

Every resource's ``props`` is validated with jsonschema against the fc3 component's own schema (a copy
beside this file, fc3/), and every trigger's ``triggerConfig`` against its own type's definition: the schema's
``ITrigger`` takes the ``anyOf`` of all of them, so one type's settings would pass for another's.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.fc3 import role_name
from vodfc.emulator.project.model import EVENTS_QUEUE

from tests.repo import REPO

SCHEMA = json.loads((Path(__file__).with_name("fc3") / "schema.json").read_text())
PROJECT = discover(REPO)
TRIGGER_DEFINITIONS = {
    "http": "IHttpTriggerConfig",
    "timer": "ITimerTriggerConfig",
    "eventbridge": "IEventBridge",
    "mns_topic": "IMnsTriggerConfig",
    "oss": "IOssTriggerConfig",
    "log": "ILogTriggerConfig",
    "cdn_events": "ICdnTriggerConfig",
    "tablestore": "IOtsConfig",
}


def document() -> dict[str, Any]:
    return yaml.safe_load((REPO / "s.yaml").read_text())


def rendered() -> dict[str, dict[str, Any]]:
    """Each resource's props with ``${vars.NAME}`` replaced, as `s` renders them before validating."""
    doc = document()
    variables = doc["vars"]
    text = json.dumps(doc["resources"])
    text = re.sub(r"\$\{vars\.(\w+)\}", lambda m: str(variables[m.group(1)]), text)
    return {name: resource["props"] for name, resource in json.loads(text).items()}


def trigger_errors(trigger: dict[str, Any]) -> list[str]:
    definition = TRIGGER_DEFINITIONS[trigger["triggerType"]]
    schema = {"$ref": f"#/definitions/{definition}", "definitions": SCHEMA["definitions"]}
    return [
        error.message for error in jsonschema.Draft7Validator(schema).iter_errors(trigger["triggerConfig"])
    ]


def test_the_project_is_a_serverless_devs_3_project_of_fc3_resources() -> None:
    doc = document()
    assert doc["edition"] == "3.0.0" and doc["name"] == "vodfc"
    assert {resource["component"] for resource in doc["resources"].values()} == {"fc3"}


@pytest.mark.parametrize("name", list(rendered()))
def test_every_resource_validates_against_the_fc3_schema(name: str) -> None:
    props = rendered()[name]
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(props), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    for trigger in props.get("triggers", []):
        assert trigger_errors(trigger) == [], trigger["triggerName"]


def test_the_schema_alone_would_let_a_wrong_trigger_config_pass() -> None:
    # Why each trigger is also checked against its own type: ITrigger's anyOf accepts this broken one.
    props = copy.deepcopy(rendered()["VodEvents"])
    trigger = next(t for t in props["triggers"] if t["triggerType"] == "eventbridge")
    del trigger["triggerConfig"]["eventSinkConfig"], trigger["triggerConfig"]["runOptions"]
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(props)) == []
    assert trigger_errors(trigger) == [
        "'eventSinkConfig' is a required property",
        "'runOptions' is a required property",
    ]


def test_operations_get_http_triggers_with_every_method_their_routes_take() -> None:
    props = rendered()
    for function in PROJECT.operations:
        assert function.http is not None
        (trigger,) = props[function.name]["triggers"]
        assert trigger["triggerType"] == "http"
        assert trigger["triggerConfig"] == {"authType": "function", "methods": list(function.http.methods)}
        assert props[function.name]["handler"] == "index.handler"  # FC 3.0 serves HTTP through it too
    assert "PATCH" in props["UpdateVideoInfo"]["triggers"][0]["triggerConfig"]["methods"]


def test_the_router_is_the_one_consumer_of_vods_queue_and_takes_its_callback() -> None:
    props = rendered()
    readers = [
        (name, t)
        for name, p in props.items()
        for t in p.get("triggers", [])
        if t["triggerType"] == "eventbridge"
    ]
    assert [name for name, _ in readers] == ["VodEvents"]  # a queue gives each message to one reader
    ((_, trigger),) = readers
    source = trigger["triggerConfig"]["eventSourceConfig"]
    assert source["eventSourceType"] == "MNS"
    assert source["eventSourceParameters"]["sourceMNSParameters"]["QueueName"] == EVENTS_QUEUE
    router = props["VodEvents"]
    assert router["handler"] == "shared.events.router.handler"
    routed = [f.folder for f in PROJECT.event_functions if f.events]
    assert router["environmentVariables"]["VODFC_EVENT_FUNCTIONS"] == ",".join(routed)
    callback = next(t for t in router["triggers"] if t["triggerType"] == "http")
    assert callback["triggerConfig"] == {"authType": "anonymous", "methods": ["POST"]}
    # The callback's key comes from the deploying shell; unset, it is empty and every callback is refused.
    assert (
        router["environmentVariables"]["VODFC_CALLBACK_AUTH_KEY"] == '${env("VODFC_CALLBACK_AUTH_KEY", "")}'
    )
    # No event function that reacts to VOD events is deployed on its own.
    assert not {PROJECT.function(folder).name for folder in routed} & set(props)


def test_the_sweeper_runs_on_its_timer() -> None:
    (trigger,) = rendered()["SweepFailedUploads"]["triggers"]
    function = PROJECT.function("sweep_failed_uploads")
    assert function.timer is not None
    assert trigger["triggerType"] == "timer"
    assert trigger["triggerConfig"] == {"cronExpression": function.timer.cron, "enable": True, "payload": ""}


def test_each_function_has_a_role_of_its_own_and_its_code_is_its_build_folder() -> None:
    doc = document()
    roles = set()
    for name, resource in doc["resources"].items():
        props = resource["props"]
        assert props["role"] == "${vars.role}" + role_name(name)
        assert props["code"] == f"build/fc/{name}"
        roles.add(props["role"])
    assert len(roles) == len(doc["resources"])
    assert doc["vars"]["role"] == "acs:ram::${config('AccountID')}:role/"
