"""Where OSS requests reach ``OssService``: its hosts (answered before path routing) and its paths."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from vodfc.emulator.oss.addresses import BUCKET_HOST, REGION_HOST
from vodfc.emulator.oss.service import OssService
from vodfc.emulator.state import HostHandler

ALL_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]


def host_routes(service: OssService) -> list[tuple[str, HostHandler]]:
    """(host pattern, handler) for the virtual-hosted and the region endpoints."""

    def virtual_host(match: re.Match[str]) -> Any:
        return service.handle_virtual_host(match.group("bucket").lower(), match.group("region").lower())

    def region_host(match: re.Match[str]) -> Any:
        return service.handle_path_style(match.group("region").lower())

    return [(BUCKET_HOST, virtual_host), (REGION_HOST, region_host)]


def blueprint(service: OssService) -> Blueprint:
    """Path style on the emulator's own host: ``/<bucket>``, ``/<bucket>/``, ``/<bucket>/<key>``."""
    bp = Blueprint("vodfc_oss", __name__)

    def path_style(bucket: str, key: str = "") -> Any:
        return service.handle_path_style()

    for rule in ("/<bucket>", "/<bucket>/", "/<bucket>/<path:key>"):
        bp.add_url_rule(
            rule,
            "object" if "key" in rule else f"bucket{len(rule)}",
            path_style,
            methods=ALL_METHODS,
            merge_slashes=False,
            strict_slashes=False,
        )
    return bp
