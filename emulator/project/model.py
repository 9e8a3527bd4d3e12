"""The project's functions as data: everything a deployment file says about them, in one model.

``vodfc.emulator.project.discover`` builds a :class:`Project` from the functions' own declarations (each
``functions/<folder>/index.py``'s ``app`` and its ``Deploy`` knobs) and from their source (the VOD actions).
The renderers turn it into files: template.yml (FC 2.0, :mod:`.fc2`), s.yaml (FC 3.0, :mod:`.fc3`) with
its RAM policies, the OpenAPI document, the doc tables; :mod:`.layout` says what each code package holds.
The model is deliberately not shaped like FC 2.0: a :class:`Function` is one code folder with all its
triggers, which is also what an FC 3.0 ``s.yaml`` resource is (one function, a role of its own listing
``vod_actions``, its triggers); FC 2.0's split into an event face and an HTTP face is the renderer's business.

The event functions are deployed as one :class:`Router` (``shared.events.router``): VOD writes each event to
one MNS queue or one callback URL, and a queue gives each message to one consumer, so one function must
read them all and run every event function that handles the event.
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
# The MNS queue VOD writes its event notifications to (SetMessageCallback MnsQueueName), which FC 3.0's
# EventBridge trigger reads.
EVENTS_QUEUE = VOD_EVENTS_TOPIC
# Every function's entry points, as FC's Python runtime names them (``<module>.<attribute>``).
MODULE = "index"
# The event router: its FC name, its module (a dotted module path, which FC's Python runtime imports as
# shared/events/router.py), and the variable naming the event functions it runs.
ROUTER_NAME = "VodEvents"
ROUTER_MODULE = "shared.events.router"
ROUTER_FUNCTIONS_ENV = "VODFC_EVENT_FUNCTIONS"
ROUTER_DESCRIPTION = "runs every event function that handles a VOD event (the one consumer of VOD's events)"
# FC 2.0's limit on a function's timeout (FC 3.0 allows a day).
FC2_MAX_TIMEOUT = 600


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
    module: str = MODULE

    @property
    def handler(self) -> str:
        return f"{self.module}.{self.export}"


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
    is an operation's REST API. ``events`` are the VOD event types it handles (an event function that has
    any runs in the :class:`Router`, which also takes VOD's HTTP callback); ``timer`` its timer, if it
    handles ``"timer"``.
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


CALLBACK_ENV = {"VODFC_CALLBACK_AUTH_KEY": "", "VODFC_CALLBACK_URL": ""}


@dataclass(frozen=True)
class Router:
    """The event functions that react to VOD events, deployed as one FC function (see the module docstring).

    It runs each member's handlers in-process, one member after the other, so its timeout is the sum of
    theirs (at most FC 2.0's 600 s) and its memory the largest; its role lists the union of their VOD
    actions; its environment holds every member's settings and ``VODFC_EVENT_FUNCTIONS`` naming them.
    """

    members: tuple[Function, ...]
    name: str = ROUTER_NAME
    description: str = ROUTER_DESCRIPTION

    @property
    def handler(self) -> str:
        return f"{ROUTER_MODULE}.handler"

    @property
    def callback(self) -> HttpTrigger:
        """VOD's HTTP callback: anonymous (VOD cannot sign an FC request), the code checks VOD's signature."""
        return HttpTrigger("http_handler", ("POST",), "anonymous", CALLBACK_ENV, module=ROUTER_MODULE)

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(member.folder for member in self.members)

    @property
    def events(self) -> tuple[str, ...]:
        found: list[str] = []
        for member in self.members:
            found += [event for event in member.events if event not in found]
        return tuple(found)

    @property
    def vod_actions(self) -> tuple[str, ...]:
        return tuple(sorted({action for member in self.members for action in member.vod_actions}))

    @property
    def timeout(self) -> int:
        return min(sum(member.timeout for member in self.members), FC2_MAX_TIMEOUT)

    @property
    def memory(self) -> int:
        return max(member.memory for member in self.members)

    @property
    def env(self) -> dict[str, str]:
        env = {"VODFC_LOG_LEVEL": LOG_LEVEL, ROUTER_FUNCTIONS_ENV: ",".join(self.folders)}
        for member in self.members:
            env.update({key: value for key, value in member.env.items() if key != "VODFC_LOG_LEVEL"})
        return env


@dataclass(frozen=True)
class Project:
    """Every function of the project, operations first, each kind by folder."""

    root: Path
    functions: tuple[Function, ...]

    def __iter__(self) -> Iterator[Function]:
        return iter(self.functions)

    @property
    def router(self) -> Router | None:
        """The event functions that react to VOD events, as one FC function (None when there is none)."""
        members = tuple(f for f in self.event_functions if f.events)
        return Router(members) if members else None

    @property
    def timed(self) -> tuple[Function, ...]:
        """The event functions that run on a timer: each is an FC function of its own, with its timer."""
        return tuple(f for f in self.event_functions if f.timer is not None)

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
