"""Signature checks, exactly as the POP gateway does them, against the emulator's key ring.

Two schemes: RPC v1 (HMAC-SHA1 over the sorted, percent-encoded parameters; signed by the core SDK
and by Tea with ``signature_algorithm='v2'``) and ACS3 (a canonical request hashed and signed with
HMAC): ``ACS3-HMAC-SHA256`` (Tea's default) or ``ACS3-HMAC-SM3`` (``signature_algorithm`` /
``signatureAlgorithm='ACS3-HMAC-SM3'`` in the Python and Node Tea clients), one code path whose hash is
the algorithm's (the header that carries the body's hash keeps its name, ``x-acs-content-sha256``, with
either). Failures raise the gateway's error for each case, and a
mismatch carries the server's string-to-sign after ``:``: the core SDK splits the message on
``:`` and compares that part with its own string-to-sign to tell a wrong secret
(``InvalidAccessKeySecret``) from a bad canonicalisation.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from vodfc.emulator.accounts import Accounts, Credential
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.policy import vod_resource
from vodfc.emulator.protocol.decoding import ApiCall
from vodfc.emulator.protocol.encoding import percent_encode
from vodfc.emulator.protocol.sm3 import sm3
from vodfc.emulator.vod.exceptions import (
    Forbidden,
    IncompleteSignature,
    InvalidSignatureMethod,
    InvalidTimeStampExpired,
    InvalidTimeStampFormat,
    MissingGatewayParameter,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)
from vodfc.shared.validation import format_time, parse_utc_time

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
# ACS3 algorithm -> its hash (a hashlib-style constructor: data in, hash object out).
ACS3_HASHES: dict[str, Callable[..., Any]] = {ACS3_ALGORITHM: hashlib.sha256, "ACS3-HMAC-SM3": sm3}
_ACS3_FIELD = re.compile(r"\s*(Credential|SignedHeaders|Signature)=([^,\s]*)\s*")


# --- RPC v1 -----------------------------------------------------------------------------------------


def rpc_v1_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(
        [f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"]
    )
    # percent_encode(canonical), knowing what is in it: encoded pairs (unreserved characters and
    # "%") joined with "=" and "&".
    encoded = canonical.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
    return f"{method.upper()}&%2F&{encoded}"


def rpc_v1_signature(secret: str, string_to_sign: str) -> str:
    digest = hmac.digest(f"{secret}&".encode(), string_to_sign.encode(), "sha1")
    return base64.b64encode(digest).decode()


# --- ACS3 -------------------------------------------------------------------------------------------


def acs3_canonical_request(call: ApiCall, signed_headers: list[str], algorithm: str = ACS3_ALGORITHM) -> str:
    return acs3_canonical(
        call.method, call.path, call.query, call.headers, call.body, signed_headers, algorithm
    )


def acs3_canonical(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    signed_headers: list[str],
    algorithm: str = ACS3_ALGORITHM,
) -> str:
    """The canonical request of ACS3 (``headers`` by lower-case name)."""
    canonical_query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query.items()))
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed_headers)
    payload = ACS3_HASHES[algorithm](body).hexdigest()
    uri = re.sub(r"%2F", "/", percent_encode(path or "/"))
    return (
        f"{method.upper()}\n{uri}\n{canonical_query}\n{canonical_headers}\n"
        f"{';'.join(signed_headers)}\n{payload}"
    )


def acs3_sign(
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    access_key_id: str,
    access_key_secret: str,
    *,
    now: datetime,
    algorithm: str = ACS3_ALGORITHM,
) -> dict[str, str]:
    """The headers of a request to ``url`` signed with ACS3, as Tea signs one: ``headers`` (lower-case
    names), the date, nonce and body hash, and ``Authorization`` over host, ``content-type`` and ``x-acs-*``.
    For the emulator's own clients (the pytest plugin's ``fc``), which must not need the Tea SDK."""
    parts = urlsplit(url)
    signed = {
        **headers,
        "host": parts.netloc,
        "x-acs-date": format_time(now),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": ACS3_HASHES[algorithm](body).hexdigest(),
    }
    names = sorted(n for n in signed if n in ("host", "content-type") or n.startswith("x-acs-"))
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    canonical = acs3_canonical(method, unquote(parts.path), query, signed, body, names, algorithm)
    signature = acs3_signature(access_key_secret, acs3_string_to_sign(canonical, algorithm), algorithm)
    signed["Authorization"] = (
        f"{algorithm} Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"
    )
    return signed


def acs3_string_to_sign(canonical_request: str, algorithm: str = ACS3_ALGORITHM) -> str:
    return f"{algorithm}\n{ACS3_HASHES[algorithm](canonical_request.encode()).hexdigest()}"


def acs3_signature(secret: str, string_to_sign: str, algorithm: str = ACS3_ALGORITHM) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), ACS3_HASHES[algorithm]).hexdigest()


def parse_acs3_authorization(authorization: str) -> tuple[str, str, list[str], str]:
    """``ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`` -> (algorithm, AK, headers, sig)."""
    algorithm, _, rest = authorization.partition(" ")
    if algorithm not in ACS3_HASHES:
        raise InvalidSignatureMethod(
            detail=f"The emulator verifies {' and '.join(ACS3_HASHES)}, not {algorithm}."
        )
    fields: dict[str, str] = {}
    for part in rest.split(","):
        match = _ACS3_FIELD.fullmatch(part)
        if match:
            fields[match.group(1)] = match.group(2)
    if not fields.get("Credential"):
        raise MissingGatewayParameter("AccessKeyId")
    if not fields.get("Signature"):
        raise MissingGatewayParameter("Signature")
    if "SignedHeaders" not in fields:
        raise IncompleteSignature()
    signed = [name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip()]
    return algorithm, fields["Credential"], signed, fields["Signature"]


# --- timestamps and nonces ------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)  # calls made within the same second share their Timestamp
def parse_timestamp(text: str) -> datetime:
    """The SDK's ``Timestamp`` (VOD's time, optionally with a fraction), to the second."""
    moment = parse_utc_time(text.strip(), fraction=True)
    if moment is None:
        raise InvalidTimeStampFormat()
    return moment.replace(microsecond=0)


class NonceCache:
    """The nonces seen in the last ``window`` (VOD's 15-minute timestamp window), at most ``capacity``
    of them: a replay is caught while its nonce is among the most recent ``capacity`` within the
    window, and memory stays bounded however many calls arrive. An entry is a 64-bit hash of
    (AccessKeyId, nonce) and its expiry, about 100 bytes."""

    def __init__(self, window: timedelta, capacity: int = 20_000):
        self._window = int(window.total_seconds())
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._expiry: dict[int, int] = {}  # hash -> the second it may be forgotten (epoch)
        self._order: deque[int] = deque()  # the same hashes, oldest first
        self._last = 0  # the last expiry: the calls of one second share the int

    def __len__(self) -> int:
        return len(self._order)

    def remember(self, access_key_id: str, nonce: str, now: datetime) -> None:
        """Record ``nonce``; raise ``SignatureNonceUsed`` if it was seen in the window."""
        key = hash((access_key_id, nonce))
        second = int(now.timestamp())
        with self._lock:
            order, expiries = self._order, self._expiry
            while order and (len(order) >= self.capacity or expiries[order[0]] <= second):
                expiries.pop(order.popleft(), None)
            if key in expiries:
                raise SignatureNonceUsed()
            if self._last != second + self._window:
                self._last = second + self._window
            expiries[key] = self._last
            order.append(key)

    def clear(self) -> None:
        with self._lock:
            self._expiry.clear()
            self._order.clear()
            self._last = 0


# --- the check --------------------------------------------------------------------------------------


class Authenticator:
    """Who sent a call, proven by its signature (or just named, with verification switched off), and
    whether the credential's policy lets it make the call (VOD's ``Forbidden`` otherwise)."""

    def __init__(self, config: EmulatorConfig, accounts: Accounts):
        self.config = config
        self.accounts = accounts
        self.nonces = NonceCache(config.max_clock_skew, config.nonce_cache_size)

    def authenticate(self, call: ApiCall) -> Credential:
        credential = self.identify(call)
        if not credential.allows(f"vod:{call.action}", vod_resource(call.region, credential.account_id)):
            raise Forbidden()
        return credential

    def identify(self, call: ApiCall) -> Credential:
        """Who sent ``call``, proven by its signature; what the credential may do is the caller's to
        check (VOD's actions: ``authenticate``; FC 3.0's API signs the same way and checks no VOD action)."""
        if call.style == "acs3":
            assert call.authorization is not None
            algorithm, access_key_id, signed_headers, signature = parse_acs3_authorization(call.authorization)
            timestamp, nonce = (
                call.headers.get("x-acs-date", ""),
                call.headers.get("x-acs-signature-nonce", ""),
            )
        else:
            access_key_id = call.signed_params.get("AccessKeyId", "")
            signature = call.signed_params.get("Signature", "")
            timestamp = call.signed_params.get("Timestamp", "")
            nonce = call.signed_params.get("SignatureNonce", "")
            if not access_key_id:
                raise MissingGatewayParameter("AccessKeyId")

        if not self.config.verify_signatures:
            credential = self.accounts.find(access_key_id)
            if credential is None:
                credential = Credential(access_key_id, "", self.config.default_account_id)
            return credential

        if call.style == "rpc":
            if not signature:
                raise MissingGatewayParameter("Signature")
            method = call.signed_params.get("SignatureMethod", "")
            if not method:
                raise MissingGatewayParameter("SignatureMethod")
            if method != "HMAC-SHA1":
                raise InvalidSignatureMethod(detail=f"RPC requests are signed with HMAC-SHA1, not {method}.")
        if not timestamp:
            raise MissingGatewayParameter("Timestamp")
        now = self.config.clock()
        if abs(now - parse_timestamp(timestamp)) > self.config.max_clock_skew:
            raise InvalidTimeStampExpired()
        if not nonce:
            raise MissingGatewayParameter("SignatureNonce")
        credential = self.accounts.authenticate(access_key_id, call.security_token)

        if call.style == "rpc":
            string_to_sign = rpc_v1_string_to_sign(call.method, call.signed_params)
            expected = rpc_v1_signature(credential.access_key_secret, string_to_sign)
        else:
            canonical = acs3_canonical_request(call, signed_headers, algorithm)
            string_to_sign = acs3_string_to_sign(canonical, algorithm)
            expected = acs3_signature(credential.access_key_secret, string_to_sign, algorithm)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise SignatureDoesNotMatch(string_to_sign, v3=call.style == "acs3")
        if self.config.check_nonce:
            self.nonces.remember(access_key_id, nonce, now)
        return credential
