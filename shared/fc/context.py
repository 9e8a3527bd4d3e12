"""A stand-in for FC's ``context`` (python3.10 / FC 2.0 shape) for local runs and tests.

The real runtime builds an equivalent object per invocation; code under ``shared.fc`` only reads the
attributes (``request_id``, ``credentials``, ``region``, ...), so any object of this shape works.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FcCredentials:
    """The service role's STS credentials FC passes to every invocation."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FcFunctionMeta:
    name: str = "local"
    handler: str = "index.handler"
    memory: int = 128
    timeout: int = 3


@dataclass(frozen=True)
class FcServiceMeta:
    name: str = "vodfc"
    log_project: str = ""
    log_store: str = ""
    qualifier: str = "LATEST"
    version_id: str = ""


@dataclass(frozen=True)
class FcContext:
    credentials: FcCredentials | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    region: str = "cn-shanghai"
    account_id: str = "1234567890123456"
    function: FcFunctionMeta = field(default_factory=FcFunctionMeta)
    service: FcServiceMeta = field(default_factory=FcServiceMeta)
