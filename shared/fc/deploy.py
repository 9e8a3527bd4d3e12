"""How a function is deployed, for the few settings its code says nowhere else.

A function's ``app`` (``OperationApp`` / ``EventApp``) already declares its name, input, routes and the VOD
events it handles; ``Deploy`` adds what only the deployment needs: FC's timeout and memory, extra
environment variables, the HTTP trigger's auth type, a timer and the settings an event function is deployed
with. ``vodfc generate`` (``vodfc.emulator.project``) reads them to write template.yml; nothing reads them
at run time. Every field has the project's default, so most functions pass no ``Deploy`` at all.

Standard library only and plain record classes, like the rest of ``shared``: the module is imported on
every cold start of the functions that use it, so it builds no dataclass and validates nothing at import
(the generator checks the values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._record import FrozenRecord


class Timer(FrozenRecord):
    """A timer trigger: ``cron`` has FC's six fields (seconds first) and runs in UTC; ``payload`` is the
    text the function receives as the timer event's ``payload``."""

    __slots__ = ("name", "cron", "payload", "enable")

    def __init__(self, name: str, cron: str, payload: str = "", enable: bool = True) -> None:
        self.name = name
        self.cron = cron
        self.payload = payload
        self.enable = enable


class Deploy(FrozenRecord):
    """A function's deployment knobs; see the module docstring.

    ``timeout``: seconds; ``memory``: MB (a multiple of 64); ``env``: extra environment variables;
    ``http_auth``: an operation's HTTP trigger, ``function`` (FC checks the caller's signature) or
    ``anonymous`` (the function checks ``VODFC_HTTP_TOKEN`` instead); ``timer``: the trigger of a function
    that handles ``"timer"``; ``config``: the settings an event function is deployed with (a JSON object,
    written to its ``ConfigSource`` variable).
    """

    __slots__ = ("timeout", "memory", "env", "http_auth", "timer", "config")

    def __init__(
        self,
        *,
        timeout: int = 60,
        memory: int = 256,
        env: Mapping[str, str] | None = None,
        http_auth: str = "function",
        timer: Timer | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.timeout = timeout
        self.memory = memory
        self.env: Mapping[str, str] = {} if env is None else env
        self.http_auth = http_auth
        self.timer = timer
        self.config = config

    def _values(self) -> tuple[Any, ...]:
        # Mappings are unhashable: compare and hash their items instead.
        return (
            self.timeout,
            self.memory,
            tuple(sorted(self.env.items())),
            self.http_auth,
            self.timer,
            None if self.config is None else _frozen(self.config),
        )


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value
