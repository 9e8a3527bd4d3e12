"""Each operation function is self-contained apart from shared/: it ships alone with shared/ and the SDKs."""

from __future__ import annotations

import pytest

from tests.functions.ops.harness import OPERATIONS
from tests.repo import REPO


@pytest.mark.parametrize("folder", sorted(OPERATIONS.values()))
def test_function_folder_holds_just_its_handler(folder: str) -> None:
    files = sorted(p.name for p in (REPO / "functions" / folder).iterdir() if p.name != "__pycache__")
    assert files == ["index.py"]
