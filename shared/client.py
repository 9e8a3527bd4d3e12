"""VodClient: the one object handlers use to talk to VOD."""

from __future__ import annotations

from typing import Any

from .ops.images import ImageOperations
from .ops.listing import ListingOperations
from .ops.streams import StreamOperations
from .ops.videos import VideoOperations


class VodClient(VideoOperations, StreamOperations, ImageOperations, ListingOperations):
    """Typed access to VOD's media-management API over the official core SDK.

    Construct it with explicit credentials, an existing ``AcsClient``, FC's ``context``, or nothing (the
    environment); see ``shared.config`` for the lookup order and docs/shared.md for every operation.
    Every operation goes through :meth:`call`, so signing, endpoint override, retries and error mapping
    happen in one place.
    """

    @classmethod
    def from_context(cls, context: Any, **kwargs: Any) -> VodClient:
        """A client for an FC handler: the function's STS credentials and region, unless overridden."""
        return cls(context=context, **kwargs)

    @classmethod
    def from_env(cls, **kwargs: Any) -> VodClient:
        """A client configured only from ALIBABA_CLOUD_* / FC_REGION / VOD_ENDPOINT."""
        return cls(**kwargs)
