"""ShowVideo through its HTTP trigger, in-process and against a server (fc runs each test twice)."""

from __future__ import annotations

import json
from pathlib import Path

import shared

PROJECT = Path(__file__).resolve().parents[1]


def new_video(fc, title: str, tags: str = "") -> str:
    """A video created through the emulator's VOD backend (what an earlier upload would have left)."""
    backend = fc.vod.backend
    with backend.lock:
        return backend.create_video(title, status="Normal", tags=tags).video_id


def test_this_projects_shared_is_its_own() -> None:
    assert Path(shared.__file__).resolve().is_relative_to(PROJECT)


def test_a_video_is_shown_with_its_tags(fc) -> None:
    video_id = new_video(fc, "Sunset", tags="beach,summer")
    answer = fc.http("GET", f"/videos/{video_id}")
    assert answer.status == 200
    assert answer.json() == {
        "VideoId": video_id,
        "Title": "Sunset",
        "Status": "Normal",
        "Tags": ["beach", "summer"],
        "ServedBy": "examples/tagging",  # the function imported this project's shared, not vodfc's
    }


def test_a_missing_video_is_the_functions_own_404(fc) -> None:
    answer = fc.http("GET", "/videos/no-such-video")
    assert answer.status == 404
    assert answer.json()["Code"] == "InvalidVideo.NotFound"


def test_the_sdk_call_is_in_the_functions_log(fc) -> None:
    video_id = new_video(fc, "Logged")
    fc.http("GET", f"/videos/{video_id}")
    (invocation,) = fc.invocations("ShowVideo")
    assert invocation.ok and invocation.cold_start
    assert f"FC Invoke Start RequestId: {invocation.request_id}" in fc.logs("ShowVideo")
    assert json.loads(invocation.body)["Title"] == "Logged"
