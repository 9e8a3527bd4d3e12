"""Tag a video when its upload completes (VOD's ``FileUploadComplete`` event, through an MNS topic)."""

from __future__ import annotations

import json
import logging
from typing import Any

from shared import tags
from shared.vod import get_video, set_tags, vod_client

log = logging.getLogger("tag_on_upload")


def handler(event: bytes, context: Any) -> dict[str, Any]:
    # NotifyContentFormat JSON: MNS's envelope, whose Message is VOD's event as JSON text.
    message = json.loads(event)["Message"]
    vod_event = json.loads(message)
    if vod_event.get("EventType") != "FileUploadComplete":
        return {"Outcome": "ignored", "EventType": vod_event.get("EventType")}
    video_id = vod_event["VideoId"]
    client = vod_client(context)
    video = get_video(client, video_id)
    wanted = tags.after_upload(video.get("Tags"), int(vod_event.get("Size") or 0))
    set_tags(client, video_id, wanted)
    log.info("tagged %s: %s", video_id, ",".join(wanted))
    return {"Outcome": "tagged", "VideoId": video_id, "Tags": wanted}
