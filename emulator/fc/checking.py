"""What both descriptor checkers share (template.yml: :mod:`.template`, s.yaml: :mod:`.syaml`).

A checker collects every problem as an :class:`~vodfc.emulator.fc.model.Issue` named by its place in the
document, so one run lists them all; the rules here are FC's own, whichever tool's format declares them:
environment variables, handler strings, cron expressions, where the code is and whether the handler is in it.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from vodfc.emulator.fc.code import CodeError, CodeResolver
from vodfc.emulator.fc.cron import cron_problem
from vodfc.emulator.fc.loader import ImportModuleError, find_module, load_module
from vodfc.emulator.fc.model import Code, Issue, TemplateError

RESERVED_ENV = {"accessKeyID", "accessKeySecret", "securityToken", "topic"}
ENV_LIMIT_BYTES = 4096
HANDLER = re.compile(r"[A-Za-z0-9_/-]+(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z_][A-Za-z0-9_]*")
_ENV_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class Checker:
    """Collects issues; ``resolver`` (None: no folder to look in) finds each function's code."""

    def __init__(self, resolver: CodeResolver | None, check_imports: bool):
        self.resolver = resolver
        self.check_imports = check_imports
        self.issues: list[Issue] = []

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def warning(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message, "warning"))

    def mapping(self, value: Any, path: str, what: str = "a mapping") -> bool:
        if not isinstance(value, Mapping):
            self.error(path, f"must be {what}, got {describe(value)}")
            return False
        return True

    def unknown_keys(
        self, value: Mapping[str, Any], allowed: set[str], path: str, *, level: str = "error"
    ) -> None:
        for key in value:
            if key not in allowed:
                hint = closest(str(key), allowed)
                self.issues.append(
                    Issue(
                        f"{path}.{key}" if path else str(key),
                        f"unknown property{f' (did you mean {hint}?)' if hint else ''}; "
                        f"allowed: {', '.join(sorted(allowed))}",
                        level,
                    )
                )

    def integer(self, props: Mapping[str, Any], key: str, path: str, low: int, high: int) -> None:
        if key not in props:
            return
        value = props[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", f"must be an integer, got {describe(value)}")
        elif not low <= value <= high:
            self.error(f"{path}.{key}", f"must be between {low} and {high}, got {value}")

    def concurrency(self, props: Mapping[str, Any], key: str, path: str, high: int, python: bool) -> None:
        """Instance concurrency (1 to ``high``); above 1 on a Python runtime, a note that FC does not
        honour it there (it is for custom runtimes; FC 3.0's built-in runtimes dropped it)."""
        self.integer(props, key, path, 1, high)
        value = props.get(key)
        if python and isinstance(value, int) and not isinstance(value, bool) and value > 1:
            self.issues.append(
                Issue(
                    f"{path}.{key}",
                    "FC serves a Python function's instance one request at a time (instance concurrency "
                    "is for custom runtimes): vodfc runs these requests on threads of one instance, "
                    "FC will not",
                    "note",
                )
            )

    def string(self, props: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
        if key not in props or props[key] is None:
            if required:
                self.error(f"{path}.{key}", "is required")
            return None
        value = props[key]
        if not isinstance(value, str) or not value:
            self.error(f"{path}.{key}", f"must be a non-empty string, got {describe(value)}")
            return None
        return value

    def choice(self, props: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...]) -> None:
        """``props[key]``, when given, is one of ``choices``."""
        if key in props and props[key] not in choices:
            self.error(f"{path}.{key}", f"must be {' or '.join(choices)}, got {props[key]!r}")

    def boolean(self, props: Mapping[str, Any], key: str, path: str, required: bool = False) -> None:
        if key not in props:
            if required:
                self.error(f"{path}.{key}", "is required (true or false)")
        elif not isinstance(props[key], bool):
            self.error(f"{path}.{key}", f"must be true or false, got {describe(props[key])}")

    def handler(self, props: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
        spec = self.string(props, key, path, required=required)
        if spec is not None and not HANDLER.fullmatch(spec):
            self.error(f"{path}.{key}", f"must be <module>.<function> (e.g. index.handler), got {spec!r}")
            return None
        return spec

    def environment(self, env: Any, path: str) -> None:
        if env is None or not self.mapping(env, path):
            return
        total = 0
        for key, value in env.items():
            key = str(key)
            if not _ENV_NAME.fullmatch(key):
                self.error(f"{path}.{key}", "names start with a letter and hold letters, digits and _")
            elif key.startswith("FC_") or key in RESERVED_ENV:
                self.error(
                    f"{path}.{key}" if path else str(key),
                    "is reserved by FC (FC_*, accessKeyID, accessKeySecret, securityToken, topic)",
                )
            if isinstance(value, (Mapping, list)) or value is None:
                self.error(f"{path}.{key}", f"must be a string, got {describe(value)}")
                continue
            total += len(key) + len(env_value(value))
        if total > ENV_LIMIT_BYTES:
            self.error(path, f"the variables take {total} bytes; FC allows {ENV_LIMIT_BYTES}")

    def cron(self, value: Any, path: str) -> None:
        problem = cron_problem(value)
        if problem:
            self.error(path, problem)

    def code(self, reference: str, path: str) -> Code | None:
        """The code a function's ``CodeUri``/``code`` names, or None (the problem recorded)."""
        if self.resolver is None:
            return None
        try:
            return self.resolver.resolve(reference)
        except CodeError as exc:
            self.error(path, str(exc))
            return None

    def entry_point(self, code: Code, spec: str, path: str) -> None:
        """The handler's module is in the code and defines the function (imported with ``check_imports``)."""
        module_name, _, func = spec.rpartition(".")
        file = find_module(code.path, module_name)
        if file is None:
            self.error(
                path,
                f"module {module_name!r} not found in {code.dir} (no {module_name.replace('.', '/')}.py)",
            )
            return
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        except SyntaxError as exc:
            self.error(path, f"{file.name} line {exc.lineno}: {exc.msg}")
            return
        if not _defines(tree, func):
            self.error(path, f"{file.name} defines no {func!r}")
            return
        # A build holds modules compiled for FC's Python: its instances import them, not this process.
        if self.check_imports and not code.built:
            problem = try_import(code, module_name, func)
            if problem:
                self.error(path, problem)


# --- reading ------------------------------------------------------------------------------------------


def read_document(path: str | Path) -> Any:
    """The parsed YAML; a syntax error becomes one ``TemplateError`` naming the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError([Issue("", f"cannot read {path}: {exc.strerror or exc}")]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateError([Issue("", f"{path} is not valid YAML{where}: {problem}")]) from None


# --- helpers ------------------------------------------------------------------------------------------


def try_import(code: Code, module_name: str, func: str) -> str | None:
    """Import the module the way the runtime does (fresh name, code first on sys.path)."""
    try:
        module = load_module(
            code.dir,
            module_name,
            f"vodfc_validate_{abs(hash((str(code.dir), module_name)))}",
            path=code.path,
        )
    except ImportModuleError as exc:
        return f"{exc.error_type}: {exc}"
    if not callable(getattr(module, func, None)):
        return f"Handler '{func}' is missing on module '{module_name}'"
    if module.__name__.startswith("vodfc_validate_"):
        sys.modules.pop(module.__name__, None)
    return None


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return True
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (alias.asname or alias.name.split(".")[0]) == name for alias in node.names
        ):
            return True
    # Dynamic definitions (exec, globals()) cannot be seen without importing; do not claim they are missing.
    return any(isinstance(node, (ast.If, ast.Try)) for node in tree.body)


def env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def closest(name: str, options: set[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.75)
    return found[0] if found else None
