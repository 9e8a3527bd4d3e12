"""The emulator's configuration: one frozen object, parsed once, shared by both transports.

Everything a test may want to change (keys, default region, signature checking, clock) is a field
here rather than a module constant, so two apps in one process never influence each other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

DEFAULT_ACCESS_KEY_ID = "vodfc-access-key-id"
DEFAULT_ACCESS_KEY_SECRET = "vodfc-access-key-secret"
DEFAULT_ACCOUNT_ID = "1234567890123456"
DEFAULT_REGION = "cn-shanghai"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9000
VOD_API_VERSION = "2017-03-21"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class AccessKeyPair:
    """A long-lived AccessKey of one account (an STS token's temporary key lives in ``accounts``)."""

    access_key_id: str
    access_key_secret: str
    account_id: str = DEFAULT_ACCOUNT_ID


DEFAULT_ACCESS_KEY = AccessKeyPair(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_ACCOUNT_ID)


@dataclass(frozen=True)
class EmulatorConfig:
    """What ``create_app`` needs to know; every field has the documented default."""

    region: str = DEFAULT_REGION
    access_keys: tuple[AccessKeyPair, ...] = (DEFAULT_ACCESS_KEY,)
    # Off: signatures, timestamps and nonces are not checked (the key must still name an account,
    # an unknown one falls back to the default account).
    verify_signatures: bool = True
    max_clock_skew: timedelta = timedelta(minutes=15)
    check_nonce: bool = True
    # The nonces remembered for the replay check: at most this many, none older than max_clock_skew.
    nonce_cache_size: int = 20_000
    # A VOD API request's body (the form a POST carries) beyond this is EntityTooLarge.
    max_body_bytes: int = 1024 * 1024
    # The cloud answers an RPC call without Format in XML; both SDKs ask for JSON explicitly.
    rpc_default_format: str = "XML"
    # Off, an error's Message is exactly the cloud's text (VodError.cloud_message), so a client cannot
    # tell the emulator from the cloud; on, it also says why the emulator refused (which limit, which
    # value, which actions it has: VodError.message). The why is in the x-vodfc-error-detail header
    # and the refusal's log line either way.
    explain_errors: bool = False
    data_dir: str | None = None
    seed: bool = False
    # Short names ("oss", "events", ...; see vodfc.emulator.build); None means every component.
    components: tuple[str, ...] | None = None
    # The admin plane's token (None: a new random one per app) and the Host names accepted besides
    # loopback ones and the server's own address ("*": any; see vodfc.emulator.guard).
    admin_token: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ()
    clock: Callable[[], datetime] = field(default=utc_now, compare=False)

    @property
    def default_account_id(self) -> str:
        return self.access_keys[0].account_id if self.access_keys else DEFAULT_ACCOUNT_ID

    def with_changes(self, **changes: object) -> EmulatorConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> EmulatorConfig:
        """Read the ``VODFC_*`` variables (see docs/emulator.md), then apply ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("VODFC_REGION"):
            values["region"] = env["VODFC_REGION"]
        if env.get("VODFC_ACCESS_KEYS"):
            values["access_keys"] = (DEFAULT_ACCESS_KEY, *parse_access_keys(env["VODFC_ACCESS_KEYS"]))
        if env.get("VODFC_EXPLAIN_ERRORS"):
            values["explain_errors"] = env["VODFC_EXPLAIN_ERRORS"].strip().lower() not in _FALSY
        if env.get("VODFC_VERIFY_SIGNATURES"):
            values["verify_signatures"] = env["VODFC_VERIFY_SIGNATURES"].strip().lower() not in _FALSY
        if env.get("VODFC_DATA_DIR"):
            values["data_dir"] = env["VODFC_DATA_DIR"]
        if env.get("VODFC_ADMIN_TOKEN"):
            values["admin_token"] = env["VODFC_ADMIN_TOKEN"]
        if env.get("VODFC_ALLOWED_HOSTS"):
            values["allowed_hosts"] = tuple(
                part.strip() for part in env["VODFC_ALLOWED_HOSTS"].split(",") if part.strip()
            )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


_FALSY = {"0", "false", "no", "off"}


def parse_access_keys(text: str) -> tuple[AccessKeyPair, ...]:
    """Parse ``id:secret[:account],...``; a pair without an account belongs to the default one."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        fields = item.split(":")
        if len(fields) not in (2, 3) or not all(fields):
            raise ValueError(f"access key {item!r} is not of the form id:secret[:account]")
        pairs.append(AccessKeyPair(*fields))
    return tuple(pairs)
