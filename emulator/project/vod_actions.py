"""Which VOD actions each function sends, read off the source (the RAM policy must list exactly those).

A function reaches VOD only through ``VodClient`` (shared/client.py), whose methods end in
``self.call("Action", ...)`` or ``self.send("Action", ...)``: the transport turns the action name into the
SDK's request class. So the actions of a function are the closure over

* the ``VodClient`` methods its ``index.py`` calls, as ``vod.<method>(...)`` (operation functions get the
  client as ``vod``) or ``run.vod.<method>(...)`` (event functions);
* the ``self.<method>`` references inside those methods (private helpers such as ``_scroll``), down to
  the literal action names of ``self.call``/``self.send``.

The analysis is static because the calls happen at run time, and it is only sound while the code keeps to
those forms, so every other form is refused with its place rather than silently missed: a non-literal
action, the client bound to another name or passed where its calls cannot be followed, ``getattr`` on it,
an unknown method, and VOD calls from shared/ modules other than the client's own.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# VodTransport's two entry points: the first argument is the VOD action.
PRIMITIVES = ("call", "send")
RECEIVER = "vod"
CLIENT_CLASS = "VodClient"


class AnalysisError(Exception):
    """The source uses the VOD client in a way the analysis cannot follow; the message names each place."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Calls:
    """What one module sends: the ``VodClient`` methods it calls and the VOD actions they reach."""

    methods: tuple[str, ...]
    actions: tuple[str, ...]


def client_actions(client: type) -> dict[str, frozenset[str]]:
    """``VodClient`` method -> the VOD actions it may send (through its ``self.<method>`` helpers)."""
    direct: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}
    problems: list[str] = []
    # From the base classes down, so that a subclass's definition replaces the one it overrides.
    for cls in reversed(client.__mro__):
        try:
            lines, first = inspect.getsourcelines(cls)
            file = inspect.getsourcefile(cls) or "?"
        except (OSError, TypeError):
            continue  # a built-in base (object, Generic) sends nothing
        (node,) = ast.parse(textwrap.dedent("".join(lines))).body
        assert isinstance(node, ast.ClassDef)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name not in PRIMITIVES:
                where = _Place(file, first - 1)
                direct[item.name], refs[item.name] = _scan_method(item, where, problems)
    if problems:
        raise AnalysisError(problems)

    def reach(method: str, seen: set[str]) -> set[str]:
        if method in seen or method not in direct:
            return set()
        seen.add(method)
        found = set(direct[method])
        for other in refs[method]:
            found |= reach(other, seen)
        return found

    return {method: frozenset(reach(method, set())) for method in direct}


def module_calls(path: Path, actions: Mapping[str, frozenset[str]], *, name: str = "") -> Calls:
    """The ``VodClient`` methods ``path`` (a function's index.py) calls, and the VOD actions they send.

    ``actions`` is :func:`client_actions`' table; ``name`` is how problems name the file (default: path).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems: list[str] = []
    methods: set[str] = set()
    sent: set[str] = set()
    place = _Place(name or str(path), 0)
    local = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    for use in _client_uses(tree):
        method = use.method
        if method is None:
            if not (use.argument_of and _passes_as_vod(use, local)):
                problems.append(
                    f"{place.at(use.node)}: the VOD client is used other than as {RECEIVER}.<method>(...); "
                    f"call its methods directly (pass `run`, or name the helper's parameter `{RECEIVER}`)"
                )
        elif method in PRIMITIVES:
            action = _literal_action(use.call)
            if action is None:
                problems.append(
                    f"{place.at(use.node)}: {method}() with an action that is not a string literal"
                )
            else:
                sent.add(action)
        elif method not in actions:
            problems.append(f"{place.at(use.node)}: {CLIENT_CLASS} has no method {method!r}")
        else:
            methods.add(method)
            sent |= actions[method]
    problems += _misnamed_clients(tree, place)
    if problems:
        raise AnalysisError(problems)
    return Calls(tuple(sorted(methods)), tuple(sorted(sent)))


def hidden_calls(paths: Iterable[Path]) -> list[str]:
    """Places in ``paths`` (shared/ modules other than the client's own) that call the VOD client.

    Such a call would not be seen from the function that reaches it (through ``run``, say), so VOD calls
    belong in ``functions/`` and in the client's operation modules only.
    """
    problems = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for use in _client_uses(tree):
            if use.method is not None:
                problems.append(f"{_Place(str(path), 0).at(use.node)}: calls VOD outside functions/ and ops/")
    return problems


# --- the scans ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    file: str
    offset: int

    def at(self, node: ast.AST) -> str:
        return f"{self.file}:{self.offset + getattr(node, 'lineno', 0)}"


@dataclass(frozen=True)
class _Use:
    node: ast.expr  # ``vod`` or ``<x>.vod``
    method: str | None  # ``vod.<method>(...)``, else None
    call: ast.Call | None  # that call
    argument_of: ast.Call | None  # ``f(vod)``: the call ``vod`` is an argument of


def _scan_method(node: ast.AST, where: _Place, problems: list[str]) -> tuple[set[str], set[str]]:
    """The literal actions a method sends itself, and the ``self.<name>`` it refers to."""
    sent: set[str] = set()
    refs: set[str] = set()
    parents = _parents(node)
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and _is_name(child.value, "self"):
            if child.attr not in PRIMITIVES:
                refs.add(child.attr)
                continue
            call = parents.get(child)
            if not (isinstance(call, ast.Call) and call.func is child):
                problems.append(f"{where.at(child)}: self.{child.attr} used without calling it")
                continue
            action = _literal_action(call)
            if action is None:
                problems.append(
                    f"{where.at(child)}: self.{child.attr}() with an action that is not a literal"
                )
            else:
                sent.add(action)
        elif isinstance(child, ast.Call):
            passed = [*child.args, *(k.value for k in child.keywords)]
            if any(_is_name(arg, "self") for arg in passed):
                problems.append(f"{where.at(child)}: passes the client on; its VOD calls cannot be followed")
    return sent, refs


def _client_uses(tree: ast.AST) -> Iterator[_Use]:
    parents = _parents(tree)
    for node in ast.walk(tree):
        is_name = isinstance(node, ast.Name) and node.id == RECEIVER and isinstance(node.ctx, ast.Load)
        is_attr = isinstance(node, ast.Attribute) and node.attr == RECEIVER and isinstance(node.ctx, ast.Load)
        if not (is_name or is_attr):
            continue
        assert isinstance(node, ast.expr)
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            call = parents.get(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                yield _Use(node, parent.attr, call, None)
                continue
        argument_of = None
        if is_name and isinstance(parent, ast.Call) and parent.func is not node:
            argument_of = parent
        elif is_name and isinstance(parent, ast.keyword):
            grand = parents.get(parent)
            argument_of = grand if isinstance(grand, ast.Call) else None
        yield _Use(node, None, None, argument_of)


def _passes_as_vod(use: _Use, local: Mapping[str, ast.FunctionDef]) -> bool:
    """``helper(vod)`` where ``helper`` is defined in the module and names that parameter ``vod`` too."""
    call = use.argument_of
    if call is None or not isinstance(call.func, ast.Name) or call.func.id not in local:
        return False
    params = [*local[call.func.id].args.posonlyargs, *local[call.func.id].args.args]
    for index, arg in enumerate(call.args):
        if arg is use.node:
            return index < len(params) and params[index].arg == RECEIVER
    return any(k.value is use.node and k.arg == RECEIVER for k in call.keywords)


def _misnamed_clients(tree: ast.AST, place: _Place) -> list[str]:
    """Parameters annotated as the client but named otherwise: their calls would go unseen."""
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
                if CLIENT_CLASS in annotation and arg.arg != RECEIVER:
                    problems.append(f"{place.at(arg)}: name the {CLIENT_CLASS} parameter `{RECEIVER}`")
    return problems


def _literal_action(call: ast.Call | None) -> str | None:
    if call is None:
        return None
    candidates = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "action")]
    if len(candidates) == 1 and isinstance(candidates[0], ast.Constant):
        value = candidates[0].value
        return value if isinstance(value, str) and value else None
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
