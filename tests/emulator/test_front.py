"""The emulator's one request cycle (``vodfc.emulator.front``): what a VOD call puts on the wire, and what
the cycle keeps of a web app's: host routing, request hooks once per request, one error path, a dropped
connection, events after the lock.

A VOD call never enters Flask; its answer must still be exactly what werkzeug would send for it (status
line, header order, Content-Length), so a client cannot tell which code path rendered it.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import requests
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest
from flask import Response
from flask import request as flask_request
from vodfc.emulator.app import get_state
from vodfc.emulator.events import get_bus
from vodfc.emulator.front import DirectRoute
from vodfc.emulator.mock import MockVod
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.server import ThreadedServer
from vodfc.emulator.vod.exceptions import ThrottlingUser
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response as WerkzeugResponse

from tests.emulator.support.plugin_over_fakes import fake_mock_app, fake_server  # noqa: F401  (vod on fakes)
from tests.emulator.support.refusals import detail_of

HOST = "vod.cn-shanghai.aliyuncs.com"
SIGNED_AT = datetime.now(timezone.utc)


@pytest.fixture
def app(make_fake_app: Any) -> Any:
    # Nonces are not checked: a test may send the same signed request twice.
    app = make_fake_app(check_nonce=False)
    get_state(app).backend().put("v1", Title="hello")
    return app


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """One request through the app's WSGI entry, as every transport sends it."""
    answer: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer[:] = [status, headers]

    result = app(environ, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    return answer[0], answer[1], body


def _as_werkzeug_sends_it(status: str, headers: list[tuple[str, str]], body: bytes) -> tuple[str, list[Any]]:
    """The status line and headers werkzeug's own Response puts on the wire for the same answer."""
    response = WerkzeugResponse(body, status=int(status.split(" ", 1)[0]), headers=headers)
    sent: list[Any] = []
    response(EnvironBuilder().get_environ(), lambda s, h, e=None: sent.extend([s, h]))
    return sent[0], sent[1]


def _without_request_id(headers: list[tuple[str, str]], body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    request_id = dict(headers)["x-acs-request-id"]
    return [(k, "<id>" if k == "x-acs-request-id" else v) for k, v in headers], body.replace(
        request_id.encode(), b"<id>"
    )


def _rpc(
    signing: Any, query: dict[str, str], *, method: str = "GET", body: dict[str, str] | None = None, **kw: Any
):  # type: ignore[no-untyped-def]
    signed = signing.rpc_signed(method, query, body, nonce="fixed-nonce", when=SIGNED_AT, **kw)
    return EnvironBuilder(
        path="/",
        base_url=f"http://{HOST}",
        method=method,
        query_string=urlencode(signed),
        data=urlencode(body) if body else None,
        content_type="application/x-www-form-urlencoded" if body else None,
    )


def _code(content_type: str, body: bytes) -> str:
    if content_type.startswith("application/json"):
        return str(json.loads(body).get("Code", "OK"))
    root = ElementTree.fromstring(body)
    return root.findtext("Code") or "OK"


# name: (request, status line, content type, Code)
REQUESTS = {
    "json": (
        lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}),
        "200 OK",
        "application/json;charset=utf-8",
        "OK",
    ),
    "xml by default": (
        lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}, fmt=None),
        "200 OK",
        "text/xml;charset=utf-8",
        "OK",
    ),
    "form body": (
        lambda s: _rpc(s, {"Action": "GetVideoInfo"}, method="POST", body={"VideoId": "v1"}),
        "200 OK",
        "application/json;charset=utf-8",
        "OK",
    ),
    "not found": (
        lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "nope"}),
        "404 NOT FOUND",
        "application/json;charset=utf-8",
        "InvalidVideo.NotFound",
    ),
    "unknown action": (
        lambda s: _rpc(s, {"Action": "NoSuchAction"}),
        "404 NOT FOUND",
        "application/json;charset=utf-8",
        "InvalidApi.NotFound",
    ),
    "no action": (
        lambda s: _rpc(s, {}),
        "400 BAD REQUEST",
        "application/json;charset=utf-8",
        "MissingAction",
    ),
    "bad signature": (
        lambda s: _rpc(s, {"Action": "GetVideoInfo", "VideoId": "v1"}, secret="wrong"),
        "400 BAD REQUEST",
        "application/json;charset=utf-8",
        "SignatureDoesNotMatch",
    ),
    "unquoted junk": (
        lambda s: EnvironBuilder(path="/", base_url=f"http://{HOST}", query_string="a=%zz&b=%ff&=&+"),
        "400 BAD REQUEST",
        "text/xml;charset=utf-8",
        "MissingAction",
    ),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_a_vod_answer_is_what_werkzeug_would_put_on_the_wire(app: Any, signing: Any, name: str) -> None:
    request, status_line, content_type, code = REQUESTS[name]
    status, headers, body = _call(app, request(signing).get_environ())
    assert (status, _code(content_type, body)) == (status_line, code)
    assert [name for name, _ in headers[:3]] == ["Content-Type", "Content-Length", "x-acs-request-id"]
    assert dict(headers)["Content-Type"] == content_type
    assert dict(headers)["Content-Length"] == str(len(body))
    assert dict(headers)["x-acs-request-id"].encode() in body
    assert _as_werkzeug_sends_it(status, headers, body) == (status, headers)


def test_the_unknown_action_lists_what_the_table_has(app: Any, signing: Any) -> None:
    _, headers, body = _call(app, REQUESTS["unknown action"][0](signing).get_environ())
    assert json.loads(body)["Message"] == "Specified api is not found, please check your url and method."
    assert detail_of(headers) == "This emulator supports: DeleteVideo, GetVideoInfo, UpdateVideoInfo."


def test_head_gets_the_answer_without_its_body(app: Any, signing: Any) -> None:
    get = _call(app, _rpc(signing, {"Action": "GetVideoInfo", "VideoId": "v1"}).get_environ())
    head = _call(app, _rpc(signing, {"Action": "GetVideoInfo", "VideoId": "v1"}, method="HEAD").get_environ())
    assert head[0] == get[0] == "200 OK" and head[2] == b""
    assert _without_request_id(head[1], get[2])[0] == _without_request_id(*get[1:])[0]


def test_hook_errors_are_rendered_like_every_other_error(app: Any, signing: Any, caplog: Any) -> None:
    state = get_state(app)

    def throttle(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise ThrottlingUser(headers={"x-acs-retry-after": "250", "content-type": "text/x-overridden"})

    def crash(backend: Any, action: str, params: Any, ctx: Any) -> None:
        raise RuntimeError("bug in a component")

    state.before_action[:] = [throttle]
    status, headers, body = _call(app, REQUESTS["json"][0](signing).get_environ())
    assert status == "400 BAD REQUEST" and json.loads(body)["Code"] == "Throttling.User"
    # The error's headers replace the rendered ones in place, as werkzeug's ``headers[name] = value``.
    assert [k for k, _ in headers] == [
        "content-type",
        "Content-Length",
        "x-acs-request-id",
        "x-acs-retry-after",
    ]
    assert (
        dict(headers)["content-type"] == "text/x-overridden" and dict(headers)["x-acs-retry-after"] == "250"
    )
    assert _as_werkzeug_sends_it(status, headers, body) == (status, headers)

    state.before_action[:] = [crash]
    with caplog.at_level(logging.ERROR):
        status, headers, body = _call(app, REQUESTS["json"][0](signing).get_environ())
    assert status == "500 INTERNAL SERVER ERROR" and json.loads(body)["Code"] == "InternalError"
    assert [r.getMessage() for r in caplog.records].count("unexpected error answering GET /") == 1


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [("application/json", "application/json;charset=utf-8"), ("*/*", "text/xml;charset=utf-8")],
)
def test_a_failing_request_hook_is_an_internal_error(app: Any, accept: str, content_type: str) -> None:
    def broken(environ: Any) -> None:
        raise RuntimeError("broken request hook")

    get_state(app).request_hooks.append(broken)
    for path in ("/", "/no/such/path"):
        environ = EnvironBuilder(
            path=path, base_url=f"http://{HOST}", headers={"Accept": accept}
        ).get_environ()
        status, headers, body = _call(app, environ)
        assert (status, dict(headers)["Content-Type"]) == ("500 INTERNAL SERVER ERROR", content_type)
        assert _code(content_type, body) == "InternalError"
    # The control plane answers its own failures in its own JSON.
    status, headers, body = _call(app, EnvironBuilder(path="/_vodfc/health").get_environ())
    assert status == "500 INTERNAL SERVER ERROR" and json.loads(body)["error"] == "InternalError"


def test_other_paths_and_methods(app: Any) -> None:
    client = app.test_client()
    assert client.get("/_vodfc/health").json["status"] == "ok"
    traced = client.open("/", method="TRACE", headers={"Accept": "application/json"})
    assert (traced.status_code, traced.json["Code"]) == (405, "MethodNotAllowed")
    nothing = client.get("/no/such/path", headers={"Accept": "application/json"})
    assert (nothing.status_code, nothing.json["Code"]) == (404, "InvalidApi.NotFound")
    assert nothing.json["Message"] == "Specified api is not found, please check your url and method."
    assert detail_of(nothing) == "Nothing is served at GET /no/such/path."
    admin = get_state(app).guard.token
    assert client.get("/_vodfc/nope", headers={"X-Vodfc-Token": admin}).json["error"] == "Not Found"


def test_a_dropped_call_leaves_the_wsgi_call(app: Any, signing: Any) -> None:
    def drop(*args: Any) -> None:
        raise DropConnection()

    get_state(app).before_action.append(drop)
    with pytest.raises(DropConnection):
        _call(app, REQUESTS["json"][0](signing).get_environ())


def test_a_host_a_component_registered_reaches_its_handler(make_fake_app: Any) -> None:
    app = make_fake_app()
    seen: list[str] = []
    get_state(app).request_hooks.append(lambda environ: seen.append(environ["PATH_INFO"]))
    environ = EnvironBuilder(path="/", base_url="http://vod.cn-hangzhou.aliyuncs.com").get_environ()
    assert b"<Code>MissingAction</Code>" in _call(app, environ)[2]  # a VOD host like any other
    get_state(app).add_host_route(r"vod\.cn-hangzhou\.aliyuncs\.com", lambda match: Response("component"))
    with MockVod(app=app):  # a route added after a call still counts
        assert requests.get("https://vod.cn-hangzhou.aliyuncs.com/?Action=GetVideoInfo").text == "component"
    with ThreadedServer(app) as server:
        answer = requests.get(server.url + "/", headers={"Host": "vod.cn-hangzhou.aliyuncs.com"}, timeout=5)
        assert answer.text == "component"
    # Request hooks do not run for what a host's handler answers.
    assert seen == ["/"]


@pytest.mark.parametrize("register", ["before_request", "after_request", "teardown_request"])
def test_flask_hooks_see_flasks_requests_and_never_a_vod_call(make_fake_app: Any, register: str) -> None:
    app = make_fake_app()
    ran: list[str] = []

    def hook(*args: Any) -> Any:
        ran.append(register)
        return args[0] if register == "after_request" else None

    getattr(app, register)(hook)
    with MockVod(app=app):
        get_state(app).backend().put("v1")
        AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai").do_action_with_exception(
            _get_video("v1")
        )
    assert ran == []
    assert app.test_client().get("/_vodfc/health").json["status"] == "ok"
    assert ran == [register]


def test_request_hooks_run_once_per_vod_call(make_fake_app: Any) -> None:
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
    app = make_fake_app(components=("events",))
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


def test_what_an_action_emits_is_published_only_when_the_call_commits(make_fake_app: Any) -> None:
    app = make_fake_app(components=("events",))
    state, bus = get_state(app), get_bus(app)
    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-shanghai")
    with MockVod(app=app):
        state.backend().put("v1")
        state.backend().put("v2")
        # The fake deletes (and emits for) v1 before it finds "missing" unknown: the call fails.
        with pytest.raises(ServerException):
            client.do_action_with_exception(_delete_videos("v1,missing"))
        assert bus.log == [] and sorted(state.backend().videos) == ["v1", "v2"]
        client.do_action_with_exception(_delete_videos("v1,v2"))
    assert [(r.event["MediaId"], r.account_id) for r in bus.log] == [
        ("v1", state.config.default_account_id),
        ("v2", state.config.default_account_id),
    ]


def _delete_videos(video_ids: str) -> Any:
    request = CommonRequest(domain=None, version="2017-03-21", action_name="DeleteVideo", product="vod")
    request.add_query_param("VideoIds", video_ids)
    return request


def _in_thread(work: Any, *args: Any) -> None:
    thread = threading.Thread(target=work, args=args)
    thread.start()
    thread.join(10)


def test_a_direct_route_is_answered_without_flask_after_the_request_hooks(make_fake_app: Any) -> None:
    app = make_fake_app()
    hooks: list[str] = []
    flask_paths: list[str] = []
    get_state(app).request_hooks.append(lambda environ: hooks.append(environ["PATH_INFO"]))
    app.before_request(lambda: flask_paths.append(flask_request.path))

    def answer(environ: dict[str, Any], match: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"direct {match['name']}".encode()]

    app.wsgi_app.direct.append(DirectRoute("POST", r"/direct/(?P<name>[^/]+)", answer))
    client = app.test_client()
    assert client.post("/direct/vidéo").text == "direct vidéo"  # the path as Flask decodes it
    assert client.get("/direct/x").status_code == 404  # another method: Flask's
    assert client.post("/direct/x/y").status_code == 404  # the whole path must match
    assert flask_paths == ["/direct/x", "/direct/x/y"]
    wire = "/direct/vidéo".encode().decode("latin-1")  # PATH_INFO as PEP 3333 hands it over
    assert hooks == [wire, "/direct/x", "/direct/x/y"]
    # A host a component answers with a handler of its own answers first.
    get_state(app).add_host_route(r"direct\.cn-hangzhou\.aliyuncs\.com", lambda match: Response("component"))
    assert client.post("/direct/x", headers={"Host": "direct.cn-hangzhou.aliyuncs.com"}).text == "component"
