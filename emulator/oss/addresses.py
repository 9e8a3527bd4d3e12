"""Addresses of OSS objects: where a client of a given request reaches OSS, and which object a URL names.

A client reaches the emulator's OSS three ways (``OssService``): the real-looking
``https://oss-<region>.aliyuncs.com`` in-process (``mock_vod`` intercepts it, oss2 builds
virtual-hosted URLs on it), plain-http Aliyun hosts when its VOD call itself came through
``HTTP_PROXY``, and the emulator's own ``http://127.0.0.1:<port>`` otherwise (path style, which
oss2 uses for an IP endpoint). Upload addresses and the signed URLs VOD hands out both follow the
request that asked for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit


class Caller(Protocol):
    """What an address depends on of the call that asks for it (a VOD call's ``RequestContext``, or any
    other API's request): how it arrived and at which address."""

    @property
    def mode(self) -> str: ...

    @property
    def host_url(self) -> str: ...


BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
# A region's public, internal (-internal) and VPC (vpc100-) endpoints; the official upload SDK
# switches to the internal one when told it runs on ECS in the same region.
BUCKET_HOST = (
    r"(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.(?:vpc100-)?oss-(?P<region>[a-z0-9-]+?)(?:-internal)?"
    r"\.aliyuncs\.com"
)
REGION_HOST = r"(?:vpc100-)?oss-(?P<region>[a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com"
_VIRTUAL_HOST = re.compile(BUCKET_HOST, re.IGNORECASE)


@dataclass(frozen=True)
class ObjectAddress:
    """One object, as a URL names it: ``region`` is None for a path-style URL (the host does not say)."""

    bucket: str
    key: str
    region: str | None = None


def endpoint_for(ctx: Caller, region: str) -> str:
    """The OSS endpoint (no bucket) a client of ``ctx``'s request reaches the emulator's OSS at."""
    if ctx.mode == "inprocess":
        return f"https://oss-{region}.aliyuncs.com"
    host = urlsplit(ctx.host_url).hostname or ""
    if host.endswith(".aliyuncs.com"):
        # The VOD call came through HTTP_PROXY with a real host: OSS calls will too, over http.
        return f"http://oss-{region}.aliyuncs.com"
    return str(ctx.host_url)


def object_url(ctx: Caller, stored: str, address: ObjectAddress, region: str) -> str:
    """Where a client of ``ctx``'s request reaches the object ``stored`` (its recorded URL, which names
    ``address``) names, without a query: ``stored`` itself when both are on Aliyun hosts, else path
    style on the emulator's own address, or virtual-hosted on the Aliyun endpoint."""
    endpoint = endpoint_for(ctx, address.region or region)
    parts = urlsplit(endpoint)
    on_aliyun = (parts.hostname or "").endswith(".aliyuncs.com")
    if on_aliyun and address.region is not None:
        return stored.split("?", 1)[0]
    path = quote(address.key, safe="/")
    if on_aliyun:
        return f"{parts.scheme}://{address.bucket}.{parts.netloc}/{path}"
    return f"{endpoint.rstrip('/')}/{address.bucket}/{path}"


def parse_object_url(url: str) -> ObjectAddress | None:
    """The object a URL of the emulator's OSS names (virtual-hosted or path style), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = unquote(parts.path)
    hosted = _VIRTUAL_HOST.fullmatch(parts.hostname)
    if hosted is not None:
        bucket, region, key = hosted.group("bucket").lower(), hosted.group("region").lower(), path[1:]
        return ObjectAddress(bucket, key, region) if key else None
    if parts.hostname.endswith(".aliyuncs.com"):
        return None  # another Aliyun service (or a CDN name), not an OSS object
    bucket, _, key = path[1:].partition("/")
    if not key or not BUCKET_NAME.fullmatch(bucket):
        return None
    return ObjectAddress(bucket, key)
