"""Every module of ``shared/`` that ships in the functions' packages is imported by at least one function.

``shared/`` goes whole into every code package (``vodfc build``, ``vodfc.emulator.project.layout``), and
loads on every cold start, so a module no function imports is dead weight for all of them: code that
belongs to the emulator or the tests. The imports are read from the source with ``ast``, from each
package's own files (its handler module, its functions' files) through
what they import, transitively: ``import`` and ``from ... import`` at module level and inside functions
(an import deferred to call time still ships and runs), not under ``if TYPE_CHECKING:`` (types only);
a package's ``__init__`` counts whenever a module in it is imported, and a name a package exports lazily
(its ``_HOME`` table, ``shared._lazy``) counts as an import of the module that holds it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

from vodfc.emulator.project.build import package_files
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.layout import Package, packages

from tests.repo import REPO

SHARED = REPO / "shared"


def functions() -> list[Package]:
    """The code packages: what each deployed function's code folder holds."""
    return packages(discover(REPO))


def python_modules(entries: dict[str, Path]) -> dict[str, Path]:
    """The importable modules of a zip, by dotted name (a package by its ``__init__``)."""
    modules = {}
    for name, path in entries.items():
        if name.endswith(".py"):
            parts = name[: -len(".py")].split("/")
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except what sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield child
                yield from _runtime_nodes(child)
            continue
        yield node
        yield from _runtime_nodes(node)


def lazy_names(tree: ast.Module) -> dict[str, str]:
    """A package's lazily exported names (``_HOME = {submodule: (names, ...)}``) -> their submodule."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "_HOME" for target in node.targets
        ):
            home = ast.literal_eval(node.value)
            return {name: module for module, names in home.items() for name in names}
    return {}


class Zip:
    """One code package, read as modules and their imports."""

    def __init__(self, package: Package):
        self.package = package
        self.modules = python_modules(package_files(REPO, package))
        self.trees = {name: parse(path) for name, path in self.modules.items()}

    def _package_of(self, module: str) -> str:
        return module if self.modules[module].name == "__init__.py" else module.rpartition(".")[0]

    def imports_of(self, module: str) -> set[str]:
        """The modules of this zip that ``module`` imports at run time (lazy exports resolved)."""
        found: set[str] = set()
        for node in _runtime_nodes(self.trees[module]):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = self._package_of(module).split(".")
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                found.add(source)
                lazy = lazy_names(self.trees[source]) if source in self.trees else {}
                for alias in node.names:
                    if f"{source}.{alias.name}" in self.modules:
                        found.add(f"{source}.{alias.name}")
                    elif alias.name in lazy:
                        found.add(f"{source}.{lazy[alias.name]}")
        # A module's packages run before it does.
        with_packages = {
            ".".join(name.split(".")[:i]) for name in found for i in range(1, name.count(".") + 2)
        }
        return {name for name in with_packages if name in self.modules and name != module}

    def imported(self) -> set[str]:
        """Every module of the zip the function's own files import, transitively."""
        own = [name for name, path in self.modules.items() if not path.is_relative_to(SHARED)]
        own.append(self.package.module)  # what FC loads: index.py, or the router in shared/
        seen: set[str] = set()
        pending = list(own)
        while pending:
            module = pending.pop()
            if module not in seen:
                seen.add(module)
                pending.extend(self.imports_of(module) - seen)
        return seen


def shared_lines(modules: set[str], zip_: Zip) -> int:
    return sum(
        len(zip_.modules[name].read_text(encoding="utf-8").splitlines())
        for name in modules
        if name == "shared" or name.startswith("shared.")
    )


def test_the_reader_sees_what_a_function_imports() -> None:
    # A reader that found nothing would make the test below pass vacuously, or fail for no reason.
    by_name = {zip_.package.name: zip_.imported() for zip_ in map(Zip, functions())}
    assert {"shared", "shared.fc", "shared.fc.app", "shared.fc.schema"} <= by_name["GetVideoInfo"]
    # Lazy exports: ``from shared.fc import OperationApp`` reaches shared/fc/app.py, and ``sign`` the
    # signature checks only through the event app's deferred import.
    assert {"shared.events.app", "shared.events.parse", "shared.events.signature"} <= by_name["VodEvents"]
    assert {"shared.events.router", "functions.auto_tag.index"} <= by_name["VodEvents"]
    assert "shared.events.app" not in by_name["GetVideoInfo"]


def test_every_shipped_module_of_shared_is_imported_by_a_function() -> None:
    zips = [Zip(function) for function in functions()]
    shipped = {name for name in zips[0].modules if name == "shared" or name.startswith("shared.")}
    imported = set().union(*(zip_.imported() for zip_ in zips))
    unused = sorted(shipped - imported)
    lines = {name: shared_lines({name}, zips[0]) for name in unused}
    assert not unused, f"shared/ ships modules no function imports ({sum(lines.values())} lines): {lines}"
