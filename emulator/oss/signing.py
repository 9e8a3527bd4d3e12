"""OSS request signatures, recomputed on the server side: V1 (HMAC-SHA1), V2 (OSS2, HMAC-SHA256) and V4
(OSS4-HMAC-SHA256).

oss2's ``Auth``/``StsAuth`` sign with V1 unless told otherwise (``auth_version=AUTH_VERSION_4``, or
``ProviderAuthV4`` with ``Bucket(..., region=...)``). Both the ``Authorization`` header and the
query-string forms (presigned URLs from ``bucket.sign_url``) are understood. The string the server
signed is kept, so a mismatch can be reported with it, as OSS does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

# Query parameters that are part of a V1 canonical resource (OSS's published list; every other
# parameter is left out of the signature).
SUBRESOURCES = frozenset(
    [
        "acl",
        "uploads",
        "location",
        "cors",
        "logging",
        "website",
        "referer",
        "lifecycle",
        "delete",
        "append",
        "tagging",
        "objectMeta",
        "uploadId",
        "partNumber",
        "security-token",
        "position",
        "img",
        "style",
        "styleName",
        "replication",
        "replicationProgress",
        "replicationLocation",
        "cname",
        "bucketInfo",
        "comp",
        "qos",
        "live",
        "status",
        "vod",
        "startTime",
        "endTime",
        "symlink",
        "x-oss-process",
        "response-content-type",
        "x-oss-traffic-limit",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "udf",
        "udfName",
        "udfImage",
        "udfId",
        "udfImageDesc",
        "udfApplication",
        "udfApplicationLog",
        "restore",
        "callback",
        "callback-var",
        "qosInfo",
        "policy",
        "stat",
        "encryption",
        "versions",
        "versioning",
        "versionId",
        "requestPayment",
        "x-oss-request-payer",
        "sequential",
        "inventory",
        "inventoryId",
        "continuation-token",
        "asyncFetch",
        "worm",
        "wormId",
        "wormExtend",
        "withHashContext",
        "x-oss-enable-md5",
        "x-oss-enable-sha1",
        "x-oss-enable-sha256",
        "x-oss-hash-ctx",
        "x-oss-md5-ctx",
        "transferAcceleration",
        "regionList",
        "cloudboxes",
        "x-oss-ac-source-ip",
        "x-oss-ac-subnet-mask",
        "x-oss-ac-vpc-id",
        "x-oss-ac-forward-allow",
        "metaQuery",
        "resourceGroup",
        "rtc",
        "accessPoint",
        "accessPointPolicy",
        "publicAccessBlock",
        "x-oss-access-point-name",
        "group",
        "link",
    ]
)

V4_ALGORITHM = "OSS4-HMAC-SHA256"
DEFAULT_V4_HEADERS = ("content-type", "content-md5")


class MalformedAuthorization(ValueError):
    """The Authorization header (or the signed query) cannot be parsed."""


@dataclass(frozen=True)
class Signature:
    """What a request claims: who signed, how, and the signature itself."""

    version: str  # "v1", "v2" or "v4"
    access_key_id: str
    signature: str
    in_query: bool = False
    # V1: the Date header (or Expires for a presigned URL). V4: x-oss-date.
    date: str = ""
    expires: str | None = None
    # V4 only.
    scope_date: str = ""
    scope_region: str = ""
    scope_product: str = "oss"
    additional_headers: tuple[str, ...] = field(default_factory=tuple)


def parse(headers: Mapping[str, str], query: Mapping[str, str]) -> Signature | None:
    """The request's signature claim, ``None`` for an anonymous request."""
    authorization = headers.get("authorization", "").strip()
    if authorization.startswith("OSS "):
        access_key_id, sep, signature = authorization[4:].strip().rpartition(":")
        if not sep or not access_key_id:
            raise MalformedAuthorization(authorization)
        date = headers.get("x-oss-date") or headers.get("date", "")
        return Signature("v1", access_key_id.strip(), signature.strip(), date=date)
    if authorization.startswith("OSS2 "):
        fields = dict(
            part.strip().partition(":")[::2] for part in authorization[5:].split(",") if ":" in part
        )
        if not fields.get("AccessKeyId") or "Signature" not in fields:
            raise MalformedAuthorization(authorization)
        extra = tuple(h.strip().lower() for h in fields.get("AdditionalHeaders", "").split(";") if h.strip())
        return Signature(
            "v2",
            fields["AccessKeyId"].strip(),
            fields["Signature"].strip(),
            date=headers.get("date", ""),
            additional_headers=extra,
        )
    if authorization.startswith(V4_ALGORITHM + " "):
        fields = {}
        for part in authorization[len(V4_ALGORITHM) + 1 :].split(","):
            name, _, value = part.strip().partition("=")
            fields[name] = value.strip()
        if "Credential" not in fields or "Signature" not in fields:
            raise MalformedAuthorization(authorization)
        return _v4(
            fields["Credential"],
            fields["Signature"],
            headers.get("x-oss-date", ""),
            fields.get("AdditionalHeaders", ""),
            in_query=False,
        )
    if authorization:
        raise MalformedAuthorization(authorization)
    if "OSSAccessKeyId" in query and "Signature" in query:
        return Signature(
            "v1",
            query["OSSAccessKeyId"],
            query["Signature"],
            in_query=True,
            date=query.get("Expires", ""),
            expires=query.get("Expires", ""),
        )
    if query.get("x-oss-signature-version") == "OSS2":
        if "x-oss-access-key-id" not in query or "x-oss-signature" not in query:
            raise MalformedAuthorization("x-oss-access-key-id")
        extra = tuple(h for h in query.get("x-oss-additional-headers", "").lower().split(";") if h)
        expires = query.get("x-oss-expires", "")
        return Signature(
            "v2",
            query["x-oss-access-key-id"],
            query["x-oss-signature"],
            in_query=True,
            date=expires,
            expires=expires,
            additional_headers=extra,
        )
    if query.get("x-oss-signature-version") == V4_ALGORITHM:
        if "x-oss-credential" not in query or "x-oss-signature" not in query:
            raise MalformedAuthorization("x-oss-credential")
        return _v4(
            query["x-oss-credential"],
            query["x-oss-signature"],
            query.get("x-oss-date", ""),
            query.get("x-oss-additional-headers", ""),
            in_query=True,
            expires=query.get("x-oss-expires"),
        )
    return None


def _v4(
    credential: str, signature: str, date: str, additional: str, in_query: bool, expires: str | None = None
) -> Signature:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aliyun_v4_request":
        raise MalformedAuthorization(credential)
    access_key_id, scope_date, region, product, _ = parts
    extra = tuple(h.strip().lower() for h in additional.split(";") if h.strip())
    return Signature(
        "v4", access_key_id, signature, in_query, date, expires, scope_date, region, product, extra
    )


# --- V1 ------------------------------------------------------------------------------------------


def v1_resource(bucket: str | None, key: str, query: Sequence[tuple[str, str]]) -> str:
    resource = f"/{bucket}/{key}" if bucket else "/"
    subresources = sorted((k, v) for k, v in query if k in SUBRESOURCES)
    if subresources:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in subresources)
    return resource


def v1_string_to_sign(
    method: str,
    headers: Mapping[str, str],
    bucket: str | None,
    key: str,
    query: Sequence[tuple[str, str]],
    date: str,
) -> str:
    oss_headers = sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-oss-"))
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in oss_headers)
    return "\n".join(
        [
            method,
            headers.get("content-md5", ""),
            headers.get("content-type", ""),
            date,
            canonical_headers + v1_resource(bucket, key, query),
        ]
    )


def v1_sign(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def v1_presigned_get(url: str, bucket: str, key: str, access_key_id: str, secret: str, expires: int) -> str:
    """``url`` (the object's address, no query) signed for a GET until ``expires`` (epoch seconds), as
    oss2's ``sign_url`` does with a V1 key: ``Expires``, ``OSSAccessKeyId``, ``Signature``."""
    signature = v1_sign(secret, v1_string_to_sign("GET", {}, bucket, key, [], str(expires)))
    return (
        f"{url}?Expires={expires}&OSSAccessKeyId={quote(access_key_id, safe='')}"
        f"&Signature={quote(signature, safe='')}"
    )


# --- V2 ------------------------------------------------------------------------------------------


def v2_string_to_sign(
    method: str,
    headers: Mapping[str, str],
    bucket: str | None,
    key: str,
    query: Sequence[tuple[str, str]],
    claim: Signature,
) -> str:
    wanted = set(claim.additional_headers)
    signed = sorted(
        (k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-oss-") or k.lower() in wanted
    )
    resource = _v4_quote(f"/{bucket}/{key}" if bucket else "/", keep_slash=False)
    params = [(k, v) for k, v in query if not (claim.in_query and k == "x-oss-signature")]
    encoded = sorted((_v4_quote(k, False), _v4_quote(v, False)) for k, v in params)
    if encoded:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in encoded)
    return "\n".join(
        [
            method,
            headers.get("content-md5", ""),
            headers.get("content-type", ""),
            claim.date,
            "".join(f"{k}:{v}\n" for k, v in signed) + ";".join(sorted(wanted)),
            resource,
        ]
    )


def v2_sign(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# --- V4 ------------------------------------------------------------------------------------------


def _v4_quote(text: str, keep_slash: bool) -> str:
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if (char.isascii() and (char.isalnum() or char in "_-~.")) or (keep_slash and char == "/"):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def v4_canonical_request(
    method: str,
    headers: Mapping[str, str],
    bucket: str | None,
    key: str,
    query: Sequence[tuple[str, str]],
    additional_headers: Sequence[str],
    in_query: bool,
) -> str:
    uri = _v4_quote(f"/{bucket}/{key}" if bucket else "/", keep_slash=True)
    params = [(k, v) for k, v in query if not (in_query and k == "x-oss-signature")]
    encoded = sorted((_v4_quote(k, False), _v4_quote(v, False)) for k, v in params)
    canonical_query = "&".join(f"{k}={v}" if v else k for k, v in encoded)
    wanted = set(additional_headers)
    signed = sorted(
        (k.lower(), v.strip())
        for k, v in headers.items()
        if k.lower().startswith("x-oss-") or k.lower() in DEFAULT_V4_HEADERS or k.lower() in wanted
    )
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in signed)
    payload = headers.get("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
    return "\n".join(
        [method, uri, canonical_query, canonical_headers, ";".join(sorted(additional_headers)), payload]
    )


def v4_string_to_sign(claim: Signature, canonical_request: str) -> str:
    scope = f"{claim.scope_date}/{claim.scope_region}/{claim.scope_product}/aliyun_v4_request"
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return "\n".join([V4_ALGORITHM, claim.date, scope, digest])


def v4_sign(secret: str, claim: Signature, string_to_sign: str) -> str:
    key = ("aliyun_v4" + secret).encode("utf-8")
    for step in (claim.scope_date, claim.scope_region, claim.scope_product, "aliyun_v4_request"):
        key = hmac.new(key, step.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def string_to_sign(
    claim: Signature,
    method: str,
    headers: Mapping[str, str],
    bucket: str | None,
    key: str,
    query: Sequence[tuple[str, str]],
) -> str:
    if claim.version == "v1":
        return v1_string_to_sign(method, headers, bucket, key, query, claim.date)
    if claim.version == "v2":
        return v2_string_to_sign(method, headers, bucket, key, query, claim)
    canonical = v4_canonical_request(
        method, headers, bucket, key, query, claim.additional_headers, claim.in_query
    )
    return v4_string_to_sign(claim, canonical)


def sign(claim: Signature, secret: str, string: str) -> str:
    if claim.version == "v1":
        return v1_sign(secret, string)
    if claim.version == "v2":
        return v2_sign(secret, string)
    return v4_sign(secret, claim, string)


def matches(claim: Signature, expected: str) -> bool:
    return hmac.compare_digest(claim.signature.encode("utf-8"), expected.encode("utf-8"))
