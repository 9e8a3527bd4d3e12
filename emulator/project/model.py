"""The project's functions as data: everything a deployment file says about them, in one model.

``vodfc.emulator.project.discover`` builds a :class:`Project` from the functions' own declarations (each
``functions/<folder>/index.py``'s ``app`` and its ``Deploy`` knobs) and from their source (the VOD actions).
The renderers turn it into files: template.yml (FC 2.0, :mod:`.fc2`), the OpenAPI document, the doc tables.
The model is deliberately not shaped like FC 2.0: a :class:`Function` is one code folder with all its
triggers, which is also what an FC 3.0 ``s.yaml`` resource is (one function, a role of its own listing
``vod_actions``, its triggers); FC 2.0's split into an event face and an HTTP face is the renderer's business.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vodfc.emulator.events.wire import VOD_EVENTS_TOPIC

Kind = Literal["operation", "event"]

# Project-wide settings: the same for every function, so they are not declared per function.
SERVICE = "vodfc"
SERVICE_DESCRIPTION = "vodfc: ApsaraVideo VOD media-asset automation"
RUNTIME = "python3.10"  # FC's Python; shared/ is kept compatible with it
REGION = "cn-shanghai"
LOG_LEVEL = "INFO"
# The MNS topic VOD's event notifications reach the event functions through (FC 2.0 MNSTopic trigger).
EVENTS_TOPIC = VOD_EVENTS_TOPIC
# Every function's entry points, as FC's Python runtime names them (``<module>.<attribute>``).
MODULE = "index"


@dataclass(frozen=True)
class HttpTrigger:
    """An HTTP entry point: served by the module attribute ``export``.

    ``methods``: every method the code answers (HEAD wherever GET is answered; PATCH where a route takes it;
    an FC 2.0 renderer keeps the ones FC 2.0 triggers accept). ``auth``: ``function`` (FC checks the caller's
    signature) or ``anonymous``. ``env``: the variables this entry point needs besides the function's own.
    """

    export: str
    methods: tuple[str, ...]
    auth: str
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def handler(self) -> str:
        return f"{MODULE}.{self.export}"


@dataclass(frozen=True)
class TimerTrigger:
    name: str
    cron: str  # six fields, seconds first, UTC
    payload: str = ""
    enable: bool = True


@dataclass(frozen=True)
class Function:
    """One function: its code folder, its knobs, its triggers and the VOD actions its code sends.

    Every function is reached through ``index.handler`` (invocations, MNS, timers, FC 3.0 HTTP); ``http``
    is an operation's REST API, ``callback`` an event function's VOD HTTP callback. ``events`` are the VOD
    event types it handles (delivered through the MNS topic); ``timer`` its timer, if it handles ``"timer"``.
    ``env`` holds the variables every entry point gets (log level, deployed settings, ``Deploy.env``).
    """

    folder: str
    name: str  # the FC function name, CamelCase of the folder
    kind: Kind
    description: str
    timeout: int
    memory: int
    env: Mapping[str, str]
    http: HttpTrigger | None
    callback: HttpTrigger | None
    events: tuple[str, ...]
    timer: TimerTrigger | None
    config_env: str | None  # the variable holding the settings (event functions), if any
    vod_methods: tuple[str, ...]  # the VodClient methods index.py calls
    vod_actions: tuple[str, ...]  # the VOD actions those send: exactly what the function's role must allow
    app: Any = field(compare=False, repr=False)  # the OperationApp / EventApp declaring it

    @property
    def handler(self) -> str:
        return f"{MODULE}.handler"

    @property
    def code_uri(self) -> str:
        """The code folder, relative to the project root, as deployment files write it."""
        return f"functions/{self.folder}/"


@dataclass(frozen=True)
class Project:
    """Every function of the project, operations first, each kind by folder."""

    root: Path
    functions: tuple[Function, ...]

    def __iter__(self) -> Iterator[Function]:
        return iter(self.functions)

    @property
    def operations(self) -> tuple[Function, ...]:
        return tuple(f for f in self.functions if f.kind == "operation")

    @property
    def event_functions(self) -> tuple[Function, ...]:
        return tuple(f for f in self.functions if f.kind == "event")

    def function(self, name_or_folder: str) -> Function:
        for function in self.functions:
            if name_or_folder in (function.name, function.folder):
                return function
        raise KeyError(f"no function {name_or_folder!r} in {self.root / 'functions'}")
