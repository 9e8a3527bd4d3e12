"""MemoryStore transactions: nestable, a failed outermost one undoes every write, the lock is let go;
both stores' list of namespaces."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from vodfc.emulator.store import MemoryStore, SQLiteStore


def test_a_failed_transaction_undoes_its_writes_and_lets_go_of_the_lock() -> None:
    store = MemoryStore()
    store.put("ns", "video", "kept", {"n": 1})
    with pytest.raises(RuntimeError), store.transaction() as txn:
        store.put("ns", "video", "kept", {"n": 2})
        store.put("ns", "video", "new", {"n": 3})
        store.delete("ns", "video", "kept")
        assert txn.wrote
        raise RuntimeError("fail")
    assert store.load("ns", "video") == {"kept": {"n": 1}}
    taken = threading.Thread(target=lambda: store.put("ns", "video", "other", {}))
    taken.start()
    taken.join(5)
    assert not taken.is_alive()


def test_only_the_outermost_transaction_decides() -> None:
    store = MemoryStore()
    with store.transaction() as outer:
        with pytest.raises(RuntimeError), store.transaction() as inner:
            assert inner is outer
            store.put("ns", "video", "v", {})
            raise RuntimeError("inner failure, caught inside the outer transaction")
        assert store.load("ns", "video") == {"v": {}}  # not undone yet: the outer one goes on
    assert store.load("ns", "video") == {"v": {}}
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.put("ns", "video", "w", {})
        raise RuntimeError("outer failure")
    assert store.load("ns", "video") == {"v": {}}
    with store.transaction() as fresh:
        assert not fresh.wrote


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_namespaces_are_those_holding_records_in_order(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "vodfc.sqlite3")
    try:
        assert store.namespaces() == []
        for namespace in ("b/cn-shanghai", "a/cn-shanghai", "a/_events", "a/cn-beijing"):
            for n in range(3):
                store.put(namespace, "video", f"v{n}", {"n": n})
        store.put("c/cn-shanghai", "video", "gone", {})
        store.delete("c/cn-shanghai", "video", "gone")
        assert store.namespaces() == ["a/_events", "a/cn-beijing", "a/cn-shanghai", "b/cn-shanghai"]
    finally:
        store.close()
