"""Pictures for the demo library: its covers and images as real JPEG objects in the emulator's OSS.

The demo library (``vodfc.emulator.vod.seed``) records the URLs VOD would give (a cover snapshot per
transcoded video, an image file per image); ``store_demo_pictures`` puts a small real JPEG at each of
those addresses, in a public-read bucket as VOD's output buckets are, so that a browser or a client
fetching a ``CoverURL`` gets a picture. Built once per process: the pictures are fixed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from vodfc.emulator.media.synth import make_image
from vodfc.emulator.oss.addresses import parse_object_url

if TYPE_CHECKING:
    from vodfc.emulator.oss.service import OssService
    from vodfc.emulator.vod.models import VodBackend

WIDTH, HEIGHT = 320, 180


# U and V of a few hues, so neighbouring pictures are told apart at a glance.
HUES = ((90, 200), (200, 110), (80, 90), (170, 190), (120, 60), (200, 160), (60, 140))


@functools.lru_cache(maxsize=64)
def _picture(index: int) -> bytes:
    return make_image(WIDTH, HEIGHT, "jpeg", index=index * 5, chroma=HUES[index % len(HUES)])


def demo_picture_urls(backend: VodBackend) -> list[str]:
    """The URLs of the pictures the library records: each video's cover, each image's file."""
    urls = [video.cover_url for video in backend.videos.values() if video.cover_url]
    urls += [image.url for image in backend.images.values() if image.status == "Normal" and image.url]
    return urls


def store_demo_pictures(oss: OssService, backend: VodBackend) -> int:
    """Put a picture at every such URL that names an object of this emulator's OSS; returns how many."""
    stored = 0
    for index, url in enumerate(demo_picture_urls(backend)):
        address = parse_object_url(url)
        if address is None:
            continue
        if oss.store.get_bucket(address.bucket) is None:
            # VOD's output buckets are read without signatures by players and browsers.
            oss.create_bucket(address.bucket, backend.account_id, backend.region, acl="public-read")
        if oss.get_object(address.bucket, address.key) is None:
            oss.put_object(address.bucket, address.key, _picture(index), "image/jpeg")
            stored += 1
    return stored
