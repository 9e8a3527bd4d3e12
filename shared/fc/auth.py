"""Who may call an HTTP-triggered function.

FC checks an HTTP trigger with ``AuthType: function`` itself (the caller signs the request with an AccessKey,
as ``fc2.Client.do_http_request`` does) before the function runs; the function cannot re-check that
signature, it can only trust it. An ``anonymous`` trigger lets anyone reach the function, so then the function
demands a bearer token. The mode comes from ``VODFC_HTTP_AUTH``:

==============  ===========================================================================================
``token``       (default) ``Authorization: Bearer <token>`` must equal one of the comma-separated tokens in
                ``VODFC_HTTP_TOKEN`` (several allow rotation); compared in constant time.
``function``    trust FC: only correct when the trigger's AuthType is ``function``.
``none``        open to anyone who can reach the trigger; only for a trigger that is otherwise protected.
==============  ===========================================================================================

Defaulting to ``token`` means a function deployed behind an anonymous trigger without configuration refuses
every request (500 FunctionNotConfigured) instead of exposing VOD.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

from .._record import FrozenRecord
from .errors import ConfigurationError, Forbidden, Unauthorized
from .logs import register_secret

ENV_MODE = "VODFC_HTTP_AUTH"
ENV_TOKEN = "VODFC_HTTP_TOKEN"
MODES = ("token", "function", "none")


class HttpAuth(FrozenRecord):
    """The mode (see the module docstring) and the accepted bearer tokens."""

    __slots__ = ("mode", "tokens")
    _repr_hidden = ("tokens",)

    def __init__(self, mode: str = "token", tokens: tuple[str, ...] = ()) -> None:
        self.mode = mode
        self.tokens = tokens

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HttpAuth:
        env = os.environ if environ is None else environ
        mode = (env.get(ENV_MODE) or "token").strip().lower()
        tokens = tuple(t.strip() for t in (env.get(ENV_TOKEN) or "").split(",") if t.strip())
        for token in tokens:
            register_secret(token)
        return cls(mode=mode, tokens=tokens)

    def check(self, authorization: str | None) -> None:
        """Return if the request may proceed; raise 401/403 (or 500 for a misconfigured function)."""
        if self.mode not in MODES:
            raise ConfigurationError(
                f"{ENV_MODE}={self.mode!r} is not a known mode; use one of {', '.join(MODES)}."
            )
        if self.mode in ("function", "none"):
            return
        if not self.tokens:
            raise ConfigurationError(
                f"This function requires a bearer token but none is configured: set {ENV_TOKEN}, or set "
                f"{ENV_MODE}=function when the HTTP trigger's AuthType is function."
            )
        challenge = {"WWW-Authenticate": 'Bearer realm="vodfc"'}
        if not authorization or not authorization.strip():
            raise Unauthorized("Send the header 'Authorization: Bearer <token>'.", headers=challenge)
        scheme, _, presented = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise Unauthorized(
                "The Authorization header must be 'Bearer <token>'.",
                code="InvalidAuthorization",
                headers=challenge,
            )
        given = presented.strip().encode("utf-8")
        # Compare against every configured token, without stopping at the first match, so the time taken
        # does not tell which slot matched.
        matched = False
        for token in self.tokens:
            matched |= hmac.compare_digest(given, token.encode("utf-8"))
        if not matched:
            raise Forbidden("The bearer token is not valid for this function.")
