"""Upload addresses and credentials as VOD hands them out (CreateUpload*/RefreshUploadVideo).

``UploadAddress`` and ``UploadAuth`` are standard Base64 of compact JSON, keys in the order the
captures show. The address points back at this emulator: the real-looking
``https://oss-<region>.aliyuncs.com`` in-process (oss2 then builds virtual-hosted URLs that
``mock_vod`` intercepts), the server's own ``http://127.0.0.1:<port>`` in server mode (oss2 switches
to path style for an IP endpoint), and plain-http OSS hosts when the VOD call itself came through a
proxy with a real Aliyun host. Each credential is a fresh STS token of the video's account, granted
on its one object only (VOD's token policy works the same way).
"""

from __future__ import annotations

import base64
import json
import ntpath
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vodfc.emulator.oss.addresses import endpoint_for
from vodfc.emulator.vod.exceptions import VodError
from vodfc.shared.validation import format_time

if TYPE_CHECKING:
    from vodfc.emulator.accounts import Credential
    from vodfc.emulator.oss import OssService
    from vodfc.emulator.protocol import RequestContext

TOKEN_SECONDS = 3600

VIDEO_EXTENSIONS = frozenset(
    [
        "3gp",
        "asf",
        "avi",
        "dat",
        "dv",
        "flv",
        "f4v",
        "gif",
        "m2t",
        "m3u8",
        "m4v",
        "mj2",
        "mjpeg",
        "mkv",
        "mov",
        "mp4",
        "mpe",
        "mpeg",
        "mpg",
        "mts",
        "mxf",
        "ogg",
        "qt",
        "rm",
        "rmvb",
        "swf",
        "ts",
        "vob",
        "webm",
        "wmv",
    ]
)
AUDIO_EXTENSIONS = frozenset(
    ["aac", "ac3", "acm", "amr", "ape", "caf", "flac", "m4a", "mp3", "ra", "wav", "wma"]
)
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "heic", "webp")


class InvalidFileNameExtension(VodError):
    code, status = "InvalidFileName.Extension", 400
    message = "The specified FileName's extension is illegal."


@dataclass(frozen=True)
class UploadTarget:
    """Where one media file goes: the bucket and object key, plus how clients reach the bucket."""

    bucket: str
    key: str
    region: str

    @property
    def file_url(self) -> str:
        """The object's address as VOD reports it (FileUploadComplete's FileUrl: plain http)."""
        return f"http://{self.bucket}.oss-{self.region}.aliyuncs.com/{self.key}"

    def record(self, host_url: str | None = None) -> dict[str, str]:
        record = {"bucket": self.bucket, "key": self.key, "region": self.region}
        if host_url:
            record["host_url"] = host_url
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> UploadTarget:
        return cls(record["bucket"], record["key"], record["region"])


@dataclass(frozen=True)
class SourceObject:
    """A media file's object in OSS once its upload completed: where it is and what it holds."""

    bucket: str
    key: str
    file_url: str  # its address as VOD reports it (FileUploadComplete's FileUrl)
    data: bytes = field(repr=False)  # the object; for an HLS upload, the playlist

    @property
    def size(self) -> int:
        """The object's size: what FileUploadComplete reports (an HLS upload: the playlist's)."""
        return len(self.data)

    @classmethod
    def stored(cls, oss: OssService, upload: Mapping[str, Any]) -> SourceObject | None:
        """The object an upload record (``Video.extra["upload"]``) names, read back from OSS wherever the
        upload went (a ``StorageLocation`` bucket too); None when it is not there."""
        target = UploadTarget.from_record(upload)
        stored = oss.get_object(target.bucket, target.key)
        return None if stored is None else cls(target.bucket, target.key, target.file_url, stored.data)


def b64json(value: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(value, separators=(",", ":")).encode("utf-8")).decode("ascii")


def extension_of(file_name: str) -> str:
    """The lower-case extension of a name or a whole local path (the upload SDK sends paths)."""
    base = ntpath.basename(file_name.replace("\\", "/").rstrip("/").split("/")[-1])
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or not ext:
        raise InvalidFileNameExtension()
    return ext.lower()


def media_type_of(file_name: str) -> str:
    """``video`` or ``audio`` from the extension; ``InvalidFileName.Extension`` otherwise."""
    ext = extension_of(file_name)
    if ext in VIDEO_EXTENSIONS:
        return "video"
    if ext in AUDIO_EXTENSIONS:
        return "audio"
    raise InvalidFileNameExtension()


def video_key(ext: str, now_ms: int | None = None) -> str:
    """``sv/<8 hex>-<ms hex>/<8 hex>-<ms hex>.<ext>``: VOD's current key form (ms since the epoch)."""
    stamp = f"{now_ms if now_ms is not None else int(time.time() * 1000):x}"
    folder = f"{secrets.token_hex(4)}-{stamp}"
    return f"sv/{folder}/{secrets.token_hex(4)}-{stamp}.{ext}"


def image_key(image_type: str, image_id: str, ext: str) -> str:
    return f"image/{image_type}/{image_id.upper()}-6-2.{ext}"


def attached_key(business_type: str, media_id: str, ext: str) -> str:
    """``<BusinessType>/<MediaId>.<ext>``: the documented FileURL sample shows ``watermark/….png``; the
    rest of the name is inferred."""
    return f"{business_type}/{media_id}.{ext}"


def bucket_of(storage_location: str) -> str:
    """``outin-xxx.oss-cn-shanghai.aliyuncs.com`` -> ``outin-xxx``."""
    return storage_location.split(".", 1)[0]


def object_prefix(target: UploadTarget) -> str | None:
    """For an HLS upload, the folder its segments go to (the upload SDK puts them under it)."""
    if not target.key.lower().endswith(".m3u8"):
        return None
    return target.key.rsplit("/", 1)[0] + "/" if "/" in target.key else ""


def upload_address(ctx: RequestContext, target: UploadTarget) -> str:
    address = {"Endpoint": endpoint_for(ctx, target.region), "Bucket": target.bucket, "FileName": target.key}
    prefix = object_prefix(target)
    if prefix is not None:
        address["ObjectPrefix"] = prefix
    return b64json(address)


def upload_auth(ctx: RequestContext, credential: Credential, region: str, now: datetime) -> str:
    expiration = credential.expiration
    if expiration is None:
        raise ValueError("upload credentials are STS tokens, which expire")
    remaining = max(0, int((expiration - now).total_seconds()))
    return b64json(
        {
            "SecurityToken": credential.security_token,
            "AccessKeyId": credential.access_key_id,
            "ExpireUTCTime": format_time(expiration),
            "AccessKeySecret": credential.access_key_secret,
            "Expiration": str(remaining),
            "Region": region,
        }
    )
