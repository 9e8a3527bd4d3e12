"""pytest fixtures for the vodfc emulator, loaded through the ``pytest11`` entry point.

* ``vodfc_credentials``: the default AccessKey pair, account and region.
* ``vod_mock``: ``mock_vod()`` active for the test, fresh state.
* ``vod_server``: one ``ThreadedServer`` per session (per xdist worker), reset before each test.
* ``vod``: parametrized over ``inprocess`` and ``server``; ``.acs_client()`` / ``.tea_client()``
  build the official clients pointed at the emulator, ``.backend`` is the state behind them,
  ``.admin_headers`` authenticate a request to the admin plane (``/_vodfc/...``) of its server.
  In-process, ``mock_vod`` adds the admin token to such requests itself.
* ``fc``: the project's own functions (``vodfc_descriptor``: the ini option ``vodfc_descriptor``, else the
  rootdir's template.yml, else its s.yaml) in an emulator, parametrized like ``vod``; ``.invoke()``,
  ``.http()``, ``.timer()``, ``.emit()``, ``.logs()``, and ``.vod`` for the same emulator's VOD side
  (``vodfc.emulator.fc_target``). Its emulators, one per mode, load the descriptor once per session;
  each test starts from empty state and cold instances.

Emulators are built once and reset per test: building one wires every component, and the SDK
suites run hundreds of tests. In-process, ``vod_mock`` borrows the emulator ``mock_vod()`` reuses
(an emulator whose hooks or routes a test changed is rebuilt, see ``vodfc.emulator.reuse``); the
server is one per session.

Importing this module (pytest does at start-up, in every project that installed vodfc) loads
nothing but pytest and the emulator's configuration constants: the fixtures import what they use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
)

MODES = ("inprocess", "server")
DESCRIPTOR_OPTION = "vodfc_descriptor"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        DESCRIPTOR_OPTION,
        "the template.yml or s.yaml whose functions the fc fixture runs, relative to the rootdir "
        "(default: the rootdir's template.yml, else its s.yaml)",
        default="",
    )


@dataclass(frozen=True)
class Credentials:
    access_key_id: str = DEFAULT_ACCESS_KEY_ID
    access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET
    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION


class VodTarget:
    """One way of reaching the emulator, with the official clients already pointed at it."""

    def __init__(self, mode: str, app: Any, url: str | None, credentials: Credentials):
        from vodfc.emulator.app import get_state

        self.mode = mode
        self.app = app
        self.state = get_state(app)
        self.credentials = credentials
        # In-process the clients keep the real endpoint and the mock catches it.
        self.url = url if url is not None else f"https://vod.{credentials.region}.aliyuncs.com"
        self.endpoint = self.url.split("://", 1)[1]

    @property
    def backend(self) -> Any:
        return self.state.backend(self.credentials.account_id, self.credentials.region)

    @property
    def admin_token(self) -> str:
        return str(self.state.guard.token)

    @property
    def admin_headers(self) -> dict[str, str]:
        """``Authorization: Bearer <admin token>``, for ``/_vodfc/...`` requests."""
        from vodfc.emulator.admintoken import auth_headers

        return auth_headers(self.admin_token)

    def acs_client(
        self, access_key_id: str | None = None, access_key_secret: str | None = None, **kw: Any
    ) -> Any:
        """An ``aliyunsdkcore`` ``AcsClient`` (aliyun-python-sdk-vod) talking to the emulator."""
        from aliyunsdkcore.client import AcsClient

        client = AcsClient(
            access_key_id or self.credentials.access_key_id,
            access_key_secret or self.credentials.access_key_secret,
            kw.pop("region_id", self.credentials.region),
            **kw,
        )
        if self.mode == "server":
            client.add_endpoint(client.get_region_id(), "vod", self.endpoint)
        return client

    def tea_client(
        self, access_key_id: str | None = None, access_key_secret: str | None = None, **kw: Any
    ) -> Any:
        """An ``alibabacloud_vod20170321`` Tea ``Client`` talking to the emulator."""
        from alibabacloud_tea_openapi.models import Config, GlobalParameters
        from alibabacloud_vod20170321.client import Client

        options: dict[str, Any] = {"region_id": self.credentials.region}
        options.update(kw)
        if self.mode == "server":
            # A v3 call to 127.0.0.1 names no region anywhere; RegionId in the query tells the emulator.
            region_query = GlobalParameters(queries={"RegionId": options["region_id"]})
            options.setdefault("global_parameters", region_query)
            options.setdefault("endpoint", self.endpoint)
            options.setdefault("protocol", "http")
        return Client(
            Config(
                access_key_id=access_key_id or self.credentials.access_key_id,
                access_key_secret=access_key_secret or self.credentials.access_key_secret,
                **options,
            )
        )

    def reset(self) -> None:
        self.state.reset()


@pytest.fixture(scope="session")
def vodfc_credentials() -> Credentials:
    return Credentials()


@pytest.fixture(scope="session")
def _vodfc_extra() -> None:
    """The fixtures below need the emulator extra: say so once, in one line, when it is missing."""
    from vodfc.emulator.extra import MissingExtra, require

    try:
        require()
    except MissingExtra as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def _vodfc_mock_app() -> Any:
    """None: ``vod_mock`` borrows the process's reused emulator (``vodfc.emulator.reuse``), which a
    reset makes as good as new. A conftest may override this to serve an app of its own."""
    return None


@pytest.fixture
def vod_mock(_vodfc_extra: None, _vodfc_mock_app: Any) -> Iterator[Any]:
    from vodfc.emulator.mock import MockVod

    with MockVod(app=_vodfc_mock_app) as mock:
        yield mock


@pytest.fixture(scope="session")
def _vodfc_server(_vodfc_extra: None) -> Iterator[Any]:
    from vodfc.emulator.server import ThreadedServer

    server = ThreadedServer().start()
    yield server
    server.stop()


@pytest.fixture
def vod_server(_vodfc_server: Any) -> Any:
    from vodfc.emulator.app import get_state

    get_state(_vodfc_server.app).reset()
    return _vodfc_server


@pytest.fixture(params=MODES)
def vod(request: pytest.FixtureRequest, vodfc_credentials: Credentials) -> Iterator[VodTarget]:
    if request.param == "inprocess":
        mock = request.getfixturevalue("vod_mock")
        yield VodTarget("inprocess", mock.app, None, vodfc_credentials)
    else:
        server = request.getfixturevalue("vod_server")
        yield VodTarget("server", server.app, server.url, vodfc_credentials)


# --- the project's own functions ------------------------------------------------------------------


@pytest.fixture(scope="session")
def vodfc_descriptor(pytestconfig: pytest.Config) -> Path:
    """The descriptor ``fc`` runs: the ini option ``vodfc_descriptor`` (relative to the rootdir), else the
    rootdir's template.yml, else its s.yaml. A conftest may override this fixture instead (a descriptor
    written at test time, say)."""
    root = pytestconfig.rootpath
    named = str(pytestconfig.getini(DESCRIPTOR_OPTION) or "").strip()
    if named:
        path = root / named
        if not path.is_file():
            pytest.fail(f"{DESCRIPTOR_OPTION} = {named}: there is no {path}", pytrace=False)
        return path
    from vodfc.emulator.fc.descriptor import NAMES, find

    found = find(root)
    if found is None:
        pytest.fail(
            f"the fc fixture found no {' or '.join(NAMES)} in {root} (the rootdir): "
            f"set {DESCRIPTOR_OPTION} in your pytest configuration",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def _vodfc_fc_template(_vodfc_extra: None, vodfc_descriptor: Path) -> Any:
    from vodfc.emulator.fc import descriptor
    from vodfc.emulator.fc.model import TemplateError

    try:
        return descriptor.load(vodfc_descriptor)
    except TemplateError as exc:
        issues = "".join(f"\n  {issue}" for issue in exc.issues)
        pytest.fail(f"{vodfc_descriptor}: invalid descriptor{issues}", pytrace=False)


def _fc_app(template: Any) -> Any:
    """An emulator running ``template``: FC's retries of a failed event delivery do not sleep in tests."""
    from vodfc.emulator.app import create_app
    from vodfc.emulator.config import EmulatorConfig
    from vodfc.emulator.fc import get_fc

    app = create_app(EmulatorConfig())
    component = get_fc(app)
    component.sleep = lambda seconds: None
    component.load(template=template)
    return app


@pytest.fixture(scope="session")
def _vodfc_fc_inprocess(_vodfc_fc_template: Any) -> Iterator[Any]:
    from vodfc.emulator.fc import get_fc

    app = _fc_app(_vodfc_fc_template)
    yield app
    get_fc(app).close()


@pytest.fixture(scope="session")
def _vodfc_fc_server(_vodfc_fc_template: Any) -> Iterator[Any]:
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.server import ThreadedServer

    server = ThreadedServer(_fc_app(_vodfc_fc_template)).start()
    yield server
    server.stop()
    get_fc(server.app).close()


@pytest.fixture(params=MODES)
def fc(request: pytest.FixtureRequest, vodfc_credentials: Credentials) -> Iterator[Any]:
    from vodfc.emulator.app import get_state
    from vodfc.emulator.fc_target import FcTarget
    from vodfc.emulator.mock import MockVod

    if request.param == "inprocess":
        app = request.getfixturevalue("_vodfc_fc_inprocess")
        with MockVod(app=app) as mock:
            if mock.app is not app:
                pytest.fail(
                    "fc runs its own emulator: a test that asks for fc reaches VOD through fc.vod, not "
                    "through vod or vod_mock (or an enclosing mock_vod)",
                    pytrace=False,
                )
            target = FcTarget("inprocess", app, None, VodTarget("inprocess", app, None, vodfc_credentials))
            target.route_vod_events()
            yield target
            target.runtime.drain(5)
    else:
        server = request.getfixturevalue("_vodfc_fc_server")
        get_state(server.app).reset()
        vod = VodTarget("server", server.app, server.url, vodfc_credentials)
        target = FcTarget("server", server.app, server.url, vod)
        target.route_vod_events()
        yield target
        target.runtime.drain(5)
