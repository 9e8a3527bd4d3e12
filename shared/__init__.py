"""vodfc's core operations module: one typed layer over the VOD media-management API.

This package is copied into every Function Compute zip and imported on every cold start, so it depends on
nothing but the standard library and the official Aliyun SDK (aliyun-python-sdk-core and
aliyun-python-sdk-vod, the two runtime requirements). It never imports the emulator or the tests. Importing
``shared`` itself is nearly free: ``VodClient`` (and with it the core SDK's client) is loaded on first
access, and each ``aliyunsdkvod`` request class only when an operation first sends that action.

    from . import VodClient

    def handler(event, context):
        vod = VodClient.from_context(context)
        video = vod.get_video_info("a1b2c3")

Modules: ``shared.client`` (VodClient), ``shared.errors`` (error tree), ``shared.models`` (typed results),
``shared.retry`` (RetryPolicy), ``shared.config`` (credential/region/endpoint lookup), ``shared.validation``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import VodClient

__all__ = ["VodClient"]


def __getattr__(name: str) -> Any:
    if name == "VodClient":
        from .client import VodClient

        return VodClient
    raise AttributeError(f"module 'shared' has no attribute {name!r}")
