"""Importing a function's code the way FC's Python runtime does, under a name of its own.

Every vodfc function has an ``index`` module, and several functions may share one code directory; a
real FC instance has its own interpreter, so here each (function, module) gets a unique module name
and therefore its own globals (its own warm state). The code directory goes first on ``sys.path`` while
the module is imported, as it does on FC, so sibling imports inside the code directory work.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

_import_lock = threading.RLock()


class ImportModuleError(Exception):
    """The handler cannot be loaded; ``error_type`` is the name FC's runtime reports."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


def module_file(code_dir: Path, module_name: str) -> Path | None:
    """The file FC loads for a handler's module part (``a.b.main`` → a/b/main.py; ``/`` also works)."""
    relative = module_name.replace(".", "/")
    for candidate in (code_dir / f"{relative}.py", code_dir / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def find_module(path: Sequence[Path], module_name: str) -> Path | None:
    """The file of ``module_name`` in the first of the ``sys.path`` entries ``path`` that has it."""
    for entry in path:
        found = module_file(entry, module_name)
        if found is not None:
            return found
    return None


def load_module(
    code_dir: Path, module_name: str, unique_name: str, *, path: Sequence[Path] = ()
) -> ModuleType:
    """Import ``module_name`` from ``code_dir`` (and the other ``path`` entries) under ``unique_name``.

    A module inside a package (``shared.events.router``) is imported by its own name instead, since its
    relative imports need its package: such modules are shared by everything this process loads.
    """
    entries = [code_dir, *(entry for entry in path if entry != code_dir)]
    file = find_module(entries, module_name)
    if file is None:
        raise ImportModuleError("ImportModuleError", f"Unable to import module '{module_name}'")
    dotted = module_name.replace("/", ".")
    with _import_lock, _on_path(entries):
        if "." in dotted:
            try:
                return importlib.import_module(dotted)
            except Exception as exc:
                raise _failure(module_name, file, exc) from exc
        spec = importlib.util.spec_from_file_location(unique_name, file)
        if spec is None or spec.loader is None:
            raise ImportModuleError("ImportModuleError", f"Unable to import module '{module_name}'")
        module = importlib.util.module_from_spec(spec)
        _make_shared_importable(code_dir)
        sys.modules[unique_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(unique_name, None)
            raise _failure(module_name, file, exc) from exc
    return module


@contextlib.contextmanager
def _on_path(entries: Sequence[Path]) -> Iterator[None]:
    """``entries`` first on ``sys.path`` (those not there already) while the block runs."""
    added = [str(entry) for entry in entries if str(entry) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for entry in added:
            if entry in sys.path:
                sys.path.remove(entry)


def _failure(module_name: str, file: Path, exc: Exception) -> ImportModuleError:
    """The error FC's runtime reports when loading the handler's module raised ``exc``."""
    if isinstance(exc, SyntaxError):
        return ImportModuleError(
            "UserCodeSyntaxError", f"{Path(exc.filename or file).name} line {exc.lineno}: {exc.msg}"
        )
    if isinstance(exc, ImportError):
        return ImportModuleError("ImportModuleError", f"Unable to import module '{module_name}': {exc}")
    return ImportModuleError("UserCodeError", f"Module initialization error: {type(exc).__name__}: {exc}")


def _make_shared_importable(code_dir: Path) -> None:
    """Put the project's ``shared/`` on ``sys.path`` for a function loaded from its source folder.

    A function's CodeUri in the source tree (``functions/<fn>/``) holds only its own code; its zip holds
    ``shared/`` beside it. The project root (the nearest folder above the code that has ``shared/``) goes
    last on the path, so code that ships its own ``shared`` still finds that one first.
    """
    for folder in code_dir.parents:
        if (folder / "shared" / "__init__.py").is_file():
            if str(folder) not in sys.path:
                sys.path.append(str(folder))
            return


def resolve(module: ModuleType, module_name: str, func: str) -> object:
    target = getattr(module, func, None)
    if target is None or not callable(target):
        raise ImportModuleError("HandlerNotFound", f"Handler '{func}' is missing on module '{module_name}'")
    return target
