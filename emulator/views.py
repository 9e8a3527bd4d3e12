"""Flask views that take their component as the first argument, bound into a blueprint per emulator.

A component's HTTP surface is written as plain functions decorated at import (``@views.get(rule)``);
``views.blueprint(component, ...)`` makes one blueprint whose views receive that component, so a view
never looks its component up (no ``current_app``) and two emulators in one process never share one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, Generic, TypeVar

from flask import Blueprint

C = TypeVar("C")
View = Callable[Concatenate[C, ...], Any]


class ComponentViews(Generic[C]):
    """The views of one component type, in the order they were declared."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, View[C], dict[str, Any]]] = []

    def route(self, rule: str, **options: Any) -> Callable[[View[C]], View[C]]:
        def declare(view: View[C]) -> View[C]:
            self._rules.append((rule, view, options))
            return view

        return declare

    def get(self, rule: str, **options: Any) -> Callable[[View[C]], View[C]]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View[C]], View[C]]:
        return self.route(rule, methods=["POST"], **options)

    def delete(self, rule: str, **options: Any) -> Callable[[View[C]], View[C]]:
        return self.route(rule, methods=["DELETE"], **options)

    def blueprint(self, component: C, name: str, import_name: str, **options: Any) -> Blueprint:
        """A blueprint serving these views for ``component``."""
        bp = Blueprint(name, import_name, **options)
        bound: dict[View[C], Callable[..., Any]] = {}
        for rule, view, rule_options in self._rules:
            if view not in bound:
                bound[view] = functools.update_wrapper(functools.partial(view, component), view)
            bp.add_url_rule(rule, view.__name__, bound[view], **rule_options)
        return bp
