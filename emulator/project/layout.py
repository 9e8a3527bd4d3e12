"""The project's code packages: what each deployed FC function's code folder holds, and where it is built.

A package is what FC unpacks into a function's code directory (first on ``sys.path``): the handler module
at its root, the ``shared`` package beside it, and the pinned runtime dependencies. ``vodfc build`` writes
one folder per package under ``build/fc/<Name>/``; template.yml's ``CodeUri`` and s.yaml's ``code`` point
there. The same :class:`Package` tells the local runtime how to run the package straight from the source
tree (:meth:`Package.source_path`), so source runs and build runs load the same modules by the same names.

* an operation, or an event function on a timer: ``functions/<folder>/*`` at the root, ``shared/``;
* the event router (``VodEvents``): ``shared/`` and, for each event function it runs,
  ``functions/<folder>/*`` under ``functions/`` (with ``functions/__init__.py``), since the router imports
  them as ``functions.<folder>.index``.

The dependencies are the build's concern (:mod:`.build`): in the source tree they come from the running
Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vodfc.emulator.project.model import MODULE, ROUTER_MODULE, Project

# Where ``vodfc build`` writes the packages, relative to the project root; the descriptors point here.
BUILD_DIR = "build/fc"
SHARED = "shared"
FUNCTIONS = "functions"


@dataclass(frozen=True)
class Source:
    """A file or folder of the source tree (``path``, relative to the root) and where it goes in the
    package (``target``: a relative path; ``""`` is the package root)."""

    path: str
    target: str


@dataclass(frozen=True)
class Package:
    name: str  # the FC function's name (FC 3.0), the build folder's name
    sources: tuple[Source, ...]
    module: str = MODULE  # the module FC loads the handler from

    @property
    def build_path(self) -> str:
        """The build folder, relative to the project root, as the descriptors write it."""
        return f"{BUILD_DIR}/{self.name}"

    def source_path(self, root: Path) -> list[Path]:
        """The folders to put on ``sys.path`` to import the package's modules from the source tree: for
        each source, the folder whose contents land at the package root, first the one the handler
        module comes from (its code directory)."""
        entries: list[Path] = []
        for source in self.sources:
            depth = len(Path(source.target).parts)
            folder = (root / source.path).resolve()
            # A source at "" is a folder whose contents are the root; at "a/b" its parent's parent is.
            base = folder if depth == 0 else folder.parents[depth - 1]
            if base not in entries:
                entries.append(base)
        return entries


def packages(project: Project) -> list[Package]:
    """Every code package, in the order the descriptors list their functions."""
    found = [_single(function.name, function.folder) for function in project.operations]
    router = project.router
    if router is not None:
        sources = [Source(SHARED, SHARED), Source(f"{FUNCTIONS}/__init__.py", f"{FUNCTIONS}/__init__.py")]
        sources += [Source(f"{FUNCTIONS}/{folder}", f"{FUNCTIONS}/{folder}") for folder in router.folders]
        found.append(Package(router.name, tuple(sources), ROUTER_MODULE))
    found += [_single(function.name, function.folder) for function in project.timed]
    return found


def package(project: Project, name: str) -> Package:
    for found in packages(project):
        if found.name == name:
            return found
    raise KeyError(f"no code package {name!r}; there are: {', '.join(p.name for p in packages(project))}")


def _single(name: str, folder: str) -> Package:
    return Package(name, (Source(f"{FUNCTIONS}/{folder}", ""), Source(SHARED, SHARED)))
