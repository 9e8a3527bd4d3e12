"""The ``context`` object a handler gets (FC 2.0 / python3.10 shape).

Its classes live in the instance bootstrap (``vodfc.emulator.fc.worker``), which builds the context
inside each instance; the emulator uses ``Credentials`` to hand an instance its STS credentials.
"""

from __future__ import annotations

from vodfc.emulator.fc.worker import Credentials, FCContext, FunctionMeta, ServiceMeta, Tracing

__all__ = ["Credentials", "FCContext", "FunctionMeta", "ServiceMeta", "Tracing"]
