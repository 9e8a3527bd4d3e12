"""The VOD fast path (``vodfc.emulator.gateway.wsgi_front``) answers exactly as the Flask route on ``/`` does,
and keeps what Flask's request cycle gave: host routing, request hooks, events after the lock."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from flask import Flask, Response
from vodfc.emulator.app import get_state
from vodfc.emulator.events import get_bus
from vodfc.emulator.gateway import get_endpoint
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer
from vodfc.emulator.vod.exceptions import ThrottlingUser
from werkzeug.test import EnvironBuilder

HOST = "vod.cn-shanghai.aliyuncs.com"
SIGNED_AT = datetime.now(timezone.utc)


@pytest.fixture
def app(make_fake_app: Any) -> Any:
    # Nonces are not checked: each request is answered twice, once by each door.
    app = make_fake_app(check_nonce=False)
    get_state(app).backend().put("v1", Title="hello")
    return app


def _call(app: Any, environ: dict[str, Any], *, fast: bool) -> tuple[str, list[tuple[str, str]], bytes]:
    assert get_endpoint(app).claims(environ)
    answer: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer[:] = [status, headers]

    # app.wsgi_app is the front (fast path); Flask.wsgi_app is Flask's own request cycle.
    result = app.wsgi_app(environ, start_response) if fast else Flask.wsgi_app(app, environ, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    return answer[0], answer[1], body


def _without_request_id(headers: list[tuple[str, str]], body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    request_id = dict(headers)["x-acs-request-id"]
    return [(k, "<id>" if k == "x-acs-request-id" else v) for k, v in headers], body.replace(
        request_id.encode(), b"<id>"
    )


def _rpc(
    signing: Any, query: dict[str, str], *, method: str = "GET", body: dict[str, str] | None = None, **kw: Any
):  # type: ignore[no-untyped-def]
    # One nonce and timestamp for both doors: error messages quote the string to sign.
    signed = signing.rpc_signed(method, query, body, nonce="fixed-nonce", when=SIGNED_AT, **kw)
    return EnvironBuilder(
        path="/",
        base_url=f"http://{HOST}",
        method=method,
        query_string=urlencode(signed),
        data=urlencode(body) if body else None,
        content_type="application/x-www-form-urlencoded" if body else None,
    )


REQUESTS = {
    "json": lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}),
    "xml by default": lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}, fmt=None),
    "form body": lambda s: _rpc(s, {"Action": "GetVideoInfo"}, method="POST", body={"VideoId": "v1"}),
    "not found": lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "nope"}),
    "unknown action": lambda s: _rpc(s, {"Action": "NoSuchAction"}),
    "no action": lambda s: _rpc(s, {}),
    "bad signature": lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}, secret="wrong"),
    "unquoted junk": lambda s: EnvironBuilder(
        path="/", base_url=f"http://{HOST}", query_string="a=%zz&b=%ff&=&+"
    ),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_fast_path_answers_byte_for_byte_like_the_flask_route(app: Any, signing: Any, name: str) -> None:
    # A fresh request for each door: a builder's body stream is read once.
    fast_status, fast_headers, fast_body = _call(app, REQUESTS[name](signing).get_environ(), fast=True)
    flask_status, flask_headers, flask_body = _call(app, REQUESTS[name](signing).get_environ(), fast=False)
    assert fast_status == flask_status
    assert _without_request_id(fast_headers, fast_body) == _without_request_id(flask_headers, flask_body)


def test_hook_errors_render_alike_on_both_doors(app: Any, signing: Any, caplog: Any) -> None:
    state = get_state(app)

    def throttle(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise ThrottlingUser(headers={"x-acs-retry-after": "250", "content-type": "text/x-overridden"})

    def crash(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise RuntimeError("bug in a component")

    for hook, status in ((throttle, "400 BAD REQUEST"), (crash, "500 INTERNAL SERVER ERROR")):
        state.before_action[:] = [hook]
        with caplog.at_level(logging.ERROR):
            fast = _call(app, REQUESTS["json"](signing).get_environ(), fast=True)
            flask = _call(app, REQUESTS["json"](signing).get_environ(), fast=False)
        assert fast[0] == flask[0] == status
        assert _without_request_id(*fast[1:]) == _without_request_id(*flask[1:])
    assert json.loads(fast[2])["Code"] == "InternalError"
    assert [r.getMessage() for r in caplog.records].count("unexpected error answering GET /") == 2


@pytest.mark.parametrize("accept", ["application/json", "*/*"])
def test_a_failing_request_hook_is_an_internal_error_on_both_doors(app: Any, accept: str) -> None:
    def broken(environ: Any) -> None:
        raise RuntimeError("broken request hook")

    get_state(app).request_hooks.append(broken)

    def environ() -> dict[str, Any]:
        return EnvironBuilder(path="/", base_url=f"http://{HOST}", headers={"Accept": accept}).get_environ()

    fast, flask = _call(app, environ(), fast=True), _call(app, environ(), fast=False)
    assert fast[0] == flask[0] == "500 INTERNAL SERVER ERROR"
    assert _without_request_id(*fast[1:]) == _without_request_id(*flask[1:])
    assert b"InternalError" in fast[2]


def test_other_paths_and_methods_are_left_to_flask(app: Any) -> None:
    endpoint = get_endpoint(app)
    assert not endpoint.claims(EnvironBuilder(path="/_vodfc/health").get_environ())
    assert not endpoint.claims(EnvironBuilder(path="/", method="HEAD").get_environ())
    assert not endpoint.claims(EnvironBuilder(path="/", method="TRACE").get_environ())
    client = app.test_client()
    assert client.get("/_vodfc/health").json["status"] == "ok"
    traced = client.open("/", method="TRACE", headers={"Accept": "application/json"})
    assert traced.json["Code"] == "MethodNotAllowed"


def test_a_host_a_component_registered_still_reaches_its_handler(make_fake_app: Any) -> None:
    app = make_fake_app()
    environ = EnvironBuilder(path="/", base_url="http://vod.cn-hangzhou.aliyuncs.com").get_environ()
    assert get_endpoint(app).claims(environ)
    get_state(app).add_host_route(r"vod\.cn-hangzhou\.aliyuncs\.com", lambda match: Response("component"))
    assert not get_endpoint(app).claims(environ)  # a route added after a call still counts
    with MockVod(app=app):
        assert requests.get("https://vod.cn-hangzhou.aliyuncs.com/?Action=GetVideoInfo").text == "component"
    with ThreadedServer(app) as server:
        answer = requests.get(server.url + "/", headers={"Host": "vod.cn-hangzhou.aliyuncs.com"}, timeout=5)
        assert answer.text == "component"


@pytest.mark.parametrize("register", ["before_request", "after_request", "teardown_request"])
def test_a_flask_hook_of_someone_elses_sends_vod_calls_through_flask(
    make_fake_app: Any, register: str
) -> None:
    app = make_fake_app()
    ran: list[str] = []

    def hook(*args: Any) -> Any:
        ran.append(register)
        return args[0] if register == "after_request" else None

    environ = EnvironBuilder(path="/", base_url=f"http://{HOST}").get_environ()
    assert get_endpoint(app).claims(environ)
    getattr(app, register)(hook)
    assert not get_endpoint(app).claims(environ)
    with MockVod(app=app):
        get_state(app).backend().put("v1")
        AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai").do_action_with_exception(
            _get_video("v1")
        )
    assert ran == [register]


def test_request_hooks_run_on_the_fast_path(make_fake_app: Any) -> None:
    app = make_fake_app()
    seen: list[tuple[str, str]] = []
    get_state(app).request_hooks.append(
        lambda environ: seen.append((environ["PATH_INFO"], environ["vodfc.mode"]))
    )
    with MockVod(app=app):
        get_state(app).backend().put("v1")
        AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai").do_action_with_exception(
            _get_video("v1")
        )
    assert seen == [("/", "inprocess")]


def _get_video(video_id: str) -> Any:
    from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    return request


def test_events_of_an_in_process_call_are_delivered_after_the_backend_lock(make_fake_app: Any) -> None:
    app = make_fake_app(components=("vodfc.emulator.events",))
    state, bus = get_state(app), get_bus(app)
    lock_free: list[bool] = []
    titles: list[str] = []

    def check_the_lock(event: dict[str, Any]) -> None:
        # Another thread must get the lock: the calling thread holds an RLock it could re-enter.
        free = state.backend().lock.acquire(timeout=5)
        if free:
            state.backend().lock.release()
        lock_free.append(free)
        titles.append(state.backend().videos["v1"]["Title"])

    def emit_on_update(backend: Any, action: str, params: Any, ctx: Any, result: Any) -> None:
        bus.emit({"EventType": "MediaBaseChangeComplete", "MediaId": params["VideoId"]})

    with MockVod(app=app):
        state.backend().put("v1", Title="old")
        bus.subscribe(lambda event: _in_thread(check_the_lock, event))
        state.after_action.append(emit_on_update)
        request = UpdateVideoInfoRequest()
        request.set_VideoId("v1")
        request.set_Title("new")
        AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai").do_action_with_exception(
            request
        )
        assert lock_free == [True]  # delivered synchronously, before the answer came back
        assert titles == ["new"]


def _in_thread(work: Any, *args: Any) -> None:
    thread = threading.Thread(target=work, args=args)
    thread.start()
    thread.join(10)
