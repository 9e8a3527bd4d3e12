"""The doc tables that list the functions, rendered from the project model between marker comments.

A generated section is written between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``; the prose
around it stays hand-written. :data:`SECTIONS` says which file holds which section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from vodfc.emulator.project.model import Project


class MarkerError(ValueError):
    """A doc lacks the markers of a section it must hold."""


def operations_table(project: Project) -> str:
    rows = [
        "| operation | folder | event (VOD's parameter names) | HTTP route |",
        "|---|---|---|---|",
    ]
    for function in project.operations:
        params = _parameters(function.app.schema)
        routes = "; ".join(_route(binding) for binding in function.app.bindings) or "none"
        rows.append(f"| {function.name} | `{function.folder}` | {params} | {routes} |")
    return "\n".join(rows)


def event_functions_table(project: Project) -> str:
    rows = [
        "| function | folder | reacts to | VOD actions it sends |",
        "|---|---|---|---|",
    ]
    for function in project.event_functions:
        reacts = list(function.events)
        if function.timer is not None:
            reacts.append(f"a timer (`{function.timer.cron}`, UTC)")
        actions = ", ".join(function.vod_actions) or "none"
        rows.append(
            f"| {function.folder} | `functions/{function.folder}` | {', '.join(reacts)} | {actions} |"
        )
    return "\n".join(rows)


# doc file (relative to the project root) -> section name -> renderer
SECTIONS: dict[str, dict[str, Callable[[Project], str]]] = {
    "docs/operation-functions.md": {"operations": operations_table},
    "docs/event-functions.md": {"event-functions": event_functions_table},
}


def render(text: str, sections: dict[str, Callable[[Project], str]], project: Project, *, where: str) -> str:
    """``text`` with each named section replaced by its renderer's output."""
    for name, renderer in sections.items():
        start, end = f"<!-- generated: {name} -->", f"<!-- end: {name} -->"
        pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.DOTALL)
        found = pattern.search(text)
        if found is None:
            raise MarkerError(f"{where} has no {start} ... {end} section")
        text = f"{text[: found.start()]}{start}\n{renderer(project)}\n{end}{text[found.end() :]}"
    return text


# --- pieces ---------------------------------------------------------------------------------------------


def _parameters(schema: Any) -> str:
    grouped = {name: group for group in schema.one_of for name in group}
    exclusive = {frozenset(group) for group in schema.exclusive}
    parts: list[str] = []
    for name, field in schema.fields.items():
        group = grouped.get(name)
        if group is None:
            parts.append(_field(field))
        elif name == group[0]:
            parts.append(_group([schema.fields[n] for n in group], frozenset(group) in exclusive))
    return ", ".join(parts) or "none"


def _group(fields: Iterable[Any], exclusive: bool) -> str:
    names = [_field(f) for f in fields]
    if exclusive:
        return " or ".join(names) if len(names) == 2 else f"one of {', '.join(names)}"
    return " and/or ".join(names) if len(names) == 2 else f"at least one of {', '.join(names)}"


def _field(field: Any) -> str:
    notes = []
    if field.required:
        notes.append("required")
    if field.max_items is not None:
        notes.append(f"at most {field.max_items}")
    text = f"`{field.name}`" + (f" ({', '.join(notes)})" if notes else "")
    if field.kind == "objects":
        # An array of entries: the description is the only place that says what an entry holds.
        text += f": {field.description.rstrip('.')}" if field.description else ": an array of objects"
    return text.replace("|", "\\|")


def _route(binding: Any) -> str:
    query = "&".join(f"{name}=" for name in binding.query)
    text = f"`{binding.method} {binding.template}{'?' + query if query else ''}`"
    if binding.also:
        text += " (or " + ", ".join(f"`{method}`" for method in binding.also) + ")"
    if binding.body:
        text += ", JSON body: the " + ("other parameters" if binding.path else "parameters")
    return text
