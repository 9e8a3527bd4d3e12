"""s.yaml (Serverless Devs 3, the ``fc3`` component: FC 3.0): load it, and say what is wrong.

``load_syaml`` returns FC 3.0 functions (no service: ``Template.standalone``) for the local runtime;
``validate`` returns every problem, named by its place (``resources.GetVideoInfo.props.triggers[0].
triggerConfig.methods: ...``), like template.yml's checks (:mod:`.template`).

What is checked follows the fc3 component's schema of a resource's ``props`` (required keys, types, enums,
ranges) and each trigger type's own ``triggerConfig`` — the schema's ``anyOf`` over all trigger
configurations would let one type's settings pass for another's — plus what only a local run can see:
the code folder, the handler in it. Properties the schema knows but the runtime does not use are accepted;
unknown ones are warnings (the schema itself does not forbid them).

A function acts with its own role (FC 3.0): when the project holds that role's policy,
``ram/<role name>.json`` beside the descriptor (``vodfc generate`` writes them), its credentials are
allowed exactly that (``vodfc.emulator.policy``); otherwise the account's full access.

Serverless Devs' variables are resolved as ``s`` does for the parts the runtime reads: ``${vars.NAME}``,
``${env('NAME', 'default')}`` / ``${env.NAME}``; any other expression (``${config('AccountID')}``) is kept
as written. Resources of other components are left alone (a note says so).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vodfc.emulator.fc.checking import Checker, closest, describe, env_value, read_document
from vodfc.emulator.fc.code import CodeResolver
from vodfc.emulator.fc.model import Function, Issue, Template, TemplateError, Trigger
from vodfc.emulator.policy import Policy, PolicyError

EDITION = "3.0.0"
# Where a project keeps its functions' role policies, beside s.yaml: ram/<role name>.json.
RAM_DIR = "ram"
COMPONENT = "fc3"
TOP_LEVEL_KEYS = {"edition", "name", "access", "vars", "resources", "template", "flow", "actions", "extend"}
RESOURCE_KEYS = {"component", "props", "actions"}
PROPS = {
    "annotations", "asyncInvokeConfig", "code", "concurrencyConfig", "cpu", "customContainerConfig",
    "customDNS", "customRuntimeConfig", "description", "diskSize", "enableLongLiving", "endpoint",
    "environmentVariables", "functionName", "gpuConfig", "handler", "instanceIsolationMode",
    "instanceLifecycleConfig", "internetAccess", "layers", "logConfig", "memorySize", "nasConfig",
    "ossMountConfig", "provisionConfig", "region", "resourceGroupId", "role", "runtime", "scalingConfig",
    "sessionAffinity", "sessionAffinityConfig", "supplement", "tags", "timeout", "instanceConcurrency",
    "tracingConfig", "triggers", "vpcBinding", "vpcConfig",
}  # fmt: skip
RUNTIMES = {
    "custom", "custom-container", "micro-sandbox", "custom.debian10", "custom.debian11", "custom.debian12",
    "dotnetcore2.1", "dotnetcore3.1", "go1", "java11", "java8", "nodejs10", "nodejs12", "nodejs14",
    "nodejs16", "nodejs18", "nodejs20", "nodejs8", "php7.2", "python2.7", "python3", "python3.10",
    "python3.12", "python3.9",
}  # fmt: skip
PYTHON_RUNTIMES = {"python3", "python3.9", "python3.10", "python3.12"}
HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
TRIGGER_TYPES = {"http", "timer", "oss", "log", "mns_topic", "cdn_events", "tablestore", "eventbridge"}
TRIGGER_KEYS = {"triggerName", "triggerType", "triggerConfig", "description", "qualifier", "sourceArn",
                "invocationRole"}  # fmt: skip
# Each trigger type's triggerConfig: (required, optional) keys.
TRIGGER_CONFIG = {
    "http": ({"authType", "methods"}, {"authConfig", "disableURLInternet"}),
    "timer": ({"cronExpression", "enable"}, {"payload"}),
    "mns_topic": ({"notifyContentFormat", "notifyStrategy"}, {"filterTag"}),
    "eventbridge": (
        {"asyncInvocationType", "eventRuleFilterPattern", "eventSinkConfig", "eventSourceConfig",
         "runOptions", "triggerEnable"},
        set(),
    ),
}  # fmt: skip
RETRY_STRATEGIES = ("BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY")
# An EventBridge trigger's push modes and event schemas; the first is the default.
RUN_MODES = ("event-driven", "event-streaming")
EVENT_SCHEMAS = ("CloudEvents", "RawData")
MNS_FILTER_TAG_MAX = 16
_FUNCTION_NAME = re.compile(r"[_a-zA-Z][-_a-zA-Z0-9]{0,127}")
_TRIGGER_NAME = re.compile(r"[_a-zA-Z][-_a-zA-Z0-9]{0,127}")
_REGION = re.compile(r"[a-z]{2}-[a-z0-9-]+")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ENV_CALL = re.compile(r"""env\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)""")


def is_syaml(document: Any) -> bool:
    """Whether a parsed descriptor is a Serverless Devs 3 project (else template.yml's format)."""
    return isinstance(document, Mapping) and "edition" in document and "resources" in document


# --- variables -----------------------------------------------------------------------------------------


def resolve(value: Any, variables: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Any:
    """``value`` with ``${vars.X}`` and ``${env(...)}`` replaced, in every string of a nested structure."""
    env = os.environ if environ is None else environ
    if isinstance(value, Mapping):
        return {key: resolve(item, variables, env) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, variables, env) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression.startswith("vars.") and expression[5:] in variables:
            return str(resolve(variables[expression[5:]], variables, env))
        if expression.startswith("env.") and expression[4:] in env:
            return env[expression[4:]]
        call = _ENV_CALL.fullmatch(expression)
        if call is not None:
            found = env.get(call.group(1))
            if found is not None:
                return found
            if call.group(2) is not None:
                return call.group(2)
        return match.group(0)

    whole = _VARIABLE.fullmatch(value)
    if whole is not None and whole.group(1).strip().startswith("vars."):
        name = whole.group(1).strip()[5:]
        if name in variables and not isinstance(variables[name], str):
            return resolve(variables[name], variables, env)  # a variable holding a number or a mapping
    return _VARIABLE.sub(one, value)


def rendered(document: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The document with its variables resolved (``vars`` first, against themselves)."""
    variables = document.get("vars") if isinstance(document.get("vars"), Mapping) else {}
    assert isinstance(variables, Mapping)
    values = dict(variables)
    for _ in range(4):  # variables that name other variables
        values = {key: resolve(item, values, environ) for key, item in values.items()}
    return {
        key: (item if key == "vars" else resolve(item, values, environ)) for key, item in document.items()
    }


# --- loading -------------------------------------------------------------------------------------------


def load_syaml(path: str | Path, *, check_imports: bool = False, code: str = "source") -> Template:
    """Load and validate ``path``; raises ``TemplateError`` listing every error (notes are kept)."""
    path = Path(path).resolve()
    document = read_document(path)
    issues = validate(document, base_dir=path.parent, check_imports=check_imports, code=code)
    errors = [issue for issue in issues if issue.level == "error"]
    if errors:
        raise TemplateError(errors)
    return build(
        rendered(document), CodeResolver(path.parent, code), path, [i for i in issues if i not in errors]
    )


def build(
    document: Mapping[str, Any], resolver: CodeResolver, path: Path | None, notes: list[Issue]
) -> Template:
    """A ``Template`` of FC 3.0 functions from a rendered document ``validate`` found no errors in."""
    functions: dict[str, Function] = {}
    for resource in (document.get("resources") or {}).values():
        if not _is_fc3(resource):
            continue
        props = resource["props"]
        code = resolver.locate(str(props["code"]))
        lifecycle = props.get("instanceLifecycleConfig") or {}
        initializer = lifecycle.get("initializer") or {}
        name = str(props["functionName"])
        functions[name] = Function(
            service="",
            name=name,
            handler=str(props["handler"]),
            runtime=str(props["runtime"]),
            code_dir=code.dir,
            code=code,
            timeout=int(props.get("timeout", 3)),
            memory_size=int(props.get("memorySize", 512)),
            environment={str(k): env_value(v) for k, v in (props.get("environmentVariables") or {}).items()},
            initializer=str(initializer["handler"]) if initializer.get("handler") else None,
            initialization_timeout=int(initializer.get("timeout", 3)),
            triggers=tuple(trigger(t) for t in props.get("triggers") or ()),
            description=str(props.get("description", "")),
            instance_concurrency=int(props.get("instanceConcurrency", 1)),
            async_retries=int((props.get("asyncInvokeConfig") or {}).get("maxAsyncRetryAttempts", 3)),
            fc_version=3,
            role=str(props.get("role", "")),
            policy=role_policy(resolver.base_dir, str(props.get("role", ""))),
        )
    return Template(path, {}, tuple(notes), functions)


def trigger(block: Mapping[str, Any]) -> Trigger:
    """An s.yaml trigger in the runtime's names (see ``vodfc.emulator.fc.model``)."""
    kind = str(block["triggerType"])
    config = block.get("triggerConfig") or {}
    name = str(block["triggerName"])
    if kind == "http":
        properties = {"AuthType": config.get("authType"), "Methods": list(config.get("methods") or [])}
        return Trigger(name, "HTTP", properties, block)
    if kind == "timer":
        properties = {
            "CronExpression": config.get("cronExpression"),
            "Enable": bool(config.get("enable")),
            "Payload": str(config.get("payload", "")),
        }
        return Trigger(name, "Timer", properties, block)
    if kind == "mns_topic":
        properties = {
            "TopicName": _topic_of(str(block.get("sourceArn") or "")),
            "NotifyContentFormat": config.get("notifyContentFormat"),
            "NotifyStrategy": config.get("notifyStrategy"),
        }
        if config.get("filterTag"):
            properties["FilterTag"] = config["filterTag"]
        return Trigger(name, "MNSTopic", properties, block)
    if kind == "eventbridge":
        source = config.get("eventSourceConfig") or {}
        mns = (source.get("eventSourceParameters") or {}).get("sourceMNSParameters") or {}
        run = config.get("runOptions") or {}
        delivery = (config.get("eventSinkConfig") or {}).get("deliveryOption") or {}
        batch = (run.get("batchWindow") or {}).get("CountBasedWindow", 1)
        properties = {
            "SourceType": source.get("eventSourceType"),
            "QueueName": mns.get("QueueName"),
            "IsBase64Decode": bool(mns.get("IsBase64Decode", True)),
            "RetryStrategy": (run.get("retryStrategy") or {}).get("PushRetryStrategy", "BACKOFF_RETRY"),
            "BatchSize": int(batch),
            "Mode": str(run.get("mode") or delivery.get("mode") or RUN_MODES[0]),
            "EventSchema": str(delivery.get("eventSchema") or EVENT_SCHEMAS[0]),
            "Enable": bool(config.get("triggerEnable", True)),
        }
        return Trigger(name, "EventBridge", properties, block)
    return Trigger(name, kind, dict(config), block)


def role_policy(base_dir: Path, role: str) -> Policy | None:
    """The policy of a role (``acs:ram::<account>:role/<name>``) when the project holds it in
    ``ram/<name>.json``; None otherwise. Raises ``PolicyError`` for a file it cannot read."""
    name = role.rsplit(":role/", 1)[-1] if ":role/" in role else ""
    path = base_dir / RAM_DIR / f"{name}.json"
    if not name or not path.is_file():
        return None
    return Policy.from_document(path.read_text(encoding="utf-8"))


def _topic_of(arn: str) -> str:
    """``acs:mns:<region>:<account>:/topics/<name>`` -> name."""
    return arn.rsplit("/topics/", 1)[-1] if "/topics/" in arn else arn


def _is_fc3(resource: Any) -> bool:
    if not isinstance(resource, Mapping) or not isinstance(resource.get("props"), Mapping):
        return False
    component = str(resource.get("component", ""))
    return component == COMPONENT or component.startswith(f"{COMPONENT}@")


# --- validation ----------------------------------------------------------------------------------------


class _Checker(Checker):
    def document(self, raw: Any) -> None:
        if not self.mapping(raw, "", "a YAML mapping (the project's top level)"):
            return
        self.unknown_keys(raw, TOP_LEVEL_KEYS, "", level="warning")
        edition = raw.get("edition")
        if str(edition) != EDITION:
            self.error("edition", f"must be '{EDITION}' (Serverless Devs 3), got {edition!r}")
        if not isinstance(raw.get("name"), str) or not raw.get("name"):
            self.error("name", f"is required: the project's name, got {describe(raw.get('name'))}")
        if raw.get("vars") is not None:
            self.mapping(raw["vars"], "vars")
        document = rendered(raw)
        resources = document.get("resources")
        if not self.mapping(resources, "resources", "a mapping of resources (one per function)"):
            return
        assert isinstance(resources, Mapping)
        names: dict[str, str] = {}
        for key, resource in resources.items():
            path = f"resources.{key}"
            if not self.mapping(resource, path):
                continue
            self.unknown_keys(resource, RESOURCE_KEYS, path, level="warning")
            component = resource.get("component")
            if not isinstance(component, str) or not component:
                self.error(f"{path}.component", f"is required ('{COMPONENT}'), got {describe(component)}")
                continue
            if not _is_fc3(resource) and component.split("@")[0] != COMPONENT:
                self.issues.append(Issue(f"{path}.component", f"{component!r} is not run locally", "note"))
                continue
            if not self.mapping(resource.get("props"), f"{path}.props"):
                continue
            name = self.props(resource["props"], f"{path}.props")
            if name is not None:
                if name in names:
                    self.error(
                        f"{path}.props.functionName", f"{name!r} is also {names[name]}'s function name"
                    )
                names[name] = key

    def props(self, props: Mapping[str, Any], path: str) -> str | None:
        self.unknown_keys(props, PROPS, path, level="warning")
        name = self.string(props, "functionName", path, required=True)
        if name is not None and not _FUNCTION_NAME.fullmatch(name):
            self.error(
                f"{path}.functionName", "starts with a letter or _ and holds letters, digits, _ - (≤ 128)"
            )
        region = self.string(props, "region", path, required=True)
        if region is not None and not _REGION.fullmatch(region):
            self.error(f"{path}.region", f"must be a region id such as cn-shanghai, got {region!r}")
        runtime = self.string(props, "runtime", path, required=True)
        python = False
        if runtime is not None:
            if runtime not in RUNTIMES:
                hint = closest(runtime, RUNTIMES)
                self.error(
                    f"{path}.runtime",
                    f"unknown runtime {runtime!r}{f' (did you mean {hint}?)' if hint else ''}; "
                    f"fc3 knows {', '.join(sorted(RUNTIMES))}",
                )
            elif runtime not in PYTHON_RUNTIMES:
                self.error(
                    f"{path}.runtime", f"{runtime!r} is valid for FC, but the local runtime runs Python only"
                )
            else:
                python = True
        handler = self.handler(props, "handler", path, required=True)
        initializer = self._initializer(
            props.get("instanceLifecycleConfig"), f"{path}.instanceLifecycleConfig"
        )
        reference = props.get("code")
        if isinstance(reference, Mapping):
            self.error(f"{path}.code", "code in OSS ({ossBucketName, ossObjectName}) cannot be run locally")
            reference = None
        elif reference is None:
            self.error(f"{path}.code", "is required: the code folder (what `vodfc build` writes)")
        elif not isinstance(reference, str) or not reference:
            self.error(f"{path}.code", f"must be a folder, got {describe(reference)}")
            reference = None
        elif reference.endswith(".zip"):
            self.error(
                f"{path}.code", f"{reference!r} is a zip; the local runtime runs code from a directory"
            )
            reference = None
        self.integer(props, "timeout", path, 1, 86400)
        self.integer(props, "memorySize", path, 128, 32768)
        memory = props.get("memorySize")
        if isinstance(memory, int) and not isinstance(memory, bool) and memory % 64:
            self.error(f"{path}.memorySize", f"must be a multiple of 64 MB, got {memory}")
        self.concurrency(props, "instanceConcurrency", path, 200, python)
        async_config = props.get("asyncInvokeConfig")
        if async_config is not None and self.mapping(async_config, f"{path}.asyncInvokeConfig"):
            self.integer(async_config, "maxAsyncRetryAttempts", f"{path}.asyncInvokeConfig", 0, 8)
        self.environment(props.get("environmentVariables"), f"{path}.environmentVariables")
        for key in ("role", "description"):
            if key in props and not isinstance(props[key], str):
                self.error(f"{path}.{key}", f"must be a string, got {describe(props[key])}")
        if isinstance(props.get("role"), str) and self.resolver is not None:
            try:
                role_policy(self.resolver.base_dir, props["role"])
            except PolicyError as exc:
                self.error(f"{path}.role", f"its policy in {RAM_DIR}/ cannot be read: {exc}")
        if isinstance(reference, str) and python:
            code = self.code(reference, f"{path}.code")
            if code is not None:
                for key, spec in (
                    ("handler", handler),
                    ("instanceLifecycleConfig.initializer.handler", initializer),
                ):
                    if spec is not None:
                        self.entry_point(code, spec, f"{path}.{key}")
        triggers = props.get("triggers")
        if triggers is not None:
            if not isinstance(triggers, list):
                self.error(f"{path}.triggers", f"must be a list, got {describe(triggers)}")
            else:
                seen: set[str] = set()
                for index, block in enumerate(triggers):
                    trigger_name = self.trigger(block, f"{path}.triggers[{index}]")
                    if trigger_name is not None:
                        if trigger_name in seen:
                            self.error(
                                f"{path}.triggers[{index}].triggerName", f"{trigger_name!r} is used twice"
                            )
                        seen.add(trigger_name)
        return name

    def _initializer(self, config: Any, path: str) -> str | None:
        if config is None or not self.mapping(config, path):
            return None
        hook = config.get("initializer")
        if hook is None or not self.mapping(hook, f"{path}.initializer"):
            return None
        if "timeout" in hook:
            self.integer(hook, "timeout", f"{path}.initializer", 1, 600)
        return self.handler(hook, "handler", f"{path}.initializer")

    def trigger(self, block: Any, path: str) -> str | None:
        if not self.mapping(block, path):
            return None
        self.unknown_keys(block, TRIGGER_KEYS, path)
        name = self.string(block, "triggerName", path, required=True)
        if name is not None and not _TRIGGER_NAME.fullmatch(name):
            self.error(
                f"{path}.triggerName", "starts with a letter or _ and holds letters, digits, _ - (≤ 128)"
            )
        kind = block.get("triggerType")
        if kind not in TRIGGER_TYPES:
            self.error(
                f"{path}.triggerType", f"must be one of {', '.join(sorted(TRIGGER_TYPES))}, got {kind!r}"
            )
            return name
        config = block.get("triggerConfig")
        cpath = f"{path}.triggerConfig"
        if config is None:
            self.error(cpath, f"is required (a {kind} trigger's settings)")
            return name
        if not self.mapping(config, cpath) or kind not in TRIGGER_CONFIG:
            return name
        required, optional = TRIGGER_CONFIG[kind]
        if optional or kind != "eventbridge":
            self.unknown_keys(config, required | optional, cpath)
        for key in sorted(required - set(config)):
            self.error(f"{cpath}.{key}", f"is required for a {kind} trigger")
        getattr(self, f"_{kind}")(config, cpath, block, path)
        return name

    def _http(self, config: Mapping[str, Any], path: str, block: Mapping[str, Any], tpath: str) -> None:
        auth = config.get("authType")
        if auth is not None and auth not in ("anonymous", "function", "jwt"):
            self.error(f"{path}.authType", f"must be anonymous, function or jwt, got {auth!r}")
        methods = config.get("methods")
        if methods is not None:
            if not isinstance(methods, list) or not methods:
                self.error(f"{path}.methods", f"must be a non-empty list, got {describe(methods)}")
            else:
                for method in methods:
                    if method not in HTTP_METHODS:
                        self.error(
                            f"{path}.methods",
                            f"{method!r} is not a method; allowed: {', '.join(HTTP_METHODS)}",
                        )
        self.boolean(config, "disableURLInternet", path)

    def _timer(self, config: Mapping[str, Any], path: str, block: Mapping[str, Any], tpath: str) -> None:
        if "cronExpression" in config:
            self.cron(config["cronExpression"], f"{path}.cronExpression")
        self.boolean(config, "enable", path)
        if "payload" in config and not isinstance(config["payload"], str):
            self.error(
                f"{path}.payload",
                f"must be a string (FC passes it verbatim), got {describe(config['payload'])}",
            )

    def _mns_topic(self, config: Mapping[str, Any], path: str, block: Mapping[str, Any], tpath: str) -> None:
        fmt = config.get("notifyContentFormat")
        if fmt is not None and fmt not in ("STREAM", "JSON"):
            self.error(f"{path}.notifyContentFormat", f"must be STREAM or JSON, got {fmt!r}")
        strategy = config.get("notifyStrategy")
        if strategy is not None and strategy not in RETRY_STRATEGIES:
            self.error(f"{path}.notifyStrategy", f"must be {' or '.join(RETRY_STRATEGIES)}, got {strategy!r}")
        tag = config.get("filterTag")
        if isinstance(tag, str) and len(tag) > MNS_FILTER_TAG_MAX:
            self.error(f"{path}.filterTag", f"MNS limits a filter tag to {MNS_FILTER_TAG_MAX} characters")
        arn = block.get("sourceArn")
        if not isinstance(arn, str) or "/topics/" not in arn:
            self.error(
                f"{tpath}.sourceArn",
                "is required for an mns_topic trigger: acs:mns:<region>:<account>:/topics/<name>",
            )

    def _eventbridge(
        self, config: Mapping[str, Any], path: str, block: Mapping[str, Any], tpath: str
    ) -> None:
        for key in ("triggerEnable", "asyncInvocationType"):
            self.boolean(config, key, path)
        pattern = config.get("eventRuleFilterPattern")
        if pattern is not None:
            try:
                if not isinstance(json.loads(pattern) if isinstance(pattern, str) else None, dict):
                    raise ValueError
            except ValueError:
                self.error(
                    f"{path}.eventRuleFilterPattern", f"must be a JSON object in a string, got {pattern!r}"
                )
        sink = config.get("eventSinkConfig")
        if sink is not None and self.mapping(sink, f"{path}.eventSinkConfig"):
            delivery = sink.get("deliveryOption")
            if not isinstance(delivery, Mapping):
                self.error(f"{path}.eventSinkConfig.deliveryOption", "is required (a mapping)")
            else:
                self.choice(delivery, "mode", f"{path}.eventSinkConfig.deliveryOption", RUN_MODES)
                self.choice(delivery, "eventSchema", f"{path}.eventSinkConfig.deliveryOption", EVENT_SCHEMAS)
        run = config.get("runOptions")
        if run is not None and self.mapping(run, f"{path}.runOptions"):
            self.choice(run, "mode", f"{path}.runOptions", RUN_MODES)
            retry = run.get("retryStrategy")
            if retry is not None and self.mapping(retry, f"{path}.runOptions.retryStrategy"):
                strategy = retry.get("PushRetryStrategy")
                if strategy not in RETRY_STRATEGIES:
                    self.error(
                        f"{path}.runOptions.retryStrategy.PushRetryStrategy",
                        f"must be {' or '.join(RETRY_STRATEGIES)}, got {strategy!r}",
                    )
        source = config.get("eventSourceConfig")
        spath = f"{path}.eventSourceConfig"
        if source is None or not self.mapping(source, spath):
            return
        kind = source.get("eventSourceType")
        if not isinstance(kind, str) or not kind:
            self.error(
                f"{spath}.eventSourceType", f"is required (MNS for an MNS queue), got {describe(kind)}"
            )
            return
        parameters = source.get("eventSourceParameters")
        if not isinstance(parameters, Mapping):
            self.error(
                f"{spath}.eventSourceParameters", f"is required (a mapping), got {describe(parameters)}"
            )
            return
        if kind != "MNS":
            self.issues.append(
                Issue(f"{spath}.eventSourceType", f"{kind} sources are not run locally", "note")
            )
            return
        mns = parameters.get("sourceMNSParameters")
        mpath = f"{spath}.eventSourceParameters.sourceMNSParameters"
        if mns is None or not self.mapping(mns, mpath):
            if mns is None:
                self.error(mpath, "is required for an MNS source: {QueueName, IsBase64Decode}")
            return
        self.unknown_keys(mns, {"QueueName", "IsBase64Decode", "RegionId"}, mpath)
        self.string(mns, "QueueName", mpath, required=True)
        self.boolean(mns, "IsBase64Decode", mpath)


def validate(
    document: Any, *, base_dir: Path | None = None, check_imports: bool = False, code: str = "source"
) -> list[Issue]:
    """Every problem in ``document`` (errors, warnings, notes); ``base_dir`` resolves each ``code``."""
    checker = _Checker(CodeResolver(base_dir, code) if base_dir is not None else None, check_imports)
    checker.document(document)
    return checker.issues


def validate_file(path: str | Path, *, check_imports: bool = True, code: str = "source") -> list[Issue]:
    path = Path(path).resolve()
    try:
        document = read_document(path)
    except TemplateError as exc:
        return exc.issues
    return validate(document, base_dir=path.parent, check_imports=check_imports, code=code)
