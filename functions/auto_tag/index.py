"""auto_tag: tag and categorise a video from its source file's facts when it is uploaded.

Intake: FileUploadComplete or UploadByURLComplete (MNS topic trigger, or VOD's HTTP callback through
``http_handler``) and VideoAnalysisComplete. VOD may not have analysed the file yet when the upload event
arrives (GetMezzanineInfo then has no resolution or duration), so the analysis event carries the same facts
a moment later; tags are only ever added, so handling both is harmless and either order ends the same.

For the video: GetVideoInfo (current tags, category) and GetMezzanineInfo (width, height, rotation,
duration, file name) -> the rules in ``VODFC_AUTO_TAG_CONFIG`` (JSON) or the file
``VODFC_AUTO_TAG_CONFIG_FILE`` / ``config.json`` beside this file (see ``shared.events.tagging``) -> merged
with the existing tags (never removing one, at most 16) -> UpdateVideoInfo only when a tag or the category
really changes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from shared.errors import NotFound
from shared.events.app import ConfigSource, EventApp, Run
from shared.events.tagging import Facts, Rules, plan
from shared.events.types import FileUploadComplete, UploadByURLComplete, VideoAnalysisComplete
from shared.fc.deploy import Deploy

logger = logging.getLogger("vodfc.auto_tag")

app: EventApp[Rules] = EventApp(
    "auto_tag",
    description="tags and categorises uploaded videos",
    config=ConfigSource(
        "VODFC_AUTO_TAG_CONFIG", Rules.from_dict, file=Path(__file__).with_name("config.json")
    ),
    deploy=Deploy(timeout=30, config={"keyword_rules": []}),
)


@app.on("FileUploadComplete", "UploadByURLComplete", "VideoAnalysisComplete")
def auto_tag(
    event: FileUploadComplete | UploadByURLComplete | VideoAnalysisComplete, run: Run[Rules]
) -> dict[str, Any]:
    video_id = event.video_id
    if not video_id:
        return {"Outcome": "skipped", "Reason": "the event has no VideoId"}
    if not event.succeeded:
        return {
            "Outcome": "skipped",
            "Reason": f"{event.event_type} status {event.status} ({event.error_code})",
        }
    try:
        video = run.vod.get_video_info(video_id)
    except NotFound:
        return {"Outcome": "skipped", "Reason": "the video no longer exists"}
    change = plan(run.config, _facts(event, run, video_id), video.tags, video.cate_id)
    if change.merge.dropped:
        logger.warning(
            "video %s: %d tags already, no room for %s (at most %d)",
            video_id,
            len(video.tags),
            ", ".join(change.merge.dropped),
            run.config.max_tags,
        )
    if not change.changed:
        return {"VideoId": video_id, **change.report("unchanged")}
    run.vod.update_video_info(video_id, tags=change.tags_to_send, cate_id=change.cate_id)
    logger.info("video %s: added tags %s, category %s", video_id, list(change.merge.added), change.cate_id)
    return {"VideoId": video_id, **change.report("updated")}


def _facts(
    event: FileUploadComplete | UploadByURLComplete | VideoAnalysisComplete, run: Run[Rules], video_id: str
) -> Facts:
    """Mezzanine facts, completed by the event's own (VideoAnalysisComplete carries size and duration)."""
    width = height = rotate = None
    duration: float | None = None
    file_name: str | None = None
    try:
        mezzanine = run.vod.get_mezzanine_info(video_id, addition_type="video")
    except NotFound:
        mezzanine = None
    if mezzanine is not None:
        stream = mezzanine.video_streams[0] if mezzanine.video_streams else None
        width = mezzanine.width or (stream.width if stream else None)
        height = mezzanine.height or (stream.height if stream else None)
        rotate = stream.rotate if stream else None
        duration = mezzanine.duration
        file_name = mezzanine.file_name
    if isinstance(event, VideoAnalysisComplete):
        width, height = width or event.width, height or event.height
        duration = duration if duration is not None else event.duration
    elif isinstance(event, (FileUploadComplete, UploadByURLComplete)):
        file_name = file_name or event.file_name
    if file_name:
        # The upload SDK sends the whole local path (even a Windows one) as FileName.
        file_name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return Facts(width=width, height=height, rotate=rotate, duration=duration, file_name=file_name)


handler = app.handler
http_handler = app.http_handler
