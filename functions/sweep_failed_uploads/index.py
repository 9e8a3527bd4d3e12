"""sweep_failed_uploads: delete videos whose upload failed or never finished, on a timer.

Intake: a Timer trigger (``{"triggerTime", "triggerName", "payload"}``). The payload may be JSON overriding
settings for that run, e.g. ``{"dry_run": true}``; a manual run is an invocation with a timer-shaped event.

What it deletes: videos in status ``UploadFail`` or ``Uploading`` (``statuses``) created more than
``min_age_seconds`` ago (default one day; an upload can legitimately take hours). It finds them with
SearchMedia (oldest first, ScrollToken paging), re-reads each batch of at most 20 with GetVideoInfos right
before deleting (a video whose upload completed meanwhile is skipped), and deletes the batch with one
DeleteVideo call. Every deleted video is logged with its ID, status, age and title.

Resuming: progress is a cursor (CreationTime and VideoId of the last video handled). It is saved after every
batch to ``state_file`` (default ``vodfc-sweep-state.json`` in the instance's ``/tmp`` — ``$TMPDIR`` when
set, as the local runtime sets it: kept while the FC instance is warm; point it at a NAS mount to keep it
for good) and returned in the report. The run stops cleanly before FC's timeout
(``context.function.timeout`` minus ``safety_margin_seconds``), reporting ``Complete: false``; the next run
starts after the cursor, so nothing is examined or deleted twice. Deleted videos also drop out of the search,
so even a lost cursor repeats no delete. A dry run reports what it would delete and never saves the cursor.

Settings: ``VODFC_SWEEP_CONFIG`` (JSON) or the file ``VODFC_SWEEP_CONFIG_FILE`` / ``config.json``:
``statuses``, ``min_age_seconds`` (at least 3600), ``dry_run``, ``max_per_run``, ``state_file``,
``safety_margin_seconds``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.events.app import ConfigSource, EventApp, Run
from shared.events.types import TimerEvent
from shared.fc.deploy import Deploy, Timer
from shared.validation import MAX_BATCH, format_time, parse_time

if TYPE_CHECKING:
    # Annotations only: the model classes are built on first use (cold-start cost, see docs/shared.md).
    from shared.models.media import Video

logger = logging.getLogger("vodfc.sweep_failed_uploads")

SWEEPABLE = ("UploadFail", "Uploading")
EPOCH = "1970-01-01T00:00:00Z"
MIN_AGE_FLOOR = 3600
STATE_FILE_NAME = "vodfc-sweep-state.json"


@dataclass(frozen=True)
class Settings:
    statuses: tuple[str, ...] = SWEEPABLE
    min_age_seconds: int = 86400
    dry_run: bool = False
    max_per_run: int = 1000
    state_file: str = ""  # "": STATE_FILE_NAME in the instance's temporary directory
    safety_margin_seconds: float = 5.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        return cls().override(data)

    def override(self, data: Mapping[str, Any]) -> Settings:
        known = {
            "statuses",
            "min_age_seconds",
            "dry_run",
            "max_per_run",
            "state_file",
            "safety_margin_seconds",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        changes: dict[str, Any] = {}
        if "statuses" in data:
            statuses = data["statuses"]
            if not isinstance(statuses, list) or not statuses or any(s not in SWEEPABLE for s in statuses):
                # Only failed/unfinished uploads: this function must never sweep playable videos.
                raise ValueError(f"statuses must be a non-empty list drawn from {', '.join(SWEEPABLE)}")
            changes["statuses"] = tuple(statuses)
        # An upload may legitimately run for a long time, so anything younger than an hour is never swept.
        for key, lowest in (("min_age_seconds", MIN_AGE_FLOOR), ("max_per_run", 1)):
            if key in data:
                value = data[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                    raise ValueError(f"{key} must be an integer >= {lowest}")
                changes[key] = value
        if "dry_run" in data:
            if not isinstance(data["dry_run"], bool):
                raise ValueError("dry_run must be true or false")
            changes["dry_run"] = data["dry_run"]
        if "state_file" in data:
            if not isinstance(data["state_file"], str) or not data["state_file"]:
                raise ValueError("state_file must be a path")
            changes["state_file"] = data["state_file"]
        if "safety_margin_seconds" in data:
            margin = data["safety_margin_seconds"]
            if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
                raise ValueError("safety_margin_seconds must be a non-negative number")
            changes["safety_margin_seconds"] = float(margin)
        return replace(self, **changes)


app: EventApp[Settings] = EventApp(
    "sweep_failed_uploads",
    description="deletes videos whose upload failed or stalled",
    config=ConfigSource(
        "VODFC_SWEEP_CONFIG", Settings.from_dict, file=Path(__file__).with_name("config.json")
    ),
    deploy=Deploy(
        timeout=300,
        timer=Timer("daily", "0 0 3 * * *"),  # 03:00 UTC: FC runs cron in UTC
        config={"min_age_seconds": 86400, "max_per_run": 2000},
    ),
)


# --- the cursor -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Everything up to and including (creation_time, video_ids at that second) has been handled."""

    creation_time: str = EPOCH
    video_ids: tuple[str, ...] = ()

    def passed(self, video: Video) -> bool:
        created = video.creation_time or EPOCH
        if created != self.creation_time:
            return _sort_key(created) < _sort_key(self.creation_time)
        return video.video_id in self.video_ids

    def advance(self, video: Video) -> Cursor:
        created = video.creation_time or EPOCH
        if created == self.creation_time:
            return Cursor(created, (*self.video_ids, video.video_id))
        return Cursor(created, (video.video_id,))

    def to_dict(self) -> dict[str, Any]:
        return {"CreationTime": self.creation_time, "VideoIds": list(self.video_ids)}

    @classmethod
    def from_dict(cls, data: Any) -> Cursor:
        if not isinstance(data, Mapping):
            return cls()
        ids = data.get("VideoIds") or []
        return cls(str(data.get("CreationTime") or EPOCH), tuple(str(i) for i in ids if i))


def _sort_key(value: str) -> datetime:
    return parse_time(value) or datetime(1970, 1, 1, tzinfo=timezone.utc)


def load_cursor(path: str) -> Cursor:
    try:
        return Cursor.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return Cursor()


def save_cursor(path: str, cursor: Cursor) -> None:
    # Write-then-rename, so a run killed mid-write leaves the previous cursor intact.
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".sweep-", dir=str(target.parent))
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(cursor.to_dict(), handle)
    os.replace(tmp, target)


# --- the sweep ----------------------------------------------------------------------------------------------


@app.on("timer")
def sweep(event: TimerEvent, run: Run[Settings]) -> dict[str, Any]:
    settings = run.config.override(event.payload_json)
    now = datetime.fromtimestamp(run.clock(), timezone.utc)
    cutoff = now - timedelta(seconds=settings.min_age_seconds)
    if not settings.state_file:
        # Read at run time: the local runtime gives each instance its own TMPDIR.
        tmp = os.environ.get("TMPDIR") or "/tmp"
        settings = replace(settings, state_file=os.path.join(tmp, STATE_FILE_NAME))
    cursor = load_cursor(settings.state_file)
    statuses = ",".join(f"'{s}'" for s in settings.statuses)
    match = f"Status in ({statuses}) and CreationTime = ['{cursor.creation_time}','{format_time(cutoff)}']"
    report: dict[str, Any] = {
        "Outcome": "would-delete" if settings.dry_run else "deleted",
        "DryRun": settings.dry_run,
        "Cutoff": format_time(cutoff),
        "Examined": 0,
        "Deleted": [],
        "Skipped": [],
        "Complete": True,
    }
    batch: list[Video] = []
    handled = 0
    for item in run.vod.iter_search_media(
        match, fields=["Title", "Status", "CreationTime", "Size"], sort_by="CreationTime:Asc", page_size=100
    ):
        video = item.video
        if video is None or not video.video_id or cursor.passed(video):
            continue
        created = parse_time(video.creation_time)
        if created is None:
            # Its age cannot be known, so it is never swept.
            report["Skipped"].append({"VideoId": video.video_id, "Reason": "no readable CreationTime"})
            continue
        if created > cutoff:
            # Ascending order: everything after this one is younger still.
            break
        batch.append(video)
        report["Examined"] += 1
        if len(batch) == MAX_BATCH:
            cursor = _sweep_batch(batch, settings, cutoff, run, report, cursor)
            handled += len(batch)
            batch = []
            if _must_stop(settings, run, handled, report):
                break
    if batch:
        cursor = _sweep_batch(batch, settings, cutoff, run, report, cursor)
    report["Cursor"] = cursor.to_dict()
    logger.info(
        "sweep %s: %d examined, %d %s, %d skipped, complete=%s",
        "dry run" if settings.dry_run else "run",
        report["Examined"],
        len(report["Deleted"]),
        "would be deleted" if settings.dry_run else "deleted",
        len(report["Skipped"]),
        report["Complete"],
    )
    return report


def _must_stop(settings: Settings, run: Run[Settings], handled: int, report: dict[str, Any]) -> bool:
    if run.remaining() < settings.safety_margin_seconds:
        report["Complete"] = False
        report["Reason"] = "stopped before the function's timeout; the next run continues after the cursor"
        return True
    if handled >= settings.max_per_run:
        report["Complete"] = False
        report["Reason"] = f"max_per_run ({settings.max_per_run}) reached; the next run continues"
        return True
    return False


def _sweep_batch(
    batch: list[Video],
    settings: Settings,
    cutoff: datetime,
    run: Run[Settings],
    report: dict[str, Any],
    cursor: Cursor,
) -> Cursor:
    # Search results may be stale: re-read right before deleting.
    fresh = run.vod.get_video_infos([v.video_id for v in batch])
    current = {v.video_id: v for v in fresh.videos}
    doomed: list[Video] = []
    for video in batch:
        now_video = current.get(video.video_id)
        created = parse_time(now_video.creation_time) if now_video else None
        if now_video is None:
            report["Skipped"].append({"VideoId": video.video_id, "Reason": "already gone"})
        elif now_video.status not in settings.statuses:
            reason = f"status is now {now_video.status}"
            report["Skipped"].append({"VideoId": video.video_id, "Reason": reason})
        elif created is None or created > cutoff:
            report["Skipped"].append({"VideoId": video.video_id, "Reason": "younger than min_age_seconds"})
        else:
            doomed.append(now_video)
    for video in doomed:
        age = run.clock() - (_sort_key(video.creation_time or EPOCH).timestamp())
        logger.info(
            "%sDELETE video %s (status %s, created %s, %.1f h ago, title %r): upload failed or stalled",
            "DRY RUN: would " if settings.dry_run else "",
            video.video_id,
            video.status,
            video.creation_time,
            age / 3600,
            video.title,
        )
    if doomed and not settings.dry_run:
        result = run.vod.delete_videos([v.video_id for v in doomed])
        gone = set(result.deleted_video_ids) | set(result.non_exist_video_ids)
        for video in doomed:
            if video.video_id in gone:
                report["Deleted"].append(video.video_id)
            else:
                report["Skipped"].append({"VideoId": video.video_id, "Reason": "VOD refused (forbidden)"})
    elif doomed:
        report["Deleted"].extend(v.video_id for v in doomed)
    for video in batch:
        cursor = cursor.advance(video)
    if not settings.dry_run:
        save_cursor(settings.state_file, cursor)
    return cursor


handler = app.handler
