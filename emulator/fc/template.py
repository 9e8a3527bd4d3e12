"""template.yml (Funcraft's ``Aliyun::Serverless-2018-04-03`` format): load it, and say what is wrong.

``load_template`` returns the services, functions and triggers the local runtime runs; ``validate``
returns every problem found, each named by its place in the document
(``Resources.vodfc.GetVideoInfo.Properties.Handler: ...``), so one run lists them all.

The rules follow Funcraft's own JSON schemas (property names, enums, required keys, name patterns),
with one documented extension: ``Runtime`` may name what FC really runs (``python3.9``,
``python3.10``, ``python3.12``) where Funcraft's schema only knows ``python3``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from vodfc.emulator.fc.loader import ImportModuleError, load_module, module_file
from vodfc.emulator.policy import Policy, PolicyError

FORMAT_VERSION = "2015-09-01"
TRANSFORM = "Aliyun::Serverless-2018-04-03"
SERVICE_TYPE = "Aliyun::Serverless::Service"
FUNCTION_TYPE = "Aliyun::Serverless::Function"
RESOURCE_TYPES = {
    SERVICE_TYPE,
    "Aliyun::Serverless::TableStore",
    "Aliyun::Serverless::Api",
    "Aliyun::Serverless::Log",
    "Aliyun::Serverless::CustomDomain",
    "Aliyun::Serverless::MNSTopic",
    "Aliyun::Serverless::Flow",
}
MNS_FILTER_TAG_MAX = 16  # characters, for an MNSTopic subscription's FilterTag
TOP_LEVEL_KEYS = {"ROSTemplateFormatVersion", "Transform", "Resources", "Parameters"}
SERVICE_PROPERTIES = {
    "Description",
    "Role",
    "Policies",
    "InternetAccess",
    "VpcConfig",
    "LogConfig",
    "NasConfig",
    "TracingConfig",
}
FUNCTION_PROPERTIES = {
    "Handler",
    "Initializer",
    "Runtime",
    "CodeUri",
    "Description",
    "Timeout",
    "InitializationTimeout",
    "MemorySize",
    "EnvironmentVariables",
    "InstanceConcurrency",
    "InstanceType",
    "InstanceLifecycleConfig",
    "AsyncConfiguration",
    "Layers",
    "CAPort",
    "CustomContainerConfig",
}
FUNCRAFT_RUNTIMES = {
    "nodejs6",
    "nodejs8",
    "nodejs10",
    "nodejs12",
    "python2.7",
    "python3",
    "java8",
    "java11",
    "php7.2",
    "dotnetcore2.1",
    "custom",
}
# What FC runs today but Funcraft's schema predates; the local runtime runs these (and python3).
EXTRA_PYTHON_RUNTIMES = {"python3.9", "python3.10", "python3.12"}
PYTHON_RUNTIMES = {"python3", *EXTRA_PYTHON_RUNTIMES}
EVENT_TYPES = {"Datahub", "Api", "TableStore", "Timer", "HTTP", "Log", "RDS", "MNSTopic", "OSS", "CDN"}
RUNNABLE_EVENT_TYPES = {"HTTP", "Timer", "MNSTopic"}
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")
EVENT_PROPERTIES = {
    "HTTP": ({"AuthType", "Methods"}, {"InvocationRole", "Qualifier"}),
    "Timer": ({"CronExpression"}, {"Payload", "Enable", "InvocationRole", "Qualifier"}),
    "MNSTopic": (
        {"TopicName"},
        {"Region", "NotifyContentFormat", "NotifyStrategy", "FilterTag", "InvocationRole", "Qualifier"},
    ),
}
RESERVED_ENV = {"accessKeyID", "accessKeySecret", "securityToken", "topic"}

_RESOURCE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z.0-9_-]{0,127}")
_FUNCTION_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]{0,127}")
_TRIGGER_NAME = _FUNCTION_NAME
_HANDLER = re.compile(r"[A-Za-z0-9_/-]+(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z_][A-Za-z0-9_]*")
_ENV_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_EVERY = re.compile(r"@every\s+(\d+)([smh])")
_CRON_FIELD = re.compile(r"[0-9*?/,LW#A-Za-z-]+")
ENV_LIMIT_BYTES = 4096


class TemplateError(Exception):
    """The template cannot be used; ``issues`` says every place that is wrong."""

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

    @property
    def auth_type(self) -> str:
        return str(self.properties.get("AuthType", "function")).lower()

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(str(m).upper() for m in self.properties.get("Methods", ()))


@dataclass(frozen=True)
class Function:
    """One function as the runtime needs it; ``code_dir`` is CodeUri resolved against the template."""

    service: str
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

    def triggers_of(self, type_: str) -> list[Trigger]:
        return [t for t in self.triggers if t.type == type_]

    @property
    def http_trigger(self) -> Trigger | None:
        found = self.triggers_of("HTTP")
        return found[0] if found else None


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
    path: Path | None
    services: Mapping[str, Service]
    notes: tuple[Issue, ...] = ()

    def functions(self) -> Iterator[Function]:
        for service in self.services.values():
            yield from service.functions.values()

    def function(self, service: str, name: str) -> Function | None:
        found = self.services.get(service)
        return found.functions.get(name) if found is not None else None

    def find(self, name: str) -> Function | None:
        """A function by name alone (``svc/fn`` also works); None when unknown or ambiguous."""
        if "/" in name:
            service, _, fn = name.partition("/")
            return self.function(service, fn)
        matches = [fn for fn in self.functions() if fn.name == name]
        return matches[0] if len(matches) == 1 else None


# --- loading ------------------------------------------------------------------------------------------


def read_document(path: str | Path) -> Any:
    """The parsed YAML; a syntax error becomes one ``TemplateError`` naming the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError([Issue("", f"cannot read {path}: {exc.strerror or exc}")]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateError([Issue("", f"{path} is not valid YAML{where}: {problem}")]) from None


def load_template(path: str | Path, *, check_imports: bool = False) -> Template:
    """Load and validate ``path``; raises ``TemplateError`` listing every error (notes are kept)."""
    path = Path(path).resolve()
    document = read_document(path)
    issues = validate(document, base_dir=path.parent, check_imports=check_imports)
    errors = [issue for issue in issues if issue.level == "error"]
    if errors:
        raise TemplateError(errors)
    return build(document, path.parent, path, [i for i in issues if i.level != "error"])


def build(document: Mapping[str, Any], base_dir: Path, path: Path | None, notes: list[Issue]) -> Template:
    """A ``Template`` from a document ``validate`` found no errors in."""
    services: dict[str, Service] = {}
    for name, resource in (document.get("Resources") or {}).items():
        if not isinstance(resource, Mapping) or resource.get("Type") != SERVICE_TYPE:
            continue
        props = resource.get("Properties") or {}
        log = props.get("LogConfig")
        log_project = str(log.get("Project", "")) if isinstance(log, Mapping) else ""
        log_store = str(log.get("Logstore", "")) if isinstance(log, Mapping) else ""
        functions: dict[str, Function] = {}
        for fn_name, block in resource.items():
            if fn_name in ("Type", "Properties") or not isinstance(block, Mapping):
                continue
            if block.get("Type") != FUNCTION_TYPE:
                continue
            fp = block.get("Properties") or {}
            triggers = tuple(
                Trigger(str(t_name), str(t["Type"]), dict(t.get("Properties") or {}))
                for t_name, t in (block.get("Events") or {}).items()
            )
            functions[fn_name] = Function(
                service=name,
                name=fn_name,
                handler=str(fp["Handler"]),
                runtime=str(fp["Runtime"]),
                code_dir=(base_dir / str(fp["CodeUri"])).resolve(),
                timeout=int(fp.get("Timeout", 3)),
                memory_size=int(fp.get("MemorySize", 128)),
                environment={
                    str(k): _env_value(v) for k, v in (fp.get("EnvironmentVariables") or {}).items()
                },
                initializer=str(fp["Initializer"]) if fp.get("Initializer") else None,
                initialization_timeout=int(fp.get("InitializationTimeout", 3)),
                triggers=triggers,
                description=str(fp.get("Description", "")),
                instance_concurrency=int(fp.get("InstanceConcurrency", 1)),
            )
        services[name] = Service(
            name,
            str(props.get("Description", "")),
            log_project,
            log_store,
            functions,
            role_policy(props),
        )
    return Template(path, services, tuple(notes))


def role_policy(props: Mapping[str, Any]) -> Policy | None:
    """The policy of a service's role: its ``Policies`` (documents or system policy names), unless
    it names a ``Role`` (FC then ignores Policies; the role's own policies are not in the template)."""
    policies = props.get("Policies")
    if props.get("Role") or policies is None:
        return None
    return Policy.from_documents(policies if isinstance(policies, list) else [policies])


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- validation ---------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, base_dir: Path | None, check_imports: bool):
        self.base_dir = base_dir
        self.check_imports = check_imports
        self.issues: list[Issue] = []
        self.extended_runtimes: set[str] = set()

    def error(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def mapping(self, value: Any, path: str, what: str = "a mapping") -> bool:
        if not isinstance(value, Mapping):
            self.error(path, f"must be {what}, got {_describe(value)}")
            return False
        return True

    def unknown_keys(self, value: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in value:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                self.error(
                    f"{path}.{key}" if path else str(key),
                    f"unknown property{f' (did you mean {hint}?)' if hint else ''}; "
                    f"allowed: {', '.join(sorted(allowed))}",
                )

    def integer(self, props: Mapping[str, Any], key: str, path: str, low: int, high: int) -> None:
        if key not in props:
            return
        value = props[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}.{key}", f"must be an integer, got {_describe(value)}")
        elif not low <= value <= high:
            self.error(f"{path}.{key}", f"must be between {low} and {high}, got {value}")

    def string(self, props: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
        if key not in props or props[key] is None:
            if required:
                self.error(f"{path}.{key}", "is required")
            return None
        value = props[key]
        if not isinstance(value, str) or not value:
            self.error(f"{path}.{key}", f"must be a non-empty string, got {_describe(value)}")
            return None
        return value

    # --- the document ---

    def document(self, document: Any) -> None:
        if not self.mapping(document, "", "a YAML mapping (the template's top level)"):
            return
        self.unknown_keys(document, TOP_LEVEL_KEYS, "")
        version = document.get("ROSTemplateFormatVersion")
        if version is None:
            self.error("ROSTemplateFormatVersion", f"is required ('{FORMAT_VERSION}')")
        elif str(version) != FORMAT_VERSION:
            self.error("ROSTemplateFormatVersion", f"must be '{FORMAT_VERSION}', got {version!r}")
        transform = document.get("Transform")
        if transform is None:
            self.error(
                "Transform", f"is required ('{TRANSFORM}'): without it ROS does not expand Aliyun::Serverless"
            )
        elif transform != TRANSFORM:
            self.error("Transform", f"must be '{TRANSFORM}', got {transform!r}")
        resources = document.get("Resources")
        if resources is None:
            self.error("Resources", "is required")
            return
        if not self.mapping(resources, "Resources"):
            return
        if not any(isinstance(r, Mapping) and r.get("Type") == SERVICE_TYPE for r in resources.values()):
            self.error("Resources", f"declares no {SERVICE_TYPE}, so there is no function to run")
        for name, resource in resources.items():
            self.resource(str(name), resource)

    def resource(self, name: str, resource: Any) -> None:
        path = f"Resources.{name}"
        if not _RESOURCE_NAME.fullmatch(name):
            self.error(
                path, "resource names start with a letter or _ and hold letters, digits, . _ - (≤ 128)"
            )
        if not self.mapping(resource, path):
            return
        kind = resource.get("Type")
        if kind is None:
            self.error(f"{path}.Type", "is required")
            return
        if kind not in RESOURCE_TYPES:
            hint = (
                " (functions go inside a service, as keys beside its Type)" if kind == FUNCTION_TYPE else ""
            )
            self.error(
                f"{path}.Type",
                f"unknown resource type {kind!r}{hint}; known: {', '.join(sorted(RESOURCE_TYPES))}",
            )
            return
        if kind == SERVICE_TYPE:
            self.service(name, resource, path)

    def service(self, name: str, resource: Mapping[str, Any], path: str) -> None:
        props = resource.get("Properties")
        if props is not None and self.mapping(props, f"{path}.Properties"):
            self.unknown_keys(props, SERVICE_PROPERTIES, f"{path}.Properties")
            log = props.get("LogConfig")
            if isinstance(log, Mapping) and not log.get("Logstore"):
                self.error(f"{path}.Properties.LogConfig.Logstore", "is required")
            policies = props.get("Policies")
            if policies is not None:
                try:
                    Policy.from_documents(policies if isinstance(policies, list) else [policies])
                except PolicyError as error:
                    self.error(f"{path}.Properties.Policies", str(error))
        for fn_name, block in resource.items():
            if fn_name in ("Type", "Properties"):
                continue
            fn_path = f"{path}.{fn_name}"
            if not _FUNCTION_NAME.fullmatch(str(fn_name)):
                self.error(
                    fn_path, "function names start with a letter or _ and hold letters, digits, _ - (≤ 128)"
                )
            if not self.mapping(block, fn_path):
                continue
            if block.get("Type") != FUNCTION_TYPE:
                self.error(f"{fn_path}.Type", f"must be '{FUNCTION_TYPE}', got {block.get('Type')!r}")
                continue
            self.function(str(fn_name), block, fn_path)

    def function(self, name: str, block: Mapping[str, Any], path: str) -> None:
        self.unknown_keys(block, {"Type", "Properties", "Events"}, path)
        props = block.get("Properties")
        ppath = f"{path}.Properties"
        if props is None:
            self.error(ppath, "is required (Handler, Runtime, CodeUri)")
            return
        if not self.mapping(props, ppath):
            return
        self.unknown_keys(props, FUNCTION_PROPERTIES, ppath)
        runtime = self.string(props, "Runtime", ppath, required=True)
        python = False
        if runtime is not None:
            if runtime in EXTRA_PYTHON_RUNTIMES:
                self.extended_runtimes.add(runtime)
                python = True
            elif runtime not in FUNCRAFT_RUNTIMES:
                self.error(
                    f"{ppath}.Runtime",
                    f"unknown runtime {runtime!r}; Funcraft knows {', '.join(sorted(FUNCRAFT_RUNTIMES))}, "
                    f"and vodfc also accepts {', '.join(sorted(EXTRA_PYTHON_RUNTIMES))}",
                )
            elif runtime not in PYTHON_RUNTIMES:
                self.error(
                    f"{ppath}.Runtime", f"{runtime!r} is valid for FC, but the local runtime runs Python only"
                )
            else:
                python = True
        handler = self.string(props, "Handler", ppath, required=True)
        if handler is not None and not _HANDLER.fullmatch(handler):
            self.error(
                f"{ppath}.Handler", f"must be <module>.<function> (e.g. index.handler), got {handler!r}"
            )
            handler = None
        initializer = self.string(props, "Initializer", ppath)
        if initializer is not None and not _HANDLER.fullmatch(initializer):
            self.error(f"{ppath}.Initializer", f"must be <module>.<function>, got {initializer!r}")
            initializer = None
        code_uri = self.string(props, "CodeUri", ppath, required=True)
        self.integer(props, "Timeout", ppath, 1, 600)
        self.integer(props, "InitializationTimeout", ppath, 1, 300)
        self.integer(props, "MemorySize", ppath, 128, 3072)
        memory = props.get("MemorySize")
        if isinstance(memory, int) and not isinstance(memory, bool) and memory % 64:
            self.error(f"{ppath}.MemorySize", f"must be a multiple of 64 MB, got {memory}")
        self.integer(props, "InstanceConcurrency", ppath, 1, 100)
        self.environment(props.get("EnvironmentVariables"), f"{ppath}.EnvironmentVariables")
        if code_uri is not None and python and self.base_dir is not None:
            code_dir = self.code_dir(code_uri, f"{ppath}.CodeUri")
            if code_dir is not None:
                for key, spec in (("Handler", handler), ("Initializer", initializer)):
                    if spec is not None:
                        self.entry_point(code_dir, spec, f"{ppath}.{key}", key == "Initializer")
        events = block.get("Events")
        if events is not None and self.mapping(events, f"{path}.Events"):
            for t_name, trigger in events.items():
                self.trigger(str(t_name), trigger, f"{path}.Events.{t_name}")

    def environment(self, env: Any, path: str) -> None:
        if env is None or not self.mapping(env, path):
            return
        total = 0
        for key, value in env.items():
            key = str(key)
            if not _ENV_NAME.fullmatch(key):
                self.error(f"{path}.{key}", "names start with a letter and hold letters, digits and _")
            elif key.startswith("FC_") or key in RESERVED_ENV:
                self.error(
                    f"{path}.{key}" if path else str(key),
                    "is reserved by FC (FC_*, accessKeyID, accessKeySecret, securityToken, topic)",
                )
            if isinstance(value, (Mapping, list)) or value is None:
                self.error(f"{path}.{key}", f"must be a string, got {_describe(value)}")
                continue
            total += len(key) + len(_env_value(value))
        if total > ENV_LIMIT_BYTES:
            self.error(path, f"the variables take {total} bytes; FC allows {ENV_LIMIT_BYTES}")

    def code_dir(self, code_uri: str, path: str) -> Path | None:
        assert self.base_dir is not None
        if code_uri.startswith("oss://"):
            self.error(path, "oss:// code cannot be run locally; point CodeUri at a directory")
            return None
        target = (self.base_dir / code_uri).resolve()
        if not target.exists():
            self.error(path, f"{code_uri!r} does not exist (looked for {target})")
            return None
        if not target.is_dir():
            self.error(
                path, f"{code_uri!r} is not a directory; the local runtime loads code from a directory"
            )
            return None
        return target

    def entry_point(self, code_dir: Path, spec: str, path: str, initializer: bool) -> None:
        module_name, _, func = spec.rpartition(".")
        file = module_file(code_dir, module_name)
        if file is None:
            self.error(
                path,
                f"module {module_name!r} not found in {code_dir} (no {module_name.replace('.', '/')}.py)",
            )
            return
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        except SyntaxError as exc:
            self.error(path, f"{file.name} line {exc.lineno}: {exc.msg}")
            return
        if not _defines(tree, func):
            self.error(path, f"{file.name} defines no {func!r}")
            return
        if self.check_imports:
            problem = try_import(code_dir, module_name, func)
            if problem:
                self.error(path, problem)

    def trigger(self, name: str, trigger: Any, path: str) -> None:
        if not _TRIGGER_NAME.fullmatch(name):
            self.error(path, "trigger names start with a letter or _ and hold letters, digits, _ - (≤ 128)")
        if not self.mapping(trigger, path):
            return
        self.unknown_keys(trigger, {"Type", "Properties"}, path)
        kind = trigger.get("Type")
        if kind not in EVENT_TYPES:
            self.error(f"{path}.Type", f"must be one of {', '.join(sorted(EVENT_TYPES))}, got {kind!r}")
            return
        props = trigger.get("Properties")
        ppath = f"{path}.Properties"
        if props is None:
            props = {}
            if kind in EVENT_PROPERTIES:
                self.error(ppath, "is required")
                return
        if not self.mapping(props, ppath) or kind not in EVENT_PROPERTIES:
            return
        required, optional = EVENT_PROPERTIES[kind]
        self.unknown_keys(props, required | optional, ppath)
        for key in sorted(required):
            if key not in props:
                self.error(f"{ppath}.{key}", "is required")
        if kind == "HTTP":
            auth = props.get("AuthType")
            if auth is not None and str(auth).upper() not in ("ANONYMOUS", "FUNCTION"):
                self.error(f"{ppath}.AuthType", f"must be ANONYMOUS or FUNCTION, got {auth!r}")
            methods = props.get("Methods")
            if methods is not None:
                if not isinstance(methods, list) or not methods:
                    self.error(f"{ppath}.Methods", f"must be a non-empty list, got {_describe(methods)}")
                else:
                    for method in methods:
                        if str(method).upper() not in HTTP_METHODS:
                            extra = " (PATCH arrived with FC 3.0)" if str(method).upper() == "PATCH" else ""
                            self.error(
                                f"{ppath}.Methods",
                                f"{method!r} is not an FC 2.0 trigger method{extra}; "
                                f"allowed: {', '.join(HTTP_METHODS)}",
                            )
        elif kind == "Timer":
            cron = props.get("CronExpression")
            if cron is not None:
                problem = cron_problem(cron)
                if problem:
                    self.error(f"{ppath}.CronExpression", problem)
            if "Payload" in props and not isinstance(props["Payload"], str):
                self.error(
                    f"{ppath}.Payload",
                    f"must be a string (FC passes it verbatim), got {_describe(props['Payload'])}",
                )
            if "Enable" in props and not isinstance(props["Enable"], bool):
                self.error(f"{ppath}.Enable", f"must be true or false, got {_describe(props['Enable'])}")
        elif kind == "MNSTopic":
            self.string(props, "TopicName", ppath)
            fmt = props.get("NotifyContentFormat")
            if fmt is not None and fmt not in ("STREAM", "JSON"):
                self.error(f"{ppath}.NotifyContentFormat", f"must be STREAM or JSON, got {fmt!r}")
            strategy = props.get("NotifyStrategy")
            if strategy is not None and strategy not in ("BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY"):
                self.error(
                    f"{ppath}.NotifyStrategy",
                    f"must be BACKOFF_RETRY or EXPONENTIAL_DECAY_RETRY, got {strategy!r}",
                )
            tag = props.get("FilterTag")
            if tag is not None and (not isinstance(tag, str) or not tag):
                self.error(f"{ppath}.FilterTag", f"must be a non-empty string, got {_describe(tag)}")
            elif tag is not None and len(tag) > MNS_FILTER_TAG_MAX:
                self.error(
                    f"{ppath}.FilterTag",
                    f"MNS limits a filter tag to {MNS_FILTER_TAG_MAX} characters and {tag!r} has {len(tag)}: "
                    "FC refuses this trigger. Every VOD event type but SnapshotComplete is longer, so "
                    "subscribe without FilterTag and check EventType in the function (shared.events does)",
                )


def validate(document: Any, *, base_dir: Path | None = None, check_imports: bool = False) -> list[Issue]:
    """Every problem in ``document`` (errors, then notes); ``base_dir`` resolves CodeUri."""
    checker = _Checker(base_dir, check_imports)
    checker.document(document)
    notes = [
        Issue(
            "Runtime",
            f"{runtime} is accepted by vodfc and runs on FC, but Funcraft's own schema only knows python3 "
            "(`fun validate`/`fun deploy` refuse it; deploy with Serverless Devs or the console)",
            "note",
        )
        for runtime in sorted(checker.extended_runtimes)
    ]
    return checker.issues + notes


def validate_file(path: str | Path, *, check_imports: bool = True) -> list[Issue]:
    path = Path(path).resolve()
    try:
        document = read_document(path)
    except TemplateError as exc:
        return exc.issues
    return validate(document, base_dir=path.parent, check_imports=check_imports)


# --- helpers ------------------------------------------------------------------------------------------


def try_import(code_dir: Path, module_name: str, func: str) -> str | None:
    """Import the module the way the runtime does (fresh name, code dir first on sys.path)."""
    try:
        module = load_module(
            code_dir, module_name, f"vodfc_validate_{abs(hash((str(code_dir), module_name)))}"
        )
    except ImportModuleError as exc:
        return f"{exc.error_type}: {exc}"
    if not callable(getattr(module, func, None)):
        return f"Handler '{func}' is missing on module '{module_name}'"
    sys.modules.pop(module.__name__, None)
    return None


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return True
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (alias.asname or alias.name.split(".")[0]) == name for alias in node.names
        ):
            return True
    # Dynamic definitions (exec, globals()) cannot be seen without importing; do not claim they are missing.
    return any(isinstance(node, (ast.If, ast.Try)) for node in tree.body)


def cron_problem(expression: Any) -> str | None:
    """None when FC would accept ``expression`` (6-field cron with seconds, or ``@every 5m``)."""
    if not isinstance(expression, str):
        return f"must be a string, got {_describe(expression)}"
    text = expression.strip()
    if text.startswith("@every"):
        match = _EVERY.fullmatch(text)
        if not match:
            return f"'@every' takes a duration like '@every 5m', got {text!r}"
        seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]
        if seconds < 60:
            return f"timer triggers fire at most once a minute, got {text!r}"
        return None
    if text.startswith("cron(") and text.endswith(")"):
        text = text[5:-1]
    fields = text.split()
    if len(fields) != 6:
        return (
            "needs 6 fields (second minute hour day-of-month month day-of-week), "
            f"got {len(fields)} in {expression!r}"
        )
    for value in fields:
        if not _CRON_FIELD.fullmatch(value):
            return f"field {value!r} is not a cron field"
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _closest(name: str, options: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.75)
    return found[0] if found else None


def loads(text: str, base_dir: Path | None = None, *, check_imports: bool = False) -> Template:
    """A template from YAML text (tests); raises ``TemplateError``."""
    document = yaml.safe_load(text)
    issues = validate(document, base_dir=base_dir, check_imports=check_imports)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise TemplateError(errors)
    return build(document, base_dir or Path.cwd(), None, [i for i in issues if i.level != "error"])


__all__ = [
    "Function",
    "Issue",
    "Service",
    "Template",
    "TemplateError",
    "Trigger",
    "cron_problem",
    "load_template",
    "loads",
    "module_file",
    "validate",
    "validate_file",
]
