"""FC-format logging with secrets masked.

On FC the runtime configures the root logger to write ``<UTC time>Z <request_id> [LEVEL] message`` and
functions are expected to log through it (``logging.getLogger()``). :func:`setup_logging` keeps whatever
handler the runtime (or the local emulator) installed and only adds one with that format when the root logger
has none, e.g. when a handler runs from a plain script or a test.

``VODFC_LOG_LEVEL`` (DEBUG ... CRITICAL) sets the level of vodfc's own loggers (``vodfc.*``).

Masking: function code and the SDK may put credentials in a message (a signed URL, a header dump, an
exception text). :class:`SecretFilter` rewrites every record before any handler formats it: ``key=value``
and ``"key": "value"`` pairs of AccessKeySecret, SecurityToken, Signature and Authorization, ``Bearer``
tokens, and every literal secret registered with :func:`register_secret` (the STS secret and token of the
context, the HTTP token).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import threading
import time
from typing import Any

FC_FORMAT = "%(asctime)s.%(msecs)03dZ %(fc_request_id)s [%(levelname)s] %(message)s"
FC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
MASK = "***"
ENV_LEVEL = "VODFC_LOG_LEVEL"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# The request being served by this thread; the formatter falls back to it for records without one.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("vodfc_fc_request_id", default="-")

_SECRET_KEYS = (
    r"access_?key_?secret|accessKeySecret|AccessKeySecret|security_?token|securityToken|SecurityToken"
    r"|x-acs-security-token|x-fc-security-token|x-fc-access-key-secret|Signature|Authorization|VODFC_HTTP_TOKEN|access_token"
)
_PATTERNS = (
    # key=value (query strings, repr of keyword args), key: value (headers), "key": "value" (JSON, dict repr)
    re.compile(
        rf"(?P<key>[\"']?(?:{_SECRET_KEYS})[\"']?\s*[=:]\s*[\"']?)"
        rf"(?P<value>(?:Bearer |FC |ACS3-HMAC-SHA256 )?[^\s\"'&,;)}}]+)",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<key>\bBearer\s+)(?P<value>[A-Za-z0-9._~+/=-]+)"),
)
# Every key the patterns match holds one of these words, in any case: an ASCII message without any of them
# cannot match, and most log lines are such (the patterns cost far more than this look).
_KEY_WORDS = ("secret", "token", "signature", "authorization", "bearer")


class SecretFilter(logging.Filter):
    """Rewrites each record's message with secrets replaced by ``***`` (never drops a record)."""

    def __init__(self) -> None:
        super().__init__("vodfc.secrets")
        self._literals: set[str] = set()
        # The literals longest first (a secret containing another is masked whole), sorted once per change.
        self._ordered: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        # Very short values would mask ordinary words; real secrets and tokens are long.
        if secret and len(secret) >= 8 and secret not in self._literals:
            with self._lock:
                self._literals.add(secret)
                self._ordered = tuple(sorted(self._literals, key=len, reverse=True))

    def mask(self, text: str) -> str:
        for literal in self._ordered:
            if literal in text:
                text = text.replace(literal, MASK)
        if text.isascii():
            # Non-ASCII text goes to the patterns whatever it holds: their case-insensitive match also
            # takes letters such as the long s for an s, which no look at the lowered text would see.
            lowered = text.lower()
            if not any(word in lowered for word in _KEY_WORDS):
                return text
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group("key") + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_vodfc_masked", False):
            return True
        # Stamp the request id while the record is being emitted, inside the invocation: a handler that
        # formats later (buffered, captured) would otherwise see the next request's id or none.
        if not hasattr(record, "fc_request_id"):
            record.fc_request_id = current_request_id.get()
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        record._vodfc_masked = True
        return True


class FcFormatter(logging.Formatter):
    """FC's line format: UTC time with milliseconds and a ``Z``, the request id, the level, the message."""

    converter = staticmethod(time.gmtime)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__(FC_FORMAT, FC_DATE_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "fc_request_id"):
            record.fc_request_id = current_request_id.get()
        return super().format(record)


secret_filter = SecretFilter()
_setup_lock = threading.Lock()


def register_secret(secret: str | None) -> None:
    """Never let ``secret`` appear in a log line, whoever logs it."""
    secret_filter.add(secret)


def setup_logging(level: int | str | None = None) -> logging.Logger:
    """Make the root logger FC-shaped (if nobody did) and secret-safe; returns the root logger.

    Idempotent and cheap, so every invocation may call it: handlers added after the first call (a test's
    log capture, the emulator's per-invocation handler) get the filter too.
    """
    root = logging.getLogger()
    with _setup_lock:
        if not root.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(FcFormatter())
            root.addHandler(handler)
            if level is None and root.level == logging.WARNING:
                root.setLevel(logging.INFO)
        if level is not None:
            root.setLevel(level)
        configured = os.environ.get(ENV_LEVEL, "").strip().upper()
        own = logging.getLogger("vodfc")
        # Only vodfc's own loggers: the root logger's level belongs to the runtime (FC_SERVER_LOG_LEVEL).
        # Set only when it changes: setLevel empties every logger's level cache, each invocation would pay.
        if configured in _LEVELS and own.level != logging.getLevelName(configured):
            own.setLevel(configured)
        # A filter on a logger sees only records created on that logger, a filter on a handler every record
        # the handler emits: install on both kinds so propagated records from any logger are covered.
        for target in (root, *root.handlers, own):
            if secret_filter not in target.filters:
                target.addFilter(secret_filter)
    return root


def mask(text: str) -> str:
    """``text`` with every known secret masked (for building messages and response bodies)."""
    return secret_filter.mask(text)


def describe(value: Any) -> str:
    """A masked ``repr`` for logging values that may hold credentials."""
    return mask(repr(value))
