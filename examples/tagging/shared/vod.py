"""A VOD client for a function, from what FC gives it: the context's STS credentials and region.

``VOD_ENDPOINT`` is vodfc's: its local FC runtime sets it to the emulator (the cloud never does), so the
same code reaches the real VOD when deployed and the emulator under test.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest
from aliyunsdkvod.request.v20170321.UpdateVideoInfoRequest import UpdateVideoInfoRequest

__all__ = ["ServerException", "get_video", "set_tags", "vod_client"]


def vod_client(context: Any) -> AcsClient:
    creds = context.credentials
    credential = StsTokenCredential(creds.access_key_id, creds.access_key_secret, creds.security_token)
    client = AcsClient(region_id=context.region, credential=credential)
    endpoint = os.environ.get("VOD_ENDPOINT")
    if endpoint:
        client.add_endpoint(context.region, "vod", endpoint.split("://", 1)[-1])
    return client


def get_video(client: AcsClient, video_id: str) -> dict[str, Any]:
    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    answer: dict[str, Any] = json.loads(client.do_action_with_exception(request))["Video"]
    return answer


def set_tags(client: AcsClient, video_id: str, tags: list[str]) -> None:
    request = UpdateVideoInfoRequest()
    request.set_VideoId(video_id)
    request.set_Tags(",".join(tags))
    client.do_action_with_exception(request)
