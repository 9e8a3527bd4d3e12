"""An OSS-compatible object service for the emulator, enough for VOD uploads through oss2.

``init_app`` wires three ways in (all answered by ``OssService``):

* ``<bucket>.[vpc100-]oss-<region>[-internal].aliyuncs.com`` — virtual-hosted style, what oss2 uses for a
  real endpoint (intercepted in-process by ``mock_vod``, or reaching the server through a proxy);
* ``oss-<region>[-internal].aliyuncs.com/<bucket>/<key>`` — path style on the region endpoint;
* ``/<bucket>/<key>`` on the emulator's own port — what oss2 sends to an IP endpoint.

Other components use ``get_oss(app)``: ``create_bucket``, ``put_object``/``get_object``, ``grant``
(scope an STS key to some keys) and ``on_object_complete`` (listeners called with an
``ObjectEvent`` after every PutObject and CompleteMultipartUpload).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask
from vodfc.emulator.oss.service import ObjectEvent, OssService
from vodfc.emulator.oss.storage import Bucket, StoredObject

__all__ = ["Bucket", "ObjectEvent", "OssService", "StoredObject", "get_oss", "init_app"]

EXTENSION_KEY = "vodfc.oss"
# A region's public, internal (-internal) and VPC (vpc100-) endpoints; the official upload SDK
# switches to the internal one when told it runs on ECS in the same region.
BUCKET_HOST = (
    r"(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.(?:vpc100-)?oss-(?P<region>[a-z0-9-]+?)(?:-internal)?"
    r"\.aliyuncs\.com"
)
REGION_HOST = r"(?:vpc100-)?oss-(?P<region>[a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com"
ALL_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]


def get_oss(app: Flask) -> OssService:
    service: OssService = app.extensions[EXTENSION_KEY]
    return service


def init_app(app: Flask) -> None:
    from vodfc.emulator.app import get_state

    state = get_state(app)
    service = OssService(state)
    app.extensions[EXTENSION_KEY] = service
    state.on_reset.append(service.reset)

    def virtual_host(match: re.Match[str]) -> Any:
        return service.handle_virtual_host(match.group("bucket").lower(), match.group("region").lower())

    def region_host(match: re.Match[str]) -> Any:
        return service.handle_path_style(match.group("region").lower())

    state.add_host_route(BUCKET_HOST, virtual_host)
    state.add_host_route(REGION_HOST, region_host)

    blueprint = Blueprint("vodfc_oss", __name__)

    def path_style(bucket: str, key: str = "") -> Any:
        return service.handle_path_style()

    for rule in ("/<bucket>", "/<bucket>/", "/<bucket>/<path:key>"):
        blueprint.add_url_rule(
            rule,
            "object" if "key" in rule else f"bucket{len(rule)}",
            path_style,
            methods=ALL_METHODS,
            merge_slashes=False,
            strict_slashes=False,
        )
    app.register_blueprint(blueprint)
