"""Real ingestion: upload credentials that work with oss2, and what happens when the file lands.

* ``vodfc.emulator.ingest.actions`` — CreateUploadVideo, CreateUploadImage, RefreshUploadVideo and
  GetUploadDetails (bound to the emulator's ``Ingest``): a record in ``Uploading``, an object key in the
  account's VOD bucket, and an STS token allowed to write that one key.
* ``Ingest`` (``get_ingest(app)``) listens to the OSS component: when the object of a pending upload
  is complete (PutObject or CompleteMultipartUpload) it probes the real bytes with PyAV and updates
  the record — size, duration, resolution, bitrate, fps and stream lists on the source file, status
  ``UploadSucc`` (video) or ``Normal`` (image) — emits ImageUploadComplete for an image, then calls
  every ``on_upload_complete`` listener with an ``UploadCompleted``, whose ``source`` is the object
  itself (bucket, key, address, bytes). The lifecycle component is one: it emits FileUploadComplete
  and transcodes from there. A file that is not media ends ``UploadFail`` (switch:
  ``Ingest.non_media_status``), and listeners still hear about it with ``ok=False``. An auxiliary
  media asset (CreateUploadAttachedMedia: a watermark, subtitle or material file, any bytes) is not
  probed: it becomes ``Normal`` with its size, and AttachedMediaUploadComplete goes out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import posixpath
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask
from vodfc.emulator.core import Core
from vodfc.emulator.events import payloads
from vodfc.emulator.events.user_data import callback_url_of, extend_of
from vodfc.emulator.ingest.uploads import SourceObject, UploadTarget, object_prefix
from vodfc.emulator.lookup import component_of
from vodfc.emulator.media import MediaInfo, NotMedia, probe, vodformat
from vodfc.emulator.oss import ObjectEvent, OssService
from vodfc.emulator.policy import upload_policy
from vodfc.emulator.protocol import RequestContext
from vodfc.shared.validation import IMAGE_STATUSES, format_time

if TYPE_CHECKING:
    from vodfc.emulator.accounts import Credential
    from vodfc.emulator.events.bus import EventBus
    from vodfc.emulator.vod.models import VodBackend

__all__ = ["Ingest", "SourceObject", "UploadCompleted", "get_ingest"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingUpload:
    account_id: str
    region: str
    kind: str  # "video" | "image" | "attached"
    media_id: str


@dataclass(frozen=True)
class UploadCompleted:
    """A pending upload's object is complete and the record was updated; what listeners receive."""

    kind: str  # "video" | "image" | "attached"
    media_id: str  # VideoId, ImageId or MediaId
    account_id: str
    region: str
    backend: VodBackend = field(repr=False)
    source: SourceObject  # the completed object: bucket, key, FileUrl, bytes
    status: str  # the record's status after the upload (UploadSucc / Normal / UploadFail)
    ok: bool  # False: the bytes are not media (not an image, for images)
    media: MediaInfo | None  # the probe, None when ``ok`` is False
    error: str | None  # why the probe failed
    object_event: ObjectEvent = field(repr=False)

    host_url: str | None = None  # scheme://host[:port] the uploader used for CreateUpload*
    media_type: str = "video"  # "video" | "audio" | "image" | "attached"

    @property
    def time(self) -> datetime:
        return self.object_event.time


UploadListener = Callable[[UploadCompleted], None]


class Ingest:
    """Pending uploads of one emulator app, and the listeners told when they complete. Uploads land
    in ``oss``; ImageUploadComplete and AttachedMediaUploadComplete go out on ``bus`` (none without
    the events component)."""

    def __init__(self, core: Core, oss: OssService, *, bus: EventBus | None = None):
        self.core = core
        self.oss = oss
        self.bus = bus
        self.on_upload_complete: list[UploadListener] = []
        # Video status for an upload whose bytes are not media (the reference infers that VOD
        # instead goes UploadSucc -> analysis failure -> TranscodeFail: set "UploadSucc" for that).
        # A test's knob: reset() puts it back.
        self.non_media_status = "UploadFail"
        self._pending: dict[tuple[str, str], PendingUpload] = {}
        self._lock = threading.Lock()

    # --- bookkeeping used by the actions -----------------------------------------------------------

    def expect(self, target: UploadTarget, account_id: str, kind: str, media_id: str) -> None:
        with self._lock:
            self._pending[(target.bucket, target.key)] = PendingUpload(
                account_id, target.region, kind, media_id
            )

    def issue_credentials(self, ctx: RequestContext, account_id: str, target: UploadTarget) -> Credential:
        """An STS token for ``account_id`` that may touch only ``target``'s object; its bucket exists."""
        from vodfc.emulator.ingest.uploads import TOKEN_SECONDS

        if ctx.accounts is None:
            raise ValueError("the call carries no key ring to issue upload credentials from")
        # Public-read, like the lifecycle component's outputs in the same bucket: VOD serves its
        # storage through a CDN, so players and ImageURL readers use no OSS signature. Writes still
        # need the owner's keys or this token.
        self.oss.create_bucket(target.bucket, account_id, target.region, acl="public-read")
        policy = upload_policy(target.bucket, (target.key,), prefix=object_prefix(target) or None)
        return ctx.accounts.issue_sts_token(account_id, TOKEN_SECONDS, policy=policy)

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            self.non_media_status = "UploadFail"

    def wiring(self) -> tuple[object, ...]:
        """What ``reset`` keeps that a caller may have added: the upload listeners."""
        return tuple(self.on_upload_complete)

    # --- completion ---------------------------------------------------------------------------------

    def _find(self, event: ObjectEvent) -> PendingUpload | None:
        with self._lock:
            pending = self._pending.get((event.bucket, event.key))
        if pending is not None:
            return pending
        # After a restart with a data dir the index is empty: the records themselves remember.
        backend = self.core.backend(event.account_id, event.region)
        with backend.lock:
            for kind in UPLOAD_KINDS:
                for media_id, record in _records(backend, kind).items():
                    upload = record.extra.get("upload")
                    if upload and upload.get("bucket") == event.bucket and upload.get("key") == event.key:
                        found = PendingUpload(event.account_id, event.region, kind, media_id)
                        self.expect(UploadTarget.from_record(upload), event.account_id, kind, media_id)
                        return found
        return None

    def object_complete(self, event: ObjectEvent) -> None:
        """The OSS listener: update the record of a pending upload, then tell our listeners."""
        pending = self._find(event)
        if pending is None:
            return  # some other object (a user's own bucket, a transcoded output...)
        media: MediaInfo | None = None
        error: str | None = None
        if pending.kind != "attached":  # subtitles, archives ...: nothing to probe
            try:
                media = self._probe(event)
            except NotMedia as exc:
                error = str(exc) or "not a media file"
        backend = self.core.backend(pending.account_id, pending.region)
        with backend.lock:
            transaction = None
            try:
                with self.core.store.transaction() as transaction:
                    if pending.kind == "video":
                        status = self._finish_video(backend, pending.media_id, event, media)
                    elif pending.kind == "image":
                        status = self._finish_image(backend, pending.media_id, event, media)
                    else:
                        status = self._finish_attached(backend, pending.media_id, event)
            except BaseException:
                if transaction is not None and transaction.wrote and hasattr(backend, "reload"):
                    backend.reload()
                raise
        if status is None:
            return
        if pending.kind == "attached":
            ok = True
        else:
            ok = media is not None and (pending.kind != "image" or bool(media.video_streams))
        record = _records(backend, pending.kind).get(pending.media_id)
        upload = dict(getattr(record, "extra", {}).get("upload") or {})
        media_type = str(getattr(record, "media_type", "video")) if pending.kind == "video" else pending.kind
        done = UploadCompleted(
            kind=pending.kind,
            media_id=pending.media_id,
            account_id=pending.account_id,
            region=pending.region,
            backend=backend,
            source=SourceObject(event.bucket, event.key, event.url, event.object.data),
            status=status,
            ok=ok,
            media=media if ok else None,
            error=None if ok else (error or "no picture in the file"),
            object_event=event,
            host_url=upload.get("host_url"),
            media_type=media_type,
        )
        if done.kind == "image" and done.ok:
            self._announce_image(backend, done)
        elif done.kind == "attached":
            self._announce_attached(backend, done)
        for listener in list(self.on_upload_complete):
            try:
                listener(done)
            except Exception:
                logger.exception("upload listener %r failed for %s %s", listener, done.kind, done.media_id)

    def _probe(self, event: ObjectEvent) -> MediaInfo:
        if not event.key.lower().endswith(".m3u8"):
            return probe(event.object.data)
        # An HLS upload completes with its playlist, written after the segments: probe those.
        folder = event.key.rsplit("/", 1)[0] + "/" if "/" in event.key else ""
        try:
            lines = event.object.data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise NotMedia("the playlist is not text") from None
        names = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        if not lines or lines[0].strip() != "#EXTM3U" or not names:
            raise NotMedia("not an HLS playlist")
        infos = []
        for name in names:
            segment = self.oss.get_object(event.bucket, posixpath.normpath(folder + name.split("?", 1)[0]))
            if segment is None:
                raise NotMedia(f"segment {name} is missing")
            infos.append(probe(segment.data))
        duration = sum(info.duration for info in infos)
        size = event.object.size + sum(info.size for info in infos)
        return dataclasses.replace(
            infos[0],
            format_name="hls",
            format_long_name="Apple HTTP Live Streaming",
            size=size,
            duration=duration,
            bitrate=size * 8 / duration if duration else infos[0].bitrate,
        )

    def _finish_video(
        self, backend: VodBackend, video_id: str, event: ObjectEvent, media: MediaInfo | None
    ) -> str | None:
        video = backend.videos.get(video_id)
        if video is None or video.status not in ("Uploading", "UploadFail", "UploadSucc"):
            return None  # deleted meanwhile, or already processed further: a late duplicate
        data = event.object.data
        size = media.size if media is not None else len(data)  # HLS: playlist plus segments
        facts: dict[str, Any] = {
            "size": size,
            "file_md5": hashlib.md5(data).hexdigest(),
            "crc64": str(event.object.crc64),
            "file_url": event.url,
        }
        if media is not None:
            facts.update(
                status="Normal",
                duration=round(media.duration, 6),
                bitrate=round(media.bitrate_kbps, 3),
                fps=round(media.fps, 3) if media.video_streams else None,
                width=media.width or None,
                height=media.height or None,
                video_streams=[vodformat.video_stream(s) for s in media.video_streams],
                audio_streams=[vodformat.audio_stream(s) for s in media.audio_streams],
            )
            status = "UploadSucc"
        else:
            facts["status"] = "UploadFail"
            status = self.non_media_status
        backend.set_mezzanine(video_id, **facts)
        video = backend.get_video(video_id)
        video.size = size
        if media is not None:
            video.duration = round(media.duration, 3)
            if media.is_audio:
                video.media_type = "audio"
        video.status = status
        upload = dict(video.extra.get("upload") or {})
        upload.update(completed_at=format_time(event.time), size=size)
        video.extra["upload"] = upload
        backend.touch(video, event.time)
        backend.save_video(video)
        return str(status)

    def _finish_image(
        self, backend: VodBackend, image_id: str, event: ObjectEvent, media: MediaInfo | None
    ) -> str | None:
        image = backend.images.get(image_id)
        if image is None or image.status not in IMAGE_STATUSES:
            return None
        image.file_size = event.object.size
        if media is not None and media.video_streams:
            image.width, image.height, image.status = media.width, media.height, "Normal"
        else:
            image.status = "UploadFail"
        image.modification_time = format_time(event.time)
        backend.save_image(image)
        return str(image.status)

    def _finish_attached(self, backend: VodBackend, media_id: str, event: ObjectEvent) -> str | None:
        attached = backend.attached.get(media_id)
        if attached is None or attached.status not in IMAGE_STATUSES:
            return None  # deleted meanwhile
        attached.file_size = event.object.size
        attached.status = "Normal"
        upload = dict(attached.extra.get("upload") or {})
        upload.update(completed_at=format_time(event.time), size=event.object.size)
        attached.extra["upload"] = upload
        attached.modification_time = format_time(event.time)
        backend.save_attached(attached)
        return attached.status

    def _announce_attached(self, backend: VodBackend, done: UploadCompleted) -> None:
        """AttachedMediaUploadComplete (VOD sends it on success only)."""
        attached = backend.attached.get(done.media_id)
        if attached is None:
            return
        event = payloads.attached_media_upload_complete(
            attached.media_id,
            size=done.source.size,
            file_url=attached.file_url or attached.url or done.source.file_url,
            event_time=done.time,
            extend=extend_of(attached.user_data),
        )
        self._emit(event, done, attached.app_id, attached.user_data)

    def _emit(self, event: dict[str, Any], done: UploadCompleted, app_id: str, user_data: str | None) -> None:
        """Send an upload event to the medium's AppId callback (or its UserData URL); none without a bus."""
        bus = self.bus
        if bus is None:
            return
        try:
            bus.emit(
                event, account_id=done.account_id, app_id=app_id, callback_url=callback_url_of(user_data)
            )
        except Exception:
            logger.exception("could not emit %s for %s", event.get("EventType"), done.media_id)

    def _announce_image(self, backend: VodBackend, done: UploadCompleted) -> None:
        """ImageUploadComplete (success only, as VOD); video events belong to the lifecycle component."""
        image = backend.images.get(done.media_id)
        if image is None:
            return
        event = payloads.image_upload_complete(
            image.image_id,
            size=done.source.size,
            file_url=image.file_url or image.url or done.source.file_url,
            app_id=image.app_id,
            event_time=done.time,
            extend=extend_of(image.user_data),
        )
        self._emit(event, done, image.app_id, image.user_data)


UPLOAD_KINDS = ("video", "image", "attached")


def _records(backend: VodBackend, kind: str) -> Mapping[str, Any]:
    """The backend's records of one upload kind, by id."""
    if kind == "video":
        return backend.videos
    if kind == "image":
        return backend.images
    return backend.attached


def get_ingest(app: Flask) -> Ingest:
    return component_of(app, "ingest", Ingest)
