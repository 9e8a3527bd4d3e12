"""The action table: modules merged in order, missing or broken modules skipped."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from vodfc.emulator.vod.responses import build_table


@pytest.fixture
def fake_modules() -> Iterator[types.ModuleType]:
    first = types.ModuleType("vodfc_test_actions_first")
    first.ACTIONS = {"A": lambda *a: {"from": "first"}, "B": lambda *a: {"from": "first"}}  # type: ignore[attr-defined]
    second = types.ModuleType("vodfc_test_actions_second")
    second.ACTIONS = {"B": lambda *a: {"from": "second"}, "C": lambda *a: {}}  # type: ignore[attr-defined]
    sys.modules[first.__name__] = first
    sys.modules[second.__name__] = second
    yield first
    del sys.modules[first.__name__], sys.modules[second.__name__]


def test_first_module_wins_and_missing_modules_are_skipped(fake_modules: types.ModuleType) -> None:
    table = build_table(
        ("vodfc_test_actions_first", "vodfc_no_such_package.actions", "vodfc_test_actions_second")
    )
    assert sorted(table) == ["A", "B", "C"]
    assert table["B"](None, {}, None) == {"from": "first"}


def test_a_module_that_fails_to_import_is_skipped_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "vodfc_test_actions_broken.py").write_text("import vodfc_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert build_table(("vodfc_test_actions_broken",)) == {}
    finally:
        sys.modules.pop("vodfc_test_actions_broken", None)
    assert "vodfc_test_actions_broken failed to import" in caplog.text
