"""VOD event notifications as an event function receives them: typed read-only events and one parser for
every intake.

* :mod:`shared.events.types` — read-only classes over the raw event dict, one per event type;
* :mod:`shared.events.parse` — ``parse_events``: the event inside whatever FC hands the function (HTTP
  callback, MNS topic in STREAM or JSON format, EventBridge/MNS queue, timer);
* :mod:`shared.events.signature` — VOD's callback signature, timestamp window and replay cache;
* :mod:`shared.events.app` — ``EventApp``: an event function's ``handler`` and WSGI ``http_handler``;
* :mod:`shared.events.tagging` — the tagging rules auto_tag, tag_images and delete_source apply.

Building events and envelopes is the emulator's side (``vodfc.emulator.events.payloads`` and ``.wire``).
Standard library only, Python 3.10, like the rest of ``shared``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .parse import EventFormatError, parse_event, parse_events
    from .signature import CallbackRejected, CallbackVerifier, sign
    from .types import (
        AttachedMediaUploadComplete,
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

# Each name is loaded from its module on first access, so a function pays only for the parts it uses: the
# callback signature checks (``signature``), for one, only when a VOD HTTP callback arrives.
_HOME = {
    "parse": ("EventFormatError", "parse_event", "parse_events"),
    "signature": ("CallbackRejected", "CallbackVerifier", "sign"),
    "types": (
        "AttachedMediaUploadComplete",
        "DeleteMediaComplete",
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
        "vod_event",
    ),
}

__all__ = [
    "AttachedMediaUploadComplete",
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


__getattr__, __dir__ = lazy_exports(__name__, _HOME, globals())
