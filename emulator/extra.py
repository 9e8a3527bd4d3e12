"""The emulator extra: what ``pip install "vodfc[emulator]"`` adds to vodfc's runtime, by import name.

vodfc alone is ``vodfc.shared`` and its SDKs; the emulator, the ``vodfc`` command and the pytest fixtures
need the extra too. Without it they stop with one line saying what to install, instead of a traceback
ending in ``No module named 'flask'``. ``tests/packaging/test_dependencies.py`` checks this list against
the emulator's imports and pyproject.toml.
"""

from __future__ import annotations

import importlib.util

# Top-level modules of the extra's distributions that the emulator imports (Flask brings werkzeug).
MODULES = frozenset(
    {"flask", "werkzeug", "waitress", "yaml", "requests", "responses", "crcmod", "av", "fc2", "oss2"}
)
INSTALL = 'pip install "vodfc[emulator]"'


class MissingExtra(ImportError):
    """The emulator extra is not installed (or not all of it)."""


def missing_module(error: ImportError) -> str | None:
    """The extra's module an ImportError is about, or None when it is about something else."""
    name = (getattr(error, "name", None) or "").split(".")[0]
    return name if name in MODULES else None


def message(module: str) -> str:
    return f"the vodfc emulator needs its extra ({INSTALL}): no module named {module!r}"


def require() -> None:
    """Raise ``MissingExtra`` naming the first of the extra's modules that cannot be imported."""
    for module in sorted(MODULES):
        if importlib.util.find_spec(module) is None:
            raise MissingExtra(message(module), name=module)
