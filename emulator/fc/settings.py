"""The local FC runtime's switches: how many instances, how long a request may queue, idle reaping, /tmp.

Every switch is an environment variable read once when a runtime is built (see docs/fc-runtime.md);
``RuntimeSettings.from_env()`` parses them, tests pass a ``RuntimeSettings`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

PRIVATE_TMP_MODES = ("auto", "on", "off")


@dataclass(frozen=True)
class RuntimeSettings:
    # Instances one function may run at once. FC's own limit is the account's quota (300 per
    # region); a local process per instance needs a smaller default.
    max_instances: int = 4
    # Requests that may wait for a busy function's instance; one more is throttled (429).
    queue_size: int = 64
    # How long a queued request waits for an instance before it is throttled, in seconds.
    queue_wait: float = 30.0
    # An instance idle this long is stopped (FC reclaims idle instances after 2 to 5 minutes).
    keep_alive: float = 180.0
    # auto: /tmp of the instance's own where the OS allows a mount namespace, else TMPDIR only;
    # on: the same, and an instance that cannot have one fails to start; off: TMPDIR only.
    private_tmp: str = "auto"
    # Seconds before the first retry of a failed async invocation, doubling after each (FC retries,
    # but its interval is not documented: inferred). 0: retry at once.
    async_retry_delay: float = 1.0
    # How long GetFunctionCode's presigned URL is valid, in seconds (FC does not document it: inferred).
    code_url_seconds: int = 3600

    def __post_init__(self) -> None:
        if self.max_instances < 1:
            raise ValueError("VODFC_FC_MAX_INSTANCES must be at least 1")
        if self.queue_size < 0 or self.queue_wait < 0 or self.keep_alive <= 0:
            raise ValueError("VODFC_FC_QUEUE_SIZE/_QUEUE_WAIT must be >= 0 and VODFC_FC_KEEP_ALIVE > 0")
        if self.code_url_seconds < 1:
            raise ValueError("VODFC_FC_CODE_URL_SECONDS must be at least 1")
        if self.async_retry_delay < 0:
            raise ValueError("VODFC_FC_ASYNC_RETRY_DELAY must be >= 0")
        if self.private_tmp not in PRIVATE_TMP_MODES:
            raise ValueError(f"VODFC_FC_PRIVATE_TMP must be one of {', '.join(PRIVATE_TMP_MODES)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RuntimeSettings:
        env = os.environ if environ is None else environ
        found = cls()
        numbers = {
            "max_instances": ("VODFC_FC_MAX_INSTANCES", int),
            "queue_size": ("VODFC_FC_QUEUE_SIZE", int),
            "queue_wait": ("VODFC_FC_QUEUE_WAIT", float),
            "keep_alive": ("VODFC_FC_KEEP_ALIVE", float),
            "async_retry_delay": ("VODFC_FC_ASYNC_RETRY_DELAY", float),
            "code_url_seconds": ("VODFC_FC_CODE_URL_SECONDS", int),
        }
        for name, (variable, kind) in numbers.items():
            text = env.get(variable, "").strip()
            if text:
                try:
                    found = replace(found, **{name: kind(text)})
                except ValueError:
                    raise ValueError(f"{variable} must be a number, got {text!r}") from None
        mode = env.get("VODFC_FC_PRIVATE_TMP", "").strip().lower()
        return replace(found, private_tmp=mode) if mode else found
