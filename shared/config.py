"""Where a VodClient gets its credentials, region and endpoint from.

Order (first complete source wins):

* credentials: explicit arguments → FC ``context.credentials`` (STS) → ``ALIBABA_CLOUD_ACCESS_KEY_ID`` /
  ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` / ``ALIBABA_CLOUD_SECURITY_TOKEN``;
* region: argument → ``context.region`` → ``FC_REGION`` → ``cn-shanghai``;
* endpoint: argument → ``VOD_ENDPOINT`` → none (the SDK resolves ``vod.<region>.aliyuncs.com``).

A source counts only if it carries both halves of the AccessKey pair, so a half-configured environment
never mixes with the FC context's STS token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ._record import FrozenRecord
from .errors import MissingCredentials, ValidationError

DEFAULT_REGION = "cn-shanghai"
ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_REGION = "FC_REGION"
ENV_ENDPOINT = "VOD_ENDPOINT"


class Credentials(FrozenRecord):
    """An AccessKey pair, the STS token if any, and where they were found (explicit, context, environment)."""

    __slots__ = ("access_key_id", "access_key_secret", "security_token", "source")
    _repr_hidden = ("access_key_secret", "security_token")

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        security_token: str | None = None,
        source: str = "explicit",
    ) -> None:
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token
        self.source = source


class Endpoint(FrozenRecord):
    """An endpoint override, split the way the core SDK wants it: host[:port] plus http/https."""

    __slots__ = ("host", "scheme")

    def __init__(self, host: str, scheme: str = "http") -> None:
        self.host = host
        self.scheme = scheme

    @classmethod
    def parse(cls, value: str) -> Endpoint:
        text = value.strip()
        scheme = "http"
        if "://" in text:
            scheme, _, text = text.partition("://")
            scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ValidationError("endpoint", f"endpoint scheme must be http or https, got {value!r}")
        host = text.split("/", 1)[0]
        if not host:
            raise ValidationError("endpoint", f"endpoint has no host: {value!r}")
        return cls(host=host, scheme=scheme)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}"


def resolve_credentials(
    *,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
    security_token: str | None = None,
    context: Any = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    env = os.environ if environ is None else environ
    if access_key_id or access_key_secret:
        if not (access_key_id and access_key_secret):
            missing = "access_key_secret" if access_key_id else "access_key_id"
            raise MissingCredentials(
                "MissingCredentials", f"{missing} must be given together with the other half"
            )
        return Credentials(access_key_id, access_key_secret, security_token or None, "explicit")
    creds = getattr(context, "credentials", None) if context is not None else None
    if creds is not None:
        ak = _get(creds, "access_key_id")
        secret = _get(creds, "access_key_secret")
        if ak and secret:
            return Credentials(ak, secret, _get(creds, "security_token") or None, "context")
    ak, secret = env.get(ENV_ACCESS_KEY_ID), env.get(ENV_ACCESS_KEY_SECRET)
    if ak and secret:
        return Credentials(ak, secret, env.get(ENV_SECURITY_TOKEN) or None, "environment")
    raise MissingCredentials(
        "MissingCredentials",
        "no AccessKey found: pass access_key_id/access_key_secret, run inside FC with a service role, "
        f"or set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}",
    )


def resolve_region(
    region: str | None = None, *, context: Any = None, environ: Mapping[str, str] | None = None
) -> str:
    env = os.environ if environ is None else environ
    context_region = getattr(context, "region", None) if context is not None else None
    for candidate in (region, context_region, env.get(ENV_REGION)):
        if isinstance(candidate, str) and candidate:
            return candidate
    return DEFAULT_REGION


def resolve_endpoint(
    endpoint: str | None = None, *, environ: Mapping[str, str] | None = None
) -> Endpoint | None:
    env = os.environ if environ is None else environ
    value = endpoint or env.get(ENV_ENDPOINT)
    return Endpoint.parse(value) if value else None


def _get(obj: Any, name: str) -> str | None:
    value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return value if isinstance(value, str) and value else None
