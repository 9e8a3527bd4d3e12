"""Each page renders from the emulator's own answers: the library through SearchMedia (its Match errors
shown inline), one video as GetVideoInfo / GetMezzanineInfo / GetPlayInfo answer it, the event log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from vodfc.emulator.app import emulator_of
from vodfc.emulator.vod.seed import demo_id

PAGES = [
    "/_vodfc/",
    "/_vodfc/?type=image",
    "/_vodfc/?type=attached",
    "/_vodfc/?type=audio",
    f"/_vodfc/ui/videos/{demo_id('video', 1)}",
    f"/_vodfc/ui/images/{demo_id('image', 1)}",
    "/_vodfc/ui/upload",
    "/_vodfc/ui/events",
    "/_vodfc/ui/functions",
    "/_vodfc/ui/faults",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_narrow_screens_with_its_landmarks(client: Any, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    html = answer.get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="en">' in html and '<main id="main"' in html
    assert 'href="#main">Skip to content</a>' in html
    assert re.search(r"<h1>.+</h1>", html)
    # Every form field has its label.
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'<label for="{field}"' in html, field


def test_the_library_shows_the_demo_videos_with_their_facts_and_covers(client: Any) -> None:
    html = client.get("/_vodfc/").get_data(as_text=True)
    assert "12 videos" in html
    card = html[html.index("Getting started with VOD") - 1500 :][:3000]
    assert "Getting started with VOD" in card
    for fact in ("Normal", "tutorial", "vod", "Tutorials", "2:05", "30.0 MB", "5 streams", "demo-01.mp4"):
        assert fact in card, fact
    assert "1920×1080" in card
    pictures = re.findall(r'<img src="([^"]+)"', html)
    assert len(pictures) == 7  # the six Normal videos and the Blocked one have covers
    for src in pictures:
        picture = client.get(src)
        assert picture.status_code == 200 and picture.content_type == "image/jpeg"
        assert picture.data[:2] == b"\xff\xd8"


def test_the_library_pages_come_from_search_media(client: Any, app: Any) -> None:
    html = client.get("/_vodfc/?q=Status+in+('Normal')+and+Tags+in+('python')").get_data(as_text=True)
    assert "2 videos" in html
    assert "Python SDK in five minutes" in html and "Function Compute event handlers" in html
    assert "Product tour" not in html
    older = client.get("/_vodfc/?sort=CreationTime:Asc").get_data(as_text=True)
    assert older.index("Getting started with VOD") < older.index("Blocked by review")


def test_a_bad_match_is_shown_beside_the_field(client: Any) -> None:
    answer = client.get("/_vodfc/?q=Title+%3D+(")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="match-error"' in html
    error = re.search(r'<p class="error" id="match-error" role="alert">(.*?)</p>', html)
    assert error is not None and "ErrorMatchSyntax" in error.group(1)
    assert 'value="Title = ("' in html  # the expression stays in the field to be fixed


def test_pages_of_more_than_twenty(client: Any, app: Any) -> None:
    backend = emulator_of(app).state.backend()
    with backend.lock:
        for n in range(25):
            backend.create_video(f"extra {n:02d}", status="Normal")
    first = client.get("/_vodfc/").get_data(as_text=True)
    assert "37 videos · page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/_vodfc/?page=2").get_data(as_text=True)
    assert len(re.findall(r'class="card"', second)) == 17 and 'rel="prev"' in second


def test_a_video_page_shows_what_the_get_actions_answer(client: Any) -> None:
    video_id = demo_id("video", 1)
    html = client.get(f"/_vodfc/ui/videos/{video_id}").get_data(as_text=True)
    for heading in ("GetVideoInfo", "GetMezzanineInfo", "GetPlayInfo", "Event history"):
        assert f">{heading}</h2>" in html
    assert "demo-getting-started" in html  # ReferenceId (GetVideoInfo)
    assert "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10" in html  # GetMezzanineInfo's video stream
    assert html.count("H264.") >= 5  # GetPlayInfo's five streams
    assert re.search(r'<img src="/_vodfc/ui/pictures/[^"]+" alt="Cover of Getting started with VOD"', html)


def test_an_action_error_is_shown_in_its_place(client: Any) -> None:
    uploading = demo_id("video", 7)
    html = client.get(f"/_vodfc/ui/videos/{uploading}").get_data(as_text=True)
    play = html[html.index(">GetPlayInfo</h2>") :]
    assert '<p class="error"><strong>' in play[:800]


def test_an_unknown_video_is_a_page_saying_so(client: Any) -> None:
    answer = client.get("/_vodfc/ui/videos/" + "0" * 32)
    assert answer.status_code == 404
    assert "InvalidVideo.NotFound" in answer.get_data(as_text=True)
    assert client.get("/_vodfc/ui/events/999999").status_code == 404
    assert client.get("/_vodfc/ui/invocations/nope").status_code == 404


def test_events_show_their_deliveries_and_history(client: Any, app: Any) -> None:
    emulator = emulator_of(app)
    assert emulator.events is not None
    video_id = demo_id("video", 2)
    record = emulator.events.emit(
        {"EventType": "FileUploadComplete", "VideoId": video_id, "Status": "success"}
    )
    listing = client.get("/_vodfc/ui/events").get_data(as_text=True)
    assert "FileUploadComplete" in listing and f"/_vodfc/ui/events/{record.seq}" in listing
    detail = client.get(f"/_vodfc/ui/events/{record.seq}").get_data(as_text=True)
    assert "not-configured" in detail and f'"VideoId": "{video_id}"'.replace('"', "&#34;") in detail
    history = client.get(f"/_vodfc/ui/videos/{video_id}").get_data(as_text=True)
    assert f"/_vodfc/ui/events/{record.seq}" in history


def test_an_event_page_checks_each_attempt_s_signature(client: Any, app: Any) -> None:
    bus = emulator_of(app).events
    assert bus is not None
    sent: list[dict[str, str]] = []
    bus.transport = lambda url, body, headers, timeout: (
        sent.append(headers) or (200 if len(sent) > 1 else 500)
    )
    bus.sleep = lambda seconds: None
    bus.set_delivery("sync")
    bus.configure(callback_url="http://127.0.0.1:9/cb", auth_switch="on", auth_key="first-key")
    record = bus.emit({"EventType": "FileUploadComplete", "VideoId": demo_id("video", 3)})
    html = client.get(f"/_vodfc/ui/events/{record.seq}").get_data(as_text=True)
    assert "HTTP callback http://127.0.0.1:9/cb" in html
    assert re.findall(r'class="sig sig-(\w+)"', html) == ["valid", "valid"]
    assert '<span class="attempt failed">500</span>' in html and '<span class="attempt ok">200</span>' in html
    # Checked against the AuthKey the account has now: after a change, the old signatures do not match.
    bus.configure(auth_key="second-key")
    html = client.get(f"/_vodfc/ui/events/{record.seq}").get_data(as_text=True)
    assert re.findall(r'class="sig sig-(\w+)"', html) == ["mismatch", "mismatch"]
    bus.configure(auth_switch="off")
    unsigned = bus.emit({"EventType": "FileUploadComplete", "VideoId": demo_id("video", 3)})
    html = client.get(f"/_vodfc/ui/events/{unsigned.seq}").get_data(as_text=True)
    assert re.findall(r'class="sig sig-(\w+)"', html) == ["unsigned"]


def test_an_invocation_shows_when_it_started(client: Any, app: Any) -> None:
    from datetime import datetime, timezone

    fc = emulator_of(app).fc
    assert fc is not None
    runtime = fc.runtime
    started = datetime(2026, 12, 6, 7, 57, 32, 367207, tzinfo=timezone.utc)
    runtime.clock = lambda: started
    answer = client.post(
        "/_vodfc/ui/functions/GetVideoInfo/invoke",
        data={"event": "{}", "service": runtime.function("GetVideoInfo").service or ""},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    stamp = '<time datetime="2026-12-06T07:57:32.367207+00:00">'
    detail = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"{stamp}2026-12-06T07:57:32.367207+00:00</time>" in detail
    listing = client.get("/_vodfc/ui/functions").get_data(as_text=True)
    assert f"{stamp}2026-12-06 07:57:32</time>" in listing
