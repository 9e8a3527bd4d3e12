"""Uploading from the browser: CreateUploadVideo, then the browser puts the file to OSS itself.

The page asks the dashboard for an upload (title and file name); the dashboard makes the call a VOD
client makes, ``CreateUploadVideo``, through the API's own path (``VodCalls.write``), and reads its
``UploadAddress`` and ``UploadAuth`` as oss2 would. It then signs, with oss2 and those STS credentials
(which allow a PUT of that one object and nothing else), a PUT URL for the object: the browser sends
the file there, to the emulator's OSS, which checks the signature and the token's policy and announces
the completed object to ingest, exactly as for oss2's ``put_object``. No other way leads from the page
to the library.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import oss2
from vodfc.emulator.dashboard.calls import VodCalls

# How long the signed PUT URL is good for (the STS token itself lasts an hour).
URL_SECONDS = 900


@dataclass(frozen=True)
class UploadPlan:
    video_id: str
    put_url: str  # same-origin path and query: the browser PUTs the file there
    content_type: str

    def as_json(self) -> dict[str, Any]:
        return {"VideoId": self.video_id, "PutURL": self.put_url, "ContentType": self.content_type}


def _decoded(text: str) -> dict[str, Any]:
    value = json.loads(base64.b64decode(text))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def content_type_of(file_name: str) -> str:
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def create_upload(calls: VodCalls, title: str, file_name: str, host_url: str) -> UploadPlan:
    """CreateUploadVideo for ``file_name`` (its ``VodError`` raised as the API answers it), and the
    signed PUT URL of its object."""
    params = {"Title": title or file_name, "FileName": file_name}
    body = calls.write("CreateUploadVideo", params, host_url)
    address, auth = _decoded(body["UploadAddress"]), _decoded(body["UploadAuth"])
    credentials = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    bucket = oss2.Bucket(credentials, address["Endpoint"], address["Bucket"], is_path_style=True)
    content_type = content_type_of(file_name)
    signed = bucket.sign_url("PUT", address["FileName"], URL_SECONDS, headers={"Content-Type": content_type})
    parts = urlsplit(signed)
    return UploadPlan(str(body["VideoId"]), f"{parts.path}?{parts.query}", content_type)
