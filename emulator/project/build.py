"""``vodfc build``: one folder per code package, as FC unpacks it, under ``build/fc/<Name>/``.

Each folder holds what :mod:`.layout` says the package holds (the function's code, ``shared/``; the event
router's event functions) and every locked runtime dependency (:mod:`.wheels`), unpacked for FC's Python.
template.yml's ``CodeUri`` and s.yaml's ``code`` point at these folders, and ``vodfc up --from-build`` runs
them as they are.

Deterministic: the same sources and lock give the same bytes — files are written in name order with fixed
modes and timestamps, nothing else (no compiled ``.pyc``, no installer records) — and each package's
*digest* (sha256 over its files' names and contents) says so. Incremental: a package is rebuilt only when
its inputs' digest (its sources, the lock, the build's format) changed, or when its folder no longer holds
exactly what was written (a file changed, added or removed); ``build/fc/.manifest.json`` records both.

The dependencies are unpacked once per lock into ``build/fc/.deps/<digest>/`` and linked into each package
(hard links, or copies where links are not possible), so a package costs its own sources only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vodfc.emulator.cache import cache_dir
from vodfc.emulator.project import wheels
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.layout import BUILD_DIR, Package, packages
from vodfc.emulator.project.zips import add_to_zip

# Changes whenever what a build writes changes, so older builds are rebuilt.
FORMAT = "vodfc-build-1"
MANIFEST = ".manifest.json"
DEPS = ".deps"
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".git"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


class BuildError(Exception):
    """The build cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Built:
    """What happened to one package."""

    name: str
    path: Path
    action: str  # "built" or "unchanged"
    files: int
    size: int  # bytes
    digest: str  # sha256 over the files' names and contents
    seconds: float = 0.0
    why: str = ""  # what made a rebuild necessary


@dataclass
class Result:
    packages: list[Built] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def built(self) -> list[Built]:
        return [p for p in self.packages if p.action == "built"]


def build(
    root: Path | str,
    names: Sequence[str] | None = None,
    *,
    out: Path | None = None,
    cache: Path | None = None,
    say: Callable[[str], None] = print,
) -> Result:
    """Build every code package of the project under ``root`` (or only ``names``) into ``out``
    (default ``<root>/build/fc``); ``cache`` holds the downloaded wheels (default ``~/.cache/vodfc``)."""
    started = time.monotonic()
    root = Path(root).resolve()
    out = (out or root / BUILD_DIR).resolve()
    chosen = _choose(packages(discover(root)), names)
    try:
        lock = wheels.read_lock(root)
    except wheels.WheelError as exc:
        raise BuildError(str(exc)) from None
    manifest = _read_manifest(out)
    deps = _dependencies(lock, out, cache or cache_dir() / "wheels", say)
    result = Result()
    for package in chosen:
        result.packages.append(_package(root, out, package, lock, deps, manifest, say))
    _write_manifest(out, manifest)
    result.seconds = time.monotonic() - started
    built = len(result.built)
    say(
        f"{len(chosen)} package(s) in {_display(out, root)}: {built} built, {len(chosen) - built} unchanged, "
        f"{result.seconds:.2f} s"
    )
    return result


def _choose(found: list[Package], names: Sequence[str] | None) -> list[Package]:
    if not names:
        return found
    known = {p.name: p for p in found}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BuildError(f"no code package named {', '.join(unknown)}; there are: {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)]


# --- one package ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deps:
    folder: Path
    files: dict[str, str]  # relative path -> sha256


def _package(
    root: Path,
    out: Path,
    package: Package,
    lock: wheels.Lock,
    deps: _Deps,
    manifest: dict[str, Any],
    say: Callable[[str], None],
) -> Built:
    started = time.monotonic()
    sources = package_files(root, package)
    overlap = sorted(set(sources) & set(deps.files))
    if overlap:
        raise BuildError(f"{package.name}: {overlap[0]} is both the project's and a dependency's")
    inputs = _inputs_digest(package, sources, lock)
    target = out / package.name
    recorded = manifest.get(package.name) or {}
    why = _stale(target, recorded, inputs)
    if not why:
        built = Built(
            package.name, target, "unchanged", len(recorded["files"]), recorded["size"], recorded["digest"]
        )
        say(f"unchanged {package.name}")
        return built
    staging = out / f".{package.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in sorted(deps.files):
        _link(deps.folder / name, staging / name)
    digests = dict(deps.files)
    for name, source in sorted(sources.items()):
        destination = staging / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        os.chmod(destination, 0o755 if os.access(source, os.X_OK) else 0o644)
        digests[name] = wheels.file_digest(destination)
    wheels.settle(staging, sources)
    if target.exists():
        shutil.rmtree(target)
    staging.replace(target)
    os.utime(target, (wheels.FIXED_TIME, wheels.FIXED_TIME))
    files = {name: (target / name).stat().st_size for name in sorted(digests)}
    digest = _tree_digest(digests)
    manifest[package.name] = {"inputs": inputs, "digest": digest, "files": files, "size": sum(files.values())}
    seconds = time.monotonic() - started
    size = sum(files.values())
    say(f"built {package.name} ({len(files)} files, {_megabytes(size)}, {seconds:.2f} s; {why})")
    return Built(package.name, target, "built", len(files), sum(files.values()), digest, seconds, why)


def package_files(root: Path, package: Package) -> dict[str, Path]:
    """Every file of the project a package holds (its dependencies aside): path in the package -> file."""
    return dict(_sources(root, package))


def _sources(root: Path, package: Package) -> Iterator[tuple[str, Path]]:
    for source in package.sources:
        path = root / source.path
        if path.is_file():
            yield source.target, path
            continue
        if not path.is_dir():
            raise BuildError(f"{package.name}: {source.path} is missing")
        for file in _walk(path):
            relative = file.relative_to(path).as_posix()
            yield (f"{source.target}/{relative}" if source.target else relative), file


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            path = Path(current) / name
            if path.suffix not in SKIP_SUFFIXES:
                yield path


def _inputs_digest(package: Package, sources: dict[str, Path], lock: wheels.Lock) -> str:
    digest = hashlib.sha256(f"{FORMAT}\n{package.name}\n{lock.digest}\n".encode())
    for name, path in sorted(sources.items()):
        executable = "x" if os.access(path, os.X_OK) else "-"
        digest.update(f"{name}\0{executable}\0{wheels.file_digest(path)}\n".encode())
    return digest.hexdigest()


def _stale(target: Path, recorded: dict[str, Any], inputs: str) -> str:
    """Why the package must be built again; "" when its folder is what the same inputs would give."""
    if not recorded:
        return "new"
    if recorded.get("inputs") != inputs:
        return "its sources or the lock changed"
    if not target.is_dir():
        return "its folder is gone"
    expected: dict[str, int] = recorded.get("files") or {}
    seen = 0
    for file in _walk_all(target):
        name = file.relative_to(target).as_posix()
        info = file.stat()
        if expected.get(name) != info.st_size or int(info.st_mtime) != wheels.FIXED_TIME:
            return f"{name} was changed or added since it was built"
        seen += 1
    if seen != len(expected):
        return "a file was removed since it was built"
    return ""


def _walk_all(folder: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            yield Path(current) / name


def _tree_digest(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\n".encode())
    return digest.hexdigest()


def _link(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:  # another file system, or links not allowed: the same bytes, copied
        shutil.copy2(source, destination)


# --- the dependencies, unpacked once per lock ------------------------------------------------------------


def _dependencies(lock: wheels.Lock, out: Path, cache: Path, say: Callable[[str], None]) -> _Deps:
    folder = out / DEPS / lock.digest[:16]
    index = folder.with_suffix(".json")
    if folder.is_dir() and index.is_file():
        files = json.loads(index.read_text(encoding="utf-8"))
        if _intact(folder, files):
            return _Deps(folder, files)
    paths = wheels.fetch(lock, cache, say=say)
    for old in (out / DEPS).glob("*") if (out / DEPS).is_dir() else ():
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    staging = folder.with_name(f"{folder.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    names = wheels.unpack(paths, staging)
    files = {name: wheels.file_digest(staging / name) for name in names}
    staging.replace(folder)
    index.write_text(json.dumps(files, indent=0, sort_keys=True), encoding="utf-8")
    unpacked = ", ".join(f"{w.name} {w.version}" for w in lock.wheels)
    say(f"unpacked {len(lock.wheels)} wheel(s) for FC's Python: {unpacked}")
    return _Deps(folder, files)


def _intact(folder: Path, files: dict[str, str]) -> bool:
    """The unpacked dependencies are as written (same names, sizes not checked: timestamps are fixed)."""
    found = 0
    for file in _walk_all(folder):
        if int(file.stat().st_mtime) != wheels.FIXED_TIME or file.relative_to(folder).as_posix() not in files:
            return False
        found += 1
    return found == len(files)


# --- the manifest ----------------------------------------------------------------------------------------


def _read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("packages", {}) if data.get("format") == FORMAT else {}


def _write_manifest(out: Path, packages_: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "packages": packages_}, indent=1, sort_keys=True)
    (out / MANIFEST).write_text(text + "\n", encoding="utf-8")


# --- zips ------------------------------------------------------------------------------------------------


def zip_folder(folder: Path, target: Path) -> int:
    """A deterministic zip of a build folder (what FC unpacks); returns the number of files."""
    files = sorted(_walk_all(folder))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in files:
            add_to_zip(archive, path.relative_to(folder).as_posix(), path)
    staging.replace(target)
    return len(files)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _display(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
