"""The VOD backend: one account and region's media library, kept in memory and written through.

``VodBackend`` holds typed records (``Video``, ``Mezzanine``, ``Stream``, ``Image``, ``AttachedMedia``,
``Category``) in dicts, and writes every change through to the emulator's ``Store`` as a JSON record of
its kind ("video", "mezzanine", "stream", "image", "attached", "category", "meta") under the namespace
``"<account>/<region>"``. The gateway runs each action inside one store transaction and calls
``reload()`` when a failed call had written something, so memory always follows the store.

Each record renders the JSON shapes VOD answers with (``info_body()``, ``list_body()``, ...): the
wrapper lists, the JSON types (numbers vs strings) and key names follow ``vod-api.md`` §0.2/§0.3.
Rendering is cheap on purpose (no copies of the library per call); the SearchMedia bodies are cached
per record and dropped when the record is saved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from vodfc.emulator.oss.addresses import parse_object_url
from vodfc.emulator.store import Record, Store
from vodfc.emulator.vod.exceptions import (
    CategoryLevelExceededMax,
    InvalidCategoryNotFound,
    InvalidParameter,
    InvalidStreamNotFound,
    InvalidVideoNotFound,
    NoSuchResource,
)
from vodfc.shared.validation import DEFAULT_APP_ID, DEFINITIONS, MAX_WINDOW, VIDEO_STATUSES, format_time

MAX_CATEGORY_LEVEL = 2  # levels 0, 1, 2: three levels of categories
FIRST_CATEGORY_ID = 1000000001
CHANGE_LOG_MAX = 20000


def new_id() -> str:
    """A VOD media or job id: 32 lower-case hex digits."""
    return uuid.uuid4().hex


def compact_number(value: float | int | str | None) -> str | None:
    """A number as GetPlayInfo writes it in strings: ``"30"``, ``"6.4"``, ``"17593.35"``."""
    if value is None or isinstance(value, str):
        return value
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return repr(round(number, 4))


def fixed4(value: float | int | str | None) -> str | None:
    """A number as GetMezzanineInfo writes it in strings: ``"771.2280"``."""
    if value is None or isinstance(value, str):
        return value
    return f"{float(value):.4f}"


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None and value != ""}


R = TypeVar("R", bound="_RecordMixin")


def _apply(record: object, changes: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set ``changes`` on ``record``; the ones that differ from what it had, ``{name: (old, new)}``."""
    changed = {}
    for name, value in changes.items():
        old = getattr(record, name)
        if old != value:
            changed[name] = (old, value)
        setattr(record, name, value)
    return changed


class _RecordMixin:
    """to_record / from_record for the record dataclasses (unknown keys are ignored on load)."""

    kind: ClassVar[str]
    _field_order: ClassVar[tuple[str, ...]]
    _field_set: ClassVar[frozenset[str]]

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_field_order")
        if names is None:
            fields = dataclasses.fields(cls)  # type: ignore[arg-type]
            names = tuple(f.name for f in fields if not f.name.startswith("_"))
            cls._field_order = names
        return names  # type: ignore[no-any-return]

    def to_record(self) -> Record:
        """The record the store keeps. It shares lists and dicts with the object: the stores serialise
        it at once; copy it before keeping it anywhere else."""
        return {name: getattr(self, name) for name in self._names()}

    @classmethod
    def from_record(cls: type[R], record: Record) -> R:
        known = cls.__dict__.get("_field_set")
        if known is None:
            known = cls._field_set = frozenset(cls._names())
        return cls(**{key: value for key, value in record.items() if key in known})


# --- records ------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Category(_RecordMixin):
    kind: ClassVar[str] = "category"

    cate_id: int
    cate_name: str
    parent_id: int = -1
    level: int = 0
    type: str = "default"
    creation_time: str = ""

    def body(self) -> dict[str, Any]:
        """The ``Category`` object of AddCategory / GetCategories."""
        return {
            "CateId": self.cate_id,
            "CateName": self.cate_name,
            "Level": self.level,
            "ParentId": self.parent_id,
            "Type": self.type,
        }


@dataclass(eq=False)
class Video(_RecordMixin):
    """A video (or audio) media asset: the metadata VOD keeps beside its source file and streams."""

    kind: ClassVar[str] = "video"

    video_id: str
    title: str
    status: str = "Uploading"
    creation_time: str = ""
    modification_time: str = ""
    description: str | None = None
    tags: str | None = None  # VOD keeps and answers tags as one comma-separated string
    cate_id: int | None = None
    cover_url: str | None = None
    duration: float | None = None
    size: int | None = None
    reference_id: str | None = None
    user_data: str | None = None
    app_id: str = DEFAULT_APP_ID
    storage_location: str | None = None
    storage_class: str = "Standard"
    template_group_id: str | None = None
    workflow_id: str | None = None
    download_switch: str = "on"
    audit_status: str = "Init"  # Init until the video first becomes Normal
    transcode_mode: str = "FastTranscode"
    media_source: str = "general"
    media_type: str = "video"
    preprocess_status: str = "UnPreprocess"
    restore_status: str | None = None
    restore_expiration: str | None = None
    file_name: str | None = None
    snapshots: list[str] = field(default_factory=list)
    sprite_snapshots: list[str] = field(default_factory=list)
    sprite_origin_snapshots: list[str] = field(default_factory=list)
    # Anything a component wants to keep with the video (UploadAuth details, workflow state ...).
    extra: dict[str, Any] = field(default_factory=dict)
    _search: dict[str, Any] | None = field(default=None, repr=False)
    # GetVideoInfo's body for one category name, kept until the video is saved (the hot read path).
    _info: tuple[str | None, dict[str, Any]] | None = field(default=None, repr=False)

    def _common(self, cate_name: str | None) -> dict[str, Any]:
        return {
            "VideoId": self.video_id,
            "Title": self.title,
            "Description": self.description,
            "Tags": self.tags,
            "CateId": self.cate_id,
            "CateName": cate_name,
            "CoverURL": self.cover_url,
            "Duration": self.duration,
            "Size": self.size,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "ModificationTime": self.modification_time or self.creation_time,
            "AppId": self.app_id,
            "StorageLocation": self.storage_location,
            "StorageClass": self.storage_class,
            "ReferenceId": self.reference_id,
            "RestoreStatus": self.restore_status,
            "RestoreExpiration": self.restore_expiration,
        }

    def info_body(self, cate_name: str | None, region: str) -> dict[str, Any]:
        """GetVideoInfo's ``Video``: Snapshots wrapped as ``{"Snapshot": [...]}``."""
        body = self._common(cate_name)
        body["DownloadSwitch"] = self.download_switch
        body["UserData"] = self.user_data
        body["TemplateGroupId"] = self.template_group_id
        body["RegionId"] = region
        if self.audit_status != "Init":
            body["AuditStatus"] = self.audit_status
        if self.snapshots:
            body["Snapshots"] = {"Snapshot": list(self.snapshots)}
        return _drop_none(body)

    def cached_info_body(self, cate_name: str | None, region: str) -> dict[str, Any]:
        """``info_body`` from a per-video cache (a shallow copy: callers may add keys, not edit values)."""
        cached = self._info
        if cached is None or cached[0] != cate_name:
            cached = self._info = (cate_name, self.info_body(cate_name, region))
        return dict(cached[1])

    def infos_body(self, cate_name: str | None) -> dict[str, Any]:
        """One item of GetVideoInfos' ``VideoList``: Snapshots a plain list."""
        body = self._common(cate_name)
        body["DownloadSwitch"] = self.download_switch
        body["UserData"] = self.user_data
        body["TemplateGroupId"] = self.template_group_id
        if self.snapshots:
            body["Snapshots"] = list(self.snapshots)
        return _drop_none(body)

    def list_body(self, cate_name: str | None) -> dict[str, Any]:
        """One item of GetVideoList's ``VideoList.Video``: Snapshots wrapped."""
        body = self._common(cate_name)
        body["UserData"] = self.user_data
        if self.snapshots:
            body["Snapshots"] = {"Snapshot": list(self.snapshots)}
        return _drop_none(body)

    def search_body(self, cate_name: str | None) -> dict[str, Any]:
        """SearchMedia's ``Video`` (or ``Audio``) object with every field it can return (plain lists)."""
        body = self._common(cate_name)
        body.update(
            DownloadSwitch=self.download_switch,
            MediaSource=self.media_source,
            PreprocessStatus=self.preprocess_status,
            TranscodeMode=self.transcode_mode,
            Snapshots=list(self.snapshots),
            SpriteSnapshots=list(self.sprite_snapshots),
        )
        if self.media_type == "audio":
            body["AudioId"] = body.pop("VideoId")
        return {k: v for k, v in body.items() if v is not None and v != ""}

    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]


@dataclass(eq=False)
class Mezzanine(_RecordMixin):
    """A video's source file (GetMezzanineInfo); ``Deleted`` after DeleteMezzanines."""

    kind: ClassVar[str] = "mezzanine"

    video_id: str
    status: str = "Uploading"
    file_name: str | None = None
    file_url: str | None = None
    size: int | None = None
    duration: float | None = None
    bitrate: float | None = None  # Kbit/s
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    file_md5: str | None = None
    crc64: str | None = None
    creation_time: str = ""
    preprocess_status: str = "UnPreprocess"
    storage_class: str = "Standard"
    # GetMezzanineInfo's stream lists, every value a string as VOD sends them.
    video_streams: list[dict[str, str]] = field(default_factory=list)
    audio_streams: list[dict[str, str]] = field(default_factory=list)

    def body(self, output_type: str = "cdn", additions: Iterable[str] = ()) -> dict[str, Any]:
        out = _drop_none(
            {
                "VideoId": self.video_id,
                "FileName": self.file_name,
                "FileURL": self.file_url if self.status != "Deleted" else None,
                "Size": self.size,
                "Duration": fixed4(self.duration),
                "Bitrate": fixed4(self.bitrate),
                "Fps": fixed4(self.fps),
                "Width": self.width,
                "Height": self.height,
                "FileMD5": self.file_md5,
                "CRC64": self.crc64,
                "Status": self.status,
                "CreationTime": self.creation_time,
                "OutputType": output_type,
                "PreprocessStatus": self.preprocess_status,
                "StorageClass": self.storage_class,
            }
        )
        additions = set(additions)
        if "video" in additions:
            out["VideoStreamList"] = [dict(s) for s in self.video_streams]
        if "audio" in additions:
            out["AudioStreamList"] = [dict(s) for s in self.audio_streams]
        return out


@dataclass(eq=False)
class Stream(_RecordMixin):
    """One transcoded (or original, untranscoded) playable stream of a video."""

    kind: ClassVar[str] = "stream"

    job_id: str
    video_id: str
    definition: str = "LD"
    format: str = "mp4"
    play_url: str = ""
    bitrate: float | None = None  # Kbit/s
    size: int | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    status: str = "Normal"
    stream_type: str = "video"
    encrypt: int = 0
    encrypt_type: str | None = None
    specification: str | None = None
    codec_name: str | None = None
    narrow_band_type: str = "0"
    watermark_id: str | None = None
    creation_time: str = ""
    modification_time: str = ""

    def play_info(self) -> dict[str, Any]:
        """One ``PlayInfoList.PlayInfo`` item (numbers and strings as in the captured answers)."""
        return _drop_none(
            {
                "JobId": self.job_id,
                "Definition": self.definition,
                "Format": self.format,
                "PlayURL": self.play_url,
                "Bitrate": compact_number(self.bitrate),
                "Size": self.size,
                "Duration": compact_number(self.duration),
                "Width": self.width,
                "Height": self.height,
                "Fps": compact_number(self.fps),
                "Status": self.status,
                "StreamType": self.stream_type,
                "Encrypt": self.encrypt,
                "EncryptType": self.encrypt_type,
                "Specification": self.specification,
                "CodecName": self.codec_name,
                "NarrowBandType": self.narrow_band_type,
                "WatermarkId": self.watermark_id,
                "CreationTime": self.creation_time,
                "ModificationTime": self.modification_time or self.creation_time,
            }
        )

    def definition_rank(self) -> int:
        try:
            return DEFINITIONS.index(self.definition)
        except ValueError:
            return len(DEFINITIONS)


@dataclass(eq=False)
class Image(_RecordMixin):
    kind: ClassVar[str] = "image"

    image_id: str
    title: str | None = None
    status: str = "Uploading"
    image_type: str = "default"
    image_ext: str = "png"
    url: str | None = None  # the playback (CDN/OSS) address, ``URL``
    file_url: str | None = None  # the source file, ``Mezzanine.FileURL``
    description: str | None = None
    tags: str | None = None
    cate_id: int | None = None
    app_id: str = DEFAULT_APP_ID
    storage_location: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    original_file_name: str | None = None
    user_data: str | None = None
    creation_time: str = ""
    modification_time: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    _search: dict[str, Any] | None = field(default=None, repr=False)

    def info_body(self, cate_name: str | None) -> dict[str, Any]:
        """GetImageInfo's ``ImageInfo`` (and each item of GetImageInfos'); FileSize is a string."""
        mezzanine = _drop_none(
            {
                "FileURL": self.file_url or self.url,
                "FileSize": None if self.file_size is None else str(self.file_size),
                "Width": self.width,
                "Height": self.height,
                "OriginalFileName": self.original_file_name,
            }
        )
        body = _drop_none(
            {
                "ImageId": self.image_id,
                "Title": self.title,
                "Description": self.description,
                "Tags": self.tags,
                "CateId": self.cate_id,
                "CateName": cate_name,
                "ImageType": self.image_type,
                "Status": self.status,
                "URL": self.url,
                "StorageLocation": self.storage_location,
                "AppId": self.app_id,
                "CreationTime": self.creation_time,
            }
        )
        body["Mezzanine"] = mezzanine
        return body

    def search_body(self, cate_name: str | None) -> dict[str, Any]:
        return _drop_none(
            {
                "ImageId": self.image_id,
                "Title": self.title,
                "Description": self.description,
                "Tags": self.tags,
                "CateId": self.cate_id,
                "CateName": cate_name,
                "Status": self.status,
                "URL": self.url,
                "StorageLocation": self.storage_location,
                "AppId": self.app_id,
                "CreationTime": self.creation_time,
                "ModificationTime": self.modification_time or self.creation_time,
                # Filter-only (Match "FileName" on images); SearchMedia never returns it.
                "FileName": self.original_file_name,
            }
        )


@dataclass(eq=False)
class AttachedMedia(_RecordMixin):
    """An auxiliary media asset (a watermark, subtitle or material file): CreateUploadAttachedMedia's."""

    kind: ClassVar[str] = "attached"

    media_id: str
    business_type: str  # watermark | subtitle | material
    title: str | None = None
    status: str = "Uploading"
    media_ext: str = ""
    url: str | None = None  # the access address (MediaURL, URL)
    file_url: str | None = None  # the file in OSS (FileURL)
    description: str | None = None
    tags: str | None = None
    cate_ids: list[int] = field(default_factory=list)  # at most 5
    app_id: str = DEFAULT_APP_ID
    storage_location: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    user_data: str | None = None
    creation_time: str = ""
    modification_time: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    _search: dict[str, Any] | None = field(default=None, repr=False)

    def categories_body(self, categories: dict[int, Category]) -> list[dict[str, Any]]:
        """``Categories``: each of its categories still there, as ``{CateId, CateName, Level, ParentId}``."""
        found = (categories.get(cate_id) for cate_id in self.cate_ids)
        return [
            {"CateId": c.cate_id, "CateName": c.cate_name, "Level": c.level, "ParentId": c.parent_id}
            for c in found
            if c is not None
        ]

    def _common(self, categories: dict[int, Category]) -> dict[str, Any]:
        body = _drop_none(
            {
                "MediaId": self.media_id,
                "Title": self.title,
                "Description": self.description,
                "Tags": self.tags,
                "Status": self.status,
                "URL": self.url,
                "StorageLocation": self.storage_location,
                "AppId": self.app_id,
                "CreationTime": self.creation_time,
                "ModificationTime": self.modification_time or self.creation_time,
            }
        )
        body["Categories"] = self.categories_body(categories)
        return body

    def info_body(self, categories: dict[int, Category]) -> dict[str, Any]:
        """One item of GetAttachedMediaInfo's ``AttachedMediaList`` (the business type is ``Type`` here)."""
        body = self._common(categories)
        body["Type"] = self.business_type
        return body

    def search_body(self, categories: dict[int, Category]) -> dict[str, Any]:
        """SearchMedia's ``AttachedMedia`` (``BusinessType``), plus the filter-only ``CateId`` (every
        category id: Match on any of them) and ``FileName``, which SearchMedia never returns."""
        body = self._common(categories)
        body["BusinessType"] = self.business_type
        if self.cate_ids:
            body["CateId"] = list(self.cate_ids)
        if self.file_name:
            body["FileName"] = self.file_name
        return body


class MediaDocument:
    """One media asset as SearchMedia sees it (``vodfc.emulator.vod.search``'s ``SearchDocument``).

    ``search_body()`` is the SearchMedia sub-object (``Video``/``Audio``/``Image``) with every field it
    can return, VOD's wire names and JSON types; it is cached on the record until the record is saved
    again, so treat it as read-only.
    """

    __slots__ = ("_categories", "media_id", "media_type", "record")

    def __init__(
        self,
        media_type: str,
        media_id: str,
        record: Video | Image | AttachedMedia,
        categories: dict[int, Category],
    ):
        self.media_type = media_type  # "video" | "audio" | "image" | "attached"
        self.media_id = media_id
        self.record = record
        self._categories = categories

    @property
    def creation_time(self) -> str:
        return self.record.creation_time

    @property
    def modification_time(self) -> str:
        return self.record.modification_time or self.record.creation_time

    def search_body(self) -> dict[str, Any]:
        record = self.record
        body = record._search
        if body is None:
            if isinstance(record, AttachedMedia):
                body = record._search = record.search_body(self._categories)
            else:
                cate = self._categories.get(record.cate_id) if record.cate_id is not None else None
                body = record._search = record.search_body(cate.cate_name if cate else None)
        return body

    @property
    def body(self) -> dict[str, Any]:
        return self.search_body()


@dataclass
class VodOptions:
    """Behaviour switches where the reference marks VOD's behaviour as inferred or unknown.

    Change them on a live backend (``backend.options.x = ...``); ``reset()`` restores the defaults.
    """

    # GetVideoInfos / DeleteVideo when *every* id is unknown: 404 InvalidVideo.NotFound (True) or
    # 200 with the ids in NonExistVideoIds (False). Mixed batches always answer 200. [inferred]
    all_unknown_is_not_found: bool = True
    # Title/Description/Tags limits are counted in UTF-8 bytes (Update* pages); False counts characters
    # (CreateUpload* pages say "characters").
    limits_in_bytes: bool = True
    # Illegal characters (emoji, every non-BMP character: vodfc.shared.validation.ILLEGAL_CHARACTERS) in
    # video Title/Description/Tags answer IllegalCharacters (documented for CreateUploadVideo; inferred for
    # UpdateVideoInfo(s)). Images and CateName always check.
    reject_emoji_in_video_fields: bool = True
    # An UpdateVideoInfo(s) / UpdateImageInfos CateId that names no category: InvalidCateId.NotFound.
    check_cate_id_exists: bool = True
    # HTTP status of Forbidden.IllegalStatus from GetPlayInfo (403 per the op page; inferred).
    play_illegal_status_http: int = 403
    # GetVideoList answers only the first N matches (PageNo * PageSize beyond it: VideoListExceededMax).
    video_list_window: int = MAX_WINDOW
    # DeleteMezzanines refuses (UnRemoveableVideoIds) sources that are the playback stream
    # (NoTranscode / AsyncTranscode videos) unless Force=true.
    protect_untranscoded_sources: bool = True
    # CoverURL (CreateUploadVideo, UpdateVideoInfo(s)) must be an http(s) URL with a host
    # (vodfc.shared.validation.is_http_url). Off: any string, as VOD documents no format. [inferred]
    strict_cover_url: bool = False
    # CDN URL signing, type A (vodfc.emulator.vod.delivery): the key of the account's accelerated domain.
    # Set, the addresses OutputType=cdn answers carry auth_key and the emulator's OSS refuses anonymous
    # reads of the VOD buckets without a valid one. None: no URL signing (VOD's default). [switch]
    cdn_auth_key: str | None = None
    # The domain's validity period of a signed URL: it expires at its timestamp plus this. [inferred default]
    cdn_auth_ttl: int = 1800


# --- the backend -------------------------------------------------------------------------------------


class VodBackend:
    """One account+region's VOD state. Hold ``lock`` around any sequence of reads and writes."""

    def __init__(self, account_id: str, region: str, store: Store):
        self.account_id = account_id
        self.region = region
        self.store = store
        self.namespace = f"{account_id}/{region}"
        self.lock = threading.RLock()
        self.options = VodOptions()
        # Components (SearchMedia indexes, scroll tokens ...) keep derived state here; reset clears it.
        self.extensions: dict[str, Any] = {}
        # Ids UpdateVideoInfos / DeleteVideo answer in ForbiddenVideoIds (VOD: another app's media).
        self.forbidden_video_ids: set[str] = set()
        # Bumped on every write: a cheap "has anything changed" check for caches built on top.
        self.generation = 0
        self.storage_location = (
            "outin-" + hashlib.md5(self.namespace.encode()).hexdigest() + f".oss-{region}.aliyuncs.com"
        )
        self._clear()
        self.reload()

    # --- lifecycle ---------------------------------------------------------------------------------

    def _clear(self) -> None:
        self.videos: dict[str, Video] = {}
        self.mezzanines: dict[str, Mezzanine] = {}
        self.streams: dict[str, dict[str, Stream]] = {}  # video id -> job id -> stream
        self.images: dict[str, Image] = {}
        self.attached: dict[str, AttachedMedia] = {}  # auxiliary media assets by MediaId
        self.categories: dict[int, Category] = {}
        self._references: dict[str, str] = {}  # ReferenceId -> VideoId
        self._next_cate_id = FIRST_CATEGORY_ID
        # (generation, media type, media id) of every media write: SearchMedia replays them.
        self._changes: list[tuple[int, str, str]] = []
        self._changes_floor = self.generation
        # Videos oldest first, for GetVideoList; dropped when a video comes, goes or changes its time.
        self._ordered: list[Video] | None = None
        self._ordered_times: dict[str, str] = {}

    def reset(self) -> None:
        """Forget everything in memory (the registry clears the store itself)."""
        with self.lock:
            self._clear()
            self.extensions.clear()
            self.forbidden_video_ids.clear()
            self.options = VodOptions()
            self.generation += 1
            self._all_media_changed()

    def reload(self) -> None:
        """Rebuild the in-memory objects from the store (after a rolled-back call, or at start). A
        record its class cannot be built from is quarantined (the store logs it); the rest load."""
        with self.lock:
            self._clear()
            for video in self._load(Video):
                self.videos[video.video_id] = video
                if video.reference_id:
                    self._references[video.reference_id] = video.video_id
            for mezz in self._load(Mezzanine):
                self.mezzanines[mezz.video_id] = mezz
            for stream in self._load(Stream):
                self.streams.setdefault(stream.video_id, {})[stream.job_id] = stream
            for image in self._load(Image):
                self.images[image.image_id] = image
            for attached in self._load(AttachedMedia):
                self.attached[attached.media_id] = attached
            for cate in self._load(Category):
                self.categories[cate.cate_id] = cate
            meta = self.store.load(self.namespace, "meta").get("counters", {})
            try:
                next_cate_id = int(meta.get("next_cate_id", FIRST_CATEGORY_ID))
            except (TypeError, ValueError):
                next_cate_id = FIRST_CATEGORY_ID
            self._next_cate_id = max(next_cate_id, max(self.categories, default=FIRST_CATEGORY_ID - 1) + 1)
            self.generation += 1
            self._all_media_changed()

    def _load(self, cls: type[R]) -> list[R]:
        loaded = []
        for key, record in self.store.load(self.namespace, cls.kind).items():
            try:
                loaded.append(cls.from_record(record))
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                reason = f"not a {cls.__name__} record ({type(error).__name__}: {error})"
                self.store.quarantine(self.namespace, cls.kind, key, reason)
        return loaded

    def _put(self, record_obj: _RecordMixin, key: str) -> None:
        self.store.put(self.namespace, record_obj.kind, key, record_obj.to_record())
        self.generation += 1

    def _delete(self, kind: str, key: str) -> None:
        self.store.delete(self.namespace, kind, key)
        self.generation += 1

    # --- videos ------------------------------------------------------------------------------------

    def create_video(
        self,
        title: str,
        *,
        video_id: str | None = None,
        status: str = "Uploading",
        now: datetime | str | None = None,
        file_name: str | None = None,
        mezzanine: bool = True,
        **fields: Any,
    ) -> Video:
        """A new video (``Uploading`` by default) with an ``Uploading`` source record; saved.

        ``fields`` are ``Video`` attributes (``description``, ``tags``, ``cate_id``, ``reference_id``,
        ``user_data``, ``template_group_id``, ``storage_location`` ...).
        """
        stamp = now if isinstance(now, str) else format_time(now)
        video = Video(
            video_id=video_id or new_id(),
            title=title,
            status=status,
            creation_time=stamp,
            modification_time=stamp,
            file_name=file_name,
            **fields,
        )
        if video.storage_location is None:
            video.storage_location = self.storage_location
        if status == "Normal" and video.audit_status == "Init":
            video.audit_status = "Normal"
        self.save_video(video)
        if mezzanine:
            self.set_mezzanine(
                video.video_id,
                status="Uploading" if status in ("Uploading", "UploadFail") else "Normal",
                file_name=file_name,
                creation_time=stamp,
            )
        return video

    def get_video(self, video_id: str) -> Video:
        """The video, or ``InvalidVideo.NotFound``."""
        video = self.videos.get(video_id)
        if video is None:
            raise InvalidVideoNotFound()
        return video

    def find_video(self, video_id: str | None = None, reference_id: str | None = None) -> Video | None:
        """The video named by id or by ReferenceId (the id wins when both are given), or None."""
        if video_id:
            return self.videos.get(video_id)
        if reference_id:
            vid = self._references.get(reference_id)
            return self.videos.get(vid) if vid else None
        return None

    def video_id_of_reference(self, reference_id: str) -> str | None:
        return self._references.get(reference_id)

    def save_video(self, video: Video) -> None:
        """Write a (new or changed) video through to the store."""
        old = self.videos.get(video.video_id)
        if old is not None and old.reference_id and old.reference_id != video.reference_id:
            self._references.pop(old.reference_id, None)
        if video.reference_id:
            self._references[video.reference_id] = video.video_id
        video._search = video._info = None
        if self._ordered is not None and (
            old is not video or self._ordered_times.get(video.video_id) != video.creation_time
        ):
            self._ordered = None
        self.videos[video.video_id] = video
        self._put(video, video.video_id)
        self._media_changed(video.media_type, video.video_id)

    def videos_by_creation(self) -> list[Video]:
        """Every video, oldest first (ties by id); cached, so treat the list as read-only."""
        ordered = self._ordered
        if ordered is None:
            ordered = self._ordered = sorted(
                self.videos.values(), key=lambda v: (v.creation_time, v.video_id)
            )
            self._ordered_times = {v.video_id: v.creation_time for v in ordered}
        return ordered

    def touch(self, record: Video | Image | AttachedMedia, now: datetime | str | None = None) -> None:
        """Set a record's ``modification_time`` (``now``; None means the current time)."""
        record.modification_time = now if isinstance(now, str) else format_time(now)

    def delete_video(self, video_id: str) -> Video:
        """Remove the video with its source record and streams; ``InvalidVideo.NotFound`` if unknown."""
        video = self.get_video(video_id)
        del self.videos[video_id]
        self._ordered = None
        if video.reference_id and self._references.get(video.reference_id) == video_id:
            del self._references[video.reference_id]
        self._delete("video", video_id)
        self._media_changed(video.media_type, video_id)
        if self.mezzanines.pop(video_id, None) is not None:
            self._delete("mezzanine", video_id)
        for job_id in self.streams.pop(video_id, {}):
            self._delete("stream", job_id)
        return video

    def set_video_status(self, video_id: str, status: str, now: datetime | str | None = None) -> Video:
        """Move a video to a VOD status (``Normal`` also makes a fresh video's AuditStatus ``Normal``)."""
        if status not in VIDEO_STATUSES:
            raise InvalidParameter("Status", f"{status} is not a video status")
        video = self.get_video(video_id)
        video.status = status
        if status == "Normal" and video.audit_status == "Init":
            video.audit_status = "Normal"
        elif status == "Blocked":
            video.audit_status = "Blocked"
        self.touch(video, now)
        self.save_video(video)
        return video

    def update_video(
        self, video: Video, changes: dict[str, Any], now: datetime | str | None = None
    ) -> dict[str, tuple[Any, Any]]:
        """Apply attribute changes (already validated) and save; the attributes that really changed,
        as ``{name: (old, new)}``."""
        changed = _apply(video, changes)
        self.touch(video, now)
        self.save_video(video)
        return changed

    # --- source files and streams ------------------------------------------------------------------

    def get_mezzanine(self, video_id: str) -> Mezzanine | None:
        return self.mezzanines.get(video_id)

    def set_mezzanine(self, video_id: str, **fields: Any) -> Mezzanine:
        """Create or update a video's source record; size/duration also land on the video if unset."""
        video = self.get_video(video_id)
        mezz = self.mezzanines.get(video_id)
        if mezz is None:
            mezz = Mezzanine(video_id=video_id, creation_time=video.creation_time)
        for name, value in fields.items():
            if not hasattr(mezz, name):
                raise TypeError(f"Mezzanine has no field {name!r}")
            setattr(mezz, name, value)
        self.mezzanines[video_id] = mezz
        self._put(mezz, video_id)
        changed = False
        if mezz.size is not None and video.size is None:
            video.size, changed = mezz.size, True
        if mezz.duration is not None and video.duration is None:
            video.duration, changed = mezz.duration, True
        if mezz.file_name and not video.file_name:
            video.file_name, changed = mezz.file_name, True
        if changed:
            self.save_video(video)
        return mezz

    def streams_of(self, video_id: str) -> list[Stream]:
        return list(self.streams.get(video_id, {}).values())

    def add_stream(
        self, video_id: str, *, job_id: str | None = None, now: datetime | str | None = None, **fields: Any
    ) -> Stream:
        """Add (or replace, same job id) a playable stream; ``fields`` are ``Stream`` attributes."""
        self.get_video(video_id)
        stamp = now if isinstance(now, str) else format_time(now)
        fields.setdefault("creation_time", stamp)
        fields.setdefault("modification_time", stamp)
        stream = Stream(job_id=job_id or new_id(), video_id=video_id, **fields)
        self.streams.setdefault(video_id, {})[stream.job_id] = stream
        self._put(stream, stream.job_id)
        return stream

    def delete_streams(self, video_id: str, job_ids: Iterable[str]) -> list[Stream]:
        """Delete streams of one video; ``InvalidStream.NotFound`` (nothing deleted) if any is unknown."""
        self.get_video(video_id)
        streams = self.streams.get(video_id, {})
        job_ids = list(dict.fromkeys(job_ids))
        if any(job_id not in streams for job_id in job_ids):
            raise InvalidStreamNotFound()
        removed = [streams.pop(job_id) for job_id in job_ids]
        for stream in removed:
            self._delete("stream", stream.job_id)
        return removed

    # --- images ------------------------------------------------------------------------------------

    def create_image(
        self,
        *,
        image_id: str | None = None,
        image_type: str = "default",
        image_ext: str = "png",
        status: str = "Uploading",
        now: datetime | str | None = None,
        **fields: Any,
    ) -> Image:
        """A new image (``Uploading`` by default) with VOD-style URLs in this backend's bucket; saved."""
        stamp = now if isinstance(now, str) else format_time(now)
        image_id = image_id or new_id()
        location = fields.pop("storage_location", None) or self.storage_location
        default_url = f"https://{location}/image/{image_type}/{image_id.upper()}-6-2.{image_ext}"
        fields.setdefault("url", default_url)
        fields.setdefault("file_url", fields["url"])
        image = Image(
            image_id=image_id,
            image_type=image_type,
            image_ext=image_ext,
            status=status,
            storage_location=location,
            creation_time=stamp,
            modification_time=stamp,
            **fields,
        )
        self.save_image(image)
        return image

    def get_image(self, image_id: str) -> Image:
        """The image, or ``NoSuchResource`` (GetImageInfo's documented not-found answer)."""
        image = self.images.get(image_id)
        if image is None:
            raise NoSuchResource()
        return image

    def save_image(self, image: Image) -> None:
        self._save_media("image", self.images, image.image_id, image)

    def update_image(
        self, image: Image, changes: dict[str, Any], now: datetime | str | None = None
    ) -> dict[str, tuple[Any, Any]]:
        """Apply attribute changes (already validated) and save; what really changed, as for videos."""
        changed = _apply(image, changes)
        self.touch(image, now)
        self.save_image(image)
        return changed

    def _save_media(self, media_type: str, records: dict[str, Any], media_id: str, record: Any) -> None:
        """Keep and write a searchable record (an image or an attached medium)."""
        record._search = None
        records[media_id] = record
        self._put(record, media_id)
        self._media_changed(media_type, media_id)

    def delete_image(self, image_id: str) -> Image:
        image = self.get_image(image_id)
        del self.images[image_id]
        self._delete("image", image_id)
        self._media_changed("image", image_id)
        return image

    def find_images_by_url(self, url: str) -> list[Image]:
        """Images whose address or source URL is ``url`` (a query, such as a signature, is ignored), or
        names the same object however the client reached it (virtual-hosted or on the emulator's port)."""
        base = url.split("?", 1)[0]
        address = parse_object_url(base)
        target = None if address is None else (address.bucket, address.key)

        def same(stored: str | None) -> bool:
            if not stored:
                return False
            if stored == base:
                return True
            found = parse_object_url(stored) if target is not None else None
            return found is not None and (found.bucket, found.key) == target

        return [i for i in self.images.values() if same(i.url) or same(i.file_url)]

    # --- attached media ------------------------------------------------------------------------------

    def create_attached(
        self,
        business_type: str,
        *,
        media_id: str | None = None,
        media_ext: str,
        status: str = "Uploading",
        now: datetime | str | None = None,
        **fields: Any,
    ) -> AttachedMedia:
        """A new auxiliary media asset (``Uploading`` by default); saved. ``fields`` are its attributes."""
        stamp = now if isinstance(now, str) else format_time(now)
        fields.setdefault("storage_location", self.storage_location)
        attached = AttachedMedia(
            media_id=media_id or new_id(),
            business_type=business_type,
            media_ext=media_ext,
            status=status,
            creation_time=stamp,
            modification_time=stamp,
            **fields,
        )
        self.save_attached(attached)
        return attached

    def save_attached(self, attached: AttachedMedia) -> None:
        self._save_media("attached", self.attached, attached.media_id, attached)

    def update_attached(
        self, attached: AttachedMedia, changes: dict[str, Any], now: datetime | str | None = None
    ) -> dict[str, tuple[Any, Any]]:
        """Apply attribute changes (already validated) and save; what really changed, as for videos."""
        changed = _apply(attached, changes)
        self.touch(attached, now)
        self.save_attached(attached)
        return changed

    def delete_attached(self, media_id: str) -> AttachedMedia | None:
        """Remove an auxiliary media asset; None when there is none by that id."""
        attached = self.attached.pop(media_id, None)
        if attached is not None:
            self._delete("attached", media_id)
            self._media_changed("attached", media_id)
        return attached

    # --- categories --------------------------------------------------------------------------------

    def category_name(self, cate_id: int | None) -> str | None:
        if cate_id is None:
            return None
        cate = self.categories.get(cate_id)
        return cate.cate_name if cate else None

    def get_category(self, cate_id: int) -> Category:
        cate = self.categories.get(cate_id)
        if cate is None:
            raise InvalidCategoryNotFound()
        return cate

    def add_category(
        self,
        cate_name: str,
        parent_id: int | None = None,
        type: str = "default",
        *,
        cate_id: int | None = None,
        now: datetime | str | None = None,
    ) -> Category:
        """A new category under ``parent_id`` (None or -1: top level); at most three levels."""
        level = 0
        if parent_id is not None and parent_id != -1:
            parent = self.get_category(parent_id)
            level = parent.level + 1
            type = parent.type
            if level > MAX_CATEGORY_LEVEL:
                raise CategoryLevelExceededMax()
        else:
            parent_id = -1
        if cate_id is None:
            cate_id = self._next_cate_id
        self._next_cate_id = max(self._next_cate_id, cate_id + 1)
        cate = Category(
            cate_id=cate_id,
            cate_name=cate_name,
            parent_id=parent_id,
            level=level,
            type=type,
            creation_time=now if isinstance(now, str) else format_time(now),
        )
        self.save_category(cate)
        self.store.put(self.namespace, "meta", "counters", {"next_cate_id": self._next_cate_id})
        return cate

    def save_category(self, cate: Category) -> None:
        self.categories[cate.cate_id] = cate
        self._put(cate, str(cate.cate_id))
        # Category names are part of the cached search bodies.
        touched = False
        records: list[Video | Image] = [*self.videos.values(), *self.images.values()]
        for record in records:
            if record.cate_id == cate.cate_id:
                record._search = None
                touched = True
        for attached in self.attached.values():
            if cate.cate_id in attached.cate_ids:
                attached._search = None
                touched = True
        if touched:
            self._all_media_changed()

    def children(self, cate_id: int, type: str | None = None) -> list[Category]:
        return [
            c for c in self.categories.values() if c.parent_id == cate_id and (type is None or c.type == type)
        ]

    def delete_category(self, cate_id: int) -> list[int]:
        """Delete a category and its descendants; their media become uncategorised. Returns the ids."""
        self.get_category(cate_id)
        doomed = [cate_id]
        i = 0
        while i < len(doomed):
            doomed.extend(c.cate_id for c in self.children(doomed[i]))
            i += 1
        gone = set(doomed)
        for cid in doomed:
            del self.categories[cid]
            self._delete("category", str(cid))
        for video in list(self.videos.values()):
            if video.cate_id in gone:
                video.cate_id = None
                self.save_video(video)
        for image in list(self.images.values()):
            if image.cate_id in gone:
                image.cate_id = None
                self.save_image(image)
        for attached in list(self.attached.values()):
            if gone.intersection(attached.cate_ids):
                attached.cate_ids = [c for c in attached.cate_ids if c not in gone]
                self.save_attached(attached)
        return doomed

    # --- search ------------------------------------------------------------------------------------

    def search_documents(self, media_types: Iterable[str] | None = None) -> Iterator[MediaDocument]:
        """Every media asset as a ``MediaDocument`` (video/audio/image/attached), in no particular order."""
        wanted = set(media_types) if media_types is not None else None
        cats = self.categories
        if wanted is None or wanted & {"video", "audio"}:
            for video in self.videos.values():
                if wanted is None or video.media_type in wanted:
                    yield MediaDocument(video.media_type, video.video_id, video, cats)
        if wanted is None or "image" in wanted:
            for image in self.images.values():
                yield MediaDocument("image", image.image_id, image, cats)
        if wanted is None or "attached" in wanted:
            for attached in self.attached.values():
                yield MediaDocument("attached", attached.media_id, attached, cats)

    def search_document(self, media_type: str, media_id: str) -> MediaDocument | None:
        record: Video | Image | AttachedMedia | None
        if media_type == "image":
            record = self.images.get(media_id)
        elif media_type == "attached":
            record = self.attached.get(media_id)
        else:
            record = self.videos.get(media_id)
        if record is None:
            return None
        return MediaDocument(media_type, media_id, record, self.categories)

    def search_changes(self, since: Any) -> tuple[int, list[tuple[str, str, MediaDocument | None]] | None]:
        """``(marker, changes)`` for SearchMedia's index: the media changed since ``since`` (a marker
        from an earlier call) as ``(media_type, media_id, document or None when deleted)``, or None
        when the index must be rebuilt (first call, reset, reload, or too many changes to replay)."""
        marker = self.generation
        if since is None or not isinstance(since, int) or since < self._changes_floor or since > marker:
            return marker, None
        latest: dict[tuple[str, str], None] = {}
        for gen, media_type, media_id in reversed(self._changes):
            if gen <= since:
                break
            latest[(media_type, media_id)] = None
        out = [(t, i, self.search_document(t, i)) for (t, i) in reversed(list(latest))]
        return marker, out

    def _media_changed(self, media_type: str, media_id: str) -> None:
        changes = self._changes
        changes.append((self.generation, media_type, media_id))
        if len(changes) > CHANGE_LOG_MAX:
            # Forget the older half; an index older than that rebuilds.
            cut = len(changes) // 2
            self._changes_floor = changes[cut - 1][0]
            del changes[:cut]

    def _all_media_changed(self) -> None:
        self._changes.clear()
        self._changes_floor = self.generation

    # --- introspection -----------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        return {
            "videos": len(self.videos),
            "streams": sum(len(s) for s in self.streams.values()),
            "images": len(self.images),
            "attached": len(self.attached),
            "categories": len(self.categories),
        }
