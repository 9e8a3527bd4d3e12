"""The emulator's embedded store: where backends keep their records.

Backends keep their live objects in memory and write every change through to a ``Store`` as a
JSON-able record, keyed by ``(namespace, kind, key)``. The namespace is one backend (an account and
a region), the kind is a resource family ("video", "image", ...). ``MemoryStore`` keeps them in a
dict and forgets on exit; ``SQLiteStore`` commits each ``transaction()`` before the request is
answered, so an acknowledged write survives a crash or restart. One request is one transaction, so a
batch either lands whole or not at all (both stores undo a failed transaction's writes).

Damage stays contained and visible. A record that does not decode (invalid JSON, not an object, or one
the backend cannot build its object from) is quarantined: logged with its key, moved to the
``quarantine`` table (``quarantine(...)``, ``quarantined()``), and the rest of its account keeps
serving; health reports ``degraded`` while the table is not empty. A database file that SQLite cannot
open (a damaged header, a failed integrity check) is ``StoreUnavailable`` at start-up: one message
naming the file and how to recover. ``SQLiteStore`` holds a shared lock on ``<file>.lock`` while open, so
that ``vodfc restore`` (``vodfc.emulator.backup``) can tell that a server is using the file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, restore cannot tell
    fcntl = None  # type: ignore[assignment]

from vodfc.shared.validation import format_time

Record = dict[str, Any]
DB_NAME = "vodfc.sqlite3"

log = logging.getLogger("vodfc.store")


class StoreUnavailable(RuntimeError):
    """The database cannot be opened; ``str()`` is the whole message start-up prints."""

    def __init__(self, path: Path, reason: str, advice: str | None = None):
        self.path, self.reason = path, reason
        if advice is None:
            advice = (
                "To recover, restore a backup:\n"
                f"    vodfc restore BACKUP_FILE --data-dir {path.parent}\n"
                "or move the file aside to start with an empty library:\n"
                f"    mv {path} {path}.damaged"
            )
        super().__init__(f"vodfc cannot open its database {path}: {reason}.\n{advice}")


def decode_record(body: str) -> Record | str:
    """The record in a stored body, or why it is not one."""
    try:
        record = json.loads(body)
    except (ValueError, RecursionError) as error:
        return f"not valid JSON ({error})"
    if not isinstance(record, dict):
        return f"not a JSON object but {type(record).__name__}"
    return record


def _note_quarantine(namespace: str, kind: str, key: str, reason: str) -> None:
    log.error(
        "quarantined the corrupt record %s %s %r: %s (the account's other records are served; "
        "GET /_vodfc/quarantine lists it)",
        namespace,
        kind,
        key,
        reason,
    )


def _now() -> str:
    return format_time(datetime.now(timezone.utc))


class Store(Protocol):
    def load(self, namespace: str, kind: str) -> dict[str, Record]: ...
    def namespaces(self) -> list[str]: ...
    def dump(self) -> dict[str, dict[str, dict[str, Record]]]: ...
    def put(self, namespace: str, kind: str, key: str, record: Record) -> None: ...
    def delete(self, namespace: str, kind: str, key: str) -> None: ...
    def clear(self, namespace: str | None = None) -> None: ...
    def transaction(self) -> AbstractContextManager[Transaction]: ...
    def close(self) -> None: ...
    def quarantine(self, namespace: str, kind: str, key: str, reason: str) -> None: ...
    def quarantined(self) -> int: ...
    def quarantine_list(self) -> list[dict[str, str]]: ...
    def clear_quarantine(self) -> int: ...


class Transaction:
    """The outermost open transaction; ``wrote`` tells the transport whether a rollback undid anything."""

    def __init__(self) -> None:
        self.wrote = False


# A memory store's transaction between transactions: nothing written (writes happen only inside one).
_IDLE = Transaction()


class MemoryStore:
    """Records in a dict, with the same transaction semantics as SQLite: a failed one is undone."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[tuple[str, str], dict[str, str]] = {}  # record bodies as JSON text
        self._depth = 0
        self._txn = _IDLE
        self._undo: list[tuple[tuple[str, str], str, str | None]] = []
        self._quarantine: list[dict[str, str]] = []

    def load(self, namespace: str, kind: str) -> dict[str, Record]:
        with self._lock:
            rows = list(self._records.get((namespace, kind), {}).items())
            return self._decoded((namespace, kind, key, body) for key, body in rows).get(
                (namespace, kind), {}
            )

    def _decoded(self, rows: Any) -> dict[tuple[str, str], dict[str, Record]]:
        out: dict[tuple[str, str], dict[str, Record]] = {}
        for ns, kind, key, body in rows:
            table = out.setdefault((ns, kind), {})
            record = decode_record(body)
            if isinstance(record, str):
                self.quarantine(ns, kind, key, record)
            else:
                table[key] = record
        return out

    def namespaces(self) -> list[str]:
        with self._lock:
            return sorted({ns for (ns, _), records in self._records.items() if records})

    def dump(self) -> dict[str, dict[str, dict[str, Record]]]:
        """Every record, as ``{namespace: {kind: {key: record}}}`` (the control plane's state view)."""
        out: dict[str, dict[str, dict[str, Record]]] = {}
        with self._lock:
            rows = [
                (ns, kind, key, body)
                for (ns, kind), t in sorted(self._records.items())
                for key, body in t.items()
            ]
            for (ns, kind), table in self._decoded(rows).items():
                if table:
                    out.setdefault(ns, {})[kind] = table
        return out

    def put(self, namespace: str, kind: str, key: str, record: Record) -> None:
        body = json.dumps(record, separators=(",", ":"), sort_keys=True)
        with self.transaction():
            table = self._records.setdefault((namespace, kind), {})
            self._undo.append(((namespace, kind), key, table.get(key)))
            table[key] = body
            self._txn.wrote = True

    def delete(self, namespace: str, kind: str, key: str) -> None:
        with self.transaction():
            table = self._records.get((namespace, kind), {})
            if key in table:
                self._undo.append(((namespace, kind), key, table.pop(key)))
                self._txn.wrote = True

    def clear(self, namespace: str | None = None) -> None:
        with self.transaction():
            if namespace is None:
                self._quarantine.clear()
            for (ns, kind), table in list(self._records.items()):
                if namespace is None or ns == namespace:
                    for key, body in table.items():
                        self._undo.append(((ns, kind), key, body))
                        self._txn.wrote = True
                    del self._records[(ns, kind)]  # a rollback's undo brings the table back

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Nestable: the outermost level keeps the changes, or undoes them if it fails."""
        # A plain context manager, not @contextmanager's generator: every VOD call opens one.
        return _MemoryTransaction(self)

    def _undo_all(self) -> None:
        for table_key, key, before in reversed(self._undo):
            table = self._records.setdefault(table_key, {})
            if before is None:
                table.pop(key, None)
            else:
                table[key] = before

    def close(self) -> None:
        pass

    def quarantine(self, namespace: str, kind: str, key: str, reason: str) -> None:
        with self.transaction():
            body = self._records.get((namespace, kind), {}).pop(key, None)
            if body is None:
                return
            self._undo.append(((namespace, kind), key, body))
            self._txn.wrote = True
            self._quarantine.append(
                {
                    "namespace": namespace,
                    "kind": kind,
                    "key": key,
                    "body": body,
                    "reason": reason,
                    "at": _now(),
                }
            )
        _note_quarantine(namespace, kind, key, reason)

    def quarantined(self) -> int:
        with self._lock:
            return len(self._quarantine)

    def quarantine_list(self) -> list[dict[str, str]]:
        with self._lock:
            return [dict(item) for item in self._quarantine]

    def clear_quarantine(self) -> int:
        with self._lock:
            count = len(self._quarantine)
            self._quarantine.clear()
            return count


class _MemoryTransaction:
    def __init__(self, store: MemoryStore):
        self._store = store

    def __enter__(self) -> Transaction:
        store = self._store
        store._lock.acquire()
        if store._depth == 0:
            store._txn, store._undo = Transaction(), []
        store._depth += 1
        return store._txn

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        store = self._store
        try:
            store._depth -= 1
            if store._depth == 0:
                if exc_type is not None:
                    store._undo_all()
                # Once the outermost one ends, its undo log (every old body) is not needed, and its
                # Transaction belongs to whoever entered it.
                store._txn, store._undo = _IDLE, []
        finally:
            store._lock.release()


class SQLiteStore:
    """One SQLite file; WAL mode with synchronous=FULL, so a committed write is on disk."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._txn = Transaction()
        self._lock_file = hold_lock(self.path, exclusive=False)
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            try:
                self._open()
            except BaseException:
                self._db.close()
                raise
        except sqlite3.DatabaseError as error:
            release_lock(self._lock_file)
            raise StoreUnavailable(self.path, str(error)) from None
        except BaseException:
            release_lock(self._lock_file)
            raise

    def _open(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS records ("
            " namespace TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (namespace, kind, key))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS quarantine ("
            " namespace TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT,"
            " reason TEXT NOT NULL, at TEXT NOT NULL)"
        )
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(3)").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("the integrity check failed: " + "; ".join(problems))
        # Records that do not decode go to quarantine now, so health says so before anyone asks for
        # them. SQLite's JSON check picks the candidates; Python's decoder has the last word.
        suspects = self._db.execute(
            "SELECT namespace, kind, key, body FROM records "
            "WHERE CASE WHEN json_valid(body) THEN json_type(body) != 'object' ELSE 1 END"
        ).fetchall()
        for ns, kind, key, body in suspects:
            record = decode_record(body)
            if isinstance(record, str):
                self.quarantine(ns, kind, key, record)

    def _decoded(self, rows: list[Any]) -> list[tuple[str, str, str, Record]]:
        decoded = []
        for ns, kind, key, body in rows:
            record = decode_record(body)
            if isinstance(record, str):
                self.quarantine(ns, kind, key, record)
            else:
                decoded.append((ns, kind, key, record))
        return decoded

    def load(self, namespace: str, kind: str) -> dict[str, Record]:
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, kind, key, body FROM records WHERE namespace=? AND kind=? ORDER BY rowid",
                (namespace, kind),
            ).fetchall()
            return {key: record for _, _, key, record in self._decoded(rows)}

    def namespaces(self) -> list[str]:
        # One index probe per namespace (the primary key starts with it), not a scan of every record:
        # the dashboard asks on each page, and a library holds many records per namespace.
        with self._lock:
            rows = self._db.execute(
                "WITH RECURSIVE ns(name) AS ("
                " SELECT MIN(namespace) FROM records"
                " UNION ALL SELECT (SELECT MIN(namespace) FROM records WHERE namespace > ns.name)"
                " FROM ns WHERE ns.name IS NOT NULL)"
                " SELECT name FROM ns WHERE name IS NOT NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def dump(self) -> dict[str, dict[str, dict[str, Record]]]:
        """Every record, as ``{namespace: {kind: {key: record}}}`` (the control plane's state view)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, kind, key, body FROM records ORDER BY namespace, kind, rowid"
            ).fetchall()
            decoded = self._decoded(rows)
        out: dict[str, dict[str, dict[str, Record]]] = {}
        for ns, kind, key, record in decoded:
            out.setdefault(ns, {}).setdefault(kind, {})[key] = record
        return out

    def put(self, namespace: str, kind: str, key: str, record: Record) -> None:
        body = json.dumps(record, separators=(",", ":"), sort_keys=True)
        with self.transaction():
            self._db.execute(
                "INSERT INTO records(namespace, kind, key, body) VALUES (?,?,?,?) "
                "ON CONFLICT(namespace, kind, key) DO UPDATE SET body=excluded.body",
                (namespace, kind, key, body),
            )
            self._txn.wrote = True

    def delete(self, namespace: str, kind: str, key: str) -> None:
        with self.transaction():
            cursor = self._db.execute(
                "DELETE FROM records WHERE namespace=? AND kind=? AND key=?", (namespace, kind, key)
            )
            self._txn.wrote = self._txn.wrote or cursor.rowcount > 0

    def clear(self, namespace: str | None = None) -> None:
        with self.transaction():
            if namespace is None:
                self._db.execute("DELETE FROM quarantine")
                cursor = self._db.execute("DELETE FROM records")
            else:
                cursor = self._db.execute("DELETE FROM records WHERE namespace=?", (namespace,))
            self._txn.wrote = self._txn.wrote or cursor.rowcount > 0

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Nestable: only the outermost level begins and commits (or rolls back on error)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
                self._txn = Transaction()
            self._depth += 1
            try:
                yield self._txn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
            release_lock(self._lock_file)
            self._lock_file = None

    def quarantine(self, namespace: str, kind: str, key: str, reason: str) -> None:
        with self.transaction():
            moved = self._db.execute(
                "INSERT INTO quarantine(namespace, kind, key, body, reason, at) "
                "SELECT namespace, kind, key, body, ?, ? FROM records WHERE namespace=? AND kind=? AND key=?",
                (reason, _now(), namespace, kind, key),
            ).rowcount
            if not moved:
                return
            self._db.execute(
                "DELETE FROM records WHERE namespace=? AND kind=? AND key=?", (namespace, kind, key)
            )
            self._txn.wrote = True
        _note_quarantine(namespace, kind, key, reason)

    def quarantined(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM quarantine").fetchone()[0])

    def quarantine_list(self) -> list[dict[str, str]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, kind, key, body, reason, at FROM quarantine ORDER BY rowid"
            ).fetchall()
        names = ("namespace", "kind", "key", "body", "reason", "at")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def clear_quarantine(self) -> int:
        with self.transaction():
            return int(self._db.execute("DELETE FROM quarantine").rowcount)


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def hold_lock(db_path: Path, *, exclusive: bool) -> IO[str] | None:
    """Take the advisory lock beside the database: shared for a server using it, exclusive for a
    restore replacing it. Never waits: a conflict is ``StoreUnavailable`` at once."""
    if fcntl is None:
        return None
    handle = open(lock_path(db_path), "a+")  # noqa: SIM115 - held until release_lock
    try:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        if exclusive:
            raise StoreUnavailable(
                db_path,
                "an emulator is using it",
                "Stop the emulator (vodfc emulator / vodfc up) that runs with this data dir first: "
                "restoring under a running server would leave it serving what it holds in memory.",
            ) from None
        raise StoreUnavailable(
            db_path, "a restore is replacing it", "Wait for `vodfc restore` to finish, then start again."
        ) from None
    return handle


def release_lock(handle: IO[str] | None) -> None:
    if handle is not None:
        with contextlib.suppress(OSError):
            handle.close()  # closing the file drops the lock


def open_store(data_dir: str | Path | None) -> Store:
    """In memory without a data dir; an SQLite file ``<data_dir>/vodfc.sqlite3`` with one."""
    if data_dir is None:
        return MemoryStore()
    return SQLiteStore(Path(data_dir) / DB_NAME)
