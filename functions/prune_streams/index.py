"""prune_streams: delete transcoded streams of definitions the configuration does not keep.

Intake: StreamTranscodeComplete (one stream finished) and TranscodeComplete (the whole job finished), through
MNS topic triggers or VOD's HTTP callback (``http_handler``).

Settings (``VODFC_PRUNE_STREAMS_CONFIG`` JSON, or the file ``VODFC_PRUNE_STREAMS_CONFIG_FILE`` /
``config.json``):

* ``keep_definitions`` (required, e.g. ``["SD", "HD"]``; a suffix such as ``HD-MP4`` counts as ``HD``);
* ``keep_formats`` (optional, e.g. ``["m3u8"]``: streams of other formats are pruned too);
* ``dry_run``.

The original (``OD``) stream is never pruned: it may be the source itself.

Safety: a stream is deleted only while at least one *kept* stream of the video plays (status Normal, a play
URL), so pruning can never leave a video unplayable. While a job is still running VOD does not serve
GetPlayInfo, so a StreamTranscodeComplete that cannot be checked is left for the job's TranscodeComplete,
which prunes every unwanted stream of the video in one go (DeleteStream, 20 JobIds per request). Already
deleted streams count as done.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.errors import IllegalStatus, NotFound
from shared.events.app import ConfigSource, EventApp, RetryLater, Run
from shared.events.types import StreamTranscodeComplete, TranscodeComplete
from shared.fc.deploy import Deploy
from shared.validation import DEFINITIONS, MAX_BATCH, PLAY_FORMATS

if TYPE_CHECKING:
    # Annotations only: the model classes are built on first use (cold-start cost, see docs/shared.md).
    from shared.models.streams import PlayInfo, Stream

logger = logging.getLogger("vodfc.prune_streams")


@dataclass(frozen=True)
class Settings:
    keep_definitions: tuple[str, ...] = ()
    keep_formats: tuple[str, ...] = ()
    dry_run: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        known = {"keep_definitions", "keep_formats", "dry_run"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        keep = _names(data, "keep_definitions", DEFINITIONS, upper=True)
        if not keep:
            # Without a keep list every stream would be "unwanted"; refuse rather than guess.
            raise ValueError('keep_definitions is required, e.g. ["SD", "HD"]')
        dry = data.get("dry_run", False)
        if not isinstance(dry, bool):
            raise ValueError("dry_run must be true or false")
        return cls(keep, _names(data, "keep_formats", PLAY_FORMATS, upper=False), dry)

    def keeps(self, definition: str | None, fmt: str | None) -> bool:
        base = (definition or "").split("-", 1)[0].upper()
        if base == "OD":
            return True
        if base not in self.keep_definitions:
            return False
        return not self.keep_formats or (fmt or "").lower() in self.keep_formats


def _names(data: Mapping[str, Any], key: str, allowed: Sequence[str], *, upper: bool) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings")
    names = tuple(v.upper() if upper else v.lower() for v in value)
    bad = [v for v in names if v not in allowed]
    if bad:
        raise ValueError(f"{key}: {', '.join(bad)} not one of {', '.join(allowed)}")
    return names


app: EventApp[Settings] = EventApp(
    "prune_streams",
    description="deletes streams of unwanted definitions (dry_run until keep_definitions is chosen)",
    config=ConfigSource(
        "VODFC_PRUNE_STREAMS_CONFIG", Settings.from_dict, file=Path(__file__).with_name("config.json")
    ),
    deploy=Deploy(config={"keep_definitions": ["SD", "HD"], "dry_run": True}),
)


def _playable(stream: Stream) -> bool:
    return (stream.status or "Normal") == "Normal" and bool(stream.play_url)


@app.on("StreamTranscodeComplete")
def prune_one(event: StreamTranscodeComplete, run: Run[Settings]) -> dict[str, Any]:
    video_id, job_id = event.video_id, event.job_id
    if not video_id or not job_id:
        return {"Outcome": "skipped", "Reason": "the event has no VideoId or JobId"}
    label = f"{event.definition}/{event.get_format}"
    if not event.succeeded:
        return {
            "VideoId": video_id,
            "Outcome": "skipped",
            "Reason": f"stream {label} failed; nothing to prune",
        }
    if run.config.keeps(event.definition, event.get_format):
        return {"VideoId": video_id, "Outcome": "kept", "Reason": f"{label} is kept by the configuration"}
    try:
        play = run.vod.get_play_info(video_id)
    except (IllegalStatus, NotFound) as exc:
        reason = f"GetPlayInfo not available yet ({exc.code}); TranscodeComplete prunes {label}"
        return {"VideoId": video_id, "Outcome": "deferred", "Reason": reason}
    if job_id not in play.job_ids:
        return {
            "VideoId": video_id,
            "Outcome": "already-deleted",
            "Reason": f"{label} (job {job_id}) is gone",
        }
    return _prune(video_id, play, [s for s in play.streams if s.job_id == job_id], run)


@app.on("TranscodeComplete")
def prune_all(event: TranscodeComplete, run: Run[Settings]) -> dict[str, Any]:
    video_id = event.video_id
    if not video_id:
        return {"Outcome": "skipped", "Reason": "the event has no VideoId"}
    try:
        play = run.vod.get_play_info(video_id)
    except IllegalStatus as exc:
        raise RetryLater(
            f"video {video_id}: GetPlayInfo refuses ({exc.code}); streams not final yet"
        ) from exc
    except NotFound as exc:
        return {"VideoId": video_id, "Outcome": "skipped", "Reason": f"no streams to prune ({exc.code})"}
    unwanted = [s for s in play.streams if not run.config.keeps(s.definition, s.format)]
    if not unwanted:
        return {"VideoId": video_id, "Outcome": "unchanged", "Reason": "every stream is of a kept definition"}
    return _prune(video_id, play, unwanted, run)


def _prune(video_id: str, play: PlayInfo, targets: list[Stream], run: Run[Settings]) -> dict[str, Any]:
    targets = [s for s in targets if s.job_id]
    target_jobs = {s.job_id for s in targets}
    kept = [s for s in play.streams if s.job_id not in target_jobs and _playable(s)]
    kept = [s for s in kept if run.config.keeps(s.definition, s.format)]
    labels = [f"{s.definition}/{s.format} (job {s.job_id})" for s in targets]
    if not kept:
        reason = "no stream of a kept definition plays yet; keeping " + ", ".join(labels)
        logger.info("video %s: %s", video_id, reason)
        return {"VideoId": video_id, "Outcome": "deferred", "Reason": reason}
    why = "not in keep_definitions/keep_formats; still playable: " + ", ".join(
        sorted({f"{s.definition}/{s.format}" for s in kept})
    )
    jobs = [str(s.job_id) for s in targets]
    if run.config.dry_run:
        logger.info("DRY RUN: would delete streams of video %s: %s, %s", video_id, ", ".join(labels), why)
        return {"VideoId": video_id, "Outcome": "would-delete", "JobIds": jobs, "Reason": why}
    for start in range(0, len(jobs), MAX_BATCH):
        chunk = jobs[start : start + MAX_BATCH]
        logger.info(
            "DELETE streams of video %s: %s, because %s",
            video_id,
            ", ".join(labels[start : start + MAX_BATCH]),
            why,
        )
        try:
            run.vod.delete_stream(video_id, chunk)
        except NotFound as exc:
            if exc.code != "InvalidStream.NotFound":
                raise
            logger.info("video %s: streams %s were already deleted", video_id, chunk)
    return {"VideoId": video_id, "Outcome": "deleted", "JobIds": jobs, "Reason": why}


handler = app.handler
http_handler = app.http_handler
