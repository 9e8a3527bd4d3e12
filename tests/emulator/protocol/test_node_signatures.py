"""Node.js's generic Tea client, ``@alicloud/openapi-client``, signs VOD calls ACS3-HMAC-SM3 and the emulator
verifies them, as it verifies ACS3-HMAC-SHA256 (``vodfc.emulator.protocol.sm3``).

tests/node/vod_signatures.js makes the calls (``callApi``: GetVideoInfo and SearchMedia, each algorithm, and
GetVideoInfo with a wrong secret) against a real emulator server and reports what the client returned or
raised; the packages come from tests/node's lock (``make setup`` / ``make test``, as CI). Without node and
npm these tests are skipped, saying so; with node but without the packages they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, EmulatorConfig
from vodfc.emulator.server import ThreadedServer

from tests.emulator.support.node import require_node, run_script

ALGORITHMS = ("ACS3-HMAC-SM3", "ACS3-HMAC-SHA256")
TITLE = "signed from node"


@pytest.fixture(scope="module")
def report() -> Iterator[dict[str, Any]]:
    node = require_node("@alicloud/openapi-client")
    # The real VOD backend: this folder's conftest puts the plugin's fixtures on a fake one (no SearchMedia).
    with ThreadedServer(create_app(EmulatorConfig(components=()))) as server:
        backend = get_state(server.app).backend()
        with backend.lock:
            video = backend.create_video(TITLE, status="Normal")
            backend.create_video("another title", status="Normal")
        plan = {
            "url": server.url,
            "accessKeyId": DEFAULT_ACCESS_KEY_ID,
            "accessKeySecret": DEFAULT_ACCESS_KEY_SECRET,
            "videoId": video.video_id,
            "title": TITLE,
        }
        yield {"video_id": video.video_id, **run_script(node, "vod_signatures.js", plan)}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_get_video_info_signed_either_way_is_answered(report: dict[str, Any], algorithm: str) -> None:
    answer = report[algorithm]["getVideoInfo"]
    assert answer["statusCode"] == 200, answer
    assert (answer["video"]["VideoId"], answer["video"]["Title"]) == (report["video_id"], TITLE)
    assert len(answer["requestId"]) == 36


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_search_media_signed_either_way_finds_the_video(report: dict[str, Any], algorithm: str) -> None:
    assert report[algorithm]["searchMedia"] == {"total": 1, "ids": [report["video_id"]]}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_wrong_secret_is_signature_does_not_match(report: dict[str, Any], algorithm: str) -> None:
    error = report[algorithm]["wrongSecret"]["error"]
    assert (error["code"], error["statusCode"]) == ("SignatureDoesNotMatch", 400)
    # The server's string to sign, in the message, names the algorithm the client signed with.
    assert f"{algorithm}\n" in error["message"]
