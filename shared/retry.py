"""Retry policy: exponential backoff with full jitter.

The core SDK retries nothing for VOD (its retry table lists only ECS), so every retry happens here.
What is retried:

* ``Throttled`` — VOD's gateway refused the request before doing anything, so repeating it is safe for
  every operation, even one marked not idempotent.
* ``ServerError`` (5xx) and ``TransportError`` (no HTTP answer) — the first attempt may have taken effect,
  so these are repeated only for calls marked ``idempotent=True`` (see the table in docs/shared.md).

Full jitter (delay = random() * min(max_delay, base_delay * 2**(attempt-1))) spreads the retries of many
function instances that were throttled at the same moment, instead of having them all come back together.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from typing import Any

from ._record import FrozenRecord
from .errors import ServerError, Throttled, TransportError, VodError


class RetryPolicy(FrozenRecord):
    """How often and how patiently to repeat a failed call.

    ``max_attempts`` counts the first attempt (1 = never retry). ``random`` is injectable so tests get
    deterministic delays; it takes no part in equality or the repr.
    """

    __slots__ = ("max_attempts", "base_delay", "max_delay", "random")
    _repr_hidden = ("random",)

    def __init__(
        self,
        max_attempts: int = 5,
        base_delay: float = 0.2,
        max_delay: float = 10.0,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        if base_delay < 0 or max_delay < 0:
            raise ValueError("RetryPolicy delays must not be negative")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.random = random

    def _values(self) -> tuple[Any, ...]:
        return (self.max_attempts, self.base_delay, self.max_delay)

    def backoff_cap(self, attempt: int) -> float:
        """Upper bound of the delay after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.base_delay * (2 ** (attempt - 1))))

    def delay(self, attempt: int) -> float:
        """Full-jitter delay to wait after failed attempt number ``attempt``."""
        return self.random() * self.backoff_cap(attempt)

    def should_retry(self, error: VodError, attempt: int, *, idempotent: bool) -> bool:
        if attempt >= self.max_attempts:
            return False
        if isinstance(error, Throttled):
            return True
        return idempotent and isinstance(error, (ServerError, TransportError))


NO_RETRY = RetryPolicy(max_attempts=1)


def may_have_landed(error: VodError) -> bool:
    """True when a failed attempt could still have been carried out by VOD."""
    return isinstance(error, (ServerError, TransportError))
