"""Read the project's functions from their declarations: ``discover(root)`` -> :class:`~.model.Project`.

Each ``functions/<folder>/index.py`` is imported (the way the local FC runtime imports it: under a name of
its own, registered before it runs, with the project root on ``sys.path`` so its ``shared`` resolves) and
its ``app`` read: an ``OperationApp`` or an ``EventApp``, with an optional ``Deploy`` record for the knobs
nothing else says. The VOD actions come from the source (:mod:`.vod_actions`). Importing is cheap: a
function's ``index.py`` loads the standard library and ``shared`` only, no SDK.

The functions import the top-level ``shared`` (their zip's copy of shared/), not ``vodfc.shared``, so their
classes are recognised by name; the client's source is read through ``vodfc.shared``, the same folder.
Every inconsistency between a declaration and its module (a folder not named after the function, a face
not exported, a timer without a timer handler, settings its parser refuses, ...) is collected and raised
together as :class:`DeclarationError`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from vodfc.emulator.fc.cron import cron_problem
from vodfc.emulator.fc.loader import ImportModuleError, load_module
from vodfc.emulator.project.model import (
    LOG_LEVEL,
    Function,
    HttpTrigger,
    Kind,
    Project,
    TimerTrigger,
)
from vodfc.emulator.project.vod_actions import AnalysisError, client_actions, hidden_calls, module_calls
from vodfc.shared.client import VodClient
from vodfc.shared.fc.deploy import Deploy

TIMER = "timer"  # the EventApp handler key of timer ticks
HTTP_AUTH = ("function", "anonymous")
# Modules of shared/ that hold the client itself; VOD calls anywhere else in shared/ would go unseen.
CLIENT_MODULES = ("ops", "client.py", "transport.py")


class DeclarationError(Exception):
    """The declarations are inconsistent; ``problems`` lists each, named by its function folder."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


_loaded: dict[Path, ModuleType] = {}


def load_function(root: Path, folder: str) -> ModuleType:
    """``<root>/functions/<folder>/index.py``, imported once per process (a warm instance), like FC does."""
    code_dir = (Path(root) / "functions" / folder).resolve()
    if code_dir not in _loaded:
        name = f"vodfc_fn_{folder}"
        if any(module.__name__ == name for module in _loaded.values()):
            name = f"{name}_{len(_loaded)}"  # the same folder name in another project
        try:
            _loaded[code_dir] = load_module(code_dir, "index", name)
        except ImportModuleError as exc:
            raise DeclarationError([f"functions/{folder}: {exc.error_type}: {exc}"]) from exc
    return _loaded[code_dir]


def function_folders(root: Path) -> list[str]:
    return sorted(path.parent.name for path in (Path(root) / "functions").glob("*/index.py"))


@functools.cache
def _discover(root: Path) -> Project:
    folders = function_folders(root)
    if not folders:
        raise DeclarationError([f"{root / 'functions'}: no <folder>/index.py"])
    problems: list[str] = []
    modules = {}
    for folder in folders:
        try:
            modules[folder] = load_function(root, folder)
        except DeclarationError as exc:
            problems += exc.problems
    # The functions' ``shared`` is this installation's shared/ folder, which vodfc installs as vodfc.shared.
    actions = client_actions(VodClient)
    shared = [
        path
        for path in sorted((root / "shared").rglob("*.py"))
        if not any(part in CLIENT_MODULES for part in path.relative_to(root / "shared").parts)
    ]
    problems += hidden_calls(shared)
    functions = []
    for folder, module in modules.items():
        found: list[str] = []
        function = _function(root, folder, module, actions, found)
        problems += [f"functions/{folder}: {problem}" for problem in found]
        if function is not None:
            functions.append(function)
    order: dict[Kind, int] = {"operation": 0, "event": 1}
    functions.sort(key=lambda f: (order[f.kind], f.folder))
    project = Project(root, tuple(functions))
    problems += _router_problems(project)
    if problems:
        raise DeclarationError(problems)
    return project


def discover(root: Path | str) -> Project:
    """The project under ``root`` (the folder holding functions/ and shared/), read once per process."""
    return _discover(Path(root).resolve())


# --- one function -----------------------------------------------------------------------------------------


def _function(
    root: Path, folder: str, module: ModuleType, actions: Any, problems: list[str]
) -> Function | None:
    app: Any = getattr(module, "app", None)
    kinds = {cls.__name__ for cls in type(app).__mro__}
    if not kinds & {"OperationApp", "EventApp"}:
        problems.append("index.py defines no app (an OperationApp or an EventApp)")
        return None
    try:
        calls = module_calls(root / "functions" / folder / "index.py", actions, name="index.py")
    except AnalysisError as exc:
        problems.extend(exc.problems)
        return None
    deploy = app.deploy if app.deploy is not None else Deploy()
    _check_knobs(deploy, problems)
    if _exported(module, "handler") != app.handler:
        problems.append("index.py must export handler = app.handler")
    common = {
        "folder": folder,
        "timeout": deploy.timeout,
        "memory": deploy.memory,
        "vod_methods": calls.methods,
        "vod_actions": calls.actions,
        "app": app,
    }
    if "OperationApp" in kinds:
        return _operation(folder, module, app, deploy, common, problems)
    return _event(folder, module, app, deploy, common, problems)


def _operation(
    folder: str, module: ModuleType, app: Any, deploy: Any, common: dict[str, Any], problems: list[str]
) -> Function:
    if snake(app.name) != folder:
        problems.append(f"the folder of operation {app.name} must be named {snake(app.name)}")
    if deploy.timer is not None or deploy.config is not None:
        problems.append("an operation function takes no timer and no config (those are for event functions)")
    if deploy.http_auth not in HTTP_AUTH:
        problems.append(f"Deploy.http_auth must be one of {', '.join(HTTP_AUTH)}, not {deploy.http_auth!r}")
    http = None
    if app.bindings:
        if _exported(module, "http_handler") != app.http_handler:
            problems.append("index.py must export http_handler = app.http_handler (the app has routes)")
        methods: list[str] = []
        for binding in app.bindings:
            for method in binding.methods:
                methods += [m for m in (method, "HEAD" if method == "GET" else "") if m and m not in methods]
        # FC checks the signature with AuthType function; behind an anonymous trigger the code checks a token.
        env = {"VODFC_HTTP_AUTH": "function"}
        if deploy.http_auth == "anonymous":
            env = {"VODFC_HTTP_AUTH": "token", "VODFC_HTTP_TOKEN": ""}
        http = HttpTrigger("http_handler", tuple(methods), deploy.http_auth, env)
    return Function(
        name=app.name,
        kind="operation",
        description=app.description,
        env={"VODFC_LOG_LEVEL": LOG_LEVEL, **deploy.env},
        http=http,
        events=(),
        timer=None,
        config_env=None,
        **common,
    )


def _event(
    folder: str, module: ModuleType, app: Any, deploy: Any, common: dict[str, Any], problems: list[str]
) -> Function:
    if app.name != folder:
        problems.append(f"EventApp({app.name!r}) must be named after its folder")
    if deploy.http_auth != "function":
        problems.append("Deploy.http_auth is for operation functions; a VOD callback is always anonymous")
    events = tuple(t for t in app.handlers if t != TIMER)
    if not app.handlers:
        problems.append("the EventApp handles nothing (@app.on(...))")
    timer = None
    if TIMER in app.handlers:
        if deploy.timer is None:
            problems.append('it handles "timer": give Deploy(timer=Timer(name, cron))')
        else:
            problem = cron_problem(deploy.timer.cron)
            if problem:
                problems.append(f"Timer cron {problem}")
            timer = TimerTrigger(
                deploy.timer.name, deploy.timer.cron, deploy.timer.payload, deploy.timer.enable
            )
    elif deploy.timer is not None:
        problems.append('Deploy has a timer but no handler takes "timer"')
    env = {"VODFC_LOG_LEVEL": LOG_LEVEL}
    config_env = app.config.env if app.config is not None else None
    if deploy.config is not None:
        if app.config is None:
            problems.append("Deploy.config is given but the EventApp has no ConfigSource")
        else:
            try:
                app.config.parse(dict(deploy.config))
            except ValueError as exc:
                problems.append(f"Deploy.config is refused by the function's own parser: {exc}")
            env[app.config.env] = json.dumps(deploy.config, ensure_ascii=False)
    return Function(
        name=camel(folder),
        kind="event",
        description=app.description,
        env={**env, **deploy.env},
        http=None,
        events=events,
        timer=timer,
        config_env=config_env,
        **common,
    )


def _router_problems(project: Project) -> list[str]:
    """The event functions share one FC function (the router), so one environment and one name space."""
    problems = []
    router = project.router
    if router is None:
        return []
    names = {f.name for f in project}
    if router.name in names:
        problems.append(f"functions/{snake(router.name)}: {router.name} is the event router's name")
    seen: dict[str, tuple[str, str]] = {}
    for member in router.members:
        for key, value in member.env.items():
            first = seen.setdefault(key, (member.folder, value))
            if first[1] != value:
                problems.append(
                    f"functions/{member.folder}: {key}={value!r}, but functions/{first[0]} sets "
                    f"{first[1]!r}; the event functions run in one FC function, which has one environment"
                )
    return problems


def _check_knobs(deploy: Any, problems: list[str]) -> None:
    if not isinstance(deploy.timeout, int) or not 1 <= deploy.timeout <= 600:
        problems.append(f"Deploy.timeout must be 1 to 600 seconds, not {deploy.timeout!r}")
    if not isinstance(deploy.memory, int) or deploy.memory < 128 or deploy.memory % 64:
        problems.append(f"Deploy.memory must be a multiple of 64 MB from 128, not {deploy.memory!r}")
    bad = [key for key, value in deploy.env.items() if not isinstance(value, str)]
    if bad:
        problems.append(f"Deploy.env values must be strings ({', '.join(bad)})")


def _exported(module: ModuleType, name: str) -> Any:
    return getattr(module, name, None)


def camel(snake_name: str) -> str:
    return "".join(part.capitalize() for part in snake_name.split("_"))


def snake(camel_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel_name).lower()
