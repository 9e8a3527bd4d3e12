"""FC runtime fixtures: a probe project in a temp dir, served in-process and by a real server.

``probe`` runs each test twice (``inprocess`` through ``mock_vod``, ``server`` through a
``ThreadedServer``) with the probe template loaded and MNS retries not sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.fc import get_fc
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import CONFIG, Target, write_project


@pytest.fixture(scope="session")
def probe_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("probe"))


def _prepare(app: Any, template: Path) -> None:
    component = get_fc(app)
    component.sleep = lambda seconds: None
    if component.template_path != template:
        component.load(template)
    get_state(app).reset()


@pytest.fixture(scope="session")
def _probe_apps(probe_template: Path) -> Iterator[dict[str, Any]]:
    mock_app = create_app(CONFIG)
    server = ThreadedServer(create_app(CONFIG)).start()
    yield {"inprocess": mock_app, "server": server}
    server.stop()


@pytest.fixture(params=["inprocess", "server"])
def probe(
    request: pytest.FixtureRequest, _probe_apps: dict[str, Any], probe_template: Path
) -> Iterator[Target]:
    if request.param == "inprocess":
        app = _probe_apps["inprocess"]
        _prepare(app, probe_template)
        with MockVod(app=app):
            yield Target("inprocess", app, None)
    else:
        server = _probe_apps["server"]
        _prepare(server.app, probe_template)
        yield Target("server", server.app, server.url)
    get_fc(app if request.param == "inprocess" else server.app).runtime.drain(5)
