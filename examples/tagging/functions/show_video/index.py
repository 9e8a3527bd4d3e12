"""``GET /videos/<VideoId>``: a video's title, status and tags, read with the VOD SDK."""

from __future__ import annotations

import json
from typing import Any

from shared import OWNER
from shared.tags import parse
from shared.vod import ServerException, get_video, vod_client


def handler(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    parts = environ["PATH_INFO"].strip("/").split("/")
    if len(parts) != 2 or parts[0] != "videos":
        return _answer(start_response, "404 Not Found", {"Code": "NotFound", "Message": "GET /videos/<id>"})
    client = vod_client(environ["fc.context"])
    try:
        video = get_video(client, parts[1])
    except ServerException as exc:
        status = "404 Not Found" if exc.get_http_status() == 404 else "502 Bad Gateway"
        return _answer(start_response, status, {"Code": exc.get_error_code(), "Message": exc.get_error_msg()})
    body = {
        "VideoId": video["VideoId"],
        "Title": video.get("Title"),
        "Status": video.get("Status"),
        "Tags": parse(video.get("Tags")),
        "ServedBy": OWNER,
    }
    return _answer(start_response, "200 OK", body)


def _answer(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
