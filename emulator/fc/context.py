"""The ``context`` object the local runtime passes to handlers (FC 2.0 / python3.10 shape).

The runtime fills every field for an invocation; ``local_context`` makes one for calling a handler
directly (tests, scripts), with defaults for whatever the caller does not care about.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from vodfc.emulator.config import DEFAULT_ACCOUNT_ID, DEFAULT_REGION


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(repr=False, default="")


@dataclass(frozen=True)
class FunctionMeta:
    name: str
    handler: str
    memory: int
    timeout: int
    initializer: str | None = None
    initialization_timeout: int = 3


@dataclass(frozen=True)
class ServiceMeta:
    name: str
    log_project: str = ""
    log_store: str = ""
    qualifier: str = "LATEST"
    version_id: str = ""


@dataclass(frozen=True)
class Tracing:
    span_context: str | None = None
    jaeger_endpoint: str | None = None
    span_baggages: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FCContext:
    request_id: str
    credentials: Credentials
    function: FunctionMeta
    service: ServiceMeta
    region: str
    account_id: str
    tracing: Tracing = field(default_factory=Tracing)
    retry_count: int = 0
    # FC sets a per-request logger only when instance concurrency > 1; the local runtime runs one at a time.
    logger: Any = None

    # FC's own (camelCase) name.
    def getLogger(self) -> logging.Logger:
        return logging.getLogger()


def local_context(
    credentials: Credentials | None = None,
    *,
    request_id: str | None = None,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
    function: FunctionMeta | None = None,
    service: ServiceMeta | None = None,
) -> FCContext:
    """A context for a handler called directly. Without ``credentials`` it has FC's empty ones (a service
    without a role), so the code under test falls back to the environment's keys, as it would on FC."""
    return FCContext(
        request_id=request_id or str(uuid.uuid4()),
        credentials=credentials or Credentials("", ""),
        function=function or FunctionMeta("local", "index.handler", 128, 3),
        service=service or ServiceMeta("vodfc"),
        region=region,
        account_id=account_id,
    )
