"""VOD's HTTP-callback authentication, checked the way a careful receiver should.

VOD signs a callback with ``X-VOD-SIGNATURE = md5_hex(CallbackURL + "|" + X-VOD-TIMESTAMP + "|" + AuthKey)``
and sends ``X-VOD-TIMESTAMP`` (Unix seconds). The **body is not signed**, so a signature alone proves only
that VOD sent *some* callback to this URL at that second. :class:`CallbackVerifier` therefore checks:

1. both headers are present and well formed;
2. the timestamp is within ``window`` seconds of our clock (either direction; VOD's docs suggest 5 min);
3. the signature matches, compared in constant time, over the URL configured in VOD (not the URL the request
   arrived at: behind FC's proxy path or a custom domain the two differ);
4. replay: a bounded cache remembers each accepted signature with the SHA-256 of its body until the timestamp
   leaves the window. The same signature with a *different* body is refused (someone reused VOD's headers on
   a forged body). The same signature with the same body is VOD retrying, or a replay of an identical event;
   it is accepted once more, and :attr:`Verdict.duplicate` tells the handler whether the first copy was
   already processed successfully (then it can answer 200 without doing the work again).

The cache is per function instance (module state survives between warm invocations). It holds at most
``max_entries`` signatures; when full, expired entries go first, then the oldest. A flood of valid signed
callbacks could push an entry out early, which only weakens (3)'s duplicate detection, never (1)–(2).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

TIMESTAMP_HEADER = "X-VOD-TIMESTAMP"
SIGNATURE_HEADER = "X-VOD-SIGNATURE"
DEFAULT_WINDOW = 300
DEFAULT_MAX_ENTRIES = 10_000


def sign(url: str, timestamp: int | str, key: str) -> str:
    """VOD's callback signature: lower-case hex MD5 of ``url|timestamp|key``."""
    text = f"{url}|{timestamp}|{key}"
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signed_headers(url: str, key: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers VOD adds to a callback when an AuthKey is set."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    return {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(url, stamp, key)}


class CallbackRejected(Exception):
    """The callback failed authentication; ``status`` and ``code`` are what the function answers."""

    def __init__(self, message: str, *, code: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Verdict:
    """An accepted callback. ``duplicate``: the same signed body was already processed successfully."""

    signature: str
    body_digest: str
    timestamp: int
    duplicate: bool = False


@dataclass
class _Seen:
    body_digest: str
    expires: float
    done: bool = False


@dataclass
class CallbackVerifier:
    """Checks VOD callbacks for one configured callback URL and AuthKey (see the module docstring)."""

    url: str
    key: str = field(repr=False)
    window: int = DEFAULT_WINDOW
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        self._seen: OrderedDict[str, _Seen] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes, url: str | None = None) -> Verdict:
        """Accept the callback or raise :class:`CallbackRejected`; header names are case-insensitive."""
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        stamp_text = lowered.get(TIMESTAMP_HEADER.lower(), "").strip()
        given = lowered.get(SIGNATURE_HEADER.lower(), "").strip().lower()
        if not stamp_text or not given:
            raise CallbackRejected(
                f"The callback is not signed: {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are required "
                "(turn on callback authentication in VOD with the same AuthKey).",
                code="MissingSignature",
                status=401,
            )
        if not stamp_text.isdigit():
            raise CallbackRejected(
                f"{TIMESTAMP_HEADER} must be Unix seconds.", code="InvalidTimestamp", status=401
            )
        stamp = int(stamp_text)
        now = self.clock()
        if abs(now - stamp) > self.window:
            raise CallbackRejected(
                f"{TIMESTAMP_HEADER} is {int(now - stamp)} s away from the receiver's clock; at most "
                f"{self.window} s is accepted.",
                code="StaleTimestamp",
                status=401,
            )
        expected = sign(url or self.url, stamp, self.key)
        if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
            raise CallbackRejected(
                "X-VOD-SIGNATURE does not match the configured callback URL and AuthKey.",
                code="SignatureDoesNotMatch",
            )
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            self._expire(now)
            seen = self._seen.get(given)
            if seen is not None and not hmac.compare_digest(seen.body_digest, digest):
                raise CallbackRejected(
                    "This signature was already used with a different body (replayed headers).",
                    code="ReplayedSignature",
                )
            if seen is None:
                while len(self._seen) >= self.max_entries:
                    self._seen.popitem(last=False)
                self._seen[given] = _Seen(digest, stamp + self.window)
                return Verdict(given, digest, stamp)
            return Verdict(given, digest, stamp, duplicate=seen.done)

    def mark_done(self, verdict: Verdict) -> None:
        """Record that the callback behind ``verdict`` was processed successfully."""
        with self._lock:
            seen = self._seen.get(verdict.signature)
            if seen is not None and seen.body_digest == verdict.body_digest:
                seen.done = True

    def _expire(self, now: float) -> None:
        # Entries are inserted roughly in timestamp order, but VOD's clock and retries can disorder them, so
        # scan for every expired entry rather than stopping at the first live one.
        stale = [sig for sig, seen in self._seen.items() if seen.expires < now]
        for sig in stale:
            del self._seen[sig]

    def __len__(self) -> int:
        return len(self._seen)
