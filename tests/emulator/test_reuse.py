"""``mock_vod()`` reuses one built emulator per configuration, and nothing leaks from one use to the next.

Each test borrows from an ``Emulators`` of its own (``MockVod(emulators=...)``), so the process's
emulators and the other tests never interfere. ``dirty`` changes every kind of state the emulator keeps,
through the official clients and the components' own API; the next use must see none of it, and a
reused emulator must be, object for object, what a new one is (the ``snapshots`` fixture, on
tests/emulator/support/snapshots.py).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import oss2
import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from flask import Blueprint
from vodfc.emulator.app import emulator_of
from vodfc.emulator.build import BUILD_ENVIRONMENT, Emulator
from vodfc.emulator.config import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, EmulatorConfig
from vodfc.emulator.media.synth import make_video
from vodfc.emulator.mock import MockVod, mock_vod
from vodfc.emulator.reuse import EMULATORS, Emulators, reuse_key
from vodfc.emulator.vod.exceptions import SignatureNonceUsed

from tests.emulator.support.snapshots import differences, snapshot


@pytest.fixture
def snapshots() -> SimpleNamespace:
    return SimpleNamespace(snapshot=snapshot, differences=differences)


def call(action: str, **params: str) -> dict[str, Any]:
    client = AcsClient(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, "cn-shanghai")
    request = CommonRequest(domain="vod.cn-shanghai.aliyuncs.com", version="2017-03-21", action_name=action)
    request.set_method("POST")
    for name, value in params.items():
        request.add_query_param(name, value)
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def error_code(action: str, **params: str) -> str:
    with pytest.raises(ServerException) as raised:
        call(action, **params)
    return str(raised.value.get_error_code())


@pytest.fixture
def emulators() -> Iterator[Emulators]:
    own = Emulators()
    yield own
    own.clear()


def borrow(emulators: Emulators, config: EmulatorConfig | None = None, **options: Any) -> MockVod:
    return MockVod(config, emulators=emulators, **options)


def emulator(mock: MockVod) -> Emulator:
    return emulator_of(mock.app)


# --- what one use leaves behind ------------------------------------------------------------------------


class Leftovers:
    """What ``dirty`` made, to look for in the next use."""

    video_id = ""
    bucket = ""
    key = ""
    sts_key = ""
    sts_token = ""
    nonce = "nonce-of-the-first-use"


def dirty(mock: MockVod) -> Leftovers:
    """Change every kind of state the emulator keeps, as tests do."""
    em = emulator(mock)
    state = em.state
    assert em.events and em.faults and em.lifecycle and em.ingest and em.oss
    left = Leftovers()
    # Records: the demo library, a category, an upload with its OSS object, STS token and grant; the
    # lifecycle held in manual timing, so steps stay scheduled.
    state.seed()
    call("AddCategory", CateName="leftover category")
    em.lifecycle.scheduler.set_timing("manual")
    em.lifecycle.set_outcome(failed_definitions={"HD"})
    em.lifecycle.delays.analysis = 99.0
    created = call("CreateUploadVideo", Title="leftover", FileName="leftover.mp4")
    address = json.loads(base64.b64decode(created["UploadAddress"]))
    auth = json.loads(base64.b64decode(created["UploadAuth"]))
    left.video_id, left.bucket, left.key = created["VideoId"], address["Bucket"], address["FileName"]
    left.sts_key, left.sts_token = auth["AccessKeyId"], auth["SecurityToken"]
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(left.key, make_video(seconds=0.2))
    call("UpdateVideoInfo", VideoId=left.video_id, Title="changed", Tags="leftover")
    assert em.lifecycle.scheduler.pending
    # Events: a message callback to an MNS queue (messages wait there), a subscriber, an event a
    # reorder fault holds back, another delivery mode; fault rules left unused.
    em.events.configure(callback_type="MNS", mns_queue_name="leftover-queue")
    em.events.subscribe(lambda event: None)
    em.events.emit({"EventType": "FileUploadComplete", "VideoId": left.video_id})
    em.faults.add("reorder-event", event_type="StreamTranscodeComplete")
    em.events.emit({"EventType": "StreamTranscodeComplete", "VideoId": left.video_id})
    assert em.events.log[-1].status == "held"
    em.events.set_delivery("background")
    em.faults.add("throttle", action="DeleteVideo", times=5)
    # Ingest's knob, the key ring, the nonce cache, hooks around the actions.
    em.ingest.non_media_status = "UploadSucc"
    state.accounts.add("leftover-key", "leftover-secret", "2222222222222222")
    state.authenticator.nonces.remember(DEFAULT_ACCESS_KEY_ID, left.nonce, datetime.now(timezone.utc))
    state.before_action.append(lambda *args: None)
    state.after_action.append(lambda *args: None)
    state.accounts.set_active(DEFAULT_ACCESS_KEY_ID, False)  # last: the SDK calls above needed the key
    return left


def assert_clean(mock: MockVod, left: Leftovers) -> None:
    """Nothing ``dirty`` did is visible."""
    em = emulator(mock)
    state = em.state
    assert em.events and em.faults and em.lifecycle and em.ingest and em.oss
    assert error_code("GetVideoInfo", VideoId=left.video_id) == "InvalidVideo.NotFound"
    assert call("SearchMedia", SearchType="video")["Total"] == 0
    assert call("GetCategories").get("SubCategories", {}).get("Category", []) == []
    assert em.oss.get_object(left.bucket, left.key) is None and em.oss.store.get_bucket(left.bucket) is None
    assert state.accounts.find(left.sts_key) is None and state.accounts.find("leftover-key") is None
    assert state.accounts.find(DEFAULT_ACCESS_KEY_ID).active  # type: ignore[union-attr]
    state.authenticator.nonces.remember(DEFAULT_ACCESS_KEY_ID, left.nonce, datetime.now(timezone.utc))
    with pytest.raises(SignatureNonceUsed):  # the cache works: it had forgotten the first use's nonce
        state.authenticator.nonces.remember(DEFAULT_ACCESS_KEY_ID, left.nonce, datetime.now(timezone.utc))
    assert em.events.log == [] and em.events.configs() == [] and em.events.mns.names() == []
    assert em.events.delivery == em.events.initial_delivery
    assert em.faults.rules == []
    assert em.lifecycle.jobs == [] and em.lifecycle.scheduler.pending == []
    assert em.lifecycle.scheduler.timing == "instant" and em.lifecycle.delays.analysis == 1.0
    assert em.lifecycle.outcome(left.video_id).failed_definitions == frozenset()
    assert em.ingest.non_media_status == "UploadFail"
    assert (state.before_action, state.after_action) == state._baseline  # the components' hooks only
    assert state.store.dump() == {}


def test_one_emulator_per_configuration_is_reused(emulators: Emulators) -> None:
    with borrow(emulators) as first:
        app = first.app
    with borrow(emulators) as second:
        assert second.app is app
    with borrow(emulators, EmulatorConfig(components=("oss",))) as other:
        assert other.app is not app
    # The clock is part of the configuration, although EmulatorConfig's equality leaves it out.
    with borrow(emulators, EmulatorConfig(clock=lambda: datetime.now(timezone.utc))) as clocked:
        assert clocked.app is not app
    with borrow(emulators) as third:
        assert third.app is app
    assert emulators.built == 3


def test_mock_vod_borrows_from_the_process_emulators() -> None:
    with mock_vod() as first:
        app = first.app
    assert emulator_of(app) in EMULATORS.idle()
    with mock_vod() as second:
        assert second.app is app
        assert emulator_of(app) not in EMULATORS.idle()  # lent to one use at a time


def test_nothing_leaks_from_one_use_to_the_next(emulators: Emulators) -> None:
    with borrow(emulators) as first:
        left = dirty(first)
        app = first.app
    with borrow(emulators) as second:
        assert second.app is app
        # The key ring was restored before the first call of this use.
        assert_clean(second, left)
    assert emulators.built == 1


def test_a_reused_emulator_is_what_a_new_one_is(emulators: Emulators, snapshots: Any) -> None:
    fresh_pool = Emulators()
    with borrow(fresh_pool):
        assert error_code("GetVideoInfo", VideoId="none") == "InvalidVideo.NotFound"
    with borrow(fresh_pool) as fresh:
        expected = snapshots.snapshot(emulator(fresh))
    fresh_pool.clear()
    with borrow(emulators) as first:
        dirty(first)
        used = first.app
    with borrow(emulators) as second:
        assert second.app is used
        found = snapshots.snapshot(emulator(second))
    gaps = snapshots.differences(expected, found)
    assert gaps == [], "\n".join(gaps)


def test_the_snapshot_sees_what_a_reset_would_leave(emulators: Emulators, snapshots: Any) -> None:
    """The comparison above can fail: state a reset missed shows up as a difference."""
    with borrow(emulators) as mock:
        em = emulator(mock)
        backend = em.state.backend()
        before = snapshots.snapshot(em)
        assert em.lifecycle is not None
        em.lifecycle.template_groups["leftover"] = []
        backend._next_cate_id += 1
        after = snapshots.snapshot(em)
    found = snapshots.differences(before, after)
    assert any("template_groups" in line for line in found), found
    assert any("_next_cate_id" in line for line in found), found


# --- what a reset keeps: a changed wiring means a new emulator -----------------------------------------

CHANGES: dict[str, Callable[[Emulator], Any]] = {
    "request hook": lambda em: em.state.request_hooks.append(lambda environ: None),
    "host route": lambda em: em.state.add_host_route(r"example\.aliyuncs\.com"),
    "reset hook": lambda em: em.state.on_reset.append(lambda: None),
    "Flask before_request": lambda em: em.http.before_request(lambda: None),
    "Flask route": lambda em: em.http.add_url_rule("/leftover", "leftover", lambda: "x"),
    "Flask blueprint": lambda em: em.http.register_blueprint(Blueprint("leftover", __name__)),
    "Flask config": lambda em: em.http.config.update(LEFTOVER=True),
    "permanent subscriber": lambda em: em.events.subscribe(lambda e: None, permanent=True),  # type: ignore[union-attr]
    "event transport": lambda em: setattr(em.events, "transport", lambda *a: 200),
    "event sleep": lambda em: setattr(em.events, "sleep", lambda seconds: None),
    "MNS encoding": lambda em: setattr(em.events, "mns_base64", False),
    "fault clock": lambda em: setattr(em.faults, "clock", lambda: datetime.now(timezone.utc)),
    "object listener": lambda em: em.oss.on_object_complete.append(lambda event: None),  # type: ignore[union-attr]
    "upload listener": lambda em: em.ingest.on_upload_complete.append(lambda done: None),  # type: ignore[union-attr]
    "job listener": lambda em: em.lifecycle.listeners.append(lambda job, step: None),  # type: ignore[union-attr]
    "FC runtime built": lambda em: em.fc.runtime,  # type: ignore[union-attr]
    "FC log sink": lambda em: setattr(em.fc, "log_sink", print),
    "FC internal server": lambda em: em.fc.internal_url(),  # type: ignore[union-attr]
    "served address": lambda em: setattr(em.events, "served_url", "http://127.0.0.1:1"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_emulator_whose_wiring_changed_is_replaced(emulators: Emulators, change: str) -> None:
    with borrow(emulators) as first:
        changed = emulator(first)
        CHANGES[change](changed)
    with borrow(emulators) as second:
        assert second.app is not changed.http
    assert emulators.built == 2
    with borrow(emulators) as third:  # the new one is reused in turn
        assert third.app is second.app


def test_a_change_made_after_the_use_still_counts(emulators: Emulators) -> None:
    with borrow(emulators) as first:
        pass
    emulator(first).state.request_hooks.append(lambda environ: None)  # through a reference kept
    with borrow(emulators) as second:
        assert second.app is not first.app


def test_the_environment_the_build_reads_is_part_of_the_configuration(
    emulators: Emulators, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "VODFC_LIFECYCLE_TIMING" in BUILD_ENVIRONMENT and "VODFC_EVENT_DELIVERY" in BUILD_ENVIRONMENT
    for name in BUILD_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    with borrow(emulators) as first:
        assert emulator(first).lifecycle.scheduler.timing == "instant"  # type: ignore[union-attr]
    monkeypatch.setenv("VODFC_LIFECYCLE_TIMING", "manual")
    with borrow(emulators) as second:
        assert second.app is not first.app
        assert emulator(second).lifecycle.scheduler.timing == "manual"  # type: ignore[union-attr]


def test_what_is_never_reused(tmp_path: Path, emulators: Emulators) -> None:
    # State on disk is the caller's; a list where a tuple belongs cannot be a key.
    assert reuse_key(EmulatorConfig(data_dir=str(tmp_path))) is None
    assert reuse_key(EmulatorConfig(components=["oss"])) is None  # type: ignore[arg-type]
    assert reuse_key(EmulatorConfig()) == reuse_key(None)
    with borrow(emulators, EmulatorConfig(data_dir=str(tmp_path))) as first:
        pass
    with borrow(emulators, EmulatorConfig(data_dir=str(tmp_path))) as second:
        assert second.app is not first.app
    assert emulators.idle() == []


def test_two_uses_at_once_get_two_emulators(emulators: Emulators) -> None:
    first, second = borrow(emulators), borrow(emulators)
    assert first.app is not second.app  # each borrowed one; neither was given back
    first.start()
    first.stop()
    with borrow(emulators) as third:
        assert third.app is first.app


def test_the_state_stays_readable_after_the_use(emulators: Emulators) -> None:
    with borrow(emulators) as mock:
        call("AddCategory", CateName="kept")
    assert mock.backend().categories  # until the next use of this configuration starts
    with borrow(emulators):
        assert not mock.backend().categories


def test_an_app_given_by_the_caller_is_not_borrowed_or_given_back(emulators: Emulators) -> None:
    from vodfc.emulator.app import create_app

    app = create_app()
    with MockVod(app=app, emulators=emulators) as mock:
        assert mock.app is app
    assert emulators.idle() == [] and emulators.built == 0


def test_a_replaced_emulator_is_closed(emulators: Emulators) -> None:
    with borrow(emulators) as first:
        fc = emulator(first).fc
        assert fc is not None
        runtime = fc.runtime  # builds the runtime: a change of wiring
        closed: list[bool] = []
        runtime.close = lambda: closed.append(True)  # type: ignore[method-assign]
    assert closed == [True]  # at the end of the use that changed it, not kept idle
    assert emulators.idle() == []
