"""FC runtime fixtures: a probe project in a temp dir, served in-process and by a real server.

``probe`` runs each test twice (``inprocess`` through ``mock_vod``, ``server`` through a
``ThreadedServer``) with the probe template loaded and MNS retries not sleeping; ``fc3`` does the same
with the FC 3.0 project (``FC3_TEMPLATE``, two of its functions made FC 3.0 functions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.fc import Template, get_fc
from vodfc.emulator.fc.template import load_template
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import CONFIG, FC3_TEMPLATE, Fc3Target, Target, as_fc3, write_project

T = TypeVar("T")


@pytest.fixture(scope="session")
def probe_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("probe"))


def _prepare(app: Any, template: Path) -> None:
    component = get_fc(app)
    component.sleep = lambda seconds: None
    if component.template_path != template:
        component.load(template)
    get_state(app).reset()


def _apps() -> Iterator[dict[str, Any]]:
    """One app for in-process tests, one server: a template's tests share them."""
    mock_app = create_app(CONFIG)
    server = ThreadedServer(create_app(CONFIG)).start()
    yield {"inprocess": mock_app, "server": server}
    server.stop()


def _serve(
    mode: str, apps: dict[str, Any], prepare: Callable[[Any], None], make: Callable[..., T]
) -> Iterator[T]:
    """A test's target in ``mode``: the in-process app under ``mock_vod``, or the server."""
    app = apps["inprocess"] if mode == "inprocess" else apps["server"].app
    prepare(app)
    if mode == "inprocess":
        with MockVod(app=app):
            yield make("inprocess", app, None)
    else:
        yield make("server", app, apps["server"].url)
    get_fc(app).runtime.drain(5)


_probe_apps = pytest.fixture(scope="session", name="_probe_apps")(_apps)


@pytest.fixture(params=["inprocess", "server"])
def probe(
    request: pytest.FixtureRequest, _probe_apps: dict[str, Any], probe_template: Path
) -> Iterator[Target]:
    yield from _serve(request.param, _probe_apps, lambda app: _prepare(app, probe_template), Target)


# --- FC 3.0 -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fc3_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = write_project(tmp_path_factory.mktemp("fc3"), template=FC3_TEMPLATE)
    return as_fc3(load_template(path))  # type: ignore[no-any-return]


def _prepare_fc3(app: Any, template: Template) -> None:
    component = get_fc(app)
    if component.template_path != template.path:
        component.load(template=template)
    get_state(app).reset()


_fc3_apps = pytest.fixture(scope="session", name="_fc3_apps")(_apps)


@pytest.fixture(params=["inprocess", "server"])
def fc3(
    request: pytest.FixtureRequest, _fc3_apps: dict[str, Any], fc3_template: Template
) -> Iterator[Fc3Target]:
    """The FC 3.0 project served in-process (``mock_vod``) and by a server."""
    yield from _serve(request.param, _fc3_apps, lambda app: _prepare_fc3(app, fc3_template), Fc3Target)
