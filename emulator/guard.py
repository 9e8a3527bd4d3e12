"""Who may reach the emulator over its socket: the admin token, the Host header, cross-origin requests.

The emulator listens on loopback with well-known default keys, so the threat is a web page the
developer opens: it can send simple cross-origin requests (a ``text/plain`` POST needs no preflight)
and, through DNS rebinding, requests whose Host is the attacker's own name. ``RequestGuard.check``
runs first for every request (``vodfc.emulator.front``) and refuses:

| request | Host must be | cross-origin | token |
|---|---|---|---|
| admin plane ``/_vodfc/...`` | loopback or allowed | refused | needed (not by ``GET .../health``) |
| VOD API ``/`` | loopback, allowed or a cloud host | refused | (signed calls) |
| OSS, FC API, HTTP triggers | loopback, allowed or a cloud host | left alone | (own signatures) |

(The cloud hosts, ``*.aliyuncs.com`` and FC 3.0's HTTP trigger hosts ``*.fcapp.run``, are how the proxy
route and ``mock_vod`` reach the APIs and triggers, and a client naming a trigger by its ``Host``; their
names are Alibaba Cloud's, never an attacker's. OSS uploads from a browser and web functions behind HTTP
triggers are cross-origin by nature.)

Loopback names are ``localhost``, ``*.localhost``, ``127.0.0.0/8`` and ``[::1]``; the allowed hosts
are the address the server binds (unless a wildcard such as ``0.0.0.0``) and
``EmulatorConfig.allowed_hosts`` (``VODFC_ALLOWED_HOSTS``, ``--allow-host``; ``*`` allows any Host and
so turns the DNS-rebinding guard off). A request replayed in-process by ``mock_vod`` never crossed a
socket: its Host is not checked, but the admin plane still wants the token (the mock adds it).

Cross-origin means an ``Origin`` header naming another origin than the request's Host (or ``null``),
or ``Sec-Fetch-Site`` saying ``cross-site`` / ``same-site``. SDKs and command-line clients send
neither.

The token is read from ``Authorization: Bearer``, ``X-Vodfc-Token`` or the dashboard's session cookie
(``TOKEN_SOURCES``), never from the query string, and compared in constant time (``token_matches``).
The dashboard (``vodfc.emulator.dashboard``) is opened with the token in its URL, Jupyter-style: its
sign-in paths (``SIGN_IN``) pass the guard without a token, and the dashboard itself exchanges the
URL's token, through ``token_matches``, for that cookie (HttpOnly, SameSite=Strict, named per port:
``admintoken.cookie_name``), then redirects to drop the token from the URL. Nothing else is served on
a sign-in path without the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vodfc.emulator.admintoken import cookie_name
from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.protocol import environ as wsgi
from werkzeug.wsgi import get_content_length

HEALTH_PATH = f"{CONTROL_PREFIX}/health"
# The admin plane takes small JSON documents (a fault rule, an event); nothing near this.
ADMIN_BODY_LIMIT = 1024 * 1024
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::", "*"})
_CLOUD_HOST = re.compile(r"(?:[a-z0-9-]+\.)*(?:aliyuncs\.com|fcapp\.run)", re.IGNORECASE)
_PORT = re.compile(r":\d+$")
_DECISIONS_KEPT = 512


def _bearer(environ: Mapping[str, Any]) -> str | None:
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _token_header(environ: Mapping[str, Any]) -> str | None:
    return str(environ.get("HTTP_X_VODFC_TOKEN", "")).strip() or None


def _session_cookie(environ: Mapping[str, Any]) -> str | None:
    header = str(environ.get("HTTP_COOKIE", ""))
    if not header:
        return None
    name = cookie_name(wsgi.host(environ))
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip() or None
    return None


TokenSource = Callable[[Mapping[str, Any]], "str | None"]
# Where a request may carry the admin token, in the order they are read.
TOKEN_SOURCES: list[TokenSource] = [_bearer, _token_header, _session_cookie]
# The dashboard's sign-in: its front page (which takes ``?token=`` once, or shows a sign-in form) and the
# form's target. They check the token themselves; the other checks (Host, cross-origin) still apply.
SIGN_IN: Mapping[str, tuple[str, ...]] = {
    f"{CONTROL_PREFIX}/": ("GET", "HEAD"),
    f"{CONTROL_PREFIX}/ui/signin": ("POST",),
}
STATIC_PREFIX = f"{CONTROL_PREFIX}/ui/static/"


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    message: str
    admin: bool  # on the admin plane (answered in its JSON) or an API (answered as a VOD error)


def is_admin_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def is_loopback(host: str) -> bool:
    """``localhost``, ``*.localhost``, 127.0.0.0/8 or ::1 (a host without its port)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bare_host(host: str) -> str:
    """``Host`` without its port, brackets kept off IPv6 literals, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return _PORT.sub("", host)


class RequestGuard:
    """One emulator's admin token and allowed hosts; ``check`` is called with every request's environ."""

    def __init__(self, token: str, allowed_hosts: Iterable[str] = ()):
        self.token = token
        self._allowed: set[str] = set()
        self._any_host = False
        self._decisions: dict[tuple[str, bool], bool] = {}
        for host in allowed_hosts:
            self.allow_host(host)

    def allow_host(self, host: str) -> None:
        """Accept ``host`` in the Host header (a server adds the address it binds; ``*``: any host)."""
        if host.strip() == "*":
            self._any_host = True
        elif host.strip() not in WILDCARD_ADDRESSES and not is_loopback(bare_host(host)):
            self._allowed.add(bare_host(host))
        self._decisions.clear()

    def token_matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate.encode(), self.token.encode())

    def presented_token(self, environ: Mapping[str, Any]) -> str | None:
        for source in TOKEN_SOURCES:
            found = source(environ)
            if found:
                return found
        return None

    def host_allowed(self, host: str, api: bool) -> bool:
        key = (host, api)
        decision = self._decisions.get(key)
        if decision is None:
            name = bare_host(host)
            decision = (
                self._any_host
                or is_loopback(name)
                or name in self._allowed
                or (api and _CLOUD_HOST.fullmatch(name) is not None)
            )
            if len(self._decisions) >= _DECISIONS_KEPT:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision

    def check(self, environ: Mapping[str, Any], path: str) -> Refusal | None:
        """Why this request must not be answered, or None."""
        admin = is_admin_path(path)
        host = wsgi.host(environ)
        if environ.get(MODE_KEY) != "inprocess" and not self.host_allowed(host, api=not admin):
            return Refusal(
                403,
                "ForbiddenHost",
                f"The emulator does not answer requests for host {bare_host(host)!r}: it answers "
                "loopback names (localhost, 127.0.0.1, [::1]) and the hosts it was told to allow "
                "(--allow-host NAME or VODFC_ALLOWED_HOSTS), a guard against DNS rebinding.",
                admin,
            )
        if admin or path in ("/", ""):
            crossing = _cross_origin(environ, host)
            if crossing is not None:
                return Refusal(
                    403,
                    "CrossOriginRefused",
                    f"Cross-origin requests are refused ({crossing}): a web page must not drive "
                    "the emulator.",
                    admin,
                )
        if admin and (get_content_length(environ) or 0) > ADMIN_BODY_LIMIT:  # type: ignore[arg-type]
            return Refusal(
                400,
                "EntityTooLarge",
                f"The admin plane takes bodies of at most {ADMIN_BODY_LIMIT} bytes.",
                True,
            )
        if admin and not _open_path(path, wsgi.method(environ)):
            presented = self.presented_token(environ)
            if not self.token_matches(presented):
                return Refusal(
                    401,
                    "Unauthorized",
                    ("The admin token is wrong" if presented else "The admin plane needs the admin token")
                    + ": send it as 'Authorization: Bearer <token>' (or 'X-Vodfc-Token: <token>'), or open "
                    "the dashboard's URL with the token (http://HOST:PORT/_vodfc/?token=...). "
                    "vodfc emulator and vodfc up print it at start and write it to "
                    "~/.vodfc/admin-token-<port> (VODFC_STATE_DIR) and <data-dir>/admin-token; "
                    "VODFC_ADMIN_TOKEN sets it.",
                    True,
                )
        return None


def _open_path(path: str, method: str) -> bool:
    """The admin paths a request may reach without the token: health, the dashboard's sign-in and its
    style sheet and script (the sign-in page uses them; they hold nothing of the emulator's)."""
    if path == HEALTH_PATH or path.startswith(STATIC_PREFIX):
        return method in ("GET", "HEAD")
    return method in SIGN_IN.get(path, ())


def _cross_origin(environ: Mapping[str, Any], host: str) -> str | None:
    site = str(environ.get("HTTP_SEC_FETCH_SITE", "")).lower()
    if site in ("cross-site", "same-site"):
        return f"Sec-Fetch-Site: {site}"
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return None
    parts = urlsplit(str(origin))
    if not parts.scheme or not parts.netloc:
        return f"Origin: {origin}"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        origin_port = parts.port or default
    except ValueError:
        return f"Origin: {origin}"
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    request_host = bare_host(host)
    match = re.search(r":(\d+)$", host) if not host.endswith("]") else None
    request_port = int(match.group(1)) if match else {"http": 80, "https": 443}.get(scheme)
    if (parts.hostname or "").lower() != request_host or origin_port != request_port:
        return f"Origin: {origin}"
    return None
