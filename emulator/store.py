"""The emulator's embedded store: where backends keep their records.

Backends keep their live objects in memory and write every change through to a ``Store`` as a
JSON-able record, keyed by ``(namespace, kind, key)``. The namespace is one backend (an account and
a region), the kind is a resource family ("video", "image", ...). ``MemoryStore`` keeps them in a
dict and forgets on exit; ``SQLiteStore`` commits each ``transaction()`` before the request is
answered, so an acknowledged write survives a crash or restart. One request is one transaction, so a
batch either lands whole or not at all (both stores undo a failed transaction's writes).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

Record = dict[str, Any]


class Store(Protocol):
    def load(self, namespace: str, kind: str) -> dict[str, Record]: ...
    def namespaces(self) -> list[str]: ...
    def dump(self) -> dict[str, dict[str, dict[str, Record]]]: ...
    def put(self, namespace: str, kind: str, key: str, record: Record) -> None: ...
    def delete(self, namespace: str, kind: str, key: str) -> None: ...
    def clear(self, namespace: str | None = None) -> None: ...
    def transaction(self) -> AbstractContextManager[Transaction]: ...
    def close(self) -> None: ...


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

    def load(self, namespace: str, kind: str) -> dict[str, Record]:
        with self._lock:
            return {key: json.loads(body) for key, body in self._records.get((namespace, kind), {}).items()}

    def namespaces(self) -> list[str]:
        with self._lock:
            return sorted({ns for (ns, _), records in self._records.items() if records})

    def dump(self) -> dict[str, dict[str, dict[str, Record]]]:
        """Every record, as ``{namespace: {kind: {key: record}}}`` (the control plane's state view)."""
        out: dict[str, dict[str, dict[str, Record]]] = {}
        with self._lock:
            for (ns, kind), table in sorted(self._records.items()):
                for key, body in table.items():
                    out.setdefault(ns, {}).setdefault(kind, {})[key] = json.loads(body)
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
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS records ("
            " namespace TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (namespace, kind, key))"
        )

    def load(self, namespace: str, kind: str) -> dict[str, Record]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, body FROM records WHERE namespace=? AND kind=? ORDER BY rowid", (namespace, kind)
            ).fetchall()
        return {key: json.loads(body) for key, body in rows}

    def namespaces(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT namespace FROM records").fetchall()
        return [r[0] for r in rows]

    def dump(self) -> dict[str, dict[str, dict[str, Record]]]:
        """Every record, as ``{namespace: {kind: {key: record}}}`` (the control plane's state view)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, kind, key, body FROM records ORDER BY namespace, kind, rowid"
            ).fetchall()
        out: dict[str, dict[str, dict[str, Record]]] = {}
        for ns, kind, key, body in rows:
            out.setdefault(ns, {}).setdefault(kind, {})[key] = json.loads(body)
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


def open_store(data_dir: str | Path | None) -> Store:
    """In memory without a data dir; an SQLite file ``<data_dir>/vodfc.sqlite3`` with one."""
    if data_dir is None:
        return MemoryStore()
    return SQLiteStore(Path(data_dir) / "vodfc.sqlite3")
