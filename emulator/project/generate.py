"""Every generated file of the project, and ``vodfc generate [--check]``'s two jobs: write them, or list
the stale ones.

A file is generated when what it says follows from the functions' declarations: template.yml, the OpenAPI
document, and the doc sections that list the functions (:mod:`.docs`). Nothing else in the project is
generated, and nothing reads these files to build another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vodfc.emulator.project import docs, fc2, openapi
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.model import Project

# path (relative to the project root) -> renderer of the whole file
FILES: dict[str, Callable[[Project], str]] = {
    "template.yml": fc2.render,
    "functions/openapi.json": openapi.render,
}


@dataclass(frozen=True)
class Artefact:
    path: str  # relative to the project root
    text: str

    def current(self, root: Path) -> bool:
        target = root / self.path
        return target.is_file() and target.read_text(encoding="utf-8") == self.text


def artefacts(root: Path | str) -> list[Artefact]:
    """What every generated file should hold, from the declarations under ``root``."""
    root = Path(root)
    project = discover(root)
    found = [Artefact(path, render(project)) for path, render in FILES.items()]
    for path, sections in docs.SECTIONS.items():
        text = (root / path).read_text(encoding="utf-8")
        found.append(Artefact(path, docs.render(text, sections, project, where=path)))
    return found


def stale(root: Path | str) -> list[str]:
    """The generated files whose content differs from what the declarations say."""
    return [a.path for a in artefacts(root) if not a.current(Path(root))]


def write(root: Path | str) -> list[str]:
    """Write every generated file that changed; returns their paths."""
    root = Path(root)
    changed = []
    for artefact in artefacts(root):
        if not artefact.current(root):
            (root / artefact.path).write_text(artefact.text, encoding="utf-8")
            changed.append(artefact.path)
    return changed
