"""Fixtures for the ingest tier: oss2 pointed at the emulator's OSS, in-process and over loopback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import oss2
import pytest
from vodfc.emulator.app import get_state
from vodfc.emulator.oss import OssService, get_oss

BUCKET = "outin-ingest-tests"


@dataclass
class OssTarget:
    """One emulator (``vod`` fixture's mode) plus a bucket and oss2 clients for it."""

    vod: Any
    bucket_name: str = BUCKET

    @property
    def mode(self) -> str:
        return str(self.vod.mode)

    @property
    def oss(self) -> OssService:
        return get_oss(self.vod.app)

    @property
    def state(self) -> Any:
        return get_state(self.vod.app)

    @property
    def endpoint(self) -> str:
        # In-process oss2 keeps the real endpoint (virtual-hosted URLs the mock intercepts); against
        # the server it gets the loopback URL and switches to path style by itself.
        return "https://oss-cn-shanghai.aliyuncs.com" if self.mode == "inprocess" else str(self.vod.url)

    def sts(self, duration_seconds: int = 3600) -> Any:
        return self.state.accounts.issue_sts_token(self.vod.credentials.account_id, duration_seconds)

    def bucket(self, auth: Any = None, name: str | None = None, **kw: Any) -> oss2.Bucket:
        if auth is None:
            token = self.sts()
            auth = oss2.StsAuth(token.access_key_id, token.access_key_secret, token.security_token)
        return oss2.Bucket(auth, self.endpoint, name or self.bucket_name, **kw)


@pytest.fixture
def target(vod: Any) -> OssTarget:
    target = OssTarget(vod)
    target.oss.create_bucket(BUCKET, vod.credentials.account_id, vod.credentials.region)
    return target
