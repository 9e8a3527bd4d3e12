"""The dashboard in a real browser (headless Chromium), against ``vodfc up`` as a user starts it.

One walk through it: the printed URL signs in (and the token leaves the address bar), the demo library
shows with its covers loaded, a Match search and a bad Match (its error beside the field), an upload
through the page's file input that reaches Normal with its events delivered (to an HTTP callback, signed)
and its tags set by auto_tag, all without a reload, the invocation logs, a function invoked from its
button, a fault switched off, another account picked in the navigation (its own library and regions,
an upload as its own key, its events, whose functions), two tabs on two accounts, the keyboard's first
stop, and a 400-px-wide window. Any error in the browser's console fails it. Screenshots go to
build/screenshots/.
"""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.media.synth import make_video

from tests.e2e.browser import chrome, console_errors, require_browser
from tests.e2e.support import UpProcess
from tests.repo import REPO

SCREENSHOTS = REPO / "build" / "screenshots"
AUTH_KEY = "dashboard-test-key"
DEFAULT = "1234567890123456"
OTHER = "2222222222222222"  # a second account, with a key of its own (VODFC_ACCESS_KEYS)


class Receiver(BaseHTTPRequestHandler):
    """VOD's message-callback receiver: answers 200 to every POST."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def up(tmp_path: Path) -> Iterator[UpProcess]:
    require_browser()  # before starting anything
    process = UpProcess(
        "--no-demo",
        state_dir=tmp_path / "state",
        # Streams of 1 s: the pages live through many reconnects, and no change may fall between two.
        env={
            "VODFC_ACCESS_KEYS": f"other-key-id:other-key-secret:{OTHER}",
            "VODFC_DASHBOARD_STREAM_SECONDS": "1",
        },
    )
    try:
        process.wait_serving()
        yield process
    finally:
        process.stop()
        # Shown only when the test fails: what vodfc up said (its invocations, refusals, errors).
        print("--- vodfc up's output (last 8000 characters) ---")
        print(process.output[-8000:])


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/vod-callback"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(driver: Any, condition: Callable[[Any], Any], seconds: float = 60, what: str = "") -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The live stream replaces a page's changing part while a condition reads it: an element found a
    # moment ago may be gone; the next poll finds its replacement.
    wait = WebDriverWait(
        driver, seconds, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
    )
    return wait.until(condition, message=what)


def shoot(driver: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def images_loaded(driver: Any) -> list[int]:
    """Each picture's natural width, once every one has finished loading (0 for a broken one). The
    pages load pictures lazily, and how far below the window Chrome starts one depends on its estimate
    of the network: each is asked for now, so a narrow window's long page waits for none of them."""
    return list(
        driver.execute_script(
            "const all = Array.from(document.images); all.forEach(i => { i.loading = 'eager'; });"
            "return all.map(i => i.complete ? i.naturalWidth : -1);"
        )
    )


def field(driver: Any, name: str) -> str:
    """The value of a field of GetVideoInfo's answer on a video's page ('' until it is there)."""
    return str(
        driver.execute_script(
            """const section = document.querySelector('[aria-labelledby="answer-GetVideoInfo"]');
            if (!section) { return ''; }
            for (const dt of section.querySelectorAll('dt')) {
              if (dt.textContent === arguments[0]) { return dt.nextElementSibling.textContent.trim(); }
            }
            return '';""",
            name,
        )
    )


def pick(driver: Any, account: str, region: str) -> None:
    """Choose an account and region in the navigation's picker, as a user does."""
    from selenium.webdriver.common.by import By

    picker = driver.find_element(By.ID, "account-picker")
    if picker.get_attribute("open") is None:
        picker.find_element(By.TAG_NAME, "summary").click()
    picker.find_element(By.CSS_SELECTOR, f'a[aria-label="Account {account}, region {region}"]').click()
    wait_for(
        driver,
        lambda d: (
            d.find_element(By.ID, "current-account").text == account
            and d.find_element(By.ID, "current-region").text == region
        ),
        10,
        f"account {account} in {region}",
    )


def test_the_dashboard_in_a_browser(up: UpProcess, receiver: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    # VOD's HTTP message callback, signed: the event page checks the signatures.
    up.admin(
        "POST",
        "/_vodfc/events/config",
        {"CallbackType": "HTTP", "CallbackURL": receiver, "AuthSwitch": "on", "AuthKey": AUTH_KEY},
    )
    clip = tmp_path / "browser-clip.mp4"
    clip.write_bytes(make_video(width=320, height=240, seconds=1.0))

    with chrome(1280, 900) as driver:
        # The printed URL signs in; the token then leaves the address bar.
        driver.get(up.dashboard)
        assert driver.current_url == f"{up.url}/_vodfc/", driver.current_url
        assert driver.find_element(By.TAG_NAME, "h1").text == "Library"
        assert "12 videos" in driver.find_element(By.ID, "result-count").text
        widths = wait_for(driver, lambda d: (w := images_loaded(d)) and min(w) >= 0 and w, 20, "images")
        assert len(widths) == 7 and min(widths) > 0, widths
        shoot(driver, "library-1280")

        # The keyboard's first stop is the skip link, and focus shows.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        assert focused.text == "Skip to content"
        assert focused.value_of_css_property("outline-style") != "none"

        # A Match search, then a bad one: its error beside the field.
        search = driver.find_element(By.ID, "q")
        search.send_keys("Status in ('Normal') and Tags in ('python')", Keys.ENTER)
        wait_for(driver, lambda d: "2 videos" in d.find_element(By.ID, "result-count").text, 10, "search")
        cards = driver.find_elements(By.CSS_SELECTOR, ".card h2")
        assert {card.text for card in cards} == {
            "Python SDK in five minutes",
            "Function Compute event handlers",
        }
        search = driver.find_element(By.ID, "q")
        search.clear()
        search.send_keys("Title = (", Keys.ENTER)
        error = wait_for(driver, lambda d: d.find_elements(By.ID, "match-error"), 10, "match error")[0]
        assert "ErrorMatchSyntax" in error.text
        assert driver.find_element(By.ID, "q").get_attribute("aria-invalid") == "true"
        shoot(driver, "library-match-error")
        assert console_errors(driver) == []

        # An upload through the page's file input.
        driver.find_element(By.LINK_TEXT, "Upload").click()
        driver.find_element(By.ID, "upload-title").send_keys("Browser clip")
        driver.find_element(By.ID, "upload-file").send_keys(str(clip))
        driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
        wait_for(driver, lambda d: "/_vodfc/ui/videos/" in d.current_url, 30, "the video's page")
        video_id = driver.current_url.rsplit("/", 1)[1]
        assert driver.find_element(By.TAG_NAME, "h1").text == "Browser clip"

        # Without a reload: the live stream brings the status, then auto_tag's tags.
        wait_for(driver, lambda d: field(d, "Status") == "Normal", 90, f"Normal: {field(driver, 'Status')}")
        wait_for(driver, lambda d: "sd" in field(d, "Tags").split(","), 90, f"tags: {field(driver, 'Tags')}")
        assert set(field(driver, "Tags").split(",")) >= {"sd", "landscape", "short"}
        wait_for(driver, lambda d: (w := images_loaded(d)) and min(w) > 0, 30, "cover")
        wait_for(
            driver,
            lambda d: (
                "FileUploadComplete" in d.find_element(By.ID, "history").find_element(By.XPATH, "..").text
            ),
            30,
            "event history",
        )
        shoot(driver, "video-uploaded")

        # Its FileUploadComplete: delivered to the callback, signed, and to the functions' topic.
        events = up.admin("GET", f"/_vodfc/events?VideoId={video_id}&type=FileUploadComplete")["events"]
        assert events and events[0]["status"] == "delivered", events
        driver.get(f"{up.url}/_vodfc/ui/events/{events[0]['seq']}")
        page = driver.find_element(By.ID, "main").text
        assert "HTTP callback " + receiver in page
        assert "VodEvents (MNSTopic trigger vod-events)" in page
        verdicts = driver.find_elements(By.CSS_SELECTOR, ".sig")
        assert [v.text for v in verdicts] == ["valid"], page
        shoot(driver, "event")

        # The invocation that tagged it, with its logs.
        driver.find_element(By.LINK_TEXT, "Functions").click()
        logs = driver.find_elements(By.CSS_SELECTOR, 'a[aria-label^="Logs of VodEvents"]')
        assert logs, driver.find_element(By.ID, "main").text[:2000]
        tagged = None
        for link in [link.get_attribute("href") for link in logs]:
            driver.get(link)
            text = driver.find_element(By.ID, "invocation-logs").text
            if "auto_tag" in text and video_id in text:
                tagged = text
                break
        assert tagged is not None, "no VodEvents invocation logged auto_tag for the upload"
        shoot(driver, "invocation")

        # A function invoked from its button, with the event made for it.
        driver.find_element(By.LINK_TEXT, "Functions").click()
        shoot(driver, "functions")
        button = driver.find_element(By.CSS_SELECTOR, "#fn-GetVideoInfo button[type=submit]")
        driver.execute_script("arguments[0].scrollIntoView()", button)
        button.click()
        wait_for(driver, lambda d: "/_vodfc/ui/invocations/" in d.current_url, 60, "the invocation's page")
        assert '"Video"' in driver.find_element(By.ID, "invocation-result").text

        # A fault rule, switched off from its page.
        rule = up.admin("POST", "/_vodfc/faults", {"kind": "throttle", "action": "GetVideoInfo"})
        driver.find_element(By.LINK_TEXT, "Faults").click()
        driver.find_element(By.CSS_SELECTOR, f"#rule-{rule['id']} button").click()
        wait_for(driver, lambda d: "Switch on" in d.find_element(By.ID, f"rule-{rule['id']}").text, 10, "off")
        assert up.admin("GET", "/_vodfc/faults")["rules"][0]["enabled"] is False
        shoot(driver, "faults")

        assert console_errors(driver) == []

        # Another account, from the picker: its own library (empty), with the URL saying which.
        up.admin("POST", f"/_vodfc/seed?account={OTHER}&region=cn-beijing")
        driver.find_element(By.LINK_TEXT, "Library").click()
        driver.find_element(By.CSS_SELECTOR, "#account-picker summary").click()
        listed = driver.find_elements(By.CSS_SELECTOR, "#account-picker .account")
        assert [entry.get_attribute("data-account") for entry in listed] == [DEFAULT, OTHER]
        shoot(driver, "account-picker")
        pick(driver, OTHER, "cn-shanghai")
        assert f"account={OTHER}" in driver.current_url
        assert "0 videos" in driver.find_element(By.ID, "result-count").text

        # An upload there, as that account's own key: it lands in its library, not the default one.
        driver.find_element(By.LINK_TEXT, "Upload").click()
        assert driver.find_element(By.ID, "upload-key").text == "other-key-id"
        driver.find_element(By.ID, "upload-title").send_keys("Other account's clip")
        driver.find_element(By.ID, "upload-file").send_keys(str(clip))
        driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
        wait_for(driver, lambda d: "/_vodfc/ui/videos/" in d.current_url, 30, "the other video's page")
        assert f"account={OTHER}" in driver.current_url
        other_video = urllib.parse.urlsplit(driver.current_url).path.rsplit("/", 1)[1]
        wait_for(driver, lambda d: field(d, "Status") == "Normal", 90, f"Normal: {field(driver, 'Status')}")
        driver.find_element(By.LINK_TEXT, "Library").click()
        assert "1 video" in driver.find_element(By.ID, "result-count").text
        assert driver.find_element(By.CSS_SELECTOR, ".card h2").text == "Other account's clip"

        # Its events are its own; the functions are the default account's, and the page says so.
        driver.find_element(By.LINK_TEXT, "Events").click()
        rows = driver.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
        assert rows and all(other_video[:12] in row.text for row in rows), [row.text for row in rows]
        driver.find_element(By.LINK_TEXT, "Functions").click()
        assert f"The functions belong to account {DEFAULT}" in driver.find_element(By.ID, "main").text
        shoot(driver, "functions-other-account")

        # Two tabs, two accounts: the default one's library in a second tab, this one's stays.
        first = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(up.url + "/_vodfc/")
        assert driver.find_element(By.ID, "current-account").text == DEFAULT
        assert "13 videos" in driver.find_element(By.ID, "result-count").text
        driver.close()
        driver.switch_to.window(first)
        driver.find_element(By.LINK_TEXT, "Library").click()
        assert "1 video" in driver.find_element(By.ID, "result-count").text

        # Its other region (the demo library seeded there), then back to the default account.
        pick(driver, OTHER, "cn-beijing")
        assert "12 videos" in driver.find_element(By.ID, "result-count").text
        pick(driver, DEFAULT, "cn-shanghai")
        assert driver.current_url == f"{up.url}/_vodfc/"
        assert console_errors(driver) == []

        # The README's picture: the playable videos, 1280 px wide.
        driver.set_window_size(1280, 1000)
        driver.get(up.url + "/_vodfc/?q=" + urllib.parse.quote("Status in ('Normal')"))
        wait_for(driver, lambda d: (w := images_loaded(d)) and min(w) > 0, 20, "covers")
        shoot(driver, "dashboard-1280")

        # 400 px wide: nothing wider than the window.
        driver.set_window_size(400, 900)
        for path in (
            "/_vodfc/",
            f"/_vodfc/ui/videos/{video_id}",
            "/_vodfc/ui/events",
            "/_vodfc/ui/functions",
            f"/_vodfc/?account={OTHER}&region=cn-beijing",
        ):
            driver.get(up.url + path)
            driver.find_element(By.CSS_SELECTOR, "#account-picker summary").click()  # opened, too
            inner, scroll = driver.execute_script(
                "return [window.innerWidth, document.documentElement.scrollWidth];"
            )
            assert scroll <= inner, (path, inner, scroll)
        driver.get(up.url + "/_vodfc/")
        wait_for(driver, lambda d: (w := images_loaded(d)) and min(w) > 0, 20, "images at 400 px")
        shoot(driver, "library-400")
        assert console_errors(driver) == []
