"""tests/ mirrors the source tree, so the tests of a module are found where the module is.

tests/emulator/<package>/ holds the tests of emulator/<package>/, tests/shared/<package>/ those of
shared/<package>/, tests/functions/<folder>/ those of functions/<folder>/ and tests/benchmarks/ those of
benchmarks/; the tests of a layer's top-level module sit in the layer's own folder
(tests/emulator/test_server.py for emulator/server.py). Beside the mirror: tests/functions/ops/ and
tests/functions/events/ (tests run over every operation or every event function), tests/e2e/ (runs across
the layers: an upload reaching the functions, ``vodfc up`` as a process) and tests/packaging/ (the
distribution). Only test files are checked: helpers (conftest.py, support modules) sit with the tests that
use them.
"""

from __future__ import annotations

from pathlib import Path

from tests.repo import REPO

TESTS = REPO / "tests"
MIRRORED = ("emulator", "shared", "functions", "benchmarks")
GROUPS = {"functions": ("ops", "events")}
FLAT = ("e2e", "packaging")


def is_test_file(path: Path) -> bool:
    return path.name.startswith("test_") or path.name.endswith("_test.py")


def source_folders() -> list[Path]:
    """Every package or function folder of the mirrored layers, relative to the repository root."""
    found = []
    for layer in MIRRORED:
        for folder in [REPO / layer, *(REPO / layer).rglob("*")]:
            if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
                found.append(folder.relative_to(REPO))
    return found


def where_it_belongs(folder: tuple[str, ...]) -> str:
    """A hint for a test folder that mirrors nothing: the source folders or modules of the same name."""
    name = folder[-1]
    places = [f"tests/{source.as_posix()}/" for source in source_folders() if source.name == name]
    places += [
        f"tests/{module.parent.relative_to(REPO).as_posix()}/test_{name}.py"
        for layer in MIRRORED
        for module in (REPO / layer).rglob(f"{name}.py")
    ]
    if places:
        return f"what is named {name!r} in the source is tested in " + " or ".join(sorted(places))
    return (
        "tests of emulator/<package>/ go in tests/emulator/<package>/, of shared/<package>/ in "
        "tests/shared/<package>/, of functions/<folder>/ in tests/functions/<folder>/, "
        "runs across the layers in tests/e2e/"
    )


def misplaced(path: Path) -> str | None:
    folder = path.parent.relative_to(TESTS).parts
    if not folder:
        if path.name == Path(__file__).name:
            return None
        return "no test file sits in tests/ itself; " + where_it_belongs((path.stem.removeprefix("test_"),))
    layer, below = folder[0], folder[1:]
    if layer in MIRRORED:
        if len(below) == 1 and below[0] in GROUPS.get(layer, ()):
            return None
        if (REPO / layer / Path(*below)).is_dir():
            return None
        return f"{layer}/{'/'.join(below)} is no source folder; " + where_it_belongs(folder)
    if layer in FLAT:
        return None if not below else f"tests/{layer}/ has no subfolders; put the file in tests/{layer}/"
    return f"tests/{layer}/ is no part of the layout; " + where_it_belongs(folder)


def test_every_test_file_sits_where_the_source_it_covers_sits() -> None:
    wrong = {
        path.relative_to(REPO).as_posix(): reason
        for path in sorted(TESTS.rglob("*.py"))
        if is_test_file(path) and (reason := misplaced(path)) is not None
    }
    assert not wrong, "test files outside the mirror of the source tree:\n" + "\n".join(
        f"  {path}: {reason}" for path, reason in wrong.items()
    )
