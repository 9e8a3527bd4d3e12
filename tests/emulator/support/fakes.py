"""A tiny stand-in for the VOD package, so the transport is tested on its own.

It keeps videos as store records and answers three actions (``ACTIONS``, given to ``create_app`` as
the VOD core's actions); the transport under test cannot tell it from the real backend, which is the
point of the dispatch contract.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.store import Store
from vodfc.emulator.vod.exceptions import InvalidVideoNotFound, MissingParameter


class FakeBackend:
    def __init__(self, account_id: str, region: str, store: Store):
        self.account_id, self.region, self.store = account_id, region, store
        self.namespace = f"{account_id}/{region}"
        self.lock = threading.RLock()
        self.reload()

    def reload(self) -> None:
        self.videos: dict[str, dict[str, Any]] = self.store.load(self.namespace, "video")

    def reset(self) -> None:
        self.videos = {}

    def put(self, video_id: str, **fields: Any) -> None:
        record = {"VideoId": video_id, "Title": "untitled", **fields}
        self.videos[video_id] = record
        self.store.put(self.namespace, "video", video_id, record)


def _required(params: Mapping[str, str], name: str) -> str:
    if not params.get(name):
        raise MissingParameter(name)
    return params[name]


def get_video_info(backend: FakeBackend, params: Mapping[str, str], ctx: RequestContext) -> dict[str, Any]:
    video = backend.videos.get(_required(params, "VideoId"))
    if video is None:
        raise InvalidVideoNotFound()
    return {
        "Video": dict(video),
        "Context": {
            "Region": ctx.region,
            "Account": ctx.account_id,
            "HostUrl": ctx.host_url,
            "Mode": ctx.mode,
        },
    }


def update_video_info(backend: FakeBackend, params: Mapping[str, str], ctx: RequestContext) -> dict[str, Any]:
    video_id = _required(params, "VideoId")
    if video_id not in backend.videos:
        raise InvalidVideoNotFound()
    backend.put(video_id, **{**backend.videos[video_id], "Title": params.get("Title", "")})
    return {}


def delete_video(backend: FakeBackend, params: Mapping[str, str], ctx: RequestContext) -> dict[str, Any]:
    ids = _required(params, "VideoIds").split(",")
    for video_id in ids:  # writes (and emits) first, then fails: the transaction must undo them
        if video_id in backend.videos:
            del backend.videos[video_id]
            backend.store.delete(backend.namespace, "video", video_id)
            ctx.emit({"EventType": "DeleteMediaComplete", "MediaId": video_id})
        else:
            raise InvalidVideoNotFound()
    return {}


ACTIONS = {"GetVideoInfo": get_video_info, "UpdateVideoInfo": update_video_info, "DeleteVideo": delete_video}
