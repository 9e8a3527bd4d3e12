"""One VodClient per function instance, built lazily from the FC context.

Building a client costs imports and an ``AcsClient``; an FC instance serves many invocations, so the client is
kept in the instance (module state survives between warm invocations). FC hands every invocation the service
role's STS credentials, which it refreshes before they expire: the client is rebuilt whenever the credentials
in the context differ from the ones it was built with.

Tests inject a client (or a factory) with :meth:`ClientProvider.override`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .logs import register_secret

if TYPE_CHECKING:
    from ..client import VodClient

Factory = Callable[[Any], "VodClient"]


def _default_factory(context: Any) -> VodClient:
    from ..client import VodClient

    return VodClient.from_context(context)


def _fingerprint(context: Any) -> str:
    """Identifies the credentials in ``context`` without keeping them in a readable form."""
    creds = getattr(context, "credentials", None)
    parts = [
        str(getattr(creds, name, "") or "") if creds is not None else ""
        for name in ("access_key_id", "access_key_secret", "security_token")
    ]
    parts.append(str(getattr(context, "region", "") or ""))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def register_context_secrets(context: Any) -> None:
    """Mask the context's STS secret and token in every log line from now on."""
    creds = getattr(context, "credentials", None)
    if creds is not None:
        register_secret(getattr(creds, "access_key_secret", None))
        register_secret(getattr(creds, "security_token", None))


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
