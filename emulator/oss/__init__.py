"""An OSS-compatible object service for the emulator, enough for VOD uploads through oss2.

``OssService`` answers three ways in (wired by ``vodfc.emulator.build`` through ``routes``):

* ``<bucket>.[vpc100-]oss-<region>[-internal].aliyuncs.com`` — virtual-hosted style, what oss2 uses for a
  real endpoint (intercepted in-process by ``mock_vod``, or reaching the server through a proxy);
* ``oss-<region>[-internal].aliyuncs.com/<bucket>/<key>`` — path style on the region endpoint;
* ``/<bucket>/<key>`` on the emulator's own port — what oss2 sends to an IP endpoint.

Components built after it receive the service: ``create_bucket``, ``put_object``/``get_object``,
and ``on_object_complete`` (listeners called with an
``ObjectEvent`` after every PutObject and CompleteMultipartUpload). ``get_oss(app)`` finds it from
an app, for tests and tools.
"""

from __future__ import annotations

from flask import Flask
from vodfc.emulator.lookup import component_of
from vodfc.emulator.oss.service import ObjectEvent, OssService
from vodfc.emulator.oss.storage import Bucket, StoredObject

__all__ = ["Bucket", "ObjectEvent", "OssService", "StoredObject", "get_oss"]


def get_oss(app: Flask) -> OssService:
    return component_of(app, "oss", OssService)
