"""Who may call the emulator: long-lived AccessKey pairs and the STS tokens issued against them.

An STS token may carry a ``vodfc.emulator.policy.Policy``: what it may do within its account (VOD's
upload credentials, a function's role). A credential without one has full access to its own account.
Lookups raise the gateway's own errors (``InvalidAccessKeyId.NotFound`` and the
``InvalidSecurityToken.*`` family), so the signature checker only has to call ``authenticate``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from vodfc.emulator.config import AccessKeyPair, utc_now
from vodfc.emulator.policy import Policy
from vodfc.emulator.vod.exceptions import (
    InvalidAccessKeyIdInactive,
    InvalidAccessKeyIdNotFound,
    InvalidSecurityTokenExpired,
    InvalidSecurityTokenMismatch,
    MissingGatewayParameter,
)
from vodfc.shared.validation import format_time

# VOD's own keys (``service_key``): "LTAI" like every long-lived Aliyun AccessKeyId, then the account.
SERVICE_KEY_PREFIX = "LTAIvodfcVod"


@dataclass(frozen=True)
class Credential:
    """One AccessKey as the emulator knows it; STS keys also carry their token and expiry."""

    access_key_id: str
    access_key_secret: str
    account_id: str
    security_token: str | None = None
    expiration: datetime | None = None
    active: bool = True
    # None: everything within ``account_id``; else only what the policy allows.
    policy: Policy | None = None

    @property
    def is_temporary(self) -> bool:
        return self.security_token is not None

    def allows(self, action: str, resource: str) -> bool:
        """Whether this credential's issuer allowed ``action`` on ``resource`` (its account checked apart)."""
        return self.policy is None or self.policy.allows(action, resource)

    def as_sts_dict(self) -> dict[str, str]:
        """The shape STS AssumeRole and VOD's UploadAuth use for temporary credentials."""
        assert self.security_token is not None and self.expiration is not None
        return {
            "AccessKeyId": self.access_key_id,
            "AccessKeySecret": self.access_key_secret,
            "SecurityToken": self.security_token,
            "Expiration": format_time(self.expiration),
        }


# How long an expired STS token is still recognised (and answered as expired) before it is forgotten.
EXPIRED_KEPT = timedelta(days=1)
_SWEEP_FIRST = 1024


class Accounts:
    """The key ring of one emulator app. Thread-safe; STS tokens are kept in memory only."""

    def __init__(self, pairs: Iterable[AccessKeyPair], clock: Callable[[], datetime] = utc_now):
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, Credential] = {}
        self._configured = tuple(pairs)
        self._sweep_at = _SWEEP_FIRST
        self.reset()

    def reset(self) -> None:
        """Back to the configured pairs: STS tokens forgotten, disabled keys enabled again."""
        with self._lock:
            self._keys = {
                pair.access_key_id: Credential(pair.access_key_id, pair.access_key_secret, pair.account_id)
                for pair in self._configured
            }

    def add(self, access_key_id: str, access_key_secret: str, account_id: str) -> Credential:
        credential = Credential(access_key_id, access_key_secret, account_id)
        with self._lock:
            self._keys[access_key_id] = credential
        return credential

    def set_active(self, access_key_id: str, active: bool) -> None:
        """Disable (or re-enable) a key, as the RAM console does; a disabled key is refused."""
        with self._lock:
            self._keys[access_key_id] = replace(self._lookup_locked(access_key_id), active=active)

    def _lookup_locked(self, access_key_id: str) -> Credential:
        credential = self._keys.get(access_key_id)
        if credential is None:
            raise InvalidAccessKeyIdNotFound()
        return credential

    def account_ids(self) -> list[str]:
        with self._lock:
            return sorted({c.account_id for c in self._keys.values() if not c.is_temporary})

    def usable_keys(self, account_id: str) -> list[Credential]:
        """The account's long-lived keys that may call now (configured ones first), without VOD's own
        service key: what a client of that account would sign with."""
        with self._lock:
            return [
                c
                for c in self._keys.values()
                if c.account_id == account_id
                and c.active
                and not c.is_temporary
                and c.access_key_id != SERVICE_KEY_PREFIX + account_id
            ]

    def find(self, access_key_id: str) -> Credential | None:
        with self._lock:
            return self._keys.get(access_key_id)

    def lookup(self, access_key_id: str) -> Credential:
        credential = self.find(access_key_id)
        if credential is None:
            raise InvalidAccessKeyIdNotFound()
        return credential

    def authenticate(self, access_key_id: str, security_token: str | None) -> Credential:
        """The credential behind a request's key and token, or the gateway's error for them."""
        credential = self.lookup(access_key_id)
        if not credential.active:
            raise InvalidAccessKeyIdInactive()
        if credential.is_temporary:
            if not security_token:
                raise MissingGatewayParameter("SecurityToken")
            if not secrets.compare_digest(security_token, credential.security_token or ""):
                raise InvalidSecurityTokenMismatch()
            assert credential.expiration is not None
            if self._clock() >= credential.expiration:
                raise InvalidSecurityTokenExpired()
        elif security_token:
            # A token sent with a long-lived key was issued for some other key.
            raise InvalidSecurityTokenMismatch()
        return credential

    def service_key(self, account_id: str) -> Credential:
        """The key VOD itself holds for ``account_id``'s storage: it signs the OSS URLs VOD hands out
        (``OutputType=oss``), so OSS can check them like any presigned URL. Made on first use and kept
        until ``reset()``; its secret never leaves the emulator."""
        access_key_id = SERVICE_KEY_PREFIX + account_id
        with self._lock:
            credential = self._keys.get(access_key_id)
            if credential is None:
                credential = Credential(access_key_id, secrets.token_urlsafe(30), account_id)
                self._keys[access_key_id] = credential
        return credential

    def issue_sts_token(
        self, account_id: str, duration_seconds: int = 3600, *, policy: Policy | None = None
    ) -> Credential:
        """Mint a temporary key for ``account_id``, valid for ``duration_seconds`` from now, limited to
        what ``policy`` allows (no policy: full access to the account, like AssumeRole without one)."""
        credential = Credential(
            access_key_id="STS." + secrets.token_hex(14),
            access_key_secret=secrets.token_urlsafe(30),
            account_id=account_id,
            security_token="CAIS" + secrets.token_urlsafe(96),
            expiration=(self._clock() + timedelta(seconds=duration_seconds)).replace(microsecond=0),
            policy=policy,
        )
        with self._lock:
            self._keys[credential.access_key_id] = credential
            if len(self._keys) >= self._sweep_at:
                self._forget_expired_locked()
        return credential

    def _forget_expired_locked(self) -> None:
        """Drop tokens long expired (every upload mints one): the key ring stays bounded. A token
        expired less than ``EXPIRED_KEPT`` ago stays, so using it still says "expired"."""
        horizon = self._clock() - EXPIRED_KEPT
        self._keys = {
            key: c for key, c in self._keys.items() if c.expiration is None or c.expiration > horizon
        }
        self._sweep_at = max(_SWEEP_FIRST, 2 * len(self._keys))
