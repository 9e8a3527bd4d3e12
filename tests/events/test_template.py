"""template.yml blocks of the event functions agree with the code: triggers, handlers, settings, policy."""

from __future__ import annotations

import ast
import json
import re
import sys

import pytest
import yaml

from .conftest import FUNCTIONS, REPO, load_function

SERVICE = yaml.safe_load((REPO / "template.yml").read_text())["Resources"]["vodfc"]
EVENT_FUNCTIONS = {
    "AutoTag": "auto_tag",
    "DeleteSource": "delete_source",
    "TagImages": "tag_images",
    "PruneStreams": "prune_streams",
}
CONFIG_ENV = {
    "auto_tag": "VODFC_AUTO_TAG_CONFIG",
    "delete_source": "VODFC_DELETE_SOURCE_CONFIG",
    "tag_images": "VODFC_TAG_IMAGES_CONFIG",
    "prune_streams": "VODFC_PRUNE_STREAMS_CONFIG",
    "sweep_failed_uploads": "VODFC_SWEEP_CONFIG",
}
# shared.VodClient method -> the VOD action it sends
ACTIONS = {
    "get_video_info": "GetVideoInfo",
    "get_video_infos": "GetVideoInfos",
    "update_video_info": "UpdateVideoInfo",
    "get_mezzanine_info": "GetMezzanineInfo",
    "get_play_info": "GetPlayInfo",
    "delete_mezzanines": "DeleteMezzanines",
    "delete_stream": "DeleteStream",
    "get_image_info": "GetImageInfo",
    "update_image_infos": "UpdateImageInfos",
    "iter_search_media": "SearchMedia",
    "delete_videos": "DeleteVideo",
}


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


def test_sweeper_runs_on_a_timer() -> None:
    block = SERVICE["SweepFailedUploads"]
    assert block["Properties"]["Handler"] == "index.handler"
    (trigger,) = block["Events"].values()
    assert trigger["Type"] == "Timer" and trigger["Properties"]["Enable"] is True
    assert len(trigger["Properties"]["CronExpression"].split()) == 6


@pytest.mark.parametrize("folder", FUNCTIONS)
def test_template_settings_parse(folder: str) -> None:
    module = load_function(folder)
    for block in SERVICE.values():
        if isinstance(block, dict) and block.get("Properties", {}).get("CodeUri") == f"functions/{folder}/":
            text = block["Properties"]["EnvironmentVariables"][CONFIG_ENV[folder]]
            assert module.app.config.parse(json.loads(text)) is not None


def test_service_role_allows_every_vod_action_the_event_functions_send() -> None:
    allowed = {
        a for policy in SERVICE["Properties"]["Policies"] for st in policy["Statement"] for a in st["Action"]
    }
    used = set()
    for folder in FUNCTIONS:
        source = (REPO / "functions" / folder / "index.py").read_text()
        for method in re.findall(r"\.vod\.([a-z_]+)\(", source):
            used.add(f"vod:{ACTIONS[method]}")
    assert used <= allowed
    assert "vod:GetPlayInfo" in used


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
