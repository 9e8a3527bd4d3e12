"""Turn an HTTP request into the API call it carries, in either of Alibaba's two POP styles.

* **RPC** (core SDK, Tea with ``signature_algorithm='v2'``, raw clients): ``Action``, ``Version``
  and the HMAC-SHA1 v1 signature travel as parameters, in the query string, in a form body, or
  split between both; GET and POST are equivalent.
* **ACS3** (Tea's default): ``x-acs-action`` / ``x-acs-version`` headers and an
  ``Authorization: ACS3-HMAC-SHA256 ...`` header; only the business parameters are in the query
  (or form body).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from vodfc.emulator.config import VOD_API_VERSION, EmulatorConfig
from vodfc.emulator.protocol import environ as wsgi
from vodfc.emulator.vod.exceptions import InvalidVersion, MissingGatewayParameter

Style = Literal["rpc", "acs3"]

# The gateway's own parameters; the actions only see what is left.
COMMON_PARAMETERS = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "RegionId",
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SignatureType",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "SecurityToken",
    }
)

_VOD_HOST = re.compile(r"vod(?:\.(?P<region>[a-z0-9-]+))?\.aliyuncs\.com", re.IGNORECASE)


@dataclass
class ApiCall:
    """One decoded call: who, what, where, and everything the signature check needs."""

    style: Style
    action: str
    version: str
    region: str
    format: str  # "JSON" or "XML"
    params: dict[str, str]  # business parameters only
    signed_params: dict[str, str]  # every parameter (query and body), for the RPC v1 signature
    query: dict[str, str]  # the query string alone, for the ACS3 canonical request
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(repr=False)  # lower-case names
    authorization: str | None = None

    @property
    def access_key_id(self) -> str | None:
        return self.signed_params.get("AccessKeyId") or None

    @property
    def security_token(self) -> str | None:
        return self.signed_params.get("SecurityToken") or self.headers.get("x-acs-security-token") or None


def region_from_host(host: str) -> str | None:
    """``vod.cn-beijing.aliyuncs.com`` -> ``cn-beijing``; None for hosts that name no region."""
    match = _VOD_HOST.fullmatch(host.split(":", 1)[0])
    return match.group("region") if match else None


def is_vod_host(host: str) -> bool:
    return _VOD_HOST.fullmatch(host.split(":", 1)[0]) is not None


def wanted_format(params: dict[str, str], accept: str, config: EmulatorConfig) -> str:
    """The answer format: ``Format`` if given (any case), else JSON when the client accepts it."""
    fmt = params.get("Format", "").strip().upper()
    if fmt in ("JSON", "XML"):
        return fmt
    if "application/json" in accept.lower():
        return "JSON"
    return config.rpc_default_format.upper()


def decode(environ: Mapping[str, Any], config: EmulatorConfig) -> ApiCall:
    """Decode the request in ``environ``; raises the gateway's ``Missing*`` / ``InvalidVersion`` errors."""
    headers = wsgi.headers(environ)
    body = wsgi.body(environ, config.max_body_bytes)
    query = wsgi.query(environ)
    params = dict(query)
    params.update(wsgi.form(environ, body))
    authorization = headers.get("authorization")
    style: Style = "acs3" if authorization and authorization.startswith("ACS3-") else "rpc"

    if style == "rpc":
        action = params.get("Action") or headers.get("x-acs-action", "")
        version = params.get("Version") or headers.get("x-acs-version", "")
    else:
        action = headers.get("x-acs-action", "") or params.get("Action", "")
        version = headers.get("x-acs-version", "") or params.get("Version", "")
    region = region_from_host(wsgi.host(environ)) or params.get("RegionId") or config.region
    call = ApiCall(
        style=style,
        action=action,
        version=version,
        region=region,
        format=wanted_format(params, headers.get("accept", ""), config),
        params={k: v for k, v in params.items() if k not in COMMON_PARAMETERS},
        signed_params=params,
        query=query,
        method=wsgi.method(environ),
        path=wsgi.path(environ),
        body=body,
        headers=headers,
        authorization=authorization,
    )
    return call


def check_action_and_version(call: ApiCall) -> None:
    """VOD answers only version 2017-03-21, and every call must name its action."""
    if not call.action:
        raise MissingGatewayParameter("Action")
    if not call.version:
        raise MissingGatewayParameter("Version")
    if call.version != VOD_API_VERSION:
        raise InvalidVersion(detail=f"This endpoint serves Version {VOD_API_VERSION}, not {call.version}.")
