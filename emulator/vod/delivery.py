"""The addresses VOD hands out for stored files, by ``OutputType`` and ``AuthTimeout``.

GetMezzanineInfo (``FileURL``), GetPlayInfo (``PlayURL``), GetImageInfo(s) (``URL``,
``Mezzanine.FileURL``) and GetAttachedMediaInfo (``URL``) render each stored address through one
``Delivery`` (shared/spec/vod-api.md §1 GetMezzanineInfo, GetImageInfo; the Tea models' parameter
notes):

* ``oss``: a presigned OSS URL, V1 query signature (``Expires``, ``OSSAccessKeyId``, ``Signature``, the
  form VOD's captured answers show), valid for ``AuthTimeout`` seconds (default 3600) from the
  emulator's clock and signed with the account's VOD service key (``Accounts.service_key``). The
  emulator's OSS serves it until then and answers ``AccessDenied`` "Request has expired." after. The
  maximum is
  2592000 for a file in a bucket VOD manages (604800 for GetPlayInfo) and 129600 for one in the
  user's own bucket; which buckets VOD manages: ``outin-*`` ones [inferred from their names].
* ``cdn`` (the default): the stored address, as VOD answers without URL signing on its accelerated
  domain. ``AuthTimeout`` is at least 1 with no maximum. With ``VodOptions.cdn_auth_key`` set the
  address carries ``auth_key=<timestamp>-<rand>-0-<md5>`` (CDN URL signing type A: md5 over
  ``<path>-<timestamp>-<rand>-0-<key>``); a CDN node refuses it after ``timestamp`` plus the domain's
  validity period (``cdn_auth_ttl``), so VOD's timestamp is ``now + AuthTimeout - cdn_auth_ttl`` and
  the URL lives ``AuthTimeout`` seconds (without AuthTimeout: the validity period) [inferred: VOD
  documents the CDN's check and AuthTimeout's meaning, not the timestamp it writes]. The emulator
  has no CDN of its own: its OSS serves the VOD buckets and checks those signatures (``cdn_guard``).

Every address names the host the client of the call reaches OSS at (``oss.addresses.object_url``): the
recorded Aliyun URL in-process and through a proxy, the emulator's own address in server mode. An
address that names no OSS object (a URL of somewhere else) is answered as stored.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vodfc.emulator.oss import signing
from vodfc.emulator.oss.addresses import ObjectAddress, object_url, parse_object_url
from vodfc.emulator.vod.actions.common import Params, choice, int_param
from vodfc.emulator.vod.exceptions import InvalidParameter
from vodfc.shared.validation import (
    AUTH_TIMEOUT_MAX_OWN_BUCKET,
    AUTH_TIMEOUT_MAX_VOD_BUCKET,
    DEFAULT_OSS_AUTH_TIMEOUT,
    OUTPUT_TYPES,
)

if TYPE_CHECKING:
    from vodfc.emulator.oss.service import ReadGuard
    from vodfc.emulator.protocol import RequestContext
    from vodfc.emulator.vod.models import VodBackend

VOD_BUCKET_PREFIX = "outin-"


def is_vod_bucket(bucket: str) -> bool:
    """A bucket VOD manages (``outin-<hash>``), as opposed to the user's own. [inferred from the names]"""
    return bucket.startswith(VOD_BUCKET_PREFIX)


# --- CDN URL signing, type A --------------------------------------------------------------------------


def type_a_hash(path: str, timestamp: int, rand: str, uid: str, key: str) -> str:
    return hashlib.md5(f"{path}-{timestamp}-{rand}-{uid}-{key}".encode()).hexdigest()


def sign_type_a(url: str, key: str, timestamp: int) -> str:
    """``url`` with ``auth_key`` added (its path is the signed URI)."""
    rand = uuid.uuid4().hex
    auth_key = f"{timestamp}-{rand}-0-{type_a_hash(urlsplit(url).path or '/', timestamp, rand, '0', key)}"
    return f"{url}{'&' if '?' in url else '?'}auth_key={auth_key}"


def check_type_a(path: str, auth_key: str | None, key: str, ttl: int, now: datetime) -> str | None:
    """Why a CDN node with URL signing (``key``, validity ``ttl``) refuses ``path?auth_key=...``, or None."""
    if not auth_key:
        return "URL signing is on and the request carries no auth_key."
    parts = auth_key.split("-")
    if len(parts) != 4 or not parts[0].isdigit():
        return "auth_key is not <timestamp>-<rand>-<uid>-<md5hash>."
    timestamp, rand, uid, digest = int(parts[0]), parts[1], parts[2], parts[3]
    if now.timestamp() > timestamp + ttl:
        return "auth_key has expired."
    if not hmac.compare_digest(type_a_hash(path, timestamp, rand, uid, key), digest):
        return "auth_key does not match."
    return None


# --- one call's delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """How one call answers its addresses; ``url()`` renders each."""

    output_type: str  # "oss" | "cdn"
    auth_timeout: int | None  # as sent (None: the default)
    vod_bucket_max: int  # the oss maximum for a file in a VOD bucket (GetPlayInfo: 604800)
    backend: VodBackend
    ctx: RequestContext

    def url(self, stored: str | None) -> str | None:
        if not stored:
            return stored
        address = parse_object_url(stored)
        if address is None:
            return stored
        base = object_url(self.ctx, stored, address, self.backend.region)
        if self.output_type == "oss":
            return self._presigned(base, address)
        options = self.backend.options
        if options.cdn_auth_key is None:
            return base
        lifetime = self.auth_timeout if self.auth_timeout is not None else options.cdn_auth_ttl
        timestamp = int(self.ctx.now.timestamp()) + lifetime - options.cdn_auth_ttl
        return sign_type_a(base, options.cdn_auth_key, timestamp)

    def _presigned(self, base: str, address: ObjectAddress) -> str:
        maximum = self.vod_bucket_max if is_vod_bucket(address.bucket) else AUTH_TIMEOUT_MAX_OWN_BUCKET
        lifetime = self.auth_timeout if self.auth_timeout is not None else DEFAULT_OSS_AUTH_TIMEOUT
        if lifetime > maximum:
            raise InvalidParameter(
                "AuthTimeout", f"at most {maximum} with OutputType oss for this file's bucket"
            )
        accounts = self.ctx.accounts
        if accounts is None:
            raise InvalidParameter("OutputType", "the call carries no key ring to sign OSS URLs with")
        key = accounts.service_key(self.backend.account_id)
        expires = int(self.ctx.now.timestamp()) + lifetime
        return signing.v1_presigned_get(
            base, address.bucket, address.key, key.access_key_id, key.access_key_secret, expires
        )


def delivery(
    backend: VodBackend,
    params: Params,
    ctx: RequestContext,
    *,
    vod_bucket_max: int = AUTH_TIMEOUT_MAX_VOD_BUCKET,
) -> Delivery:
    """The call's ``OutputType`` (default cdn) and ``AuthTimeout`` (at least 1; the oss maximum is checked
    per file, as it depends on the file's bucket)."""
    output_type = choice(params, "OutputType", OUTPUT_TYPES, "cdn")
    assert output_type is not None
    auth_timeout = int_param(params, "AuthTimeout", minimum=1)
    return Delivery(output_type, auth_timeout, vod_bucket_max, backend, ctx)


# --- the CDN's check, on the emulator's OSS ------------------------------------------------------------

BackendOf = Callable[[str, str], "VodBackend"]
Clock = Callable[[], datetime]


def cdn_guard(backend_of: BackendOf, clock: Clock) -> ReadGuard:
    """The OSS's check of anonymous reads in VOD's buckets: with the owning account's CDN URL signing on
    (``cdn_auth_key``), a read needs a valid type-A ``auth_key`` for its path. Returns why a read is
    refused, or None. ``backend_of(account, region)`` is the account's VOD backend."""

    def guard(account_id: str, region: str, bucket: str, path: str, query: Mapping[str, Any]) -> str | None:
        if not is_vod_bucket(bucket):
            return None
        options = backend_of(account_id, region).options
        if options.cdn_auth_key is None:
            return None
        return check_type_a(path, query.get("auth_key"), options.cdn_auth_key, options.cdn_auth_ttl, clock())

    return guard
