"""Backups of the emulator's database with SQLite's online backup API (``vodfc backup`` / ``restore``).

* ``backup(db, target)`` copies a consistent snapshot while a server keeps serving and writing (the
  backup API reads one snapshot in a single step; WAL lets writers go on meanwhile). The copy is
  written beside ``target`` and renamed into place only once its integrity check passed, and it is a
  self-contained file (rollback journal, no ``-wal`` beside it).
* ``restore(backup, db)`` is refused while an emulator uses ``db`` (its store holds a shared lock on
  ``<db>.lock``; restore wants it exclusively): replacing the file under a running server would leave
  that server serving what it holds in memory. The backup is checked first (an SQLite file that passes
  its integrity check and has the ``records`` table); the database it replaces, damaged or not, is
  kept beside it as ``<db>.before-restore-<UTC time>`` (with its ``-wal``), never deleted.

Only the database is copied: the OSS emulation keeps uploaded objects as files under
``<data-dir>/oss``; copy that folder along if the uploaded bytes matter.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from vodfc.emulator.store import StoreUnavailable, hold_lock, release_lock

SIDE_FILES = ("-wal", "-shm")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class Copied:
    path: Path
    records: int
    quarantined: int
    kept: Path | None = None  # restore: where the replaced database went


def _counts(db: sqlite3.Connection) -> tuple[int, int]:
    records = int(db.execute("SELECT count(*) FROM records").fetchone()[0])
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    quarantined = (
        int(db.execute("SELECT count(*) FROM quarantine").fetchone()[0]) if "quarantine" in tables else 0
    )
    return records, quarantined


def _check(db: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in db.execute("PRAGMA integrity_check(3)").fetchall()]
    if problems != ["ok"]:
        raise BackupError(f"{what} fails SQLite's integrity check: {'; '.join(problems)}")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "records" not in tables:
        raise BackupError(f"{what} is an SQLite file but not a vodfc database (it has no records table)")


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """``source`` into a fresh, self-contained file at ``target`` (rollback journal: nothing beside it;
    the store turns WAL back on when it opens it), written under a temporary name, then renamed."""
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, *(Path(f"{partial}{side}") for side in SIDE_FILES)):
        leftover.unlink(missing_ok=True)
    destination = sqlite3.connect(str(partial), isolation_level=None)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
        _check(destination, "the copy")
    except BaseException:
        destination.close()
        partial.unlink(missing_ok=True)
        raise
    destination.close()
    os.replace(partial, target)


def backup(db_path: Path, target: Path) -> Copied:
    """Copy the database at ``db_path`` to ``target``, safely while a server runs."""
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path} (is --data-dir right?)")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup file must not be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(str(db_path), isolation_level=None)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"cannot open {db_path}: {error}") from None
    try:
        _copy(source, target)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"cannot back up {db_path}: {error} (a damaged database cannot be backed up)"
        ) from None
    finally:
        source.close()
    copy = sqlite3.connect(str(target))
    try:
        records, quarantined = _counts(copy)
    finally:
        copy.close()
    return Copied(target, records, quarantined)


def restore(backup_file: Path, db_path: Path) -> Copied:
    """Replace the database at ``db_path`` with ``backup_file``; refused while an emulator uses it."""
    if not backup_file.is_file():
        raise BackupError(f"there is no backup file {backup_file}")
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True, isolation_level=None)
        _check(source, str(backup_file))
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup_file} is not a usable backup: {error}") from None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            held = hold_lock(db_path, exclusive=True)
        except StoreUnavailable as busy:
            raise BackupError(str(busy)) from None
        try:
            kept = _set_aside(db_path)
            _copy(source, db_path)
        finally:
            release_lock(held)
        records, quarantined = _counts(source)
    finally:
        source.close()
    return Copied(db_path, records, quarantined, kept)


def _set_aside(db_path: Path) -> Path | None:
    """Move the current database (and its WAL) out of the way; None when there is none."""
    if not db_path.exists():
        return None
    # Fold the WAL into the file first when SQLite can still read it: the copy kept is then whole.
    with contextlib.suppress(sqlite3.DatabaseError):
        current = sqlite3.connect(str(db_path), isolation_level=None)
        try:
            current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            current.close()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    os.replace(db_path, kept)
    for side in SIDE_FILES:
        companion = Path(f"{db_path}{side}")
        if companion.exists():
            os.replace(companion, Path(f"{kept}{side}"))
    return kept
