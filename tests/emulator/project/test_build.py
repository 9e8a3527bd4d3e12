"""``vodfc build``: each package holds its code, shared/ and FC's wheels; deterministic and incremental.

The wheels come from the package index the first time (into ~/.cache/vodfc/wheels), from the cache after;
the tests are skipped, saying so, only when the index cannot be reached and the cache lacks them.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from vodfc.emulator.cli import main
from vodfc.emulator.project import wheels
from vodfc.emulator.project.build import BuildError, Result, build, zip_folder

from tests.repo import REPO

NAMES = ["GetVideoInfo", "VodEvents"]


def project_copy(root: Path) -> Path:
    """What a build reads: the functions, shared/, the requirements and their lock."""
    for folder in ("functions", "shared"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (wheels.REQUIREMENTS, wheels.LOCK):
        shutil.copy(REPO / name, root / name)
    return root


def run_build(root: Path, names: list[str] | None = None, **options: object) -> tuple[Result, list[str]]:
    said: list[str] = []
    try:
        result = build(root, names, say=said.append, **options)  # type: ignore[arg-type]
    except wheels.WheelError as exc:
        if exc.offline:
            pytest.skip(f"FC's wheels are not cached and the package index cannot be reached: {exc}")
        raise
    return result, said


def tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def first(root: Path) -> Result:
    return run_build(root, NAMES)[0]


def test_a_package_holds_its_code_shared_and_the_wheels_fcs_python_loads(root: Path, first: Result) -> None:
    folder = root / "build" / "fc" / "GetVideoInfo"
    files = tree(folder)
    assert files["index.py"] == tree(REPO / "functions" / "get_video_info")["index.py"]
    assert "shared/__init__.py" in files and "shared/events/router.py" in files
    assert any(name.startswith("aliyunsdkvod/") for name in files)
    # cffi's extension module is CPython 3.10's (FC's), not this machine's; cryptography's is abi3.
    assert [name for name in files if name.startswith("_cffi_backend")] == [
        "_cffi_backend.cpython-310-x86_64-linux-gnu.so"
    ]
    assert "cryptography/hazmat/bindings/_rust.abi3.so" in files
    assert not [name for name in files if "__pycache__" in name or name.endswith(".pyc")]
    for locked in wheels.read_lock(REPO).wheels:
        assert any(
            n.startswith(f"{locked.name.replace('-', '_')}-{locked.version}.dist-info/") for n in files
        )
    # The router's package holds each event function under functions/, beside shared/.
    router = tree(root / "build" / "fc" / "VodEvents")
    assert "index.py" not in router and "functions/__init__.py" in router
    assert {"functions/auto_tag/index.py", "functions/delete_source/index.py"} <= set(router)
    assert [p.action for p in first.packages] == ["built", "built"]


def test_the_same_inputs_give_the_same_bytes(root: Path, first: Result, tmp_path: Path) -> None:
    again, _ = run_build(root, NAMES, out=tmp_path / "again")
    assert [p.digest for p in again.packages] == [p.digest for p in first.packages]
    for name in NAMES:
        assert tree(tmp_path / "again" / name) == tree(root / "build" / "fc" / name)


def test_unchanged_packages_are_not_rebuilt_and_changed_ones_are(root: Path, first: Result) -> None:
    result, said = run_build(root, NAMES)
    assert [p.action for p in result.packages] == ["unchanged", "unchanged"]
    assert said[:2] == ["unchanged GetVideoInfo", "unchanged VodEvents"]
    assert said[-1].startswith("2 package(s) in build/fc: 0 built, 2 unchanged")

    # A source of the router changes: only the router is built again.
    source = root / "functions" / "auto_tag" / "index.py"
    original = source.read_text()
    source.write_text(original + "\n# changed\n")
    try:
        result, said = run_build(root, NAMES)
        assert [p.action for p in result.packages] == ["unchanged", "built"]
        assert "its sources or the lock changed" in said[1]
    finally:
        source.write_text(original)

    # A file removed from a build (or changed in it) makes it stale: it is built again, as it was.
    built = root / "build" / "fc" / "GetVideoInfo"
    (built / "shared" / "fc" / "app.py").unlink()
    result, said = run_build(root, ["GetVideoInfo"])
    assert result.packages[0].action == "built" and "removed since it was built" in said[0]
    assert result.packages[0].digest == first.packages[0].digest


def test_package_zips_each_build_folder_and_the_zips_are_reproducible(
    root: Path, first: Result, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["package", "GetVideoInfo", "--root", str(root), "--dist", str(tmp_path / "a")]
    if main(args) != 0 and "cannot be reached" in capsys.readouterr().err:
        pytest.skip("the package index cannot be reached")
    zipped = tmp_path / "a" / "GetVideoInfo.zip"
    assert zip_folder(root / "build" / "fc" / "GetVideoInfo", tmp_path / "b.zip") > 500
    assert zipped.read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(zipped) as archive:
        assert sorted(archive.namelist()) == sorted(tree(root / "build" / "fc" / "GetVideoInfo"))
    assert "1 zip(s)" in capsys.readouterr().out


def test_a_lock_that_no_longer_matches_the_requirements_is_refused(tmp_path: Path) -> None:
    copy = project_copy(tmp_path)
    (copy / wheels.REQUIREMENTS).write_text("aliyun-python-sdk-core==2.16.1\n")
    with pytest.raises(
        BuildError, match=r"changed since requirements\.lock was written: run `vodfc build --lock`"
    ):
        build(copy, ["GetVideoInfo"], say=lambda line: None)
    with pytest.raises(BuildError, match="no code package named Nope; there are: DeleteImage"):
        build(REPO, ["Nope"], out=tmp_path / "out", say=lambda line: None)
