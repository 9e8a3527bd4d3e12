"""Media lifecycle: the video status machine, transcoding outputs and the events around them.

``get_lifecycle(app)`` returns the app's ``Lifecycle``: ``upload_complete(backend, video_id, ...)``
starts the pipeline (the ingest component calls it when a source file is complete),
``set_outcome(...)`` decides successes and failures, ``scheduler`` decides when steps run
(``instant`` by default; ``manual`` with ``advance()``/``run_pending()``; ``realtime``).
Management calls emit DeleteMediaComplete / MediaBaseChangeComplete through hooks. See
docs/lifecycle-events-faults.md.
"""

from __future__ import annotations

import os
from typing import Any

from vodfc.emulator.lifecycle.hooks import MediaEvents
from vodfc.emulator.lifecycle.machine import (
    DEFAULT_GROUP,
    NO_TRANSCODE_GROUP,
    Delays,
    Job,
    Lifecycle,
    Outcome,
    StreamSpec,
    scaled,
)
from vodfc.emulator.lifecycle.scheduler import TIMINGS, Scheduler

EXTENSION_KEY = "vodfc.lifecycle"

__all__ = [
    "DEFAULT_GROUP",
    "NO_TRANSCODE_GROUP",
    "TIMINGS",
    "Delays",
    "Job",
    "Lifecycle",
    "MediaEvents",
    "Outcome",
    "Scheduler",
    "StreamSpec",
    "get_lifecycle",
    "init_app",
    "scaled",
]


def get_lifecycle(app: Any) -> Lifecycle:
    lifecycle: Lifecycle = app.extensions[EXTENSION_KEY]
    return lifecycle


def init_app(app: Any) -> None:
    from vodfc.emulator.app import get_state
    from vodfc.emulator.lifecycle import control

    state = get_state(app)
    timing = os.environ.get("VODFC_LIFECYCLE_TIMING", "instant")
    scheduler = Scheduler(state.config.clock, timing if timing in TIMINGS else "instant")
    lifecycle = Lifecycle(app, scheduler)
    initial = scheduler.timing

    def reset() -> None:
        lifecycle.reset()
        scheduler.set_timing(initial)
        media_events.forget()

    media_events = lifecycle.media_events = MediaEvents(app)
    app.extensions[EXTENSION_KEY] = lifecycle
    state.before_action.append(media_events.before_action)
    state.after_action.append(media_events.after_action)
    state.on_reset.append(reset)
    _connect_ingest(app, lifecycle)
    app.register_blueprint(control.bp)


def _connect_ingest(app: Any, lifecycle: Lifecycle) -> None:
    """Follow the ingest component's upload-complete notifications, when it is installed."""
    ingest = app.extensions.get("vodfc.ingest")
    listeners = getattr(ingest, "on_upload_complete", None)
    if isinstance(listeners, list):
        listeners.append(lifecycle.on_ingest_upload)
