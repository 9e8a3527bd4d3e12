"""Zips with nothing of the machine in them: the same files give the same bytes (build zips, FC's code)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def add_to_zip(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    """``path`` as ``name``, with a fixed time and mode 644 or 755 (whether it is executable)."""
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if os.access(path, os.X_OK) else 0o644
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, path.read_bytes())
