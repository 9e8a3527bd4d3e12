"""vodfc's per-user cache: downloaded wheels, ABI overlays.

``VODFC_CACHE_DIR``, else ``$XDG_CACHE_HOME/vodfc`` (``~/.cache/vodfc``). Everything in it can be deleted;
it is made again when needed.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    configured = os.environ.get("VODFC_CACHE_DIR", "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "vodfc"
