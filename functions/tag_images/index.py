"""tag_images: tag and categorise an image from its facts when it is uploaded.

Intake: ImageUploadComplete (MNS topic trigger, or VOD's HTTP callback through ``http_handler``).

GetImageInfo (current tags and category, the original's width/height and file name) -> the same rules as
auto_tag (``shared.events.tagging``: resolution, orientation, file-name keywords; durations do not apply)
from ``VODFC_TAG_IMAGES_CONFIG`` (JSON) or the file ``VODFC_TAG_IMAGES_CONFIG_FILE`` / ``config.json`` ->
merged with the image's tags (never removing one, at most 16) -> UpdateImageInfos only when something changes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from shared.errors import NotFound
from shared.events.app import ConfigSource, EventApp, Run
from shared.events.tagging import Facts, Rules, plan
from shared.events.types import ImageUploadComplete
from shared.fc.deploy import Deploy
from shared.models.inputs import ImageUpdate

logger = logging.getLogger("vodfc.tag_images")

app: EventApp[Rules] = EventApp(
    "tag_images",
    description="tags and categorises uploaded images",
    config=ConfigSource(
        "VODFC_TAG_IMAGES_CONFIG", Rules.from_dict, file=Path(__file__).with_name("config.json")
    ),
    deploy=Deploy(timeout=30, config={"keyword_rules": []}),
)


@app.on("ImageUploadComplete")
def tag_image(event: ImageUploadComplete, run: Run[Rules]) -> dict[str, Any]:
    image_id = event.image_id
    if not image_id:
        return {"Outcome": "skipped", "Reason": "the event has no ImageId"}
    if not event.succeeded:
        return {"Outcome": "skipped", "Reason": f"upload status {event.status}"}
    try:
        image = run.vod.get_image_info(image_id)
    except NotFound:
        return {"ImageId": image_id, "Outcome": "skipped", "Reason": "the image no longer exists"}
    mezzanine = image.mezzanine
    name = (mezzanine.original_file_name if mezzanine else None) or (event.file_url or "").rsplit("/", 1)[-1]
    facts = Facts(
        width=mezzanine.width if mezzanine else None,
        height=mezzanine.height if mezzanine else None,
        file_name=name.replace("\\", "/").rsplit("/", 1)[-1] or None,
    )
    change = plan(run.config, facts, image.tags, image.cate_id)
    if change.merge.dropped:
        logger.warning(
            "image %s: no room for tags %s (at most %d)", image_id, change.merge.dropped, run.config.max_tags
        )
    if not change.changed:
        return {"ImageId": image_id, **change.report("unchanged")}
    result = run.vod.update_image_infos(
        [ImageUpdate(image_id, tags=change.tags_to_send, cate_id=change.cate_id)]
    )
    if image_id in result.non_exist_image_ids:
        return {"ImageId": image_id, "Outcome": "skipped", "Reason": "the image was deleted meanwhile"}
    logger.info("image %s: added tags %s, category %s", image_id, list(change.merge.added), change.cate_id)
    return {"ImageId": image_id, **change.report("updated")}


handler = app.handler
http_handler = app.http_handler
