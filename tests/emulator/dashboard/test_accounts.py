"""The account picker: each page shows the account and region its URL names, with that account's own
library, uploads, events, signature checks and live stream; the functions and fault rules say whose they
are; a bad account or region is a 400/404 page naming it."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from vodfc.emulator.app import create_app, emulator_of, get_state
from vodfc.emulator.config import DEFAULT_ACCESS_KEY, AccessKeyPair, EmulatorConfig
from vodfc.emulator.dashboard import live
from vodfc.emulator.media.synth import make_video
from vodfc.emulator.vod.exceptions import InvalidVideoNotFound
from vodfc.emulator.vod.seed import demo_id

DEFAULT = DEFAULT_ACCESS_KEY.account_id
OTHER = "2222222222222222"
OTHER_KEY = AccessKeyPair("other-key-id", "other-key-secret", OTHER)
ORPHAN = "3333333333333333"  # state kept in the store, no key: read only
B = f"account={OTHER}"
BJ = f"account={OTHER}&region=cn-beijing"


@pytest.fixture
def app() -> Iterator[Any]:
    built = create_app(EmulatorConfig(seed=True, access_keys=(DEFAULT_ACCESS_KEY, OTHER_KEY)))
    state = get_state(built)
    for account, region, title in (
        (OTHER, "cn-shanghai", "Other's Shanghai clip"),
        (OTHER, "cn-beijing", "Other's Beijing clip"),
        (ORPHAN, "cn-shanghai", "Orphan's clip"),
    ):
        backend = state.backend(account, region)
        with backend.lock, state.store.transaction():
            backend.create_video(title, status="Normal")
    yield built
    emulator_of(built).close()


def video_of(app: Any, account: str, region: str) -> str:
    backend = get_state(app).backend(account, region)
    with backend.lock:
        return str(backend.videos_by_creation()[0].video_id)


def text(answer: Any) -> str:
    return htmllib.unescape(answer.get_data(as_text=True))


def count(html: str) -> str:
    found = re.search(r'id="result-count">([^<]*)<', html)
    assert found, html[:2000]
    return found.group(1)


def picker_marks(html: str) -> dict[str, list[str]]:
    """Each account of the picker and its marks (default, functions, no AccessKey)."""
    entries = re.findall(r'<li class="account" data-account="(\d+)">(.*?)<ul class="regions">', html, re.S)
    return {account: re.findall(r'class="mark">([^<]+)<', body) for account, body in entries}


def test_the_picker_lists_each_account_with_its_regions_and_marks(client: Any, app: Any) -> None:
    bus = emulator_of(app).events
    assert bus is not None
    bus.configure(callback_url="http://127.0.0.1:9/cb")  # stored beside the backends, under no region
    html = client.get("/_vodfc/").get_data(as_text=True)
    picker = re.search(r'<details class="picker".*?</details>', html, re.S)
    assert picker is not None
    accounts = re.findall(r'<li class="account" data-account="(\d+)">(.*?)</ul>', picker.group(0), re.S)
    listed = {account: body for account, body in accounts}
    assert [account for account, _ in accounts] == [DEFAULT, OTHER, ORPHAN]  # the default one first
    assert picker_marks(html) == {DEFAULT: ["default", "functions"], OTHER: [], ORPHAN: ["no AccessKey"]}
    regions = {account: re.findall(r">([^<>]+)</a>", body) for account, body in listed.items()}
    assert regions == {
        DEFAULT: ["cn-shanghai"],
        OTHER: ["cn-shanghai", "cn-beijing"],  # the default region first
        ORPHAN: ["cn-shanghai"],
    }
    current = re.findall(r'<a href="([^"]+)" aria-current="true"', picker.group(0))
    assert current == ["/_vodfc/"]
    assert 'id="current-account">1234567890123456<' in html


def test_each_account_and_region_has_its_own_library(client: Any) -> None:
    default = text(client.get("/_vodfc/"))
    assert count(default) == "12 videos · page 1 of 1" and "Other's" not in default
    other = text(client.get(f"/_vodfc/?{B}"))
    assert count(other) == "1 video · page 1 of 1"
    assert "Other's Shanghai clip" in other and "Getting started with VOD" not in other
    beijing = text(client.get(f"/_vodfc/?{BJ}"))
    assert count(beijing) == "1 video · page 1 of 1" and "Other's Beijing clip" in beijing
    assert (
        'id="current-account">2222222222222222<' in beijing and 'id="current-region">cn-beijing<' in beijing
    )
    # SearchMedia runs in the chosen backend: a Match there finds only its media.
    searched = text(client.get(f"/_vodfc/?{BJ}&q=Title+in+('Other''s Beijing clip')"))
    assert count(searched).startswith("1 video")
    orphan = text(client.get(f"/_vodfc/?account={ORPHAN}"))
    assert count(orphan) == "1 video · page 1 of 1" and "Orphan's clip" in orphan


def test_every_link_and_form_of_a_page_keeps_the_account(client: Any, app: Any) -> None:
    video = video_of(app, OTHER, "cn-beijing")
    for path in (
        f"/_vodfc/?{BJ}",
        f"/_vodfc/ui/videos/{video}?{BJ}",
        f"/_vodfc/ui/upload?{BJ}",
        f"/_vodfc/ui/events?{BJ}",
        f"/_vodfc/ui/faults?{BJ}",
    ):
        html = client.get(path).get_data(as_text=True)
        main = html[html.index('<main id="main"') :]
        nav = html[html.index("<header") : html.index('<details class="picker"')]
        links = re.findall(r'<a [^>]*href="(/_vodfc/[^"#]*)', nav + main)
        assert links, path
        for link in links:
            if "/ui/pictures/" in link:
                continue  # a picture's address names its bucket, which is the account's
            query = parse_qs(urlsplit(htmllib.unescape(link)).query)
            assert query.get("account") == [OTHER] and query.get("region") == ["cn-beijing"], (path, link)
        for action in re.findall(r'<form method="post" action="([^"]+)"', main):
            assert f"account={OTHER}" in htmllib.unescape(action), (path, action)
        for form in re.findall(r'<form method="get".*?</form>', main, re.S):
            assert f'<input type="hidden" name="account" value="{OTHER}">' in form, path
            assert '<input type="hidden" name="region" value="cn-beijing">' in form, path
        live_url = re.search(r'data-live-url="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        query = parse_qs(urlsplit(htmllib.unescape(live_url)).query)
        assert query.get("account") == [OTHER] and query.get("region") == ["cn-beijing"], (path, live_url)


def test_the_picker_switches_to_the_same_list_or_the_section_s_start(client: Any, app: Any) -> None:
    html = client.get("/_vodfc/?type=image&q=Status+in+('Normal')&page=2").get_data(as_text=True)
    target = re.search(r'<a href="([^"]+)" aria-label="Account 2222222222222222, region cn-beijing"', html)
    assert target is not None
    query = parse_qs(urlsplit(htmllib.unescape(target.group(1))).query)
    # The search is kept, not the page number (the other library has its own pages).
    assert query == {
        "type": ["image"],
        "q": ["Status in ('Normal')"],
        "account": [OTHER],
        "region": ["cn-beijing"],
    }
    detail = client.get(f"/_vodfc/ui/videos/{demo_id('video', 1)}").get_data(as_text=True)
    target = re.search(r'<a href="([^"]+)" aria-label="Account 2222222222222222, region cn-shanghai"', detail)
    assert target is not None and htmllib.unescape(target.group(1)) == f"/_vodfc/?{B}"


def test_an_asset_is_shown_only_in_its_own_account(client: Any, app: Any) -> None:
    video = video_of(app, OTHER, "cn-beijing")
    shown = text(client.get(f"/_vodfc/ui/videos/{video}?{BJ}"))
    assert "<h1>Other's Beijing clip</h1>" in shown
    for elsewhere in ("", f"?{B}"):
        missing = client.get(f"/_vodfc/ui/videos/{video}{elsewhere}")
        assert missing.status_code == 404 and "InvalidVideo.NotFound" in text(missing)
    demo = client.get(f"/_vodfc/ui/videos/{demo_id('video', 1)}?{B}")
    assert demo.status_code == 404
    image = client.get(f"/_vodfc/ui/images/{demo_id('image', 1)}?{B}")
    assert image.status_code == 404 and "GetImageInfo" in text(image)


BAD = [
    ("account=nope", 404, "This emulator knows no account nope: its accounts are 1234567890123456, "),
    ("account=%3Cscript%3E", 400, "account='<script>' is not an account id"),
    ("account=" + "9" * 70, 400, "is not an account id"),
    (
        f"account={OTHER}&region=eu-nowhere-1",
        404,
        f"Account {OTHER} has no state in region eu-nowhere-1: its regions are cn-shanghai, cn-beijing.",
    ),
    ("region=cn-beijing", 404, f"Account {DEFAULT} has no state in region cn-beijing"),
    ("region=CN_Shanghai", 400, "region='CN_Shanghai' is not a region id"),
    (f"account={OTHER}&account={DEFAULT}", 400, "The address gives 2 accounts"),
]
PATHS = [
    "/_vodfc/",
    f"/_vodfc/ui/videos/{demo_id('video', 1)}",
    f"/_vodfc/ui/images/{demo_id('image', 1)}",
    "/_vodfc/ui/upload",
    "/_vodfc/ui/events",
    "/_vodfc/ui/events/1",
    "/_vodfc/ui/functions",
    "/_vodfc/ui/invocations/nope",
    "/_vodfc/ui/faults",
]


@pytest.mark.parametrize("query,status,message", BAD)
def test_a_bad_account_or_region_is_a_page_naming_it(
    client: Any, app: Any, query: str, status: int, message: str
) -> None:
    state = get_state(app)
    backends = [key for key, _ in state.backends.items()]
    for path in PATHS:
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == status, (path, answer.status_code, text(answer)[:800])
        shown = text(answer)
        assert message in shown, (path, shown[:2000])
        assert "<script>" not in answer.get_data(as_text=True)  # the value is escaped
        # The page's own links are the default account's: they work.
        assert 'id="current-account">1234567890123456<' in shown
    # Nor do the writes and the stream run with a bad value.
    for method, path in (
        ("post", "/_vodfc/ui/uploads"),
        ("post", "/_vodfc/ui/functions/GetVideoInfo/invoke"),
        ("post", "/_vodfc/ui/faults/nope"),
        ("get", "/_vodfc/ui/live"),
    ):
        answer = getattr(client, method)(f"{path}?{query}", json={"FileName": "a.mp4"})
        assert answer.status_code == status, (path, answer.status_code)
    # A value refused creates no backend.
    assert [key for key, _ in state.backends.items()] == backends


def test_an_upload_is_made_as_the_account_s_own_key_and_lands_in_its_backend(client: Any, app: Any) -> None:
    emulator = emulator_of(app)
    seen: list[tuple[str, str, str, str]] = []
    emulator.state.before_action.append(
        lambda backend, action, params, ctx: seen.append(
            (action, ctx.access_key_id, ctx.account_id, ctx.region)
        )
    )
    page = text(client.get(f"/_vodfc/ui/upload?{BJ}"))
    assert 'id="upload-key">other-key-id<' in page and "account <strong>2222222222222222</strong>" in page
    plan = client.post(f"/_vodfc/ui/uploads?{BJ}", json={"Title": "Beijing upload", "FileName": "clip.mp4"})
    assert plan.status_code == 200, plan.get_data(as_text=True)
    body = plan.get_json()
    assert seen == [("CreateUploadVideo", "other-key-id", OTHER, "cn-beijing")]
    assert body["PageURL"] == f"/_vodfc/ui/videos/{body['VideoId']}?{BJ}"
    put = app.test_client().put(
        body["PutURL"], data=make_video(seconds=0.4), headers={"Content-Type": body["ContentType"]}
    )
    assert put.status_code == 200, put.get_data(as_text=True)
    assert emulator.state.backend(OTHER, "cn-beijing").get_video(body["VideoId"]).title == "Beijing upload"
    for account, region in ((DEFAULT, "cn-shanghai"), (OTHER, "cn-shanghai")):
        with pytest.raises(InvalidVideoNotFound):
            emulator.state.backend(account, region).get_video(body["VideoId"])
    assert "Beijing upload" in text(client.get(body["PageURL"]))


def test_an_account_without_a_usable_key_is_read_only(client: Any, app: Any) -> None:
    page = client.get(f"/_vodfc/ui/upload?account={ORPHAN}")
    assert page.status_code == 200
    assert 'id="upload-no-key"' in page.get_data(as_text=True) and 'id="upload"' not in page.get_data(
        as_text=True
    )
    refused = client.post(f"/_vodfc/ui/uploads?account={ORPHAN}", json={"FileName": "clip.mp4"})
    assert refused.status_code == 409 and refused.get_json()["Code"] == "NoAccessKey"
    # A disabled key is no key: the other account cannot upload either until it is enabled again.
    accounts = get_state(app).accounts
    accounts.set_active(OTHER_KEY.access_key_id, False)
    assert client.post(f"/_vodfc/ui/uploads?{B}", json={"FileName": "c.mp4"}).status_code == 409
    assert picker_marks(client.get("/_vodfc/").get_data(as_text=True))[OTHER] == ["no AccessKey"]
    accounts.set_active(OTHER_KEY.access_key_id, True)
    assert client.post(f"/_vodfc/ui/uploads?{B}", json={"FileName": "c.mp4"}).status_code == 200


def test_events_are_the_account_s_own_with_its_callback_s_signature_check(client: Any, app: Any) -> None:
    bus = emulator_of(app).events
    assert bus is not None
    bus.transport = lambda url, body, headers, timeout: 200
    bus.set_delivery("sync")
    bus.configure(OTHER, callback_url="http://127.0.0.1:9/other", auth_switch="on", auth_key="other-key")
    video = video_of(app, OTHER, "cn-beijing")
    mine = bus.emit({"EventType": "FileUploadComplete", "VideoId": demo_id("video", 2)})
    theirs = bus.emit({"EventType": "VideoAnalysisComplete", "VideoId": video}, account_id=OTHER)

    default = text(client.get("/_vodfc/ui/events"))
    assert f"/_vodfc/ui/events/{mine.seq}" in default and f"/ui/events/{theirs.seq}" not in default
    assert "VideoAnalysisComplete" not in default  # nor in the type filter
    assert "It has no message callback." in default
    other = text(client.get(f"/_vodfc/ui/events?{B}"))
    assert f"/_vodfc/ui/events/{theirs.seq}?{B}" in other and f"/ui/events/{mine.seq}" not in other
    assert "Its message callback: HTTP http://127.0.0.1:9/other, signed." in other
    assert (
        "<option>VideoAnalysisComplete</option>" in other
        and "<option>FileUploadComplete</option>" not in other
    )

    # The event page checks the signature with that account's AuthKey.
    detail = client.get(f"/_vodfc/ui/events/{theirs.seq}?{B}").get_data(as_text=True)
    assert re.findall(r'class="sig sig-(\w+)"', detail) == ["valid"]
    bus.configure(OTHER, auth_key="changed")
    detail = client.get(f"/_vodfc/ui/events/{theirs.seq}?{B}").get_data(as_text=True)
    assert re.findall(r'class="sig sig-(\w+)"', detail) == ["mismatch"]

    # Under another account, an event's page says whose it is and links there.
    wrong = client.get(f"/_vodfc/ui/events/{theirs.seq}")
    assert wrong.status_code == 404
    assert f"Event {theirs.seq} is not in account {DEFAULT}'s log: it is account {OTHER}'s." in text(wrong)
    assert f'<a href="/_vodfc/ui/events/{theirs.seq}?{B}">Open it as account {OTHER}</a>' in text(wrong)

    # An asset's event history is its account's.
    history = text(client.get(f"/_vodfc/ui/videos/{video}?{BJ}"))
    assert f"/_vodfc/ui/events/{theirs.seq}?{BJ}" in history


def test_the_functions_say_whose_they_are(client: Any, app: Any) -> None:
    fc = emulator_of(app).fc
    assert fc is not None
    runtime = fc.runtime
    invoked = client.post(
        "/_vodfc/ui/functions/GetVideoInfo/invoke",
        data={"event": "{}", "service": runtime.function("GetVideoInfo").service or ""},
    )
    assert invoked.status_code == 303
    invocation = invoked.headers["Location"]
    listing = text(client.get("/_vodfc/ui/functions"))
    assert "Invoke GetVideoInfo" in listing and invocation in listing

    other = client.get(f"/_vodfc/ui/functions?{B}")
    assert other.status_code == 200
    shown = text(other)
    assert f"The functions belong to account {DEFAULT}, region cn-shanghai" in shown
    assert f"Account {OTHER} has no functions in region cn-shanghai, and no invocations" in shown
    assert "Invoke GetVideoInfo" not in shown and invocation not in shown
    assert f'<a href="/_vodfc/ui/functions">Show account {DEFAULT}\'s functions (cn-shanghai)</a>' in shown
    # The default account in another region: the functions are not there either.
    assert "The functions belong to" in text(client.get(f"/_vodfc/ui/functions?{B}&region=cn-beijing"))

    refused = client.post(f"/_vodfc/ui/functions/GetVideoInfo/invoke?{B}", data={"event": "{}"})
    assert refused.status_code == 404 and f"the functions are account {DEFAULT}'s" in text(refused)
    request_id = invocation.rsplit("/", 1)[1]
    elsewhere = client.get(f"/_vodfc/ui/invocations/{request_id}?{B}")
    assert elsewhere.status_code == 404
    assert f'<a href="/_vodfc/ui/invocations/{request_id}">' in text(elsewhere)


def test_functions_owned_by_another_account_are_listed_under_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VODFC_FC_ACCOUNT", OTHER)
    built = create_app(EmulatorConfig(seed=True, access_keys=(DEFAULT_ACCESS_KEY, OTHER_KEY)))
    try:
        client = built.test_client()
        assert client.get(f"/_vodfc/?token={get_state(built).guard.token}").status_code == 303
        assert "Invoke GetVideoInfo" in text(client.get(f"/_vodfc/ui/functions?{B}"))
        default = text(client.get("/_vodfc/ui/functions"))
        assert f"The functions belong to account {OTHER}, region cn-shanghai" in default
        marks = picker_marks(client.get("/_vodfc/").get_data(as_text=True))
        assert marks == {DEFAULT: ["default"], OTHER: ["functions"]}
        fc = emulator_of(built).fc
        assert fc is not None
        service = fc.runtime.function("GetVideoInfo").service or ""
        invoked = client.post(
            f"/_vodfc/ui/functions/GetVideoInfo/invoke?{B}", data={"event": "{}", "service": service}
        )
        assert invoked.status_code == 303 and invoked.headers["Location"].endswith(f"?{B}")
    finally:
        emulator_of(built).close()


def test_fault_rules_are_shown_as_the_emulator_s_and_switch_in_place(client: Any, app: Any) -> None:
    faults = emulator_of(app).faults
    assert faults is not None
    rule = faults.add("throttle", action="GetVideoInfo")
    for query in ("", f"?{BJ}"):
        page = text(client.get(f"/_vodfc/ui/faults{query}"))
        assert f'id="rule-{rule.id}"' in page
        assert "Fault rules belong to the emulator, not to an account" in page
    switched = client.post(f"/_vodfc/ui/faults/{rule.id}?{BJ}", data={"enabled": "off"})
    assert switched.status_code == 303
    assert switched.headers["Location"] == f"/_vodfc/ui/faults?{BJ}#rule-{rule.id}"
    assert faults.rule(rule.id) is not None and faults.rule(rule.id).enabled is False  # type: ignore[union-attr]


def test_the_live_stream_follows_the_chosen_account(app: Any) -> None:
    emulator = emulator_of(app)
    dashboard, bus = emulator.dashboard, emulator.events
    assert dashboard is not None and bus is not None
    from vodfc.emulator.dashboard.scope import resolve

    other = resolve(emulator.state, {"account": OTHER, "region": "cn-beijing"})
    before_default, before_other = dashboard.fingerprints(), dashboard.fingerprints(other)
    backend = emulator.state.backend(OTHER, "cn-beijing")
    with backend.lock:
        backend.create_video("another one")
    bus.emit({"EventType": "FileUploadComplete", "VideoId": "x"}, account_id=OTHER)
    assert live.changed(before_default, dashboard.fingerprints()) == []
    assert live.changed(before_other, dashboard.fingerprints(other)) == ["events", "library"]
