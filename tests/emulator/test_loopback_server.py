"""The internal server's HTTP (``vodfc.emulator.loopback_server``): what an app sees of a request, what a
client gets back, on one kept-alive connection as the instances' SDK clients use it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.loopback_server import LoopbackServer
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.thread_budget import BUDGET_KEY

SEEN: list[dict[str, Any]] = []


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Echoes what it was given; ``/drop`` drops the call, ``/stream`` answers without a length."""
    body = environ["wsgi.input"].read()
    SEEN.append({**environ, "body": body})
    path = environ["PATH_INFO"]
    if path == "/drop":
        raise DropConnection()
    if path == "/fail":
        raise RuntimeError("the app broke")
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"one ", b"two ", b"", b"three"]
    if path == "/empty":
        start_response("204 No Content", [])
        return []
    answer = f"{environ['REQUEST_METHOD']} {path} {len(body)}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
    return [answer]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    SEEN.clear()
    with LoopbackServer(app, threads=16, mode="internal") as running:
        yield running


def _raw(server: LoopbackServer, data: bytes) -> bytes:
    """Send ``data`` on a connection of its own; everything the server writes until it closes."""
    with socket.create_connection(("127.0.0.1", int(server.endpoint.rsplit(":", 1)[1])), timeout=5) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def test_one_connection_serves_request_after_request(server: LoopbackServer) -> None:
    with requests.Session() as session:
        answers = [session.post(f"{server.url}/a%20b?x=1", data=b"12345", timeout=5) for _ in range(3)]
        answers.append(session.get(f"{server.url}/c", timeout=5))
    assert [a.text for a in answers] == ["POST /a b 5"] * 3 + ["GET /c 0"]
    assert len({(e["REMOTE_ADDR"], e["REMOTE_PORT"]) for e in SEEN}) == 1  # kept alive
    first = SEEN[0]
    assert (first["QUERY_STRING"], first["REQUEST_URI"], first["SERVER_PROTOCOL"]) == (
        "x=1",
        "/a%20b?x=1",
        "HTTP/1.1",
    )
    assert (first["CONTENT_LENGTH"], first["body"], first[MODE_KEY]) == ("5", b"12345", "internal")
    assert first[BUDGET_KEY].limit == 16 - 8
    assert answers[0].headers["Server"] == "vodfc" and answers[0].headers["Date"]


def test_headers_as_waitress_gives_them(server: LoopbackServer) -> None:
    requests.get(
        server.url + "/",
        headers={"X-Forwarded-For": "10.0.0.1", "X_Sneaky": "1", "X-Fc-Thing": "a", "Content-Type": "text/x"},
        timeout=5,
    )
    environ = SEEN[0]
    assert "HTTP_X_FORWARDED_FOR" not in environ and "HTTP_X_SNEAKY" not in environ
    assert (environ["HTTP_X_FC_THING"], environ["CONTENT_TYPE"]) == ("a", "text/x")
    assert "HTTP_CONTENT_TYPE" not in environ


def test_a_chunked_body_reaches_the_app_whole(server: LoopbackServer) -> None:
    answer = requests.put(f"{server.url}/up", data=iter([b"abc", b"defg"]), timeout=5)
    assert answer.text == "PUT /up 7"
    assert (SEEN[0]["body"], SEEN[0]["CONTENT_LENGTH"]) == (b"abcdefg", "7")
    assert "HTTP_TRANSFER_ENCODING" not in SEEN[0]


def test_an_answer_without_a_length_is_chunked_and_the_connection_stays(server: LoopbackServer) -> None:
    with requests.Session() as session:
        assert session.get(f"{server.url}/stream", timeout=5).text == "one two three"
        assert session.get(f"{server.url}/empty", timeout=5).status_code == 204
        assert session.get(f"{server.url}/after", timeout=5).text == "GET /after 0"
    assert len({e["REMOTE_PORT"] for e in SEEN}) == 1


def test_head_keeps_the_length_without_the_body(server: LoopbackServer) -> None:
    raw = _raw(server, b"HEAD /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Length: 9" in head and body == b""  # "HEAD /x 0"


def test_expect_continue_http_1_0_and_connection_close(server: LoopbackServer) -> None:
    raw = _raw(
        server,
        b"POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
        b"Connection: close\r\n\r\nhi",
    )
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") and raw.endswith(b"POST /e 2")
    raw = _raw(server, b"GET /old HTTP/1.0\r\n\r\n")  # the server closes: _raw returns
    assert b"Connection: close" in raw and raw.endswith(b"GET /old 0")


def test_bad_requests_are_refused_and_closed(server: LoopbackServer) -> None:
    assert _raw(server, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request")
    assert _raw(server, b"GET / HTTP/1.1\r\nno colon here\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    huge = b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n"
    assert _raw(server, huge).startswith(b"HTTP/1.1 431 ")
    assert _raw(server, b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_a_dropped_call_closes_without_an_answer_and_a_failure_is_a_500(server: LoopbackServer) -> None:
    assert _raw(server, b"GET /drop HTTP/1.1\r\nHost: a\r\n\r\n") == b""
    assert _raw(server, b"GET /fail HTTP/1.1\r\nHost: a\r\n\r\n").startswith(b"HTTP/1.1 500 ")


def test_stop_ends_idle_connections(server: LoopbackServer) -> None:
    port = int(server.endpoint.rsplit(":", 1)[1])
    conn = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
    assert conn.recv(65536).endswith(b"GET /x 0")
    threads = [t for t in threading.enumerate() if t.name == f"vodfc-loopback-{port}"]
    assert threads
    server.stop()
    assert conn.recv(65536) == b""  # closed by the server
    conn.close()
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    with pytest.raises(RuntimeError):
        _ = server.url
