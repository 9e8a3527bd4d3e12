"""The local runtime runs what is deployed: ``--from-build`` loads each function from its build folder.

The instance sees the build and the standard library only, so a file missing from the build fails here
as it would on FC (``ImportModuleError``). The build holds CPython 3.10's wheels: it runs on FC's Python
when ``VODFC_FC_PYTHON`` names one, else on this Python with an ABI overlay (``vodfc.emulator.fc.abi``).
"""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.cache import cache_dir
from vodfc.emulator.fc import abi, get_fc
from vodfc.emulator.fc.model import TemplateError
from vodfc.emulator.project import wheels
from vodfc.emulator.project.build import build

from tests.emulator.fc.support import CONFIG
from tests.repo import REPO

SYAML = """\
edition: 3.0.0
name: from-build
resources:
  GetVideoInfo:
    component: fc3
    props:
      region: cn-shanghai
      functionName: GetVideoInfo
      runtime: python3.10
      code: build/fc/GetVideoInfo
      handler: index.handler
      timeout: 30
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GetVideoInfo built once for the module: its build folder."""
    out = tmp_path_factory.mktemp("build")
    try:
        build(REPO, ["GetVideoInfo"], out=out, say=lambda line: None)
    except wheels.WheelError as exc:
        if exc.offline:
            pytest.skip(f"FC's wheels are not cached and the package index cannot be reached: {exc}")
        raise
    return out / "GetVideoInfo"


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A project whose s.yaml runs a copy of the build (a test may break it)."""
    shutil.copytree(built, tmp_path / "build" / "fc" / "GetVideoInfo", copy_function=shutil.copy2)
    (tmp_path / "s.yaml").write_text(SYAML)
    return tmp_path / "s.yaml"


def invoke(path: Path, **env: str) -> tuple[Any, Any]:
    app = create_app(CONFIG)
    component = get_fc(app)
    try:
        runtime = component.load(path, code="build")
        video_id = get_state(app).seed()["video_ids"][0]
        result = runtime.invoke("GetVideoInfo", {"VideoId": video_id})
        return result, runtime.launch(runtime.functions()[0])
    finally:
        component.close()


def test_a_function_runs_from_its_build_with_nothing_from_this_python(project: Path) -> None:
    result, launch = invoke(project)
    assert result.error is None, result.error
    assert result.json()["Video"]["Title"]
    assert launch.site is False  # no site-packages: what the build lacks is missing
    assert launch.path[-1] == project.parent / "build" / "fc" / "GetVideoInfo"
    if abi.fc_python() is None and sys.version_info[:2] != (3, 10):
        # This Python cannot load the build's cffi: its own cffi, same version, stands in for it.
        (overlay,) = launch.path[:-1]
        assert overlay.name == "cffi-2.1.1" and overlay.is_relative_to(cache_dir() / "overlay")


def test_a_handler_missing_from_the_build_is_refused_when_loading(project: Path) -> None:
    (project.parent / "build" / "fc" / "GetVideoInfo" / "index.py").unlink()
    with pytest.raises(
        TemplateError, match=r"resources\.GetVideoInfo\.props\.handler: module 'index' not found"
    ):
        invoke(project)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("shared/fc/app.py", "Unable to import module 'index': No module named 'shared.fc.app'"),
        ("shared/errors.py", "Unable to import module 'index': No module named 'shared.errors'"),
    ],
)
def test_a_file_missing_from_the_build_fails_locally_as_on_fc(
    project: Path, missing: str, message: str
) -> None:
    (project.parent / "build" / "fc" / "GetVideoInfo" / missing).unlink()
    result, _ = invoke(project)
    assert result.error is not None
    assert result.error["errorType"] == "ImportModuleError"
    assert result.error["errorMessage"].startswith(message)


def test_a_dependency_missing_from_the_build_is_not_taken_from_this_python(project: Path) -> None:
    shutil.rmtree(project.parent / "build" / "fc" / "GetVideoInfo" / "jmespath")  # this Python has jmespath
    result, _ = invoke(project)
    # The SDK is loaded by the first VOD call: the function answers its own error and logs why.
    assert result.json()["Code"] == "InternalError"
    assert any("No module named 'jmespath'" in line for line in result.log_lines), result.log_lines


def fcs_python() -> str | None:
    """A Python 3.10 on this machine: VODFC_FC_PYTHON, python3.10 on PATH, or one pyenv installed."""
    candidates = [
        shutil.which("python3.10") or "",
        *sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.10*/bin/python3.10"))),
    ]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
            return candidate
    return None


def test_the_build_runs_as_it_is_on_fcs_python(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = abi.fc_python().executable if abi.fc_python() else fcs_python()
    if python is None:
        pytest.skip("no Python 3.10 on this machine (set VODFC_FC_PYTHON to one): the overlay runs the build")
    monkeypatch.setenv(abi.ENV_PYTHON, python)
    result, launch = invoke(project)
    assert result.error is None, result.error
    assert launch.path == (project.parent / "build" / "fc" / "GetVideoInfo",)  # no overlay
    assert json.loads(result.body)["Video"]["VideoId"]


def test_an_overlay_needs_the_same_version_here(tmp_path: Path) -> None:
    build_dir = tmp_path / "Fn"
    info = build_dir / "cffi-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cffi\nVersion: 0.0.1\n\n")
    (info / "RECORD").write_text("_cffi_backend.cpython-399-x86_64-linux-gnu.so,,\ncffi/__init__.py,,\n")
    with pytest.raises(abi.AbiError, match=r"this Python has cffi .*, not the build's 0\.0\.1"):
        abi.overlay(build_dir, abi.host(), tmp_path / "cache")
    assert abi.loadable("_rust.abi3.so", abi.host().suffixes)
    assert not abi.loadable("_cffi_backend.cpython-399-x86_64-linux-gnu.so", abi.host().suffixes)
