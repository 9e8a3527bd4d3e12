"""The ``context`` object the local runtime passes to handlers (FC 2.0 / python3.10 shape)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any


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
