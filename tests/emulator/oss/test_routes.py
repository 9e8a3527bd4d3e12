"""OSS's path-style routes on the emulator's own host leave the admin plane's prefix alone: a ``/_vodfc/``
path no component serves (a typo, or the route of a component this emulator was built without) is the
control plane's JSON 404 or 405, never OSS's XML ``InvalidBucketName`` for a bucket named ``_vodfc``."""

from __future__ import annotations

from typing import Any

import pytest
from vodfc.emulator.app import create_app
from vodfc.emulator.config import EmulatorConfig

TOKEN = "oss-routes-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client() -> Any:
    # OSS without the faults and events components: their admin routes are not there.
    return create_app(EmulatorConfig(components=("oss",), admin_token=TOKEN)).test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/_vodfc/faults"), ("GET", "/_vodfc/events"), ("GET", "/_vodfc/nowhere/at/all")],
)
def test_an_admin_path_no_component_serves_is_a_json_404(client: Any, method: str, path: str) -> None:
    answer = client.open(path, method=method, headers=ADMIN)
    assert (answer.status_code, answer.mimetype) == (404, "application/json")
    assert answer.get_json()["error"] == "Not Found"


def test_a_control_route_with_the_wrong_method_is_a_json_405(client: Any) -> None:
    answer = client.get("/_vodfc/reset", headers=ADMIN)
    assert (answer.status_code, answer.mimetype) == (405, "application/json")
    assert answer.get_json()["error"] == "Method Not Allowed"


def test_other_paths_stay_oss_paths(client: Any) -> None:
    # Not a bucket OSS allows, and OSS says so, in its own XML.
    answer = client.get("/_other/key", headers=ADMIN)
    assert (answer.status_code, answer.mimetype) == (400, "application/xml")
    assert b"<Code>InvalidBucketName</Code>" in answer.data
    assert client.get("/missing-bucket/key").status_code == 404
