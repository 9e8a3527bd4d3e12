"""Running tests/node's scripts: the official Node.js clients, installed from tests/node's lock (``npm ci``
by ``make setup`` / ``make test``, as CI does)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.repo import REPO

HARNESS = REPO / "tests" / "node"


def require_node(package: str) -> str:
    """The node command. Skips, saying so, without node and npm on the machine (CI has them); fails when
    tests/node lacks ``package`` (e.g. ``@alicloud/fc20230330``), which its lock installs."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: the Node.js clients' tests need them (CI has them)")
    if not (HARNESS / "node_modules" / package).is_dir():
        pytest.fail(f"tests/node has no {package}: run `make setup` (npm ci in tests/node)")
    return node


def run_script(node: str, script: str, plan: dict[str, Any]) -> Any:
    """Run tests/node/``script`` with ``plan`` (JSON) as its argument; what it printed, decoded."""
    done = subprocess.run(
        [node, str(HARNESS / script), json.dumps(plan)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HARNESS,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
