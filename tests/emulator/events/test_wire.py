"""The envelopes a function receives VOD's events in, field by field as FC documents them."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from vodfc.emulator.events import wire

from tests.emulator.support.events import FC_MNS_QUEUE_EVENT_FIELDS

EVENT = {"EventType": "FileUploadComplete", "VideoId": "v1", "Status": "success"}


def test_an_mns_queue_triggers_cloudevent_has_fcs_fields_and_values() -> None:
    when = datetime(2026, 4, 8, 6, 28, 17, 93000, tzinfo=timezone.utc)
    source = wire.mns_trigger_source("VodEvents", "vod-queue")
    event = wire.eventbridge_mns(
        EVENT,
        queue="vod-events",
        region="cn-beijing",
        account="123",
        time=when,
        source=source,
        message_id="M1",
    )
    assert list(event) == list(FC_MNS_QUEUE_EVENT_FIELDS)
    assert (event["source"], event["aliyuneventbusname"]) == ("MNS-VodEvents-vod-queue",) * 2
    assert (event["specversion"], event["type"]) == ("1.0", "mns:Queue:SendMessage")
    assert event["datacontenttype"] == "application/json; charset=utf-8"
    assert event["subject"] == "acs:mns:cn-beijing:123:queues/vod-events"
    assert event["time"] == event["aliyunpublishtime"] == "2026-04-08T06:28:17.093Z"
    assert event["aliyunaccountid"] == event["aliyunoriginalaccountid"] == "123"
    assert event["aliyunregionid"] == "cn-beijing"
    assert list(event["data"]) == ["requestId", "messageId", "messageBody"]
    assert event["data"]["messageId"] == "M1"
    assert json.loads(event["data"]["messageBody"]) == EVENT


def test_without_a_trigger_the_source_is_eventbridges_mns_source_on_the_default_bus() -> None:
    event = wire.eventbridge_mns(EVENT, base64_body=True)
    assert (event["source"], event["aliyuneventbusname"]) == ("acs:mns", "default")
    assert json.loads(base64.b64decode(event["data"]["messageBody"])) == EVENT
