"""JSON decoding with a nesting limit: ``loads`` is ``json.loads`` that refuses deep documents.

``json.loads`` recurses once per level of ``[`` / ``{``: a body of a hundred thousand ``[`` ends in a
``RecursionError``, which no ``except ValueError`` catches, and a document just under the interpreter's
limit breaks whatever walks it next. Everything that decodes JSON from outside (a function's event or
HTTP body, a VOD parameter such as ``UpdateContent`` or ``UserData``) goes through ``loads``. Too deep
is a ``JsonTooDeep``, a ``json.JSONDecodeError``: the callers' existing "not valid JSON" handling
answers it (400 ``InvalidJSON`` / ``InvalidParameter``), with a message that says why.
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any VOD parameter or event (UserData is three levels); a document needing more is refused.
MAX_DEPTH = 64


class JsonTooDeep(json.JSONDecodeError):
    def __init__(self, text: str | bytes | bytearray, max_depth: int):
        doc = text if isinstance(text, str) else bytes(text).decode("utf-8", "replace")
        super().__init__(f"nested deeper than {max_depth} levels", doc[:64], 0)


def loads(text: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``, refusing documents nested deeper than ``max_depth`` (``JsonTooDeep``)."""
    if isinstance(text, str):
        openers = text.count("[") + text.count("{")
    else:
        openers = text.count(b"[") + text.count(b"{")
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep(text, max_depth) from None
    # Fewer brackets than levels allowed (strings' brackets counted too): no need to measure.
    if openers > max_depth and depth(value) > max_depth:
        raise JsonTooDeep(text, max_depth)
    return value


def depth(value: Any) -> int:
    """Nesting depth of a decoded document (a scalar is 0, ``[]`` is 1), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
