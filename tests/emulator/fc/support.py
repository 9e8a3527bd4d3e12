"""Helpers for the FC runtime tests: a small function project on disk, fc2 clients for both modes, and the
emulator configuration and target the ``probe`` fixture (conftest.py here) serves it with; the FC 3.0
project (``FC3_TEMPLATE``), its clients, ACS3-signed requests and the ``fc3`` fixture's target."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from vodfc.emulator.admintoken import auth_headers
from vodfc.emulator.app import get_state
from vodfc.emulator.config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    EmulatorConfig,
)
from vodfc.emulator.fc import FunctionRuntime, get_fc

FC_HOST_URL = f"https://{DEFAULT_ACCOUNT_ID}.{DEFAULT_REGION}.fc.aliyuncs.com"

PROBE_CODE = """
import json
import logging
import os
import sys
import threading
import time

STATE = {"init": 0, "calls": 0}
WATCHED = (
    "FC_FUNCTION_NAME", "FC_SERVICE_NAME", "FC_FUNCTION_HANDLER", "FC_FUNCTION_MEMORY_SIZE", "FC_REGION",
    "FC_ACCOUNT_ID", "FC_QUALIFIER", "FC_INSTANCE_ID", "FC_RUNTIME_VERSION", "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_SECURITY_TOKEN", "accessKeyID", "PROBE_SETTING", "VOD_ENDPOINT", "TMPDIR",
    "PROBE_HOST_ONLY", "PROBE_CHANGED",
)


def act(data, context):
    # What a test asks the instance to do; the answers come back in the result's "out".
    out = {}
    if "oswrite" in data:
        os.write(2, ("\\n" + data["oswrite"] + "\\n").encode())
    if "setenv" in data:
        os.environ.update(data["setenv"])
    if "bulk" in data:
        for i in range(data["bulk"]):
            print(f"bulk line {i}")
    if "later" in data:
        # Output after the answer, from a thread the invocation leaves running, data["after"] seconds on.
        def write_later(text=data["later"], after=data.get("after", 0.1)):
            time.sleep(after)
            print(text, flush=True)

        threading.Thread(target=write_later, daemon=True).start()
    if "write" in data:
        with open(data["write"][0], "w") as f:
            f.write(data["write"][1])
    if "read" in data:
        path = data["read"]
        out["read"] = open(path).read() if os.path.exists(path) else None
    if "tick" in data:
        # Side effects until stopped: one line every 20 ms.
        while True:
            with open(data["tick"], "a") as f:
                f.write("tick\\n")
            time.sleep(0.02)
    if "spin" in data:
        end = time.time() + data["spin"]
        while time.time() < end:
            pass
    if "exit" in data:
        os._exit(data["exit"])
    if "barrier" in data:
        # Meet the other invocations: each leaves a file and waits until there are n.
        folder, n = data["barrier"]
        open(os.path.join(folder, f"{os.getpid()}-{context.request_id}"), "w").close()
        end = time.time() + 20
        while len(os.listdir(folder)) < n and time.time() < end:
            time.sleep(0.01)
        out["met"] = len(os.listdir(folder))
    if "wait_for" in data:
        end = time.time() + 20
        while not os.path.exists(data["wait_for"]) and time.time() < end:
            time.sleep(0.01)
    if "vodcall" in data:
        # A VOD call of this function's own, with its credentials, at its VOD_ENDPOINT.
        from aliyunsdkcore.acs_exception.exceptions import ServerException
        from aliyunsdkcore.auth.credentials import StsTokenCredential
        from aliyunsdkcore.client import AcsClient
        from aliyunsdkcore.request import CommonRequest

        creds = context.credentials
        credential = StsTokenCredential(creds.access_key_id, creds.access_key_secret,
                                        creds.security_token)
        client = AcsClient(region_id=context.region, credential=credential, auto_retry=False)
        action = data.get("vodaction", "GetVideoInfo")
        request = CommonRequest(domain=os.environ["VOD_ENDPOINT"].split("://")[1],
                                version="2017-03-21", action_name=action)
        request.set_method("POST")
        request.add_query_param("VideoId", data["vodcall"])
        if action == "UpdateVideoInfo":
            request.add_query_param("Title", "renamed by the probe")
        try:
            answer = json.loads(client.do_action_with_exception(request))
            out["vod"] = answer["Video"]["Title"] if "Video" in answer else "ok"
        except ServerException as exc:
            out["vod"] = exc.get_error_code()
    if "nested" in data:
        # Another function, through the FC API of the emulator this instance was given.
        import fc2

        creds = context.credentials
        client = fc2.Client(
            endpoint=os.environ["VOD_ENDPOINT"],
            accessKeyID=creds.access_key_id,
            accessKeySecret=creds.access_key_secret,
            securityToken=creds.security_token,
        )
        out["nested"] = json.loads(client.invoke_function(context.service.name, data["nested"], b"{}").data)
    return out



def init(context):
    STATE["init"] += 1


def handler(event, context):
    STATE["calls"] += 1
    data = json.loads(event) if event else {}
    logging.getLogger("probe").info("probe got %d bytes", len(event))
    if data.get("print"):
        print(data["print"])
        print("no newline yet", end="")
    if data.get("raise"):
        raise ValueError(data["raise"])
    if data.get("sleep"):
        time.sleep(data["sleep"])
    if data.get("raw"):
        return data["raw"]
    out = act(data, context)
    creds = context.credentials
    return {
        "out": out,
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "path": sys.path[:2],
        "module": __name__,
        "event": data,
        "event_type": type(event).__name__,
        "init": STATE["init"],
        "calls": STATE["calls"],
        "request_id": context.request_id,
        "credentials": [creds.access_key_id, creds.access_key_secret, creds.security_token],
        "function": [context.function.name, context.function.handler, context.function.memory,
                     context.function.timeout],
        "service": [context.service.name, context.service.log_project, context.service.log_store,
                    context.service.qualifier, context.service.version_id],
        "region": context.region,
        "account_id": context.account_id,
        "env": {name: os.environ.get(name) for name in WATCHED},
    }


def web3(event, context):
    # An FC 3.0 HTTP handler: it answers by path, with the event it got.
    data = json.loads(event)
    path = data["requestContext"]["http"]["path"]
    if path == "/raise":
        raise RuntimeError("web boom")
    if path == "/plain":
        return "just text"
    if path == "/object":
        return {"no": "statusCode"}
    if path == "/invalid":
        return {"statusCode": "teapot"}
    if path == "/binary":
        import base64

        return {
            "statusCode": 206,
            "headers": {"Content-Type": "application/octet-stream", "Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(bytes(range(256))).decode(),
            "isBase64Encoded": True,
        }
    answer = {"event": data, "request_id": context.request_id}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(answer)}


def context_shape(event, context):
    # What the runtime's context holds (python3.12's differs from python3.10's).
    function = context.function
    return {
        "attributes": sorted(name for name in dir(context) if not name.startswith("_")),
        "function": sorted(name for name in dir(function) if not name.startswith("_")),
        "qualifier": getattr(function, "qualifier", None),
        "log": [getattr(context, "log_project", None), getattr(context, "log_store", None)],
        "logger": type(context.logger).__name__,
        "env_key": os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "env_token": bool(os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN")),
    }


def wsgi(environ, start_response):
    body = json.dumps({
        "method": environ["REQUEST_METHOD"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "uri": environ["fc.request_uri"],
        "body": environ["wsgi.input"].read().decode(),
        "content_type": environ.get("CONTENT_TYPE"),
        "request_id": environ["fc.context"].request_id,
        "x_custom": environ.get("HTTP_X_CUSTOM"),
        "server": environ["SERVER_NAME"],
        "function_env": environ.get("FC_FUNCTION_NAME"),
    }).encode()
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("http boom")
    if environ["PATH_INFO"] == "/wait":
        from urllib.parse import parse_qs

        flag = parse_qs(environ["QUERY_STRING"])["f"][0]
        end = time.time() + 20
        while not os.path.exists(flag) and time.time() < end:
            time.sleep(0.01)
    if environ["PATH_INFO"] == "/teapot":
        start_response("418 I'm a teapot", [("Content-Type", "application/json")])
        return [b'{"Code": "Teapot", "Message": "short and stout"}']
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Probe", "yes")])
    return [body]
"""


def template_text(extra_functions: str = "", probe_props: str = "") -> str:
    return (
        textwrap.dedent(
            """\
        ROSTemplateFormatVersion: '2015-09-01'
        Transform: 'Aliyun::Serverless-2018-04-03'
        Resources:
          probe:
            Type: 'Aliyun::Serverless::Service'
            Properties:
              Description: probe service
              LogConfig:
                Project: probe-project
                Logstore: probe-store
            Probe:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.handler
                Initializer: main.init
                Runtime: python3.10
                CodeUri: code/
                Timeout: 7
                MemorySize: 512
                EnvironmentVariables:
                  PROBE_SETTING: hello
        {probe_props}
            Other:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.handler
                Runtime: python3.10
                CodeUri: code/
            ProbeHttp:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.wsgi
                Runtime: python3.10
                CodeUri: code/
              Events:
                http:
                  Type: HTTP
                  Properties:
                    AuthType: function
                    Methods: [GET, POST]
            ProbeOpen:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.wsgi
                Runtime: python3.10
                CodeUri: code/
              Events:
                http:
                  Type: HTTP
                  Properties:
                    AuthType: anonymous
                    Methods: [GET]
            Ticker:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.handler
                Runtime: python3.10
                CodeUri: code/
              Events:
                every-minute:
                  Type: Timer
                  Properties:
                    CronExpression: '0 * * * * *'
                    Payload: '{"from": "timer"}'
                    Enable: true
            OnSnapshot:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.handler
                Runtime: python3.10
                CodeUri: code/
              Events:
                snapshot:
                  Type: MNSTopic
                  Properties:
                    TopicName: vodfc-vod-events
                    Region: cn-shanghai
                    NotifyContentFormat: JSON
                    NotifyStrategy: BACKOFF_RETRY
                    FilterTag: SnapshotComplete
            OnAnything:
              Type: 'Aliyun::Serverless::Function'
              Properties:
                Handler: main.handler
                Runtime: python3.10
                CodeUri: code/
              Events:
                all:
                  Type: MNSTopic
                  Properties:
                    TopicName: vodfc-vod-events
                    NotifyContentFormat: STREAM
        {extra}
        """
        )
        .replace("{probe_props}\n", probe_props)
        .replace("{extra}\n", extra_functions)
    )


def write_project(root: Path, template: str | None = None, code: str = PROBE_CODE) -> Path:
    (root / "code").mkdir(parents=True, exist_ok=True)
    (root / "code" / "main.py").write_text(code)
    path = root / "template.yml"
    path.write_text(template if template is not None else template_text())
    return path


def fc_client(url: str | None = None, **keys: Any) -> Any:
    import fc2

    return fc2.Client(
        endpoint=url or FC_HOST_URL,
        accessKeyID=keys.get("access_key_id", DEFAULT_ACCESS_KEY_ID),
        accessKeySecret=keys.get("access_key_secret", DEFAULT_ACCESS_KEY_SECRET),
        securityToken=keys.get("security_token", ""),
    )


# Only what these tests need: VOD (always there), the event bus, and FC.
CONFIG = EmulatorConfig(components=("events", "fc"))


@dataclass
class Target:
    mode: str
    app: Any
    url: str | None  # None in-process: fc2 keeps the real FC host and mock_vod answers it

    @property
    def runtime(self) -> FunctionRuntime:
        return get_fc(self.app).runtime

    def client(self, **keys: Any) -> Any:
        return fc_client(self.url, **keys)

    @property
    def admin_headers(self) -> dict[str, str]:
        """For ``/_vodfc/...`` requests (in-process, mock_vod would add the token by itself)."""
        return auth_headers(get_state(self.app).guard.token)

    @property
    def base(self) -> str:
        return self.url or FC_HOST_URL


# --- FC 3.0 -------------------------------------------------------------------------------------------


def _function(handler: str, runtime: str = "python3.10", events: Any = None, **props: Any) -> dict[str, Any]:
    block: dict[str, Any] = {
        "Type": "Aliyun::Serverless::Function",
        "Properties": {"Handler": handler, "Runtime": runtime, "CodeUri": "code/", **props},
    }
    if events:
        block["Events"] = events
    return block


def _http(auth: str, *methods: str) -> dict[str, Any]:
    return {"http": {"Type": "HTTP", "Properties": {"AuthType": auth, "Methods": list(methods)}}}


SERVICE = "Aliyun::Serverless::Service"
TIMER = {
    "every-minute": {
        "Type": "Timer",
        "Properties": {"CronExpression": "0 * * * * *", "Payload": '{"from": "timer"}', "Enable": True},
    }
}
FC3_TEMPLATE = yaml.safe_dump(
    {
        "ROSTemplateFormatVersion": "2015-09-01",
        "Transform": "Aliyun::Serverless-2018-04-03",
        "Resources": {
            "probe": {
                "Type": SERVICE,
                "Properties": {"LogConfig": {"Project": "probe-project", "Logstore": "probe-store"}},
                "Probe": _function(
                    "main.handler",
                    Initializer="main.init",
                    MemorySize=512,
                    EnvironmentVariables={"PROBE_SETTING": "hello"},
                ),
                "Shape310": _function("main.context_shape"),
                "Shape312": _function("main.context_shape", "python3.12"),
                "ProbeOpen": _function("main.wsgi", events=_http("anonymous", "GET")),
                "Twin": _function("main.handler", events=TIMER),
            },
            # A second service with a function of the same name.
            "other": {"Type": SERVICE, "Twin": _function("main.handler")},
            "web": {
                "Type": SERVICE,
                "Web3": _function("main.web3", events=_http("anonymous", "GET", "POST")),
                "Web3Signed": _function("main.web3", "python3.12", events=_http("function", "GET", "POST")),
            },
        },
    },
    sort_keys=False,
)
# The functions of FC3_TEMPLATE that stand for FC 3.0 functions (what an s.yaml declares).
FC3_FUNCTIONS = ("Web3", "Web3Signed")


def as_fc3(template: Any, names: tuple[str, ...] = FC3_FUNCTIONS) -> Any:
    """``template`` with the functions ``names`` made FC 3.0 functions."""
    from dataclasses import replace

    services = {
        name: replace(
            service,
            functions={
                fn: replace(f, fc_version=3 if f.name in names else 2) for fn, f in service.functions.items()
            },
        )
        for name, service in template.services.items()
    }
    return replace(template, services=services)


@dataclass
class Fc3Target(Target):
    """A target serving the FC 3.0 project: FC 3.0 clients, and the trigger URLs as a client reaches them."""

    def client(self, **keys: Any) -> Any:
        return fc3_client(self.url, **keys)

    def trigger_url(self, function: str) -> str:
        """The function's HTTP trigger URL: FC 3.0's own in-process, its path form on a server."""
        from vodfc.emulator.fc.api3 import path_url, trigger_url

        component = get_fc(self.app)
        found = component.runtime.function(function)
        assert found is not None
        if self.url is None:
            return trigger_url(component, found)
        return path_url(self.url, component, found)


def fc3_client(url: str | None = None, **keys: Any) -> Any:
    """An ``alibabacloud_fc20230330`` client: at a server, or at FC 3.0's real host (mock_vod answers)."""
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_tea_openapi.utils_models import Config

    config = Config(
        access_key_id=keys.get("access_key_id", DEFAULT_ACCESS_KEY_ID),
        access_key_secret=keys.get("access_key_secret", DEFAULT_ACCESS_KEY_SECRET),
        security_token=keys.get("security_token") or None,
        region_id=DEFAULT_REGION,
    )
    if url is not None:
        config.endpoint, config.protocol = url.removeprefix("http://"), "http"
    return Client(config)


def acs3_headers(
    method: str,
    url: str,
    body: bytes = b"",
    *,
    access_key_id: str = DEFAULT_ACCESS_KEY_ID,
    access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET,
) -> dict[str, str]:
    """The headers of a request to ``url`` signed with ACS3-HMAC-SHA256 by Tea's own signing code."""
    import hashlib
    import uuid
    from types import SimpleNamespace
    from urllib.parse import parse_qsl, urlsplit

    from alibabacloud_tea_openapi.utils import Utils

    parts = urlsplit(url)
    headers = {
        "host": parts.netloc,
        "x-acs-date": Utils.get_timestamp(),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    request: Any = SimpleNamespace(
        pathname=parts.path or "/", method=method, query=dict(parse_qsl(parts.query)), headers=headers
    )
    headers["Authorization"] = Utils.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], access_key_id, access_key_secret
    )
    return headers
