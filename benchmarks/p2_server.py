"""Part 2: the same GetVideoInfo over loopback to ``ThreadedServer`` vs a bare Flask app on waitress.

Both servers run side by side through the same ``vodfc.emulator.server`` serving code (waitress, same
threads), each with its own keep-alive ``AcsClient``; the bare app returns the emulator's own answer
as a canned body, so the difference is the emulator's per-call work.
"""

from __future__ import annotations

from typing import Any

from benchmarks import emu
from benchmarks.harness import Profile, Row, Side, compare, ms, verdict_at_most

PART = 2
TITLE = "server GetVideoInfo (ThreadedServer vs bare Flask on waitress)"
TARGET = 1.3


def bare_app(body: bytes) -> Any:
    from flask import Flask, Response

    app = Flask("vodfc-bench-canned")

    @app.route("/", methods=["GET", "POST"])
    def canned() -> Response:
        response = Response(body, status=200, content_type="application/json;charset=utf-8")
        response.headers["x-acs-request-id"] = "00000000-0000-0000-0000-000000000000"
        return response

    return app


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    from vodfc.emulator.server import ThreadedServer

    app = emu.build_app()
    from vodfc.emulator.app import get_state

    video_id = emu.add_video(get_state(app).backend())
    with ThreadedServer(app) as server:
        client = emu.acs_client(server.endpoint)
        body = _raw_body(client, video_id)
        with ThreadedServer(bare_app(body)) as bare:
            bare_client = emu.acs_client(bare.endpoint)
            sides = [
                Side("ThreadedServer", lambda: emu.get_video_info(client, video_id)),
                Side("bare Flask", lambda: emu.get_video_info(bare_client, video_id)),
            ]
            emulator, canned = compare(
                sides, warmup=profile.warmup, rounds=profile.rounds, inner=profile.inner
            )
    results["p2.emulator"] = emulator
    results["p2.bare"] = canned
    ratio = emulator / canned
    return [
        Row(
            PART,
            "GetVideoInfo over loopback: emulator ThreadedServer vs bare Flask canned body (both waitress)",
            ms(emulator),
            ms(canned),
            ratio,
            f"≤{TARGET}×",
            verdict_at_most(ratio, TARGET),
            f"keep-alive AcsClient; median of {profile.rounds}×{profile.inner} calls",
        )
    ]


def _raw_body(client: Any, video_id: str) -> bytes:
    from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    body: bytes = client.do_action_with_exception(request)
    return body
