"""The wire protocol: the only place that knows how VOD calls look on the wire.

Decoding (RPC and ACS3 styles), signature checks, and the success/error envelopes live here; the
VOD actions receive plain parameters and a ``RequestContext`` and never see HTTP.
"""

from vodfc.emulator.protocol.context import DropConnection, Emission, Mode, RequestContext, new_request_id
from vodfc.emulator.protocol.decoding import (
    ApiCall,
    check_action_and_version,
    decode,
    is_vod_host,
    region_from_host,
)
from vodfc.emulator.protocol.signatures import Authenticator, NonceCache

__all__ = [
    "ApiCall",
    "Authenticator",
    "DropConnection",
    "Emission",
    "Mode",
    "NonceCache",
    "RequestContext",
    "check_action_and_version",
    "decode",
    "is_vod_host",
    "new_request_id",
    "region_from_host",
]
