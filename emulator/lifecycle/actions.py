"""SubmitTranscodeJobs: transcode an uploaded video again with a template group, through the lifecycle.

The answer carries the job ids at once; the streams and their StreamTranscodeComplete /
TranscodeComplete events follow on the lifecycle's timing, sent to the job's own
``UserData.MessageCallback`` URL when it has one (job > upload > global, as VOD documents).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from emulator.vod.exceptions import ForbiddenIllegalStatus, InvalidVideoNotFound, MissingParameter

# VOD accepts processing jobs only in these statuses (SubmitTranscodeJobs page).
TRANSCODABLE = ("UploadSucc", "Normal", "Checking")


def submit_transcode_jobs(backend: Any, params: Mapping[str, str], ctx: Any) -> dict[str, Any]:
    from flask import current_app

    from emulator.lifecycle import get_lifecycle
    from emulator.lifecycle.machine import DEFAULT_GROUP, NO_TRANSCODE_GROUP

    video_id = params.get("VideoId") or ""
    if not video_id and params.get("ReferenceId"):
        video_id = backend.video_id_of_reference(params["ReferenceId"]) or ""
        if not video_id:
            raise InvalidVideoNotFound()
    if not video_id:
        raise MissingParameter("VideoId")
    group = params.get("TemplateGroupId") or ""
    if not group:
        raise MissingParameter("TemplateGroupId")
    video = backend.get_video(video_id)
    if video.status not in TRANSCODABLE:
        raise ForbiddenIllegalStatus(video.status, video.audit_status, http_status=400)
    lifecycle = get_lifecycle(current_app)
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


ACTIONS: dict[str, Callable[[Any, Mapping[str, str], Any], dict[str, Any]]] = {
    "SubmitTranscodeJobs": submit_transcode_jobs,
}
