"""Damage is contained and loud: a corrupt record is quarantined (logged with its key, moved aside,
health degraded) while the rest of its account keeps serving; a database that cannot be opened stops
start-up with one message naming the file and the way out, and no traceback."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.GetVideoListRequest import GetVideoListRequest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.mock import MockVod
from vodfc.emulator.oss.storage import new_object
from vodfc.emulator.store import SQLiteStore

from tests.repo import REPO

CONFIG = EmulatorConfig(components=(), seed=True)
BROKEN = "0d1901ed284165bc16982470da7615fc"  # the demo library's first video
HEALTHY = "3747230b3dbaa4cd4ffb06caae416327"


def _seeded_dir(tmp_path: Path) -> Path:
    app = create_app(CONFIG.with_changes(data_dir=str(tmp_path)))
    get_state(app).store.close()
    return tmp_path / "vodfc.sqlite3"


def _set_body(db_path: Path, key: str, body: str) -> None:
    db = sqlite3.connect(db_path)
    with db:
        changed = db.execute("UPDATE records SET body=? WHERE kind='video' AND key=?", (body, key)).rowcount
    db.close()
    assert changed == 1


def _call(request: Any) -> dict[str, Any]:
    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    return json.loads(client.do_action_with_exception(request))  # type: ignore[no-any-return]


def _video(video_id: str) -> GetVideoInfoRequest:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return request


@pytest.mark.parametrize(
    "body",
    ['{"video_id": "0d19', "[1, 2]", '{"title": "no id"}'],
    ids=["invalid-json", "not-an-object", "not-a-video"],
)
def test_a_corrupt_record_is_quarantined_and_the_account_keeps_serving(
    tmp_path: Path, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    db_path = _seeded_dir(tmp_path)
    _set_body(db_path, BROKEN, body)
    caplog.set_level(logging.ERROR, logger="vodfc.store")
    app = create_app(CONFIG.with_changes(data_dir=str(tmp_path)))
    mock = MockVod(app=app)
    mock.start(reset=False)  # keep what the data dir holds
    try:
        assert _call(_video(HEALTHY))["Video"]["VideoId"] == HEALTHY
        with pytest.raises(ServerException) as error:
            _call(_video(BROKEN))
        assert error.value.get_error_code() == "InvalidVideo.NotFound"
        assert _call(GetVideoListRequest())["Total"] == 11
        assert any(BROKEN in record.getMessage() for record in caplog.records)
        health = app.test_client().get("/_vodfc/health").json
        assert (health["status"], health["quarantined"]) == ("degraded", 1)
        token = get_state(app).guard.token
        listing = app.test_client().get("/_vodfc/quarantine", headers={"X-Vodfc-Token": token}).json
        (entry,) = listing["records"]
        assert (entry["kind"], entry["key"], entry["body"]) == ("video", BROKEN, body)
    finally:
        mock.stop()
        get_state(app).store.close()
    # Moved aside for good: the next start serves without it and still says so.
    again = SQLiteStore(db_path)
    try:
        assert BROKEN not in again.load("1234567890123456/cn-shanghai", "video")
        assert again.quarantined() == 1
        assert again.clear_quarantine() == 1 and again.quarantined() == 0
    finally:
        again.close()


def test_health_is_ok_without_damage() -> None:
    app = create_app(EmulatorConfig(components=()))
    health = app.test_client().get("/_vodfc/health").json
    assert (health["status"], health["quarantined"]) == ("ok", 0)


def _damage_header(db_path: Path) -> None:
    with open(db_path, "r+b") as handle:
        handle.write(b"not a database!!")


def test_a_database_that_cannot_be_opened_is_one_clear_error(tmp_path: Path) -> None:
    from vodfc.emulator.store import StoreUnavailable

    db_path = _seeded_dir(tmp_path)
    _damage_header(db_path)
    with pytest.raises(StoreUnavailable) as error:
        create_app(CONFIG.with_changes(data_dir=str(tmp_path)))
    message = str(error.value)
    assert str(db_path) in message and "vodfc restore" in message and "mv " in message


@pytest.mark.parametrize("command", ["emulator", "up"])
def test_start_up_on_a_damaged_database_exits_with_the_message_only(tmp_path: Path, command: str) -> None:
    db_path = _seeded_dir(tmp_path)
    _damage_header(db_path)
    env = {**os.environ, "VODFC_STATE_DIR": str(tmp_path / "state")}
    result = subprocess.run(
        [sys.executable, "-m", "vodfc", command, "--port", "0", "--data-dir", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith(f"vodfc cannot open its database {db_path}: file is not a database.")
    assert "vodfc restore" in result.stderr


def test_the_server_reports_degraded_over_http(tmp_path: Path) -> None:
    from vodfc.emulator.server import ThreadedServer

    db_path = _seeded_dir(tmp_path)
    _set_body(db_path, BROKEN, "{")
    with ThreadedServer(create_app(CONFIG.with_changes(data_dir=str(tmp_path)))) as server:
        health = requests.get(server.url + "/_vodfc/health", timeout=10).json()
        assert health["status"] == "degraded" and health["quarantined"] == 1
        get_state(server.app).store.close()


def test_damaged_oss_files_are_named_or_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from vodfc.emulator.oss.storage import ObjectStore
    from vodfc.emulator.store import StoreUnavailable

    store = ObjectStore(tmp_path)
    bucket = store.create_bucket("outin-damage", "1", "cn-shanghai", datetime.now(timezone.utc))
    for key in ("kept.mp4", "damaged.mp4"):
        store.put(bucket, new_object(key, b"bytes", "video/mp4", datetime.now(timezone.utc), {}))
    (damaged,) = [m for m in (tmp_path / "oss").rglob("*.json") if "damaged" in m.read_text()]
    damaged.write_text("{")
    caplog.set_level(logging.ERROR, logger="vodfc.oss")
    assert set(ObjectStore(tmp_path).buckets["outin-damage"].objects) == {"kept.mp4"}
    assert str(damaged) in caplog.text
    (tmp_path / "oss" / "buckets.json").write_text("[{")
    with pytest.raises(StoreUnavailable) as error:
        ObjectStore(tmp_path)
    assert "buckets.json" in str(error.value) and "mv " in str(error.value)
