"""``vodfc backup FILE`` / ``vodfc restore FILE``: the database of a data dir, copied with SQLite's
online backup API (``vodfc.emulator.backup``). A backup is safe while the emulator runs; a restore is
refused while one uses the data dir."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database of a data dir (safe while the emulator runs)",
        description="Copy DIR/vodfc.sqlite3 to FILE with SQLite's online backup API: a consistent "
        "snapshot, taken while the emulator keeps serving. Uploaded OSS objects (DIR/oss) are files: "
        "copy them yourself if you need the bytes.",
    )
    backup.add_argument("file", help="the backup file to write")
    _data_dir(backup)
    backup.set_defaults(func=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the database of a data dir with a backup (the emulator must be stopped)",
        description="Check FILE, then make it DIR/vodfc.sqlite3. The database it replaces is kept beside "
        "it as vodfc.sqlite3.before-restore-<time>. Refused while an emulator runs with DIR.",
    )
    restore.add_argument("file", help="a file `vodfc backup` wrote")
    _data_dir(restore)
    restore.set_defaults(func=run_restore)


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("VODFC_DATA_DIR"),
        help="the emulator's data dir (default: VODFC_DATA_DIR)",
    )


def _database(args: argparse.Namespace, command: str) -> Path | None:
    if not args.data_dir:
        print(f"vodfc {command}: name the data dir with --data-dir DIR (or VODFC_DATA_DIR)", file=sys.stderr)
        return None
    from vodfc.emulator.store import DB_NAME

    return Path(args.data_dir) / DB_NAME


def run_backup(args: argparse.Namespace) -> int:
    from vodfc.emulator.backup import BackupError, backup

    db = _database(args, "backup")
    if db is None:
        return 2
    try:
        copied = backup(db, Path(args.file))
    except (BackupError, OSError) as error:
        print(f"vodfc backup: {error}", file=sys.stderr)
        return 1
    print(f"backed up {copied.records} record(s) of {db} to {copied.path}" + _quarantined(copied.quarantined))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from vodfc.emulator.backup import BackupError, restore

    db = _database(args, "restore")
    if db is None:
        return 2
    try:
        copied = restore(Path(args.file), db)
    except (BackupError, OSError) as error:
        print(f"vodfc restore: {error}", file=sys.stderr)
        return 1
    print(
        f"restored {copied.records} record(s) from {args.file} into {db}" + _quarantined(copied.quarantined)
    )
    if copied.kept is not None:
        print(f"the database it replaced is kept as {copied.kept}")
    return 0


def _quarantined(count: int) -> str:
    return f" ({count} quarantined record(s) with them)" if count else ""
