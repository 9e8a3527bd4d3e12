"""The project's s.yaml (FC 3.0's own functions: no services) served by the FC 3.0 API and its HTTP trigger
URLs: an operation through fc20230330, and through its signed trigger URL with FC 3.0's HTTP event."""

from __future__ import annotations

import json
from typing import Any

import requests
from alibabacloud_fc20230330 import models
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc import get_fc
from vodfc.emulator.mock import MockVod

from tests.emulator.fc.support import acs3_headers, fc3_client
from tests.repo import REPO


def _invoke(client: Any, name: str, event: dict[str, Any]) -> Any:
    response = client.invoke_function(name, models.InvokeFunctionRequest(body=json.dumps(event).encode()))
    assert "x-fc-error-type" not in response.headers
    return json.loads(response.body.read())


def test_the_projects_s_yaml_is_served_by_fc3s_api_and_trigger_urls() -> None:
    app = create_app(EmulatorConfig(components=("events", "fc")))
    component = get_fc(app)
    component.load(REPO / "s.yaml")
    try:
        with MockVod(app=app):
            get_state(app).seed()
            client = fc3_client()
            listed = client.list_functions(models.ListFunctionsRequest(fc_version="v3")).body.functions
            assert {"GetVideoInfo", "SearchMedia", "VodEvents"} <= {f.function_name for f in listed}
            video_id = _invoke(client, "SearchMedia", {"PageSize": 1})["MediaList"][0]["Video"]["VideoId"]
            triggers = client.list_triggers("GetVideoInfo", models.ListTriggersRequest()).body.triggers
            (http,) = [t for t in triggers if t.trigger_type == "http"]
            url = f"{http.http_trigger.url_internet}/videos/{video_id}"
            answer = requests.get(url, headers=acs3_headers("GET", url), timeout=30)
            assert (answer.status_code, answer.json()["Video"]["VideoId"]) == (200, video_id)
    finally:
        component.close()
