"""Auxiliary media assets (watermark, subtitle and material files): GetAttachedMediaInfo,
UpdateAttachedMediaInfos and DeleteAttachedMedia. CreateUploadAttachedMedia, which makes them, is the
ingest component's (it hands out the upload credentials).

Names and shapes follow the SDKs (aliyun-python-sdk-vod's request classes, the Tea models): the reader
is GetAttachedMediaInfo, singular, taking ``MediaIds``; its items name the business type ``Type`` where
SearchMedia says ``BusinessType``; every id list answers ``NonExistMediaIds`` as a plain list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vodfc.emulator.vod import media_events
from vodfc.emulator.vod.actions.common import (
    Params,
    cate_ids,
    id_list,
    json_list,
    plan_updates,
    required,
    text_changes,
)
from vodfc.emulator.vod.delivery import delivery
from vodfc.emulator.vod.exceptions import CountExceededMax, VodError
from vodfc.emulator.vod.models import VodBackend
from vodfc.shared.validation import MAX_BATCH

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext


class ExceededMax(VodError):
    """GetAttachedMediaInfo's documented answer to more than 20 MediaIds (vod-uncertainties §2);
    DeleteAttachedMedia answers the same by analogy [inferred]."""

    code, status = "ExceededMax", 400
    message = "The input parameter 'MediaIds' Exceed the limit."


def _media_ids(params: Params) -> list[str]:
    required(params, "MediaIds")
    return id_list(params, "MediaIds", MAX_BATCH, ExceededMax)


def get_attached_media_info(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    media_ids = _media_ids(params)
    addresses = delivery(backend, params, ctx)
    found: list[dict[str, Any]] = []
    missing: list[str] = []
    for media_id in media_ids:
        attached = backend.attached.get(media_id)
        if attached is None:
            missing.append(media_id)
            continue
        body = attached.info_body(backend.categories)
        if "URL" in body:
            body["URL"] = addresses.url(body["URL"])
        found.append(body)
    # Every id unknown is still 200 with them in NonExistMediaIds [inferred; nothing documents a 404].
    return {"AttachedMediaList": found, "NonExistMediaIds": missing}


def attached_changes(backend: VodBackend, entry: dict[str, Any]) -> dict[str, Any]:
    """Validated changes from one UpdateContent entry: Title, Description, Tags (no emoji, the image
    limits) and CateIds; only the keys present change."""
    changes = text_changes(entry, in_bytes=backend.options.limits_in_bytes, no_emoji=True)
    if entry.get("CateIds") is not None:
        changes["cate_ids"] = cate_ids(backend, entry["CateIds"], "UpdateContent.CateIds")
    return changes


def update_attached_media_infos(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    entries = json_list(params, "UpdateContent", MAX_BATCH, CountExceededMax)
    plan, missing = plan_updates(entries, "MediaId", backend.attached, lambda e: attached_changes(backend, e))
    for attached, changes in plan:
        media_events.attached_updated(ctx, attached, backend.update_attached(attached, changes, ctx.now))
    return {"NonExistMediaIds": missing}


def delete_attached_media(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    """Deletes the records (their files stay in OSS, as for DeleteImage here); unknown ids are answered in
    ``NonExistMediaIds`` and do not fail the call."""
    missing: list[str] = []
    for media_id in _media_ids(params):
        attached = backend.delete_attached(media_id)
        if attached is None:
            missing.append(media_id)
        else:
            media_events.attached_deleted(ctx, attached)
    return {"NonExistMediaIds": missing}


ACTIONS = {
    "GetAttachedMediaInfo": get_attached_media_info,
    "UpdateAttachedMediaInfos": update_attached_media_infos,
    "DeleteAttachedMedia": delete_attached_media,
}
