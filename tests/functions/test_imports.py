"""Every function's index.py imports only the standard library and ``shared``, by absolute names: what its
code package holds (the SDKs come in through ``shared``)."""

from __future__ import annotations

import ast
import sys

import pytest
from vodfc.emulator.project import discover

from tests.repo import REPO

FOLDERS = sorted(function.folder for function in discover.discover(REPO))


@pytest.mark.parametrize("folder", FOLDERS)
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
