"""VodBackend on its own: records, write-through, reload, rollback, seed, SearchMedia documents."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.protocol import RequestContext
from vodfc.emulator.store import MemoryStore, SQLiteStore
from vodfc.emulator.vod.action_table import dispatch
from vodfc.emulator.vod.exceptions import (
    CategoryLevelExceededMax,
    InvalidCategoryNotFound,
    InvalidStreamNotFound,
    InvalidVideoNotFound,
    LengthExceededMax,
    NoSuchResource,
)
from vodfc.emulator.vod.models import AttachedMedia, Category, Image, Mezzanine, Stream, Video, VodBackend
from vodfc.emulator.vod.seed import seed_demo_library

HEX32 = re.compile(r"[0-9a-f]{32}")
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def ctx() -> RequestContext:
    return RequestContext(
        "REQ", "ak", "1234567890123456", "cn-shanghai", "http://127.0.0.1:9000", "inprocess", NOW
    )


def call(backend: VodBackend, action: str, **params: Any) -> dict[str, Any]:
    """Like the gateway: one transaction, reload after a failed call that wrote."""
    with backend.lock:
        try:
            with backend.store.transaction() as txn:
                return dispatch(backend, action, {k: str(v) for k, v in params.items()}, ctx())
        except Exception:
            if txn.wrote:
                backend.reload()
            raise


@pytest.fixture
def backend() -> VodBackend:
    return VodBackend("1234567890123456", "cn-shanghai", MemoryStore())


def test_records_round_trip_through_their_records() -> None:
    for obj in (
        Video("a" * 32, "t", tags="x,y", snapshots=["u"], extra={"k": 1}),
        Mezzanine("a" * 32, video_streams=[{"Index": "0"}]),
        Stream("b" * 32, "a" * 32, bitrate=1.5),
        Image("c" * 32, title="i"),
        AttachedMedia("d" * 32, "subtitle", media_ext="vtt", cate_ids=[1000000001]),
        Category(1000000001, "c"),
    ):
        again = type(obj).from_record({**obj.to_record(), "unknown_future_field": 1})
        assert again.to_record() == obj.to_record()
        assert "_search" not in obj.to_record()


def test_writes_go_through_to_the_store_and_a_new_backend_loads_them(backend: VodBackend) -> None:
    video = backend.create_video("hello", now=NOW, reference_id="ref-123456", file_name="a.mp4")
    assert HEX32.fullmatch(video.video_id)
    backend.add_stream(video.video_id, definition="SD", play_url="http://x/a.mp4", now=NOW)
    backend.create_image(title="img", now=NOW)
    top = backend.add_category("Top", now=NOW)
    attached = backend.create_attached("watermark", media_ext="png", cate_ids=[top.cate_id], now=NOW)
    again = VodBackend(backend.account_id, backend.region, backend.store)
    expected = {"videos": 1, "streams": 1, "images": 1, "attached": 1, "categories": 1}
    assert again.summary() == backend.summary() == expected
    assert again.attached[attached.media_id].to_record() == attached.to_record()
    assert again.find_video(reference_id="ref-123456") is not None
    assert again.get_mezzanine(video.video_id) is not None
    # The category counter survives too: the next id is not reused.
    assert again.add_category("Second").cate_id == 1000000002


def test_reset_forgets_memory_and_extensions(backend: VodBackend) -> None:
    backend.create_video("v")
    backend.extensions["x"] = 1
    backend.forbidden_video_ids.add("id")
    backend.options.all_unknown_is_not_found = False
    backend.reset()
    assert backend.summary()["videos"] == 0
    assert backend.extensions == {} and backend.forbidden_video_ids == set()
    assert backend.options.all_unknown_is_not_found is True


def test_get_video_and_streams_errors(backend: VodBackend) -> None:
    with pytest.raises(InvalidVideoNotFound):
        backend.get_video("nope")
    video = backend.create_video("v")
    stream = backend.add_stream(video.video_id)
    with pytest.raises(InvalidStreamNotFound):
        backend.delete_streams(video.video_id, [stream.job_id, "unknown"])
    assert backend.streams_of(video.video_id) == [stream]  # nothing deleted
    with pytest.raises(NoSuchResource):
        backend.get_image("nope")


def test_category_levels(backend: VodBackend) -> None:
    top = backend.add_category("a")
    mid = backend.add_category("b", top.cate_id)
    low = backend.add_category("c", mid.cate_id)
    assert (top.level, mid.level, low.level) == (0, 1, 2)
    with pytest.raises(CategoryLevelExceededMax):
        backend.add_category("d", low.cate_id)
    with pytest.raises(InvalidCategoryNotFound):
        backend.add_category("e", 42)
    video = backend.create_video("v", cate_id=mid.cate_id)
    assert backend.delete_category(top.cate_id) == [top.cate_id, mid.cate_id, low.cate_id]
    assert video.cate_id is None


def test_a_rejected_batch_writes_nothing(backend: VodBackend) -> None:
    a = backend.create_video("a")
    b = backend.create_video("b")
    content = (
        f'[{{"VideoId":"{a.video_id}","Title":"ok"}},{{"VideoId":"{b.video_id}","Title":"{"x" * 129}"}}]'
    )
    with pytest.raises(LengthExceededMax):
        call(backend, "UpdateVideoInfos", UpdateContent=content)
    assert backend.get_video(a.video_id).title == "a"
    assert backend.store.load(backend.namespace, "video")[a.video_id]["title"] == "a"


def test_rollback_after_a_failure_midway_restores_memory(backend: VodBackend) -> None:
    video = backend.create_video("v")
    with pytest.raises(RuntimeError), backend.lock:
        try:
            with backend.store.transaction():
                backend.set_video_status(video.video_id, "Normal")
                raise RuntimeError("boom")
        finally:
            backend.reload()
    assert backend.get_video(video.video_id).status == "Uploading"


def test_sqlite_store_persists_a_seeded_library(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "vod.sqlite3")
    backend = VodBackend("1", "cn-shanghai", store)
    with store.transaction():
        summary = seed_demo_library(backend)
    store.close()
    again = VodBackend("1", "cn-shanghai", SQLiteStore(tmp_path / "vod.sqlite3"))
    assert len(again.videos) == summary["videos"]
    assert again.summary() == backend.summary()


def test_seed_is_deterministic_and_idempotent(backend: VodBackend) -> None:
    first = seed_demo_library(backend)
    second = seed_demo_library(backend)
    assert first == second
    assert first["videos"] == 12 and first["images"] == 4 and first["categories"] == 3
    assert all(HEX32.fullmatch(v) for v in first["video_ids"] + first["image_ids"])
    assert set(first["videos_by_status"]) >= {"Normal", "Uploading", "UploadFail", "TranscodeFail"}
    assert len(backend.videos) == 12


def test_search_documents_and_change_replay(backend: VodBackend) -> None:
    seed_demo_library(backend)
    docs = list(backend.search_documents())
    assert {d.media_type for d in docs} == {"video", "image"}
    video_doc = next(d for d in docs if d.media_type == "video")
    body = video_doc.search_body()
    assert body["VideoId"] == video_doc.media_id and isinstance(body["Snapshots"], list)
    assert video_doc.search_body() is body  # cached until the record is saved
    marker, changes = backend.search_changes(None)
    assert changes is None
    video = backend.get_video(video_doc.media_id)
    video.title = "renamed"
    backend.save_video(video)
    deleted = backend.create_image(title="gone")
    backend.delete_image(deleted.image_id)
    marker2, changes = backend.search_changes(marker)
    assert changes is not None
    assert [(t, i) for t, i, _ in changes] == [("video", video.video_id), ("image", deleted.image_id)]
    assert changes[0][2] is not None and changes[0][2].search_body()["Title"] == "renamed"
    assert changes[1][2] is None
    assert backend.search_changes(marker2)[1] == []
    backend.reload()
    assert backend.search_changes(marker2)[1] is None  # reload: rebuild


def test_image_search_document_has_cate_name(backend: VodBackend) -> None:
    cate = backend.add_category("Pics")
    image = backend.create_image(title="i", cate_id=cate.cate_id)
    doc = next(d for d in backend.search_documents(["image"]) if d.media_id == image.image_id)
    assert doc.search_body()["CateName"] == "Pics"
    cate.cate_name = "Photos"
    backend.save_category(cate)
    assert backend.search_document("image", image.image_id).search_body()["CateName"] == "Photos"  # type: ignore[union-attr]


def test_videos_by_creation_follows_writes(backend: VodBackend) -> None:
    a = backend.create_video("a", now="2026-01-02T00:00:00Z")
    b = backend.create_video("b", now="2026-01-01T00:00:00Z")
    assert [v.title for v in backend.videos_by_creation()] == ["b", "a"]
    c = backend.create_video("c", now="2025-12-31T00:00:00Z")
    assert [v.title for v in backend.videos_by_creation()] == ["c", "b", "a"]
    a.creation_time = "2025-01-01T00:00:00Z"
    backend.save_video(a)
    assert [v.title for v in backend.videos_by_creation()] == ["a", "c", "b"]
    backend.delete_video(c.video_id)
    assert [v.title for v in backend.videos_by_creation()] == ["a", "b"]
    b.title = "renamed"
    backend.save_video(b)  # same time: the cached order stays valid
    assert [v.title for v in backend.videos_by_creation()] == ["a", "renamed"]
