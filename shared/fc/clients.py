"""One VodClient per function instance, built lazily from the FC context.

Building a client costs imports and an ``AcsClient``; an FC instance serves many invocations, so the client is
kept in the instance (module state survives between warm invocations). FC hands every invocation the service
role's STS credentials, which it refreshes before they expire (in the context up to python3.10, in the
``ALIBABA_CLOUD_*`` variables on python3.12): the client is rebuilt whenever they differ from the ones it was
built with.

Tests inject a client (or a factory) with :meth:`ClientProvider.override`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..config import ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN
from .logs import register_secret

if TYPE_CHECKING:
    from ..client import VodClient

Factory = Callable[[Any], "VodClient"]


def _default_factory(context: Any) -> VodClient:
    from ..client import VodClient

    return VodClient.from_context(context)


def _credentials(context: Any) -> tuple[str, str, str]:
    """The invocation's key id, secret and STS token: the context's (FC 2.0, python3.10), else the
    environment's, where python3.12's runtime keeps them (and refreshes them)."""
    creds = getattr(context, "credentials", None)
    if creds is not None:
        found = [
            getattr(creds, name, "") for name in ("access_key_id", "access_key_secret", "security_token")
        ]
    else:
        found = [
            os.environ.get(name, "")
            for name in (ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN)
        ]
    return (str(found[0] or ""), str(found[1] or ""), str(found[2] or ""))


def _fingerprint(context: Any) -> str:
    """Identifies the invocation's credentials without keeping them in a readable form."""
    parts = [*_credentials(context), str(getattr(context, "region", "") or "")]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def register_context_secrets(context: Any) -> None:
    """Mask the invocation's STS secret and token in every log line from now on."""
    _, secret, token = _credentials(context)
    register_secret(secret or None)
    register_secret(token or None)


class ClientProvider:
    """Hands out the instance's VodClient for an invocation's context."""

    def __init__(self, factory: Factory | None = None) -> None:
        self._factory: Factory = factory or _default_factory
        self._override: Factory | None = None
        self._client: VodClient | None = None
        self._fingerprint: str | None = None
        self._lock = threading.Lock()

    def get(self, context: Any) -> VodClient:
        register_context_secrets(context)
        if self._override is not None:
            return self._override(context)
        fingerprint = _fingerprint(context)
        with self._lock:
            if self._client is None or fingerprint != self._fingerprint:
                self._client = self._factory(context)
                self._fingerprint = fingerprint
            return self._client

    def override(self, client: VodClient | Factory | None) -> None:
        """Use ``client`` (or ``client(context)`` when callable) for every invocation; None restores."""
        if client is None:
            self._override = None
        elif callable(client) and not hasattr(client, "call"):
            self._override = client
        else:
            fixed = client
            self._override = lambda context: fixed  # type: ignore[assignment,return-value]
        self.reset()

    def reset(self) -> None:
        """Forget the cached client (the next invocation builds a new one)."""
        with self._lock:
            self._client = None
            self._fingerprint = None
