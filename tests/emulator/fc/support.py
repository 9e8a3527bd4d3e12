"""Helpers for the FC runtime tests: a small function project on disk, fc2 clients for both modes, and the
emulator configuration and target the ``probe`` fixture (conftest.py here) serves it with."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
                     context.function.timeout, context.function.initializer],
        "service": [context.service.name, context.service.log_project, context.service.log_store,
                    context.service.qualifier, context.service.version_id],
        "region": context.region,
        "account_id": context.account_id,
        "env": {name: os.environ.get(name) for name in WATCHED},
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
