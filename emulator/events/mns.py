"""MNS-style queues for accounts whose callback type is MNS.

VOD writes one message per event to the configured queue; the body is the event JSON, Base64-encoded
by default (the Python MNS SDK decodes Base64 unless told otherwise; whether VOD encodes is not known,
so it is a switch). A received message stays invisible for the visibility timeout and comes back
with a higher dequeue count unless deleted with its receipt handle, like MNS's ReceiveMessage /
DeleteMessage. Time is the emulator clock, so tests move it instead of waiting.

Whoever reads the queues as they fill (FC 3.0's MNS-queue triggers, ``vodfc.emulator.fc.queues``) adds a
listener: ``listener(account_id, queue_name)`` is called after each message is written, outside any lock.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DEFAULT_VISIBILITY_TIMEOUT = 30.0
log = logging.getLogger("vodfc.events")
Listener = Callable[[str, str], None]


@dataclass
class MnsMessage:
    message_id: str
    body: str
    enqueue_time: datetime
    body_md5: str
    dequeue_count: int = 0
    receipt_handle: str = ""
    next_visible: datetime | None = None

    def decoded(self) -> str:
        """The event JSON whether or not the body was Base64-encoded."""
        try:
            return base64.b64decode(self.body.encode("ascii"), validate=True).decode("utf-8")
        except (ValueError, UnicodeError):
            return self.body

    def as_json(self) -> dict[str, Any]:
        return {
            "MessageId": self.message_id,
            "ReceiptHandle": self.receipt_handle,
            "MessageBody": self.body,
            "MessageBodyMD5": self.body_md5,
            "EnqueueTime": int(self.enqueue_time.timestamp() * 1000),
            "DequeueCount": self.dequeue_count,
        }


class MnsQueue:
    def __init__(self, name: str, clock: Callable[[], datetime], on_send: Callable[[], None] | None = None):
        self.name = name
        self._clock = clock
        self._lock = threading.Lock()
        self._messages: list[MnsMessage] = []
        self._on_send = on_send

    def send(self, body: str) -> MnsMessage:
        message = MnsMessage(
            message_id=uuid.uuid4().hex.upper(),
            body=body,
            enqueue_time=self._clock(),
            body_md5=hashlib.md5(body.encode("utf-8")).hexdigest().upper(),
        )
        with self._lock:
            self._messages.append(message)
        if self._on_send is not None:
            self._on_send()
        return message

    def receive(self, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT) -> MnsMessage | None:
        """The oldest visible message, now hidden for ``visibility_timeout`` seconds; None if none."""
        now = self._clock()
        with self._lock:
            for message in self._messages:
                if message.next_visible is None or message.next_visible <= now:
                    message.dequeue_count += 1
                    message.receipt_handle = uuid.uuid4().hex
                    message.next_visible = now + timedelta(seconds=visibility_timeout)
                    return message
        return None

    def delete(self, receipt_handle: str) -> bool:
        with self._lock:
            for index, message in enumerate(self._messages):
                if receipt_handle and message.receipt_handle == receipt_handle:
                    del self._messages[index]
                    return True
        return False

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)


class MnsQueues:
    """The queues of one app, keyed by (account, queue name); created on first write or read."""

    def __init__(self, clock: Callable[[], datetime]):
        self._clock = clock
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str], MnsQueue] = {}
        self.listeners: list[Listener] = []

    def queue(self, account_id: str, name: str) -> MnsQueue:
        with self._lock:
            key = (account_id, name)
            if key not in self._queues:
                self._queues[key] = MnsQueue(name, self._clock, lambda: self._sent(account_id, name))
            return self._queues[key]

    def _sent(self, account_id: str, name: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(account_id, name)
            except Exception:  # a reader's failure is its own: the message is in the queue either way
                log.exception("a reader of MNS queue %s/%s failed", account_id, name)

    def names(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._queues)

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
