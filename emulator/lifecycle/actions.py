"""SubmitTranscodeJobs and SubmitSnapshotJob: processing jobs on an uploaded video, through the lifecycle.

SubmitTranscodeJobs transcodes again with a template group; SubmitSnapshotJob takes real frames at
``SpecifiedOffsetTime`` (ms) + ``Interval`` (s) × ``Count``, or at ``SpecifiedOffsetTimes``.

The answer carries the job ids at once; the streams and their StreamTranscodeComplete /
TranscodeComplete events follow on the lifecycle's timing, sent to the job's own
``UserData.MessageCallback`` URL when it has one (job > upload > global, as VOD documents).
``actions(lifecycle)`` binds them to one emulator's lifecycle.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vodfc.emulator.lifecycle.machine import DEFAULT_GROUP, NO_TRANSCODE_GROUP, Lifecycle
from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.vod.action_table import Action
from vodfc.emulator.vod.exceptions import (
    ForbiddenIllegalStatus,
    InvalidParameter,
    InvalidVideoNotFound,
    MissingParameter,
)
from vodfc.shared import boundedjson

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

# VOD accepts processing jobs only in these statuses (SubmitTranscodeJobs page).
TRANSCODABLE = ("UploadSucc", "Normal", "Checking")


def submit_transcode_jobs(
    lifecycle: Lifecycle, backend: VodBackend, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    video_id = _video_id(backend, params)
    group = params.get("TemplateGroupId") or ""
    if not group:
        raise MissingParameter("TemplateGroupId")
    video = backend.get_video(video_id)
    if video.status not in TRANSCODABLE:
        raise ForbiddenIllegalStatus(video.status, video.audit_status, http_status=400)
    # A group the emulator was not told about transcodes with the default ladder.
    specs = (
        []
        if group == NO_TRANSCODE_GROUP
        else lifecycle.template_groups.get(group) or lifecycle.template_groups[DEFAULT_GROUP]
    )
    jobs = lifecycle.transcode(
        backend, video_id, list(specs), user_data=params.get("UserData") or None, host_url=ctx.host_url
    )
    return {
        "TranscodeTaskId": uuid.uuid4().hex,
        "TranscodeJobs": {"TranscodeJob": [{"JobId": job_id} for job_id in jobs.values()]},
    }


# Processing actions such as snapshots accept these (vod-api.md §2.3).
SNAPSHOTTABLE = ("UploadSucc", "Transcoding", "Normal", "Checking", "Blocked")
MAX_SNAPSHOTS = 100


def _int(params: Mapping[str, str], name: str, default: int | None, minimum: int = 0) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise InvalidParameter(name) from None
    if number < minimum:
        raise InvalidParameter(name)
    return number


def submit_snapshot_job(
    lifecycle: Lifecycle, backend: VodBackend, params: Mapping[str, str], ctx: RequestContext
) -> dict[str, Any]:
    video_id = _video_id(backend, params)
    video = backend.get_video(video_id)
    if video.status not in SNAPSHOTTABLE:
        raise ForbiddenIllegalStatus(video.status, video.audit_status, http_status=400)
    listed = params.get("SpecifiedOffsetTimes")
    if listed:
        try:
            values = boundedjson.loads(listed) if listed.strip().startswith("[") else listed.split(",")
            offsets = [int(str(value).strip()) for value in values]
        except ValueError:
            raise InvalidParameter("SpecifiedOffsetTimes") from None
        if any(offset < 0 for offset in offsets):
            raise InvalidParameter("SpecifiedOffsetTimes")
    else:
        start = _int(params, "SpecifiedOffsetTime", 0) or 0
        count = _int(params, "Count", 1, minimum=1) or 1
        interval = _int(params, "Interval", 1, minimum=0) or 0
        offsets = [start + index * interval * 1000 for index in range(count)]
    if len(offsets) > MAX_SNAPSHOTS:
        raise InvalidParameter("Count")
    job_id = lifecycle.snapshot_job(
        backend,
        video_id,
        offsets,
        width=_int(params, "Width", None, minimum=1),
        height=_int(params, "Height", None, minimum=1),
        user_data=params.get("UserData") or None,
        host_url=ctx.host_url,
    )
    return {"SnapshotJob": {"JobId": job_id}}


def _video_id(backend: VodBackend, params: Mapping[str, str]) -> str:
    video_id = params.get("VideoId") or ""
    if not video_id and params.get("ReferenceId"):
        video_id = backend.video_id_of_reference(params["ReferenceId"]) or ""
        if not video_id:
            raise InvalidVideoNotFound()
    if not video_id:
        raise MissingParameter("VideoId")
    return video_id


ACTIONS: dict[str, Callable[[Lifecycle, VodBackend, Mapping[str, str], RequestContext], dict[str, Any]]] = {
    "SubmitTranscodeJobs": submit_transcode_jobs,
    "SubmitSnapshotJob": submit_snapshot_job,
}


def actions(lifecycle: Lifecycle) -> dict[str, Action]:
    """The processing-job actions of the emulator whose lifecycle is ``lifecycle``."""
    return {name: functools.partial(fn, lifecycle) for name, fn in ACTIONS.items()}
