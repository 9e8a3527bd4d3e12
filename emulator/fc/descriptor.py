"""The project's deployment descriptors, whichever format: template.yml (FC 2.0) or s.yaml (FC 3.0).

``load`` and ``validate_file`` look at the document and hand it to :mod:`.template` or :mod:`.syaml`; both
give the same :class:`~vodfc.emulator.fc.model.Template` and the same kind of issues. ``default_path``
is the descriptor the emulator runs when none is named (the current folder's); ``find`` a folder's;
``project_descriptors`` every one a folder has.
"""

from __future__ import annotations

import os
from pathlib import Path

from vodfc.emulator.fc import syaml, template
from vodfc.emulator.fc.checking import read_document
from vodfc.emulator.fc.model import Issue, Template, TemplateError

NAMES = ("template.yml", "s.yaml")


class DescriptorNotFound(TemplateError):
    """No descriptor was named and the folder has none."""

    def __init__(self, folder: Path):
        self.folder = folder
        super().__init__([Issue("", f"no {' or '.join(NAMES)} in {folder}")])


def find(folder: Path | None = None) -> Path | None:
    """The descriptor of the project in ``folder`` (default: the current one): template.yml, else s.yaml."""
    found = project_descriptors(folder)
    return found[0] if found else None


def default_path() -> Path:
    """``VODFC_TEMPLATE``, else the current folder's template.yml, else its s.yaml; raises
    ``DescriptorNotFound`` when there is none. Never a file of vodfc's own: installed, vodfc is no project."""
    configured = os.environ.get("VODFC_TEMPLATE")
    if configured:
        return Path(configured)
    found = find()
    if found is None:
        raise DescriptorNotFound(Path.cwd())
    return found


def project_descriptors(folder: Path | None = None) -> list[Path]:
    """Every descriptor in ``folder`` (default: the current folder), in the order of ``NAMES``."""
    folder = Path.cwd() if folder is None else folder
    return [folder / name for name in NAMES if (folder / name).is_file()]


def load(path: str | Path, *, check_imports: bool = False, code: str = "source") -> Template:
    """The functions of the descriptor at ``path``; raises ``TemplateError`` listing every error."""
    path = Path(path)
    if syaml.is_syaml(read_document(path)):
        return syaml.load_syaml(path, check_imports=check_imports, code=code)
    return template.load_template(path, check_imports=check_imports, code=code)


def validate_file(path: str | Path, *, check_imports: bool = True, code: str = "source") -> list[Issue]:
    """Every problem in the descriptor at ``path`` (errors, warnings, notes)."""
    try:
        document = read_document(path)
    except TemplateError as exc:
        return exc.issues
    if syaml.is_syaml(document):
        return syaml.validate_file(path, check_imports=check_imports, code=code)
    return template.validate_file(path, check_imports=check_imports, code=code)
