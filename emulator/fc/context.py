"""The ``context`` object a handler gets (FC 2.0 / python3.10 shape).

Its classes live in the instance bootstrap (``vodfc.emulator.fc.worker``), which builds the context
inside each instance; the emulator uses ``Credentials`` to hand an instance its STS credentials.
``local_context`` makes one for calling a handler directly (tests, scripts), with defaults for
whatever the caller does not care about.
"""

from __future__ import annotations

import uuid

from vodfc.emulator.config import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from vodfc.emulator.fc.worker import Credentials, FCContext, FunctionMeta, ServiceMeta, Tracing

__all__ = ["Credentials", "FCContext", "FunctionMeta", "ServiceMeta", "Tracing", "local_context"]


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
