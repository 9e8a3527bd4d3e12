"""What the code imports is what pyproject.toml declares, and constraints.txt pins every declared package.

* ``shared/`` (vodfc's runtime) imports only the runtime dependencies;
* ``emulator/`` imports the runtime, the emulator extra (``vodfc.emulator.extra.MODULES``) and a few
  packages it uses only when the caller has them (the pytest plugin's pytest and Tea SDK);
* each of the extra's modules comes from a distribution the extra names, or from one of their own
  requirements (werkzeug from Flask); each distribution the extra names provides one of them;
* constraints.txt pins every distribution pyproject.toml names, to a version its range admits, and
  requirements.txt (the functions' FC zips) pins the runtime SDKs to the same versions;
* importing the pytest plugin, which pytest does in every project that installed vodfc, loads none of
  the heavy packages.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from vodfc.emulator import extra

REPO = Path(__file__).resolve().parents[2]
RUNTIME_MODULES = frozenset({"aliyunsdkcore", "aliyunsdkvod"})
# Imported only inside code a caller reaches with these installed: pytest loads the plugin itself; the
# Tea SDK is the caller's when it asks the `vod` fixture for a Tea client; `vodfc up`'s demo calls the FC 3.0
# API with FC 3.0's Tea SDK when it is there; packaging has a fallback.
OPTIONAL_MODULES = frozenset(
    {
        "pytest",
        "alibabacloud_tea_openapi",
        "alibabacloud_vod20170321",
        "alibabacloud_fc20230330",
        "darabonba",
        "packaging",
    }
)
HEAVY = (
    "flask",
    "werkzeug",
    "requests",
    "responses",
    "aliyunsdkcore",
    "yaml",
    "av",
    "waitress",
    "oss2",
    "fc2",
)


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def requirements(texts: list[str]) -> dict[str, Requirement]:
    parsed = [Requirement(text) for text in texts]
    return {canonicalize_name(req.name): req for req in parsed}


def third_party_imports(folder: Path) -> set[str]:
    """Top-level names of every absolute import in ``folder`` that is neither stdlib nor vodfc's own."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(name.split(".")[0] for name in names)
    return {
        name for name in found if name not in sys.stdlib_module_names and name not in {"vodfc", "__future__"}
    }


@functools.cache
def _module_owners() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()  # reads every installed distribution: once


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(name) for name in _module_owners().get(module, [])}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def test_shared_imports_only_the_runtime_dependencies() -> None:
    assert third_party_imports(REPO / "shared") <= RUNTIME_MODULES
    declared = requirements(pyproject()["project"]["dependencies"])
    provided = set().union(*(distributions_of(module) for module in RUNTIME_MODULES))
    assert provided == set(declared)


def test_the_emulator_imports_the_runtime_the_extra_and_nothing_undeclared() -> None:
    imported = third_party_imports(REPO / "emulator") | third_party_imports(REPO / "vodfc")
    assert imported - RUNTIME_MODULES - extra.MODULES - OPTIONAL_MODULES == set()
    assert imported >= extra.MODULES, "extra.MODULES names a module the emulator does not import"


def test_the_extra_installs_every_module_it_stands_for() -> None:
    named = requirements(pyproject()["project"]["optional-dependencies"]["emulator"])
    brought = set(named)
    for name in named:
        for text in importlib.metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                brought.add(canonicalize_name(req.name))
    for module in extra.MODULES:
        assert distributions_of(module) & brought, f"{module} comes from no distribution the extra installs"
    for name in named:
        assert any(name in distributions_of(module) for module in extra.MODULES), f"{name} is never imported"


def test_constraints_pin_everything_declared_within_its_range() -> None:
    project = pyproject()
    declared = [
        *project["project"]["dependencies"],
        *(text for texts in project["project"]["optional-dependencies"].values() for text in texts),
        *(text for texts in project["dependency-groups"].values() for text in texts),
    ]
    pinned = pins(REPO / "constraints.txt")
    for name, req in requirements(declared).items():
        assert name in pinned, f"constraints.txt does not pin {name}"
        assert req.specifier.contains(pinned[name], prereleases=True), f"{name}=={pinned[name]} is not {req}"


def test_the_functions_zips_pin_the_runtime_as_the_lock_does() -> None:
    zips, lock = pins(REPO / "requirements.txt"), pins(REPO / "constraints.txt")
    assert set(zips) == set(requirements(pyproject()["project"]["dependencies"]))
    assert {name: lock[name] for name in zips} == zips


def test_the_pytest_plugin_loads_nothing_heavy() -> None:
    probe = (
        "import sys, pytest; before = set(sys.modules); import vodfc.emulator.pytest_plugin; "
        f"print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
