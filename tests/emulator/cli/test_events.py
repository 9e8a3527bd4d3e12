"""``vodfc events generate`` prints what the builders (and so the emulator) produce, in every envelope."""

from __future__ import annotations

import base64
import json

import pytest
from vodfc.emulator.cli import main
from vodfc.emulator.events import payloads as p
from vodfc.emulator.events import wire

from shared.events import parse_event, parse_events
from shared.events.signature import sign
from shared.events.types import TimerEvent, TranscodeComplete

FIXED = ["--seed", "3", "--time", "2026-01-01T00:00:00Z"]


def run(capsys, *argv: str) -> str:
    assert main(["events", "generate", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("event_type", p.EVENT_TYPES)
def test_raw_output_is_the_builders_exact_bytes(capsys, event_type: str) -> None:
    out = run(capsys, event_type, "--video-id", "v" * 32, *FIXED)
    import random
    from datetime import datetime, timezone

    expected = p.example(
        event_type, video_id="v" * 32, now=datetime(2026, 1, 1, tzinfo=timezone.utc), rng=random.Random(3)
    )
    assert out.encode() == wire.encode(expected) + b"\n"


@pytest.mark.parametrize("envelope", ["raw", "mns-topic", "mns-json", "eventbridge"])
def test_every_envelope_parses_back_to_the_event(capsys, envelope: str) -> None:
    out = run(capsys, "FileUploadComplete", "--video-id", "abc", "--envelope", envelope, *FIXED)
    (event,) = parse_events(out.encode())
    assert event.video_id == "abc" and event.event_type == "FileUploadComplete"


def test_the_envelopes_are_what_the_fc_runtime_hands_a_function(capsys) -> None:
    import random
    from datetime import datetime, timezone

    from vodfc.emulator.config import DEFAULT_ACCOUNT_ID
    from vodfc.emulator.fc.template import Trigger

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    event = p.example("FileUploadComplete", video_id="abc", now=now, rng=random.Random(3))
    trigger = Trigger(
        "vod-events", "MNSTopic", {"TopicName": wire.VOD_EVENTS_TOPIC, "NotifyContentFormat": "JSON"}
    )
    body = wire.encode(event).decode()
    delivered = json.loads(wire.mns_topic_event(trigger, body, "FileUploadComplete", DEFAULT_ACCOUNT_ID, now))
    printed = json.loads(
        run(capsys, "FileUploadComplete", "--video-id", "abc", "--envelope", "mns-json", *FIXED)
    )
    assert printed.pop("MessageId") != delivered.pop("MessageId")  # one per message
    assert printed == delivered and printed["SubscriptionName"] == "fc-vod-events"
    timer = run(capsys, "Timer", "--trigger", "daily", "--payload", "p", *FIXED)
    assert timer.encode() == wire.timer_event(Trigger("daily", "Timer", {"Payload": "p"}), now) + b"\n"


def test_eventbridge_base64_body(capsys) -> None:
    out = json.loads(run(capsys, "FileUploadComplete", "--envelope", "eventbridge", "--base64", *FIXED))
    body = json.loads(base64.b64decode(out["data"]["messageBody"]))
    assert body["EventType"] == "FileUploadComplete"


def test_signed_callback(capsys) -> None:
    out = json.loads(
        run(
            capsys,
            "TranscodeComplete",
            "--envelope",
            "callback",
            "--callback-url",
            "http://h/cb",
            "--auth-key",
            "Key123abc",
            "--timestamp",
            "1700000000",
            *FIXED,
        )
    )
    assert out["headers"]["X-VOD-SIGNATURE"] == sign("http://h/cb", 1700000000, "Key123abc")
    assert isinstance(parse_event(out["body"]), TranscodeComplete)


def test_failed_definitions(capsys) -> None:
    event = parse_event(run(capsys, "TranscodeComplete", "--failed", "fd", *FIXED))
    assert isinstance(event, TranscodeComplete)
    assert [s.definition for s in event.failed_streams] == ["FD"] and event.succeeded


def test_timer_and_extend(capsys) -> None:
    timer = parse_event(run(capsys, "Timer", "--payload", '{"dry_run": true}', *FIXED))
    assert isinstance(timer, TimerEvent) and timer.payload_json == {"dry_run": True}
    event = parse_event(run(capsys, "FileUploadComplete", "--extend", '{"k": "v"}', *FIXED))
    assert event.extend_json == {"k": "v"}


def test_unknown_type_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["events", "generate", "NoSuchEvent"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_emit_puts_the_event_on_a_running_emulators_bus(capsys, vod_server, monkeypatch) -> None:
    from vodfc.emulator.events import get_bus

    monkeypatch.setenv("VODFC_ADMIN_TOKEN", vod_server.admin_token)

    # DeleteMediaComplete: no function of the template subscribes to it, so only the bus is involved
    assert (
        main(["events", "emit", "DeleteMediaComplete", "--video-id", "v-emit", "--url", vod_server.url]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert record
    (event,) = get_bus(vod_server.app).events("DeleteMediaComplete", MediaId="v-emit")
    assert event["DeleteType"] == "all"


def test_emit_to_nowhere_is_a_clear_error(capsys) -> None:
    assert main(["events", "emit", "DeleteMediaComplete", "--url", "http://127.0.0.1:9"]) == 1
    assert "cannot reach the emulator at http://127.0.0.1:9" in capsys.readouterr().err
