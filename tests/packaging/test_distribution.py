"""One top-level package, ``vodfc``, holding the package folders of emulator/ and shared/."""

from __future__ import annotations

import tomllib

from tests.repo import REPO


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_every_package_folder_is_listed_under_vodfc() -> None:
    setuptools = pyproject()["tool"]["setuptools"]
    folders = {"vodfc": "vodfc", **{f"vodfc.{name}": name for name in ("emulator", "shared")}}
    assert setuptools["package-dir"] == folders
    expected = set()
    for package, folder in folders.items():
        for init in (REPO / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO / folder).parts
            expected.add(".".join((package, *parts)))
    assert sorted(setuptools["packages"]) == sorted(expected)


def test_nothing_but_vodfc_is_installed_at_the_top() -> None:
    assert {name.split(".")[0] for name in pyproject()["tool"]["setuptools"]["packages"]} == {"vodfc"}
