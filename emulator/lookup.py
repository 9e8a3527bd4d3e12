"""Finding an app's emulator, or one of its components, from the Flask app: for tests and tools.

``vodfc.emulator.build`` keeps the one ``Emulator`` it built in ``app.extensions[EXTENSION_KEY]``.
Components never look each other up here: each receives what it needs when it is built. This module
imports nothing of the emulator's, so every package's ``get_X(app)`` accessor can use it without an
import circle.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask

EXTENSION_KEY = "vodfc"

T = TypeVar("T")


class ComponentNotSelected(LookupError):
    """The app was built without the component asked for (see ``EmulatorConfig.components``)."""


def component_of(app: Flask, name: str, kind: type[T]) -> T:
    """The ``name`` component of the emulator behind ``app`` (a Flask app), checked to be a ``kind``."""
    found = getattr(app.extensions[EXTENSION_KEY], name)
    if found is None:
        raise ComponentNotSelected(f"this emulator was built without the {name!r} component")
    if not isinstance(found, kind):
        raise TypeError(f"the {name!r} component is a {type(found).__name__}, not a {kind.__name__}")
    return found
