"""A stand-in backend holding plain documents: SearchMedia tested without the real VodBackend."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

SUB = {"video": "VideoId", "audio": "AudioId", "image": "ImageId", "attached": "MediaId"}
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)


def iso(seconds: float) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Doc:
    media_type: str
    media_id: str
    body: dict[str, Any]

    @property
    def creation_time(self) -> str:
        return str(self.body.get("CreationTime", ""))

    def search_body(self) -> dict[str, Any]:
        return self.body


@dataclass
class Ctx:
    now: datetime = EPOCH
    request_id: str = "REQ"


@dataclass
class FakeBackend:
    docs: dict[str, Doc] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    lock: Any = field(default_factory=threading.RLock)
    changes: list[tuple[int, str, str]] = field(default_factory=list)
    incremental: bool = False

    def add(self, media_type: str = "video", media_id: str | None = None, **body: Any) -> Doc:
        media_id = media_id or f"{media_type[0]}{len(self.docs):06d}"
        body = {SUB[media_type]: media_id, **body}
        doc = self.docs[media_id] = Doc(media_type, media_id, body)
        self._touch(media_id)
        return doc

    def delete(self, media_id: str) -> None:
        del self.docs[media_id]
        self._touch(media_id)

    def update(self, media_id: str, **body: Any) -> None:
        self.docs[media_id].body.update(body)
        self._touch(media_id)

    def _touch(self, media_id: str) -> None:
        self.revision += 1
        self.changes.append((self.revision, media_id, ""))

    def search_documents(self):
        return list(self.docs.values())

    def __getattr__(self, name: str) -> Any:
        if name == "search_changes" and self.__dict__.get("incremental"):
            return self._search_changes
        raise AttributeError(name)

    def _search_changes(self, since: Any):
        if since is None:
            return self.revision, None
        out = []
        seen = set()
        for rev, media_id, _ in self.changes:
            if rev > since and media_id not in seen:
                seen.add(media_id)
                doc = self.docs.get(media_id)
                media_type = doc.media_type if doc else _type_of(media_id)
                out.append((media_type, media_id, doc))
        return self.revision, out

    def reset(self) -> None:
        self.docs.clear()
        self.extensions.clear()
        self.revision += 1


def _type_of(media_id: str) -> str:
    return {"v": "video", "a": "audio", "i": "image", "m": "attached"}.get(media_id[:1], "video")


def populate(backend: FakeBackend, count: int, seed: int = 7) -> None:
    """``count`` videos with a spread of statuses, tags, categories and creation times."""
    import random

    rng = random.Random(seed)
    statuses = ["Normal", "Normal", "Normal", "Uploading", "Transcoding", "Blocked", "UploadFail"]
    words = ["cat", "dog", "city", "night", "sea", "mountain", "river", "food", "travel", "music"]
    for i in range(count):
        tags = ",".join([*rng.sample(words, 2), f"t{rng.randrange(200)}"])
        ct = i * 60 + rng.randrange(60)
        backend.add(
            "video",
            f"v{i:07d}",
            Title=f"{rng.choice(words).title()} video {i}",
            Description=f"about {rng.choice(words)}",
            Tags=tags,
            Status=rng.choice(statuses),
            CateId=rng.randrange(20),
            Size=rng.randrange(10**6, 10**9),
            Duration=round(rng.uniform(1, 3600), 3),
            CreationTime=iso(ct),
            ModificationTime=iso(ct + rng.randrange(10**6)),
            StorageLocation="outin-1.oss-cn-shanghai.aliyuncs.com",
            AppId="app-1000000",
            CoverURL=f"http://example.com/{i}.jpg",
        )
