"""The project's own functions through FC 3.0: the FC 3.0 API, and an operation deployed as an FC 3.0
function on python3.12 behind FC 3.0's HTTP trigger (shared's ``handler`` serves the HTTP event, and
its VOD calls take their credentials from the environment, where python3.12 keeps them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests
from alibabacloud_fc20230330 import models
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc import get_fc
from vodfc.emulator.fc.api3 import trigger_url
from vodfc.emulator.fc.template import Template, load_template
from vodfc.emulator.mock import MockVod

from tests.emulator.fc.support import acs3_headers, fc3_client
from tests.repo import REPO


def _with_fc3_operation(template: Template) -> Template:
    """template.yml plus GetVideoInfo3: GetVideoInfoHttp as FC 3.0 deploys it (one event handler serves
    the invoke API and the HTTP trigger), on python3.12."""
    service = template.services["vodfc"]
    http = service.functions["GetVideoInfoHttp"]
    fc3 = replace(http, name="GetVideoInfo3", handler="index.handler", runtime="python3.12", fc_version=3)
    return replace(
        template, services={"vodfc": replace(service, functions={**service.functions, fc3.name: fc3})}
    )


@pytest.fixture(scope="module")
def project() -> Iterator[Any]:
    app = create_app(EmulatorConfig(components=("events", "fc")))
    get_fc(app).load(template=_with_fc3_operation(load_template(REPO / "template.yml")))
    with MockVod(app=app):
        get_state(app).seed()  # the demo library
        yield app
    get_fc(app).close()


def _invoke(name: str, event: dict[str, Any]) -> Any:
    response = fc3_client().invoke_function(
        name, models.InvokeFunctionRequest(body=json.dumps(event).encode())
    )
    assert "x-fc-error-type" not in response.headers
    return json.loads(response.body.read())


def test_the_projects_functions_answer_through_fc3s_api(project: Any) -> None:
    names = [
        f.function_name for f in fc3_client().list_functions(models.ListFunctionsRequest()).body.functions
    ]
    assert {"GetVideoInfo", "GetVideoInfoHttp", "SearchMedia", "GetVideoInfo3"} <= set(names)
    found = _invoke("SearchMedia", {"PageSize": 1})
    video_id = found["MediaList"][0]["Video"]["VideoId"]
    assert _invoke("GetVideoInfo", {"VideoId": video_id})["Video"]["VideoId"] == video_id
    # The FC 3.0 function answers events too, with the same handler.
    assert _invoke("GetVideoInfo3", {"VideoId": video_id})["Video"]["VideoId"] == video_id


def test_an_fc3_operation_serves_its_route_through_the_http_trigger(project: Any) -> None:
    video_id = _invoke("SearchMedia", {"PageSize": 1})["MediaList"][0]["Video"]["VideoId"]
    component = get_fc(project)
    function = component.runtime.function("GetVideoInfo3")
    assert function is not None
    url = f"{trigger_url(component, function)}/videos/{video_id}"
    answer = requests.get(url, headers=acs3_headers("GET", url), timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["Video"]["VideoId"] == video_id
    missing = f"{trigger_url(component, function)}/videos/no-such-video"
    refused = requests.get(missing, headers=acs3_headers("GET", missing), timeout=30)
    # The function's own answer passes through, status and all.
    assert (refused.status_code, refused.json()["Code"]) == (404, "InvalidVideo.NotFound")
