"""The emulator's embedded store: where backends keep their records.

Backends keep their live objects in memory and write every change through to a ``Store`` as a
JSON-able record, keyed by ``(namespace, kind, key)``. The namespace is one backend (an account and
a region), the kind is a resource family ("video", "image", ...). ``MemoryStore`` forgets on exit;
``SQLiteStore`` commits each ``transaction()`` before the request is answered, so an acknowledged
write survives a crash or restart. One request is one transaction, so a batch either lands whole or
not at all.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

Record = dict[str, Any]


class Store(Protocol):
    def load(self, namespace: str, kind: str) -> dict[str, Record]: ...
    def namespaces(self) -> list[str]: ...
    def put(self, namespace: str, kind: str, key: str, record: Record) -> None: ...
    def delete(self, namespace: str, kind: str, key: str) -> None: ...
    def clear(self, namespace: str | None = None) -> None: ...
    def transaction(self) -> Any: ...
    def close(self) -> None: ...


class MemoryStore:
    """Keeps nothing beyond the backends' own objects: writes are accepted and dropped."""

    def load(self, namespace: str, kind: str) -> dict[str, Record]:
        return {}

    def namespaces(self) -> list[str]:
        return []

    def put(self, namespace: str, kind: str, key: str, record: Record) -> None:
        pass

    def delete(self, namespace: str, kind: str, key: str) -> None:
        pass

    def clear(self, namespace: str | None = None) -> None:
        pass

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def close(self) -> None:
        pass


class SQLiteStore:
    """One SQLite file; WAL mode with synchronous=FULL, so a committed write is on disk."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
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

    def put(self, namespace: str, kind: str, key: str, record: Record) -> None:
        body = json.dumps(record, separators=(",", ":"), sort_keys=True)
        with self.transaction():
            self._db.execute(
                "INSERT INTO records(namespace, kind, key, body) VALUES (?,?,?,?) "
                "ON CONFLICT(namespace, kind, key) DO UPDATE SET body=excluded.body",
                (namespace, kind, key, body),
            )

    def delete(self, namespace: str, kind: str, key: str) -> None:
        with self.transaction():
            self._db.execute(
                "DELETE FROM records WHERE namespace=? AND kind=? AND key=?", (namespace, kind, key)
            )

    def clear(self, namespace: str | None = None) -> None:
        with self.transaction():
            if namespace is None:
                self._db.execute("DELETE FROM records")
            else:
                self._db.execute("DELETE FROM records WHERE namespace=?", (namespace,))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nestable: only the outermost level begins and commits (or rolls back on error)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
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
