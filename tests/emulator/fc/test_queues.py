"""FC 3.0's MNS-queue (EventBridge) triggers read the queue VOD's MNS message callback writes to.

One message reaches one reader: with several triggers on one queue they take turns. The project's s.yaml
has one reader, the event router, which runs every event function that handles the event.
"""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_ACCESS_KEY, AccessKeyPair, EmulatorConfig
from vodfc.emulator.events import get_bus
from vodfc.emulator.events import payloads as p
from vodfc.emulator.fc import get_fc

from tests.emulator.fc.support import CONFIG
from tests.emulator.support.events import FC_MNS_QUEUE_EVENT_FIELDS
from tests.repo import REPO

QUEUE = "vod-queue"
READER = """
import json, os

def handler(event, context):
    data = json.loads(event)
    first = data[0] if isinstance(data, list) else data
    body = first["data"]["messageBody"] if "data" in first else first["messageBody"]
    if os.environ.get("FAIL") and "fail" in body:
        raise RuntimeError("cannot take it")
    return {"reader": context.function.name, "batch": len(data) if isinstance(data, list) else 0,
            "body": body, "type": first.get("type"), "subject": first.get("subject"), "event": data}
"""


def reader(
    name: str,
    *,
    queue: str = QUEUE,
    decode: bool = False,
    batch: int = 1,
    env: str = "",
    mode: str = "event-streaming",
    schema: str = "CloudEvents",
) -> str:
    return textwrap.indent(
        textwrap.dedent(
            f"""\
            {name}:
              component: fc3
              props:
                region: ${{vars.region}}
                functionName: {name}
                runtime: python3.10
                code: ./code
                handler: main.handler
                environmentVariables: {{{env}}}
                triggers:
                  - triggerName: from-queue
                    triggerType: eventbridge
                    triggerConfig:
                      triggerEnable: true
                      asyncInvocationType: false
                      eventRuleFilterPattern: '{{}}'
                      eventSourceConfig:
                        eventSourceType: MNS
                        eventSourceParameters:
                          sourceMNSParameters: {{QueueName: {queue}, IsBase64Decode: {str(decode).lower()}}}
                      eventSinkConfig: {{deliveryOption: {{mode: {mode}, eventSchema: {schema}}}}}
                      runOptions:
                        mode: {mode}
                        retryStrategy: {{PushRetryStrategy: BACKOFF_RETRY}}
                        batchWindow: {{CountBasedWindow: {batch}}}
            """
        ),
        "  ",
    )


def project(root: Path, *readers: str) -> Path:
    (root / "code").mkdir(parents=True, exist_ok=True)
    (root / "code" / "main.py").write_text(READER)
    path = root / "s.yaml"
    path.write_text(
        "edition: 3.0.0\nname: queues\nvars: {region: cn-shanghai}\nresources:\n" + "".join(readers)
    )
    return path


@pytest.fixture
def app() -> Any:
    app = create_app(CONFIG)
    get_fc(app).sleep = lambda seconds: None
    yield app
    get_fc(app).close()


def send(app: Any, text: str, *, account: str | None = None) -> None:
    bus = get_bus(app)
    bus.mns.queue(account or get_fc(app).account_id, QUEUE).send(text)


def answers(app: Any) -> list[dict[str, Any]]:
    return [json.loads(d.invocation.body) for d in get_fc(app).runtime.deliveries if d.invocation.ok]


def test_each_message_goes_to_one_of_the_readers_of_a_queue_in_turn(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(project(tmp_path, reader("First"), reader("Second"), reader("Elsewhere", queue="other")))
    for n in range(4):
        send(app, json.dumps({"EventType": "FileUploadComplete", "n": n}))
    got = answers(app)
    assert [a["reader"] for a in got] == ["First", "Second", "First", "Second"]
    assert sorted(json.loads(a["body"])["n"] for a in got) == [0, 1, 2, 3]  # each exactly once
    assert len(get_bus(app).mns.queue(get_fc(app).account_id, QUEUE)) == 0
    assert got[0]["type"] == "mns:Queue:SendMessage"
    assert got[0]["subject"].endswith(f":queues/{QUEUE}")


def test_what_waited_in_the_queue_is_read_when_the_descriptor_is_loaded(app: Any, tmp_path: Path) -> None:
    send(app, "waiting")
    get_fc(app).load(project(tmp_path, reader("Late")))
    assert [a["body"] for a in answers(app)] == ["waiting"]


def test_a_base64_body_is_decoded_only_when_the_trigger_says_so(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(project(tmp_path, reader("Raw"), reader("Decoded", decode=True)))
    encoded = base64.b64encode(b'{"EventType": "x"}').decode()
    send(app, encoded)
    send(app, encoded)
    assert {a["reader"]: a["body"] for a in answers(app)} == {"Raw": encoded, "Decoded": '{"EventType": "x"}'}


def test_a_batch_window_hands_several_messages_to_one_invocation(app: Any, tmp_path: Path) -> None:
    send(app, "one")
    send(app, "two")
    send(app, "three")
    get_fc(app).load(project(tmp_path, reader("Batched", batch=2)))
    assert [a["batch"] for a in answers(app)] == [2, 1]


def test_a_failing_invocation_is_retried_then_the_message_is_dropped(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(project(tmp_path, reader("Picky", env="FAIL: '1'")))
    send(app, "please fail")
    send(app, "fine")
    runtime = get_fc(app).runtime
    failed, fine = runtime.deliveries
    assert (failed.attempts, failed.invocation.ok) == (runtime.mns_max_attempts, False)
    assert (fine.attempts, fine.invocation.ok) == (1, True)
    assert len(get_bus(app).mns.queue(get_fc(app).account_id, QUEUE)) == 0


def test_another_accounts_queue_is_not_read(tmp_path: Path) -> None:
    other = AccessKeyPair("ak2", "sk2", "1111222233334444")
    app = create_app(CONFIG.with_changes(access_keys=(DEFAULT_ACCESS_KEY, other)))
    try:
        get_fc(app).load(project(tmp_path, reader("Mine")))
        send(app, "theirs", account="1111222233334444")
        assert get_fc(app).runtime.deliveries == []
    finally:
        get_fc(app).close()


def test_the_router_gets_a_vod_event_through_its_eventbridge_trigger_and_runs_every_handler() -> None:
    app = create_app(EmulatorConfig())
    component = get_fc(app)
    component.sleep = lambda seconds: None
    try:
        runtime = component.load(REPO / "s.yaml")
        bus = get_bus(app)
        video_id = get_state(app).seed()["video_ids"][0]
        # Where VOD writes its events: SetMessageCallback CallbackType=MNS, MnsQueueName=vodfc-vod-events.
        bus.configure(callback_type="MNS", mns_queue_name="vodfc-vod-events")
        bus.emit(p.transcode_complete(video_id, p.example_streams(video_id)))
        assert bus.flush(10)
        (delivery,) = runtime.deliveries
        assert (delivery.function, delivery.trigger, delivery.event_type) == (
            "VodEvents",
            "vod-events",
            "TranscodeComplete",
        )
        assert delivery.invocation.ok and delivery.invocation.kind == "eventbridge"
        # Every event function that handles TranscodeComplete ran, each once.
        results = delivery.invocation.json()["Results"]
        assert [r["Function"] for r in results] == ["delete_source", "prune_streams"]
        assert {r["MediaId"] for r in results} == {video_id}
    finally:
        component.close()


def test_event_streaming_hands_an_array_of_fcs_cloudevents_even_of_one(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(project(tmp_path, reader("Streamed")))
    send(app, '{"EventType": "FileUploadComplete"}')
    (answer,) = answers(app)
    (event,) = answer["event"]
    # The function's answer is JSON with sorted keys (FC's runtime): the order is test_wire's to check.
    assert sorted(event) == sorted(FC_MNS_QUEUE_EVENT_FIELDS)
    # FC makes the trigger an EventBridge source and bus of its own: MNS-<function>-<trigger>.
    assert event["source"] == event["aliyuneventbusname"] == "MNS-Streamed-from-queue"
    assert (event["specversion"], event["type"]) == ("1.0", "mns:Queue:SendMessage")
    assert event["datacontenttype"] == "application/json; charset=utf-8"
    account = get_fc(app).account_id
    assert event["subject"] == f"acs:mns:cn-shanghai:{account}:queues/{QUEUE}"
    assert event["aliyunaccountid"] == event["aliyunoriginalaccountid"] == account
    assert event["time"].endswith("Z") and event["time"] == event["aliyunpublishtime"]
    assert sorted(event["data"]) == ["messageBody", "messageId", "requestId"]
    assert event["data"]["messageBody"] == '{"EventType": "FileUploadComplete"}'


def test_event_driven_hands_one_cloudevents_object_per_message(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(project(tmp_path, reader("Driven", mode="event-driven", batch=5)))
    send(app, "one")
    send(app, "two")
    got = answers(app)
    assert [a["batch"] for a in got] == [0, 0]  # never an array, whatever the batch window
    assert [sorted(a["event"]) for a in got] == [sorted(FC_MNS_QUEUE_EVENT_FIELDS)] * 2
    assert [a["body"] for a in got] == ["one", "two"]


def test_raw_data_hands_each_events_data_alone(app: Any, tmp_path: Path) -> None:
    send(app, "one")
    send(app, "two")
    get_fc(app).load(project(tmp_path, reader("Raw", schema="RawData", batch=2)))
    (answer,) = answers(app)
    assert [sorted(item) for item in answer["event"]] == [["messageBody", "messageId", "requestId"]] * 2
    assert [item["messageBody"] for item in answer["event"]] == ["one", "two"]
