"""Media lifecycle: the video status machine, transcoding outputs and the events around them.

``get_lifecycle(app)`` returns the app's ``Lifecycle``: ``upload_complete(backend, video_id, ...)``
starts the pipeline (the ingest component calls it when a source file is complete),
``set_outcome(...)`` decides successes and failures, ``scheduler`` decides when steps run
(``instant`` by default; ``manual`` with ``advance()``/``run_pending()``; ``realtime``).
The events of management calls (DeleteMediaComplete, MediaBaseChangeComplete) are the VOD actions'
own (``vodfc.emulator.vod.media_events``). See docs/lifecycle-events-faults.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask
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
from vodfc.emulator.lookup import component_of

__all__ = [
    "DEFAULT_GROUP",
    "ENVIRONMENT",
    "NO_TRANSCODE_GROUP",
    "TIMINGS",
    "Delays",
    "Job",
    "Lifecycle",
    "Outcome",
    "Scheduler",
    "StreamSpec",
    "get_lifecycle",
    "scaled",
    "scheduler_from_env",
]


def get_lifecycle(app: Flask) -> Lifecycle:
    return component_of(app, "lifecycle", Lifecycle)


# The variables scheduler_from_env reads (vodfc.emulator.build.BUILD_ENVIRONMENT: all the build reads).
ENVIRONMENT = ("VODFC_LIFECYCLE_TIMING",)


def scheduler_from_env(clock: Callable[[], datetime], environ: Mapping[str, str]) -> Scheduler:
    """A scheduler on ``VODFC_LIFECYCLE_TIMING`` (``instant`` when unset or unknown)."""
    timing = environ.get("VODFC_LIFECYCLE_TIMING", "instant")
    return Scheduler(clock, timing if timing in TIMINGS else "instant")
