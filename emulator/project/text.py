"""YAML and comment text for the generated descriptors (template.yml, s.yaml), written line by line."""

from __future__ import annotations

import re
import textwrap
from typing import Any

WIDTH = 110
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
# Words YAML 1.1 reads as booleans or null when unquoted.
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def scalar(value: Any) -> str:
    """A YAML scalar for ``value``: booleans and integers as such; a string plain when YAML reads it back
    as that same string, else single-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return "'" + text.replace("'", "''") + "'"


def comment(text: str, indent: int) -> list[str]:
    """``text`` as ``# `` comment lines at ``indent``, wrapped at the project's line length."""
    prefix = " " * indent + "# "
    return textwrap.wrap(text, WIDTH, initial_indent=prefix, subsequent_indent=prefix, break_long_words=False)
