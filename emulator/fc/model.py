"""The functions the local FC runtime runs, whichever descriptor declared them (template.yml or s.yaml).

A :class:`Template` is one loaded descriptor: FC 2.0 services holding functions (template.yml), or FC 3.0
functions standing alone (s.yaml; their ``service`` is ``""``), or both. A :class:`Function` carries what
an instance needs, including where its code is (:class:`Code`): the folder the descriptor names, the
source tree standing in for a build folder, or a build folder run as deployed.

Triggers are named as FC 2.0's template names them (``HTTP``, ``Timer``, ``MNSTopic``, ``EventBridge``)
with FC 2.0-style property names, whatever the descriptor: an s.yaml ``http`` trigger becomes ``HTTP``
with ``AuthType``/``Methods``, ``timer`` a ``Timer`` with ``CronExpression``/``Enable``/``Payload``,
``eventbridge`` an ``EventBridge`` trigger (see :data:`EVENTBRIDGE_PROPERTIES`). ``source`` keeps the
descriptor's own block, for whatever must show it as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vodfc.emulator.policy import Policy

TRIGGER_TYPES = ("HTTP", "Timer", "MNSTopic", "EventBridge")
# An EventBridge trigger's properties: the event source (MNS: a queue), the retry strategy, the batch size.
# Mode: event-driven (one CloudEvents object per message) or event-streaming (a JSON array, up to BatchSize);
# EventSchema: CloudEvents, or RawData (each event's data alone).
EVENTBRIDGE_PROPERTIES = (
    "SourceType",
    "QueueName",
    "IsBase64Decode",
    "RetryStrategy",
    "BatchSize",
    "Mode",
    "EventSchema",
    "Enable",
)


class TemplateError(Exception):
    """The descriptor cannot be used; ``issues`` says every place that is wrong."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    level: str = "error"  # "warning": the cloud would refuse it, vodfc runs it; "note": for information

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class Trigger:
    name: str
    type: str
    properties: Mapping[str, Any]
    source: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def auth_type(self) -> str:
        return str(self.properties.get("AuthType", "function")).lower()

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(str(m).upper() for m in self.properties.get("Methods", ()))


@dataclass(frozen=True)
class Code:
    """Where an instance finds a function's modules.

    ``dir`` is FC's code directory (the working directory, ``FC_FUNC_CODE_PATH``, first on ``sys.path``);
    ``path`` the ``sys.path`` entries before the interpreter's own, ``dir`` first. ``built``: a build folder
    run as deployed, so nothing comes from the host's site-packages (see ``vodfc.emulator.fc.abi``).
    ``sources``: the files and folders that make the code when they are not all of ``dir`` (a source
    run of a package assembled from several folders); empty: ``dir``.
    """

    dir: Path
    path: tuple[Path, ...]
    built: bool = False
    sources: tuple[Path, ...] = ()

    def files(self) -> list[Path]:
        """Every file of the code, in a stable order."""
        found: list[Path] = []
        for source in self.sources or (self.dir,):
            found += [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        return found

    @classmethod
    def folder(cls, code_dir: Path) -> Code:
        """A folder run as it is: the code first, then (for a function's folder in a source tree, whose
        package would hold ``shared/`` beside it) the nearest folder above it that holds ``shared/``."""
        entries = [code_dir]
        if not (code_dir / "shared" / "__init__.py").is_file():
            for folder in code_dir.parents:
                if (folder / "shared" / "__init__.py").is_file():
                    entries.append(folder)
                    break
        return cls(code_dir, tuple(entries))


@dataclass(frozen=True)
class Function:
    """One function as the runtime needs it; ``code_dir`` is its code directory (see :class:`Code`)."""

    service: str  # "" for an FC 3.0 function, which belongs to no service
    name: str
    handler: str
    runtime: str
    code_dir: Path
    timeout: int = 3
    memory_size: int = 128
    environment: Mapping[str, str] = field(default_factory=dict)
    initializer: str | None = None
    initialization_timeout: int = 3
    triggers: tuple[Trigger, ...] = ()
    description: str = ""
    # Requests one instance serves at once (FC's InstanceConcurrency; above 1 they run on threads).
    instance_concurrency: int = 1
    # Retries FC gives an async invocation whose function failed (MaxAsyncRetryAttempts, 0-8).
    async_retries: int = 3
    # None: the code folder as it is (Code.folder(code_dir)).
    code: Code | None = None
    fc_version: int = 2
    role: str = ""  # FC 3.0: the function's RAM role (ARN), as the descriptor names it
    # FC 3.0: what that role allows, when the project holds its policy (ram/<role>.json); None: the
    # account's full access (the emulator cannot see a role's policies otherwise)
    policy: Policy | None = None

    def triggers_of(self, type_: str) -> list[Trigger]:
        return [t for t in self.triggers if t.type == type_]

    @property
    def http_trigger(self) -> Trigger | None:
        found = self.triggers_of("HTTP")
        return found[0] if found else None

    @property
    def location(self) -> Code:
        return self.code if self.code is not None else Code.folder(self.code_dir)


@dataclass(frozen=True)
class Service:
    name: str
    description: str = ""
    log_project: str = ""
    log_store: str = ""
    functions: Mapping[str, Function] = field(default_factory=dict)
    # What its role lets the functions do: the service's Policies; None when it names a Role ARN
    # (whose policies the emulator cannot see) or neither (see docs/fc-runtime.md, "Credentials").
    policy: Policy | None = None


@dataclass(frozen=True)
class Template:
    """One descriptor's functions: FC 2.0 ``services`` and FC 3.0 ``standalone`` functions."""

    path: Path | None
    services: Mapping[str, Service]
    notes: tuple[Issue, ...] = ()
    standalone: Mapping[str, Function] = field(default_factory=dict)

    def functions(self) -> Iterator[Function]:
        for service in self.services.values():
            yield from service.functions.values()
        yield from self.standalone.values()

    def function(self, service: str, name: str) -> Function | None:
        if not service:
            return self.standalone.get(name)
        found = self.services.get(service)
        return found.functions.get(name) if found is not None else None

    def find(self, name: str) -> Function | None:
        """A function by name alone (``svc/fn`` also works); None when unknown or ambiguous."""
        if "/" in name:
            service, _, fn = name.partition("/")
            return self.function(service, fn)
        matches = [fn for fn in self.functions() if fn.name == name]
        return matches[0] if len(matches) == 1 else None
