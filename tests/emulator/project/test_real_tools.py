"""The generated descriptors through the real deployment tools, where they are installed.

``s`` (Serverless Devs 3, ``npm install @serverless-devs/s``) and ``fun`` (Funcraft, ``@alicloud/fun``) are
found on PATH, or through ``VODFC_S`` / ``VODFC_FUN``; each test is skipped, saying so, when its tool is
not there. ``make deploy-tools`` installs both, locked, in tests/emulator/project/tools/ (about 250 MB of
npm packages): CI does, and there the tests must run (``VODFC_REQUIRE_DEPLOY_TOOLS=1``). Both commands run
offline: ``s preview`` renders s.yaml, ``fun validate`` checks template.yml against Funcraft's schemas.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.repo import REPO

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# `make deploy-tools` installs both here (CI does).
TOOLS_BIN = REPO / "tests" / "emulator" / "project" / "tools" / "node_modules" / ".bin"


def tool(name: str, variable: str) -> str:
    installed = TOOLS_BIN / name
    found = os.environ.get(variable) or (str(installed) if installed.exists() else shutil.which(name))
    if not found:
        if os.environ.get("VODFC_REQUIRE_DEPLOY_TOOLS") == "1":
            pytest.fail(f"`{name}` is not installed: `make deploy-tools` installs it")
        pytest.skip(f"`{name}` is not installed (npm); set {variable} to run this test")
    return found


def run(command: list[str], folder: Path) -> tuple[int, str]:
    env = {**os.environ, "HOME": str(folder), "NO_COLOR": "1", "FORCE_COLOR": "0"}
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=300, env=env, check=False
    )
    return done.returncode, ANSI.sub("", done.stdout + done.stderr)


def test_s_preview_renders_every_function_of_s_yaml(tmp_path: Path) -> None:
    s = tool("s", "VODFC_S")
    shutil.copy(REPO / "s.yaml", tmp_path / "s.yaml")
    code, out = run([s, "preview", "-t", "s.yaml"], tmp_path)
    assert code == 0, out
    assert "Not support template" not in out
    names = yaml.safe_load((REPO / "s.yaml").read_text())["resources"]
    for name in names:
        assert re.search(rf"functionName:\s+{name}\b", out), name
    assert re.search(r"region:\s+cn-shanghai", out)  # ${vars.region} rendered


def test_fun_validate_refuses_only_the_python_runtime_it_predates(tmp_path: Path) -> None:
    fun = tool("fun", "VODFC_FUN")
    text = (REPO / "template.yml").read_text()
    (tmp_path / "template.yml").write_text(text)
    code, out = run([fun, "validate", "-t", "template.yml"], tmp_path)
    errors = [line for line in out.splitlines() if "ERR!" in line and "template is not valid" not in line]
    assert code != 0 and errors
    # Funcraft's runtime list ends at python3 (3.6): every complaint is about Runtime, nothing else.
    assert all("/Properties/Runtime" in line or "CustomContainerConfig" in line for line in errors), errors
    # With the runtime it knows, the rest of the template is valid Funcraft.
    (tmp_path / "template.yml").write_text(text.replace("Runtime: python3.10", "Runtime: python3"))
    code, out = run([fun, "validate", "-t", "template.yml"], tmp_path)
    assert code == 0, out
