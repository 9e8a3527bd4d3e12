"""CreateUploadVideo, CreateUploadImage, CreateUploadAttachedMedia and RefreshUploadVideo: VOD's
upload-credential actions.

``actions(ingest)`` binds them to one emulator's ``Ingest``. Field checks reuse the VOD actions'
helpers, so limits and error codes match UpdateVideoInfo's; the extension check is the upload's own
(``InvalidFileName.Extension``). GetUploadDetails is here too: it reads what OSS has of an upload.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.ingest import Ingest
from vodfc.emulator.ingest.uploads import (
    IMAGE_EXTENSIONS,
    InvalidFileNameExtension,
    UploadTarget,
    attached_key,
    bucket_of,
    extension_of,
    image_key,
    media_type_of,
    upload_address,
    upload_auth,
    video_key,
)
from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.vod import media_events
from vodfc.emulator.vod.action_table import Action
from vodfc.emulator.vod.actions.common import (
    cate_ids,
    check_cover_url,
    check_description,
    check_reference_id,
    check_tags,
    check_title,
    check_user_data,
    choice,
    id_list,
    int_param,
    optional,
    required,
)
from vodfc.emulator.vod.exceptions import InvalidParameter, MissingParameter
from vodfc.emulator.vod.models import new_id
from vodfc.shared.validation import ATTACHED_MEDIA_EXTENSIONS, BUSINESS_TYPES, MAX_BATCH

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

Params = Mapping[str, str]


def _target_bucket(backend: VodBackend, params: Params) -> str:
    location = optional(params, "StorageLocation")
    return bucket_of(location or backend.storage_location)


def _common_fields(
    backend: VodBackend, params: Params, *, video: bool, categories: bool = True
) -> dict[str, Any]:
    """Description, Tags, CateId (``categories``), UserData, AppId and StorageLocation, checked."""
    opts = backend.options
    kw = {"in_bytes": opts.limits_in_bytes, "no_emoji": opts.reject_emoji_in_video_fields or not video}
    fields: dict[str, Any] = {}
    if (description := optional(params, "Description")) is not None:
        fields["description"] = check_description(description, **kw)
    if (tags := optional(params, "Tags")) is not None:
        fields["tags"] = check_tags(tags, **kw) or None
    cate_id = int_param(params, "CateId") if categories else None
    if cate_id is not None:
        if opts.check_cate_id_exists:
            backend.get_category(cate_id)
        fields["cate_id"] = cate_id
    if (user_data := optional(params, "UserData")) is not None:
        fields["user_data"] = check_user_data(user_data)
    if (app_id := optional(params, "AppId")) is not None:
        fields["app_id"] = app_id
    if (location := optional(params, "StorageLocation")) is not None:
        fields["storage_location"] = location
    return fields


def create_upload_video(
    ingest: Ingest, backend: VodBackend, params: Params, ctx: RequestContext
) -> dict[str, Any]:
    opts = backend.options
    title = check_title(
        required(params, "Title"), in_bytes=opts.limits_in_bytes, no_emoji=opts.reject_emoji_in_video_fields
    )
    file_name = required(params, "FileName")
    media_type = media_type_of(file_name)
    file_size = int_param(params, "FileSize", minimum=0)
    fields = _common_fields(backend, params, video=True)
    if (cover := optional(params, "CoverURL")) is not None:
        fields["cover_url"] = check_cover_url(cover, strict=opts.strict_cover_url)
    for name, attr in (("TemplateGroupId", "template_group_id"), ("WorkflowId", "workflow_id")):
        if (value := optional(params, name)) is not None:
            fields[attr] = value
    if (reference_id := optional(params, "ReferenceId")) is not None:
        fields["reference_id"] = check_reference_id(backend, reference_id)
    target = UploadTarget(
        _target_bucket(backend, params),
        video_key(extension_of(file_name), int(ctx.now.timestamp() * 1000)),
        backend.region,
    )
    video = backend.create_video(title, now=ctx.now, file_name=file_name, media_type=media_type, **fields)
    video.extra["upload"] = target.record(ctx.host_url)
    if file_size is not None:
        video.extra["upload"]["file_size"] = file_size
    backend.save_video(video)
    backend.set_mezzanine(video.video_id, file_url=target.file_url)
    media_events.video_created(ctx, video)
    return _credentials_body(
        ingest, backend, ctx, target, "video", video.video_id, {"VideoId": video.video_id}
    )


def refresh_upload_video(
    ingest: Ingest, backend: VodBackend, params: Params, ctx: RequestContext
) -> dict[str, Any]:
    video = backend.get_video(required(params, "VideoId"))
    upload = video.extra.get("upload")
    if upload:
        target = UploadTarget.from_record(upload)
    else:
        # A video that never had an upload address here (seeded, or made by another component).
        name = video.file_name or "video.mp4"
        target = UploadTarget(
            bucket_of(backend.storage_location), video_key(extension_of(name)), backend.region
        )
        video.extra["upload"] = target.record(ctx.host_url)
        backend.save_video(video)
    return _credentials_body(
        ingest, backend, ctx, target, "video", video.video_id, {"VideoId": video.video_id}
    )


def create_upload_image(
    ingest: Ingest, backend: VodBackend, params: Params, ctx: RequestContext
) -> dict[str, Any]:
    image_type = choice(params, "ImageType", ("default", "cover"))
    if image_type is None:
        required(params, "ImageType")
    assert image_type is not None
    ext = choice(params, "ImageExt", IMAGE_EXTENSIONS, "png")
    assert ext is not None
    fields = _common_fields(backend, params, video=False)
    if (title := optional(params, "Title")) is not None:
        fields["title"] = check_title(title, in_bytes=backend.options.limits_in_bytes, no_emoji=True)
    if (original := optional(params, "OriginalFileName")) is not None:
        fields["original_file_name"] = original
    image_id = new_id()
    bucket = _target_bucket(backend, params)
    target = UploadTarget(bucket, image_key(image_type, image_id, ext), backend.region)
    location = fields.pop("storage_location", None) or backend.storage_location
    url = f"https://{location}/{target.key}"
    image = backend.create_image(
        image_id=image_id,
        image_type=image_type,
        image_ext=ext,
        now=ctx.now,
        storage_location=location,
        url=url,
        file_url=url,
        **fields,
    )
    image.extra["upload"] = target.record(ctx.host_url)
    backend.save_image(image)
    body = {"ImageId": image.image_id, "ImageURL": url, "FileURL": url}
    return _credentials_body(ingest, backend, ctx, target, "image", image.image_id, body)


def create_upload_attached_media(
    ingest: Ingest, backend: VodBackend, params: Params, ctx: RequestContext
) -> dict[str, Any]:
    """An auxiliary media asset (watermark, subtitle or material file) and the credentials to upload it.

    ``MediaExt`` wins over ``FileName``'s extension (the Tea model's note); one of them is needed, and
    it must be one of the business type's extensions (``InvalidParameter`` naming MediaExt: inferred).
    ``CateIds``: at most 5 (more: ``InvalidParameter``, inferred). Title, Description and Tags refuse
    emoji (the UpdateAttachedMediaInfos page) with the limits of images.
    """
    business_type = choice(params, "BusinessType", BUSINESS_TYPES)
    if business_type is None:
        required(params, "BusinessType")
    assert business_type is not None
    file_name = optional(params, "FileName")
    ext = (optional(params, "MediaExt") or "").strip().lower()
    if not ext and file_name is not None:
        try:
            ext = extension_of(file_name)
        except InvalidFileNameExtension:
            ext = ""
    if not ext:
        raise MissingParameter("MediaExt")
    allowed = ATTACHED_MEDIA_EXTENSIONS[business_type]
    if ext not in allowed:
        raise InvalidParameter("MediaExt", f"a {business_type} is one of {', '.join(allowed)}")
    fields = _common_fields(backend, params, video=False, categories=False)
    if (title := optional(params, "Title")) is not None:
        fields["title"] = check_title(title, in_bytes=backend.options.limits_in_bytes, no_emoji=True)
    fields["cate_ids"] = cate_ids(backend, params.get("CateIds"))
    file_size = int_param(params, "FileSize", minimum=0)
    media_id = new_id()
    target = UploadTarget(
        _target_bucket(backend, params), attached_key(business_type, media_id, ext), backend.region
    )
    location = fields.pop("storage_location", None) or backend.storage_location
    url = f"https://{location}/{target.key}"
    attached = backend.create_attached(
        business_type,
        media_id=media_id,
        media_ext=ext,
        now=ctx.now,
        storage_location=location,
        url=url,
        file_url=url,
        file_name=file_name,
        file_size=file_size,
        **fields,
    )
    attached.extra["upload"] = target.record(ctx.host_url)
    backend.save_attached(attached)
    body = {"MediaId": media_id, "MediaURL": url, "FileURL": url}
    return _credentials_body(ingest, backend, ctx, target, "attached", media_id, body)


def get_upload_details(
    ingest: Ingest, backend: VodBackend, params: Params, ctx: RequestContext
) -> dict[str, Any]:
    """Upload progress of videos. Objects land whole here, so a video's upload is either not started
    (``UploadSize`` 0, or the parts of an unfinished multipart upload) or done."""
    ids = id_list(params, "MediaIds", MAX_BATCH)
    if not ids:
        required(params, "MediaIds")
    choice(params, "MediaType", ("video",), "video")
    details: list[dict[str, Any]] = []
    missing: list[str] = []
    forbidden: list[str] = []
    oss = ingest.oss
    for media_id in ids:
        if media_id in backend.forbidden_video_ids:
            forbidden.append(media_id)
            continue
        video = backend.videos.get(media_id)
        if video is None:
            missing.append(media_id)
            continue
        upload = video.extra.get("upload") or {}
        completed = upload.get("completed_at")
        declared = upload.get("file_size")
        if completed:
            uploaded = int(upload.get("size") or 0)
            mezzanine = backend.get_mezzanine(media_id)
            upload_status = mezzanine.status if mezzanine is not None else "Normal"
        else:
            uploaded = oss.bytes_in_flight(upload.get("bucket"), upload.get("key")) if upload else 0
            upload_status = "Uploading"
        total = int(declared) if declared else (uploaded if completed else None)
        detail: dict[str, Any] = {
            "MediaId": media_id,
            "Title": video.title,
            "FileSize": total,
            "UploadSize": uploaded,
            "UploadRatio": round(uploaded / total, 4) if total else (1.0 if completed else 0.0),
            "Status": video.status,
            "UploadStatus": upload_status,
            "CreationTime": video.creation_time,
            "ModificationTime": video.modification_time or video.creation_time,
            "CompletionTime": completed,
        }
        details.append({k: v for k, v in detail.items() if v is not None})
    return {"UploadDetails": details, "NonExistMediaIds": missing, "ForbiddenMediaIds": forbidden}


def _credentials_body(
    ingest: Ingest,
    backend: VodBackend,
    ctx: RequestContext,
    target: UploadTarget,
    kind: str,
    media_id: str,
    head: dict[str, Any],
) -> dict[str, Any]:
    if ctx.accounts is None:
        raise InvalidParameter("AccessKeyId", "no key ring to issue upload credentials from")
    credential = ingest.issue_credentials(ctx, backend.account_id, target)
    ingest.expect(target, backend.account_id, kind, media_id)
    return {
        **head,
        "UploadAddress": upload_address(ctx, target),
        "UploadAuth": upload_auth(ctx, credential, backend.region, ctx.now),
    }


ACTIONS: dict[str, Callable[[Ingest, VodBackend, Params, RequestContext], dict[str, Any]]] = {
    "CreateUploadVideo": create_upload_video,
    "RefreshUploadVideo": refresh_upload_video,
    "CreateUploadImage": create_upload_image,
    "CreateUploadAttachedMedia": create_upload_attached_media,
    "GetUploadDetails": get_upload_details,
}


def actions(ingest: Ingest) -> dict[str, Action]:
    """The upload actions of the emulator whose ingest component is ``ingest``."""
    return {name: functools.partial(fn, ingest) for name, fn in ACTIONS.items()}
