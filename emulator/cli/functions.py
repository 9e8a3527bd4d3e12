"""``vodfc up``, ``invoke``, ``timer``, ``validate``: the functions of a descriptor, locally.

The descriptor is template.yml (FC 2.0) by default, or s.yaml (FC 3.0) with ``--descriptor s.yaml``; its
functions run from the source tree, or with ``--from-build`` from the folders ``vodfc build`` wrote, as
deployed (``vodfc.emulator.fc.code``).

* ``vodfc up`` — the emulator server with every function loaded and the demo library seeded; prints
  how to reach it, runs a short live demo, then serves until Ctrl-C (``make run``).
* ``vodfc invoke FUNCTION`` — one invocation, through fc2 against a running emulator (``--url``) or
  in-process (no server needed).
* ``vodfc timer FUNCTION`` — fire a function's timer trigger now.
* ``vodfc validate`` — check the project's descriptors (template.yml and s.yaml); exits 1 listing every
  error by its place.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from vodfc.emulator.cli.options import (
    add_allow_host,
    add_explain_errors,
    add_listen_options,
    add_url_option,
    listen_error,
    unreachable,
)
from vodfc.emulator.cli.server import config_from_args, stop_on_signals
from vodfc.emulator.config import EmulatorConfig

SERVICE = "vodfc"


def register(subparsers: Any) -> None:
    up = subparsers.add_parser(
        "up",
        help="serve VOD + FC + OSS with every function of template.yml, and show a live demo",
        description="Start the emulator with the FC runtime (functions from template.yml) and the demo "
        "library, print how to point each SDK at it, run a short demo, and serve until Ctrl-C.",
    )
    add_listen_options(up)
    up.add_argument("--data-dir", default=None, help="keep state in DIR/vodfc.sqlite3 across restarts")
    up.add_argument("--region", default=None, help="default region (default cn-shanghai)")
    up.add_argument("--no-seed", action="store_true", help="start empty instead of with the demo library")
    _descriptor_options(up)
    up.add_argument("--no-demo", action="store_true", help="skip the live demo")
    up.add_argument("--quiet", action="store_true", help="do not print each invocation's log")
    add_explain_errors(up)
    add_allow_host(up)
    up.set_defaults(func=run_up)

    invoke = subparsers.add_parser(
        "invoke",
        help="invoke a function (in-process, or through fc2 against a running emulator)",
        description="Invoke FUNCTION with an event and print its result. Without --url the function runs "
        "in-process against a fresh emulator (seeded with the demo library).",
    )
    invoke.add_argument("function", help="function name (or service/function)")
    invoke.add_argument("-e", "--event", default=None, help="event file, or - for stdin (default: empty)")
    invoke.add_argument("-d", "--data", default=None, help='the event inline, e.g. \'{"VideoId": "..."}\'')
    add_url_option(invoke, in_process=True)
    invoke.add_argument("--async", dest="async_", action="store_true", help="asynchronous invocation")
    invoke.add_argument(
        "--http",
        nargs=2,
        metavar=("METHOD", "PATH"),
        default=None,
        help="call an HTTP-triggered function, e.g. --http GET '/videos/abc?x=1' (the event is the body)",
    )
    _descriptor_options(invoke, "in-process only")
    invoke.add_argument("--no-seed", action="store_true", help="in-process: start with an empty library")
    invoke.add_argument("--data-dir", default=None, help="in-process: use the state kept in DIR")
    invoke.set_defaults(func=run_invoke)

    timer = subparsers.add_parser("timer", help="fire a function's timer trigger now")
    timer.add_argument("function")
    timer.add_argument("--trigger", default=None, help="which Timer trigger (default: the first)")
    add_url_option(timer, in_process=True)
    _descriptor_options(timer, "in-process only")
    timer.set_defaults(func=run_timer)

    validate = subparsers.add_parser(
        "validate",
        help="check the descriptors (template.yml, s.yaml)",
        description="Check the project's descriptors, template.yml (FC 2.0) and s.yaml (FC 3.0), or the ones "
        "named; exit 1 listing every error by its place.",
    )
    validate.add_argument(
        "--descriptor",
        "--template",
        dest="descriptors",
        action="append",
        default=None,
        metavar="FILE",
        help="a descriptor to check (repeatable; default: ./template.yml and ./s.yaml)",
    )
    validate.add_argument(
        "--from-build", action="store_true", help="check the build folders, not the sources they stand for"
    )
    validate.add_argument("--no-import", action="store_true", help="do not import the handlers")
    validate.set_defaults(func=run_validate)


def _descriptor_options(parser: argparse.ArgumentParser, note: str = "") -> None:
    parser.add_argument(
        "--descriptor",
        "--template",
        dest="descriptor",
        default=None,
        metavar="FILE",
        help="template.yml or s.yaml to load (default: ./template.yml, else ./s.yaml)"
        + (f"; {note}" if note else ""),
    )
    parser.add_argument(
        "--from-build",
        action="store_true",
        help="run the build folders as deployed (`vodfc build` first), not the sources",
    )


# --- helpers ------------------------------------------------------------------------------------------


def _code_mode(args: argparse.Namespace) -> str:
    return "build" if getattr(args, "from_build", False) else "source"


def _read_event(args: argparse.Namespace) -> bytes:
    if args.data is not None and args.event is not None:
        raise SystemExit("vodfc invoke: give --event or --data, not both")
    if args.data is not None:
        return str(args.data).encode("utf-8")
    if args.event is None:
        return b""
    if args.event == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(args.event).read_bytes()
    except OSError as exc:
        raise SystemExit(f"vodfc invoke: cannot read {args.event}: {exc.strerror or exc}") from None


def _fc_client(url: str) -> Any:
    import logging

    import fc2

    # fc2 retries a refused connection five times with backoff (about 30 s), warning each time: look
    # once first, so that an emulator that is not there is one line at once (OSError to the caller).
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    _probe(url)
    from vodfc.emulator.config import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET

    if "://" not in url:
        url = "http://" + url  # fc2 would otherwise assume https (and retry a TLS handshake for 30 s)
    return fc2.Client(
        endpoint=url, accessKeyID=DEFAULT_ACCESS_KEY_ID, accessKeySecret=DEFAULT_ACCESS_KEY_SECRET
    )


def _probe(url: str) -> None:
    """Raise OSError unless something answers HTTP at ``url`` (any status will do)."""
    import urllib.error
    import urllib.request

    base = url if "://" in url else "http://" + url
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(f"{base.rstrip('/')}/_vodfc/health", timeout=10).close()
    except urllib.error.HTTPError as answered:
        answered.close()


def _split(name: str) -> tuple[str | None, str]:
    """``service/function`` or a bare function name (service None: whichever service has it)."""
    if "/" in name:
        service, _, function = name.partition("/")
        return service, function
    return None, name


def _remote_service(client: Any, function: str) -> str:
    """The service of a running emulator that has ``function`` (the default service when none says)."""
    services = [s["serviceName"] for s in client.list_services().data.get("services", [])]
    for service in services:
        names = [f["functionName"] for f in client.list_functions(service).data.get("functions", [])]
        if function in names:
            return str(service)
    return services[0] if len(services) == 1 else SERVICE


def _print_body(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        pass
    print(text)


def _print_error(error: dict[str, Any]) -> None:
    print(json.dumps(error, indent=2, ensure_ascii=False), file=sys.stderr)


def _load_or_report(args: argparse.Namespace, command: str) -> Any:
    """The descriptor ``--descriptor`` names, else the current folder's; None once what is wrong is
    printed."""
    from vodfc.emulator.fc import descriptor
    from vodfc.emulator.fc.model import TemplateError

    try:
        path = Path(args.descriptor) if args.descriptor else descriptor.default_path()
    except descriptor.DescriptorNotFound as exc:
        print(f"vodfc {command}: {exc} (give --descriptor FILE)", file=sys.stderr)
        return None
    try:
        return descriptor.load(path, code=_code_mode(args))
    except TemplateError as exc:
        print(f"{path}: invalid descriptor", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return None


# --- validate -----------------------------------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    from vodfc.emulator.fc import descriptor

    paths = [Path(p) for p in args.descriptors] if args.descriptors else descriptor.project_descriptors()
    if not paths:
        missing = descriptor.DescriptorNotFound(Path.cwd())
        print(f"vodfc validate: {missing} (give --descriptor FILE)", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        failed += _validate_one(path, code=_code_mode(args), check_imports=not args.no_import)
    return 1 if failed else 0


def _validate_one(path: Path, *, code: str, check_imports: bool) -> int:
    """Check one descriptor and print what was found; 1 when it has errors."""
    from vodfc.emulator.fc import descriptor

    issues = descriptor.validate_file(path, check_imports=check_imports, code=code)
    errors = [i for i in issues if i.level == "error"]
    for issue in errors:
        print(f"error: {issue}", file=sys.stderr)
    for issue in issues:
        if issue.level != "error":
            print(f"{issue.level}: {issue}")
    if errors:
        print(f"{path}: {len(errors)} error(s)", file=sys.stderr)
        return 1
    template = descriptor.load(path, code=code)
    functions = list(template.functions())
    triggers = sum(len(f.triggers) for f in functions)
    services = f"{len(template.services)} service(s), " if template.services else ""
    print(f"{path}: OK ({services}{len(functions)} function(s), {triggers} trigger(s))")
    return 0


# --- invoke / timer -----------------------------------------------------------------------------------


def run_invoke(args: argparse.Namespace) -> int:
    event = _read_event(args)
    try:
        if args.http:
            return _invoke_http(args, event)
        if args.url:
            return _invoke_remote(args.url, args.function, event, args.async_)
    except OSError as exc:  # requests' ConnectionError is one too
        if not args.url:
            raise
        print(unreachable("invoke", args.url, exc), file=sys.stderr)
        return 1
    return _invoke_local(args, event)


def _answered_error(body: bytes) -> str | None:
    """The error a function answered, as one line; None for any other answer.

    shared's apps answer a refused or failed request with a JSON object carrying ``Code`` and
    ``Message`` (the event face adds ``HttpStatus``, having no status line); a VOD result never has a
    top-level ``Code``."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("Code"), str):
        return None
    if "Message" not in answer and "HttpStatus" not in answer:
        return None
    status = f" (HTTP {answer['HttpStatus']})" if "HttpStatus" in answer else ""
    return f"{answer['Code']}{status}: {answer.get('Message', '')}".rstrip(": ")


def _print_answer(function: str, body: bytes, command: str = "invoke") -> int:
    """Print a function's answer; exit status 1 when it is an error answer."""
    _print_body(body)
    error = _answered_error(body)
    if error is None:
        return 0
    print(f"vodfc {command}: {function} answered an error: {error}", file=sys.stderr)
    return 1


def _invoke_http(args: argparse.Namespace, body: bytes) -> int:
    """One request through a function's HTTP trigger: signed with fc2 over --url, or in-process."""
    from urllib.parse import parse_qs, urlsplit

    method, target = args.http[0].upper(), args.http[1]
    parts = urlsplit(target if target.startswith("/") else "/" + target)
    service, name = _split(args.function)
    headers = {"content-type": "application/json"} if body else {}
    if args.url:
        client = _fc_client(args.url)
        service = service or _remote_service(client, name)
        response = client.do_http_request(
            method,
            service,
            name,
            parts.path,
            headers=headers,
            params=parse_qs(parts.query),
            body=body or None,
        )
        status, text = response.status_code, response.content
    else:
        from vodfc.emulator.fc import get_fc
        from vodfc.emulator.fc.fc3 import trigger_domain
        from vodfc.emulator.fc.http3 import http_event, invocation_answer
        from vodfc.emulator.fc.runtime import new_request_id, wsgi_environ

        template = _load_or_report(args, "invoke")
        if template is None:
            return 1
        with _local_app(args) as mock:
            if not getattr(args, "no_seed", True) and not getattr(args, "data_dir", None):
                mock.state.seed()
            runtime = get_fc(mock.app).load(
                template=template, log_sink=lambda line: print(line, file=sys.stderr)
            )
            function = runtime.function(name, service)
            if function is None:
                print(f"vodfc invoke: no function {args.function!r} in {template.path}", file=sys.stderr)
                return 1
            if function.fc_version == 3:
                # FC 3.0's HTTP trigger hands the event handler the request as FC 3.0's HTTP event.
                event = http_event(
                    method=method,
                    raw_path=parts.path,
                    query_string=parts.query,
                    headers=list(headers.items()),
                    body=body,
                    domain=trigger_domain(function, runtime.account_id, runtime.region),
                    account_id=runtime.account_id,
                    request_id=new_request_id(),
                    source_ip="127.0.0.1",
                    protocol="HTTP/1.1",
                    now=runtime.clock(),
                )
                result = runtime.invoke(
                    function.name, json.dumps(event).encode(), service=function.service, kind="http"
                )
                answer = invocation_answer(result)
                if answer is None:
                    assert result.error is not None
                    _print_error(result.error)
                    return 1
                print(f"HTTP {answer.status}", file=sys.stderr)
                _print_body(answer.body)
                return 0 if answer.status < 400 else 1
            environ = wsgi_environ(
                method=method,
                path_info=parts.path,
                query_string=parts.query,
                headers=list(headers.items()),
                body=body,
                request_uri=f"/2016-08-15/proxy/{function.service}/{function.name}{target}",
            )
            result = runtime.invoke_http(function.name, environ, service=function.service)
        if result.error is not None:
            _print_error(result.error)
            return 1
        status, text = result.status, result.body
    print(f"HTTP {status}", file=sys.stderr)
    _print_body(text)
    return 0 if status < 400 else 1


def _invoke_remote(url: str, name: str, event: bytes, async_: bool) -> int:
    import fc2

    service, function = _split(name)
    headers = {"x-fc-invocation-type": "Async"} if async_ else {}
    client = _fc_client(url)
    try:
        service = service or _remote_service(client, function)
        response = client.invoke_function(service, function, payload=event, headers=headers)
    except fc2.FcError as exc:
        try:
            body = json.loads(exc.message)
        except ValueError:
            body = {"message": exc.message}
        _print_error(body)
        return 1
    if async_:
        print(f"accepted: RequestId {response.headers.get('x-fc-request-id')}")
        return 0
    return _print_answer(name, response.data)


@contextlib.contextmanager
def _local_app(args: argparse.Namespace) -> Iterator[Any]:
    """An in-process emulator (``mock_vod``); its FC instances and internal server stop at the end."""
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.mock import mock_vod

    overrides: dict[str, Any] = {"seed": not getattr(args, "no_seed", True)}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    with mock_vod(EmulatorConfig.from_env(None, **overrides)) as mock:
        try:
            yield mock
        finally:
            get_fc(mock.app).close()


def _invoke_local(args: argparse.Namespace, event: bytes) -> int:
    from vodfc.emulator.fc import get_fc

    template = _load_or_report(args, "invoke")
    if template is None:
        return 1
    with _local_app(args) as mock:
        if not getattr(args, "no_seed", True) and not getattr(args, "data_dir", None):
            mock.state.seed()  # mock_vod starts from a reset; the demo library comes back on request
        runtime = get_fc(mock.app).load(template=template, log_sink=lambda line: print(line, file=sys.stderr))
        service, name = _split(args.function)
        function = runtime.function(name, service)
        if function is None:
            print(f"vodfc invoke: no function {args.function!r} in {template.path}", file=sys.stderr)
            return 1
        if args.async_:
            request_id = runtime.invoke_async(function.name, event, service=function.service)
            runtime.drain()
            print(f"accepted: RequestId {request_id}")
            return 0
        result = runtime.invoke(function.name, event, service=function.service)
    if result.error is not None:
        _print_error(result.error)
        return 1
    return _print_answer(args.function, result.body)


def run_timer(args: argparse.Namespace) -> int:
    from vodfc.emulator.fc import get_fc

    if args.url:
        import requests
        from vodfc.emulator.admintoken import auth_headers, find_token

        base = args.url if "://" in args.url else "http://" + args.url
        params = {"trigger": args.trigger} if args.trigger else {}
        service, function = _split(args.function)
        if service:
            params["service"] = service
        token = find_token(base)
        try:
            response = requests.post(
                f"{base.rstrip('/')}/_vodfc/fc/timers/{function}",
                params=params,
                headers=auth_headers(token) if token else {},
                timeout=660,
            )
        except OSError as exc:
            print(unreachable("timer", args.url, exc), file=sys.stderr)
            return 1
        body = response.json()
        if response.status_code != 200 or not body.get("ok"):
            _print_error(body)
            return 1
        return _print_answer(args.function, json.dumps(body.get("result")).encode(), "timer")
    template = _load_or_report(args, "timer")
    if template is None:
        return 1
    args.no_seed = False
    with _local_app(args) as mock:
        mock.state.seed()
        runtime = get_fc(mock.app).load(template=template, log_sink=lambda line: print(line, file=sys.stderr))
        service, name = _split(args.function)
        try:
            result = runtime.fire_timer(name, args.trigger, service=service)
        except LookupError as exc:
            print(f"vodfc timer: {str(exc).strip(chr(39))}", file=sys.stderr)
            return 1
    if result.error is not None:
        _print_error(result.error)
        return 1
    return _print_answer(args.function, result.body, "timer")


# --- up -----------------------------------------------------------------------------------------------


def run_up(args: argparse.Namespace) -> int:
    from vodfc.emulator.app import create_app, emulator_of
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.gateway import refusals_shown
    from vodfc.emulator.server import ThreadedServer

    template = _load_or_report(args, "up")
    if template is None:
        return 1
    app = create_app(config_from_args(args))
    component = get_fc(app)
    component.log_sink = None if args.quiet else (lambda line: _say(f"    | {line}"))
    component.load(template=template)
    queue = component.point_vod_at_queue(emulator_of(app).events)
    configured = (
        f"\nVOD's message callback: CallbackType MNS, MnsQueueName {queue} (SetMessageCallback): the "
        "EventBridge trigger reading it takes VOD's events"
        if queue
        else ""
    )
    server = ThreadedServer(app, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        component.close()
        print(listen_error("up", args.host, args.port, exc), file=sys.stderr)
        return 1
    _quiet_logging()  # the process's logging changes only once it serves
    stop_on_signals()
    from vodfc.emulator import admintoken
    from vodfc.emulator.server import publish_admin_token

    token_files, problems = publish_admin_token(app, int(server.url.rsplit(":", 1)[1]))
    with refusals_shown():  # why a call was refused, on stderr
        try:
            announce(app, server.url, template, token_files)
            if configured:
                print(configured, flush=True)
            for problem in problems:
                print(f"warning: {problem}", file=sys.stderr, flush=True)
            if not args.no_demo:
                try:
                    demo(app, server.url)
                except Exception as exc:  # the demo is a show; the server keeps serving whatever happens
                    print(f"  (demo stopped: {type(exc).__name__}: {exc})", flush=True)
            print(f"\nServing on {server.url} — press Ctrl-C to stop.", flush=True)
            while True:
                # Short naps: the kernel may hand SIGTERM to any thread, and Python runs the handler only
                # once the main thread wakes up.
                time.sleep(0.5)
        except KeyboardInterrupt:
            _say("\nstopping")
        finally:
            server.stop()
            component.close()
            from vodfc.emulator.app import get_state

            admintoken.unpublish(token_files, get_state(app).guard.token)
            get_state(app).store.close()
    return 0


def _say(text: str) -> None:
    """One line in one write: print() writes the text and its newline separately, and background
    invocations log from other threads in between."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _quiet_logging() -> None:
    import logging

    # A root handler of our own: warnings from the emulator show once, and nothing else installs a
    # second (basicConfig and shared.fc.logs add one only when the root logger has none).
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    for name in ("waitress", "aliyunsdkcore", "fc2"):
        logging.getLogger(name).setLevel(logging.CRITICAL if name != "waitress" else logging.WARNING)


def announce(app: Any, url: str, template: Any, token_files: Sequence[Path] = ()) -> None:
    from vodfc.emulator.admintoken import dashboard_url
    from vodfc.emulator.app import get_state
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.fc.api3 import path_url
    from vodfc.emulator.fc.instances import private_tmp_available

    state = get_state(app)
    component = get_fc(app)
    settings = component.runtime.settings
    tmp = settings.private_tmp
    if tmp == "auto":
        tmp = "yes (a mount namespace per instance)" if private_tmp_available() else "no (TMPDIR only)"
    key = state.config.access_keys[0]
    endpoint = url.removeprefix("http://")
    functions = list(template.functions())
    lines = [
        f"vodfc is up on {url}  (VOD, FC, OSS; region {state.config.region}, account {key.account_id})",
        f"  AccessKeyId:     {key.access_key_id}",
        f"  AccessKeySecret: {key.access_key_secret}",
        f"  Dashboard:       {dashboard_url(url, state.guard.token)}",
        f"  Admin token:     {state.guard.token}  (for {url}/_vodfc/...: Authorization: Bearer <token>)",
        *(f"                   (also in {path})" for path in token_files),
        "",
        "Point the SDKs at it:",
        f'  aliyun-python-sdk-vod:  client.add_endpoint("{state.config.region}", "vod", "{endpoint}")',
        f'  Tea vod20170321:        Config(..., endpoint="{endpoint}", protocol="http")',
        f'  fc2:                    fc2.Client(endpoint="{url}", accessKeyID=..., accessKeySecret=...)',
        f'  fc20230330 (FC 3.0):    Client(Config(..., endpoint="{endpoint}", protocol="http"))',
        f'  @alicloud/fc20230330:   new Client(new $OpenApiUtil.Config({{..., endpoint: "{endpoint}", '
        'protocol: "http"}))',
        f'  oss2:                   oss2.Bucket(oss2.Auth(ak, sk), "{url}", bucket)  (path style)',
        f"  functions' own calls:   VOD_ENDPOINT={component.internal_url()} (internal server, same state)",
        f"  instances:              one process each, up to {settings.max_instances} per function, "
        f"idle {settings.keep_alive:g} s; private /tmp: {tmp}",
        "",
        f"Functions ({len(functions)}, from {template.path}):",
    ]
    for function in functions:
        trigger = function.http_trigger
        extra = ""
        fc3_url = f"{path_url(url, component, function)}/" if trigger is not None else ""
        if trigger is not None:
            # A service's function has FC 2.0's proxy URL; an FC 3.0 function only FC 3.0's.
            here = fc3_url
            if function.service:
                here = f"{url}/2016-08-15/proxy/{function.service}/{function.name}/"
            extra = f"  {'/'.join(trigger.methods)} {here}  [{trigger.auth_type}]"
        others = [t.type for t in function.triggers if t.type != "HTTP"]
        if others:
            extra += f"  ({', '.join(others)})"
        name = f"{function.service}/{function.name}" if function.service else function.name
        lines.append(f"  {name:<30} {function.handler:<30}{extra}")
        if trigger is not None and function.service:
            lines.append(f"  {'':<30} FC 3.0 URL: {fc3_url}")
    print("\n".join(lines), flush=True)


def demo(app: Any, url: str) -> None:
    """A short tour of the loop, through the official clients against the running server."""
    import fc2
    from vodfc.emulator.fc import get_fc

    runtime = get_fc(app).runtime
    client = _fc_client(url)
    print("\nLive demo (official clients against the server):", flush=True)

    def invoke(name: str, event: dict[str, Any]) -> Any:
        function = runtime.function(name)
        if function is None:
            return None
        if not function.service:  # FC 3.0: no service; through the FC 3.0 API
            return _invoke_fc3(url, runtime, name, event)
        print(f"\n  fc2 invoke_function {name} {json.dumps(event)}", flush=True)
        try:
            answer = json.loads(client.invoke_function(SERVICE, name, payload=json.dumps(event)).data)
        except fc2.FcError as exc:
            print(f"  -> function error: {exc.message}", flush=True)
            return None
        return answer

    found = invoke("SearchMedia", {"PageSize": 3})
    video_id = None
    if found is not None:
        media = found.get("MediaList") or []
        print(
            f"  -> Total {found.get('Total', found.get('Code'))}; first titles: "
            + ", ".join(str((m.get("Video") or {}).get("Title")) for m in media),
            flush=True,
        )
        if media:
            video_id = (media[0].get("Video") or {}).get("VideoId") or media[0].get("MediaId")
    if video_id:
        info = invoke("GetVideoInfo", {"VideoId": video_id})
        if info is not None:
            video = info.get("Video") or {}
            print(
                f"  -> {video.get('VideoId')}: {video.get('Title')!r}, {video.get('Status')}, "
                f"{video.get('Duration')} s",
                flush=True,
            )
            function = runtime.function("GetVideoInfo")
            if function is not None and function.service:
                # The same function of the FC 2.0 template through the FC 3.0 API.
                _invoke_fc3(url, runtime, "GetVideoInfo", {"VideoId": video_id})
            if function is not None and function.fc_version == 3 and function.http_trigger is not None:
                _demo_fc3_http(app, url, function, f"/videos/{video_id}")
        if runtime.function("GetVideoInfoHttp") is not None:
            print(
                f"\n  fc2 do_http_request GET /2016-08-15/proxy/{SERVICE}/GetVideoInfoHttp/videos/{video_id}"
            )
            response = client.do_http_request(
                "GET", SERVICE, "GetVideoInfoHttp", f"/videos/{video_id}", headers={}
            )
            print(f"  -> HTTP {response.status_code}, {len(response.content)} bytes", flush=True)
    _demo_upload(app, url, invoke)
    timed = [f for f in runtime.functions() if f.triggers_of("Timer")]
    if timed:
        import requests
        from vodfc.emulator.admintoken import auth_headers
        from vodfc.emulator.app import get_state

        function = timed[0]
        print(f"\n  POST /_vodfc/fc/timers/{function.name}  (its Timer trigger, fired now)", flush=True)
        fired = requests.post(
            f"{url}/_vodfc/fc/timers/{function.name}",
            headers=auth_headers(get_state(app).guard.token),
            timeout=function.timeout + 30,
        ).json()
        outcome = fired.get("result") if fired.get("ok") else fired.get("error")
        print(f"  -> {_timer_summary(outcome)}", flush=True)


def _fc3_client(url: str) -> Any:
    """An FC 3.0 client (alibabacloud_fc20230330) for the server at ``url``; None when it is not installed."""
    try:
        from alibabacloud_fc20230330.client import Client
        from alibabacloud_tea_openapi.utils_models import Config
    except ImportError:
        return None
    from vodfc.emulator.config import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET

    return Client(
        Config(
            access_key_id=DEFAULT_ACCESS_KEY_ID,
            access_key_secret=DEFAULT_ACCESS_KEY_SECRET,
            endpoint=url.removeprefix("http://"),
            protocol="http",
        )
    )


def _invoke_fc3(url: str, runtime: Any, name: str, event: dict[str, Any]) -> Any:
    """Invoke through the FC 3.0 API with its client, or through the runtime when the client is not there."""
    client = _fc3_client(url)
    if client is None:
        print(f"\n  runtime invoke {name} {json.dumps(event)}  (no FC 3.0 client installed)", flush=True)
        result = runtime.invoke(name, event)
        if result.error is not None:
            print(f"  -> function error: {result.error.get('errorMessage')}", flush=True)
            return None
        return result.json()
    from alibabacloud_fc20230330 import models

    print(f"\n  fc20230330 invoke_function {name} {json.dumps(event)}  (FC 3.0: no service)", flush=True)
    response = client.invoke_function(name, models.InvokeFunctionRequest(body=json.dumps(event).encode()))
    body = response.body.read()
    if response.headers.get("x-fc-error-type"):
        print(f"  -> function error: {body.decode('utf-8', 'replace')}", flush=True)
        return None
    print(f"  -> HTTP {response.status_code}, {len(body)} bytes", flush=True)
    return json.loads(body)


def _demo_fc3_http(app: Any, url: str, function: Any, path: str) -> None:
    """A request through an FC 3.0 function's HTTP trigger (its URL's path form), signed as FC 3.0 signs."""
    client = _fc3_client(url)
    if client is None:
        return
    from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
    from darabonba.runtime import RuntimeOptions
    from vodfc.emulator.fc import get_fc
    from vodfc.emulator.fc.api3 import path_url

    trigger_path = path_url("", get_fc(app), function) + path
    print(f"\n  GET {url}{trigger_path}  (its FC 3.0 HTTP trigger, ACS3-signed)", flush=True)
    params = Params(
        action="HttpTrigger",
        version="2023-03-30",
        protocol="HTTP",
        pathname=trigger_path,
        method="GET",
        auth_type="AK",
        style="ROA",
        req_body_type="json",
        body_type="string",
    )
    answer = client.call_api(params, OpenApiRequest(), RuntimeOptions())
    print(f"  -> HTTP {answer['statusCode']}, {len(answer['body'])} bytes", flush=True)


def _only_ignored(invocation: Any) -> bool:
    """The event function acknowledged an event type it does not handle (shared.events' "ignored")."""
    try:
        results = invocation.json().get("Results")
    except (ValueError, AttributeError):
        return False
    return bool(results) and all(r.get("Outcome") == "ignored" for r in results if isinstance(r, dict))


def _ran(invocation: Any) -> list[str]:
    """``<event function> <outcome>`` for each report of the event router's answer."""
    try:
        results = invocation.json().get("Results")
    except (ValueError, AttributeError):
        return []
    if not isinstance(results, list):
        return []
    return [
        f"{r['Function']} {r.get('Outcome')}" for r in results if isinstance(r, dict) and r.get("Function")
    ]


def _timer_summary(outcome: Any) -> str:
    """One line for a timer run: the sweep's report in words when it is one, else the JSON, cut short."""
    results = outcome.get("Results") if isinstance(outcome, dict) else None
    if isinstance(results, list) and results and isinstance(results[0], dict) and "Deleted" in results[0]:
        report = results[0]
        deleted = report.get("Deleted") or []
        verb = "would delete" if report.get("DryRun") else "deleted"
        ids = f": {', '.join(deleted)}" if deleted else ""
        skipped = len(report.get("Skipped") or [])
        return (
            f"{report.get('Outcome')}: examined {report.get('Examined')}, {verb} {len(deleted)} "
            f"video(s){ids}, skipped {skipped}, complete={report.get('Complete')}"
        )
    text = json.dumps(outcome, ensure_ascii=False)
    return f"{text[:300]}{'...' if len(text) > 300 else ''}"


def _demo_upload(app: Any, url: str, invoke: Callable[[str, dict[str, Any]], Any]) -> None:
    """Upload a tiny generated video with oss2 and show the events and what the functions did."""
    from vodfc.emulator.app import emulator_of

    emulator = emulator_of(app)
    if emulator.oss is None or emulator.events is None:
        return
    try:
        import oss2
        from vodfc.emulator.media.synth import make_video
    except ImportError:
        return
    import base64

    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    key = emulator.config.access_keys[0]
    region = emulator.config.region
    acs = AcsClient(key.access_key_id, key.access_key_secret, region)
    acs.add_endpoint(region, "vod", url.removeprefix("http://"))
    request = CommonRequest(
        domain=url.removeprefix("http://"), version="2017-03-21", action_name="CreateUploadVideo"
    )
    request.set_method("POST")
    request.add_query_param("Title", "vodfc demo upload")
    request.add_query_param("FileName", "demo.mp4")
    request.add_query_param("Tags", "demo")
    try:
        answer = json.loads(acs.do_action_with_exception(request))
    except Exception as exc:
        print(f"\n  (upload step skipped: CreateUploadVideo is not available: {exc})", flush=True)
        return
    address = json.loads(base64.b64decode(answer["UploadAddress"]))
    auth = json.loads(base64.b64decode(answer["UploadAuth"]))
    endpoint = address.get("Endpoint") or url
    print(
        f"\n  CreateUploadVideo -> {answer['VideoId']}; "
        f"oss2 put_object to {address['Bucket']}/{address['FileName']}"
    )
    bucket = oss2.Bucket(
        oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"]),
        endpoint,
        address["Bucket"],
    )
    bucket.put_object(address["FileName"], make_video())
    from vodfc.emulator.fc import get_fc

    bus = emulator.events
    if bus is not None:
        bus.flush(timeout=20)
    time.sleep(0.2)
    runtime = get_fc(app).runtime
    if bus is not None:
        events = [e for e in bus.events() if e.get("VideoId") == answer["VideoId"]]
        for event in events:
            print(f"  event {event.get('EventType')} {event.get('Status', '')}", flush=True)
    acknowledged = 0
    for delivery in runtime.deliveries:
        if delivery.invocation.ok and _only_ignored(delivery.invocation):
            acknowledged += 1
            continue
        ran = ", ".join(_ran(delivery.invocation))
        print(
            f"  -> {delivery.event_type} delivered to {delivery.function} "
            f"({'ok' if delivery.invocation.ok else 'failed'}, {delivery.attempts} attempt(s))"
            + (f": {ran}" if ran else ""),
            flush=True,
        )
    if acknowledged:
        print(
            f"  -> and {acknowledged} deliveries of event types no event function handles "
            "(one unfiltered subscription: acknowledged, nothing done)",
            flush=True,
        )
    info = invoke("GetVideoInfo", {"VideoId": answer["VideoId"]})
    if info is not None:
        video = info.get("Video") or {}
        print(f"  GetVideoInfo -> {video.get('Status')}, tags {video.get('Tags')!r}", flush=True)
