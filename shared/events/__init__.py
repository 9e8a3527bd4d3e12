"""VOD event notifications: payload builders, typed read-only event classes and one parser for every intake.

* :mod:`shared.events.payloads` — build events exactly as VOD sends them (the emulator and the CLI use these);
* :mod:`shared.events.types` — read-only classes over the raw event dict, one per event type;
* :mod:`shared.events.envelopes` — the ways FC receives an event (HTTP callback, MNS topic, EventBridge/MNS
  queue, timer), to build them and to unwrap them;
* :mod:`shared.events.signature` — VOD's callback signature, timestamp window and replay cache;
* :mod:`shared.events.app` — ``EventApp``: an event function's ``handler`` and WSGI ``http_handler``.

Standard library only, Python 3.10, like the rest of ``shared``.
"""

from __future__ import annotations

from shared.events.envelopes import EventFormatError, parse_event, parse_events
from shared.events.signature import CallbackRejected, CallbackVerifier, sign
from shared.events.types import (
    DeleteMediaComplete,
    FileUploadComplete,
    ImageUploadComplete,
    MediaBaseChangeComplete,
    SnapshotComplete,
    StreamInfo,
    StreamTranscodeComplete,
    TimerEvent,
    TranscodeComplete,
    UnknownEvent,
    UploadByURLComplete,
    VideoAnalysisComplete,
    VodEvent,
    vod_event,
)

__all__ = [
    "CallbackRejected",
    "CallbackVerifier",
    "DeleteMediaComplete",
    "EventFormatError",
    "FileUploadComplete",
    "ImageUploadComplete",
    "MediaBaseChangeComplete",
    "SnapshotComplete",
    "StreamInfo",
    "StreamTranscodeComplete",
    "TimerEvent",
    "TranscodeComplete",
    "UnknownEvent",
    "UploadByURLComplete",
    "VideoAnalysisComplete",
    "VodEvent",
    "parse_event",
    "parse_events",
    "sign",
    "vod_event",
]
