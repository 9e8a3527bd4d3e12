"""Deployable zips: each function's CodeUri, ``shared/``, and the pinned dependencies, at the zip's root.

FC unpacks a Python function's zip into its code directory, which is first on ``sys.path``; so the
handler module, the ``shared`` package and every dependency sit side by side at the root.
Dependencies come from the project's ``requirements.txt`` (exact pins), either

* ``pip``: ``pip install --target`` (``--find-links``/``--no-index`` for a wheel directory, pip's own
  cache otherwise), or
* ``env``: the same distributions copied out of the running Python, after checking each pin matches
  what is installed — no network at all (the interpreter must match FC's, python3.10 on Linux x86_64,
  for compiled packages);
* ``none``: code and ``shared/`` only.

The dependency directory is built once and cached under ``<out>/.deps/<key>``; functions sharing a
CodeUri share one zip build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vodfc.emulator.fc.template import Function, Template

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".git"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:==\s*([^\s;#]+))?")
# A fixed timestamp keeps zips byte-identical from one build to the next (code checksums stay put).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackageError(Exception):
    pass


@dataclass(frozen=True)
class Built:
    function: str
    path: Path
    size: int
    files: int


def package_functions(
    template: Template,
    out: Path,
    *,
    names: Iterable[str] | None = None,
    requirements: Path | None = None,
    deps: str = "pip",
    find_links: str | None = None,
    no_index: bool = False,
    refresh: bool = False,
    python: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> list[Built]:
    """Build ``<out>/<function>.zip`` for each function (all, or ``names``)."""
    functions = list(template.functions())
    if names:
        wanted = set(names)
        unknown = wanted - {f.name for f in functions}
        if unknown:
            raise PackageError(f"no such function(s) in the template: {', '.join(sorted(unknown))}")
        functions = [f for f in functions if f.name in wanted]
    base = template.path.parent if template.path is not None else Path.cwd()
    shared = base / "shared"
    if not shared.is_dir():
        raise PackageError(f"{shared} not found: the functions import it, so it goes into every zip")
    requirements = requirements or base / "requirements.txt"
    out.mkdir(parents=True, exist_ok=True)
    deps_dir: Path | None = None
    if deps != "none":
        if not requirements.is_file():
            raise PackageError(f"{requirements} not found (use --no-deps to package without dependencies)")
        deps_dir = dependencies(
            requirements,
            out / ".deps",
            python=python,
            mode=deps,
            find_links=find_links,
            no_index=no_index,
            refresh=refresh,
            say=say,
        )
    here = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    runtimes = {f.runtime for f in functions if f.runtime != here and f.runtime != "python3"}
    if deps != "none" and runtimes and not python:
        say(
            f"note: dependencies are installed for this {here}; the functions run "
            f"{', '.join(sorted(runtimes))} "
            "on FC, so compiled packages (cryptography, cffi) must be rebuilt there or with that Python"
        )
    built: list[Built] = []
    by_code: dict[Path, Built] = {}
    for function in functions:
        target = out / f"{function.name}.zip"
        first = by_code.get(function.code_dir)
        if first is not None:
            shutil.copyfile(first.path, target)
            built.append(Built(function.name, target, first.size, first.files))
            continue
        code = function.code_dir
        say(f"packaging {function.name} ({code.relative_to(base) if code.is_relative_to(base) else code})")
        files = build_zip(target, function, shared, deps_dir)
        item = Built(function.name, target, target.stat().st_size, files)
        by_code[function.code_dir] = item
        built.append(item)
    return built


def zip_entries(function: Function, shared: Path, deps_dir: Path | None = None) -> dict[str, Path]:
    """What ``function``'s zip holds: each file by its name in the zip (the zip's root is the code
    directory FC puts first on ``sys.path``)."""
    entries: dict[str, Path] = {}
    if deps_dir is not None:
        for path in _walk(deps_dir):
            entries[path.relative_to(deps_dir).as_posix()] = path
    for path in _walk(shared):
        entries["shared/" + path.relative_to(shared).as_posix()] = path
    # The function's own files win over anything of the same name.
    for path in _walk(function.code_dir):
        entries[path.relative_to(function.code_dir).as_posix()] = path
    return entries


def build_zip(target: Path, function: Function, shared: Path, deps_dir: Path | None) -> int:
    entries = zip_entries(function, shared, deps_dir)
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = entries[name].stat().st_mode & 0o777
            info.external_attr = (0o100000 | (mode or 0o644)) << 16
            archive.writestr(info, entries[name].read_bytes())
    tmp.replace(target)
    return len(entries)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix not in _SKIP_SUFFIXES:
                yield path


def pins(requirements: Path) -> list[tuple[str, str | None]]:
    """(name, pinned version) of each requirement line (``-r`` includes are followed)."""
    found: list[tuple[str, str | None]] = []
    for raw in requirements.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            found += pins(requirements.parent / line.split(None, 1)[1])
            continue
        if line.startswith("-"):
            continue
        match = _REQUIREMENT.match(line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def dependencies(
    requirements: Path,
    cache: Path,
    *,
    mode: str,
    find_links: str | None = None,
    no_index: bool = False,
    refresh: bool = False,
    python: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Path:
    """The directory holding the installed dependencies (built once per requirements + mode).

    ``python`` (pip mode): the interpreter whose pip installs them — FC's version (python3.10) gives
    compiled packages that load on FC.
    """
    interpreter = python or sys.executable
    key = hashlib.sha256(
        f"{mode}\n{interpreter}\n{sys.version_info[:2]}\n{sys.platform}\n".encode()
        + requirements.read_bytes()
    ).hexdigest()[:16]
    target = cache / key
    if target.is_dir() and not refresh:
        return target
    if target.exists():
        shutil.rmtree(target)
    staging = cache / f"{key}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    if mode == "pip":
        command = [
            interpreter,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(staging),
            "-r",
            str(requirements),
        ]
        if find_links:
            command += ["--find-links", find_links]
        if no_index:
            command.append("--no-index")
        say(f"installing dependencies: {' '.join(command[3:])}")
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            detail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
            raise PackageError("pip install failed:\n  " + "\n  ".join(detail))
    elif mode == "env":
        say("copying the pinned dependencies installed in this Python")
        copy_installed(pins(requirements), staging)
    else:
        raise PackageError(f"unknown dependency mode {mode!r}")
    for junk in staging.glob("bin"):
        shutil.rmtree(junk, ignore_errors=True)
    staging.replace(target)
    return target


def copy_installed(requirements: list[tuple[str, str | None]], target: Path) -> list[str]:
    """Copy the installed distributions (and what they require) into ``target``; returns their names."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    queue = list(requirements)
    while queue:
        name, pinned = queue.pop(0)
        key = _normalise(name)
        if key in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise PackageError(
                f"{name} is not installed in {sys.executable}; install it or use pip mode"
            ) from None
        if pinned is not None and dist.version != pinned:
            raise PackageError(
                f"{name}=={pinned} is pinned but {dist.version} is installed in {sys.executable}"
            )
        seen[key] = dist
        for requirement in dist.requires or []:
            if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
                continue
            if ";" in requirement and not _marker_applies(requirement.split(";", 1)[1]):
                continue
            match = _REQUIREMENT.match(requirement)
            if match:
                queue.append((match.group(1), None))
    for dist in seen.values():
        root = Path(str(dist.locate_file("")))
        for file in dist.files or []:
            relative = Path(str(file))
            if relative.parts and relative.parts[0] == "..":
                continue
            source = root / relative
            if not source.is_file() or source.suffix in _SKIP_SUFFIXES or "__pycache__" in relative.parts:
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return sorted(seen)


def _marker_applies(marker: str) -> bool:
    """A small evaluator for the markers found in these pins (python_version, sys_platform, ...)."""
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging ships with pip and setuptools
        return True
    try:
        return bool(Marker(marker.strip()).evaluate({"extra": ""}))
    except Exception:
        return True


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
