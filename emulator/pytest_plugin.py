"""pytest fixtures for the vodfc emulator, loaded through the ``pytest11`` entry point.

* ``vodfc_credentials``: the default AccessKey pair, account and region.
* ``vod_mock``: ``mock_vod()`` active for the test, fresh state.
* ``vod_server``: one ``ThreadedServer`` per session (per xdist worker), reset before each test.
* ``vod``: parametrized over ``inprocess`` and ``server``; ``.acs_client()`` / ``.tea_client()``
  build the official clients pointed at the emulator, ``.backend`` is the state behind them,
  ``.admin_headers`` authenticate a request to the admin plane (``/_vodfc/...``) of its server.
  In-process, ``mock_vod`` adds the admin token to such requests itself.

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
from typing import Any

import pytest
from vodfc.emulator.config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
)

MODES = ("inprocess", "server")


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
