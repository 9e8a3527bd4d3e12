"""Each FC 3.0 function's RAM policy allows exactly the VOD actions its code calls, and nothing else.

The actions are read off the code in the function's package (every ``functions/<folder>/index.py`` it
holds: one for an operation or the sweeper, each event function for the router) by following its
``VodClient`` calls down to the action names (``vodfc.emulator.project.vod_actions``). The event-function
tests check the other direction at run time: every action a function sent is among these.
"""

from __future__ import annotations

import json

import pytest
import yaml
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.layout import packages
from vodfc.emulator.project.vod_actions import client_actions, module_calls
from vodfc.shared.client import VodClient

from tests.repo import REPO

PACKAGES = {package.name: package for package in packages(discover(REPO))}
RESOURCES = yaml.safe_load((REPO / "s.yaml").read_text())["resources"]
ROLE_PREFIX = "${vars.role}"


def called(package_name: str) -> set[str]:
    """The VOD actions the code of a package calls."""
    actions = client_actions(VodClient)
    found: set[str] = set()
    for source in PACKAGES[package_name].sources:
        path = REPO / source.path
        for index in [path / "index.py"] if (path / "index.py").is_file() else []:
            found |= set(module_calls(index, actions).actions)
    return found


def policy(role: str) -> set[str]:
    document = json.loads((REPO / "ram" / f"{role}.json").read_text())
    assert document["Version"] == "1"
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert all(action.startswith("vod:") for action in statement["Action"])
    return {action.removeprefix("vod:") for action in statement["Action"]}


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_functions_policy_lists_exactly_the_vod_actions_its_code_calls(name: str) -> None:
    role = RESOURCES[name]["props"]["role"].removeprefix(ROLE_PREFIX)
    code = called(name)
    assert code, f"{name} calls no VOD action: it would need no policy"
    assert policy(role) == code


def test_the_router_needs_what_its_event_functions_need_together() -> None:
    members = [s.path for s in PACKAGES["VodEvents"].sources if (REPO / s.path / "index.py").is_file()]
    project = discover(REPO)
    assert [m.removeprefix("functions/") for m in members] == [
        f.folder for f in project.event_functions if f.events
    ]
    each = [set(project.function(m.removeprefix("functions/")).vod_actions) for m in members]
    assert called("VodEvents") == set().union(*each)
    assert "GetPlayInfo" in called("VodEvents")  # delete_source and prune_streams read the streams back


def test_every_policy_file_belongs_to_a_function_and_fc_may_assume_the_roles() -> None:
    roles = {resource["props"]["role"].removeprefix(ROLE_PREFIX) for resource in RESOURCES.values()}
    files = {path.stem for path in (REPO / "ram").glob("*.json")}
    assert files == roles | {"fc-trust-policy"}
    trust = json.loads((REPO / "ram" / "fc-trust-policy.json").read_text())
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"Service": ["fc.aliyuncs.com"]}
