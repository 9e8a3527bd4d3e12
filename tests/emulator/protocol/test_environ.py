"""The readers of a WSGI environ the VOD endpoint decodes with give what werkzeug's ``Request`` gives."""

from __future__ import annotations

import io
from typing import Any

import pytest
from vodfc.emulator.protocol import environ as wsgi
from werkzeug.exceptions import ClientDisconnected
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

FORM = "application/x-www-form-urlencoded"
QUERIES = ["", "&", "=", "a", "a=1&a=2&b=", "a+b=c+d&%41=%42", "x=%ff%zz%&y=%e2%82%ac", "x=1=2&&z"]


def _first(multi: Any) -> dict[str, str]:
    return {key: values[0] for key, values in multi.lists() if values}


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("content_type", [FORM, f"{FORM}; charset=UTF-8", "text/plain", None])
def test_readers_agree_with_werkzeugs_request(query: str, content_type: str | None) -> None:
    def build() -> dict[str, Any]:
        return EnvironBuilder(
            path="/a%20b/",
            base_url="https://vod.cn-beijing.aliyuncs.com:443",
            query_string=query,
            data=query.encode() if content_type else None,
            content_type=content_type,
            headers={"X-Acs-Action": "GetVideoInfo", "x_under": "1", "Accept": "application/json"},
        ).get_environ()

    environ, request = build(), Request(build())
    assert wsgi.query(environ) == _first(request.args)
    assert wsgi.headers(environ) == {name.lower(): value for name, value in request.headers.items()}
    assert (wsgi.host(environ), wsgi.host_url(environ)) == (request.host, request.host_url)
    assert (wsgi.method(environ), wsgi.path(environ)) == (request.method, request.path)
    data = wsgi.body(environ)
    assert data == request.get_data(cache=True)
    assert wsgi.form(environ, data) == (_first(request.form) if request.mimetype == FORM else {})


def test_a_body_that_is_not_utf8_is_an_empty_form_as_in_werkzeug() -> None:
    def build() -> dict[str, Any]:
        return EnvironBuilder(method="POST", data=b"a=\xff\xfe", content_type=FORM).get_environ()

    environ = build()
    assert wsgi.form(environ, wsgi.body(environ)) == {} == _first(Request(build()).form)


@pytest.mark.parametrize(
    "length, terminated",
    [(None, False), ("", False), ("abc", False), ("-1", False), ("3", False), ("3", True)],
)
def test_body_reads_what_werkzeug_reads(length: str | None, terminated: bool) -> None:
    def environ() -> dict[str, Any]:
        env: dict[str, Any] = {"wsgi.input": io.BytesIO(b"abcdef")}
        if terminated:  # werkzeug looks for the key, whatever its value
            env["wsgi.input_terminated"] = False
        if length is not None:
            env["CONTENT_LENGTH"] = length
        return env

    assert wsgi.body(environ()) == Request(environ()).get_data()


def test_a_body_shorter_than_its_length_is_a_client_disconnect_as_in_werkzeug() -> None:
    environ = {"wsgi.input": io.BytesIO(b"abc"), "CONTENT_LENGTH": "10"}
    with pytest.raises(ClientDisconnected):
        wsgi.body(environ)


def test_empty_headers_count_except_an_empty_content_type_or_length() -> None:
    environ = EnvironBuilder(headers={"X-Empty": "", "Cookie": ""}).get_environ()
    environ.update(CONTENT_TYPE="", CONTENT_LENGTH="", HTTP_CONTENT_TYPE="text/plain")
    expected = {name.lower(): value for name, value in Request(environ).headers.items()}
    assert wsgi.headers(environ) == expected and "x-empty" in expected and "content-type" not in expected
