"""Which of the library's picture URLs a browser can show, and where the dashboard serves them.

VOD records cloud URLs (``https://outin-....oss-cn-shanghai.aliyuncs.com/...``) that a browser on this
machine cannot reach. When such a URL names an object the emulator's OSS holds, the dashboard shows it
from ``<prefix>/<bucket>/<key>`` (its own route, reading the object through ``OssService``); a URL that
names nothing stored shows no picture rather than a broken one.
"""

from __future__ import annotations

from urllib.parse import quote

from vodfc.emulator.oss import OssService
from vodfc.emulator.oss.addresses import parse_object_url
from vodfc.emulator.oss.storage import StoredObject

PICTURE_TYPES = ("image/",)


class Pictures:
    """The pictures of one emulator's OSS, as the dashboard shows them under ``prefix``."""

    def __init__(self, oss: OssService | None, prefix: str):
        self.oss = oss
        self.prefix = prefix.rstrip("/")

    def stored(self, bucket: str, key: str) -> StoredObject | None:
        """The object, when it is a picture (the route serves nothing else)."""
        if self.oss is None:
            return None
        found = self.oss.get_object(bucket, key)
        if found is None or not found.content_type.startswith(PICTURE_TYPES):
            return None
        return found

    def url(self, recorded: str | None) -> str | None:
        """Where the browser gets the picture a recorded URL names, or None when none is stored."""
        if not recorded:
            return None
        address = parse_object_url(recorded)
        if address is None or self.stored(address.bucket, address.key) is None:
            return None
        return f"{self.prefix}/{address.bucket}/{quote(address.key, safe='/')}"
