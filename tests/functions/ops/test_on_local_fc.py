"""The operation functions of template.yml, run by the local FC runtime over the demo library.

Each is invoked through the official fc2 client (``invoke_function``) and through its HTTP trigger
(``do_http_request``, signed: the triggers are ``AuthType: function``), in-process and against a
server, and each refuses bad input on both faces. An operation whose VOD action the emulator does not
answer yet must still come back as a clean error object, never a function crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import fc2
import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.fc import get_fc
from vodfc.emulator.mock import MockVod
from vodfc.emulator.server import ThreadedServer

from tests.emulator.fc.support import CONFIG, Target
from tests.repo import REPO

Ids = dict[str, Any]


@dataclass(frozen=True)
class Op:
    function: str
    action: str
    event: Callable[[Ids], dict[str, Any]]
    method: str
    path: Callable[[Ids], str]
    query: Callable[[Ids], dict[str, str]]
    body: Callable[[Ids], dict[str, Any] | None]
    key: str | None  # a key of the success answer (None: RequestId only)


def _v(ids: Ids) -> str:
    return str(ids["video_ids"][0])


def _img(ids: Ids) -> str:
    return str(ids["image_ids"][0])


NONE: Callable[[Ids], dict[str, str]] = lambda ids: {}  # noqa: E731
NOBODY: Callable[[Ids], None] = lambda ids: None  # noqa: E731

OPS = [
    Op(
        "SearchMedia",
        "SearchMedia",
        lambda ids: {"Match": "Status = 'Normal'", "PageSize": 5},
        "GET",
        lambda ids: "/videos",
        lambda ids: {"match": "Status = 'Normal'", "page_size": "5"},
        NOBODY,
        "MediaList",
    ),
    Op(
        "GetVideoInfo",
        "GetVideoInfo",
        lambda ids: {"VideoId": _v(ids)},
        "GET",
        lambda ids: f"/videos/{_v(ids)}",
        NONE,
        NOBODY,
        "Video",
    ),
    Op(
        "GetVideoInfos",
        "GetVideoInfos",
        lambda ids: {"VideoIds": [_v(ids), "0" * 32]},
        "GET",
        lambda ids: "/videos",
        lambda ids: {"ids": f"{_v(ids)},{'0' * 32}"},
        NOBODY,
        "VideoList",
    ),
    Op(
        "UpdateVideoInfo",
        "UpdateVideoInfo",
        lambda ids: {"VideoId": _v(ids), "Title": "renamed by fc"},
        "POST",
        lambda ids: f"/videos/{_v(ids)}",
        NONE,
        lambda ids: {"Title": "renamed over http"},
        None,
    ),
    Op(
        "UpdateVideoInfos",
        "UpdateVideoInfos",
        lambda ids: {"UpdateContent": [{"VideoId": _v(ids), "Title": "batch"}]},
        "POST",
        lambda ids: "/videos",
        NONE,
        lambda ids: {"UpdateContent": [{"VideoId": _v(ids), "Title": "batch"}]},
        "NonExistVideoIds",
    ),
    Op(
        "DeleteVideo",
        "DeleteVideo",
        lambda ids: {"VideoIds": [_v(ids)]},
        "DELETE",
        lambda ids: "/videos",
        lambda ids: {"ids": _v(ids)},
        NOBODY,
        "DeletedVideoIds",
    ),
    Op(
        "GetMezzanineInfo",
        "GetMezzanineInfo",
        lambda ids: {"VideoId": _v(ids)},
        "GET",
        lambda ids: f"/videos/{_v(ids)}/source",
        NONE,
        NOBODY,
        "Mezzanine",
    ),
    Op(
        "GetVideoList",
        "GetVideoList",
        lambda ids: {"PageSize": 5},
        "GET",
        lambda ids: "/videos/list",
        lambda ids: {"page_size": "5"},
        NOBODY,
        "VideoList",
    ),
    Op(
        "DeleteStream",
        "DeleteStream",
        lambda ids: {"VideoId": ids["stream"][0], "JobIds": [ids["stream"][1]]},
        "DELETE",
        lambda ids: f"/videos/{ids['stream'][0]}/streams",
        lambda ids: {"job_ids": ids["stream"][1]},
        NOBODY,
        None,
    ),
    Op(
        "DeleteMezzanines",
        "DeleteMezzanines",
        lambda ids: {"VideoIds": [_v(ids)], "Force": True},
        "DELETE",
        lambda ids: "/videos/sources",
        lambda ids: {"ids": _v(ids), "force": "true"},
        NOBODY,
        "DeletedVideoIds",
    ),
    Op(
        "UpdateImageInfos",
        "UpdateImageInfos",
        lambda ids: {"UpdateContent": [{"ImageId": _img(ids), "Title": "renamed"}]},
        "POST",
        lambda ids: "/images",
        NONE,
        lambda ids: {"UpdateContent": [{"ImageId": _img(ids), "Title": "renamed"}]},
        "NonExistImageIds",
    ),
    Op(
        "GetImageInfo",
        "GetImageInfo",
        lambda ids: {"ImageId": _img(ids)},
        "GET",
        lambda ids: f"/images/{_img(ids)}",
        NONE,
        NOBODY,
        "ImageInfo",
    ),
    Op(
        "DeleteImage",
        "DeleteImage",
        lambda ids: {"ImageIds": [_img(ids)]},
        "DELETE",
        lambda ids: "/images",
        lambda ids: {"ids": _img(ids)},
        NOBODY,
        "DeleteImageType",
    ),
]


def test_the_table_covers_every_operation_function() -> None:
    from tests.functions.ops.harness import OPERATIONS

    assert sorted(op.function for op in OPS) == sorted(OPERATIONS)


def _supported() -> set[str]:
    # The operations call the VOD core's actions, which every emulator has.
    from vodfc.emulator.vod.action_table import CORE_ACTIONS

    return set(CORE_ACTIONS.names)


@pytest.fixture(scope="module")
def _ops_apps() -> Iterator[dict[str, Any]]:
    apps = {"inprocess": create_app(CONFIG), "server": ThreadedServer(create_app(CONFIG)).start()}
    for app in (apps["inprocess"], apps["server"].app):
        get_fc(app).load(REPO / "template.yml")
    yield apps
    apps["server"].stop()


def _seed(app: Any) -> Ids:
    state = get_state(app)
    ids: Ids = dict(state.seed())
    backend = state.backend()
    streams = [stream for video_id in ids["video_ids"] for stream in backend.streams_of(video_id)]
    ids["stream"] = (streams[0].video_id, streams[0].job_id) if streams else (ids["video_ids"][0], "0" * 32)
    return ids


@pytest.fixture(params=["inprocess", "server"])
def ops(request: pytest.FixtureRequest, _ops_apps: dict[str, Any]) -> Iterator[tuple[Target, Ids]]:
    if request.param == "inprocess":
        app = _ops_apps["inprocess"]
        with MockVod(app=app):
            yield Target("inprocess", app, None), _seed(app)
    else:
        server = _ops_apps["server"]
        get_state(server.app).reset()
        yield Target("server", server.app, server.url), _seed(server.app)


def _check(op: Op, status: int, answer: dict[str, Any]) -> None:
    assert answer["RequestId"]
    if op.action in _supported():
        assert status == 200, answer
        assert "Code" not in answer, answer
        if op.key is not None:
            assert op.key in answer, answer
    else:
        # Not emulated yet: still a clean, mapped error from the function, not a crash.
        assert status >= 400 and answer["Code"], answer


@pytest.mark.parametrize("op", OPS, ids=[op.function for op in OPS])
def test_event_face_through_fc2(ops: tuple[Target, Ids], op: Op) -> None:
    target, ids = ops
    response = target.client().invoke_function("vodfc", op.function, payload=json.dumps(op.event(ids)))
    answer = json.loads(response.data)
    _check(op, int(answer.get("HttpStatus", 200)), answer)
    assert answer["RequestId"] == response.headers["x-fc-request-id"]


@pytest.mark.parametrize("op", OPS, ids=[op.function for op in OPS])
def test_http_face_through_the_trigger(ops: tuple[Target, Ids], op: Op) -> None:
    target, ids = ops
    body = op.body(ids)
    headers = {"content-type": "application/json"} if body is not None else {}
    response = target.client().do_http_request(
        op.method,
        "vodfc",
        f"{op.function}Http",
        op.path(ids),
        headers=headers,
        params=op.query(ids),
        body=json.dumps(body).encode() if body is not None else None,
    )
    _check(op, response.status_code, response.json())


@pytest.mark.parametrize("op", OPS, ids=[op.function for op in OPS])
def test_bad_input_is_refused_on_both_faces(ops: tuple[Target, Ids], op: Op) -> None:
    target, ids = ops
    client = target.client()
    answer = json.loads(client.invoke_function("vodfc", op.function, payload=b'{"NoSuchParameter": 1}').data)
    assert (answer["HttpStatus"], answer["Code"]) == (400, "InvalidParameter")
    response = client.do_http_request(
        op.method, "vodfc", f"{op.function}Http", op.path(ids), headers={}, params={"no_such_query": "1"}
    )
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidParameter")


def test_not_json_and_unknown_video(ops: tuple[Target, Ids]) -> None:
    target, _ = ops
    client = target.client()
    answer = json.loads(client.invoke_function("vodfc", "GetVideoInfo", payload=b"not json").data)
    assert (answer["HttpStatus"], answer["Code"]) == (400, "InvalidJSON")
    missing = "f" * 32
    answer = json.loads(
        client.invoke_function("vodfc", "GetVideoInfo", payload=json.dumps({"VideoId": missing})).data
    )
    assert (answer["HttpStatus"], answer["Code"]) == (404, "InvalidVideo.NotFound")
    response = client.do_http_request("GET", "vodfc", "GetVideoInfoHttp", f"/videos/{missing}", headers={})
    assert (response.status_code, response.json()["Code"]) == (404, "InvalidVideo.NotFound")
    response = client.do_http_request("GET", "vodfc", "GetVideoInfoHttp", "/nowhere", headers={})
    assert response.status_code == 404


def test_update_through_fc_is_seen_through_vod(ops: tuple[Target, Ids]) -> None:
    target, ids = ops
    client = target.client()
    video_id = _v(ids)
    client.invoke_function(
        "vodfc", "UpdateVideoInfo", payload=json.dumps({"VideoId": video_id, "Title": "via fc"})
    )
    answer = json.loads(
        client.invoke_function("vodfc", "GetVideoInfo", payload=json.dumps({"VideoId": video_id})).data
    )
    assert answer["Video"]["Title"] == "via fc"


def test_unsigned_calls_to_the_function_auth_triggers_are_refused(ops: tuple[Target, Ids]) -> None:
    import requests

    target, ids = ops
    r = requests.get(f"{target.base}/2016-08-15/proxy/vodfc/GetVideoInfoHttp/videos/{_v(ids)}", timeout=10)
    assert r.status_code == 403 and r.json()["ErrorCode"] == "SignatureNotMatch"
    with pytest.raises(fc2.FcError):
        target.client(access_key_secret="wrong").invoke_function("vodfc", "GetVideoInfo", payload=b"{}")


def test_deeply_nested_events_and_bodies_are_invalid_json(ops: tuple[Target, Ids]) -> None:
    target, ids = ops
    client = target.client()
    nested = {"UpdateContent": [{"VideoId": _v(ids), "Title": json.loads("[" * 70 + "]" * 70)}]}
    for payload in ("[" * 100_000, json.dumps(nested)):
        answer = json.loads(client.invoke_function("vodfc", "UpdateVideoInfos", payload=payload).data)
        assert (answer["HttpStatus"], answer["Code"]) == (400, "InvalidJSON"), answer
    response = client.do_http_request(
        "POST",
        "vodfc",
        "UpdateVideoInfosHttp",
        "/videos",
        headers={"content-type": "application/json"},
        body=("[" * 100_000).encode(),
    )
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidJSON")


def test_a_huge_id_through_a_function_is_a_clean_vod_error(ops: tuple[Target, Ids]) -> None:
    target, _ = ops
    payload = json.dumps({"VideoId": "a" * 1_000_000})
    answer = json.loads(target.client().invoke_function("vodfc", "GetVideoInfo", payload=payload).data)
    assert (answer["HttpStatus"], answer["Code"]) == (400, "InvalidParameter"), str(answer)[:300]
    assert "VideoId" in answer["Message"]
