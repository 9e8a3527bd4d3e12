"""FC 3.0's MNS-queue trigger: an EventBridge event stream from one of the account's MNS queues to a function.

VOD writes its event notifications to the MNS queue its message callback names (``SetMessageCallback
CallbackType=MNS MnsQueueName=...``); the emulator's bus keeps those queues (``vodfc.emulator.events.mns``).
Every ``EventBridge`` trigger whose source is that queue (``SourceType: MNS``, ``QueueName``) reads it:

* a queue gives each message to **one** reader: with several triggers on one queue, each message goes to
  one of them, in turn (round-robin; which one MNS would pick is not documented, only that one does);
* a trigger hands its function EventBridge's CloudEvents object for the message (``mns:Queue:SendMessage``,
  ``source`` and ``aliyuneventbusname`` ``MNS-<function>-<trigger>``, the message in ``data.messageBody``,
  Base64-decoded first when the trigger says ``IsBase64Decode``): in ``event-driven`` mode (the default)
  one object per message; in ``event-streaming`` mode (``runOptions.mode``) a JSON array of up to
  ``BatchSize`` of them (``batchWindow.CountBasedWindow``), an array even of one, as FC documents the
  trigger's event; with ``eventSchema: RawData`` each event's ``data`` alone, in its place;
* a failed invocation is retried as the trigger's ``PushRetryStrategy`` says, up to the runtime's attempt
  limit; then the message is dropped (``errorsTolerance: ALL``) and the delivery recorded as failed. The
  message leaves the queue once handled either way.

Messages are read as they arrive (the queue's listener calls :meth:`QueueReaders.pump` in the thread that
wrote them, as the topic path delivers in the bus's thread) and, when a descriptor is loaded, whatever
waited in the queue before.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from vodfc.emulator.events.mns import MnsMessage, MnsQueues
from vodfc.emulator.events.wire import eventbridge_mns, mns_trigger_source
from vodfc.emulator.fc.model import Function, Trigger
from vodfc.emulator.fc.runtime import Delivery, FunctionRuntime

# How long a message taken by a reader stays hidden: longer than any retry sequence here.
VISIBILITY_TIMEOUT = 3600.0


class QueueReaders:
    """The EventBridge triggers of one runtime, reading one account's MNS queues."""

    def __init__(self, runtime: FunctionRuntime, queues: MnsQueues, account_id: str):
        self.runtime = runtime
        self.queues = queues
        self.account_id = account_id
        self._turn: dict[str, int] = {}
        self._lock = threading.Lock()

    def readers(self, queue_name: str) -> list[tuple[Function, Trigger]]:
        """The enabled MNS-source EventBridge triggers reading ``queue_name``, in descriptor order."""
        found = []
        for function in self.runtime.functions():
            for trigger in function.triggers_of("EventBridge"):
                props = trigger.properties
                if (
                    props.get("SourceType") == "MNS"
                    and props.get("QueueName") == queue_name
                    and props.get("Enable")
                ):
                    found.append((function, trigger))
        return found

    def queue_names(self) -> list[str]:
        return sorted(
            {str(t.properties["QueueName"]) for f in self.runtime.functions() for t in self._mns(f)}
        )

    def pump(self, queue_name: str) -> list[Delivery]:
        """Hand every visible message of the queue to its readers; returns the deliveries made."""
        readers = self.readers(queue_name)
        if not readers:
            return []
        queue = self.queues.queue(self.account_id, queue_name)
        deliveries: list[Delivery] = []
        while True:
            with self._lock:
                # The reader whose turn it is takes its batch; the turn passes only when it took one.
                turn = self._turn.get(queue_name, 0)
                function, trigger = readers[turn % len(readers)]
                size = max(1, int(trigger.properties.get("BatchSize") or 1)) if _streaming(trigger) else 1
                messages = [
                    m for m in (queue.receive(VISIBILITY_TIMEOUT) for _ in range(size)) if m is not None
                ]
                if not messages:
                    return deliveries
                self._turn[queue_name] = turn + 1
            receipts = [message.receipt_handle for message in messages]
            deliveries.append(self._deliver(function, trigger, queue_name, messages))
            for receipt in receipts:
                queue.delete(receipt)

    def pump_all(self) -> list[Delivery]:
        return [delivery for name in self.queue_names() for delivery in self.pump(name)]

    def _deliver(
        self, function: Function, trigger: Trigger, queue_name: str, messages: list[MnsMessage]
    ) -> Delivery:
        source = mns_trigger_source(function.name, trigger.name)
        envelopes = [self._envelope(trigger, source, queue_name, message) for message in messages]
        events: list[Any] = envelopes
        if trigger.properties.get("EventSchema") == "RawData":
            events = [envelope["data"] for envelope in envelopes]
        payload = events if _streaming(trigger) else events[0]
        event_types = {_event_type(message) for message in messages}
        return self.runtime.deliver(
            function,
            trigger,
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            ",".join(sorted(event_types)),
            kind="eventbridge",
            strategy=str(trigger.properties.get("RetryStrategy") or "BACKOFF_RETRY"),
        )

    def _envelope(
        self, trigger: Trigger, source: str, queue_name: str, message: MnsMessage
    ) -> dict[str, Any]:
        # The body as EventBridge passes it on: decoded when the trigger asks for it, else as it was sent.
        body = message.decoded() if trigger.properties.get("IsBase64Decode") else message.body
        return eventbridge_mns(
            body,
            queue=queue_name,
            region=self.runtime.region,
            account=self.account_id,
            message_id=message.message_id,
            time=self.runtime.clock(),
            source=source,
        )

    @staticmethod
    def _mns(function: Function) -> list[Trigger]:
        return [t for t in function.triggers_of("EventBridge") if t.properties.get("SourceType") == "MNS"]


def _streaming(trigger: Trigger) -> bool:
    return trigger.properties.get("Mode") == "event-streaming"


def _event_type(message: MnsMessage) -> str:
    try:
        return str(json.loads(message.decoded()).get("EventType", ""))
    except (ValueError, AttributeError):
        return ""
