"""A WSGI environ read the way werkzeug's ``Request`` reads it, without building one per call.

The VOD endpoint answers straight from the environ (``vodfc.emulator.gateway``); each function here
gives exactly what the ``Request`` attribute of the same name would, so a VOD call and a request
Flask answers read alike.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from vodfc.emulator.vod.exceptions import EntityTooLarge
from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import parse_options_header
from werkzeug.sansio.utils import get_current_url
from werkzeug.wsgi import get_content_length, get_host, get_input_stream

FORM_TYPE = "application/x-www-form-urlencoded"
# werkzeug's decoding error handler (request.args and request.form use it): invalid percent-escapes
# stay as they are.
_KEEP_INVALID = "werkzeug.url_quote"
# The few (scheme, Host, server) combinations a process sees, already through werkzeug's get_host.
_HOSTS: dict[tuple[Any, ...], tuple[str, str]] = {}
_HOSTS_KEPT = 256


def _host_and_url(environ: Mapping[str, Any]) -> tuple[str, str]:
    key = (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
    )
    found = _HOSTS.get(key)
    if found is None:
        host = get_host(environ)  # type: ignore[arg-type]
        found = (host, get_current_url(environ["wsgi.url_scheme"], host))
        if len(_HOSTS) >= _HOSTS_KEPT:
            _HOSTS.clear()
        _HOSTS[key] = found
    return found


def host(environ: Mapping[str, Any]) -> str:
    """``request.host``: ``host[:port]``, the port left out when it is the scheme's default."""
    return _host_and_url(environ)[0]


def host_url(environ: Mapping[str, Any]) -> str:
    """``request.host_url``: ``scheme://host[:port]/``."""
    return _host_and_url(environ)[1]


def method(environ: Mapping[str, Any]) -> str:
    return str(environ.get("REQUEST_METHOD", "GET")).upper()


def path(environ: Mapping[str, Any]) -> str:
    """``request.path``: PATH_INFO as UTF-8 (WSGI hands it over as latin-1), with one leading slash."""
    raw = str(environ.get("PATH_INFO", ""))
    return "/" + raw.encode("latin-1").decode(errors="replace").lstrip("/")


_CONTENT_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
_NOT_HEADERS = frozenset({"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"})
# environ key -> header name (None: not a header). A process sees few distinct keys; looking them up
# is several times cheaper than slicing and lower-casing each key of each request.
_HEADER_NAMES: dict[str, str | None] = {}
_HEADER_NAMES_KEPT = 4096


def _header_name(key: str) -> str | None:
    if key.startswith("HTTP_"):
        return None if key in _NOT_HEADERS else key[5:].replace("_", "-").lower()
    return _CONTENT_HEADERS.get(key)


def headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """Every request header under its lower-case name, in the environ's order (``request.headers``)."""
    found: dict[str, str] = {}
    for key, value in environ.items():
        try:
            name = _HEADER_NAMES[key]
        except KeyError:
            if len(_HEADER_NAMES) >= _HEADER_NAMES_KEPT:
                _HEADER_NAMES.clear()
            name = _HEADER_NAMES[key] = _header_name(key)
        # Content-Type and Content-Length count only when not empty.
        if name is not None and (value or key not in _CONTENT_HEADERS):
            found[name] = value
    return found


def body(environ: Mapping[str, Any], limit: int | None = None) -> bytes:
    """``request.get_data()``: at most Content-Length bytes, none when the length is not given.
    Past ``limit`` bytes (by Content-Length, or as read), VOD's ``EntityTooLarge``; nothing past the
    limit is read."""
    if limit is not None:
        length = get_content_length(environ)  # type: ignore[arg-type]
        if length is not None and length > limit:
            raise EntityTooLarge(limit=limit)
    stream = environ["wsgi.input"]
    if type(stream) is io.BytesIO and "wsgi.input_terminated" not in environ:
        # mock_vod's input: what werkzeug's LimitedStream would do over it, without the wrapping.
        length = get_content_length(environ)  # type: ignore[arg-type]
        if not length:
            return b""
        data: bytes = stream.read(length)
        if len(data) < length:
            raise ClientDisconnected()
        return data
    data = get_input_stream(environ).read(-1 if limit is None else limit + 1)  # type: ignore[arg-type]
    if limit is not None and len(data) > limit:
        raise EntityTooLarge(limit=limit)
    return data


def mimetype(environ: Mapping[str, Any]) -> str:
    content_type = environ.get("CONTENT_TYPE")
    return parse_options_header(content_type)[0].lower() if content_type else ""


def _unquote(text: str) -> str:
    # urllib's unquote() splits off non-ASCII runs first; an ASCII escape needs none of that.
    if text.isascii():
        return unquote_to_bytes(text).decode("utf-8", _KEEP_INVALID)
    return unquote(text, errors=_KEEP_INVALID)


def _first_values(text: str) -> dict[str, str]:
    """``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``, the first value of
    each key; unrolled because it runs on every call and most fields need no unquoting."""
    values: dict[str, str] = {}
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            if "+" in name:
                name = name.replace("+", " ")
            if "%" in name:
                name = _unquote(name)
            if name not in values:
                if "+" in value:
                    value = value.replace("+", " ")
                values[name] = _unquote(value) if "%" in value else value
    return values


def query(environ: Mapping[str, Any]) -> dict[str, str]:
    """``request.args``, the first value of each key."""
    return _first_values(str(environ.get("QUERY_STRING", "")).encode("latin-1").decode())


def form(environ: Mapping[str, Any], data: bytes) -> dict[str, str]:
    """``request.form`` of a url-encoded body ``data``, the first value of each key (else empty)."""
    if mimetype(environ) != FORM_TYPE:
        return {}
    try:
        return _first_values(data.decode())
    except ValueError:  # a body that is not UTF-8: werkzeug's form parser gives an empty form
        return {}
