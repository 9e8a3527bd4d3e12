"""How a build folder made for FC's Python runs on this machine's Python.

``vodfc build`` fills each package with the wheels FC's runtime loads (CPython 3.10, manylinux x86_64);
some hold compiled modules tagged for that interpreter only (cffi's ``_cffi_backend.cpython-310-...so``),
which another Python cannot load. An instance running a build therefore uses one of two interpreters:

* ``VODFC_FC_PYTHON`` (a path or a command, e.g. ``python3.10``): that interpreter runs the build as it is;
  it must load every compiled module the build holds, or the instance does not start (the error says
  which module);
* otherwise this Python, with an *ABI overlay*: for each distribution in the build whose compiled modules
  this Python cannot load, the same distribution at the same version installed here is put before the
  build on ``sys.path`` (a copy of its files, cached under ``~/.cache/vodfc/overlay``). Only distributions
  the build holds are overlaid, so a package missing from the build still fails to import; a version that
  differs, or one not installed here, stops the instance with an error naming it.

Either way the instance starts without the host's site-packages and writes no bytecode into the build
(``python -I -S -B``): only the standard library, the overlay and the build folder are on its path.
"""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_PYTHON = "VODFC_FC_PYTHON"
_PROBE = (
    "import importlib.machinery as m, json, sys; "
    "print(json.dumps([list(sys.version_info[:2]), m.EXTENSION_SUFFIXES, sys.executable]))"
)


class AbiError(Exception):
    """This machine cannot run the build: the message says what to install or configure."""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version: tuple[int, int]
    suffixes: tuple[str, ...]  # the extension-module suffixes it imports (importlib.machinery)

    @property
    def host(self) -> bool:
        return self.executable == sys.executable


def host() -> Interpreter:
    return Interpreter(
        sys.executable,
        (sys.version_info[0], sys.version_info[1]),
        tuple(importlib.machinery.EXTENSION_SUFFIXES),
    )


_interpreters: dict[str, Interpreter] = {}
_lock = threading.Lock()


def fc_python(environ: Mapping[str, str] | None = None) -> Interpreter | None:
    """The interpreter ``VODFC_FC_PYTHON`` names (asked once for its version), or None when unset."""
    env = os.environ if environ is None else environ
    configured = (env.get(ENV_PYTHON) or "").strip()
    if not configured:
        return None
    with _lock:
        if configured not in _interpreters:
            _interpreters[configured] = _probe(configured)
        return _interpreters[configured]


def _probe(configured: str) -> Interpreter:
    executable = shutil.which(configured) or configured
    try:
        completed = subprocess.run(
            [executable, "-I", "-S", "-c", _PROBE], capture_output=True, text=True, timeout=30, check=True
        )
        (major, minor), suffixes, real = json.loads(completed.stdout)
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or exc.stdout or "").strip().splitlines()
        why = said[0] if said else f"exit status {exc.returncode}"
        raise AbiError(f"{ENV_PYTHON}={configured} does not run here: {why}") from None
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise AbiError(
            f"{ENV_PYTHON}={configured} is not a Python interpreter that runs here: {exc}"
        ) from None
    # The interpreter itself, not a launcher in front of it (a pyenv shim): instances start it directly.
    return Interpreter(str(real or Path(executable).absolute()), (int(major), int(minor)), tuple(suffixes))


# --- what a build holds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """One ``*.dist-info`` of a build folder: the name, the version, the files it installed there."""

    name: str
    version: str
    files: tuple[str, ...]

    def foreign_modules(self, suffixes: Iterable[str]) -> list[str]:
        """Its compiled modules an interpreter with these extension suffixes cannot import."""
        return [path for path in self.files if _is_extension(path) and not loadable(path, suffixes)]


def distributions(build_dir: Path) -> list[Distribution]:
    found = []
    for info in sorted(build_dir.glob("*.dist-info")):
        metadata = _metadata(info / "METADATA")
        record = info / "RECORD"
        files = []
        if record.is_file():
            files = [
                line.split(",", 1)[0] for line in record.read_text(encoding="utf-8").splitlines() if line
            ]
        found.append(Distribution(metadata.get("Name", info.name), metadata.get("Version", ""), tuple(files)))
    return found


def loadable(path: str, suffixes: Iterable[str]) -> bool:
    """Whether an interpreter with these extension suffixes imports the module file ``path``: it looks for
    ``<module><suffix>``, so ``_cffi_backend.cpython-310-x86_64-linux-gnu.so`` is found by CPython 3.10
    only, ``_rust.abi3.so`` by any CPython 3."""
    name = path.rsplit("/", 1)[-1]
    module = name.split(".", 1)[0]
    return any(name == module + suffix for suffix in suffixes)


def _is_extension(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    # Shared libraries a wheel vendors (cffi.libs/libffi-....so.8) are loaded by the modules, not imported.
    return name.endswith((".so", ".pyd")) and ".libs/" not in path


# --- the overlay ----------------------------------------------------------------------------------------


def overlay(build_dir: Path, interpreter: Interpreter, cache: Path) -> list[Path]:
    """The folders to put before ``build_dir`` on ``sys.path`` for ``interpreter`` (see the module doc);
    raises ``AbiError`` when it cannot run the build."""
    entries = []
    for dist in distributions(build_dir):
        foreign = dist.foreign_modules(interpreter.suffixes)
        if not foreign:
            continue
        where = f"{build_dir.name}/{foreign[0]}"
        if not interpreter.host:
            raise AbiError(
                f"{ENV_PYTHON} is Python {'.'.join(map(str, interpreter.version))}, which cannot load "
                f"{where} ({dist.name} {dist.version} is built for another Python): use FC's Python (3.10)"
            )
        entries.append(_host_copy(dist, where, cache))
    return entries


def _host_copy(dist: Distribution, where: str, cache: Path) -> Path:
    try:
        installed = importlib.metadata.distribution(dist.name)
    except importlib.metadata.PackageNotFoundError:
        raise AbiError(
            f"{where} is compiled for FC's Python, and {dist.name} is not installed in this Python "
            f"({sys.executable}) to stand in for it: pip install {dist.name}=={dist.version}, or set "
            f"{ENV_PYTHON} to a Python 3.10"
        ) from None
    if installed.version != dist.version:
        raise AbiError(
            f"{where} is compiled for FC's Python; this Python has {dist.name} {installed.version}, not the "
            f"build's {dist.version}: pip install {dist.name}=={dist.version}, or set {ENV_PYTHON} to a "
            "Python 3.10"
        )
    tag = re.sub(r"[^A-Za-z0-9._-]", "_", sys.implementation.cache_tag or "python")
    target = cache / "overlay" / tag / f"{_normalise(dist.name)}-{dist.version}"
    if target.is_dir():
        return target
    staging = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    root = Path(str(installed.locate_file("")))
    for file in installed.files or []:
        relative = Path(str(file))
        if (relative.parts and relative.parts[0] == "..") or "__pycache__" in relative.parts:
            continue
        source = root / relative
        if source.is_file():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staging / relative)
    try:
        staging.replace(target)
    except OSError:  # another process made it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _metadata(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return found
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line
        key, _, value = line.partition(":")
        found.setdefault(key.strip(), value.strip())
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
