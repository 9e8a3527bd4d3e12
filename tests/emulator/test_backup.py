"""``vodfc backup`` / ``vodfc restore``: SQLite's online backup API, safe while the server writes;
a restore is refused under a running server and keeps what it replaces."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.cli import main
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.server import ThreadedServer

CONFIG = EmulatorConfig(components=("oss", "media", "ingest"), seed=True)


def _client(server: Any) -> AcsClient:
    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    client.add_endpoint("cn-shanghai", "vod", server.endpoint)
    return client


def _create(client: AcsClient, title: str) -> str:
    request = CreateUploadVideoRequest()
    request.set_Title(title)
    request.set_FileName("clip.mp4")
    return str(json.loads(client.do_action_with_exception(request))["VideoId"])


def _videos(db_path: Path) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        return {row[0] for row in db.execute("SELECT key FROM records WHERE kind='video'")}
    finally:
        db.close()


def test_backup_while_writing_then_restore_when_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    backup_file = tmp_path / "backups" / "one.sqlite3"
    app = create_app(CONFIG.with_changes(data_dir=str(data)))
    written: list[str] = []
    stop = threading.Event()
    with ThreadedServer(app) as server:
        client = _client(server)
        before = _create(client, "before the backup")

        def write() -> None:
            writer = _client(server)
            while not stop.is_set():
                written.append(_create(writer, "during the backup"))

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(written) < 5:
                stop.wait(0.01)
            assert main(["backup", str(backup_file), "--data-dir", str(data)]) == 0
            assert main(["restore", str(backup_file), "--data-dir", str(data)]) == 1
        finally:
            stop.set()
            writer.join()
        after = _create(client, "after the backup")
    get_state(app).store.close()
    out, err = capsys.readouterr()
    assert "backed up" in out and "Stop the emulator" in err

    saved = _videos(backup_file)
    assert before in saved and after not in saved
    # A consistent snapshot: a prefix of what was acknowledged, nothing half-written.
    kept_writes = [v for v in written if v in saved]
    assert kept_writes == written[: len(kept_writes)]
    assert not (backup_file.parent / f"{backup_file.name}-wal").exists()

    assert main(["restore", str(backup_file), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "before-restore-" in out
    (kept,) = data.glob("vodfc.sqlite3.before-restore-*")
    assert after in _videos(kept)
    again = create_app(CONFIG.with_changes(data_dir=str(data)))
    try:
        videos = get_state(again).backend().videos
        assert before in videos and after not in videos
    finally:
        get_state(again).store.close()


def test_restore_replaces_a_damaged_database_and_refuses_what_is_no_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    app = create_app(CONFIG.with_changes(data_dir=str(data)))
    get_state(app).store.close()
    assert main(["backup", str(tmp_path / "good.sqlite3"), "--data-dir", str(data)]) == 0
    (tmp_path / "junk.sqlite3").write_bytes(b"not a backup at all" * 100)
    assert main(["restore", str(tmp_path / "junk.sqlite3"), "--data-dir", str(data)]) == 1
    assert "not a usable backup" in capsys.readouterr().err
    with open(data / "vodfc.sqlite3", "r+b") as handle:
        handle.write(b"damaged header!!")
    assert main(["backup", str(tmp_path / "again.sqlite3"), "--data-dir", str(data)]) == 1
    assert main(["restore", str(tmp_path / "good.sqlite3"), "--data-dir", str(data)]) == 0
    restored = create_app(CONFIG.with_changes(data_dir=str(data), seed=False))
    try:
        assert len(get_state(restored).backend().videos) == 12
    finally:
        get_state(restored).store.close()


def test_the_commands_want_a_data_dir(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("VODFC_DATA_DIR", raising=False)
    assert main(["backup", "x.sqlite3"]) == 2
    assert "--data-dir" in capsys.readouterr().err
