"""Every generated file of the project, and ``vodfc generate [--check]``'s two jobs: write them, or list
the stale ones.

A file is generated when what it says follows from the functions' declarations: template.yml, s.yaml and
the RAM policies of ram/, the OpenAPI document, and the doc sections that list the functions
(:mod:`.docs`). Nothing else in the project is generated, and nothing reads these files to build another.
A generated folder (ram/) holds only generated files: any other ``*.json`` there is stale and removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vodfc.emulator.fc.syaml import RAM_DIR
from vodfc.emulator.project import docs, fc2, fc3, openapi
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.model import Project

# path (relative to the project root) -> renderer of the whole file
FILES: dict[str, Callable[[Project], str]] = {
    "template.yml": fc2.render,
    "s.yaml": fc3.render,
    "functions/openapi.json": openapi.render,
}
# folder (relative to the project root) -> renderer of every ``*.json`` file in it (path -> text)
FOLDERS: dict[str, Callable[[Project], dict[str, str]]] = {RAM_DIR: fc3.ram_files}


@dataclass(frozen=True)
class Artefact:
    path: str  # relative to the project root
    text: str | None  # None: a file of a generated folder that should not exist

    def current(self, root: Path) -> bool:
        target = root / self.path
        if self.text is None:
            return not target.exists()
        return target.is_file() and target.read_text(encoding="utf-8") == self.text


def artefacts(root: Path | str) -> list[Artefact]:
    """What every generated file should hold, from the declarations under ``root``."""
    root = Path(root)
    project = discover(root)
    found = [Artefact(path, render(project)) for path, render in FILES.items()]
    for folder, render_folder in FOLDERS.items():
        files = render_folder(project)
        found += [Artefact(path, text) for path, text in files.items()]
        extra = sorted((root / folder).glob("*.json")) if (root / folder).is_dir() else []
        found += [
            Artefact(p.relative_to(root).as_posix(), None)
            for p in extra
            if p.relative_to(root).as_posix() not in files
        ]
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
            target = root / artefact.path
            if artefact.text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(artefact.text, encoding="utf-8")
            changed.append(artefact.path)
    return changed
