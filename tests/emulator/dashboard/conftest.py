"""Dashboard tests: a real emulator with the demo library, and a Flask test client signed in to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig


@pytest.fixture
def app() -> Iterator[Any]:
    from vodfc.emulator.app import emulator_of

    built = create_app(EmulatorConfig(seed=True))
    yield built
    emulator_of(built).close()


@pytest.fixture
def token(app: Any) -> str:
    return str(get_state(app).guard.token)


@pytest.fixture
def client(app: Any, token: str) -> Any:
    """A test client that signed in the way a browser does (the token URL, then the cookie)."""
    signed = app.test_client()
    answer = signed.get(f"/_vodfc/?token={token}")
    assert answer.status_code == 303
    return signed
