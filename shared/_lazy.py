"""Package attributes loaded from their submodule on first access (PEP 562), for cold start.

A function imports ``shared.models``, ``shared.fc`` or ``shared.events`` for two or three names; loading every
submodule up front would make each cold start pay for classes and code it never touches.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, home: Mapping[str, tuple[str, ...]], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose names live in ``home`` (submodule -> names).

    A loaded name is stored in ``namespace`` (the package's globals), so the next access is a plain lookup.
    """
    module_of = {name: module for module, names in home.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *module_of])

    return __getattr__, __dir__
