"""The action table: parts merged without overlap, one table per emulator, holding only what its
components provide; and the component selection that decides it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vodfc.emulator.app import create_app, emulator_of
from vodfc.emulator.build import COMPONENTS, ComponentError, build
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.vod.action_table import CORE_ACTIONS, ActionTable, DuplicateAction
from vodfc.emulator.vod.exceptions import InvalidApiNotFound

from tests.emulator.support.refusals import detail_of


def first(*args: Any) -> dict[str, Any]:
    return {"from": "first"}


def second(*args: Any) -> dict[str, Any]:
    return {"from": "second"}


def test_parts_merge_and_names_are_sorted() -> None:
    table = ActionTable({"B": first, "A": first}, {"C": second})
    assert table.names == ("A", "B", "C") and dict(table) == {"A": first, "B": first, "C": second}
    assert table.dispatch(None, "C", {}, None) == {"from": "second"}  # type: ignore[arg-type]
    with pytest.raises(InvalidApiNotFound):
        table.dispatch(None, "D", {}, None)  # type: ignore[arg-type]


def test_an_action_defined_twice_is_an_error() -> None:
    with pytest.raises(DuplicateAction, match="the VOD action B is defined twice"):
        ActionTable({"A": first, "B": first}, {"B": second})


def test_each_emulator_has_the_actions_of_its_components() -> None:
    everything = emulator_of(create_app())
    assert everything.components == COMPONENTS
    extra = {
        "events": {"SetMessageCallback", "GetMessageCallback", "DeleteMessageCallback"},
        "ingest": {
            "CreateUploadVideo",
            "RefreshUploadVideo",
            "CreateUploadImage",
            "CreateUploadAttachedMedia",
            "GetUploadDetails",
        },
        "lifecycle": {"SubmitTranscodeJobs", "SubmitSnapshotJob"},
    }
    assert set(everything.actions.names) == set(CORE_ACTIONS.names).union(*extra.values())
    for component, names in extra.items():
        others = tuple(name for name in COMPONENTS if name != component)
        without = emulator_of(create_app(EmulatorConfig(components=others)))
        assert set(everything.actions.names) - set(without.actions.names) == names


@pytest.mark.parametrize("action", ["CreateUploadVideo", "SetMessageCallback", "SubmitTranscodeJobs"])
def test_an_action_of_a_component_not_selected_is_not_found(action: str) -> None:
    app = create_app(EmulatorConfig(components=(), verify_signatures=False))
    query = {
        "Action": action,
        "Version": "2017-03-21",
        "Format": "JSON",
        "AccessKeyId": "vodfc-access-key-id",
    }
    answer = app.test_client().get("/", query_string=query)
    body = json.loads(answer.data)
    assert (answer.status_code, body["Code"]) == (404, "InvalidApi.NotFound")
    assert body["Message"] == "Specified api is not found, please check your url and method."
    # The explanation lists what this emulator does answer: its own table.
    assert detail_of(answer) == f"This emulator supports: {', '.join(CORE_ACTIONS.names)}."


def test_unknown_components_are_an_error_when_the_emulator_is_built() -> None:
    with pytest.raises(ComponentError, match=r"unknown emulator component\(s\) 'vodfc.emulator.oss'"):
        build(EmulatorConfig(components=("vodfc.emulator.oss",)))
    with pytest.raises(ComponentError, match="not the string"):
        build(EmulatorConfig(components="oss"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("components", "missing"), [(("ingest",), "oss and media"), (("oss", "ingest"), "media")]
)
def test_a_component_without_what_it_needs_is_an_error(components: tuple[str, ...], missing: str) -> None:
    with pytest.raises(ComponentError, match=f"the ingest component needs {missing}, which is not selected"):
        build(EmulatorConfig(components=components))


@pytest.mark.parametrize("order", [("events", "faults", "fc"), ("fc", "faults", "events")])
def test_the_order_components_are_named_in_does_not_matter(order: tuple[str, ...]) -> None:
    emulator = build(EmulatorConfig(components=order))
    assert emulator.components == ("events", "faults", "fc")
    assert emulator.events is not None and emulator.faults is not None and emulator.fc is not None
    # Faults decide event deliveries, the functions hear the bus; both survive a reset.
    emulator.reset()
    assert emulator.events.fault_hook == emulator.faults.event_decision
    assert [s.callback for s in emulator.events.subscriptions] == [emulator.fc.on_event]


def test_the_lifecycle_follows_ingest_whatever_the_order() -> None:
    emulator = build(EmulatorConfig(components=("lifecycle", "ingest", "media", "oss")))
    assert emulator.ingest is not None and emulator.lifecycle is not None
    assert emulator.ingest.on_upload_complete == [emulator.lifecycle.ingested]
    assert emulator.lifecycle.media and emulator.lifecycle.oss is emulator.oss
    alone = build(EmulatorConfig(components=("lifecycle",))).lifecycle
    assert alone is not None and not alone.media and alone.oss is None and alone.bus is None
