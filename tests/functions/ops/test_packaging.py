"""Each operation function is self-contained apart from shared/: it ships alone with shared/ and the SDKs."""

from __future__ import annotations

import ast
import sys

import pytest

from tests.functions.ops.harness import OPERATIONS
from tests.repo import REPO


@pytest.mark.parametrize("folder", sorted(OPERATIONS.values()))
def test_function_imports_only_the_standard_library_and_shared(folder: str) -> None:
    tree = ast.parse((REPO / "functions" / folder / "index.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{folder}: relative import"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top == "shared" or top in sys.stdlib_module_names or top == "__future__", (folder, name)


@pytest.mark.parametrize("folder", sorted(OPERATIONS.values()))
def test_function_folder_holds_just_its_handler(folder: str) -> None:
    files = sorted(p.name for p in (REPO / "functions" / folder).iterdir() if p.name != "__pycache__")
    assert files == ["index.py"]
