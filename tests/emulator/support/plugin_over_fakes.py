"""The plugin's ``vod`` fixtures over the fake VOD backend, for the tests of the request path.

The plugin builds ``vod_mock`` and ``vod_server`` (and so ``vod``) on two session fixtures. A test module or
conftest that imports the two below overrides them for its tests only, so the plugin's public fixtures run
against the stand-in VOD package (tests/emulator/support/fakes.py); everywhere else ``vod`` is the real
emulator. Both hand over the session's one fake app and server (tests/emulator/conftest.py), however many
modules import them.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session", name="_vodfc_mock_app")
def fake_mock_app(_fake_plugin_app: Any) -> Any:
    return _fake_plugin_app


@pytest.fixture(scope="session", name="_vodfc_server")
def fake_server(_fake_plugin_server: Any) -> Any:
    return _fake_plugin_server
