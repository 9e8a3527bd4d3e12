"""Where a function's code is: a descriptor's ``CodeUri`` (template.yml) or ``code`` (s.yaml), resolved.

The project's descriptors point at build folders (``build/fc/<Name>/``, what ``vodfc build`` writes and what
is deployed). The local runtime runs them in one of two modes, :data:`CODE_MODES`:

* ``source`` (the default): a build folder of this project stands for its sources, read where they are
  (``functions/<folder>/``, ``shared/``; ``vodfc.emulator.project.layout`` says which), with the
  dependencies of the running Python. No build is needed and an edit shows at the next cold start.
* ``build``: the build folder as FC unpacks it: its code directory is the folder, nothing comes from the
  host's site-packages, so a file missing from the build fails here as it would in the cloud
  (``vodfc up --from-build``; how a build made for FC's Python runs on this one: ``vodfc.emulator.fc.abi``).

Any other folder (a template of one's own) runs as it is in both modes, with the nearest ``shared/`` above it
on the path, as before.
"""

from __future__ import annotations

from pathlib import Path

from vodfc.emulator.fc.model import Code
from vodfc.emulator.project.layout import BUILD_DIR, package

CODE_MODES = ("source", "build")


class CodeError(Exception):
    """The code reference cannot be run; the message says why."""


class CodeResolver:
    """Resolves code references against a descriptor's folder, in one of :data:`CODE_MODES`."""

    def __init__(self, base_dir: Path, mode: str = "source"):
        if mode not in CODE_MODES:
            raise ValueError(f"code mode must be one of {', '.join(CODE_MODES)}, not {mode!r}")
        self.base_dir = base_dir
        self.mode = mode

    def resolve(self, reference: str) -> Code:
        """The code at ``reference``; raises ``CodeError`` saying what is missing."""
        if reference.startswith("oss://"):
            raise CodeError("oss:// code cannot be run locally; point it at a directory")
        target = (self.base_dir / reference).resolve()
        package = self._package_name(target)
        if package is not None and self.mode == "source":
            return self._source(package)
        if not target.exists():
            hint = " (run `vodfc build`)" if package is not None else ""
            raise CodeError(f"{reference!r} does not exist{hint} (looked for {target})")
        if not target.is_dir():
            raise CodeError(
                f"{reference!r} is not a directory; the local runtime loads code from a directory"
            )
        if self.mode == "build":
            return Code(target, (target,), built=True)
        return Code.folder(target)

    def locate(self, reference: str) -> Code:
        """The code at ``reference``, or the folder it names as it is when that cannot be resolved (for
        a descriptor read without checking its code)."""
        try:
            return self.resolve(reference)
        except CodeError:
            return Code.folder((self.base_dir / reference).resolve())

    def _package_name(self, target: Path) -> str | None:
        """The package a path names when it is one of this project's build folders, else None."""
        root = self.base_dir.resolve()
        if target.parent != (root / BUILD_DIR).resolve():
            return None
        if not ((root / "functions").is_dir() and (root / "shared" / "__init__.py").is_file()):
            return None
        return target.name

    def _source(self, name: str) -> Code:
        # Reading the declarations imports the functions: only for source runs.
        from vodfc.emulator.project.discover import DeclarationError, discover

        try:
            found = package(discover(self.base_dir), name)
        except DeclarationError as exc:
            raise CodeError(
                f"{BUILD_DIR}/{name} stands for the source tree, whose declarations are inconsistent: "
                + "; ".join(exc.problems)
            ) from None
        except KeyError as exc:
            raise CodeError(f"{BUILD_DIR}/{name} is no code package of this project: {exc.args[0]}") from None
        path = tuple(found.source_path(self.base_dir))
        return Code(path[0], path, sources=tuple((self.base_dir / s.path).resolve() for s in found.sources))
