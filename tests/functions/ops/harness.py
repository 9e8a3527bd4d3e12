"""Loading operation functions the way FC does, and calling their two faces.

The functions come from their declarations (``vodfc.emulator.project``): the FC runtime imports ``index.py``
from the function's code directory, so each is loaded under its own module name and cached for the session,
like a warm instance.
"""

from __future__ import annotations

import inspect
import json
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import yaml
from vodfc.emulator.project import discover

from tests.repo import REPO
from tests.shared.fc.support import WsgiAnswer, call_wsgi

TEMPLATE = REPO / "template.yml"
PROJECT = discover.discover(REPO)

# FC function name (event face) -> code folder; the HTTP face is "<name>Http".
OPERATIONS = {function.name: function.folder for function in PROJECT.operations}


def load_function(folder: str) -> ModuleType:
    return discover.load_function(REPO, folder)


def template_functions() -> dict[str, dict[str, Any]]:
    """Function name -> its template block (Properties plus Events)."""
    service = yaml.safe_load(TEMPLATE.read_text())["Resources"]["vodfc"]
    return {
        name: block
        for name, block in service.items()
        if name not in ("Type", "Properties") and block.get("Type") == "Aliyun::Serverless::Function"
    }


def call_http(
    module: ModuleType,
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    context: Any = None,
) -> WsgiAnswer:
    """Call ``http_handler`` with an FC 2.0-shaped environ (PATH_INFO relative to the function)."""
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
    return call_wsgi(
        module.http_handler,
        method,
        path,
        query=urlencode(query or {}),
        body=raw,
        headers=headers,
        context=context,
    )


def call_event(module: ModuleType, event: Any, context: Any) -> dict[str, Any]:
    payload = event if isinstance(event, bytes) else json.dumps(event).encode()
    result = module.handler(payload, context)
    assert isinstance(result, str)
    return json.loads(result)


class SpyVod:
    """An in-memory VodClient stand-in: records calls, answers from a table, refuses non-VodClient calls.

    Every call is bound against the real ``VodClient`` method's signature, so a function that passes a
    keyword VodClient does not take fails here as it would in production.
    """

    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        from shared.client import VodClient

        real = getattr(VodClient, name, None)
        if real is None or name.startswith("_"):
            raise AttributeError(f"VodClient has no operation {name!r}")

        def call(*args: Any, **kwargs: Any) -> Any:
            inspect.signature(real).bind(None, *args, **kwargs)
            self.calls.append((name, args, kwargs))
            answer = self.answers.get(name)
            if isinstance(answer, BaseException):
                raise answer
            return answer

        return call


OPENAPI = REPO / "functions" / "openapi.json"


def http_apps() -> list[tuple[str, Any]]:
    """(HTTP function name, OperationApp) for every function the template serves through ``http_handler``."""
    apps = []
    for name, block in template_functions().items():
        props = block["Properties"]
        if props["Handler"] == "index.http_handler":
            apps.append((name, load_function(PROJECT.function(name.removesuffix("Http")).folder).app))
    return apps
