"""template.yml (Funcraft's ``Aliyun::Serverless-2018-04-03`` format): load it, and say what is wrong.

``load_template`` returns the services, functions and triggers the local runtime runs; ``validate``
returns every problem found, each named by its place in the document
(``Resources.vodfc.GetVideoInfo.Properties.Handler: ...``), so one run lists them all.

The rules follow Funcraft's own JSON schemas (property names, enums, required keys, name patterns),
with one documented extension: ``Runtime`` may name what FC really runs (``python3.9``,
``python3.10``, ``python3.12``) where Funcraft's schema only knows ``python3``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from vodfc.emulator.fc.checking import Checker, describe, env_value, read_document
from vodfc.emulator.fc.code import CodeResolver
from vodfc.emulator.fc.cron import cron_problem
from vodfc.emulator.fc.loader import module_file
from vodfc.emulator.fc.model import Code, Function, Issue, Service, Template, TemplateError, Trigger
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

_RESOURCE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z.0-9_-]{0,127}")
_FUNCTION_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]{0,127}")
_TRIGGER_NAME = _FUNCTION_NAME


# --- loading ------------------------------------------------------------------------------------------


def load_template(path: str | Path, *, check_imports: bool = False, code: str = "source") -> Template:
    """Load and validate ``path``; raises ``TemplateError`` listing every error (notes are kept).

    ``code``: how to run a build folder of the project (``vodfc.emulator.fc.code``: source or build)."""
    path = Path(path).resolve()
    document = read_document(path)
    resolver = CodeResolver(path.parent, code)
    issues = validate(document, base_dir=path.parent, check_imports=check_imports, code=code)
    errors = [issue for issue in issues if issue.level == "error"]
    if errors:
        raise TemplateError(errors)
    return build(document, resolver, path, [i for i in issues if i.level != "error"])


def build(
    document: Mapping[str, Any], resolver: CodeResolver, path: Path | None, notes: list[Issue]
) -> Template:
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
            code = resolver.locate(str(fp["CodeUri"]))
            functions[fn_name] = Function(
                service=name,
                name=fn_name,
                handler=str(fp["Handler"]),
                runtime=str(fp["Runtime"]),
                code_dir=code.dir,
                code=code,
                timeout=int(fp.get("Timeout", 3)),
                memory_size=int(fp.get("MemorySize", 128)),
                environment={str(k): env_value(v) for k, v in (fp.get("EnvironmentVariables") or {}).items()},
                initializer=str(fp["Initializer"]) if fp.get("Initializer") else None,
                initialization_timeout=int(fp.get("InitializationTimeout", 3)),
                triggers=triggers,
                description=str(fp.get("Description", "")),
                instance_concurrency=int(fp.get("InstanceConcurrency", 1)),
                async_retries=int((fp.get("AsyncConfiguration") or {}).get("MaxAsyncRetryAttempts", 3)),
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


# --- validation ---------------------------------------------------------------------------------------


class _Checker(Checker):
    def __init__(self, resolver: CodeResolver | None, check_imports: bool):
        super().__init__(resolver, check_imports)
        self.extended_runtimes: set[str] = set()

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
        handler = self.handler(props, "Handler", ppath, required=True)
        initializer = self.handler(props, "Initializer", ppath)
        code_uri = self.string(props, "CodeUri", ppath, required=True)
        self.integer(props, "Timeout", ppath, 1, 600)
        self.integer(props, "InitializationTimeout", ppath, 1, 300)
        self.integer(props, "MemorySize", ppath, 128, 3072)
        memory = props.get("MemorySize")
        if isinstance(memory, int) and not isinstance(memory, bool) and memory % 64:
            self.error(f"{ppath}.MemorySize", f"must be a multiple of 64 MB, got {memory}")
        self.concurrency(props, "InstanceConcurrency", ppath, 100, python)
        async_config = props.get("AsyncConfiguration")
        if async_config is not None and self.mapping(async_config, f"{ppath}.AsyncConfiguration"):
            self.integer(async_config, "MaxAsyncRetryAttempts", f"{ppath}.AsyncConfiguration", 0, 8)
        self.environment(props.get("EnvironmentVariables"), f"{ppath}.EnvironmentVariables")
        if code_uri is not None and python:
            code = self.code(code_uri, f"{ppath}.CodeUri")
            if code is not None:
                for key, spec in (("Handler", handler), ("Initializer", initializer)):
                    if spec is not None:
                        self.entry_point(code, spec, f"{ppath}.{key}")
        events = block.get("Events")
        if events is not None and self.mapping(events, f"{path}.Events"):
            for t_name, trigger in events.items():
                self.trigger(str(t_name), trigger, f"{path}.Events.{t_name}")

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
                    self.error(f"{ppath}.Methods", f"must be a non-empty list, got {describe(methods)}")
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
            if props.get("CronExpression") is not None:
                self.cron(props["CronExpression"], f"{ppath}.CronExpression")
            if "Payload" in props and not isinstance(props["Payload"], str):
                self.error(
                    f"{ppath}.Payload",
                    f"must be a string (FC passes it verbatim), got {describe(props['Payload'])}",
                )
            if "Enable" in props and not isinstance(props["Enable"], bool):
                self.error(f"{ppath}.Enable", f"must be true or false, got {describe(props['Enable'])}")
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
                self.error(f"{ppath}.FilterTag", f"must be a non-empty string, got {describe(tag)}")
            elif tag is not None and len(tag) > MNS_FILTER_TAG_MAX:
                self.error(
                    f"{ppath}.FilterTag",
                    f"MNS limits a filter tag to {MNS_FILTER_TAG_MAX} characters and {tag!r} has {len(tag)}: "
                    "FC refuses this trigger. Every VOD event type but SnapshotComplete is longer, so "
                    "subscribe without FilterTag and check EventType in the function (shared.events does)",
                )


def validate(
    document: Any, *, base_dir: Path | None = None, check_imports: bool = False, code: str = "source"
) -> list[Issue]:
    """Every problem in ``document`` (errors, then notes); ``base_dir`` resolves CodeUri, in ``code`` mode."""
    checker = _Checker(CodeResolver(base_dir, code) if base_dir is not None else None, check_imports)
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


def validate_file(path: str | Path, *, check_imports: bool = True, code: str = "source") -> list[Issue]:
    path = Path(path).resolve()
    try:
        document = read_document(path)
    except TemplateError as exc:
        return exc.issues
    return validate(document, base_dir=path.parent, check_imports=check_imports, code=code)


# --- helpers ------------------------------------------------------------------------------------------


def loads(text: str, base_dir: Path | None = None, *, check_imports: bool = False) -> Template:
    """A template from YAML text (tests); raises ``TemplateError``."""
    document = yaml.safe_load(text)
    issues = validate(document, base_dir=base_dir, check_imports=check_imports)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise TemplateError(errors)
    resolver = CodeResolver(base_dir or Path.cwd())
    return build(document, resolver, None, [i for i in issues if i.level != "error"])


__all__ = [
    "Code",
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
    "read_document",
    "validate",
    "validate_file",
]
