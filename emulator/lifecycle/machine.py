"""The video status machine: ``Uploading → UploadSucc → Transcoding → Normal`` and its failure paths.

``Lifecycle.ingested`` hears from the ingest component that a video's source file is complete in OSS
(``upload_complete`` starts the same without it, for tests and tools). From there, on the scheduler's
timing:

1. the status becomes ``UploadSucc`` and FileUploadComplete is emitted (unless the caller already did);
2. the source is analysed (a real probe when the bytes are known): VideoAnalysisComplete; a file that
   is not media fails here and the video ends ``TranscodeFail``;
3. ``Transcoding``; one stream per definition of the video's template group, each written to the
   backend (``add_stream``, PlayURL on the emulator host, the source bytes stored in OSS when the OSS
   component is there) and announced by StreamTranscodeComplete; a cover snapshot (a real frame when
   possible) with SnapshotComplete in between;
4. TranscodeComplete, then ``Normal`` (``Checking`` with review on, ``Blocked`` if the review blocks),
   or ``TranscodeFail`` when no stream succeeded.

Outcomes are configurable per video and per definition (``set_outcome``); the default is success.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from vodfc.emulator.events import payloads
from vodfc.emulator.events.user_data import callback_url_of, extend_of
from vodfc.emulator.ingest.uploads import SourceObject
from vodfc.emulator.lifecycle.scheduler import Scheduler
from vodfc.emulator.media import NotMedia, probe, snapshot_jpeg
from vodfc.emulator.media.synth import make_image

if TYPE_CHECKING:
    from vodfc.emulator.core import Core
    from vodfc.emulator.events.bus import EventBus
    from vodfc.emulator.ingest import UploadCompleted
    from vodfc.emulator.oss.service import OssService
    from vodfc.emulator.vod.models import VodBackend

log = logging.getLogger("vodfc.lifecycle")

NO_TRANSCODE_GROUP = "VOD_NO_TRANSCODE"
DEFAULT_GROUP = "default"
# Sources VOD plays as they are when the template group does not transcode (vod-events-upload.md §6).
PLAYABLE_AS_IS = {"mp4": "mp4", "flv": "flv", "m3u8": "m3u8", "mp3": "mp3", "webm": "webm"}
# Short side in pixels and bitrate in Kbit/s of each definition (the payload builders' ladder).
LADDER = {name: (min(w, h), kbps) for name, (w, h, kbps) in payloads.LADDER.items()}
BAD_SOURCE = ("InvalidParameter.ResourceContentBad", "The resource operated InputFile is bad")


@dataclass(frozen=True)
class StreamSpec:
    definition: str
    format: str = "mp4"


@dataclass
class Outcome:
    """What happens to a video; ``set_outcome(video_id, ...)`` changes one video or the default."""

    upload_fails: bool = False  # UploadFail, no events (VOD sends none for a failed upload)
    analysis_fails: bool = False  # the source is broken: VideoAnalysisComplete fail, TranscodeFail
    transcode_fails: bool = False  # every stream fails
    failed_definitions: frozenset[str] = frozenset()  # e.g. {"HD"}: only those streams fail
    error_code: str = "InternalError"
    error_message: str = "The request processing has failed due to some unknown error."
    snapshot_fails: bool = False
    review: bool = False  # review before publishing: Checking instead of Normal
    blocked: bool = False  # with review: Blocked
    emit_upload_event: bool = True  # FileUploadComplete (off when the caller sends it itself)

    def as_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["failed_definitions"] = sorted(self.failed_definitions)
        return data


@dataclass
class Delays:
    """Seconds between the steps (used by the manual and realtime timings)."""

    analysis: float = 1.0
    transcode_start: float = 1.0
    per_stream: float = 2.0
    snapshot: float = 4.0  # after the first stream: VOD interleaves SnapshotComplete


@dataclass
class Job:
    """What the lifecycle did to one video, for tests and ``/_vodfc/lifecycle``."""

    video_id: str
    account_id: str
    region: str
    statuses: list[str] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    done: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "video_id": self.video_id,
            "account_id": self.account_id,
            "region": self.region,
            "statuses": self.statuses,
            "streams": self.streams,
            "events": self.events,
            "done": self.done,
        }


@dataclass
class _Source:
    """What is known about the uploaded file."""

    data: bytes | None = None
    size: int | None = None
    file_url: str | None = None
    # Its object in OSS, when known (an upload through ingest, or read back for a processing job).
    bucket: str | None = None
    key: str | None = None
    extension: str = "mp4"
    width: int = 0
    height: int = 0
    duration: float = 0.0
    bitrate_kbps: float = 0.0
    fps: float = 0.0
    is_audio: bool = False
    is_media: bool = True
    info: Any = None  # a MediaInfo probed by the caller
    recorded: bool = False  # the caller already wrote the source file's facts


def _hex() -> str:
    return uuid.uuid4().hex


def scaled(width: int, height: int, short_side: int) -> tuple[int, int]:
    """Scale to a definition's short side, keeping the aspect ratio; never upscale; even sizes."""
    if width <= 0 or height <= 0:
        return (round(short_side * 16 / 9 / 2) * 2, short_side)
    source_short = min(width, height)
    target = min(short_side, source_short)
    factor = target / source_short
    return (max(2, round(width * factor / 2) * 2), max(2, round(height * factor / 2) * 2))


class Lifecycle:
    """The status machine of one emulator. ``bus`` and ``oss`` are the emulator's event bus and OSS
    service when those components are there: without a bus nothing is emitted, without OSS the
    outputs are not stored and processing jobs read no source bytes. ``media`` says whether the
    media component is there: without it sources are not probed (a plain 16:9 clip is assumed)
    and snapshots are empty."""

    def __init__(
        self,
        core: Core,
        scheduler: Scheduler,
        *,
        bus: EventBus | None = None,
        oss: OssService | None = None,
        media: bool = True,
    ):
        self.core = core
        self.bus = bus
        self.oss = oss
        self.media = media
        self.scheduler = scheduler
        self.delays = Delays()
        self.default_outcome = Outcome()
        self.template_groups: dict[str, list[StreamSpec]] = {}
        self._outcomes: dict[str, Outcome] = {}
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self.listeners: list[Callable[[Job, str], None]] = []
        self._reset_groups()

    def _reset_groups(self) -> None:
        self.template_groups = {
            DEFAULT_GROUP: [StreamSpec("LD", "mp4"), StreamSpec("SD", "mp4"), StreamSpec("HD", "mp4")],
            NO_TRANSCODE_GROUP: [],
        }

    # --- configuration -----------------------------------------------------------------------------

    def set_outcome(self, video_id: str | None = None, **changes: Any) -> Outcome:
        """``set_outcome("vid", failed_definitions={"HD"})``; without a video id: the default."""
        if "failed_definitions" in changes:
            changes["failed_definitions"] = frozenset(changes["failed_definitions"] or ())
        with self._lock:
            base = self._outcomes.get(video_id, self.default_outcome) if video_id else self.default_outcome
            outcome = replace(base, **changes)
            if video_id:
                self._outcomes[video_id] = outcome
            else:
                self.default_outcome = outcome
            return outcome

    def outcome(self, video_id: str) -> Outcome:
        with self._lock:
            return self._outcomes.get(video_id, self.default_outcome)

    def job(self, video_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(video_id)

    @property
    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def reset(self) -> None:
        with self._lock:
            self.scheduler.clear()
            self._outcomes.clear()
            self._jobs.clear()
            self.default_outcome = Outcome()
            self.delays = Delays()
            self._reset_groups()

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps that a caller may have replaced or added: the job listeners and the
        collaborators it was built with."""
        return (tuple(self.listeners), self.bus, self.oss, self.media, self.scheduler)

    # --- entry points ------------------------------------------------------------------------------

    def ingested(self, upload: UploadCompleted) -> None:
        """The ingest component's listener: a video's source file is complete in OSS, probed and recorded
        (``UploadSucc``; with ``Ingest.non_media_status`` ``UploadSucc`` also for bytes that are not
        media, which then fail the analysis). An upload that ended ``UploadFail`` sends no event, as
        VOD; images are ingest's own (it sends ImageUploadComplete).
        """
        if upload.kind != "video" or upload.status == "UploadFail":
            return
        source = upload.source
        self._start(
            upload.backend,
            upload.media_id,
            _Source(
                data=source.data,
                size=source.size,
                file_url=source.file_url,
                bucket=source.bucket,
                key=source.key,
                is_media=upload.media is not None,
                info=upload.media,
                recorded=True,
            ),
            upload.host_url,
        )

    def upload_complete(
        self,
        backend: VodBackend,
        video_id: str,
        *,
        data: bytes | None = None,
        size: int | None = None,
        file_url: str | None = None,
        host_url: str | None = None,
    ) -> Job:
        """A video's source file is complete, without the ingest component (tests, tools): the bytes in
        ``data``, when given, are probed here and the source file's record is written here."""
        if size is None and data is not None:
            size = len(data)
        return self._start(backend, video_id, _Source(data=data, size=size, file_url=file_url), host_url)

    def _start(self, backend: VodBackend, video_id: str, source: _Source, host_url: str | None) -> Job:
        job = Job(video_id, backend.account_id, backend.region)
        with self._lock:
            self._jobs[video_id] = job
        outcome = self.outcome(video_id)
        _Pipeline(self, backend, job, outcome, source, host_url).start()
        return job

    def transcode(
        self,
        backend: VodBackend,
        video_id: str,
        specs: list[StreamSpec],
        *,
        user_data: str | None = None,
        host_url: str | None = None,
    ) -> dict[StreamSpec, str]:
        """A processing job on an uploaded video (SubmitTranscodeJobs): one stream per spec from the
        recorded source, StreamTranscodeComplete per stream, then TranscodeComplete. A video that
        already plays keeps its status; an ``UploadSucc`` one goes through ``Transcoding``. Returns
        the JobId of each spec (known at once, as VOD answers them)."""
        video = backend.get_video(video_id)
        if not specs:
            return {}
        job = Job(video_id, backend.account_id, backend.region)
        with self._lock:
            self._jobs[video_id] = job
        source = self._recorded_source(backend, video)
        pipeline = _Pipeline(self, backend, job, self.outcome(video_id), source, host_url)
        pipeline.job_user_data = user_data
        pipeline.keep_status = video.status not in ("UploadSucc", "TranscodeFail")
        pipeline.job_ids = {spec: _hex() for spec in specs}
        pipeline.started = self.scheduler.now()
        pipeline.step(0, functools.partial(pipeline.start_transcoding, list(specs), False), "transcode")
        return dict(pipeline.job_ids)

    def snapshot_job(
        self,
        backend: VodBackend,
        video_id: str,
        offsets_ms: list[int],
        *,
        width: int | None = None,
        height: int | None = None,
        user_data: str | None = None,
        host_url: str | None = None,
    ) -> str:
        """A SubmitSnapshotJob: real frames at the offsets (from the stored source), stored as
        NormalSnapshot images; SnapshotComplete with ``SubType`` SpecifiedTime. Returns the JobId."""
        source = self._recorded_source(backend, backend.get_video(video_id))
        job = Job(video_id, backend.account_id, backend.region)
        pipeline = _Pipeline(self, backend, job, self.outcome(video_id), source, host_url)
        pipeline.job_user_data = user_data
        job_id = _hex()
        run = functools.partial(pipeline.specified_snapshots, job_id, list(offsets_ms), width, height)
        pipeline.step(self.delays.snapshot, run, "snapshot-job")
        return job_id

    def _recorded_source(self, backend: VodBackend, video: Any) -> _Source:
        """The source of a processing job: its facts from the source file's record, its bytes from the
        object the upload wrote (wherever it went), when the OSS component is there."""
        mezzanine = backend.get_mezzanine(video.video_id)
        source = _Source(
            size=getattr(mezzanine, "size", None),
            file_url=getattr(mezzanine, "file_url", None),
            recorded=True,
        )
        source.width = int(getattr(mezzanine, "width", None) or 0)
        source.height = int(getattr(mezzanine, "height", None) or 0)
        source.duration = float(getattr(mezzanine, "duration", None) or video.duration or 0.0)
        source.fps = float(getattr(mezzanine, "fps", None) or 0.0)
        source.bitrate_kbps = float(getattr(mezzanine, "bitrate", None) or 0.0)
        source.is_audio = getattr(video, "media_type", "video") == "audio"
        upload = video.extra.get("upload")
        stored = SourceObject.stored(self.oss, upload) if self.oss is not None and upload else None
        if stored is not None:
            source.data, source.bucket, source.key = stored.data, stored.bucket, stored.key
        return source

    # --- helpers the pipeline uses -----------------------------------------------------------------

    def notify(self, job: Job, what: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(job, what)
            except Exception:
                log.exception("lifecycle listener failed")


class _Pipeline:
    """One video's run through the machine; every step takes the backend lock and a transaction."""

    def __init__(
        self,
        lifecycle: Lifecycle,
        backend: VodBackend,
        job: Job,
        outcome: Outcome,
        source: _Source,
        host_url: str | None,
    ):
        self.lc = lifecycle
        self.backend = backend
        self.job = job
        self.outcome = outcome
        self.source = source
        self.host_url = host_url
        self.streams: list[dict[str, Any]] = []
        self.pending_streams = 0
        self.started = self.lc.scheduler.now()
        # A processing job's own UserData (SubmitTranscodeJobs) wins over the upload's for its events.
        self.job_user_data: str | None = None
        self.job_ids: dict[StreamSpec, str] = {}
        # A re-transcode of a video that already plays keeps its status (VOD: Transcoding is only
        # the first transcode); set by ``transcode``.
        self.keep_status = False

    # --- plumbing ----------------------------------------------------------------------------------

    def video(self) -> Any:
        return self.backend.videos.get(self.job.video_id)

    def step(self, delay: float, fn: Callable[[], None], label: str) -> None:
        def run() -> None:
            bus = self.lc.bus
            # Events go out after the lock is released: a receiver may call the emulator back.
            held = bus.deferred() if bus is not None else contextlib.nullcontext()
            with held, self.backend.lock, self.lc.core.store.transaction():
                if self.video() is None:
                    return  # deleted (or reset) while processing: VOD stops too
                fn()

        self.lc.scheduler.call_later(delay, run, f"{self.job.video_id}:{label}")

    def now(self) -> Any:
        return self.lc.scheduler.now()

    def set_status(self, status: str) -> None:
        self.backend.set_video_status(self.job.video_id, status, now=self.now())
        self.job.statuses.append(status)
        self.lc.notify(self.job, status)

    def emit(self, event: dict[str, Any]) -> None:
        video = self.video()
        self.job.events.append(str(event.get("EventType")))
        bus = self.lc.bus
        if bus is None:
            return
        bus.emit(
            event,
            account_id=self.backend.account_id,
            app_id=getattr(video, "app_id", None),
            callback_url=callback_url_of(self.job_user_data)
            or callback_url_of(getattr(video, "user_data", None)),
        )

    def extend(self) -> Any:
        if self.job_user_data and extend_of(self.job_user_data) is not None:
            return extend_of(self.job_user_data)
        return extend_of(getattr(self.video(), "user_data", None))

    def bucket(self) -> str:
        return str(self.backend.storage_location).split(".", 1)[0]

    def served_at(self) -> str | None:
        """The emulator's own address when the client used it (and OSS is here to serve), else None."""
        host = (self.host_url or "").rstrip("/")
        return host if host and "aliyuncs.com" not in host and self.lc.oss is not None else None

    def url_for(self, key: str) -> str:
        """Where an output is served: the emulator's own port when the client used it, else OSS."""
        host = self.served_at()
        return f"{host}/{self.bucket()}/{key}" if host else f"http://{self.backend.storage_location}/{key}"

    def source_url(self, video: Any) -> str:
        """Where the source file itself is served (a video played as it is): its own object, in the
        bucket the upload went to."""
        bucket, key, host = self.source.bucket, self.source.key, self.served_at()
        if bucket is None or key is None:  # no object known (a source that did not come through ingest)
            return self.url_for(str(video.file_name or self.job.video_id))
        return f"{host}/{bucket}/{key}" if host else self.source.file_url or self.url_for(key)

    def store_object(self, key: str, data: bytes, content_type: str) -> None:
        oss = self.lc.oss
        if oss is None:
            return
        bucket = self.bucket()
        try:
            if oss.store.get_bucket(bucket) is None:
                # Outputs are fetched by players without OSS signatures (GetPlayInfo's OutputType cdn).
                oss.create_bucket(bucket, self.backend.account_id, self.backend.region, acl="public-read")
            oss.put_object(bucket, key, data, content_type)
        except Exception:  # outputs are a convenience; the records and events are what matter
            log.exception("could not store %s/%s", bucket, key)

    # --- steps -------------------------------------------------------------------------------------

    def start(self) -> None:
        def uploaded() -> None:
            video = self.video()
            if self.outcome.upload_fails:
                self.set_status("UploadFail")
                mezz = self.backend.get_mezzanine(self.job.video_id)
                if mezz is not None:
                    self.backend.set_mezzanine(self.job.video_id, status="UploadFail")
                self.job.done = True
                return
            self.probe(video)
            if not self.source.recorded:
                self.backend.set_mezzanine(self.job.video_id, **self.mezzanine_fields(video))
            self.set_status("UploadSucc")
            if self.outcome.emit_upload_event:
                self.emit(
                    payloads.file_upload_complete(
                        self.job.video_id,
                        size=self.source.size or 0,
                        file_url=self.source.file_url or self.url_for(video.file_name or self.job.video_id),
                        event_time=self.now(),
                        extend=self.extend(),
                    )
                )
            self.step(self.lc.delays.analysis, self.analysed, "analysis")

        self.step(0, uploaded, "upload")

    def probe(self, video: Any) -> None:
        name = (video.file_name or "") if video is not None else ""
        self.source.extension = name.rsplit(".", 1)[-1].lower() if "." in name else "mp4"
        if self.outcome.analysis_fails or not self.source.is_media:
            self.source.is_media = False
            return
        info = self.source.info
        if info is not None:
            self.use(info)
            return
        if self.source.data is None:
            # Nothing to look at: assume a plain 16:9 clip so the streams have plausible facts.
            self.source.width, self.source.height = 1280, 720
            self.source.duration, self.source.fps, self.source.bitrate_kbps = 10.0, 25.0, 2000.0
            return
        if not self.lc.media:
            self.source.width, self.source.height, self.source.duration = 1280, 720, 10.0
            return
        try:
            self.use(probe(self.source.data))
        except NotMedia:
            self.source.is_media = False

    def use(self, info: Any) -> None:
        self.source.width, self.source.height = info.width, info.height
        self.source.duration, self.source.fps = round(info.duration, 6), info.fps
        self.source.bitrate_kbps, self.source.is_audio = info.bitrate_kbps, info.is_audio

    def mezzanine_fields(self, video: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"status": "Normal"}
        if self.source.size is not None:
            out["size"] = self.source.size
        if self.source.file_url:
            out["file_url"] = self.source.file_url
        if self.source.is_media and self.source.duration:
            out.update(duration=self.source.duration, fps=self.source.fps or None)
            out.update(bitrate=round(self.source.bitrate_kbps, 4) or None)
            if self.source.width:
                out.update(width=self.source.width, height=self.source.height)
        return out

    def analysed(self) -> None:
        vid = self.job.video_id
        if not self.source.is_media:
            code, message = BAD_SOURCE
            self.emit(
                payloads.video_analysis_complete(
                    vid, status=payloads.FAIL, event_time=self.now(), error_code=code, error_message=message
                )
            )
            self.set_status("Transcoding")
            self.step(self.lc.delays.transcode_start, self.bad_source_finished, "transcode")
            return
        self.emit(
            payloads.video_analysis_complete(
                vid,
                size=self.source.size,
                duration=self.source.duration,
                width=None if self.source.is_audio else self.source.width,
                height=None if self.source.is_audio else self.source.height,
                bitrate=round(self.source.bitrate_kbps, 3),
                fps=None if self.source.is_audio else self.source.fps,
                event_time=self.now(),
            )
        )
        video = self.video()
        group = video.template_group_id or DEFAULT_GROUP
        if group == NO_TRANSCODE_GROUP:
            self.no_transcode()
            return
        self.start_transcoding(self.lc.template_groups.get(group) or self.lc.template_groups[DEFAULT_GROUP])

    def start_transcoding(self, specs: list[StreamSpec], snapshot: bool = True) -> None:
        if not self.keep_status:
            self.set_status("Transcoding")
        self.pending_streams = len(specs)
        self.started = self.now()
        for index, spec in enumerate(specs):
            delay = self.lc.delays.transcode_start + self.lc.delays.per_stream * (index + 1)
            label = f"stream:{spec.definition}.{spec.format}"
            self.step(delay, functools.partial(self.stream_done, spec), label)
        if snapshot:
            self.step(self.lc.delays.snapshot, self.snapshot, "snapshot")

    def no_transcode(self) -> None:
        vid = self.job.video_id
        video = self.video()
        video.transcode_mode = "NoTranscode"
        fmt = PLAYABLE_AS_IS.get(self.source.extension)
        if fmt is None:
            self.backend.save_video(video)
            self.job.done = True  # not playable as it is: it stays UploadSucc
            return
        self.backend.add_stream(
            vid,
            job_id=f"{vid}02",
            definition="OD",
            format=fmt,
            play_url=self.source_url(video),
            bitrate=round(self.source.bitrate_kbps, 2) or None,
            size=self.source.size,
            duration=self.source.duration or None,
            width=self.source.width or None,
            height=self.source.height or None,
            fps=self.source.fps or None,
            specification="Original",
            stream_type="audio" if self.source.is_audio else "video",
            now=self.now(),
        )
        self.backend.save_video(video)
        self.set_status("Normal")
        self.job.done = True

    def stream_done(self, spec: StreamSpec) -> None:
        vid = self.job.video_id
        job_id = self.job_ids.get(spec) or _hex()
        short, kbps = LADDER.get(spec.definition, (720, 1500))
        width, height = scaled(self.source.width, self.source.height, short)
        if self.source.bitrate_kbps:
            kbps = min(kbps, max(1, round(self.source.bitrate_kbps)))
        duration = self.source.duration
        failed = self.outcome.transcode_fails or spec.definition in self.outcome.failed_definitions
        finished = self.now()
        if failed:
            info = payloads.stream_info(
                job_id=job_id,
                definition=spec.definition,
                format=spec.format,
                status=payloads.FAIL,
                start_time=self.started,
                finish_time=finished,
                error_code=self.outcome.error_code,
                error_message=self.outcome.error_message,
            )
        else:
            key = f"{vid}/{_hex()}-{spec.definition.lower()}.{spec.format}"
            url = self.url_for(key)
            size = int(kbps * 1000 / 8 * duration) if duration else len(self.source.data or b"")
            if self.source.data is not None:
                size = len(self.source.data) if spec.format == "mp4" else size
                self.store_object(key, *self.output_body(spec, url))
            self.backend.add_stream(
                vid,
                job_id=job_id,
                definition=spec.definition,
                format=spec.format,
                play_url=url,
                bitrate=float(kbps),
                size=size,
                duration=duration or None,
                width=None if self.source.is_audio else width,
                height=None if self.source.is_audio else height,
                fps=(self.source.fps or None) if not self.source.is_audio else None,
                stream_type="audio" if self.source.is_audio else "video",
                codec_name="H.264" if not self.source.is_audio else "AAC",
                now=finished,
            )
            info = payloads.stream_info(
                job_id=job_id,
                definition=spec.definition,
                format=spec.format,
                file_url=url,
                size=size,
                width=None if self.source.is_audio else width,
                height=None if self.source.is_audio else height,
                duration=duration,
                bitrate=kbps,
                fps=(round(self.source.fps, 3) if self.source.fps else None)
                if not self.source.is_audio
                else None,
                is_audio=self.source.is_audio,
                start_time=self.started,
                finish_time=finished,
            )
        self.streams.append(info)
        self.job.streams.append(info)
        self.emit(payloads.stream_transcode_complete(vid, info, extend=self.extend()))
        self.pending_streams -= 1
        if self.pending_streams == 0:
            self.finish()

    def output_body(self, spec: StreamSpec, url: str) -> tuple[bytes, str]:
        """The stored output: the source itself for mp4 (no re-encoding), a one-entry playlist for m3u8."""
        data = self.source.data or b""
        if spec.format == "m3u8":
            duration = self.source.duration or 10.0
            playlist = (
                "#EXTM3U\n#EXT-X-VERSION:3\n"
                f"#EXT-X-TARGETDURATION:{int(duration) + 1}\n#EXT-X-MEDIA-SEQUENCE:0\n"
                f"#EXTINF:{duration:.3f},\n{self.source.file_url or url}\n#EXT-X-ENDLIST\n"
            )
            return playlist.encode(), "application/x-mpegURL"
        return data, "video/mp4"

    def snapshot(self) -> None:
        vid = self.job.video_id
        video = self.video()
        job_id = _hex()
        stem = f"{vid}/covers/{_hex()}"
        key = f"{stem}-00001.jpg"
        if self.outcome.snapshot_fails or self.source.is_audio:
            event = payloads.snapshot_complete(
                vid,
                snapshot_infos=[],
                status=payloads.FAIL,
                event_time=self.now(),
                error_code=self.outcome.error_code,
                error_message=self.outcome.error_message,
                extend=self.extend(),
            )
        else:
            self.store_object(key, self.cover_jpeg(), "image/jpeg")
            url = self.url_for(key)
            if not video.cover_url:
                video.cover_url = url
            video.snapshots = [*video.snapshots, url]
            self.backend.save_video(video)
            event = payloads.snapshot_complete(
                vid,
                cover_url=video.cover_url,
                snapshot_infos=[
                    payloads.snapshot_info(
                        job_id=job_id,
                        snapshot_type="CoverSnapshot",
                        snapshot_count=1,
                        snapshot_format=f"{stem}-{{SnapshotCount}}.jpg",
                        snapshot_regular=self.url_for(f"{stem}-{{SnapshotCount}}.jpg"),
                    )
                ],
                event_time=self.now(),
                extend=self.extend(),
            )
        self.emit(event)

    def specified_snapshots(
        self, job_id: str, offsets_ms: list[int], width: int | None, height: int | None
    ) -> None:
        vid = self.job.video_id
        stem = f"{vid}/snapshots/normal/{_hex()}"
        if self.outcome.snapshot_fails or self.source.is_audio:
            event = payloads.snapshot_complete(
                vid,
                snapshot_infos=[],
                status=payloads.FAIL,
                sub_type="SpecifiedTime",
                event_time=self.now(),
                error_code=self.outcome.error_code,
                error_message=self.outcome.error_message,
                extend=self.extend(),
            )
        else:
            urls = []
            for index, offset in enumerate(offsets_ms, start=1):
                key = f"{stem}-{index:05d}.jpg"
                self.store_object(key, self.frame_jpeg(offset / 1000.0, width, height), "image/jpeg")
                urls.append(self.url_for(key))
            video = self.video()
            video.extra.setdefault("snapshot_jobs", {})[job_id] = urls
            self.backend.save_video(video)
            event = payloads.snapshot_complete(
                vid,
                snapshot_infos=[
                    payloads.snapshot_info(
                        job_id=job_id,
                        snapshot_type="NormalSnapshot",
                        snapshot_count=len(urls),
                        snapshot_format=f"{stem}-{{SnapshotCount}}.jpg",
                        snapshot_regular=self.url_for(f"{stem}-{{SnapshotCount}}.jpg"),
                    )
                ],
                sub_type="SpecifiedTime",
                event_time=self.now(),
                extend=self.extend(),
            )
        self.emit(event)

    def frame_jpeg(self, at: float, width: int | None, height: int | None) -> bytes:
        if not self.lc.media:
            return b""
        if self.source.data is not None:
            try:
                return snapshot_jpeg(self.source.data, at=at, width=width, height=height)
            except NotMedia:
                pass
        if width and height:
            size = (width, height)
        else:
            size = scaled(self.source.width, self.source.height, 360)
        return make_image(size[0], size[1], "jpeg")

    def cover_jpeg(self) -> bytes:
        if not self.lc.media:
            return b""
        if self.source.data is not None:
            try:
                return snapshot_jpeg(self.source.data, at=min(1.0, self.source.duration / 2))
            except NotMedia:
                pass
        width, height = scaled(self.source.width, self.source.height, 360)
        return make_image(width, height, "jpeg")

    def finish(self) -> None:
        vid = self.job.video_id
        succeeded = any(info.get("Status") == payloads.SUCCESS for info in self.streams)
        self.emit(payloads.transcode_complete(vid, self.streams, extend=self.extend()))
        if self.keep_status:
            pass
        elif not succeeded:
            self.set_status("TranscodeFail")
        elif self.outcome.review:
            self.set_status("Checking")
            if self.outcome.blocked:
                self.set_status("Blocked")
        else:
            self.set_status("Normal")
        video = self.video()
        if succeeded and video is not None and self.source.duration and video.duration is None:
            video.duration = self.source.duration
            self.backend.save_video(video)
        self.job.done = True

    def bad_source_finished(self) -> None:
        vid = self.job.video_id
        code, message = BAD_SOURCE
        video = self.video()
        specs = self.lc.template_groups.get(video.template_group_id or DEFAULT_GROUP) or [StreamSpec("LD")]
        now = self.now()
        self.streams = [
            payloads.stream_info(
                job_id=_hex(),
                definition=spec.definition,
                format=spec.format,
                status=payloads.FAIL,
                start_time=now,
                finish_time=now,
                error_code=code,
                error_message=message,
            )
            for spec in specs
        ]
        self.job.streams.extend(self.streams)
        self.emit(
            payloads.transcode_complete(
                vid, self.streams, error_code=code, error_message=message, extend=self.extend()
            )
        )
        self.set_status("TranscodeFail")
        self.job.done = True
