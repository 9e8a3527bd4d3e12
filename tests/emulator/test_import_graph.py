"""The emulator's modules import each other without circles, none is found through a string, and the VOD
core emits its events without the event bus.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import`` at module level,
inside functions (an import deferred to call time still ties the two modules together), and under
``if TYPE_CHECKING:`` (kept apart, so a circle only mypy sees is reported as such). ``from a import b``
points at the module ``a.b`` when there is one, else at ``a``. A package's ``__init__`` may import its
own children; a child that imports its package back closes a circle like any other pair.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.repo import REPO

ROOT = REPO / "emulator"
PACKAGE = "vodfc.emulator"

RUNTIME = frozenset({"top", "function"})
EVERYTHING = RUNTIME | {"type_checking"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "top" | "function" | "type_checking"
    line: int


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join([PACKAGE, *parts])] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: dict[str, Path]):
        self.module, self.is_package, self.known = module, is_package, known
        self.functions = self.type_checking = 0
        self.edges: list[Edge] = []
        self.by_string: list[int] = []

    def _resolve(self, name: str) -> str | None:
        while name and name not in self.known:
            name = name.rpartition(".")[0]
        return name or None

    def _add(self, name: str, line: int) -> None:
        target = self._resolve(name)
        if target is None or target == self.module:
            return
        kind = "type_checking" if self.type_checking else "function" if self.functions else "top"
        self.edges.append(Edge(self.module, target, kind, line))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self.type_checking += 1
        for child in node.body:
            self.visit(child)
        self.type_checking -= 1
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            if not self.is_package:
                base.pop()
            base = base[: len(base) - (node.level - 1)]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        for alias in node.names:
            child = f"{source}.{alias.name}"
            self._add(child if child in self.known else source, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("import_module", "__import__"):
            self.by_string.append(node.lineno)
        self.generic_visit(node)


def read_graph() -> tuple[list[Edge], dict[str, list[int]]]:
    known = module_names()
    edges: list[Edge] = []
    by_string: dict[str, list[int]] = {}
    for module, path in known.items():
        visitor = _Imports(module, path.name == "__init__.py", known)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        edges += visitor.edges
        if visitor.by_string:
            by_string[module] = visitor.by_string
    return edges, by_string


def elementary_cycles(edges: list[Edge], kinds: frozenset[str]) -> list[list[str]]:
    """Every simple circle once, starting at its smallest module (the graph is small)."""
    adjacent: dict[str, set[str]] = {}
    for edge in edges:
        if edge.kind in kinds:
            adjacent.setdefault(edge.source, set()).add(edge.target)
    found: list[list[str]] = []

    def walk(start: str, node: str, path: list[str]) -> Iterator[list[str]]:
        for target in sorted(adjacent.get(node, ())):
            if target == start:
                yield list(path)
            elif target > start and target not in path:
                yield from walk(start, target, [*path, target])

    for start in sorted(adjacent):
        found += walk(start, start, [start])
    return found


def _describe(cycles: list[list[str]], edges: list[Edge]) -> str:
    where = {(e.source, e.target): f"{e.kind}, line {e.line}" for e in edges}
    lines = []
    for cycle in cycles:
        steps = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        lines.append(" -> ".join(f"{a} ({where[(a, b)]})" for a, b in steps) + f" -> {cycle[0]}")
    return "\n".join(lines)


def test_the_graph_reader_sees_the_emulator() -> None:
    edges, _ = read_graph()
    sources = {edge.source for edge in edges}
    # A reader that silently found nothing would make the tests below pass vacuously.
    assert {f"{PACKAGE}.app", f"{PACKAGE}.gateway", f"{PACKAGE}.fc.runtime"} <= sources
    assert any(edge.kind == "function" for edge in edges)
    assert any(edge.kind == "type_checking" for edge in edges)


def test_the_circle_finder_finds_circles() -> None:
    edges = [Edge("a", "b", "top", 1), Edge("b", "c", "function", 2), Edge("c", "a", "top", 3)]
    edges.append(Edge("b", "a", "type_checking", 4))
    assert elementary_cycles(edges, RUNTIME) == [["a", "b", "c"]]
    assert elementary_cycles(edges, EVERYTHING) == [["a", "b"], ["a", "b", "c"]]


@pytest.mark.parametrize("kinds", [RUNTIME, EVERYTHING], ids=["at-run-time", "with-type-checking"])
def test_no_import_circles(kinds: frozenset[str]) -> None:
    edges, _ = read_graph()
    cycles = elementary_cycles(edges, kinds)
    assert not cycles, f"{len(cycles)} import circle(s):\n{_describe(cycles, edges)}"


def test_no_module_is_imported_by_its_name_in_a_string() -> None:
    _, by_string = read_graph()
    # The package's lazy exports are one exception: importing vodfc.emulator must stay free. The FC
    # instance bootstrap and the in-process loader (validate --check-imports) are the others: importing a
    # function's handler module by its name is their job.
    assert set(by_string) <= {PACKAGE, f"{PACKAGE}.fc.worker", f"{PACKAGE}.fc.loader"}, by_string


def test_the_vod_core_builds_its_events_without_loading_the_bus() -> None:
    # The actions put events on the call's context; the gateway hands them to the bus, if there is one.
    probe = (
        "import json, sys, vodfc.emulator.vod.action_table, vodfc.emulator.vod.media_events\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('vodfc.emulator.events'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    assert f"{PACKAGE}.events.payloads" in loaded
    assert f"{PACKAGE}.events.bus" not in loaded
