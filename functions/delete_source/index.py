"""delete_source: delete a video's source file (mezzanine) once its transcoded streams are safely in place.

Intake: TranscodeComplete (MNS topic trigger, or VOD's HTTP callback through ``http_handler``).

The source is deleted (DeleteMezzanines, never with Force) only when every check passes; otherwise it is kept
and the report says which check stopped it. Each check, in order:

1. the event says the job succeeded and lists at least one stream, and **every** stream succeeded (a partial
   transcode keeps the source: it is needed to transcode again);
2. the video still exists and does not carry the opt-out tag (``keep_tag``, default ``keep-source``);
3. the video is at least ``min_age_seconds`` old (by CreationTime; default 0 = no minimum);
4. GetPlayInfo reads back every stream of the job (by JobId) with status Normal and a play URL, except
   definitions listed in ``ignore_definitions`` (use it when prune_streams deletes some of them);
5. at least one of those streams is a transcoded copy (not the original ``OD`` stream), so the source is never
   the only playable copy; VOD's own refusal (UnRemoveableVideoIds: the source is the playback stream) is
   respected, never overridden with Force.

VOD may deliver TranscodeComplete before the video's status flips to Normal; GetPlayInfo then refuses
(Forbidden.IllegalStatus / InvalidVideo.NoneStream) and the event is handed back for redelivery rather than
read as "no streams". A source that is already gone counts as done. Settings: ``VODFC_DELETE_SOURCE_CONFIG``
(JSON) or the file ``VODFC_DELETE_SOURCE_CONFIG_FILE``: ``keep_tag``, ``min_age_seconds``, ``dry_run``,
``ignore_definitions``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from shared.errors import IllegalStatus, NotFound
from shared.events.app import ConfigSource, EventApp, RetryLater, Run
from shared.events.tagging import check_tag
from shared.events.types import TranscodeComplete
from shared.fc.deploy import Deploy
from shared.validation import parse_time

logger = logging.getLogger("vodfc.delete_source")


@dataclass(frozen=True)
class Settings:
    keep_tag: str = "keep-source"
    min_age_seconds: int = 0
    dry_run: bool = False
    ignore_definitions: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        known = {"keep_tag", "min_age_seconds", "dry_run", "ignore_definitions"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        age = data.get("min_age_seconds", 0)
        if isinstance(age, bool) or not isinstance(age, int) or age < 0:
            raise ValueError("min_age_seconds must be a non-negative integer")
        dry = data.get("dry_run", False)
        if not isinstance(dry, bool):
            raise ValueError("dry_run must be true or false")
        ignore = data.get("ignore_definitions") or []
        if not isinstance(ignore, list) or not all(isinstance(d, str) for d in ignore):
            raise ValueError('ignore_definitions must be a list of definitions such as ["FD"]')
        return cls(
            keep_tag=check_tag(data.get("keep_tag", "keep-source"), "keep_tag"),
            min_age_seconds=age,
            dry_run=dry,
            ignore_definitions=tuple(d.upper() for d in ignore),
        )


app: EventApp[Settings] = EventApp(
    "delete_source",
    description="deletes the source file once every stream of the transcode plays",
    config=ConfigSource(
        "VODFC_DELETE_SOURCE_CONFIG", Settings.from_dict, file=Path(__file__).with_name("config.json")
    ),
    deploy=Deploy(timeout=30, config={"keep_tag": "keep-source", "min_age_seconds": 0}),
)


def _kept(video_id: str, reason: str, **extra: Any) -> dict[str, Any]:
    logger.info("video %s: source kept: %s", video_id, reason)
    return {"VideoId": video_id, "Outcome": "kept", "Reason": reason, **extra}


@app.on("TranscodeComplete")
def delete_source(event: TranscodeComplete, run: Run[Settings]) -> dict[str, Any]:
    settings = run.config
    video_id = event.video_id
    if not video_id:
        return {"Outcome": "skipped", "Reason": "the event has no VideoId"}
    # 1. the whole job succeeded
    if not event.streams:
        return _kept(video_id, f"the transcode produced no stream (status {event.status})")
    if not event.all_succeeded:
        failed = [
            f"{s.definition}/{s.get_format}: {s.error_code or 'failed'} {s.error_message or ''}".strip()
            for s in event.failed_streams
        ]
        return _kept(video_id, "partial or failed transcode: " + "; ".join(failed or [str(event.status)]))
    # 2. the video exists and has not opted out
    try:
        video = run.vod.get_video_info(video_id)
    except NotFound:
        return {"VideoId": video_id, "Outcome": "skipped", "Reason": "the video no longer exists"}
    if settings.keep_tag.casefold() in {t.casefold() for t in video.tags}:
        return _kept(video_id, f"opted out with the tag {settings.keep_tag!r}")
    # 3. old enough
    if settings.min_age_seconds:
        created = parse_time(video.creation_time)
        now = datetime.fromtimestamp(run.clock(), timezone.utc)
        if created is None:
            return _kept(video_id, "the video's CreationTime is unknown, so its age cannot be checked")
        age = (now - created).total_seconds()
        if age < settings.min_age_seconds:
            return _kept(video_id, f"the video is {int(age)} s old, younger than min_age_seconds")
    # 4. the streams read back
    try:
        play = run.vod.get_play_info(video_id)
    except (IllegalStatus, NotFound) as exc:
        if isinstance(exc, NotFound) and exc.code != "InvalidVideo.NoneStream":
            return {"VideoId": video_id, "Outcome": "skipped", "Reason": "the video no longer exists"}
        raise RetryLater(
            f"video {video_id}: streams not readable yet ({exc.code}); source kept for now"
        ) from exc
    playable = {
        s.job_id: s for s in play.streams if s.job_id and (s.status or "Normal") == "Normal" and s.play_url
    }
    missing = [
        f"{s.definition}/{s.get_format} (job {s.job_id})"
        for s in event.streams
        if s.job_id not in playable and (s.base_definition or "") not in settings.ignore_definitions
    ]
    if missing:
        return _kept(video_id, "GetPlayInfo does not read back " + ", ".join(missing))
    # 5. never the only playable copy
    copies = [
        playable[s.job_id]
        for s in event.streams
        if s.job_id in playable and (playable[s.job_id].definition or "").upper() != "OD"
    ]
    if not copies:
        return _kept(
            video_id, "no transcoded stream besides the original is playable; the source is the only copy"
        )
    # already gone?
    try:
        mezzanine = run.vod.get_mezzanine_info(video_id, addition_type=None)
    except NotFound:
        return {
            "VideoId": video_id,
            "Outcome": "already-deleted",
            "Reason": "the source file is already gone",
        }
    if (mezzanine.status or "") == "Deleted":
        return {
            "VideoId": video_id,
            "Outcome": "already-deleted",
            "Reason": "the source file is already gone",
        }
    why = (
        f"all {len(event.streams)} streams of the transcode succeeded and {len(copies)} play back "
        f"({', '.join(sorted({c.definition or '?' for c in copies}))})"
    )
    what = f"{mezzanine.file_name or mezzanine.file_url or 'source'} ({mezzanine.size or '?'} bytes)"
    if settings.dry_run:
        logger.info("DRY RUN: would delete the source of video %s: %s, because %s", video_id, what, why)
        return {"VideoId": video_id, "Outcome": "would-delete", "Reason": why}
    logger.info("DELETE source of video %s: %s, because %s", video_id, what, why)
    result = run.vod.delete_mezzanines([video_id])
    if video_id in result.unremoveable_video_ids:
        return _kept(video_id, "VOD refuses: the source is the playback stream (not forced)")
    if video_id in result.non_exist_video_ids:
        return {"VideoId": video_id, "Outcome": "already-deleted", "Reason": "VOD no longer knows the video"}
    return {"VideoId": video_id, "Outcome": "deleted", "Reason": why, "Source": what}


handler = app.handler
http_handler = app.http_handler
