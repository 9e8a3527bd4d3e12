"""Buckets, objects and multipart uploads: in memory, or as files under ``<data_dir>/oss``.

Object bodies are plain bytes. With a data dir each object is a ``.bin`` file plus a ``.json``
sidecar with its metadata (written to a temporary name and renamed, so a crash leaves either the
old or the new object), and ``buckets.json`` lists the buckets; both are read back at start. Parts
of unfinished multipart uploads live in memory only, as in-flight uploads do not survive a restart
of the emulator (a client resumes by starting a new upload).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import crcmod
from vodfc.emulator.store import StoreUnavailable

log = logging.getLogger("vodfc.oss")

# CRC-64/ECMA-182 as OSS reports it in x-oss-hash-crc64ecma (the same parameters oss2 checks with).
_crc64 = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


def crc64(data: bytes) -> int:
    return int(_crc64(data))


# OSS's own time format (LastModified, error details): UTC with a millisecond part that is always .000.
OSS_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000Z"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(OSS_TIME_FORMAT)


@dataclass
class StoredObject:
    key: str
    size: int
    etag: str  # upper-case hex, without quotes; "<md5 of md5s>-<n>" for multipart objects
    crc64: int
    content_type: str
    last_modified: datetime
    object_type: str = "Normal"  # or "Multipart"
    metadata: dict[str, str] = field(default_factory=dict)  # x-oss-meta-* headers, lower-case names
    data: bytes = field(default=b"", repr=False)
    storage_class: str = "Standard"
    # The standard headers OSS keeps with an object and sends back (Cache-Control, Expires...).
    headers: dict[str, str] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("data")
        record["last_modified"] = self.last_modified.isoformat()
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any], data: bytes) -> StoredObject:
        fields = dict(record)
        fields["last_modified"] = datetime.fromisoformat(fields["last_modified"])
        return cls(**fields, data=data)


@dataclass
class Part:
    number: int
    data: bytes = field(repr=False)
    etag: str
    crc64: int
    last_modified: datetime

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class MultipartUpload:
    upload_id: str
    key: str
    initiated: datetime
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)
    parts: dict[int, Part] = field(default_factory=dict)
    storage_class: str = "Standard"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Bucket:
    name: str
    account_id: str
    region: str
    created: datetime
    acl: str = "private"  # private | public-read | public-read-write
    objects: dict[str, StoredObject] = field(default_factory=dict)
    uploads: dict[str, MultipartUpload] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.name}.oss-{self.region}.aliyuncs.com"

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "account_id": self.account_id,
            "region": self.region,
            "created": self.created.isoformat(),
            "acl": self.acl,
        }


class ObjectStore:
    """All buckets of one emulator app. Thread-safe through ``lock``."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None):
        self.lock = threading.RLock()
        self.root = Path(data_dir) / "oss" if data_dir else None
        self.buckets: dict[str, Bucket] = {}
        self._load()

    # --- persistence -------------------------------------------------------------------------------

    def _object_path(self, bucket: str, key: str) -> Path:
        assert self.root is not None
        return self.root / "objects" / bucket / hashlib.sha256(key.encode("utf-8")).hexdigest()

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def _save_buckets(self) -> None:
        if self.root is not None:
            body = json.dumps([b.record() for b in self.buckets.values()], indent=1).encode("utf-8")
            self._write_atomically(self.root / "buckets.json", body)

    def _load(self) -> None:
        if self.root is None or not (self.root / "buckets.json").exists():
            return
        listing = self.root / "buckets.json"
        try:
            records = json.loads(listing.read_text("utf-8"))
            buckets = [
                Bucket(
                    name=record["name"],
                    account_id=record["account_id"],
                    region=record["region"],
                    created=datetime.fromisoformat(record["created"]),
                    acl=record.get("acl", "private"),
                )
                for record in records
            ]
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise StoreUnavailable(
                listing,
                f"the bucket list is damaged ({type(error).__name__}: {error})",
                f"Move it aside to start without buckets (the objects' files stay under {self.root}):\n"
                f"    mv {listing} {listing}.damaged",
            ) from None
        for bucket in buckets:
            self.buckets[bucket.name] = bucket
            folder = self.root / "objects" / bucket.name
            for meta in folder.glob("*.json") if folder.exists() else []:
                data_path = meta.with_suffix(".bin")
                if not data_path.exists():
                    continue
                try:
                    obj = StoredObject.from_record(
                        json.loads(meta.read_text("utf-8")), data_path.read_bytes()
                    )
                except (OSError, ValueError, TypeError, KeyError) as error:
                    # One damaged object is left out (and said so), not every bucket.
                    log.error("skipped the damaged OSS object %s: %s: %s", meta, type(error).__name__, error)
                    continue
                bucket.objects[obj.key] = obj

    # --- buckets -----------------------------------------------------------------------------------

    def create_bucket(
        self, name: str, account_id: str, region: str, now: datetime, acl: str = "private"
    ) -> Bucket:
        """The bucket ``name``, created for ``account_id`` if it does not exist yet."""
        with self.lock:
            bucket = self.buckets.get(name)
            if bucket is None:
                bucket = self.buckets[name] = Bucket(name, account_id, region, now, acl)
                self._save_buckets()
            return bucket

    def delete_bucket(self, name: str) -> None:
        with self.lock:
            self.buckets.pop(name, None)
            self._save_buckets()
            if self.root is not None:
                shutil.rmtree(self.root / "objects" / name, ignore_errors=True)

    def get_bucket(self, name: str) -> Bucket | None:
        with self.lock:
            return self.buckets.get(name)

    # --- objects -----------------------------------------------------------------------------------

    def put(self, bucket: Bucket, obj: StoredObject) -> StoredObject:
        with self.lock:
            if self.root is not None:
                path = self._object_path(bucket.name, obj.key)
                self._write_atomically(path.with_suffix(".bin"), obj.data)
                self._write_atomically(path.with_suffix(".json"), json.dumps(obj.record()).encode("utf-8"))
            bucket.objects[obj.key] = obj
            return obj

    def delete(self, bucket: Bucket, key: str) -> None:
        with self.lock:
            if bucket.objects.pop(key, None) is not None and self.root is not None:
                path = self._object_path(bucket.name, key)
                for suffix in (".json", ".bin"):
                    path.with_suffix(suffix).unlink(missing_ok=True)

    def get(self, bucket_name: str, key: str) -> StoredObject | None:
        with self.lock:
            bucket = self.buckets.get(bucket_name)
            return bucket.objects.get(key) if bucket else None

    def reset(self) -> None:
        with self.lock:
            self.buckets.clear()
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)


def new_object(
    key: str,
    data: bytes,
    content_type: str,
    now: datetime,
    metadata: dict[str, str],
    storage_class: str = "Standard",
    headers: dict[str, str] | None = None,
) -> StoredObject:
    return StoredObject(
        key=key,
        size=len(data),
        etag=hashlib.md5(data).hexdigest().upper(),
        crc64=crc64(data),
        content_type=content_type,
        last_modified=now,
        metadata=metadata,
        data=data,
        storage_class=storage_class,
        headers=dict(headers or {}),
    )


__all__ = [
    "Bucket",
    "MultipartUpload",
    "ObjectStore",
    "Part",
    "StoredObject",
    "_iso",
    "crc64",
    "new_object",
]
