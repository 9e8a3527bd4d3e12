"""Source files and streams: GetMezzanineInfo, GetPlayInfo, DeleteStream, DeleteMezzanines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import validation
from ..errors import NotFound
from ..models._parse import str_list
from ..transport import VodTransport
from .videos import VIDEO_NOT_FOUND, checked_reference_ids, error_raw, id_chunks

if TYPE_CHECKING:
    from ..models import DeleteMezzaninesResult, Mezzanine, PlayInfo


def _choices(field: str, value: str | Iterable[str] | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = validation.ids(field, value)
    validation.each_one_of(field, items, allowed)
    return items


class StreamOperations(VodTransport):
    def get_mezzanine_info(
        self,
        video_id: str,
        *,
        addition_type: str | Iterable[str] | None = validation.ADDITION_TYPES,
        output_type: str | None = None,
        auth_timeout: int | None = None,
    ) -> Mezzanine:
        """A video's source file, with its video/audio track lists (``addition_type``; None for neither)."""
        from ..models.streams import Mezzanine

        validation.require("VideoId", video_id)
        additions = _choices("AdditionType", addition_type, validation.ADDITION_TYPES)
        validation.one_of("OutputType", output_type, validation.OUTPUT_TYPES)
        validation.auth_timeout(auth_timeout)
        params = {
            "VideoId": video_id,
            "AdditionType": additions,
            "OutputType": output_type,
            "AuthTimeout": auth_timeout,
        }
        data = self.call("GetMezzanineInfo", params, idempotent=True)
        mezzanine = data.get("Mezzanine")
        return Mezzanine.from_dict(mezzanine if isinstance(mezzanine, Mapping) else {})

    def get_play_info(
        self,
        video_id: str,
        *,
        formats: str | Iterable[str] | None = None,
        definition: str | Iterable[str] | None = None,
        stream_type: str | None = None,
        output_type: str | None = None,
        result_type: str | None = None,
        auth_timeout: int | None = None,
    ) -> PlayInfo:
        """The video's playable streams (each with its JobId, the handle DeleteStream takes).

        Raises ``NotFound`` with code InvalidVideo.NoneStream when no stream matches the filters.
        """
        from ..models.streams import PlayInfo

        validation.require("VideoId", video_id)
        wire_formats = _choices("Formats", formats, validation.PLAY_FORMATS)
        definitions = _choices("Definition", definition, validation.DEFINITIONS)
        validation.one_of("StreamType", stream_type, validation.STREAM_TYPES)
        validation.one_of("OutputType", output_type, validation.OUTPUT_TYPES)
        validation.one_of("ResultType", result_type, validation.RESULT_TYPES)
        validation.auth_timeout(auth_timeout)
        params = {
            "VideoId": video_id,
            "Formats": wire_formats,
            "Definition": definitions,
            "StreamType": stream_type,
            "OutputType": output_type,
            "ResultType": result_type,
            "AuthTimeout": auth_timeout,
        }
        return PlayInfo.from_dict(self.call("GetPlayInfo", params, idempotent=True))

    def delete_stream(self, video_id: str, job_ids: str | Iterable[str]) -> None:
        """Delete up to 20 streams of one video (JobIds from ``get_play_info``).

        Retried like every delete. A retry that is told InvalidStream.NotFound after an attempt that may
        have landed is a success: the earlier attempt removed the streams.
        """
        validation.require("VideoId", video_id)
        jobs = validation.ids("JobIds", job_ids)
        validation.require("JobIds", jobs)
        validation.batch("JobIds", jobs)
        try:
            self.send("DeleteStream", {"VideoId": video_id, "JobIds": jobs}, idempotent=True)
        except NotFound as error:
            if not (error.may_have_landed and error.code == "InvalidStream.NotFound"):
                raise

    def delete_mezzanines(
        self,
        video_ids: str | Iterable[str] = (),
        *,
        force: bool = False,
        reference_ids: str | Iterable[str] = (),
    ) -> DeleteMezzaninesResult:
        """Delete the source files of any number of videos, 20 per request (the videos stay).

        ``force=True`` is needed for NoTranscode/AsyncTranscode videos, whose source is also their stream.
        Repeating it is harmless (the source is gone either way), so it is retried like the reads.
        """
        from ..models.results import DeleteMezzaninesResult

        vids = validation.ids("VideoIds", video_ids)
        refs = checked_reference_ids(reference_ids)
        non_exist: list[str] = []
        non_exist_refs: list[str] = []
        unremoveable: list[str] = []
        raws: list[Mapping[str, Any]] = []
        for key, chunk in id_chunks(vids, refs):
            try:
                data = self.call("DeleteMezzanines", {key: chunk, "Force": force}, idempotent=True)
            except NotFound as error:
                # Not documented for this action, but answered like DeleteVideo when every ID is unknown.
                if error.code != VIDEO_NOT_FOUND:
                    raise
                (non_exist if key == "VideoIds" else non_exist_refs).extend(chunk)
                raws.append(error_raw(error))
                continue
            raws.append(data)
            non_exist.extend(str_list(data.get("NonExistVideoIds"), "VideoId"))
            unremoveable.extend(str_list(data.get("UnRemoveableVideoIds"), "VideoId"))
            non_exist_refs.extend(str_list(data.get("NonExistReferenceIds"), "ReferenceId"))
        return DeleteMezzaninesResult(
            requested_video_ids=vids,
            non_exist_video_ids=tuple(non_exist),
            unremoveable_video_ids=tuple(unremoveable),
            non_exist_reference_ids=tuple(non_exist_refs),
            raw=tuple(raws),
        )
