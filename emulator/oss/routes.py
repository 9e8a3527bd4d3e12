"""Where OSS requests reach ``OssService``: its hosts (answered before path routing) and its paths."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from vodfc.emulator.oss.addresses import BUCKET_HOST, REGION_HOST
from vodfc.emulator.oss.service import OssService
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.state import HostHandler
from werkzeug.routing import BaseConverter

ALL_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]


class BucketSegment(BaseConverter):
    """A path-style bucket: any first segment but the admin plane's. Its paths stay the control plane's
    where no route serves them (a typo, a component the emulator was built without): Flask's 404 or 405,
    answered in the control plane's JSON, rather than OSS's InvalidBucketName for a bucket ``_vodfc``."""

    # The segment ends where no other character than "/" follows: alone, or within a longer path.
    regex = f"(?!{re.escape(CONTROL_PREFIX.strip('/'))}(?![^/]))[^/]+"


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

    # Before the rules: the app's URL map must know the converter when they are added to it.
    @bp.record_once
    def add_converter(setup: BlueprintSetupState) -> None:
        setup.app.url_map.converters["bucket"] = BucketSegment

    def path_style(bucket: str, key: str = "") -> Any:
        return service.handle_path_style()

    for rule in ("/<bucket:bucket>", "/<bucket:bucket>/", "/<bucket:bucket>/<path:key>"):
        bp.add_url_rule(
            rule,
            "object" if "key" in rule else f"bucket{len(rule)}",
            path_style,
            methods=ALL_METHODS,
            merge_slashes=False,
            strict_slashes=False,
        )
    return bp
