"""Where the emulator's own (non-VOD) HTTP surface lives; a leaf module every blueprint may import."""

from __future__ import annotations

# The control plane (/_vodfc/health, /_vodfc/events, ...): not part of any cloud API.
CONTROL_PREFIX = "/_vodfc"
