"""Reading the declarations: the model of the real project, and every inconsistency named by its function."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from vodfc.emulator.fc.template import validate
from vodfc.emulator.project import fc2
from vodfc.emulator.project.discover import DeclarationError, discover
from vodfc.emulator.project.model import EVENTS_TOPIC

from tests.repo import REPO

OPERATION = """
from shared.fc import Deploy, Field, OperationApp, Schema

app = OperationApp("PatchThing", Schema(Field("Id", required=True)), description="Patch a thing.",
                   deploy=Deploy(timeout=15, memory=512, env={"EXTRA": "1"}, http_auth="anonymous"))

@app.operation
def patch(vod, args):
    vod.get_video_info(args["Id"])
    return {}

app.route("PATCH", "/things/{id}", path={"id": "Id"}, body=True, also=["POST"])
app.route("GET", "/things/{id}", path={"id": "Id"})
handler = app.handler
http_handler = app.http_handler
"""

EVENT = """
from shared.events.app import ConfigSource, EventApp
from shared.fc.deploy import Deploy

def parse(data):
    if data.get("bad"):
        raise ValueError("bad is bad")
    return data

app = EventApp("react", description="reacts", config=ConfigSource("VODFC_REACT_CONFIG", parse),
               deploy=Deploy(config={"x": 1}))

@app.on("FileUploadComplete")
def react(event, run):
    run.vod.delete_videos([event.video_id])

handler = app.handler
http_handler = app.http_handler
"""

TIMER = """
from shared.events.app import EventApp
from shared.fc.deploy import Deploy, Timer

app = EventApp("tick", deploy=Deploy(timer=Timer("hourly", "0 0 * * * *", payload='{"x": 1}')))

@app.on("timer")
def tick(event, run):
    return {}

handler = app.handler
"""


def project(root: Path, **functions: str) -> Path:
    for folder, source in functions.items():
        (root / "functions" / folder).mkdir(parents=True)
        (root / "functions" / folder / "index.py").write_text(textwrap.dedent(source))
    return root


def problems(root: Path) -> str:
    with pytest.raises(DeclarationError) as caught:
        discover(root)
    return str(caught.value)


def test_the_real_project_has_operations_then_event_functions_each_by_folder() -> None:
    real = discover(REPO)
    kinds = [f.kind for f in real]
    assert kinds == sorted(kinds, key=["operation", "event"].index)
    assert [f.folder for f in real.operations] == sorted(f.folder for f in real.operations)
    assert real.function("DeleteImage") is real.function("delete_image")
    assert real.function("delete_image").vod_methods == (
        "delete_image_urls",
        "delete_images",
        "delete_video_images",
    )
    # The private helper behind iter_search_media is followed (a source regex misses it).
    assert "SearchMedia" in real.function("sweep_failed_uploads").vod_actions
    with pytest.raises(KeyError):
        real.function("no_such_function")


def test_faces_triggers_and_knobs_are_derived_from_the_declarations(tmp_path: Path) -> None:
    model = discover(project(tmp_path, patch_thing=OPERATION, react=EVENT, tick=TIMER))
    patch, react, tick = model.function("PatchThing"), model.function("React"), model.function("Tick")
    assert (patch.timeout, patch.memory, patch.vod_actions) == (15, 512, ("GetVideoInfo",))
    assert patch.http is not None and patch.http.methods == ("PATCH", "POST", "GET", "HEAD")
    assert patch.http.env == {"VODFC_HTTP_AUTH": "token", "VODFC_HTTP_TOKEN": ""}
    assert dict(patch.env) == {"VODFC_LOG_LEVEL": "INFO", "EXTRA": "1"}
    assert react.events == ("FileUploadComplete",) and react.vod_actions == ("DeleteVideo",)
    assert react.env["VODFC_REACT_CONFIG"] == '{"x": 1}' and react.config_env == "VODFC_REACT_CONFIG"
    assert tick.timer is not None and (tick.timer.name, tick.timer.cron) == ("hourly", "0 0 * * * *")
    assert tick.vod_actions == ()

    names = {face.name: face for face in fc2.all_faces(model)}
    # The event functions reacting to VOD events are deployed as one router, in both descriptors.
    assert list(names) == ["PatchThing", "PatchThingHttp", "VodEvents", "VodEventsCallback", "Tick"]
    assert model.router is not None and model.router.folders == ("react",)
    assert names["VodEvents"].env["VODFC_EVENT_FUNCTIONS"] == "react"
    assert names["VodEvents"].handler == "shared.events.router.handler"
    assert names["VodEventsCallback"].handler == "shared.events.router.http_handler"
    assert fc2.fc2_methods(patch.http) == ("POST", "GET", "HEAD")  # FC 2.0 triggers have no PATCH

    document = yaml.safe_load(fc2.render(model))
    # Each CodeUri is a build folder, which a source run maps to the sources (shared/ among them).
    (tmp_path / "shared").symlink_to(REPO / "shared")
    assert [i for i in validate(document, base_dir=tmp_path) if i.level == "error"] == []
    service = document["Resources"]["vodfc"]
    assert service["PatchThingHttp"]["Events"]["http"]["Properties"] == {
        "AuthType": "anonymous",
        "Methods": ["POST", "GET", "HEAD"],
    }
    assert service["VodEvents"]["Events"]["vod-events"]["Properties"]["TopicName"] == EVENTS_TOPIC
    assert service["PatchThing"]["Properties"]["CodeUri"] == "build/fc/PatchThing/"
    assert service["Tick"]["Events"]["hourly"]["Properties"]["Payload"] == '{"x": 1}'
    statements = service["Properties"]["Policies"][0]["Statement"]
    assert [s["Action"] for s in statements] == [["vod:GetVideoInfo"], ["vod:DeleteVideo"]]


@pytest.mark.parametrize(
    ("folder", "source", "problem"),
    [
        ("wrong_folder", OPERATION, "the folder of operation PatchThing must be named patch_thing"),
        (
            "react",
            EVENT.replace('{"x": 1}', '{"bad": True}'),
            "refused by the function's own parser: bad is bad",
        ),
        ("react", EVENT.replace('"react", ', '"other", '), "must be named after its folder"),
        (
            "tick",
            TIMER.replace('timer=Timer("hourly", "0 0 * * * *", payload=\'{"x": 1}\')', ""),
            "give Deploy",
        ),
        ("tick", TIMER.replace("0 0 * * * *", "0 * * * *"), "Timer cron needs 6 fields"),
        ("tick", TIMER.replace('@app.on("timer")', '@app.on("FileUploadComplete")'), "no handler takes"),
        ("tick", TIMER.replace("handler = app.handler", ""), "must export handler = app.handler"),
        ("patch_thing", OPERATION.replace("timeout=15", "timeout=900"), "Deploy.timeout must be 1 to 600"),
        ("patch_thing", OPERATION.replace("memory=512", "memory=200"), "Deploy.memory must be a multiple"),
        ("patch_thing", OPERATION.replace('"anonymous"', '"token"'), "Deploy.http_auth must be one of"),
        (
            "patch_thing",
            OPERATION.replace('vod.get_video_info(args["Id"])', "fetch = vod.get_video_info"),
            "used other than as vod.<method>",
        ),
        ("nothing", "x = 1\n", "defines no app"),
    ],
)
def test_inconsistent_declarations_are_named_by_their_function(
    tmp_path: Path, folder: str, source: str, problem: str
) -> None:
    assert problem in problems(project(tmp_path, **{folder: source}))
    assert f"functions/{folder}: " in problems(tmp_path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(project(tmp_path, wrong_folder=OPERATION, nothing="x = 1\n", broken="import nowhere\n"))
    assert "functions/wrong_folder:" in found and "functions/nothing:" in found
    assert "functions/broken: ImportModuleError" in found


def test_an_operation_that_fc2_cannot_reach_is_refused_by_the_fc2_renderer(tmp_path: Path) -> None:
    source = OPERATION.replace(', also=["POST"]', "").replace(
        'app.route("GET", "/things/{id}", path={"id": "Id"})', ""
    )
    model = discover(project(tmp_path, patch_thing=source))
    with pytest.raises(fc2.Fc2Error, match=r"no route takes a method FC 2\.0 triggers accept"):
        fc2.render(model)
