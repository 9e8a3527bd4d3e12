"""What a function's cold start loads from shared/, and the record classes that replace dataclasses there."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from shared._record import FrozenRecord, Record
from shared.config import Credentials, Endpoint
from shared.events.tagging import Rules
from shared.fc.deploy import Deploy, Timer
from shared.fc.router import Response, Route
from shared.retry import RetryPolicy
from tests.repo import REPO

FUNCTIONS = REPO / "functions"

# Loaded by the module, reports the shared modules in sys.modules and the dataclasses defined in them.
_PROBE = """
import dataclasses, json, sys
sys.path.insert(0, {folder!r})
import index
shared = sorted(m for m in sys.modules if m == "shared" or m.startswith("shared."))
built = sorted(
    f"{{name}}.{{attr}}"
    for name in shared
    for attr, value in vars(sys.modules[name]).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
)
print(json.dumps({{"modules": shared, "dataclasses": built}}))
"""


def _cold_start(function: str) -> dict[str, list[str]]:
    code = _PROBE.format(folder=str(FUNCTIONS / function))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, list[str]] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("function", ["get_video_info", "auto_tag"])
def test_a_cold_start_builds_no_dataclass_in_shared(function: str) -> None:
    assert _cold_start(function)["dataclasses"] == []


def test_an_operation_function_loads_no_event_code() -> None:
    modules = _cold_start("get_video_info")["modules"]
    assert "shared.fc.app" in modules
    assert not [m for m in modules if m.startswith("shared.events")]


def test_an_event_function_loads_the_parser_but_not_the_signature_checks() -> None:
    modules = _cold_start("auto_tag")["modules"]
    assert "shared.events.parse" in modules
    assert "shared.events.signature" not in modules


def test_frozen_records_compare_hash_and_refuse_assignment_like_frozen_dataclasses() -> None:
    endpoint = Endpoint("h:1", "https")
    assert endpoint == Endpoint("h:1", "https") and endpoint != Endpoint("h:1")
    assert hash(endpoint) == hash(Endpoint("h:1", "https"))
    assert repr(endpoint) == "Endpoint(host='h:1', scheme='https')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        endpoint.host = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del endpoint.scheme
    assert isinstance(endpoint, FrozenRecord)


def test_deploy_knobs_are_frozen_records_that_compare_and_hash_their_mappings() -> None:
    knobs = Deploy(timeout=300, timer=Timer("daily", "0 0 3 * * *"), config={"keep": ["SD", "HD"]})
    same = Deploy(timeout=300, timer=Timer("daily", "0 0 3 * * *"), config={"keep": ["SD", "HD"]})
    assert knobs == same and hash(knobs) == hash(same)
    assert knobs != Deploy(timeout=300, timer=Timer("daily", "0 0 3 * * *"), config={"keep": ["SD"]})
    assert isinstance(knobs, FrozenRecord) and Deploy().env == {} and Deploy().timeout == 60


def test_hidden_fields_stay_out_of_the_repr_and_uncompared_ones_out_of_equality() -> None:
    creds = Credentials("AKID", "s3cr3t-value", "t0ken-value", "context")
    assert repr(creds) == "Credentials(access_key_id='AKID', source='context')"
    assert RetryPolicy(3, random=lambda: 0.5) == RetryPolicy(3)
    assert "random" not in repr(RetryPolicy())
    first, second = (Route.build("GET", "/videos/{id}", lambda r: Response()) for _ in range(2))
    assert first == second and repr(first) == "Route(method='GET', template='/videos/{id}')"


def test_mutable_records_are_unhashable_and_defaults_are_not_shared() -> None:
    response = Response()
    assert isinstance(response, Record) and response == Response(200, None, {})
    with pytest.raises(TypeError):
        hash(response)
    response.headers["X"] = "1"
    assert Response().headers == {}
    assert Rules().resolution_tags is not Rules().resolution_tags
